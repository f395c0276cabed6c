// Gradients tab: ‖∂L_T/∂h_t‖ against t for the latest snapshots of every run shown; the same over training
// as a snapshot step × timestep heatmap of one run on a log colour scale with a numeric legend (each run's
// own range, or one range shared by the runs of a comparison); the global gradient norm per step, raw and
// smoothed, with the clipping threshold; the per-parameter norms of the latest snapshot. The line charts
// carry the readout; the adding problem's flagged positions are marked. An encoder–decoder shows ‖∂L/∂h‖
// over the source positions of each encoder layer, or over the decoder steps (model/gradientLayers.ts).
import { integerTicks } from '../../src/shared/chart/ticks';
import { formatCount, formatDuration, formatNumber } from '../../src/shared/format';
import type { RunView } from '../../src/shared/webviewProtocol';
import { HeatmapView } from '../charts/heatmapView';
import { type ChartSeries, type RefLine, SeriesChart } from '../charts/seriesChart';
import type { ColorScale } from '../model/colorScales';
import { transpose, unitsByTimeRgba } from '../model/heatmap';
import { logScaleOf } from '../model/heatmapScales';
import { withAlpha } from '../model/palette';
import { type Readout, type ScalarRun, scalarReadout } from '../model/readout';
import { interpolateAt } from '../model/runData';
import { GrowingEma } from '../model/smoothing';
import { type GradientLayer, gradientLayers } from '../model/gradientLayers';
import { flaggedPositions, type TimeAxis, timeAxisOf } from '../model/taskViews';
import type { Theme } from '../model/theme';
import { h, select } from '../views/dom';
import { richLabel } from '../views/richLabel';
import { ScaleLegend } from '../views/scaleLegend';
import type { TabContext, TabView } from './tabView';

/** Snapshots drawn on the ‖∂L_T/∂h_t‖ chart per run: the latest solid, earlier ones fading. */
const SNAPSHOTS_SHOWN = 8;
const DH_LABEL = '‖∂L_T/∂h_t‖';

export class GradientsTab implements TabView {
  readonly key = 'gradients';
  readonly label = 'Gradients through time';
  readonly className = 'tab-gradients';
  private readonly heatWrap = h('div', { class: 'heatmap-main' });
  private readonly legend = new ScaleLegend('grad-legend');
  private readonly controls = h('div', { class: 'toolbar' });
  private readonly normsTable = h('table', { id: 'norms-table', class: 'norms' });
  private readonly timeTitle = h('h3', { id: 'grad-time-title' });
  /** The gradients through time drawn now (a layer of the gradients run), or undefined before any. */
  private layer: GradientLayer | undefined;
  private charts: { time: SeriesChart; norm: SeriesChart; heat: HeatmapView } | undefined;
  private theme: Theme | undefined;
  private axis: TimeAxis | undefined;
  /** Each run's smoothed gradient norm as drawn (the readout reads it), and its smoothing. */
  private readonly smoothedNorms = new Map<string, Float64Array>();
  private normEmas = new WeakMap<object, GrowingEma>();

  constructor(private readonly ctx: TabContext) {}

  mount(panel: HTMLElement): void {
    const timeEl = h('div', { id: 'grad-time-chart', class: 'chart', 'aria-label': '‖∂LT/∂ht‖ against t' });
    const normEl = h('div', { id: 'grad-norm-chart', class: 'chart', 'aria-label': 'Global gradient norm per step' });
    panel.append(
      this.timeTitle, timeEl,
      h('h3', {}, 'The same over training: snapshot step × timestep (log colour)'), this.controls,
      h('div', { class: 'heatmap-frame' }, this.heatWrap, this.legend.el),
      h('h3', {}, 'Global gradient norm per step (faint: raw, solid: smoothed as on the Loss tab)'), normEl,
      h('h3', {}, 'Per-parameter norms (latest snapshot)'), this.normsTable,
    );
    const theme = (this.theme = this.ctx.store.theme);
    this.charts = {
      time: new SeriesChart(timeEl, { xLabel: 'timestep t', xInteger: true, yLabel: DH_LABEL, logY: true, height: 260, readout: (x) => this.timeReadout(x) }, theme),
      norm: new SeriesChart(normEl, { xLabel: 'step', xInteger: true, yLabel: 'gradient norm', logY: false, height: 220, readout: (x) => this.normReadout(x) }, theme),
      heat: new HeatmapView(this.heatWrap, 'grad-heatmap', theme.foreground, false),
    };
  }

