// Output tab: what the model produces. For a text run, generation from a prime (the host samples from the
// latest checkpoint) and the samples taken at evaluations; for a series, the forecast of the latest
// snapshot against the actual values.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { SeriesChart } from '../charts/seriesChart';
import type { Theme } from '../model/theme';
import { control, h } from '../views/dom';
import type { TabContext, TabView } from './tabView';

/** Samples listed, newest first. */
const SAMPLES_SHOWN = 30;

export class OutputTab implements TabView {
  readonly key = 'output';
  readonly label = 'Output';
  readonly className = 'tab-output';
  private readonly samples = h('div', { id: 'samples', class: 'samples' });
  private readonly generated = h('pre', { id: 'generated-text', class: 'sample-text', 'aria-live': 'polite' });
  private readonly generateForm = h('div', { class: 'generate' });
  private readonly forecastEl = h('div', { id: 'forecast-chart', class: 'chart', hidden: true });
  private readonly empty = h('p', { class: 'empty' }, 'No text samples or forecasts for this run yet.');
  private forecast: SeriesChart | undefined;
  private theme: Theme | undefined;

  constructor(private readonly ctx: TabContext) {}

  mount(panel: HTMLElement): void {
    const prime = h('vscode-textfield', { id: 'generate-prime', value: 'The ', 'aria-label': 'Prime text' });
    const temperature = h('input', { id: 'generate-temperature', type: 'number', min: 0.05, max: 3, step: 0.05, value: 0.8, class: 'number', 'aria-label': 'Temperature' });
    const length = h('input', { id: 'generate-length', type: 'number', min: 1, max: 5000, step: 1, value: 200, class: 'number', 'aria-label': 'Length' });
    const button = h('vscode-button', { id: 'generate-button' }, 'Generate');
    this.generateForm.append(
      h('h3', {}, 'Generate'),
      h('div', { class: 'toolbar' }, h('label', { class: 'control grow' }, h('span', { class: 'control-label' }, 'Prime'), prime), control('Temperature', temperature), control('Length', length), button),
      this.generated);
    panel.append(this.generateForm, h('h3', {}, 'Samples at evaluations'), this.samples, this.forecastEl, this.empty);
    this.theme = this.ctx.store.theme;
    this.forecast = new SeriesChart(this.forecastEl, { xLabel: 'time', yLabel: 'value', logY: false, height: 260 }, this.theme);
    button.addEventListener('click', () => {
      const r = this.ctx.store.hiddenStatesRun();
      if (!r) return;
      this.ctx.store.startGeneration();
      this.renderControls();
      this.ctx.post({ type: 'generate', runId: r.id, prime: prime.value, temperature: Number(temperature.value) || 1, length: Math.max(1, Math.floor(Number(length.value) || 200)) });
    });
  }

  /** The generated text: waiting, the prime (marked) and what followed, or nothing. */
  renderControls(): void {
    const g = this.ctx.store.generation;
    if (g.kind === 'generating') this.generated.textContent = 'Generating…';
    else if (g.kind === 'done') this.generated.replaceChildren(h('span', { class: 'prime' }, g.prime), g.text);
    else this.generated.textContent = '';
  }

  update(): void {
    const { store } = this.ctx;
    const forecast = this.forecast;
    const r = store.hiddenStatesRun();
    if (!r || !forecast) return;
    if (this.theme !== store.theme) forecast.setTheme((this.theme = store.theme));
    const d = store.dataOf(r.id);
    const isText = d.samples.length > 0 || r.info.task === 'text';
    this.generateForm.hidden = !isText;
    const latest = [...d.samples].sort((a, b) => b.step - a.step || a.temperature - b.temperature).slice(0, SAMPLES_SHOWN);
    this.samples.replaceChildren(...latest.map((s) => h('div', { class: 'sample' }, h('div', { class: 'sample-meta' }, `step ${s.step} · temperature ${s.temperature}`), h('pre', { class: 'sample-text' }, h('span', { class: 'prime' }, s.prime), s.text))));
    const snap = d.snapshots.get(d.latestSnapshotStep);
    const pred = snap?.arrays['forecast.pred'];
    const actual = snap?.arrays['forecast.actual'];
    this.forecastEl.hidden = !(pred && actual);
    if (pred && actual) {
      forecast.setSeries([
        { label: 'actual', color: store.theme.muted, x: Float64Array.from({ length: actual.data.length }, (_, i) => i), y: actual.data, width: 1.5 },
        { label: 'forecast', color: store.colorOf(r), x: Float64Array.from({ length: pred.data.length }, (_, i) => i), y: pred.data, width: 2 },
      ]);
    }
    this.empty.hidden = latest.length > 0 || !!(pred && actual) || isText;
  }

  dispose(): void {
    this.forecast?.destroy();
    this.forecast = undefined;
  }
}
