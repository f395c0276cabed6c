// Loss tab: raw and smoothed training loss and validation loss of every run against step, epoch or wall
// time, in the run's loss unit, with TensorBoard's readout under the cursor; a legend that shows or hides
// runs (on this tab and the Gradients tab) and each run's validation curve; the tasks' baselines; a reset
// of the zoom; export as CSV, PNG and SVG. The chart takes the height the window leaves.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import { formatNumber } from '../../src/shared/format';
import { baselinesOf } from '../../src/shared/metrics';
import type { RunView } from '../../src/shared/webviewProtocol';
import { type ChartSeries, type ExportDecor, SeriesChart } from '../charts/seriesChart';
import { validationShade, withAlpha } from '../model/palette';
import type { Readout, ScalarRun } from '../model/readout';
import { scalarReadout } from '../model/readout';
import { fractionalEpochs, interpolateAt, lossCsv, type RunData } from '../model/runData';
import { GrowingEma } from '../model/smoothing';
import { baselineName, lossAxisLabel } from '../model/taskViews';
import type { Theme } from '../model/theme';
import { control, h, select } from '../views/dom';
import { legendSwatch } from '../views/legendSwatch';
import { DecodingScores, SCORES_HEIGHT } from './lossScores';
import type { TabContext, TabView } from './tabView';

/** A run's x values for the chosen axis and its smoothed loss, recomputed only when its data or the choice changes. */
interface RunCurves {
  data: RunData;
  key: string;
  train: Float64Array;
  val: Float64Array;
  smooth: Float64Array;
  smoothKey: string;
  /** The smoothing of this run's loss, continued as records arrive. */
  ema: GrowingEma;
}

const X_LABELS = { step: 'step', epoch: 'epoch', time: 'wall time (s)' } as const;
/** The validation curve's dash (CSS pixels), on the chart, in the legend and in exports. */
export const VALIDATION_DASH = [6, 3];
/** Room left under the chart for the hint line. */
const BELOW_CHART = 44;

