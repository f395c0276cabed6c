// A hypothesis's decoding step by step: one column per decoder step, its K most probable next tokens best
// first, each with a bar and its percentage, the token taken outlined (a draw outside the K in a row of its
// own); the pointer on a cell reads its exact log-probability. The "try it" box shows the hypothesis in view.
import { formatNumber, tokenLabel } from '../../src/shared/format';
import { type CandidateCell, type CandidateColumn, percentText } from '../model/decodingTrace';
import { h } from './dom';

export class StepCandidatesTable {
  readonly el: HTMLElement;
  private readonly table = h('table', { id: 's2s-steps', class: 's2s-steps' });
  readonly readout = h('p', { id: 's2s-steps-readout', class: 'att-readout', role: 'status', 'aria-live': 'polite' });

  constructor() {
    this.el = h('div', { class: 's2s-steps-wrap' }, this.readout, h('div', { class: 's2s-steps-scroll' }, this.table));
  }

  /** The columns of the hypothesis in view; hidden when there are none. */
  show(columns: CandidateColumn[]): void {
    this.el.hidden = columns.length === 0;
    this.readout.textContent = 'Each decoder step’s most probable next tokens; the outlined one was taken. Point at a cell for its log-probability.';
    const rows = Math.max(0, ...columns.map((c) => c.cells.length));
    const outside = columns.some((c) => c.takenOutside);
    const head = h('tr', {}, h('th', { scope: 'col' }, 'rank'), ...columns.map((c) => h('th', { scope: 'col', 'data-step': c.step }, `step ${c.step}`)));
    const body = Array.from({ length: rows }, (_, r) => h('tr', {}, h('th', { scope: 'row' }, String(r + 1)),
      ...columns.map((c) => (c.cells[r] ? this.cell(c.cells[r], c.step, r + 1) : h('td', {})))));
    const took = outside ? [h('tr', { class: 'outside' }, h('th', { scope: 'row' }, 'taken'),
      ...columns.map((c) => (c.takenOutside ? this.cell(c.takenOutside, c.step, c.takenOutside.rank) : h('td', {}))))] : [];
    this.table.replaceChildren(h('thead', {}, head), h('tbody', {}, ...body, ...took));
  }

  private cell(c: CandidateCell, step: number, rank: number): HTMLElement {
    const bar = h('span', { class: 's2s-bar' });
    bar.style.setProperty('width', `${Math.max(0, Math.min(100, 100 * c.p))}%`);
    const exact = `step ${step}, rank ${rank}: “${tokenLabel(c.token)}” log p = ${c.logProb} (p = ${formatNumber(c.p, 6)})${c.taken ? ', taken' : ''}`;
    const td = h('td', { class: c.taken ? 'taken' : undefined, title: exact, 'data-log-prob': String(c.logProb), tabindex: 0 },
      h('span', { class: 's2s-cand-token' }, tokenLabel(c.token)), h('span', { class: 's2s-cand-p' }, percentText(c.p)), h('span', { class: 's2s-bar-track' }, bar));
    const read = () => (this.readout.textContent = exact);
    td.addEventListener('mouseenter', read);
    td.addEventListener('focus', read);
    return td;
  }
}
