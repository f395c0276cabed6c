// The embedding map: every token of the vocabulary as a point of a 2-D projection (PCA or UMAP), labelled
// with its token where the label has room (collision thinning: the picked token, its neighbours and search
// hits first, then an even spread), numeric axes, the picked token joined to its nearest neighbours.
// Drag pans, Ctrl + wheel zooms around the pointer, double-click shows everything again; hovering names
// the point under the pointer, clicking picks it.

import { formatNumber } from '../../src/shared/format';
import { linearTicks } from '../../src/shared/chart/ticks';
import { tokenLabel } from '../model/hiddenStates';
import { type LabelBox, spreadPriority, thinLabels } from '../model/labelThinning';
import { runColor } from '../model/palette';
import type { Theme } from '../model/theme';
import { sizedContext } from './canvasSize';

export interface EmbeddingPoints {
  /** [V, 2] */
  points: Float32Array;
  tokens: readonly string[];
  xTitle: string;
  yTitle: string;
  picked?: number;
  neighbours: readonly number[];
  /** Tokens a search found. */
  hits: readonly number[];
}

type Box = { x0: number; x1: number; y0: number; y1: number };

/** Pixels from the pointer within which a point counts as under it. */
const HIT_PX = 8;

export class EmbeddingMap {
  readonly canvas: HTMLCanvasElement;
  readonly tooltip: HTMLDivElement;
  static readonly margin = { left: 56, right: 12, top: 10, bottom: 40 };
  private data: EmbeddingPoints | undefined;
  private view: Box | undefined;
  private full: Box = { x0: 0, x1: 1, y0: 0, y1: 1 };
  private frame = 0;
  private hovered: number | undefined;
  /** Labels drawn in the last frame, and of how many points in view (tests, the hint). */
  labelled = { shown: 0, inView: 0, ids: [] as number[] };
  onPick?: (id: number) => void;
  onDraw?: () => void;

  constructor(parent: HTMLElement, private theme: Theme, private readonly height = 460) {
    const wrap = document.createElement('div');
    wrap.className = 'embedding-wrap';
    this.canvas = document.createElement('canvas');
    this.canvas.id = 'ex-embedding-canvas';
    this.canvas.className = 'embedding-map';
    this.canvas.tabIndex = 0;
    this.tooltip = document.createElement('div');
    this.tooltip.id = 'ex-embedding-tooltip';
    this.tooltip.className = 'tooltip';
    this.tooltip.hidden = true;
    wrap.append(this.canvas, this.tooltip);
    parent.append(wrap);
    this.canvas.addEventListener('mousemove', (e) => this.onMove(e));
    this.canvas.addEventListener('mouseleave', () => this.hover(undefined));
    this.canvas.addEventListener('mousedown', (e) => this.onDown(e));
    this.canvas.addEventListener('dblclick', () => this.resetView());
    this.canvas.addEventListener('wheel', (e) => this.onWheel(e), { passive: false });
    new ResizeObserver(() => this.schedule()).observe(wrap);
  }

  setData(d: EmbeddingPoints | undefined, keepView = false): void {
    const fresh = d?.points !== this.data?.points;
    this.data = d;
    if (d && fresh) {
      this.full = boundsOf(d.points);
      if (!keepView) this.view = undefined;
    }
    this.draw();
  }

  setTheme(theme: Theme): void {
    this.theme = theme;
    this.schedule();
  }

  resetView(): void {
    this.view = undefined;
    this.schedule();
  }

  /** Client coordinates of point `id` (tests). */
  pointAt(id: number): { x: number; y: number } | undefined {
    const d = this.data;
    if (!d) return undefined;
    const r = this.canvas.getBoundingClientRect();
    const { sx, sy } = this.scales(r.width, r.height);
    return { x: r.left + sx(d.points[2 * id]), y: r.top + sy(d.points[2 * id + 1]) };
  }

