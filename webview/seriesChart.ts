// A uPlot line chart over many, possibly huge series: each series is min/max-downsampled to the visible
// x range (about two points per pixel) and re-sampled after every zoom, pan or resize; drag selects a
// range to zoom into, double-click (or 0) resets, arrow keys pan, +/- zoom. Horizontal reference lines
// (a baseline, a clipping threshold) are drawn dashed. Redraws are coalesced to one per animation frame.
import uPlot from 'uplot';
import { alignSeries, logSafe } from './model/align';
import { minMaxDownsample } from './model/downsample';
import type { Theme } from './theme';

export interface ChartSeries {
  label: string;
  color: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  width?: number;
  dash?: number[];
  points?: boolean;
  show?: boolean;
}

export interface RefLine {
  value: number;
  label: string;
  color: string;
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
    const buckets = Math.max(16, Math.round(width / 2));
    const ds = this.series.map((s) => (s.show === false ? { x: new Float64Array(0), y: new Float64Array(0) } : minMaxDownsample(s, lo, hi, buckets)));
    const aligned = alignSeries(ds);
    if (this.opts.logY) for (let i = 1; i < aligned.length; i++) aligned[i] = logSafe(aligned[i] as (number | null)[]);
    return aligned as unknown as uPlot.AlignedData;
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
      ctx.lineWidth = Math.max(1, devicePixelRatio);
      ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
      ctx.beginPath();
      ctx.moveTo(u.bbox.left, y);
      ctx.lineTo(u.bbox.left + u.bbox.width, y);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = r.color;
      ctx.font = `${11 * devicePixelRatio}px ${this.theme.font}`;
      ctx.textAlign = 'right';
      ctx.fillText(r.label, u.bbox.left + u.bbox.width - 4 * devicePixelRatio, y - 4 * devicePixelRatio);
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

  /** The chart as a PNG data URL (canvas only: legend and axes titles are part of the canvas). */
  toPng(): string {
    return this.plot ? this.plot.ctx.canvas.toDataURL('image/png') : '';
  }

  destroy(): void {
    this.resizeObs.disconnect();
    if (this.frame) cancelAnimationFrame(this.frame);
    this.plot?.destroy();
    this.plot = undefined;
  }
}

function formatTick(v: number): string {
  const e = Math.log10(Math.abs(v));
  if (Number.isInteger(Math.round(e * 1e6) / 1e6) && (Math.abs(e) >= 3)) return `1e${Math.round(e)}`;
  return Math.abs(v) < 1e-3 || Math.abs(v) >= 1e4 ? v.toExponential(0) : String(Number(v.toPrecision(3)));
}
