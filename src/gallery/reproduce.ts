// Trains the gallery headless and writes <out>/results.md and <out>/figures/*.svg.
//
// <out>/state.json records every run's id and status, so an interrupted reproduction resumes: a
// finished (or diverged) run is read back, not retrained; a run that was stopped continues from its
// last checkpoint (resumeRunId). Each run trains a resolved copy of its config in <out>/configs/
// (data paths made absolute, `--quick` edits applied), so the run folder snapshots what was trained.
// The state keeps the resolved config too: when a config in examples/gallery/ changes, its runs train
// again instead of reporting results of a config that no longer exists.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseJsonc } from 'jsonc-parser';
import { writeJsonAtomic } from '../runs/atomicFile';
import { readDiagnosticsIndex, readDiagnosticsSnapshot, readLatestCheckpoint, readMetrics, readRun } from '../runs/runReader';
import type { EvalRecord, SampleRecord, StepRecord } from '../shared/metrics';
import { loadDataset } from '../trainer/data';
import type { CsvDataset } from '../trainer/data/csv';
import { TrainError } from '../trainer/errors';
import { loadConfigFile, train, type TrainSink } from '../trainer/training';
import type { ConfigPatch, Experiment, ExperimentSummary, Figure, GalleryRun, RunResult } from './experiment';
import { renderHeatmap } from './heatmapFigure';
import { renderLineChart } from './lineChart';
import { renderResults } from './resultsTable';

export interface ReproduceOptions {
  outDir: string;
  /** Folder holding examples/gallery's configs. */
  galleryDir: string;
  /** Where the experiments' data files (Experiment.dataFile) are looked up. */
  dataDir: string;
  /** Where a data file that dataDir lacks is looked up next, in order (the CLI's default: data/ after ../shared/data). */
  moreDataDirs?: readonly string[];
  quick: boolean;
  experiments: readonly Experiment[];
  threads?: number;
  log?: (line: string) => void;
  shouldStop?: () => boolean;
  sink?: (exp: Experiment, run: GalleryRun) => TrainSink;
}

export type RunState = (
  | { status: 'running'; runId: string }
  | { status: 'finished'; runId: string }
  | { status: 'diverged'; runId: string; step: number; message: string }
) & {
  /** The resolved config the run trained, as written to <out>/configs/ (absent in older state files). */
  config?: string;
};

export interface ReproduceState {
  version: 1;
  mode: 'full' | 'quick';
  /** Keyed by `<experiment id>/<run key>`. */
  runs: Record<string, RunState>;
}

export type ExperimentOutcome =
  | { kind: 'done'; experiment: Experiment; summary: ExperimentSummary; runs: RunResult[] }
  | { kind: 'skipped'; experiment: Experiment; reason: string }
  | { kind: 'failed'; experiment: Experiment; reason: string }
  | { kind: 'stopped'; experiment: Experiment };

export const STATE_FILE = 'state.json';

export function readState(outDir: string, quick: boolean): ReproduceState {
  const file = path.join(outDir, STATE_FILE);
  const mode = quick ? 'quick' : 'full';
  if (!fs.existsSync(file)) return { version: 1, mode, runs: {} };
  const state = JSON.parse(fs.readFileSync(file, 'utf8')) as ReproduceState;
  if (state.mode !== mode) {
    throw new Error(`${file} holds a ${state.mode} reproduction; use another --out folder for a ${mode} one, or delete it to start over.`);
  }
  return state;
}

/** Sets `a.b.c` in a plain JSON object, creating objects on the way. */
export function applyPatch(config: Record<string, unknown>, patch: ConfigPatch): Record<string, unknown> {
  const out = structuredClone(config);
  for (const [key, value] of Object.entries(patch)) {
    const parts = key.split('.');
    let o = out as Record<string, unknown>;
    for (const p of parts.slice(0, -1)) o = (o[p] ??= {}) as Record<string, unknown>;
    o[parts.at(-1)!] = value;
  }
  return out;
}

