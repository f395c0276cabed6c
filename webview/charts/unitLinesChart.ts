// LSTMVis's main view on a canvas: the chosen units' states as lines over the input, one token per
// column, the tokens themselves under the x axis. The text scrolls sideways (a native scroll bar; the
// canvas stays in place and draws the columns in view), Ctrl + wheel or +/− zooms around the pointer,
// dragging across the plot selects a range of timesteps. The y axis, the threshold (dashed) and the
// selection (shaded) are drawn with the lines; the pattern's units are drawn bold.

import { formatNumber } from '../../src/shared/format';
import { linearTicks } from '../../src/shared/chart/ticks';
import { tokenLabel } from '../model/hiddenStates';
import type { Theme } from '../model/theme';
import { sizedContext } from './canvasSize';

export interface UnitLines {
  /** values[t * H + unit] */
  values: Float32Array;
  T: number;
  H: number;
  tokens: readonly string[];
  units: readonly number[];
  /** A colour per plotted unit. */
  colors: readonly string[];
  yTitle: string;
  /** The y range; `fit: 'view'` replaces it with the range of the values in view as the text scrolls. */
  yRange: [number, number];
  fit?: 'text' | 'view';
  threshold: number;
  selection?: [number, number];
  /** Units drawn bold: the selection's pattern. */
  pattern: ReadonlySet<number>;
  /** What the timestep labels count: a validation slice's positions in the validation data; default t. */
  positions?: Int32Array;
  positionTitle?: string;
}

/** Zoom limits, pixels per token: below 2 the lines are a blur, above 48 a screen holds a word. */
export const MIN_PX = 2;
export const MAX_PX = 48;
/** From this width on every token is written under its column. */
const TOKENS_FROM_PX = 7;

export class UnitLinesChart {
  readonly scroller: HTMLDivElement;
  readonly canvas: HTMLCanvasElement;
  private readonly spacer: HTMLDivElement;
  static readonly margin = { left: 58, right: 12, top: 10, bottom: 46 };
  private data: UnitLines | undefined;
  private px = 14;
  private hoverT: number | undefined;
  private drag: { from: number; to: number } | undefined;
  private frame = 0;
  onHover?: (t: number | undefined) => void;
  onSelect?: (range: [number, number]) => void;
  onZoom?: (pxPerToken: number) => void;
  /** Milliseconds the last draw took (tests, bench). */
  lastDrawMs = 0;

  constructor(parent: HTMLElement, private theme: Theme, private readonly height = 300) {
    this.scroller = document.createElement('div');
    this.scroller.className = 'unit-scroll';
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'unit-lines';
    this.canvas.tabIndex = 0;
    this.spacer = document.createElement('div');
    this.spacer.className = 'unit-scroll-spacer';
    this.scroller.append(this.canvas, this.spacer);
    parent.append(this.scroller);
    this.scroller.addEventListener('scroll', () => this.schedule());
    this.canvas.addEventListener('mousemove', (e) => this.onMove(e));
    this.canvas.addEventListener('mouseleave', () => this.setHover(undefined));
    this.canvas.addEventListener('mousedown', (e) => this.onDown(e));
    this.canvas.addEventListener('wheel', (e) => this.onWheel(e), { passive: false });
    this.canvas.addEventListener('keydown', (e) => this.onKey(e));
    new ResizeObserver(() => this.schedule()).observe(this.scroller);
  }

  get pxPerToken(): number {
    return this.px;
  }

  setData(d: UnitLines | undefined): void {
    this.data = d;
    this.layout();
    this.draw();
  }

  setTheme(theme: Theme): void {
    this.theme = theme;
    this.schedule();
  }

  /** Zoom to `px` per token, keeping timestep `anchor` (default: the middle of the view) where it is on screen. */
  setZoom(px: number, anchor?: { t: number; x: number }): void {
    const next = Math.max(MIN_PX, Math.min(MAX_PX, px));
    const plotW = this.plotWidth();
    const a = anchor ?? { t: (this.scroller.scrollLeft + plotW / 2) / this.px, x: plotW / 2 };
    this.px = next;
    this.layout();
    this.scroller.scrollLeft = Math.max(0, a.t * next - a.x);
    this.draw();
  }

  /** Scroll so that timestep t is in the middle of the view. */
  reveal(t: number): void {
    this.scroller.scrollLeft = Math.max(0, (t + 0.5) * this.px - this.plotWidth() / 2);
    this.draw();
  }

  /** The timestep under a client x, or undefined outside the plot. */
  timestepAt(clientX: number): number | undefined {
    if (!this.data) return undefined;
    const x = clientX - this.canvas.getBoundingClientRect().left - UnitLinesChart.margin.left;
    if (x < 0 || x > this.plotWidth()) return undefined;
    const t = Math.floor((x + this.scroller.scrollLeft) / this.px);
    return t >= 0 && t < this.data.T ? t : undefined;
  }

  /** Client x of the middle of timestep t's column (tests). */
  columnCenter(t: number): number {
    return this.canvas.getBoundingClientRect().left + UnitLinesChart.margin.left + (t + 0.5) * this.px - this.scroller.scrollLeft;
  }

