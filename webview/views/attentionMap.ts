// An attention matrix as a heatmap: target tokens (decoder steps) down, source tokens across, both token
// strings on the axes, on a sequential colour scale with a numeric legend, and a readout line above it
// that names the cell under the pointer and its weight. The Seq2seq tab draws the probe pair's and the
// "try it" box's translation with it.
import { formatNumber } from '../../src/shared/format';
import { HeatmapView } from '../charts/heatmapView';
import { type ColorScale, cssRgb, scaleColor } from '../model/colorScales';
import { unitsByTimeRgba } from '../model/heatmap';
import { clipNote, clippedShare } from '../model/heatmapScales';
import { tokenLabel } from '../model/hiddenStates';
import { type AttentionMatrix, type AttentionRange, attentionScale } from '../model/seq2seqViews';
import { h } from './dom';
import { ScaleLegend } from './scaleLegend';

/** Size of a cell in CSS pixels: square, as large as the width allows within these bounds. */
const CELL_MIN = 14;
const CELL_MAX = 36;
/** Room the colour legend takes beside the map (CSS .scale-legend and the gap). */
const LEGEND_WIDTH = 180;

export class AttentionMap {
  readonly el: HTMLElement;
  /** The weight under the pointer: `<b class="att-value">`, the tokens in `.att-target` and `.att-source`. */
  readonly readout: HTMLElement;
  private readonly heatWrap = h('div', { class: 'heatmap-main' });
  private readonly legend: ScaleLegend;
  private readonly heatmap: HeatmapView;
  private shown: { m: AttentionMatrix; scale: ColorScale } | undefined;
  private readonly idle: string;

  constructor(id: string, foreground: string, idle = 'Point at a cell for its weight.') {
    this.idle = idle;
    this.readout = h('p', { id: `${id}-readout`, class: 'att-readout', role: 'status', 'aria-live': 'polite' }, idle);
    this.legend = new ScaleLegend(`${id}-legend`);
    this.el = h('div', { class: 'att-map' }, this.readout, h('div', { class: 'heatmap-frame' }, this.heatWrap, this.legend.el));
    this.heatmap = new HeatmapView(this.heatWrap, `${id}-canvas`, foreground, false);
    this.heatmap.onHover = (cell) => this.hover(cell);
  }

  setForeground(fg: string): void {
    this.heatmap.setForeground(fg);
  }

  /** Draw `m` on the chosen range; `row` (a decoder step) outlined. Needs the element in the document (it measures its width). */
  show(m: AttentionMatrix, range: AttentionRange, row?: number): void {
    const { scale, caption } = attentionScale(m.weights, range);
    this.shown = { m, scale };
    // rows = decoder steps, columns = source positions: unitsByTimeRgba draws data[col * rows + row]
    const byColumn = new Float32Array(m.S * m.T);
    for (let t = 0; t < m.T; t++) for (let s = 0; s < m.S; s++) byColumn[s * m.T + t] = m.weights[t * m.S + s];
    const rgba = unitsByTimeRgba(byColumn, m.S, m.T, Array.from({ length: m.T }, (_, t) => t), scale);
    this.heatmap.fitRowLabels(m.targetTokens.slice(0, m.T).map(tokenLabel));
    const margin = this.heatmap.margin;
    // the map is as wide as its cells (the legend right beside it), at most the section's width less the legend's
    const room = Math.max(200, (this.el.clientWidth || 700) - LEGEND_WIDTH - margin.left - margin.right);
    const cell = Math.max(CELL_MIN, Math.min(CELL_MAX, Math.floor(room / Math.max(1, m.S))));
    const width = margin.left + margin.right + Math.min(room, cell * m.S);
    const height = margin.top + margin.bottom + cell * m.T;
    this.heatmap.draw(rgba, {
      rows: m.T, cols: m.S,
      rowLabel: (t) => tokenLabel(m.targetTokens[t]), colLabel: (s) => tokenLabel(m.sourceTokens[s]),
      rowTitle: 'target (decoder step)', colTitle: 'source token',
      ...(row !== undefined && { highlightRow: row }),
    }, width, height);
    this.legend.update(scale, caption, clipNote(clippedShare(m.weights, scale), scale), height);
  }

  /** Outline decoder step `row` (undefined: none) without drawing the cells again. */
  highlight(row: number | undefined): void {
    this.heatmap.relayout({ highlightRow: row });
  }

  /** The shown matrix's weight at (decoder step t, source position s). */
  weightAt(t: number, s: number): number | undefined {
    const m = this.shown?.m;
    return m && t < m.T && s < m.S ? m.weights[t * m.S + s] : undefined;
  }

  private hover(cell: { row: number; col: number } | undefined): void {
    const s = this.shown;
    if (!cell || !s) {
      this.readout.replaceChildren(this.idle);
      return;
    }
    const { m, scale } = s;
    const w = m.weights[cell.row * m.S + cell.col];
    const swatch = h('span', { class: 'tip-swatch', 'aria-hidden': 'true' });
    swatch.style.setProperty('background-color', cssRgb(scaleColor(scale, w)));
    this.readout.replaceChildren(
      swatch,
      'decoder step ', String(cell.row), ' writing ', h('b', { class: 'att-target' }, `“${tokenLabel(m.targetTokens[cell.row])}”`),
      ' looks at source position ', String(cell.col), ' ', h('b', { class: 'att-source' }, `“${tokenLabel(m.sourceTokens[cell.col])}”`),
      ' with weight ', h('b', { class: 'att-value' }, formatNumber(w, 3)),
    );
  }
}
