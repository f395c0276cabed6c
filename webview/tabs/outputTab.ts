// Output tab: what the models produce. For text, generation from a prime (the host samples from the
// chosen run's latest checkpoint) and the samples taken at evaluations, under each run's name; for an
// encoder–decoder, the validation pairs it decoded at evaluations (source → output, the target where it
// erred; it translates what you type on the Seq2seq tab, so no Generate here); for a
// forecast, each run's predictions against the actual values of the validation examples in the data's
// units, with a legend (actual, each run's prediction and RMSE, the baseline's where it is sent) and the
// readout: windows of one series as lines in time order, independent examples as predicted-vs-actual points.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { formatNumber } from '../../src/shared/format';
import type { RunView } from '../../src/shared/webviewProtocol';
import { type ChartSeries, SeriesChart } from '../charts/seriesChart';
import { type ForecastArrays, forecastOf, orderByActual, pick, rmse } from '../model/forecast';
import { validationShade } from '../model/palette';
import { nearestIndex, type Readout, type ReadoutRow, type SwatchStyle } from '../model/readout';
import { baselineName, examplesFollowInTime } from '../model/taskViews';
import { baselinesOf, type SampleRecord } from '../../src/shared/metrics';
import { isEncoderDecoder } from '../model/seq2seqViews';
import type { Theme } from '../model/theme';
import { control, h, select } from '../views/dom';
import { legendSwatch } from '../views/legendSwatch';
import type { TabContext, TabView } from './tabView';

/** Samples listed per run, newest first. */
const SAMPLES_SHOWN = 30;

/** One line of the forecast chart, its legend entry and its readout row. */
interface ForecastLine {
  label: string;
  color: string;
  swatch: SwatchStyle;
  values: Float32Array;
  /** RMSE against the actual values (absent for the actual values themselves). */
  rmse?: number;
}

export class OutputTab implements TabView {
  readonly key = 'output';
  readonly label = 'Output';
  readonly className = 'tab-output';
  private readonly samples = h('div', { id: 'samples', class: 'samples' });
  private readonly samplesTitle = h('h3', {}, 'Samples at evaluations');
  private readonly generated = h('pre', { id: 'generated-text', class: 'sample-text', 'aria-live': 'polite' });
  private readonly generateRun = h('span', { class: 'generate-run' });
  private readonly generateForm = h('div', { class: 'generate' });
  private readonly forecastTitle = h('h3', { id: 'forecast-title', hidden: true });
  private readonly forecastLegend = h('div', { id: 'forecast-legend', class: 'legend', hidden: true });
  private readonly forecastEl = h('div', { id: 'forecast-chart', class: 'chart', hidden: true });
  private readonly empty = h('p', { class: 'empty' }, 'No text samples or forecasts for this run yet.');
  private forecast: SeriesChart | undefined;
  private theme: Theme | undefined;
  /** The forecast as drawn: x of each example and the lines (the readout reads them). */
  private drawn: { x: Float64Array; order: number[] | undefined; actual: Float32Array; lines: ForecastLine[] } | undefined;
  private generateRunId: string | undefined;

  constructor(private readonly ctx: TabContext) {}

  mount(panel: HTMLElement): void {
    const prime = h('vscode-textfield', { id: 'generate-prime', value: 'The ', 'aria-label': 'Prime text' });
    const temperature = h('input', { id: 'generate-temperature', type: 'number', min: 0.05, max: 3, step: 0.05, value: 0.8, class: 'number', 'aria-label': 'Temperature' });
    const length = h('input', { id: 'generate-length', type: 'number', min: 1, max: 5000, step: 1, value: 200, class: 'number', 'aria-label': 'Length' });
    const button = h('vscode-button', { id: 'generate-button' }, 'Generate');
    this.generateForm.append(
      h('h3', {}, 'Generate'),
      h('div', { class: 'toolbar' }, this.generateRun, h('label', { class: 'control grow' }, h('span', { class: 'control-label' }, 'Prime'), prime), control('Temperature', temperature), control('Length', length), button),
      this.generated);
    panel.append(this.generateForm, this.samplesTitle, this.samples, this.forecastTitle, this.forecastLegend, this.forecastEl, this.empty);
    this.theme = this.ctx.store.theme;
    this.forecast = new SeriesChart(this.forecastEl, { xLabel: 'validation window (time order)', xInteger: true, yLabel: 'value (data units)', logY: false, height: 280, readout: (x) => this.readout(x) }, this.theme);
    button.addEventListener('click', () => {
      const r = this.generatingRun();
      if (!r) return;
      this.ctx.store.startGeneration();
      this.renderControls();
      this.ctx.post({ type: 'generate', runId: r.id, prime: prime.value, temperature: Number(temperature.value) || 1, length: Math.max(1, Math.floor(Number(length.value) || 200)) });
    });
  }