/** The config a gallery run trains: one cell, the run's own edits, absolute data path, the quick edits when asked. */
/** The data folders, in the order a data file is looked for. */
const dataDirs = (opts: Pick<ReproduceOptions, 'dataDir' | 'moreDataDirs'>): string[] => [opts.dataDir, ...(opts.moreDataDirs ?? [])].map((d) => path.resolve(d));

/** The experiment's data file in the first data folder that holds it; undefined when none does. */
export function findDataFile(name: string, opts: Pick<ReproduceOptions, 'dataDir' | 'moreDataDirs'>): string | undefined {
  return dataDirs(opts).map((d) => path.join(d, name)).find((f) => fs.existsSync(f));
}

export function resolveConfig(exp: Experiment, run: GalleryRun, opts: Pick<ReproduceOptions, 'galleryDir' | 'dataDir' | 'moreDataDirs' | 'quick'>): Record<string, unknown> {
  const file = path.join(opts.galleryDir, run.config);
  const raw = parseJsonc(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  let config = applyPatch(raw, { ...run.patch, ...(opts.quick && exp.quick), ...(run.cell && { 'model.cell': run.cell }) });
  delete config.compare;
  delete config.$schema;
  const data = config.data as { path?: string };
  if (data.path !== undefined) {
    const dataFile = exp.dataFile && (findDataFile(exp.dataFile.name, opts) ?? path.resolve(opts.dataDir, exp.dataFile.name));
    config = applyPatch(config, { 'data.path': dataFile ?? path.resolve(opts.galleryDir, data.path) });
  }
  return config;
}

export async function reproduce(opts: ReproduceOptions): Promise<ExperimentOutcome[]> {
  const log = opts.log ?? (() => {});
  fs.mkdirSync(path.join(opts.outDir, 'configs'), { recursive: true });
  fs.mkdirSync(path.join(opts.outDir, 'figures'), { recursive: true });
  const runsDir = path.join(opts.outDir, 'runs');
  const state = readState(opts.outDir, opts.quick);
  const save = () => writeJsonAtomic(path.join(opts.outDir, STATE_FILE), state);
  save();

  const outcomes: ExperimentOutcome[] = [];
  for (const exp of opts.experiments) {
    if (opts.shouldStop?.()) {
      outcomes.push({ kind: 'stopped', experiment: exp });
      continue;
    }
    if (exp.dataFile && !findDataFile(exp.dataFile.name, opts)) {
      const reason = `${exp.dataFile.name} is not in ${dataDirs(opts).join(' or ')}. Get it from ${exp.dataFile.source} and pass --data-dir <folder>.`;
      log(`${exp.id}: skipped. ${reason}`);
      outcomes.push({ kind: 'skipped', experiment: exp, reason });
      continue;
    }
    const results: RunResult[] = [];
    let stopped = false, failure: string | undefined;
    for (const run of exp.runs) {
      const key = `${exp.id}/${run.key}`;
      const configFile = path.join(opts.outDir, 'configs', `${exp.id}-${run.key}.seqlab.json`);
      const configText = JSON.stringify(resolveConfig(exp, run, opts), null, 2) + '\n';
      fs.writeFileSync(configFile, configText);
      let st: RunState | undefined = state.runs[key];
      if (st !== undefined && st.config !== configText) {
        log(`${key}: ${run.config} changed since run ${st.runId}; training again.`);
        st = undefined;
      }
      if (st?.status === 'running' && !(await readLatestCheckpoint(path.join(runsDir, st.runId)))) {
        log(`${key}: run ${st.runId} left no checkpoint; starting it again.`);
        st = undefined;
      }
      if (st === undefined || st.status === 'running') {
        log(`${key}: ${st ? `resuming ${st.runId}` : 'training'}…`);
        try {
          const outcome = await train(
            { configPath: configFile, runsDir, ...(st && { resumeRunId: st.runId }), ...(opts.threads && { threads: opts.threads }) },
            {
              ...opts.sink?.(exp, run),
              started: (info, dir) => {
                state.runs[key] = { status: 'running', runId: info.id, config: configText };
                save();
                opts.sink?.(exp, run).started?.(info, dir);
              },
            },
            opts.shouldStop,
          );
          if (outcome.kind === 'cancelled') {
            stopped = true;
            log(`${key}: stopped at step ${outcome.step}; run again to resume.`);
            break;
          }
          state.runs[key] = { status: 'finished', runId: outcome.runId, config: configText };
          log(`${key}: finished ${outcome.step} steps in ${outcome.seconds.toFixed(0)} s.`);
        } catch (e) {
          const current = state.runs[key];
          if (e instanceof TrainError && e.kind === 'diverged' && current) {
            state.runs[key] = { status: 'diverged', runId: current.runId, step: e.step ?? 0, message: e.message, config: configText };
            log(`${key}: diverged at step ${e.step}.`);
          } else {
            failure = `${key}: ${e instanceof Error ? e.message : String(e)}`;
            log(failure);
            break;
          }
        }
        save();
      } else {
        log(`${key}: already ${st.status} (${st.runId}).`);
      }
      const done = state.runs[key];
      if (done && done.status !== 'running') results.push(await readResult(run, done, runsDir, configFile));
    }
    if (stopped) {
      outcomes.push({ kind: 'stopped', experiment: exp });
      continue;
    }
    if (failure) {
      outcomes.push({ kind: 'failed', experiment: exp, reason: failure });
      continue;
    }
    const summary = exp.summarize(Object.fromEntries(results.map((r) => [r.key, r])), { quick: opts.quick });
    for (const fig of summary.figures) fs.writeFileSync(path.join(opts.outDir, 'figures', fig.file), renderFigure(fig));
    outcomes.push({ kind: 'done', experiment: exp, summary, runs: results });
  }
  fs.writeFileSync(path.join(opts.outDir, 'results.md'), renderResults(outcomes, { quick: opts.quick, date: new Date(), host: hostLine(), dataDir: dataDirs(opts).join(', then ') }));
  return outcomes;
}

export const renderFigure = (fig: Figure): string => ('chart' in fig ? renderLineChart(fig.chart) : renderHeatmap(fig.heatmap));

function hostLine(): string {
  const cpus = os.cpus();
  return `${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${os.availableParallelism()} cores, ${os.platform()} ${os.arch()}, Node ${process.versions.node}`;
}

/** A finished or diverged run read back from its folder. */
export async function readResult(run: GalleryRun, st: Exclude<RunState, { status: 'running' }>, runsDir: string, configFile: string): Promise<RunResult> {
  const { config } = loadConfigFile(configFile);
  const dir = path.join(runsDir, st.runId);
  const summary = await readRun(dir);
  if (!summary) throw new Error(`${dir}: run folder is missing or unreadable; delete its entry in ${STATE_FILE} to train it again.`);
  const metrics = await readMetrics(dir);
  const index = await readDiagnosticsIndex(dir);
  const result: RunResult = {
    key: run.key,
    runId: st.runId,
    info: summary.meta.info,
    outcome: st.status === 'diverged' ? { kind: 'diverged', step: st.step, message: st.message } : { kind: 'finished' },
    batchSize: config.training.batchSize,
    seconds: summary.meta.seconds,
    steps: metrics.filter((m): m is StepRecord => m.kind === 'step'),
    evals: metrics.filter((m): m is EvalRecord => m.kind === 'eval'),
    samples: metrics.filter((m): m is SampleRecord => m.kind === 'sample'),
  };
  if (index.length > 0) {
    result.firstSnapshot = await readDiagnosticsSnapshot(dir, index[0]);
    result.lastSnapshot = await readDiagnosticsSnapshot(dir, index[index.length - 1]);
  }
  if (config.data.kind === 'csv') {
    const ds = loadDataset(config.data, { configDir: path.dirname(configFile), validationSplit: config.validationSplit, sequenceLength: config.training.sequenceLength }) as CsvDataset;
    result.persistenceRmse = ds.persistence.rmse[0];
  }
  return result;
}
