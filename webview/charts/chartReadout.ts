// The readout table that follows the cursor over a line chart (TensorBoard's tooltip): one row per run
// and series with its swatch in the series' line style, the label and the values the chart's owner
// computed (model/readout.ts). Placed beside the pointer inside the chart, flipped at the edges.
import type { Readout, ReadoutRow } from '../model/readout';
import { tooltipPlacement } from '../model/tooltipPlacement';
import { h } from '../views/dom';
import { legendSwatch } from '../views/legendSwatch';

export class ChartReadout {
  readonly el = h('div', { class: 'readout', role: 'status', 'aria-live': 'off', hidden: true });

  constructor(private readonly root: HTMLElement) {
    root.append(this.el);
  }

  /** Show `r` beside the pointer at (x, y) in client pixels. */
  show(r: Readout, x: number, y: number): void {
    const head = h('tr', {}, h('th', { 'aria-label': 'colour' }), h('th', {}, r.labelHead), ...r.columns.map((c) => h('th', { class: 'num' }, c)));
    this.el.replaceChildren(h('table', { class: 'readout-table' }, h('thead', {}, head), h('tbody', {}, ...r.rows.map(rowOf))));
    this.el.hidden = false;
    const box = this.root.getBoundingClientRect();
    const at = tooltipPlacement({ x, y }, { width: this.el.offsetWidth, height: this.el.offsetHeight },
      { left: box.left, top: box.top, right: Math.min(box.right, document.documentElement.clientWidth), bottom: box.bottom }, 16);
    this.el.style.setProperty('left', `${at.left - box.left}px`);
    this.el.style.setProperty('top', `${at.top - box.top}px`);
  }

  hide(): void {
    this.el.hidden = true;
  }
}

function rowOf(row: ReadoutRow): HTMLElement {
  return h('tr', {}, h('td', {}, legendSwatch(row.color, row.swatch, row.points)), h('td', { class: 'readout-label' }, row.label), ...row.cells.map((c) => h('td', { class: 'num' }, c)));
}
