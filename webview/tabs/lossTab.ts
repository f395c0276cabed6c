// Loss tab: raw and smoothed training loss and validation loss of every run against step, epoch or wall
// time, a legend that shows or hides runs (on this tab and the Gradients tab), the tasks' baselines, and
// export as CSV, PNG and SVG.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import { baselinesOf } from '../../src/shared/metrics';
import type { RunView } from '../../src/shared/webviewProtocol';
import { type ChartSeries, type ExportDecor, SeriesChart } from '../charts/seriesChart';
import { withAlpha } from '../model/palette';
import { fractionalEpochs, interpolateAt, lossCsv, type RunData } from '../model/runData';
import { emaSmooth } from '../model/smoothing';
import type { Theme } from '../model/theme';
import { control, h, select } from '../views/dom';
import type { TabContext, TabView } from './tabView';

/** A run's x values for the chosen axis and its smoothed loss, recomputed only when its data or the choice changes. */
interface RunCurves {
  data: RunData;
  key: string;
  train: Float64Array;
  val: Float64Array;
  smooth: Float64Array;
  smoothKey: string;
}

const X_LABELS = { step: 'step', epoch: 'epoch', time: 'wall time (s)' } as const;

export class LossTab implements TabView {
  readonly key = 'loss';
  readonly label = 'Loss';
  readonly className = 'tab-loss';
  private readonly legend = h('div', { id: 'loss-legend', class: 'legend', role: 'group', 'aria-label': 'Runs shown' });
  private chart: SeriesChart | undefined;
  private theme: Theme | undefined;
  private readonly curves = new Map<string, RunCurves>();

  constructor(private readonly ctx: TabContext) {}

  /** The loss chart (test and benchmark hooks). */
  get lossChart(): SeriesChart {
    if (!this.chart) throw new Error('the loss tab is not mounted');
    return this.chart;
  }

  mount(panel: HTMLElement): void {
    const { store, post } = this.ctx;
    const smoothing = h('input', { id: 'smoothing', type: 'range', min: 0, max: 0.999, step: 0.001, value: store.ui.smoothing, 'aria-label': 'Smoothing' });
    const smoothingValue = h('span', { class: 'control-value' }, store.ui.smoothing.toFixed(3));
    const logY = h('vscode-checkbox', { id: 'log-y', checked: store.ui.logY, label: 'Log scale' });
    const chartEl = h('div', { id: 'loss-chart', class: 'chart', 'aria-label': 'Loss curves. Drag to zoom, double-click or 0 to reset, arrow keys pan.' });
    const exportButton = (format: 'csv' | 'png' | 'svg', data: () => string) => {
      const b = h('vscode-button', { id: `export-${format}`, secondary: true }, `Export ${format.toUpperCase()}`);
      b.addEventListener('click', () => post({ type: 'export', format, fileName: `loss.${format}`, data: data() }));
      return b;
    };
    panel.append(
      h('div', { class: 'toolbar' },
        control('Smoothing', smoothing, smoothingValue),
        logY,
        select('x-axis', 'X axis', [['step', 'Step'], ['epoch', 'Epoch'], ['time', 'Wall time (s)']], store.ui.xAxis, (v) => {
          store.setUi({ xAxis: v as keyof typeof X_LABELS });
          this.lossChart.setXRange(undefined);
          this.lossChart.setOptions({ xLabel: X_LABELS[store.ui.xAxis] });
          this.update();
        }),
        h('span', { class: 'spacer' }),
        exportButton('csv', () => lossCsv(store.runs.map((r) => ({ name: r.info.name, data: store.dataOf(r.id) })))),
        exportButton('png', () => this.lossChart.toPng(this.decor())),
        exportButton('svg', () => this.lossChart.toSvg(this.decor()))),
      this.legend, chartEl,
      h('p', { class: 'hint' }, 'Faint: raw training loss. Solid: smoothed (TensorBoard’s debiased EMA). Dots: validation. Dashed: the task’s baseline.'),
    );
    this.theme = store.theme;
    this.chart = new SeriesChart(chartEl, { xLabel: X_LABELS[store.ui.xAxis], yLabel: 'loss', logY: store.ui.logY, height: 340 }, store.theme);
    smoothing.addEventListener('input', () => {
      store.setUi({ smoothing: Number(smoothing.value) });
      smoothingValue.textContent = store.ui.smoothing.toFixed(3);
      this.update();
    });
    logY.addEventListener('change', () => {
      store.setUi({ logY: logY.checked });
      this.lossChart.setOptions({ logY: store.ui.logY });
      this.update();
    });
  }

