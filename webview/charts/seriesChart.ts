// A uPlot line chart over many, possibly huge series: each series is min/max-downsampled to the visible
// x range (about two points per pixel) and re-sampled after every zoom, pan or resize; drag selects a
// range to zoom into, double-click (or 0) resets, arrow keys pan, +/- zoom. Horizontal reference lines
// (a baseline, a clipping threshold) are drawn dashed. Redraws are coalesced to one per animation frame.
import uPlot from 'uplot';
import { buildChartSvg, type SvgSeries } from '../../src/shared/chart/svgChart';
import { formatTick } from '../../src/shared/chart/ticks';
import { alignSeries, logSafe } from '../model/align';
import { minMaxDownsample } from '../model/downsample';
import type { Theme } from '../model/theme';

/** A drawn series is what an SVG export writes, plus whether the legend has it switched on. */
export interface ChartSeries extends SvgSeries {
  show?: boolean;
}

export interface RefLine {
  value: number;
  label: string;
  color: string;
}

/** What an export adds around the plot: a title and the legend (the legend on screen is HTML). */
export interface ExportDecor {
  title: string;
  legend: Array<{ label: string; color: string }>;
}

export interface ChartOptions {
  xLabel: string;
  yLabel: string;
  logY: boolean;
  /** x values are seconds since the start (wall time axis). */
  timeX?: boolean;
  logX?: boolean;
  height: number;
}

export class SeriesChart {
  private plot: uPlot | undefined;
  private series: ChartSeries[] = [];
  private refs: RefLine[] = [];
  private view: [number, number] | undefined;
  private frame = 0;
  private readonly resizeObs: ResizeObserver;
  /** Milliseconds the last data rebuild + draw took (for the bench). */
  lastFrameMs = 0;

  constructor(
    readonly root: HTMLElement,
    private opts: ChartOptions,
    private theme: Theme,
  ) {
    root.classList.add('series-chart');
    root.tabIndex = 0;
    root.addEventListener('keydown', (e) => this.onKey(e));
    this.resizeObs = new ResizeObserver(() => this.schedule(true));
    this.resizeObs.observe(root);
  }

  setSeries(series: ChartSeries[], refs: RefLine[] = []): void {
    const shape = (s: ChartSeries[]) => s.map((x) => `${x.label}|${x.color}|${x.show !== false}|${(x.dash ?? []).join()}`).join(';');
    const rebuild = shape(series) !== shape(this.series);
    this.series = series;
    this.refs = refs;
    this.schedule(rebuild);
  }

  setOptions(opts: Partial<ChartOptions>): void {
    this.opts = { ...this.opts, ...opts };
    this.schedule(true);
  }

  setTheme(theme: Theme): void {
    this.theme = theme;
    this.schedule(true);
  }

  /** Visible x range; undefined shows everything. */
  setXRange(range: [number, number] | undefined): void {
    this.view = range;
    this.schedule(false);
  }

  get xRange(): [number, number] {
    return this.view ?? this.extent();
  }

  private extent(): [number, number] {
    let lo = Infinity;
    let hi = -Infinity;
    for (const s of this.series) {
      if (s.x.length === 0 || s.show === false) continue;
      lo = Math.min(lo, s.x[0]);
      hi = Math.max(hi, s.x[s.x.length - 1]);
    }
    if (!(lo <= hi)) return [0, 1];
    if (lo === hi) return [lo - 1, hi + 1];
    return [lo, hi];
  }