  /** The layer (an encoder–decoder: encoder or decoder layer) when there are several; in a comparison, the run of the heatmap and the norms table, and whose range the colours span. */
  renderControls(): void {
    const { store } = this.ctx;
    const r = store.gradientsRun();
    const layers = r ? this.layersOf(r) : [];
    this.controls.hidden = !r || (store.runs.length < 2 && layers.length < 2);
    if (this.controls.hidden || !r) return this.controls.replaceChildren();
    const items: HTMLElement[] = [];
    if (layers.length > 1) {
      items.push(select('grad-layer', 'Layer', layers.map((l, i) => [String(i), l.label]), String(this.ctx.store.layerIndex(layers.length)), (v) => {
        store.setUi({ layer: Number(v) });
        this.update();
      }));
    }
    if (store.runs.length > 1) {
      items.push(
        select('grad-run', 'Run', store.runs.map((x) => [x.id, store.runName(x)]), r.id, (v) => {
          store.selectGradientsRun(v);
          this.renderControls();
          this.update();
        }),
        select('grad-scale', 'Colour range', [['run', 'this run’s own'], ['shared', 'shared by all runs']], store.ui.gradScale, (v) => {
          store.setUi({ gradScale: v === 'shared' ? 'shared' : 'run' });
          this.update();
        }),
      );
    }
    this.controls.replaceChildren(...items);
  }

  /** The gradients through time a run's snapshots hold, by layer. */
  private layersOf(r: RunView): GradientLayer[] {
    const names = new Set<string>();
    for (const row of this.ctx.store.dataOf(r.id).gradientHistory.values()) for (const k of Object.keys(row)) names.add(k);
    return gradientLayers(r.info, names);
  }


  update(): void {
    const charts = this.charts;
    if (!charts) return;
    const { store } = this.ctx;
    if (this.theme !== store.theme) {
      this.theme = store.theme;
      charts.time.setTheme(store.theme);
      charts.norm.setTheme(store.theme);
      charts.heat.setForeground(store.theme.foreground);
    }
    const r = store.gradientsRun();
    const layers = r ? this.layersOf(r) : [];
    // the layer drawn; a run without gradient snapshots keeps the sequence model's names for the empty chart
    const index = this.ctx.store.layerIndex(layers.length);
    this.layer = layers[index];
    // the Hidden states tab shares the layer choice: the menu, built before it changed, must name the layer drawn
    const menu = this.controls.querySelector<HTMLElement & { value: string }>('#grad-layer');
    if (menu && menu.value !== String(index)) this.renderControls();
    const quantity = this.layer?.quantity ?? DH_LABEL;
    const axis = (this.axis = this.layer?.axis ?? (r ? timeAxisOf(r.info) : undefined));
    const xLabel = axis?.kind === 'tokens' || !axis ? 'timestep t' : axis.title;
    if (charts.time.options.xLabel !== xLabel || charts.time.options.yLabel !== quantity) charts.time.setOptions({ xLabel, yLabel: quantity });
    this.timeTitle.replaceChildren(...richLabel(quantity), ` against ${axis?.unit ?? 't'}${this.layer && layers.length > 1 ? `, ${this.layer.label}` : ''} (latest snapshot solid, earlier ones faded)`);
    charts.time.setSeries(this.throughTimeSeries(), r ? this.flagLines(r) : []);
    if (r) {
      this.drawHistory(r, charts.heat);
      this.renderNorms(r);
    }
    const norms: ChartSeries[] = store.runs.flatMap((x) => {
      const d = store.dataOf(x.id);
      const color = store.colorOf(x);
      const show = store.isShown(x.id);
      const steps = d.step.step.view();
      const raw = d.step.gradNorm.view();
      let ema = this.normEmas.get(d);
      if (!ema) this.normEmas.set(d, (ema = new GrowingEma()));
      const smoothed = ema.smooth(raw, store.ui.smoothing);
      this.smoothedNorms.set(x.id, smoothed);
      return [
        { label: `${store.runName(x)} raw`, color: withAlpha(color, 0.3), x: steps, y: raw, width: 1, show },
        { label: store.runName(x), color, x: steps, y: smoothed, width: 1.5, show },
      ];
    });
    const clips = [...new Set(store.runs.map((x) => x.clipNorm).filter((c): c is number => c !== undefined))];
    charts.norm.setSeries(norms, clips.map((c) => ({ value: c, label: `clipping threshold ${c}`, color: store.theme.muted })));
  }