  /** The legend: one toggle per run, in its colour. */
  renderControls(): void {
    const { store } = this.ctx;
    this.legend.replaceChildren(
      ...store.runs.map((r) => {
        const b = h('button', { class: 'legend-entry', 'data-run-id': r.id, 'aria-pressed': String(store.isShown(r.id)), title: 'Show or hide this run' });
        const sw = h('span', { class: 'swatch', 'aria-hidden': 'true' });
        sw.style.setProperty('background-color', store.colorOf(r));
        b.append(sw, store.runName(r));
        b.addEventListener('click', () => {
          store.toggleShown(r.id);
          this.renderControls();
          this.update();
          this.ctx.apply({ redraw: ['gradients'] });
        });
        return b;
      }),
    );
  }

  update(): void {
    const { store } = this.ctx;
    const chart = this.lossChart;
    if (this.theme !== store.theme) chart.setTheme((this.theme = store.theme));
    const series: ChartSeries[] = [];
    for (const r of store.runs) {
      const d = store.dataOf(r.id);
      const c = this.curvesOf(r);
      const color = store.colorOf(r);
      const show = store.isShown(r.id);
      const name = store.runName(r);
      series.push({ label: `${name} raw`, color: withAlpha(color, 0.25), x: c.train, y: d.step.loss.view(), width: 1, show });
      series.push({ label: `${name} train`, color, x: c.train, y: c.smooth.subarray(0, d.step.loss.length), width: 2, show });
      series.push({ label: `${name} validation`, color, x: c.val, y: d.eval.loss.view(), width: 1, dash: [2, 3], points: true, show });
    }
    const baselines = new Map<string, number>();
    for (const r of store.runs) for (const b of baselinesOf(r.info)) baselines.set(b.label, b.value);
    chart.setSeries(series, [...baselines].map(([label, value]) => ({ label: `baseline: ${label}`, value, color: store.theme.muted })));
  }

  dispose(): void {
    this.chart?.destroy();
    this.chart = undefined;
    this.curves.clear();
  }

  /** Title and legend of an exported loss chart: the runs shown, in their colours. */
  private decor(): ExportDecor {
    const { store } = this.ctx;
    const runs = store.runs;
    const shown = runs.filter((r) => store.isShown(r.id));
    const title = store.panelKind === 'run' && runs[0] ? `${runs[0].info.name} (${runs[0].info.cell.toUpperCase()}): loss` : `Loss: ${shown.length} of ${runs.length} runs`;
    return { title, legend: shown.map((r) => ({ label: store.runName(r), color: store.colorOf(r) })) };
  }

  private curvesOf(r: RunView): RunCurves {
    const { ui } = this.ctx.store;
    const d = this.ctx.store.dataOf(r.id);
    const key = `${d.version}|${ui.xAxis}`;
    let c = this.curves.get(r.id);
    // a new RunData (a re-sent init) starts its version again: compare the object too
    if (!c || c.data !== d || c.key !== key) {
      const s = d.step;
      const e = d.eval;
      let train: Float64Array;
      let val: Float64Array;
      if (ui.xAxis === 'step') {
        train = s.step.view();
        val = e.step.view();
      } else if (ui.xAxis === 'time') {
        train = s.time.view();
        val = e.time.view();
      } else {
        train = fractionalEpochs(s.step.view(), s.epoch.view());
        val = interpolateAt(s.step.view(), train, e.step.view(), e.epoch.view());
      }
      c = { data: d, key, train, val, smooth: c?.smooth ?? new Float64Array(0), smoothKey: '' };
      this.curves.set(r.id, c);
    }
    const sk = `${d.version}|${ui.smoothing}`;
    if (c.smoothKey !== sk) {
      c.smooth = emaSmooth(d.step.loss.view(), ui.smoothing, c.smooth);
      c.smoothKey = sk;
    }
    return c;
  }
}