  /** The timestep under a client x, the first or last in view when x is left or right of the plot. */
  private clampedTimestep(clientX: number): number {
    const x = clientX - this.canvas.getBoundingClientRect().left - UnitLinesChart.margin.left;
    const t = Math.floor((Math.max(0, Math.min(this.plotWidth() - 1, x)) + this.scroller.scrollLeft) / this.px);
    return Math.max(0, Math.min((this.data?.T ?? 1) - 1, t));
  }

  /** Width of the plot area in CSS pixels. */
  plotWidth(): number {
    const m = UnitLinesChart.margin;
    return Math.max(50, this.scroller.clientWidth - m.left - m.right);
  }

  private layout(): void {
    const m = UnitLinesChart.margin;
    const T = this.data?.T ?? 0;
    // the spacer makes the scroller as wide as the whole text; the canvas covers the visible part
    this.spacer.style.setProperty('width', `${m.left + T * this.px + m.right}px`);
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  private draw(): void {
    const t0 = performance.now();
    const width = Math.max(200, this.scroller.clientWidth);
    const height = this.height;
    const ctx = sizedContext(this.canvas, width, height);
    const d = this.data;
    if (d) this.paint(ctx, d, width, height);
    this.lastDrawMs = performance.now() - t0;
  }

  private paint(ctx: CanvasRenderingContext2D, d: UnitLines, width: number, height: number): void {
    const m = UnitLinesChart.margin;
    const th = this.theme;
    const plotW = width - m.left - m.right;
    const plotH = height - m.top - m.bottom;
    const scroll = this.scroller.scrollLeft;
    const px = this.px;
    const x = (t: number) => m.left + (t + 0.5) * px - scroll;
    const first = Math.max(0, Math.floor(scroll / px) - 1);
    const last = Math.min(d.T - 1, Math.ceil((scroll + plotW) / px) + 1);
    const [lo, hi] = d.fit === 'view' ? rangeInView(d, first, last) : d.yRange;
    const y = (v: number) => m.top + ((hi - Math.max(lo, Math.min(hi, v))) / (hi - lo)) * plotH;

    // y grid and axis
    ctx.font = `11px ${th.font}`;
    ctx.fillStyle = th.muted;
    ctx.strokeStyle = th.grid;
    ctx.lineWidth = 1;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const v of linearTicks(lo, hi, 5)) {
      ctx.beginPath();
      ctx.moveTo(m.left, Math.round(y(v)) + 0.5);
      ctx.lineTo(m.left + plotW, Math.round(y(v)) + 0.5);
      ctx.stroke();
      ctx.fillText(formatNumber(v, 3), m.left - 6, y(v));
    }
    ctx.save();
    ctx.translate(12, m.top + plotH / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'center';
    ctx.fillText(d.yTitle, 0, 0);
    ctx.restore();

    ctx.save();
    ctx.beginPath();
    ctx.rect(m.left, 0, plotW, height);
    ctx.clip();
    // selection, being dragged or made
    const sel = this.drag ? ([Math.min(this.drag.from, this.drag.to), Math.max(this.drag.from, this.drag.to)] as [number, number]) : d.selection;
    if (sel) {
      ctx.fillStyle = th.kind === 'light' || th.kind === 'high-contrast-light' ? 'rgba(0, 95, 184, 0.13)' : 'rgba(55, 148, 255, 0.18)';
      ctx.fillRect(x(sel[0]) - px / 2, m.top, (sel[1] - sel[0] + 1) * px, plotH);
    }
    // threshold
    ctx.strokeStyle = th.muted;
    ctx.setLineDash([4, 4]);
    ctx.beginPath();
    ctx.moveTo(m.left, y(d.threshold));
    ctx.lineTo(m.left + plotW, y(d.threshold));
    ctx.stroke();
    ctx.setLineDash([]);
    // the units' lines, the pattern's on top
    const order = [...d.units.keys()].sort((a, b) => Number(d.pattern.has(d.units[a])) - Number(d.pattern.has(d.units[b])));
    for (const i of order) {
      const u = d.units[i];
      ctx.strokeStyle = d.colors[i];
      ctx.lineWidth = d.pattern.has(u) ? 2.6 : 1.3;
      ctx.beginPath();
      for (let t = first; t <= last; t++) {
        const v = d.values[t * d.H + u];
        if (t === first) ctx.moveTo(x(t), y(v));
        else ctx.lineTo(x(t), y(v));
      }
      ctx.stroke();
    }
    // the hovered timestep: a crosshair and a dot on each line
    if (this.hoverT !== undefined && this.hoverT >= first && this.hoverT <= last) {
      const hx = x(this.hoverT);
      ctx.strokeStyle = th.foreground;
      ctx.lineWidth = 1;
      ctx.globalAlpha = 0.5;
      ctx.beginPath();
      ctx.moveTo(hx, m.top);
      ctx.lineTo(hx, m.top + plotH);
      ctx.stroke();
      ctx.globalAlpha = 1;
      d.units.forEach((u, i) => {
        ctx.fillStyle = d.colors[i];
        ctx.beginPath();
        ctx.arc(hx, y(d.values[this.hoverT! * d.H + u]), 3, 0, 2 * Math.PI);
        ctx.fill();
      });
    }
    this.paintTokens(ctx, d, { x, first, last, top: m.top + plotH, plotW });
    ctx.restore();
    // the axis title under the token strip, outside the clip
    ctx.fillStyle = th.muted;
    ctx.font = `11px ${th.font}`;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'alphabetic';
    ctx.fillText(`${d.positionTitle ?? 'token (timestep)'} · ${formatNumber(px, 3)} px per token`, m.left, height - 4);
  }

  /** The token strip: every token when there is room, else the timestep every few columns. */
  private paintTokens(ctx: CanvasRenderingContext2D, d: UnitLines, g: { x: (t: number) => number; first: number; last: number; top: number; plotW: number }): void {
    const th = this.theme;
    const px = this.px;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    if (px >= TOKENS_FROM_PX) {
      ctx.font = `${Math.min(14, Math.max(10, px - 2))}px monospace`;
      for (let t = g.first; t <= g.last; t++) {
        const inSelection = d.selection && t >= d.selection[0] && t <= d.selection[1];
        ctx.fillStyle = t === this.hoverT || inSelection ? th.foreground : th.muted;
        ctx.fillText(tokenLabel(d.tokens[t] ?? ''), g.x(t), g.top + 4);
      }
    }
    // timestep labels every few columns, whole numbers
    ctx.font = `10px ${th.font}`;
    ctx.fillStyle = th.muted;
    const every = niceStep(Math.ceil(48 / px));
    const left = UnitLinesChart.margin.left;
    for (let t = Math.ceil(g.first / every) * every; t <= g.last; t += every) {
      const label = String(d.positions?.[t] ?? t);
      // a label cut by the y axis would read as another number
      if (g.x(t) - ctx.measureText(label).width / 2 < left) continue;
      ctx.fillText(label, g.x(t), g.top + (px >= TOKENS_FROM_PX ? 20 : 4));
      ctx.fillRect(Math.round(g.x(t)), g.top, 1, 3);
    }
  }

  private setHover(t: number | undefined): void {
    if (t === this.hoverT) return;
    this.hoverT = t;
    this.onHover?.(t);
    this.schedule();
  }

  private onMove(e: MouseEvent): void {
    this.setHover(this.timestepAt(e.clientX));
  }

  private onDown(e: MouseEvent): void {
    const t = this.timestepAt(e.clientX);
    if (t === undefined || e.button !== 0) return;
    e.preventDefault();
    this.canvas.focus();
    this.drag = { from: t, to: t };
    const move = (ev: MouseEvent) => {
      if (this.drag) this.drag.to = this.clampedTimestep(ev.clientX);
      this.setHover(this.timestepAt(ev.clientX));
      this.schedule();
    };
    const up = () => {
      window.removeEventListener('mousemove', move);
      window.removeEventListener('mouseup', up);
      const dr = this.drag;
      this.drag = undefined;
      if (dr) this.onSelect?.([Math.min(dr.from, dr.to), Math.max(dr.from, dr.to)]);
      this.schedule();
    };
    window.addEventListener('mousemove', move);
    window.addEventListener('mouseup', up);
  }

  private onWheel(e: WheelEvent): void {
    if (!(e.ctrlKey || e.metaKey)) return;
    e.preventDefault();
    const rect = this.canvas.getBoundingClientRect();
    const xIn = e.clientX - rect.left - UnitLinesChart.margin.left;
    const next = this.px * (e.deltaY < 0 ? 1.25 : 0.8);
    this.setZoom(next, { t: (xIn + this.scroller.scrollLeft) / this.px, x: xIn });
    this.onZoom?.(this.px);
  }

  private onKey(e: KeyboardEvent): void {
    if (e.key === '+' || e.key === '=') this.setZoom(this.px * 1.25);
    else if (e.key === '-') this.setZoom(this.px * 0.8);
    else if (e.key === 'ArrowRight') this.scroller.scrollLeft += this.plotWidth() / 4;
    else if (e.key === 'ArrowLeft') this.scroller.scrollLeft -= this.plotWidth() / 4;
    else return;
    e.preventDefault();
    if (e.key === '+' || e.key === '=' || e.key === '-') this.onZoom?.(this.px);
  }

  dispose(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.onHover = this.onSelect = this.onZoom = undefined;
  }
}

/** A range around 0 that holds the plotted values of timesteps first…last, with a little room. */
function rangeInView(d: UnitLines, first: number, last: number): [number, number] {
  let big = 0;
  for (let t = first; t <= last; t++) for (const u of d.units) big = Math.max(big, Math.abs(d.values[t * d.H + u]));
  const r = Math.max(Math.abs(d.threshold), big * 1.05, 1e-3);
  return [-r, r];
}

/** 1, 2, 5, 10, 20, 50, … at least n. */
function niceStep(n: number): number {
  let step = 1;
  for (;;) {
    for (const m of [1, 2, 5]) if (m * step >= n) return m * step;
    step *= 10;
  }
}
