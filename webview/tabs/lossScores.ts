// The Loss tab's decoding scores, for encoder–decoder runs (hidden for the others): at each evaluation,
// greedy decoding's exact match and token error rate (CER or PER, as the run names it) and the
// teacher-forced token accuracy on the validation pairs, per run in its colour, on the loss chart's x axis
// (step, epoch or wall time), with a readout of the values at the evaluation nearest the cursor.
import { formatCount } from '../../src/shared/format';
import type { RunView } from '../../src/shared/webviewProtocol';
import { type ChartSeries, SeriesChart } from '../charts/seriesChart';
import { nearestIndex, type Readout, type ReadoutRow } from '../model/readout';
import type { RunData } from '../model/runData';
import type { Theme } from '../model/theme';
import { h } from '../views/dom';

/** CSS pixels the section takes under the loss chart (heading, chart, hint). */
export const SCORES_HEIGHT = 290;

/** A run's evaluations as the loss chart places them. */
export interface ScoredRun {
  run: RunView;
  name: string;
  color: string;
  data: RunData;
  /** x of each evaluation on the loss chart's axis. */
  x: Float64Array;
}

const SCORES = [
  { key: 'exactMatch', label: () => 'exact match', dash: undefined },
  { key: 'errorRate', label: (r: RunView) => r.info.errorRateName ?? 'error rate', dash: [6, 3] },
  { key: 'accuracy', label: () => 'token accuracy', dash: [2, 3] },
] as const;

const hasValues = (a: Float64Array): boolean => a.some(Number.isFinite);
const percent = (v: number): string => (Number.isFinite(v) ? `${(v * 100).toFixed(1)} %` : '–');

export class DecodingScores {
  readonly el: HTMLElement;
  private readonly chartEl = h('div', { id: 'scores-chart', class: 'chart', 'aria-label': 'Validation decoding scores per evaluation' });
  private readonly chart: SeriesChart;
  private runs: ScoredRun[] = [];

  constructor(theme: Theme, xLabel: string) {
    this.el = h('section', { id: 'scores-section', hidden: true },
      h('h3', {}, 'Decoding on the validation pairs: exact match, error rate and token accuracy'), this.chartEl,
      h('p', { class: 'hint' }, 'Solid: exact match (greedy decoding, whole output right). Dashed: token error rate (edit distance / reference length). Dotted: token accuracy (teacher-forced).'));
    this.chart = new SeriesChart(this.chartEl, { xLabel, xInteger: xLabel === 'step', yLabel: 'fraction of pairs / tokens', logY: false, height: 220, readout: (x) => this.readout(x) }, theme);
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
    const series: ChartSeries[] = [];
    for (const r of this.runs) {
      for (const s of SCORES) {
        const y = r.data.eval[s.key].view();
        if (!hasValues(y)) continue;
        series.push({ label: `${r.name} ${s.label(r.run)}`, color: r.color, x: r.x, y, width: 2, points: true, ...(s.dash && { dash: [...s.dash] }) });
      }
    }
    this.chart.setSeries(series);
  }

  destroy(): void {
    this.chart.destroy();
  }

  private readout(x: number): Readout {
    const rows: ReadoutRow[] = [];
    for (const r of this.runs) {
      const i = nearestIndex(r.x, x);
      if (i < 0) continue;
      const e = r.data.eval;
      rows.push({ label: r.name, color: r.color, swatch: 'line', points: true,
        cells: [percent(e.exactMatch.data[i]), percent(e.errorRate.data[i]), percent(e.accuracy.data[i]), formatCount(e.step.data[i])] });
    }
    const rate = this.runs.map((r) => r.run.info.errorRateName).find((n) => n !== undefined) ?? 'Error rate';
    return { labelHead: 'Run', columns: ['Exact match', rate, 'Token acc.', 'Step'], rows };
  }
}