  /** The run picker of a comparison's generation, and the generated text: waiting, the prime (marked) and what followed, or nothing. */
  renderControls(): void {
    const { store } = this.ctx;
    const r = this.generatingRun();
    this.generateRun.replaceChildren(...(store.runs.length > 1 && r ? [select('generate-run', 'Run', store.runs.map((x) => [x.id, store.runName(x)]), r.id, (v) => { this.generateRunId = v; })] : []));
    const g = store.generation;
    if (g.kind === 'generating') this.generated.textContent = 'Generating…';
    else if (g.kind === 'done') this.generated.replaceChildren(h('span', { class: 'prime' }, g.prime), g.text);
    else this.generated.textContent = '';
  }

  update(): void {
    const { store } = this.ctx;
    const forecast = this.forecast;
    if (!forecast || !store.runs.length) return;
    if (this.theme !== store.theme) forecast.setTheme((this.theme = store.theme));
    // an encoder–decoder's samples are validation pairs it decoded; it writes for a source (the Seq2seq tab's Try it), it does not continue a prime
    const isText = store.runs.some((r) => !isEncoderDecoder(r.info) && (r.info.task === 'text' || store.dataOf(r.id).samples.length > 0));
    this.generateForm.hidden = !isText;
    const groups = store.runs.map((r) => ({ r, samples: [...store.dataOf(r.id).samples].sort((a, b) => b.step - a.step || a.temperature - b.temperature).slice(0, SAMPLES_SHOWN) })).filter((g) => g.samples.length > 0);
    this.samplesTitle.hidden = groups.length === 0;
    this.samplesTitle.textContent = store.runs.every((r) => isEncoderDecoder(r.info)) ? 'Validation pairs decoded at evaluations' : 'Samples at evaluations';
    this.samples.replaceChildren(...groups.map(({ r, samples }) => h('section', { class: 'run-samples', 'data-run-id': r.id },
      ...(store.runs.length > 1 ? [this.runLabel(r)] : []),
      ...samples.map((s) => (s.reference === undefined ? textSample(s) : pairSample(s))))));
    const drew = this.drawForecast(forecast);
    this.empty.hidden = groups.length > 0 || drew || isText;
  }

  dispose(): void {
    this.forecast?.destroy();
    this.forecast = undefined;
  }

  private generatingRun(): RunView | undefined {
    const { store } = this.ctx;
    return (this.generateRunId !== undefined ? store.runById(this.generateRunId) : undefined) ?? store.hiddenStatesRun();
  }

  private runLabel(r: RunView): HTMLElement {
    return h('h4', { class: 'run-label' }, legendSwatch(this.ctx.store.colorOf(r), 'line'), this.ctx.store.runName(r));
  }