  private rebuildPending = false;
  private schedule(rebuild: boolean): void {
    this.rebuildPending ||= rebuild;
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      const t0 = performance.now();
      this.render(this.rebuildPending);
      this.rebuildPending = false;
      this.lastFrameMs = performance.now() - t0;
    });
  }

  /** Redraw now (benchmarks and tests); normally redraws wait for the next animation frame. */
  flush(): number {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    const t0 = performance.now();
    this.render(this.rebuildPending);
    this.rebuildPending = false;
    return (this.lastFrameMs = performance.now() - t0);
  }

  private data(width: number): uPlot.AlignedData {
    const [lo, hi] = this.xRange;
    const buckets = bucketsFor(width);
    const ds = this.series.map((s) => (s.show === false ? { x: new Float64Array(0), y: new Float64Array(0) } : minMaxDownsample(s, lo, hi, buckets)));
    const aligned = alignSeries(ds);
    if (this.opts.logY) for (let i = 1; i < aligned.length; i++) aligned[i] = logSafe(aligned[i]);
    return aligned;
  }

  private render(rebuild: boolean): void {
    const width = Math.max(200, this.root.clientWidth);
    const height = this.opts.height;
    if (!this.plot || rebuild) {
      this.plot?.destroy();
      this.plot = new uPlot(this.options(width, height), this.data(width), this.root);
    } else {
      if (this.plot.width !== width) this.plot.setSize({ width, height });
      this.plot.setData(this.data(width), false);
    }
    const [lo, hi] = this.xRange;
    this.plot.setScale('x', { min: lo, max: hi });
  }

  private options(width: number, height: number): uPlot.Options {
    const t = this.theme;
    const axis = (label: string, log: boolean): uPlot.Axis => ({
      label,
      stroke: t.muted,
      labelFont: `12px ${t.font}`,
      font: `11px ${t.font}`,
      grid: { stroke: t.grid, width: 1 },
      ticks: { stroke: t.grid, width: 1 },
      ...(log ? { values: (_u: uPlot, vals: number[]) => vals.map((v) => (v == null ? '' : formatTick(v))) } : {}),
    });
    return {
      width,
      height,
      legend: { show: false },
      cursor: { drag: { x: true, y: false, setScale: false }, bind: { dblclick: () => () => { this.setXRange(undefined); return null; } } },
      scales: {
        x: { time: false, auto: false, distr: this.opts.logX ? 3 : 1 },
        y: { distr: this.opts.logY ? 3 : 1, auto: true },
      },
      axes: [axis(this.opts.xLabel, false), axis(this.opts.yLabel, this.opts.logY)],
      series: [
        { label: this.opts.xLabel },
        ...this.series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: s.width ?? 1.5,
          dash: s.dash,
          spanGaps: true,
          show: s.show !== false,
          points: { show: s.points === true, size: 5, fill: s.color, stroke: s.color },
        })),
      ],
      hooks: {
        setSelect: [
          (u) => {
            if (u.select.width < 4) return;
            const a = u.posToVal(u.select.left, 'x');
            const b = u.posToVal(u.select.left + u.select.width, 'x');
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            this.setXRange([Math.min(a, b), Math.max(a, b)]);
          },
        ],
        draw: [(u) => this.drawRefs(u)],
      },
    };
  }

  private drawRefs(u: uPlot): void {
    const ctx = u.ctx;
    for (const r of this.refs) {
      if (this.opts.logY && r.value <= 0) continue;
      const y = u.valToPos(r.value, 'y', true);
      if (!Number.isFinite(y) || y < u.bbox.top || y > u.bbox.top + u.bbox.height) continue;
      ctx.save();
      ctx.strokeStyle = r.color;
      const dpr = devicePixelRatio;
      ctx.lineWidth = Math.max(1, dpr);
      ctx.setLineDash([6 * dpr, 4 * dpr]);
      ctx.beginPath();
      ctx.moveTo(u.bbox.left, y);
      ctx.lineTo(u.bbox.left + u.bbox.width, y);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.font = `${11 * dpr}px ${this.theme.font}`;
      const at = labelSpot(ctx, u.bbox, y, ctx.measureText(r.label).width, dpr);
      // a halo in the background colour keeps the label readable where a curve still crosses it
      ctx.textAlign = 'left';
      ctx.lineJoin = 'round';
      ctx.lineWidth = 3 * dpr;
      ctx.strokeStyle = this.theme.background;
      ctx.strokeText(r.label, at.x, at.y);
      ctx.fillStyle = r.color;
      ctx.fillText(r.label, at.x, at.y);
      ctx.restore();
    }
  }

  private onKey(e: KeyboardEvent): void {
    const [lo, hi] = this.xRange;
    const span = hi - lo;
    let next: [number, number] | undefined | null = null;
    if (e.key === 'ArrowLeft') next = [lo - span * 0.1, hi - span * 0.1];
    else if (e.key === 'ArrowRight') next = [lo + span * 0.1, hi + span * 0.1];
    else if (e.key === '+' || e.key === '=') next = [lo + span * 0.2, hi - span * 0.2];
    else if (e.key === '-') next = [lo - span * 0.25, hi + span * 0.25];
    else if (e.key === '0' || e.key === 'Escape') next = undefined;
    if (next === null) return;
    e.preventDefault();
    this.setXRange(next);
  }

  /**
   * The series as drawn now: visible ones only, min/max-downsampled to the visible x range at the plot's
   * width, with the x and y ranges of the scales on screen.
   */
  drawn(): { series: ChartSeries[]; refs: RefLine[]; xRange: [number, number]; yRange: [number, number] } {
    const [lo, hi] = this.xRange;
    const buckets = bucketsFor(Math.max(200, this.root.clientWidth));
    const series = this.series.filter((s) => s.show !== false).map((s) => ({ ...s, ...minMaxDownsample(s, lo, hi, buckets) }));
    const ys = this.plot?.scales.y;
    let yRange: [number, number] = ys && ys.min != null && ys.max != null ? [ys.min, ys.max] : [0, 1];
    if (!(yRange[1] > yRange[0])) yRange = [yRange[0] - 1, yRange[0] + 1];
    return { series, refs: this.refs, xRange: [lo, hi], yRange };
  }

  /** The chart as a PNG data URL: the plot's canvas (axes and their labels included) under a title and legend. */
  toPng(decor: ExportDecor): string {
    if (!this.plot) return '';
    const src = this.plot.ctx.canvas;
    const dpr = src.width / Math.max(1, this.plot.width);
    const t = this.theme;
    const measure = document.createElement('canvas').getContext('2d')!;
    measure.font = `12px ${t.font}`;
    // lay the legend out in CSS pixels first, to know the header's height
    const cssW = this.plot.width;
    const items: Array<{ x: number; y: number; label: string; color: string }> = [];
    let x = 12;
    let y = 44;
    for (const it of decor.legend) {
      const w = 16 + measure.measureText(it.label).width + 16;
      if (x > 12 && x + w > cssW - 12) {
        x = 12;
        y += 18;
      }
      items.push({ x, y, ...it });
      x += w;
    }
    const headerH = (items.length ? y : 26) + 12;
    const out = document.createElement('canvas');
    out.width = src.width;
    out.height = src.height + Math.round(headerH * dpr);
    const ctx = out.getContext('2d')!;
    ctx.fillStyle = t.background;
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.scale(dpr, dpr);
    ctx.textBaseline = 'alphabetic';
    ctx.fillStyle = t.foreground;
    ctx.font = `600 14px ${t.font}`;
    ctx.fillText(decor.title, 12, 22);
    ctx.font = `12px ${t.font}`;
    for (const it of items) {
      ctx.fillStyle = it.color;
      ctx.fillRect(it.x, it.y - 9, 10, 10);
      ctx.fillStyle = t.foreground;
      ctx.fillText(it.label, it.x + 16, it.y);
    }
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.drawImage(src, 0, Math.round(headerH * dpr));
    return out.toDataURL('image/png');
  }

  /** The chart as an SVG document built from its data and scales, colours resolved to concrete values. */
  toSvg(decor: ExportDecor): string {
    const d = this.drawn();
    const t = this.theme;
    const probe = document.createElement('canvas').getContext('2d')!;
    // the canvas normalises any CSS colour (named, hsl(), a theme's value) to #rrggbb or rgba()
    const resolve = (c: string) => {
      probe.fillStyle = '#000000';
      probe.fillStyle = c;
      return String(probe.fillStyle);
    };
    const width = Math.max(320, this.plot?.width ?? this.root.clientWidth);
    const headerRows = Math.max(1, Math.ceil(decor.legend.reduce((w, it) => w + 34 + it.label.length * 7.2, 0) / Math.max(1, width - 24)));
    return buildChartSvg({
      width,
      height: this.opts.height + 26 + headerRows * 18,
      title: decor.title,
      legend: decor.legend.map((it) => ({ label: it.label, color: resolve(it.color) })),
      xLabel: this.opts.xLabel,
      yLabel: this.opts.yLabel,
      xRange: d.xRange,
      yRange: d.yRange,
      logY: this.opts.logY,
      series: d.series.map((s) => ({ label: s.label, color: resolve(s.color), x: s.x, y: s.y, width: s.width ?? 1.5, dash: s.dash, points: s.points })),
      refs: d.refs.map((r) => ({ ...r, color: resolve(r.color) })),
      colors: { background: resolve(t.background), foreground: resolve(t.foreground), muted: resolve(t.muted), grid: resolve(t.grid) },
      font: t.font,
    });
  }

  destroy(): void {
    this.resizeObs.disconnect();
    if (this.frame) cancelAnimationFrame(this.frame);
    this.plot?.destroy();
    this.plot = undefined;
  }
}

