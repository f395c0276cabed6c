// The Loss tab's decoding scores, for encoder–decoder runs (hidden for the others): at each evaluation,
// greedy decoding's exact match and token error rate (CER or PER, as the run names it), for word-level
// targets corpus BLEU-4 and chrF, and the teacher-forced token accuracy on the validation pairs, per run in
// its colour, on the loss chart's x axis (step, epoch or wall time), with a readout of the values at the
// evaluation nearest the cursor. One y axis from 0 to 100: the fractions as percent, BLEU and chrF as the
// 0–100 scores they are reported as. A score is told by its dash and a run by its colour; the key above the
// chart draws each score's dash and shows or hides that score for every run (with several runs, 15 lines).
import { formatCount } from '../../src/shared/format';
import type { RunView } from '../../src/shared/webviewProtocol';
import { type ChartSeries, SeriesChart } from '../charts/seriesChart';
import { nearestIndex, type Readout, type ReadoutRow } from '../model/readout';
import type { RunData } from '../model/runData';
import type { Theme } from '../model/theme';
import { h } from '../views/dom';

/** CSS pixels the section takes under the loss chart (heading, key, chart, hint). */
export const SCORES_HEIGHT = 320;

/** A run's evaluations as the loss chart places them. */
export interface ScoredRun {
  run: RunView;
  name: string;
  color: string;
  data: RunData;
  /** x of each evaluation on the loss chart's axis. */
  x: Float64Array;
}

/** Each score: its eval column, what the chart names it, its dash, and the factor that puts it on 0–100. */
const SCORES = [
  { key: 'exactMatch', head: () => 'Exact match', label: () => 'exact match', dash: undefined, toHundred: 100 },
  { key: 'errorRate', head: (r?: RunView) => r?.info.errorRateName ?? 'Error rate', label: (r: RunView) => r.info.errorRateName ?? 'error rate', dash: [6, 3], toHundred: 100 },
  { key: 'accuracy', head: () => 'Token acc.', label: () => 'token accuracy', dash: [2, 3], toHundred: 100 },
  { key: 'bleu', head: () => 'BLEU', label: () => 'BLEU', dash: [10, 3, 2, 3], toHundred: 1 },
  { key: 'chrF', head: () => 'chrF', label: () => 'chrF', dash: [14, 4], toHundred: 1 },
] as const;

type Score = (typeof SCORES)[number];

const hasValues = (a: Float64Array): boolean => a.some(Number.isFinite);
const scaled = (a: Float64Array, k: number): Float64Array => (k === 1 ? a : a.map((v) => v * k));
const SVG = 'http://www.w3.org/2000/svg';

/** A score's key: a short line in its dash, in the text colour (the runs' colours are the loss legend's). */
function dashSample(dash: readonly number[] | undefined): SVGSVGElement {
  const el = document.createElementNS(SVG, 'svg');
  for (const [k, v] of Object.entries({ width: 28, height: 6, 'aria-hidden': 'true', class: 'score-dash' })) el.setAttribute(k, String(v));
  const line = document.createElementNS(SVG, 'line');
  for (const [k, v] of Object.entries({ x1: 0, y1: 3, x2: 28, y2: 3, stroke: 'currentColor', 'stroke-width': 2, ...(dash && { 'stroke-dasharray': dash.join(' ') }) })) line.setAttribute(k, String(v));
  el.append(line);
  return el;
}

const scoreText = (s: Score, v: number): string => (!Number.isFinite(v) ? '–' : s.toHundred === 100 ? `${(v * 100).toFixed(1)} %` : v.toFixed(1));

export class DecodingScores {
  readonly el: HTMLElement;
  private readonly chartEl = h('div', { id: 'scores-chart', class: 'chart', 'aria-label': 'Validation decoding scores per evaluation' });
  private readonly keyEl = h('div', { id: 'scores-key', class: 'legend', role: 'group', 'aria-label': 'Scores: show or hide' });
  private readonly chart: SeriesChart;
  private runs: ScoredRun[] = [];
  /** The scores the user has hidden with the key. */
  private readonly hiddenScores = new Set<Score['key']>();
  private keySignature = '';

