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

  /**
   * The rows again, patched into those on screen: a row's parts that did not change (its buttons, mostly)
   * stay the same elements. The host posts the runs whenever one changes on disk (a running run's meta.json,
   * several times a second), and a row replaced between a button's mousedown and mouseup lost the click
   * (seen in code-server: "Remove from Queue" ignored while a comparison's first run trained).
   */
  render(): void {
    const rows: Array<[number, HTMLElement]> = [
      ...this.store.runs.map((r): [number, HTMLElement] => [r.colorIndex, this.runRow(r)]),
      ...this.store.pending.map((p): [number, HTMLElement] => [p.colorIndex, this.pendingRow(p)]),
    ];
    const next = rows.sort((a, b) => a[0] - b[0]).map(([, row]) => row);
    const current = [...this.el.children] as HTMLElement[];
    const byKey = new Map(current.map((row) => [rowKey(row), row]));
    const patched = next.map((row) => {
      const prev = byKey.get(rowKey(row));
      return prev ? patchRow(prev, row) : row;
    });
    // the same rows in the same order: nothing moves (moving a row detaches its buttons too)
    if (patched.length === current.length && patched.every((row, i) => row === current[i])) return;
    this.el.replaceChildren(...patched);
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
    // what the button is, as patchRow compares it (the component adds attributes of its own once shown)
    const b = h('vscode-button', { class: cls, secondary: true, disabled, title: label, 'data-sig': JSON.stringify([cls, label, disabled, msg]) }, label);
    b.addEventListener('click', () => this.post(msg));
    return b;
  }
}

const rowKey = (row: Element): string => row.getAttribute('data-run-id') ?? `job:${row.getAttribute('data-job-key')}`;

/** `prev` made to look like `next`, keeping each child that is the same (and its listeners); `next` itself when their shapes differ. */
function patchRow(prev: HTMLElement, next: HTMLElement): HTMLElement {
  if (sameNode(prev, next)) return prev;
  if (prev.children.length !== next.children.length || prev.childNodes.length !== next.childNodes.length) return next;
  for (const name of prev.getAttributeNames()) if (!next.hasAttribute(name)) prev.removeAttribute(name);
  for (const name of next.getAttributeNames()) if (prev.getAttribute(name) !== next.getAttribute(name)) prev.setAttribute(name, next.getAttribute(name)!);
  const olds = [...prev.childNodes], news = [...next.childNodes];
  olds.forEach((child, i) => {
    if (sameNode(child, news[i])) return;
    // a row's action buttons: patched one level down, so an unchanged button stays
    const patched = child instanceof HTMLElement && news[i] instanceof HTMLElement && child.classList.contains('actions') ? patchRow(child, news[i] as HTMLElement) : news[i];
    if (patched !== child) child.replaceWith(patched);
  });
  return prev;
}

/** A button by what it is and does (its data-sig); anything else node for node. */
function sameNode(a: Node, b: Node): boolean {
  const sig = (n: Node) => (n instanceof HTMLElement ? n.dataset.sig : undefined);
  return sig(a) !== undefined || sig(b) !== undefined ? sig(a) === sig(b) : a.isEqualNode(b);
}
