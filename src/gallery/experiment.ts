// What a gallery experiment is: the configs of examples/gallery/ it trains, what the literature says,
// how `--quick` scales it down, and how its finished runs become table rows and figures. Summaries are
// pure functions of the runs' records, so tests can call them on small runs. Also the small pieces the
// summaries share (number formats, a metric against step).

import type { CellKind } from '../shared/config';
import type { DiagnosticsSnapshot, EvalRecord, RunInfo, SampleRecord, StepRecord } from '../shared/metrics';
import type { HeatmapFigure } from './heatmapFigure';
import type { LineChart, Series } from './lineChart';

export interface GalleryRun {
  /** Key of the run within its experiment (also its legend label). */
  key: string;
  /** Config file in examples/gallery/. */
  config: string;
  cell?: CellKind;
  /** Edits to the config for this run only (e.g. another sequence length or initialisation). */
  patch?: ConfigPatch;
}

/** A data file an experiment needs, looked up in the data directory given to `reproduce`. */
export interface DataFile {
  name: string;
  source: string;
}

/** A JSON edit applied to a config before training (paths are dotted, e.g. `data.length`). */
export type ConfigPatch = Record<string, unknown>;

export interface Experiment {
  id: string;
  title: string;
  /** What the literature reports, one line. */
  paper: string;
  runs: GalleryRun[];
  dataFile?: DataFile;
  /** `--quick`: a small budget that still shows the direction of the result. */
  quick: ConfigPatch;
  summarize(runs: Record<string, RunResult>, ctx: { quick: boolean }): ExperimentSummary;
}

/** What the runner hands a summary: one finished (or diverged) run, read back from its folder. */
export interface RunResult {
  key: string;
  runId: string;
  info: RunInfo;
  outcome: { kind: 'finished' } | { kind: 'diverged'; step: number; message: string };
  batchSize: number;
  seconds: number;
  steps: StepRecord[];
  evals: EvalRecord[];
  samples: SampleRecord[];
  /** The first (step 0) and last diagnostics snapshots, when diagnostics were on. */
  firstSnapshot?: DiagnosticsSnapshot;
  lastSnapshot?: DiagnosticsSnapshot;
  /** Persistence RMSE in the data's units (CSV forecasting). */
  persistenceRmse?: number;
}

export interface ResultRow {
  model: string;
  measured: string;
  expected: string;
  /** Whether the measured number agrees with the literature; undefined where there is nothing to check. */
  agrees?: boolean;
  steps?: number;
  seconds?: number;
}

/** A figure of a summary: a line chart, or a heatmap (an attention map). */
export type Figure = { file: string; chart: LineChart } | { file: string; heatmap: HeatmapFigure };

export const figureTitle = (fig: Figure): string => ('chart' in fig ? fig.chart.title : fig.heatmap.title);

export interface ExperimentSummary {
  rows: ResultRow[];
  figures: Figure[];
  notes: string[];
}


export const lastEval = (r: RunResult): EvalRecord | undefined => r.evals.at(-1);
export const f = (v: number | undefined, digits = 4) =>
  v === undefined || !Number.isFinite(v) ? '–' : v !== 0 && Math.abs(v) < 10 ** -(digits - 1) ? v.toExponential(1) : v.toFixed(digits);
export const pct = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '–' : `${(100 * v).toFixed(1)} %`);
export const seqs = (n: number) => (n >= 1000 ? `${Math.round(n / 1000)} 000` : String(n));
export const common = (r: RunResult) => ({ steps: r.steps.at(-1)?.step ?? 0, seconds: r.seconds });

export function evalCurve(title: string, runs: RunResult[], metric: (e: EvalRecord) => number | undefined, yLabel: string, yLog: boolean, references: { label: string; y: number }[], bySequences = false): LineChart {
  const series: Series[] = runs.map((r) => ({
    label: r.key,
    points: r.evals.map((e): [number, number] => [bySequences ? e.step * r.batchSize : e.step, metric(e) ?? NaN]),
  }));
  return { title, xLabel: bySequences ? 'training sequences' : 'step', yLabel, yLog, series, references };
}

export const present = (runs: Record<string, RunResult>, keys: string[]) => keys.map((k) => runs[k]).filter((r): r is RunResult => r !== undefined);
