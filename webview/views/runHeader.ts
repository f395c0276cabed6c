// The run header above the tabs: one row per run (colour, name, cell, status, live facts, actions) and one
// per run of a comparison that waits for its trainer, in colour-slot order, so a queued run's row stays
// where its run will appear.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { formatDuration, formatNumber } from '../../src/shared/format';
import { configBaseName, sweptValues } from '../../src/shared/runNames';
import type { PendingRunView, RunView, WebviewToHost } from '../../src/shared/webviewProtocol';
import { liveFacts, pendingText, statusText } from '../model/runFacts';
import type { DashboardStore } from '../state/store';
import { h } from './dom';

export class RunHeader {
  readonly el = h('section', { id: 'run-header', class: 'run-header', 'aria-label': 'Runs' });

  constructor(
    private readonly store: DashboardStore,
    private readonly post: (msg: WebviewToHost) => void,
  ) {}

  render(): void {
    const rows: Array<[number, HTMLElement]> = [
      ...this.store.runs.map((r): [number, HTMLElement] => [r.colorIndex, this.runRow(r)]),
      ...this.store.pending.map((p): [number, HTMLElement] => [p.colorIndex, this.pendingRow(p)]),
    ];
    this.el.replaceChildren(...rows.sort((a, b) => a[0] - b[0]).map(([, row]) => row));
  }

  /** A running run's status step, elapsed time, steps/s and best validation loss, updated in place. */
  updateLive(runId: string): void {
    const r = this.store.runById(runId);
    if (!r || r.status.kind !== 'running') return;
    const row = this.el.querySelector(`.run-row[data-run-id="${CSS.escape(runId)}"]`);
    if (!row) return;
    const set = (sel: string, text: string) => {
      const el = row.querySelector(sel);
      if (el && el.textContent !== text) el.textContent = text;
    };
    const live = liveFacts(r, this.store.dataOf(r.id));
    set('.status', statusText(r));
    set('.fact-steps-per-second .fact-value', formatNumber(live.stepsPerSecond, 3));
    set('.fact-best-val .fact-value', formatNumber(live.bestValidationLoss));
    set('.fact-time .fact-value', formatDuration(r.seconds));
  }

  private runRow(r: RunView): HTMLElement {
    const swatch = h('span', { class: 'swatch', 'aria-hidden': 'true' });
    swatch.style.setProperty('background-color', this.store.colorOf(r));
    const fact = (cls: string, k: string, v: string) => h('span', { class: `fact ${cls}` }, h('span', { class: 'fact-key' }, k), ' ', h('span', { class: 'fact-value' }, v));
    const live = liveFacts(r, this.store.dataOf(r.id));
    return h('div', { class: `run-row status-${r.status.kind}`, 'data-run-id': r.id },
      swatch,
      // the config and the swept values; the badge names the cell
      h('span', { class: 'run-name', title: r.id }, [configBaseName(r.info.name), sweptValues(r.info)].filter(Boolean).join(' · ')),
      h('span', { class: 'badge' }, r.info.cell.toUpperCase()),
      h('span', { class: `status status-${r.status.kind}` }, statusText(r)),
      fact('fact-backend', 'backend', `${r.info.backend} (${r.info.device})`),
      fact('fact-steps-per-second', 'steps/s', formatNumber(live.stepsPerSecond, 3)),
      fact('fact-best-val', 'best val', formatNumber(live.bestValidationLoss)),
      fact('fact-time', 'time', formatDuration(r.seconds)),
      h('span', { class: 'actions' },
        this.button('action-stop', 'Stop', { type: 'stop', runId: r.id }, r.status.kind !== 'running'),
        this.button('action-open-config', 'Open Config', { type: 'openConfig', runId: r.id }),
        this.button('action-reveal', 'Reveal Folder', { type: 'revealFolder', runId: r.id })),
    );
  }

  private pendingRow(p: PendingRunView): HTMLElement {
    const swatch = h('span', { class: 'swatch', 'aria-hidden': 'true' });
    swatch.style.setProperty('border-color', this.store.colorOf(p));
    return h('div', { class: `run-row pending status-${p.state}`, 'data-job-key': p.key },
      swatch,
      h('span', { class: 'run-name' }, p.name),
      p.cell ? h('span', { class: 'badge' }, p.cell.toUpperCase()) : '',
      h('span', { class: `status status-${p.state}` }, pendingText(p)),
      h('span', { class: 'actions' }, this.button('action-stop', p.state === 'queued' ? 'Remove from Queue' : 'Stop', { type: 'stop', runId: p.key })),
    );
  }

  private button(cls: string, label: string, msg: WebviewToHost, disabled = false): HTMLElement {
    const b = h('vscode-button', { class: cls, secondary: true, disabled, title: label }, label);
    b.addEventListener('click', () => this.post(msg));
    return b;
  }
}
