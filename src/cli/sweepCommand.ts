// `seqlab train <config>` of a config with a sweep, and `seqlab train <config> --compare [cells|attention]`:
// the runs one after another, each with its progress, then a summary table of every run's values and
// results, the best marked. A run that fails does not stop the rest; Ctrl-C stops the current run and skips
// the rest. `--no-sweep` trains the config alone. A comparison trains what the extension's Compare Cells /
// Compare Attention train (comparisonVariants.ts); runs that set values besides the cell record them with
// the comparison's id in meta.json, as the extension's do.

import { type ComparisonKind, comparisonVariants, variantRuns } from '../shared/comparisonVariants';
import type { ExperimentConfig } from '../shared/config';
import { formatDuration, formatLoss } from '../shared/format';
import { columnOf, formatCell, metricColumn } from '../shared/runsTable';
import type { TrainRequest } from '../shared/protocol';
import { formatSweepValue, newSweepId, shortSettingName, sweepRuns, type SweepRunInfo } from '../shared/sweep';
import { sweepPointsOf } from '../shared/sweepSettings';
import { readRunResults, type RunResults } from '../runs/runResults';
import { readRun } from '../runs/runReader';
import { TrainError } from '../trainer/errors';
import { train } from '../trainer/training';
import { EXIT } from './exitCodes';
import { ProgressView } from './progressView';

export type SweepRunOutcome =
  | { kind: 'finished' | 'cancelled'; run: SweepRunInfo; runId?: string; results: RunResults }
  | { kind: 'failed'; run: SweepRunInfo; message: string }
  /** Not started: the sweep was stopped before its turn. */
  | { kind: 'skipped'; run: SweepRunInfo };

export interface SweepCommandOptions {
  /** What every run of the sweep is asked for besides its point (runs folder, backend, step limit, …). */
  request: Omit<TrainRequest, 'configPath' | 'sweep'>;
  json: boolean;
  shouldStop: () => boolean;
}

/** One run of a series: what the summary shows of it, and what the trainer is asked for besides the options' request. */
interface SeriesRun {
  run: SweepRunInfo;
  ask: Pick<TrainRequest, 'cell' | 'sweep'>;
}

/** Trains every run of the sweep of `config`; prints the summary; returns the exit code. */
export async function trainSweep(configPath: string, config: ExperimentConfig, o: SweepCommandOptions): Promise<number> {
  const runs = sweepRuns(newSweepId(), sweepPointsOf(config));
  const sweep = config.sweep!;
  process.stderr.write(`Sweep ${runs[0]?.id}: ${runs.length} runs of ${config.name} (${sweep.method} over ${Object.keys(sweep.parameters).join(' × ')})\n`);
  return trainSeries(configPath, runs.map((run) => ({ run, ask: { sweep: run } })), 'sweep', o);
}

/**
 * Trains the runs Compare Cells (`cells`) or Compare Attention (`attention`) trains from `config`, recorded as
 * one comparison; prints the summary; returns the exit code (usage, with the reason, when the config cannot
 * be compared so).
 */
export async function trainComparison(configPath: string, config: ExperimentConfig, kind: ComparisonKind, o: SweepCommandOptions): Promise<number> {
  const plan = comparisonVariants(config, kind);
  if (plan.kind === 'refused') {
    process.stderr.write(`${plan.message}\n`);
    return EXIT.usage;
  }
  const id = newSweepId();
  const recorded = variantRuns(id, plan.variants);
  const count = plan.variants.length;
  process.stderr.write(`Comparison ${id}: ${count} runs of ${config.name} (${plan.title})\n`);
  const runs = plan.variants.map((v, index): SeriesRun => {
    const values = { ...(v.cell && { 'model.cell': v.cell }), ...v.values };
    const label = [v.cell, v.label].filter(Boolean).join(' · ');
    return { run: { id, index, count, values, label }, ask: { ...(v.cell && { cell: v.cell }), ...(recorded[index] && { sweep: recorded[index] }) } };
  });
  return trainSeries(configPath, runs, 'comparison', o);
}

