// The Explore tab's probe editor: any text typed (text runs), or a slice of the validation data (start and
// length, up to thousands of tokens; the only input of a CSV run, whose tokens are rows). "Show states"
// asks the engine for every layer's states over it, from the weights chosen in the tab's toolbar.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import type { ExplorerInput } from '../../src/shared/explorerProtocol';
import { formatCount } from '../../src/shared/format';
import type { RunView } from '../../src/shared/webviewProtocol';
import type { Probe } from '../model/explorerSession';
import { control, h, select } from '../views/dom';
import { type ExploreContext, type ExploreSection, renderStatus, weightsText } from './exploreSection';

/** Longest slice the editor offers: the engine computes up to 50 000 steps, a view of 20 000 is plenty. */
export const MAX_SLICE = 20_000;

/** What a run lets the explorer read: typed text and slices, slices only (CSV), or nothing (synthetic tasks). */
export function probeModes(r: RunView): { modes: Probe['mode'][]; note?: string } {
  if (r.info.task === 'text') return { modes: ['text', 'slice'] };
  if (r.info.task === 'csv') return { modes: ['slice'], note: 'CSV runs read rows, not text: explore a slice of the validation rows (each timestep is a row; the features are the input columns and the targets).' };
  return { modes: [], note: `The explorer reads text and CSV runs, whose validation data is one stream; this run’s task (${r.info.task}) has independent examples.` };
}

/** The run's own probe as editable text: characters joined, words with spaces. */
export function probeText(r: RunView): string {
  const tokens = r.info.probeTokens ?? [];
  return tokens.every((t) => [...t].length <= 1) ? tokens.join('') : tokens.join(' ');
}

/** The input a probe names. */
export function probeInput(p: Probe, r: RunView): ExplorerInput {
  return p.mode === 'text' ? { text: p.text ?? probeText(r) } : { validationSlice: { start: p.start, length: p.length } };
}

export class ExploreProbe implements ExploreSection {
  readonly el = h('section', { class: 'ex-section ex-probe', 'aria-label': 'Probe' });
  private readonly modeHost = h('span');
  private readonly text = h('vscode-textarea', { id: 'ex-text', monospace: true, rows: 4, 'aria-label': 'Text to explore', placeholder: 'Type any text to see what each unit does with it' });
  private readonly start = h('input', { id: 'ex-start', type: 'number', min: 0, step: 1, class: 'number', 'aria-label': 'First token of the slice' });
  private readonly length = h('input', { id: 'ex-length', type: 'number', min: 1, max: MAX_SLICE, step: 1, class: 'number', 'aria-label': 'Tokens in the slice' });
  private readonly sliceRow = h('div', { class: 'toolbar' });
  private readonly button = h('vscode-button', { id: 'ex-run' }, 'Show states');
  private readonly status = h('div', { id: 'ex-status', class: 'ex-status', role: 'status' });
  private readonly note = h('p', { id: 'ex-probe-note', class: 'hint', hidden: true });
  private modeKey = '';

  constructor(private readonly ctx: ExploreContext) {
    this.sliceRow.append(control('Start', this.start), control('Length (tokens)', this.length), h('span', { class: 'hint' }, `up to ${formatCount(MAX_SLICE)} tokens of the validation data`));
    this.el.append(h('h3', {}, 'Probe'), this.note, h('div', { class: 'toolbar' }, this.modeHost, this.button), this.text, this.sliceRow, this.status);
    this.text.addEventListener('input', () => ctx.session.setProbe({ text: this.text.value }));
    const num = (el: HTMLInputElement, key: 'start' | 'length', lo: number, hi: number) =>
      el.addEventListener('change', () => {
        const v = Math.max(lo, Math.min(hi, Math.floor(Number(el.value) || lo)));
        el.value = String(v);
        ctx.session.setProbe({ [key]: v });
      });
    num(this.start, 'start', 0, Number.MAX_SAFE_INTEGER);
    num(this.length, 'length', 1, MAX_SLICE);
    this.button.addEventListener('click', () => this.show());
  }

  /** Ask for the states of what the editor holds now. */
  show(): void {
    const r = this.ctx.run();
    if (!r || probeModes(r).modes.length === 0) return;
    this.ctx.session.revealAfterStates = undefined;
    this.ctx.ask({ kind: 'states', request: { input: probeInput(this.ctx.session.probe, r), gates: false } });
  }

  render(): void {
    const r = this.ctx.run();
    if (!r) return;
    const { session } = this.ctx;
    const { modes, note } = probeModes(r);
    if (!modes.includes(session.probe.mode) && modes.length > 0) session.setProbe({ mode: modes[0] });
    const p = session.probe;
    const key = `${r.id}|${modes.join()}|${p.mode}`;
    if (key !== this.modeKey) {
      this.modeKey = key;
      const labels: Record<Probe['mode'], string> = { text: 'Text I type', slice: 'Slice of the validation data' };
      this.modeHost.replaceChildren(modes.length > 0 ? select('ex-mode', 'Input', modes.map((m) => [m, labels[m]]), p.mode, (v) => {
        session.setProbe({ mode: v as Probe['mode'] });
        this.render();
      }) : '');
    }
    this.note.hidden = note === undefined;
    this.note.textContent = note ?? '';
    this.button.toggleAttribute('disabled', modes.length === 0);
    this.text.hidden = p.mode !== 'text' || modes.length === 0;
    this.sliceRow.hidden = p.mode !== 'slice' || modes.length === 0;
    // the fields follow the session, except the one being typed in
    const text = p.text ?? probeText(r);
    if (this.text.value !== text && document.activeElement !== this.text) this.text.value = text;
    if (document.activeElement !== this.start) this.start.value = String(p.start);
    if (document.activeElement !== this.length) this.length.value = String(p.length);
    renderStatus(this.status, session.answer('states'), {
      idle: modes.length > 0 ? 'Show the states of the probe to plot its units.' : '',
      loading: 'Computing the states…',
      done: ({ result }) => {
        const unk = result.unknown.tokens.length > 0 ? ` · ${formatCount(result.unknown.positions.length)} token(s) not in the vocabulary, read as <unk>: ${result.unknown.tokens.slice(0, 8).map((t) => `“${t}”`).join(' ')}` : '';
        return `${formatCount(result.tokens.length)} tokens · states of ${weightsText(result.weights)}${unk}`;
      },
    });
  }

  dispose(): void {}
}