  /** Every run's forecast on one chart; false when no run has one. */
  private drawForecast(chart: SeriesChart): boolean {
    const { store } = this.ctx;
    const runs = store.runs.map((r) => ({ r, f: forecastOf(store.dataOf(r.id).snapshots.get(store.dataOf(r.id).latestSnapshotStep)) })).filter((x): x is { r: RunView; f: ForecastArrays } => x.f !== undefined);
    const shown = runs.length > 0;
    this.forecastTitle.hidden = this.forecastLegend.hidden = this.forecastEl.hidden = !shown;
    if (!shown) return false;
    const actual = runs[0].f.actual;
    const inTime = examplesFollowInTime(runs[0].r.info.task);
    const muted = store.theme.muted;
    const lines: ForecastLine[] = [{ label: 'actual', color: muted, swatch: 'line', values: actual }];
    for (const { r, f } of runs) lines.push({ label: store.runs.length > 1 ? `${store.runName(r)} predicted` : 'predicted', color: store.colorOf(r), swatch: 'line', values: f.pred, rmse: rmse(f.pred, actual) });
    // the task's baselines on the same examples: the first (persistence, predict 0.5) and, for a CSV series, AR(p)
    const [baseInfo, arInfo] = baselinesOf(runs[0].r.info);
    const shade = (k: number) => validationShade(muted, store.theme.kind.includes('light') ? 'light' : 'dark', k);
    const { baseline: base, ar } = runs[0].f;
    if (base) lines.push({ label: `baseline: ${baseInfo ? baselineName(baseInfo.label) : 'the task’s'}`, color: shade(0.3), swatch: 'dashed', values: base, rmse: rmse(base, actual) });
    if (ar) lines.push({ label: `baseline: ${arInfo ? baselineName(arInfo.label).replace(/,.*$/, '') : 'AR(p)'}`, color: shade(0.6), swatch: 'dashed', values: ar, rmse: rmse(ar, actual) });
    const order = inTime ? undefined : orderByActual(actual);
    const x = order ? pick(actual, order) : Float64Array.from(actual, (_, i) => i);
    this.drawn = { x, order, actual, lines };
    this.forecastTitle.textContent = inTime
      ? 'Forecast against actual: validation windows in time order, in the data’s units'
      : 'Predicted against actual: independent validation examples (one dot each, sorted by the actual value; on the diagonal is perfect)';
    const series: ChartSeries[] = lines.map((l, k) => {
      const y = order ? pick(l.values, order) : l.values;
      if (!inTime && k === 0) return { label: 'perfect (predicted = actual)', color: muted, x, y, width: 1, dash: [4, 4] };
      return { label: l.label, color: l.color, x, y, width: k === 0 ? 1.5 : 2, ...(l.swatch === 'dashed' && { dash: [6, 3] }), ...(!inTime && k > 0 && { line: false, points: true }) };
    });
    const xLabel = inTime ? 'validation window (time order)' : 'actual value (data units)';
    const yLabel = inTime ? 'value (data units)' : 'predicted value (data units)';
    // windows are counted: whole ticks (a short validation split's two windows read 0.0…1.0 without it)
    if (chart.options.xLabel !== xLabel || chart.options.yLabel !== yLabel || chart.options.xInteger !== inTime) chart.setOptions({ xLabel, yLabel, xInteger: inTime });
    chart.setSeries(series);
    this.forecastLegend.replaceChildren(...lines.map((l, k) => h('span', { class: 'legend-key', 'data-series': k === 0 ? 'actual' : l.swatch === 'dashed' ? 'baseline' : 'predicted' },
      legendSwatch(l.color, !inTime && k === 0 ? 'dashed' : l.swatch, !inTime && k > 0),
      !inTime && k === 0 ? 'perfect: predicted = actual' : l.label,
      ...(l.rmse !== undefined ? [h('span', { class: 'legend-note' }, ` RMSE ${formatNumber(l.rmse, 3)}`)] : []))));
    return true;
  }

  /** At the example under the cursor: the actual value and each line's value and error. */
  private readout(x: number): Readout | undefined {
    const d = this.drawn;
    if (!d) return undefined;
    const k = nearestIndex(d.x, x);
    if (k < 0) return undefined;
    const i = d.order ? d.order[k] : k;
    const a = d.actual[i];
    const rows: ReadoutRow[] = d.lines.map((l, j) => ({ label: l.label, color: l.color, swatch: l.swatch, cells: [formatNumber(l.values[i]), j === 0 ? '' : formatNumber(l.values[i] - a)] }));
    return { labelHead: `Example ${i}`, columns: ['Value', 'Error'], rows };
  }
}

/** A text sample: its prime (marked) and what followed. */
function textSample(s: SampleRecord): HTMLElement {
  return h('div', { class: 'sample' }, h('div', { class: 'sample-meta' }, `step ${s.step} · temperature ${s.temperature}`), h('pre', { class: 'sample-text' }, h('span', { class: 'prime' }, s.prime), s.text));
}

/** A validation pair an encoder–decoder decoded: the source (marked) → the greedy output, then the pair's target, and beam search's output where it differs. */
function pairSample(s: SampleRecord): HTMLElement {
  const right = s.text === s.reference;
  const beam = s.beam !== undefined && s.beam !== s.text ? [`\n  beam search: ${s.beam}${s.beam === s.reference ? ' ✓' : ''}`] : [];
  return h('div', { class: 'sample pair-sample' }, h('div', { class: 'sample-meta' }, `step ${s.step} · greedy decoding`),
    h('pre', { class: 'sample-text' }, h('span', { class: 'prime' }, s.prime), ` → ${s.text}${right ? ' ✓' : `\n  target: ${s.reference}`}`, ...beam));
}