export class LossTab implements TabView {
  readonly key = 'loss';
  readonly label = 'Loss';
  readonly className = 'tab-loss';
  private readonly legend = h('div', { id: 'loss-legend', class: 'legend', role: 'group', 'aria-label': 'Runs shown' });
  private readonly hint = h('p', { class: 'hint' });
  private readonly resetZoom = h('vscode-button', { id: 'reset-zoom', secondary: true, disabled: true, title: 'Show every step (double-click the chart, or press 0)' }, 'Reset zoom');
  private chart: SeriesChart | undefined;
  /** Encoder–decoders' exact match and error rate under the loss chart. */
  private scores: DecodingScores | undefined;
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
          this.lossChart.setOptions({ xLabel: X_LABELS[store.ui.xAxis], xInteger: store.ui.xAxis === 'step' });
          this.scores?.setXLabel(X_LABELS[store.ui.xAxis]);
          this.update();
        }),
        this.resetZoom,
        h('span', { class: 'spacer' }),
        exportButton('csv', () => lossCsv(store.runs.map((r) => ({ name: store.runName(r), data: store.dataOf(r.id) })))),
        exportButton('png', () => this.lossChart.toPng(this.decor())),
        exportButton('svg', () => this.lossChart.toSvg(this.decor()))),
      this.legend, chartEl, this.hint,
    );
    this.theme = store.theme;
    this.chart = new SeriesChart(chartEl, {
      xLabel: X_LABELS[store.ui.xAxis], xInteger: store.ui.xAxis === 'step', yLabel: 'loss', logY: store.ui.logY,
      height: 300, fill: { below: BELOW_CHART }, readout: (x) => this.readout(x),
    }, store.theme);
    this.scores = new DecodingScores(store.theme, X_LABELS[store.ui.xAxis]);
    panel.append(this.scores.el);
    this.chart.onZoom = (zoomed) => { this.resetZoom.disabled = !zoomed; };
    this.resetZoom.addEventListener('click', () => this.lossChart.setXRange(undefined));
    smoothing.addEventListener('input', () => {
      store.setUi({ smoothing: Number(smoothing.value) });
      smoothingValue.textContent = store.ui.smoothing.toFixed(3);
      this.update();
      this.ctx.apply({ redraw: ['gradients'] });
    });
    logY.addEventListener('change', () => {
      store.setUi({ logY: logY.checked });
      this.lossChart.setOptions({ logY: store.ui.logY });
      this.update();
    });
  }

  /** The legend: per run a toggle in its colour, and one for its validation curve in its second shade. */
  renderControls(): void {
    const { store } = this.ctx;
    const entry = (r: RunView, cls: string, pressed: boolean, title: string, swatch: HTMLElement, text: string, toggle: () => void) => {
      const b = h('button', { class: cls, 'data-run-id': r.id, 'aria-pressed': String(pressed), title }, swatch, text);
      b.addEventListener('click', () => {
        toggle();
        this.renderControls();
        this.update();
        this.ctx.apply({ redraw: ['gradients'] });
      });
      return b;
    };
    this.legend.replaceChildren(...store.runs.map((r) => h('span', { class: 'legend-run' },
      entry(r, 'legend-entry', store.isShown(r.id), 'Show or hide this run', legendSwatch(store.colorOf(r), 'line'), store.runName(r), () => store.toggleShown(r.id)),
      entry(r, 'legend-series legend-validation', store.isValidationShown(r.id), 'Show or hide this run’s validation loss',
        legendSwatch(this.validationColor(r), 'dashed', true), 'validation', () => store.toggleValidation(r.id)),
    )));
  }

  update(): void {
    const { store } = this.ctx;
    const chart = this.lossChart;
    if (this.theme !== store.theme) {
      chart.setTheme((this.theme = store.theme));
      this.scores?.setTheme(store.theme);
      this.renderControls();
    }
    const yLabel = lossAxisLabel(store.runs.map((r) => r.info));
    if (chart.options.yLabel !== yLabel) chart.setOptions({ yLabel });
    const series: ChartSeries[] = [];
    for (const r of store.runs) {
      const d = store.dataOf(r.id);
      const c = this.curvesOf(r);
      const color = store.colorOf(r);
      const show = store.isShown(r.id);
      const name = store.runName(r);
      series.push({ label: `${name} raw`, color: withAlpha(color, 0.25), x: c.train, y: d.step.loss.view(), width: 1, show });
      series.push({ label: `${name} train`, color, x: c.train, y: c.smooth.subarray(0, d.step.loss.length), width: 2, show });
      series.push({ label: `${name} validation`, color: this.validationColor(r), x: c.val, y: d.eval.loss.view(), width: 1.5, dash: VALIDATION_DASH, points: true, show: store.isValidationShown(r.id) });
    }
    const baselines = new Map<string, number>();
    for (const r of store.runs) for (const b of baselinesOf(r.info)) baselines.set(b.label, b.value);
    chart.setSeries(series, [...baselines].map(([label, value]) => ({ label: `baseline: ${baselineName(label)} (${formatNumber(value, 3)})`, value, color: store.theme.muted })));
    this.updateScores();
    const explained = [...baselines.keys()].join('; ');
    this.hint.textContent = 'Faint: raw training loss. Solid: smoothed (TensorBoard’s debiased EMA). Dashed with dots: validation, in the run’s second shade.' +
      (explained ? ` Grey dashes: the task’s baselines — ${explained}.` : '') + ' Drag to zoom.';
  }

  dispose(): void {
    this.chart?.destroy();
    this.chart = undefined;
    this.scores?.destroy();
    this.scores = undefined;
    this.curves.clear();
  }

  /** The decoding scores of the runs shown; the loss chart leaves room for them while they show. */
  private updateScores(): void {
    const { store } = this.ctx;
    const scores = this.scores;
    if (!scores) return;
    scores.update(store.runs.filter((r) => store.isShown(r.id)).map((r) => ({ run: r, name: store.runName(r), color: store.colorOf(r), data: store.dataOf(r.id), x: this.curvesOf(r).val })));
    const below = BELOW_CHART + (scores.shown ? SCORES_HEIGHT : 0);
    if (this.lossChart.options.fill?.below !== below) this.lossChart.setOptions({ fill: { below } });
  }

  private validationColor(r: RunView): string {
    const { store } = this.ctx;
    return validationShade(store.colorOf(r), store.theme.kind === 'light' || store.theme.kind === 'high-contrast-light' ? 'light' : 'dark');
  }

  /** TensorBoard's readout at x: each shown run's nearest step, and its nearest validation point. */
  private readout(x: number): Readout {
    const { store } = this.ctx;
    const runs: ScalarRun[] = [];
    for (const r of store.runs) {
      if (!store.isShown(r.id)) continue;
      const d = store.dataOf(r.id);
      const c = this.curvesOf(r);
      runs.push({
        name: store.runName(r), color: store.colorOf(r),
        main: { x: c.train, step: d.step.step.view(), time: d.step.time.view(), raw: d.step.loss.view(), smoothed: c.smooth },
        ...(store.isValidationShown(r.id) && d.eval.step.length > 0 && {
          extra: { label: 'validation', color: this.validationColor(r), x: c.val, step: d.eval.step.view(), time: d.eval.time.view(), raw: d.eval.loss.view() },
        }),
      });
    }
    return scalarReadout(runs, x);
  }

  /** Title and legend of an exported loss chart: the runs shown and their validation curves, in their colours. */
  private decor(): ExportDecor {
    const { store } = this.ctx;
    const runs = store.runs;
    const shown = runs.filter((r) => store.isShown(r.id));
    const title = store.panelKind === 'run' && runs[0] ? `${runs[0].info.name} (${runs[0].info.cell.toUpperCase()}): loss` : `Loss: ${shown.length} of ${runs.length} runs`;
    return {
      title,
      legend: shown.flatMap((r) => [
        { label: store.runName(r), color: store.colorOf(r) },
        ...(store.isValidationShown(r.id) ? [{ label: `${store.runName(r)} validation`, color: this.validationColor(r), dash: VALIDATION_DASH, points: true }] : []),
      ]),
    };
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
      c = { data: d, key, train, val, smooth: c?.smooth ?? new Float64Array(0), smoothKey: '', ema: c?.data === d ? c.ema : new GrowingEma() };
      this.curves.set(r.id, c);
    }
    const sk = `${d.version}|${ui.smoothing}`;
    if (c.smoothKey !== sk) {
      c.smooth = c.ema.smooth(d.step.loss.view(), ui.smoothing);
      c.smoothKey = sk;
    }
    return c;
  }
}