  dispose(): void {
    this.charts?.time.destroy();
    this.charts?.norm.destroy();
    this.charts = undefined;
    this.smoothedNorms.clear();
    this.normEmas = new WeakMap();
  }

  /** A timestep's x on the chart: t, or the position t + 1 where the axis counts from 1. */
  private xOf(t: number): number {
    return t + (this.axis?.base ?? 0);
  }

  /** Upright dashed lines at the positions the probe flags (the adding problem's two marked numbers). */
  private flagLines(r: RunView): RefLine[] {
    const d = this.ctx.store.dataOf(r.id);
    return flaggedPositions(r.info, d.snapshots.get(d.latestSnapshotStep)).map((t) => ({ axis: 'x', value: this.xOf(t), label: `marked ${this.xOf(t)}`, color: this.ctx.store.theme.foreground }));
  }

  /** ‖∂L_T/∂h_t‖ of the last snapshots of every run shown, older ones fainter. */
  private throughTimeSeries(): ChartSeries[] {
    const { store } = this.ctx;
    const series: ChartSeries[] = [];
    for (const r of store.runs) {
      if (!store.isShown(r.id)) continue;
      const shown = this.snapshotsOf(r);
      shown.forEach(({ step, dh }, i) => {
        const latest = i === shown.length - 1;
        const alpha = latest ? 1 : 0.12 + (0.5 * i) / shown.length;
        series.push({ label: `${store.runName(r)} step ${step}`, color: withAlpha(store.colorOf(r), alpha), x: Float64Array.from({ length: dh.length }, (_, t) => this.xOf(t)), y: dh, width: latest ? 2.5 : 1 });
      });
    }
    return series;
  }

  private snapshotsOf(r: RunView): Array<{ step: number; dh: Float32Array }> {
    const { store } = this.ctx;
    const d = store.dataOf(r.id);
    // every run of a comparison shows the same layer as the gradients run
    const key = this.layer?.key ?? 'l0.dhLast';
    return [...d.gradientHistory.keys()].sort((a, b) => a - b).slice(-SNAPSHOTS_SHOWN)
      .map((step) => ({ step, dh: d.gradientHistory.get(step)?.[key] }))
      .filter((s): s is { step: number; dh: Float32Array } => s.dh !== undefined);
  }

  /** At the t under the cursor: each shown run's latest snapshot's value, its step and wall time. */
  private timeReadout(x: number): Readout {
    const { store } = this.ctx;
    const unit = this.axis?.unit ?? 't';
    const rows = store.runs.filter((r) => store.isShown(r.id)).flatMap((r) => {
      const latest = this.snapshotsOf(r).at(-1);
      if (!latest) return [];
      const t = Math.max(0, Math.min(latest.dh.length - 1, Math.round(x - (this.axis?.base ?? 0))));
      const d = store.dataOf(r.id);
      const time = interpolateAt(d.step.step.view(), d.step.time.view(), [latest.step], [NaN])[0];
      return [{ label: store.runName(r), color: store.colorOf(r), swatch: 'line' as const, cells: [formatNumber(latest.dh[t]), String(this.xOf(t)), formatCount(latest.step), formatDuration(time)] }];
    });
    return { labelHead: 'Run (latest snapshot)', columns: ['Value', unit, 'Step', 'Relative'], rows };
  }

