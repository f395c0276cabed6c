// The Seq2seq tab's states section: the encoder's and the decoder's hidden states of one layer as one
// units × time heatmap (source positions, the hand-over, decoder steps; diverging around 0 with a numeric
// legend), the tokens of both sides in a strip above it, and a step-through that walks the pair as the
// textbook animation does: the encoder reads token s → its state (in the order it reads them: back to
// front for a run with reverseSource); the final state is handed to the decoder; the decoder reads its
// input and emits token t (the source tokens then coloured by that step's attention). The stop in view is
// outlined on the heatmap and lit in the strip.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { formatNumber } from '../../src/shared/format';
import { HeatmapView } from '../charts/heatmapView';
import { type ColorScale, cssRgb, scaleColor } from '../model/colorScales';
import { unitsByTimeRgba } from '../model/heatmap';
import { clipNote, clippedShare, symmetricScale } from '../model/heatmapScales';
import { tokenLabel } from '../model/hiddenStates';
import { type AttentionMatrix, type EncoderDecoderStates, walkCaption, walkColumn, walkLength, walkStop, type WalkStop } from '../model/seq2seqViews';
import { h } from '../views/dom';
import { ScaleLegend } from '../views/scaleLegend';

/** Time between stops while the walk plays. */
const PLAY_MS = 700;
/** The states' colour range: this percentile of |h| (as the Hidden states tab's default). */
const RANGE_PERCENTILE = 99;

export class Seq2seqStatesSection {
  readonly el: HTMLElement;
  private readonly heatWrap = h('div', { class: 'heatmap-main' });
  private readonly legend = new ScaleLegend('s2s-states-legend');
  private readonly heatmap: HeatmapView;
  private readonly readout = h('p', { id: 's2s-states-readout', class: 'att-readout', role: 'status' }, 'Point at a cell for its value.');
  private readonly strip = h('div', { id: 's2s-walk-tokens', class: 's2s-walk-tokens', 'aria-hidden': 'true' });
  private readonly caption = h('p', { id: 's2s-walk-caption', class: 's2s-walk-caption', role: 'status', 'aria-live': 'polite' });
  private readonly first = h('vscode-button', { id: 's2s-walk-first', secondary: true, title: 'Back to the first source token' }, '↺ Start');
  private readonly back = h('vscode-button', { id: 's2s-walk-back', secondary: true, title: 'One stop back' }, '◀ Step');
  private readonly play = h('vscode-button', { id: 's2s-walk-play' }, '▶ Play');
  private readonly next = h('vscode-button', { id: 's2s-walk-next', secondary: true, title: 'One stop on' }, 'Step ▶');
  private shown: { st: EncoderDecoderStates; scale: ColorScale; att: AttentionMatrix | undefined } | undefined;
  /** The walk's stop in view (0 … S + T, in reading order: walkStop); undefined before the first step. */
  private stop: number | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  /** The stop in view changed (the tab outlines a decoding stop's attention row). */
  onStop?: (stop: WalkStop | undefined) => void;

  constructor(foreground: string) {
    this.el = h('div', { class: 's2s-states' },
      h('div', { class: 'toolbar' }, this.first, this.back, this.play, this.next),
      this.caption, this.strip, this.readout,
      h('div', { class: 'heatmap-frame' }, this.heatWrap, this.legend.el));
    // no scroll box: at most 600 px tall (units share rows then), so the token axis stays under the cells
    this.heatmap = new HeatmapView(this.heatWrap, 's2s-states-canvas', foreground, false);
    this.heatmap.onHover = (cell) => this.hover(cell);
    this.first.addEventListener('click', () => this.goTo(0));
    this.back.addEventListener('click', () => this.goTo(Math.max(0, (this.stop ?? 1) - 1)));
    this.next.addEventListener('click', () => this.step());
    this.play.addEventListener('click', () => (this.timer ? this.pause() : this.start()));
  }

  setForeground(fg: string): void {
    this.heatmap.setForeground(fg);
  }