/** About two points per pixel of chart width. */
const bucketsFor = (width: number) => Math.max(16, Math.round(width / 2));

/**
 * Where a reference line's label goes: above the line at its left end, unless the curves already drawn
 * there cover more of it than at the other candidates (left below, right above, right below); the
 * curves' ink is read back from the canvas under each candidate's box. Canvas pixels throughout.
 */
function labelSpot(ctx: CanvasRenderingContext2D, bbox: { left: number; top: number; width: number; height: number }, y: number, textWidth: number, dpr: number): { x: number; y: number } {
  const left = bbox.left + 6 * dpr;
  const right = bbox.left + bbox.width - 6 * dpr - textWidth;
  const above = y - 5 * dpr;
  const below = y + 14 * dpr;
  const h = 12 * dpr;
  const candidates = [{ x: left, y: above }, { x: left, y: below }, { x: right, y: above }, { x: right, y: below }]
    .filter((c) => c.y - h >= bbox.top && c.y + 2 * dpr <= bbox.top + bbox.height);
  let best = candidates[0] ?? { x: left, y: above };
  let bestInk = Infinity;
  for (const c of candidates) {
    let ink = 0;
    try {
      const d = ctx.getImageData(Math.round(c.x), Math.round(c.y - h + 2 * dpr), Math.max(1, Math.round(textWidth)), Math.round(h)).data;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 96) ink++;
    } catch {
      return best;
    }
    if (ink < bestInk * 0.8) {
      best = c;
      bestInk = ink;
    }
  }
  return best;
}