  private normReadout(x: number): Readout {
    const { store } = this.ctx;
    const runs: ScalarRun[] = store.runs.filter((r) => store.isShown(r.id)).map((r) => {
      const d = store.dataOf(r.id);
      const steps = d.step.step.view();
      return { name: store.runName(r), color: store.colorOf(r), main: { x: steps, step: steps, time: d.step.time.view(), raw: d.step.gradNorm.view(), smoothed: this.smoothedNorms.get(r.id) } };
    });
    return scalarReadout(runs, x);
  }

  /** Rows: snapshot steps, columns: timesteps; colours on a log scale of this run or of all runs. */
  private drawHistory(r: RunView, heat: HeatmapView): void {
    const { store } = this.ctx;
    const d = store.dataOf(r.id);
    const key = this.layer?.key ?? 'l0.dhLast';
    const steps = [...d.gradientHistory.keys()].sort((a, b) => a - b).filter((s) => d.gradientHistory.get(s)?.[key]);
    const rows = steps.map((s) => d.gradientHistory.get(s)![key]);
    if (!rows.length || !rows[0].length) return;
    const T = rows[0].length;
    const flat = new Float32Array(rows.length * T);
    rows.forEach((row, i) => flat.set(row.subarray(0, T), i * T));
    const shared = store.ui.gradScale === 'shared' && store.runs.length > 1;
    const pool = shared ? store.runs.flatMap((x) => [...store.dataOf(x.id).gradientHistory.values()].map((g) => g[key]).filter((a): a is Float32Array => !!a)) : [flat];
    const scale: ColorScale = logScaleOf(pool) ?? { kind: 'log', lo: 1e-3, hi: 1 };
    const rgba = unitsByTimeRgba(transpose(flat, rows.length, T), T, rows.length, Array.from({ length: rows.length }, (_, i) => i), scale);
    const axis = this.axis;
    const width = Math.max(300, this.heatWrap.clientWidth || 800);
    const height = Math.min(360, Math.max(120, rows.length * 8 + 8));
    const base = axis?.base ?? 0;
    heat.draw(rgba, {
      rows: rows.length, cols: T, rowLabel: (i) => String(steps[i]), colLabel: (t) => String(this.xOf(t)), rowTitle: 'step',
      colTitle: axis?.kind === 'tokens' || !axis ? 'timestep t' : axis.title, markedCols: flaggedPositions(r.info, d.snapshots.get(d.latestSnapshotStep)),
      colTicks: integerTicks(base, T - 1 + base, Math.max(2, Math.round(width / 50))).map((v) => v - base),
    }, width, height);
    const whose = shared ? `one range shared by ${store.runs.length} runs` : store.runs.length > 1 ? `this run’s own range (${store.runName(r)})` : 'this run’s range';
    this.legend.update(scale, `${this.layer?.quantity ?? DH_LABEL}, log scale: ${whose}`, undefined, height);
  }

  private renderNorms(r: RunView): void {
    const d = this.ctx.store.dataOf(r.id);
    const snap = d.snapshots.get(d.latestSnapshotStep);
    const names = new Set([...Object.keys(snap?.weightNorms ?? {}), ...Object.keys(snap?.gradNorms ?? {})]);
    this.normsTable.replaceChildren(
      h('thead', {}, h('tr', {}, h('th', {}, 'parameter'), h('th', {}, '‖W‖'), h('th', {}, '‖∂L/∂W‖'))),
      h('tbody', {}, ...[...names].map((n) => h('tr', {}, h('td', {}, n), h('td', { class: 'num' }, formatNumber(snap?.weightNorms?.[n])), h('td', { class: 'num' }, formatNumber(snap?.gradNorms?.[n]))))),
    );
  }
}