  /** Draw the states (a new snapshot or layer); the walk stays at its stop where the pair still has it. */
  show(st: EncoderDecoderStates, att: AttentionMatrix | undefined): void {
    const scale = symmetricScale(st.values, RANGE_PERCENTILE);
    this.shown = { st, scale, att };
    if (this.stop !== undefined && this.stop >= walkLength(st.S, st.T)) this.stop = undefined;
    const rgba = unitsByTimeRgba(st.values, st.cols, st.U, Array.from({ length: st.U }, (_, u) => u), scale);
    const width = Math.max(300, this.heatWrap.clientWidth || 800);
    const height = Math.min(600, Math.max(160, st.U * 6 + 8));
    this.heatmap.draw(rgba, {
      rows: st.U, cols: st.cols, rowLabel: (u) => st.rowLabels[u], colLabel: (c) => tokenLabel(st.colLabels[c]),
      rowTitle: 'unit', colTitle: `encoder reads the source${st.reversed ? ' (back to front)' : ''}  ⇒  decoder writes the target`,
      markedCols: this.stop === undefined ? [] : [walkColumn(walkStop(this.stop, st.S, st.reversed), st.S)],
    }, width, height);
    const clip = clipNote(clippedShare(st.values, scale), scale);
    this.legend.update(scale, `h: diverging around 0, ±${scale.hi} (99th percentile of |h|, both sides)`, clip, height);
    this.renderStop();
  }

  dispose(): void {
    this.pause();
    this.heatmap.onHover = undefined;
    this.onStop = undefined;
  }

  private start(): void {
    const s = this.shown;
    if (!s) return;
    if (this.stop === undefined || this.stop >= walkLength(s.st.S, s.st.T) - 1) this.goTo(0);
    this.timer = setInterval(() => this.step(), PLAY_MS);
    this.play.textContent = '⏸ Pause';
  }

  private pause(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.play.textContent = '▶ Play';
  }

  /** On to the next stop; playing stops at the last. */
  private step(): void {
    const s = this.shown;
    if (!s) return;
    const last = walkLength(s.st.S, s.st.T) - 1;
    const i = this.stop === undefined ? 0 : Math.min(last, this.stop + 1);
    this.goTo(i);
    if (i === last) this.pause();
  }

  private goTo(i: number): void {
    this.stop = i;
    const st = this.shown?.st;
    this.heatmap.relayout({ markedCols: st ? [walkColumn(walkStop(i, st.S, st.reversed), st.S)] : [i] });
    this.renderStop();
  }

  /** The caption, the strip's lit token and (decoding) the source coloured by attention; the tab's hook. */
  private renderStop(): void {
    const s = this.shown;
    if (!s) return;
    const { st, att } = s;
    const stop = this.stop === undefined ? undefined : walkStop(this.stop, st.S, st.reversed);
    const current = stop && walkColumn(stop, st.S);
    const source = st.colLabels.slice(0, st.S), target = st.colLabels.slice(st.S + 1);
    this.caption.dataset.stop = stop === undefined ? '' : stop.kind === 'encode' ? `encode:${stop.s}` : stop.kind === 'decode' ? `decode:${stop.t}` : 'handOver';
    this.caption.textContent = stop === undefined
      ? `Step through the pair: ${st.S} source tokens${st.reversed ? ' as the encoder reads them, back to front (reverseSource)' : ''}, the hand-over, ${st.T} decoder steps.`
      : walkCaption(stop, source.map(tokenLabel), target.map(tokenLabel), st.reversed);
    const spans = st.colLabels.map((tok, c) => {
      const span = h('span', { class: `s2s-tok${c === st.S ? ' handover' : ''}${c === current ? ' current' : ''}`, 'data-col': c }, tokenLabel(tok));
      if (stop?.kind === 'decode' && att && c < st.S && stop.t < att.T) {
        const w = att.weights[stop.t * att.S + c];
        const color = scaleColor({ kind: 'sequential', lo: 0, hi: 1 }, w);
        span.style.setProperty('background-color', cssRgb(color));
        span.style.setProperty('color', (color[0] * 299 + color[1] * 587 + color[2] * 114) / 1000 > 140 ? '#111' : '#fff');
        span.title = `attention ${formatNumber(w, 3)}`;
      }
      return span;
    });
    this.strip.replaceChildren(h('span', { class: 's2s-side' }, 'source'), ...spans.slice(0, st.S + 1), h('span', { class: 's2s-side' }, 'target'), ...spans.slice(st.S + 1));
    this.onStop?.(stop);
  }

  private hover(cell: { row: number; col: number } | undefined): void {
    const s = this.shown;
    if (!cell || !s) {
      this.readout.replaceChildren('Point at a cell for its value.');
      return;
    }
    const { st } = s;
    const v = st.values[cell.col * st.U + cell.row];
    const where = cell.col < st.S ? `encoder, source position ${cell.col}` : cell.col === st.S ? 'the hand-over' : `decoder step ${cell.col - st.S - 1}`;
    this.readout.replaceChildren(`unit ${st.rowLabels[cell.row]} · ${where} “${tokenLabel(st.colLabels[cell.col])}” · `,
      h('b', { class: 'tip-value' }, Number.isNaN(v) ? 'no value' : formatNumber(v)));
  }
}