async function trainSeries(configPath: string, runs: readonly SeriesRun[], type: 'sweep' | 'comparison', o: SweepCommandOptions): Promise<number> {
  const outcomes: SweepRunOutcome[] = [];
  for (const { run, ask } of runs) {
    if (o.shouldStop()) {
      outcomes.push({ kind: 'skipped', run });
      continue;
    }
    process.stderr.write(`\n[${run.index + 1}/${run.count}] ${run.label}\n`);
    const view = new ProgressView(o.json || !process.stderr.isTTY);
    try {
      const outcome = await train({ ...o.request, configPath, ...ask }, view.sink(o.json), o.shouldStop);
      view.stop();
      const summary = outcome.runDir === undefined ? undefined : await readRun(outcome.runDir);
      const results = summary ? await readRunResults(summary) : { seconds: 0, finalScores: {} };
      outcomes.push({ kind: outcome.kind, run, runId: outcome.runId, results });
    } catch (e) {
      view.stop();
      if (!(e instanceof TrainError)) throw e;
      process.stderr.write(`${e.message}\n`);
      outcomes.push({ kind: 'failed', run, message: e.message.split('\n')[0] });
    }
  }
  if (o.json) process.stdout.write(JSON.stringify({ type, id: runs[0]?.run.id, runs: outcomes }) + '\n');
  else process.stdout.write('\n' + sweepSummary(outcomes) + '\n');
  if (outcomes.some((x) => x.kind === 'skipped' || x.kind === 'cancelled')) return EXIT.cancelled;
  return outcomes.some((x) => x.kind === 'failed') ? EXIT.failed : EXIT.ok;
}

/** What the sweep's runs are ranked by: the best validation loss, else the final training loss (lower is better). */
function rankValue(x: SweepRunOutcome): number | undefined {
  if (x.kind !== 'finished' && x.kind !== 'cancelled') return undefined;
  return x.results.bestValidationLoss ?? x.results.finalTrainingLoss;
}

/** The summary table: one row per run (its values, status, results, run id), the best marked with *. */
export function sweepSummary(outcomes: readonly SweepRunOutcome[]): string {
  if (outcomes.length === 0) return 'The sweep has no runs.';
  const paths = [...new Set(outcomes.flatMap((x) => Object.keys(x.run.values)))];
  const scores = [...new Set(outcomes.flatMap((x) => ('results' in x ? Object.keys(x.results.finalScores) : [])))];
  const ranked = outcomes.filter((x) => rankValue(x) !== undefined).sort((a, b) => rankValue(a)! - rankValue(b)!);
  const best = ranked[0];
  const head = ['#', ...paths.map(shortSettingName), 'STATUS', 'BEST VAL', 'AT STEP', 'TRAIN LOSS', ...scores.map((s) => columnOf(metricColumn(s)).label.toUpperCase()), 'TIME', 'RUN'];
  const rows = outcomes.map((x) => {
    const r = 'results' in x ? x.results : undefined;
    return [
      `${x.run.index + 1}${x === best ? '*' : ''}`,
      ...paths.map((p) => (p in x.run.values ? formatSweepValue(x.run.values[p]) : '-')),
      x.kind === 'failed' ? `failed: ${x.message.slice(0, 60)}` : x.kind === 'skipped' ? 'not run' : x.kind,
      formatLoss(r?.bestValidationLoss),
      r?.bestValidationStep === undefined ? '-' : String(r.bestValidationStep),
      formatLoss(r?.finalTrainingLoss),
      // the runs table's labels and units (exact match 12.5%, BLEU 31.5), so both read alike
      ...scores.map((s) => (r?.finalScores[s] === undefined ? '-' : formatCell(metricColumn(s), r.finalScores[s]))),
      r ? formatDuration(r.seconds) : '-',
      ('runId' in x && x.runId) || '-',
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const lines = [head, ...rows].map((row) => row.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd());
  if (best && 'runId' in best && best.runId) {
    const by = best.results.bestValidationLoss !== undefined ? 'best validation loss' : 'final training loss';
    lines.push('', `Best (${by} ${formatLoss(rankValue(best))}): ${best.run.label} → ${best.runId}`);
  }
  return lines.join('\n');
}
