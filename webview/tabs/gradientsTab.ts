// Gradients tab: ‖∂L_T/∂h_t‖ against t for the latest snapshots of every run shown, the same over
// training as a snapshot step × timestep heatmap (log colour) of one run, the global gradient norm per step
// with the clipping threshold, and the per-parameter norms of the latest snapshot.
import { formatNumber } from '../../src/shared/format';
import type { RunView } from '../../src/shared/webviewProtocol';
import { HeatmapView } from '../charts/heatmapView';
import { type ChartSeries, SeriesChart } from '../charts/seriesChart';
import { SEQUENTIAL_LUT } from '../model/colorScales';
import { logNormalize, transpose, unitsByTimeRgba } from '../model/heatmap';
import { withAlpha } from '../model/palette';
import type { Theme } from '../model/theme';
import { h, select } from '../views/dom';
import { scaleLegend } from '../views/scaleLegend';
import type { TabContext, TabView } from './tabView';

/** Snapshots drawn on the ‖∂L_T/∂h_t‖ chart per run: the latest solid, earlier ones fading. */
const SNAPSHOTS_SHOWN = 8;

export class GradientsTab implements TabView {
  readonly key = 'gradients';
  readonly label = 'Gradients through time';
  readonly className = 'tab-gradients';
  private readonly heatWrap = h('div', { class: 'heatmap-wrap' });
  private readonly controls = h('div', { class: 'toolbar' });
  private readonly normsTable = h('table', { id: 'norms-table', class: 'norms' });
  private charts: { time: SeriesChart; norm: SeriesChart; heat: HeatmapView } | undefined;
  private theme: Theme | undefined;

  constructor(private readonly ctx: TabContext) {}

  mount(panel: HTMLElement): void {
    const timeEl = h('div', { id: 'grad-time-chart', class: 'chart', 'aria-label': '‖∂L_T/∂h_t‖ against t' });
    const normEl = h('div', { id: 'grad-norm-chart', class: 'chart', 'aria-label': 'Global gradient norm per step' });
    panel.append(
      h('h3', {}, '‖∂L', h('sub', {}, 'T'), '/∂h', h('sub', {}, 't'), '‖ against t (latest snapshot solid, earlier ones faded)'), timeEl,
      h('h3', {}, 'The same over training: snapshot step × timestep (log colour)'), this.controls, this.heatWrap, scaleLegend('sequential', 'small', 'large'),
      h('h3', {}, 'Global gradient norm per step'), normEl,
      h('h3', {}, 'Per-parameter norms (latest snapshot)'), this.normsTable,
    );
    const theme = (this.theme = this.ctx.store.theme);
    this.charts = {
      time: new SeriesChart(timeEl, { xLabel: 'timestep t', yLabel: '‖∂L_T/∂h_t‖', logY: true, height: 260 }, theme),
      norm: new SeriesChart(normEl, { xLabel: 'step', yLabel: 'gradient norm', logY: false, height: 220 }, theme),
      heat: new HeatmapView(this.heatWrap, 'grad-heatmap', theme.foreground),
    };
  }

  /** In a comparison, the run of the heatmap and the norms table. */
  renderControls(): void {
    const { store } = this.ctx;
    const r = store.gradientsRun();
    this.controls.hidden = store.runs.length < 2 || !r;
    if (this.controls.hidden || !r) return this.controls.replaceChildren();
    this.controls.replaceChildren(select('grad-run', 'Run', store.runs.map((x) => [x.id, store.runName(x)]), r.id, (v) => {
      store.selectGradientsRun(v);
      this.update();
    }));
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
    charts.time.setSeries(this.throughTimeSeries());
    const r = store.gradientsRun();
    if (r) {
      this.drawHistory(r, charts.heat);
      this.renderNorms(r);
    }
    const norms: ChartSeries[] = store.runs.map((x) => ({ label: store.runName(x), color: store.colorOf(x), x: store.dataOf(x.id).step.step.view(), y: store.dataOf(x.id).step.gradNorm.view(), width: 1, show: store.isShown(x.id) }));
    const clips = [...new Set(store.runs.map((x) => x.clipNorm).filter((c): c is number => c !== undefined))];
    charts.norm.setSeries(norms, clips.map((c) => ({ value: c, label: `clipping threshold ${c}`, color: store.theme.muted })));
  }

  dispose(): void {
    this.charts?.time.destroy();
    this.charts?.norm.destroy();
    this.charts = undefined;
  }

  /** ‖∂L_T/∂h_t‖ of the last snapshots of every run shown, older ones fainter. */
  private throughTimeSeries(): ChartSeries[] {
    const { store } = this.ctx;
    const key = `l${store.ui.layer}.dhLast`;
    const series: ChartSeries[] = [];
    for (const r of store.runs) {
      if (!store.isShown(r.id)) continue;
      const d = store.dataOf(r.id);
      const shown = [...d.gradientHistory.keys()].sort((a, b) => a - b).slice(-SNAPSHOTS_SHOWN);
      shown.forEach((s, i) => {
        const y = d.gradientHistory.get(s)?.[key];
        if (!y) return;
        const latest = i === shown.length - 1;
        const alpha = latest ? 1 : 0.12 + (0.5 * i) / shown.length;
        series.push({ label: `${store.runName(r)} step ${s}`, color: withAlpha(store.colorOf(r), alpha), x: Float64Array.from({ length: y.length }, (_, t) => t), y, width: latest ? 2.5 : 1 });
      });
    }
    return series;
  }

  /** Rows: snapshot steps, columns: timesteps; log colour over the whole history. */
  private drawHistory(r: RunView, heat: HeatmapView): void {
    const d = this.ctx.store.dataOf(r.id);
    const steps = [...d.gradientHistory.keys()].sort((a, b) => a - b);
    const rows = steps.map((s) => d.gradientHistory.get(s)?.[`l${this.ctx.store.ui.layer}.dhLast`]).filter((x): x is Float32Array => !!x);
    if (!rows.length || !rows[0].length) return;
    const T = rows[0].length;
    const flat = new Float32Array(rows.length * T);
    rows.forEach((row, i) => flat.set(row.subarray(0, T), i * T));
    const n = logNormalize(flat);
    const rgba = unitsByTimeRgba(transpose(n.values, rows.length, T), T, rows.length, Array.from({ length: rows.length }, (_, i) => i), 0, 1, SEQUENTIAL_LUT);
    heat.draw(rgba, { rows: rows.length, cols: T, rowLabel: (i) => String(steps[i]), colLabel: (t) => String(t), rowTitle: 'step', colTitle: 'timestep t' },
      Math.max(300, this.heatWrap.clientWidth || 800), Math.min(400, Math.max(160, rows.length * 8 + 40)));
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