  private scales(width: number, height: number) {
    const m = EmbeddingMap.margin;
    const v = this.view ?? this.full;
    const w = width - m.left - m.right, h = height - m.top - m.bottom;
    return {
      sx: (x: number) => m.left + ((x - v.x0) / (v.x1 - v.x0)) * w,
      sy: (y: number) => m.top + ((v.y1 - y) / (v.y1 - v.y0)) * h,
      ix: (px: number) => v.x0 + ((px - m.left) / w) * (v.x1 - v.x0),
      iy: (py: number) => v.y1 - ((py - m.top) / h) * (v.y1 - v.y0),
      w, h, v,
    };
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  private draw(): void {
    const width = Math.max(300, this.canvas.parentElement?.clientWidth ?? 600);
    const height = this.height;
    const ctx = sizedContext(this.canvas, width, height);
    if (this.data) this.paint(ctx, this.data, width, height);
    this.onDraw?.();
  }

  private paint(ctx: CanvasRenderingContext2D, d: EmbeddingPoints, width: number, height: number): void {
    const m = EmbeddingMap.margin;
    const th = this.theme;
    const s = this.scales(width, height);
    this.paintAxes(ctx, d, s, height);
    ctx.save();
    ctx.beginPath();
    ctx.rect(m.left, m.top, s.w, s.h);
    ctx.clip();
    const V = d.tokens.length;
    const accent = runColor(0, th.charts), near = runColor(1, th.charts), hit = runColor(2, th.charts);
    const neighbours = new Set(d.neighbours), hits = new Set(d.hits);
    if (d.picked !== undefined) {
      ctx.strokeStyle = near;
      ctx.lineWidth = 1;
      for (const n of d.neighbours) {
        ctx.beginPath();
        ctx.moveTo(s.sx(d.points[2 * d.picked]), s.sy(d.points[2 * d.picked + 1]));
        ctx.lineTo(s.sx(d.points[2 * n]), s.sy(d.points[2 * n + 1]));
        ctx.stroke();
      }
    }
    const inView: number[] = [];
    for (let i = 0; i < V; i++) {
      const x = s.sx(d.points[2 * i]), y = s.sy(d.points[2 * i + 1]);
      if (x < m.left || x > m.left + s.w || y < m.top || y > m.top + s.h) continue;
      inView.push(i);
      const special = i === d.picked || neighbours.has(i) || hits.has(i);
      ctx.fillStyle = i === d.picked ? accent : neighbours.has(i) ? near : hits.has(i) ? hit : th.muted;
      ctx.beginPath();
      ctx.arc(x, y, special ? 4 : 2.5, 0, 2 * Math.PI);
      ctx.fill();
    }
    // labels: right of their point, the important ones first, none over another
    ctx.font = `12px ${th.font}`;
    const boxes: LabelBox[] = inView.map((i) => {
      const text = tokenLabel(d.tokens[i]);
      const w = ctx.measureText(text).width + 2;
      const priority = i === d.picked ? 4 : neighbours.has(i) ? 3 : hits.has(i) ? 2 : i === this.hovered ? 1.5 : spreadPriority(i);
      return { id: i, x: s.sx(d.points[2 * i]) + 4, y: s.sy(d.points[2 * i + 1]) - 7, w, h: 14, priority };
    });
    const kept = thinLabels(boxes);
    const byId = new Map(boxes.map((b) => [b.id, b]));
    ctx.textAlign = 'left';
    ctx.textBaseline = 'top';
    for (const id of kept) {
      const b = byId.get(id)!;
      // the picked token in bold text of the theme (its point is the accent), on top of the lines to its neighbours
      ctx.font = id === d.picked ? `bold 13px ${th.font}` : `12px ${th.font}`;
      if (id === d.picked) {
        ctx.fillStyle = th.background;
        ctx.fillRect(b.x, b.y, ctx.measureText(tokenLabel(d.tokens[id])).width + 2, b.h);
      }
      ctx.fillStyle = id === d.picked ? th.foreground : neighbours.has(id) ? near : hits.has(id) ? hit : th.foreground;
      ctx.fillText(tokenLabel(d.tokens[id]), b.x + 1, b.y + 1);
    }
    ctx.restore();
    this.labelled = { shown: kept.length, inView: inView.length, ids: kept };
  }

  private paintAxes(ctx: CanvasRenderingContext2D, d: EmbeddingPoints, s: ReturnType<EmbeddingMap['scales']>, height: number): void {
    const m = EmbeddingMap.margin;
    const th = this.theme;
    ctx.strokeStyle = th.grid;
    ctx.fillStyle = th.muted;
    ctx.lineWidth = 1;
    ctx.font = `11px ${th.font}`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (const v of linearTicks(s.v.x0, s.v.x1, 6)) {
      const x = Math.round(s.sx(v)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(x, m.top);
      ctx.lineTo(x, m.top + s.h);
      ctx.stroke();
      ctx.fillText(formatNumber(v, 3), x, m.top + s.h + 4);
    }
    ctx.fillText(d.xTitle, m.left + s.w / 2, height - 16);
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const v of linearTicks(s.v.y0, s.v.y1, 6)) {
      const y = Math.round(s.sy(v)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(m.left, y);
      ctx.lineTo(m.left + s.w, y);
      ctx.stroke();
      ctx.fillText(formatNumber(v, 3), m.left - 6, y);
    }
    ctx.save();
    ctx.translate(12, m.top + s.h / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'center';
    ctx.fillText(d.yTitle, 0, 0);
    ctx.restore();
    ctx.strokeStyle = th.border;
    ctx.strokeRect(m.left + 0.5, m.top + 0.5, s.w, s.h);
  }

  /** The point nearest a client position, within HIT_PX. */
  private nearest(e: MouseEvent): number | undefined {
    const d = this.data;
    if (!d) return undefined;
    const r = this.canvas.getBoundingClientRect();
    const s = this.scales(r.width, r.height);
    const px = e.clientX - r.left, py = e.clientY - r.top;
    let best: number | undefined, bestD = HIT_PX * HIT_PX;
    for (let i = 0; i < d.tokens.length; i++) {
      const dx = s.sx(d.points[2 * i]) - px, dy = s.sy(d.points[2 * i + 1]) - py;
      const dd = dx * dx + dy * dy;
      if (dd <= bestD) {
        bestD = dd;
        best = i;
      }
    }
    return best;
  }

  private onMove(e: MouseEvent): void {
    this.hover(this.nearest(e), e);
  }

  private hover(id: number | undefined, e?: MouseEvent): void {
    const d = this.data;
    if (id === undefined || !d || !e) {
      this.tooltip.hidden = true;
      if (this.hovered !== undefined) {
        this.hovered = undefined;
        this.schedule();
      }
      return;
    }
    this.tooltip.textContent = `“${tokenLabel(d.tokens[id])}” · token ${id} · (${formatNumber(d.points[2 * id], 3)}, ${formatNumber(d.points[2 * id + 1], 3)})`;
    this.tooltip.hidden = false;
    const r = this.canvas.getBoundingClientRect();
    this.tooltip.style.setProperty('left', `${Math.min(r.width - 220, e.clientX - r.left + 12)}px`);
    this.tooltip.style.setProperty('top', `${e.clientY - r.top + 12}px`);
    if (this.hovered !== id) {
      this.hovered = id;
      this.schedule();
    }
  }

  private onDown(e: MouseEvent): void {
    if (e.button !== 0 || !this.data) return;
    const start = { x: e.clientX, y: e.clientY };
    const r = this.canvas.getBoundingClientRect();
    const from = this.scales(r.width, r.height);
    let moved = false;
    const move = (ev: MouseEvent) => {
      const dx = ev.clientX - start.x, dy = ev.clientY - start.y;
      if (!moved && dx * dx + dy * dy < 9) return;
      moved = true;
      const kx = (from.v.x1 - from.v.x0) / from.w, ky = (from.v.y1 - from.v.y0) / from.h;
      this.view = { x0: from.v.x0 - dx * kx, x1: from.v.x1 - dx * kx, y0: from.v.y0 + dy * ky, y1: from.v.y1 + dy * ky };
      this.schedule();
    };
    const up = (ev: MouseEvent) => {
      window.removeEventListener('mousemove', move);
      window.removeEventListener('mouseup', up);
      if (moved) return;
      const id = this.nearest(ev);
      if (id !== undefined) this.onPick?.(id);
    };
    window.addEventListener('mousemove', move);
    window.addEventListener('mouseup', up);
  }

  private onWheel(e: WheelEvent): void {
    if (!(e.ctrlKey || e.metaKey) || !this.data) return;
    e.preventDefault();
    const r = this.canvas.getBoundingClientRect();
    const s = this.scales(r.width, r.height);
    const cx = s.ix(e.clientX - r.left), cy = s.iy(e.clientY - r.top);
    const f = e.deltaY < 0 ? 0.8 : 1.25;
    this.view = { x0: cx - (cx - s.v.x0) * f, x1: cx + (s.v.x1 - cx) * f, y0: cy - (cy - s.v.y0) * f, y1: cy + (s.v.y1 - cy) * f };
    this.schedule();
  }

  dispose(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.onPick = this.onDraw = undefined;
  }
}

/** The points' extent with a margin, so labels at the edges stay inside. */
function boundsOf(points: Float32Array): Box {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (let i = 0; i < points.length; i += 2) {
    x0 = Math.min(x0, points[i]);
    x1 = Math.max(x1, points[i]);
    y0 = Math.min(y0, points[i + 1]);
    y1 = Math.max(y1, points[i + 1]);
  }
  if (!(x1 > x0)) [x0, x1] = [x0 - 1, x0 + 1];
  if (!(y1 > y0)) [y0, y1] = [y0 - 1, y0 + 1];
  const px = (x1 - x0) * 0.06, py = (y1 - y0) * 0.06;
  return { x0: x0 - px, x1: x1 + px * 2, y0: y0 - py, y1: y1 + py };
}