  constructor(theme: Theme, xLabel: string) {
    this.el = h('section', { id: 'scores-section', hidden: true },
      h('h3', {}, 'Decoding on the validation pairs: exact match, error rate, token accuracy (and BLEU, chrF for word targets)'), this.keyEl, this.chartEl,
      h('p', { class: 'hint' }, 'Exact match: greedy decoding, the whole output right. Error rate: edit distance / reference length. Token accuracy: teacher-forced. BLEU-4 (corpus) and chrF on their 0–100 scales. Each run in its colour.'));
    this.chart = new SeriesChart(this.chartEl, { xLabel, xInteger: xLabel === 'step', yLabel: '%, BLEU, chrF (0–100)', logY: false, height: 220, readout: (x) => this.readout(x) }, theme);
  }

  /** Whether any run has decoding scores (the section shows only then). */
  get shown(): boolean {
    return !this.el.hidden;
  }

  setTheme(theme: Theme): void {
    this.chart.setTheme(theme);
  }

  setXLabel(xLabel: string): void {
    this.chart.setXRange(undefined);
    this.chart.setOptions({ xLabel, xInteger: xLabel === 'step' });
  }

  update(runs: ScoredRun[]): void {
    this.runs = runs.filter((r) => hasValues(r.data.eval.exactMatch.view()) || hasValues(r.data.eval.errorRate.view()));
    this.el.hidden = this.runs.length === 0;
    if (this.el.hidden) return;
    this.renderKey();
    const series: ChartSeries[] = [];
    for (const r of this.runs) {
      for (const s of SCORES) {
        const y = r.data.eval[s.key].view();
        if (!hasValues(y)) continue;
        series.push({ label: `${r.name} ${s.label(r.run)}`, color: r.color, x: r.x, y: scaled(y, s.toHundred), width: 2, points: true, show: !this.hiddenScores.has(s.key), ...(s.dash && { dash: [...s.dash] }) });
      }
    }
    this.chart.setSeries(series);
  }

  /** One toggle per score that a shown run has: its dash, its name; pressed while the score is drawn. */
  private renderKey(): void {
    const named = this.runs.find((r) => r.run.info.errorRateName !== undefined)?.run;
    const present = SCORES.filter((s) => this.runs.some((r) => hasValues(r.data.eval[s.key].view())));
    // a running run re-posts its metrics often: the same buttons stay, so a click in progress is not lost
    const signature = JSON.stringify([present.map((s) => s.key), [...this.hiddenScores], named?.info.errorRateName]);
    if (signature === this.keySignature) return;
    this.keySignature = signature;
    this.keyEl.replaceChildren(...present.map((s) => {
      const shown = !this.hiddenScores.has(s.key);
      const b = h('button', { type: 'button', class: 'legend-entry', 'data-score': s.key, 'aria-pressed': String(shown), title: `Show or hide ${s.head(named)} for every run` },
        dashSample(s.dash), s.head(named));
      b.addEventListener('click', () => {
        if (shown) this.hiddenScores.add(s.key);
        else this.hiddenScores.delete(s.key);
        this.update(this.runs);
      });
      return b;
    }));
  }

  destroy(): void {
    this.chart.destroy();
  }

  private readout(x: number): Readout {
    // BLEU and chrF get columns only when a shown run has them (word-level targets)
    const shown = SCORES.filter((s) => s.toHundred === 100 || this.runs.some((r) => hasValues(r.data.eval[s.key].view())));
    const rows: ReadoutRow[] = [];
    for (const r of this.runs) {
      const i = nearestIndex(r.x, x);
      if (i < 0) continue;
      const e = r.data.eval;
      rows.push({ label: r.name, color: r.color, swatch: 'line', points: true,
        cells: [...shown.map((s) => scoreText(s, e[s.key].data[i])), formatCount(e.step.data[i])] });
    }
    const named = this.runs.find((r) => r.run.info.errorRateName !== undefined)?.run;
    return { labelHead: 'Run', columns: [...shown.map((s) => s.head(named)), 'Step'], rows };
  }
}
