// A uPlot line chart over many, possibly huge series: each series is min/max-downsampled to the visible
// x range (about two points per pixel) and re-sampled after every zoom, pan or resize; drag selects a
// range to zoom into, double-click (or 0) resets, arrow keys pan, +/- zoom. The y axis refits to what is
// in view. A readout table follows the cursor with the values its owner reads off the full data.
// Reference lines (a baseline, a clipping threshold; a marked position upright) are drawn dashed.
// Redraws are coalesced to one per animation frame.
import uPlot from 'uplot';
import type { SvgRefLine, SvgSeries } from '../../src/shared/chart/svgChart';
import { alignSeries, logSafe } from '../model/align';
import { minMaxDownsample } from '../model/downsample';
import type { Readout } from '../model/readout';
import type { Theme } from '../model/theme';
import { type AxisLabels, chartAxes, drawAxisExtras, yScale } from './chartAxes';
import { chartPng, chartSvg, type ExportDecor } from './chartExport';
import { ChartReadout } from './chartReadout';
import { drawRefs } from './refLines';

export type { ExportDecor } from './chartExport';

/** A drawn series is what an SVG export writes, plus whether the legend has it switched on. */
export interface ChartSeries extends SvgSeries {
  show?: boolean;
}

export type RefLine = SvgRefLine;

export interface ChartOptions {
  /** Axis titles; `_x` is a subscript. */
  xLabel: string;
  yLabel: string;
  logY: boolean;
  /** The x axis counts (steps, timesteps, positions): whole-number ticks only. */
  xInteger?: boolean;
  /** Height in CSS pixels; with `fill`, the least height. */
  height: number;
  /** Grow to the bottom of the window, leaving `below` CSS pixels under the chart. */
  fill?: { below: number };
  /** What the readout shows for the x under the cursor; no readout without it. */
  readout?: (x: number) => Readout | undefined;
}

export class SeriesChart {
  private plot: uPlot | undefined;
  private series: ChartSeries[] = [];
  private refs: RefLine[] = [];
  private view: [number, number] | undefined;
  private frame = 0;
  private rebuildPending = false;
  private readonly resizeObs: ResizeObserver;
  private readonly onWindowResize = () => this.schedule(false);
  private readonly readout: ChartReadout;
  /** Tick labels last drawn on each axis. */
  readonly axisLabels: AxisLabels = { x: [], y: [] };
  /** Called when the x range changes: whether the chart is zoomed in now. */
  onZoom?: (zoomed: boolean) => void;
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
    this.readout = new ChartReadout(root);
    this.resizeObs = new ResizeObserver(() => this.schedule(true));
    this.resizeObs.observe(root);
    if (opts.fill) window.addEventListener('resize', this.onWindowResize);
  }

  setSeries(series: ChartSeries[], refs: RefLine[] = []): void {
    const shape = (s: ChartSeries[]) => s.map((x) => `${x.label}|${x.color}|${x.show !== false}|${x.line !== false}|${x.points === true}|${x.width}|${(x.dash ?? []).join()}`).join(';');
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
    this.onZoom?.(range !== undefined);
    this.schedule(false);
  }

  get xRange(): [number, number] {
    return this.view ?? this.extent();
  }

  get options(): Readonly<ChartOptions> {
    return this.opts;
  }

  get zoomed(): boolean {
    return this.view !== undefined;
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

  /** The chart's height now: fixed, or down to the window's bottom edge (scrolled to the top). */
  private height(): number {
    const fill = this.opts.fill;
    if (!fill) return this.opts.height;
    const box = this.root.getBoundingClientRect();
    if (box.width === 0) return this.opts.height;
    return Math.max(this.opts.height, Math.round(window.innerHeight - (box.top + window.scrollY) - fill.below));
  }

  private render(rebuild: boolean): void {
    const width = Math.max(200, this.root.clientWidth);
    const height = this.height();
    if (!this.plot || rebuild) {
      this.plot?.destroy();
      // the readout belonged to the old plot's series
      this.readout.hide();
      this.plot = new uPlot(this.plotOptions(width, height), this.data(width), this.root);
    } else {
      if (this.plot.width !== width || this.plot.height !== height) this.plot.setSize({ width, height });
      this.plot.setData(this.data(width), false);
    }
    const [lo, hi] = this.xRange;
    this.plot.setScale('x', { min: lo, max: hi });
  }

  private axisSetup() {
    return { xLabel: this.opts.xLabel, yLabel: this.opts.yLabel, xInteger: this.opts.xInteger === true, logY: this.opts.logY, theme: this.theme };
  }

  private plotOptions(width: number, height: number): uPlot.Options {
    const axes = this.axisSetup();
    return {
      width,
      height,
      legend: { show: false },
      cursor: { drag: { x: true, y: false, setScale: false }, bind: { dblclick: () => () => { this.setXRange(undefined); return null; } } },
      scales: { x: { time: false, auto: false }, y: yScale(this.opts.logY, () => (this.view ? [] : this.refs.filter((r) => r.axis !== 'x').map((r) => r.value))) },
      axes: chartAxes(axes, this.axisLabels),
      series: [
        { label: this.opts.xLabel },
        ...this.series.map((s): uPlot.Series => ({
          label: s.label,
          stroke: s.color,
          width: s.width ?? 1.5,
          dash: s.dash,
          spanGaps: true,
          show: s.show !== false,
          ...(s.line === false && { paths: () => null }),
          points: { show: s.points === true, size: s.line === false ? 6 : 5, fill: s.color, stroke: s.color },
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
        setCursor: [(u) => this.showReadout(u)],
        drawAxes: [(u) => drawAxisExtras(u, axes)],
        draw: [(u) => {
          drawRefs(u, this.refs, this.opts.logY, this.theme);
          // what the axes read, for tests in the page and through code-server alike
          this.root.dataset.xTicks = this.axisLabels.x.join('|');
          this.root.dataset.yTicks = this.axisLabels.y.join('|');
          this.root.dataset.shown = this.series.filter((s) => s.show !== false).map((s) => s.label).join('|');
        }],
      },
    };
  }

  private showReadout(u: uPlot): void {
    const { left, top } = u.cursor;
    const make = this.opts.readout;
    const r = make && left != null && top != null && left >= 0 ? make(u.posToVal(left, 'x')) : undefined;
    if (!r || r.rows.length === 0 || left == null || top == null) return this.readout.hide();
    const over = u.over.getBoundingClientRect();
    this.readout.show(r, over.left + left, over.top + top);
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
    return this.plot ? chartPng(this.plot, this.theme, decor) : '';
  }

  /** The chart as an SVG document built from its data and scales. */
  toSvg(decor: ExportDecor): string {
    const d = this.drawn();
    const { xLabel, yLabel, logY } = this.opts;
    const width = Math.max(320, this.plot?.width ?? this.root.clientWidth);
    return chartSvg({ width, plotHeight: this.plot?.height ?? this.opts.height, xLabel, yLabel, xInteger: this.opts.xInteger === true, logY, ...d }, this.theme, decor);
  }

  destroy(): void {
    this.resizeObs.disconnect();
    window.removeEventListener('resize', this.onWindowResize);
    if (this.frame) cancelAnimationFrame(this.frame);
    this.plot?.destroy();
    this.plot = undefined;
  }
}

/** About two points per pixel of chart width. */
const bucketsFor = (width: number) => Math.max(16, Math.round(width / 2));
