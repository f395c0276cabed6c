// What a run folder holds, file by file, read whether or not its meta.json is usable: what `seqlab show`
// prints of a damaged run, and the facts resumability.ts and repairPlan.ts decide from. Reads leniently
// (a damaged metrics.jsonl gives its good lines and the numbers of its bad ones) and never writes.

import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { ExperimentConfig } from '../shared/config';
import { parseConfig } from '../shared/configValidation';
import type { DiagnosticsIndexEntry, EvalRecord, MetricRecord, StepRecord } from '../shared/metrics';
import { readJsonLinesLeniently } from './jsonLines';
import { checkpointBase, RUN_FILES, type Checkpoint, type SavedWeights } from './runFiles';
import { type CheckpointFile, checkFinalWeights, inspectRunFolder, listCheckpointFiles, readConfigSnapshot, type RunSummary } from './runReader';
import { type Resumability, resumability } from './resumability';

export interface MetricsSummary {
  records: number;
  /** Line numbers that are not JSON: a torn last line (a killed writer), or damage when good lines follow. */
  badLines: number[];
  /** Step records, and the last of them. */
  steps: number;
  lastStep?: { step: number; loss: number };
  evaluations: number;
  /** The lowest finite validation loss. */
  bestEvaluation?: { step: number; loss: number };
  samples: number;
  /** The largest `time` of any record: seconds of training over all sessions of the run. */
  seconds?: number;
}

/** The config snapshot (config.seqlab.json): the config with its defaults, missing, or why it is unusable. */
export type SnapshotState = { kind: 'ok'; config: ExperimentConfig } | { kind: 'missing' } | { kind: 'invalid'; problem: string };

export interface RunContents {
  dir: string;
  snapshot: SnapshotState;
  /** metrics.jsonl summarised, or why it cannot be read at all. */
  metrics: MetricsSummary | { problem: string };
  checkpoints: CheckpointFile[];
  /** The final weights (weights.json/.bin): whole, damaged, or undefined when the run wrote none. */
  weights: { step: number } | { problem: string } | undefined;
  /** What the newest whole weights (final, else a checkpoint) say about the network: the config it trained and its size. */
  saved?: { config: ExperimentConfig; paramCount: number; step: number; file: string };
  /** Diagnostics snapshots indexed in diagnostics.jsonl. */
  diagnostics: number;
}

export async function readRunContents(dir: string): Promise<RunContents> {
  const [snapshot, metrics, checkpoints, weights, diagnostics] = await Promise.all([
    snapshotState(dir),
    summariseMetrics(dir),
    listCheckpointFiles(dir),
    checkFinalWeights(dir),
    readJsonLinesLeniently<DiagnosticsIndexEntry>(path.join(dir, RUN_FILES.diagnosticsIndex)).then((d) => d.records.length, () => 0),
  ]);
  const saved = await savedNetwork(dir, weights, checkpoints);
  return {
    dir,
    snapshot,
    metrics,
    checkpoints,
    weights: weights === undefined ? undefined : 'problem' in weights ? { problem: weights.problem } : { step: weights.meta.step },
    ...(saved && { saved }),
    diagnostics,
  };
}

async function snapshotState(dir: string): Promise<SnapshotState> {
  let text: string | undefined;
  try {
    text = await readConfigSnapshot(dir);
  } catch (e) {
    return { kind: 'invalid', problem: `cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})` };
  }
  if (text === undefined) return { kind: 'missing' };
  const { config, problems } = parseConfig(text, RUN_FILES.config);
  if (config) return { kind: 'ok', config };
  const first = problems.find((p) => p.severity === 'error');
  return { kind: 'invalid', problem: first ? `line ${first.line}: ${first.message}` : 'not a config' };
}

async function summariseMetrics(dir: string): Promise<MetricsSummary | { problem: string }> {
  let read: { records: MetricRecord[]; badLines: number[] };
  try {
    read = await readJsonLinesLeniently<MetricRecord>(path.join(dir, RUN_FILES.metrics));
  } catch (e) {
    return { problem: `cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})` };
  }
  const { records, badLines } = read;
  const steps = records.filter((r): r is StepRecord => r?.kind === 'step' && typeof r.step === 'number');
  const evals = records.filter((r): r is EvalRecord => r?.kind === 'eval' && typeof r.step === 'number');
  const best = evals.filter((e) => Number.isFinite(e.loss)).reduce<EvalRecord | undefined>((b, e) => (b === undefined || e.loss < b.loss ? e : b), undefined);
  const seconds = [...steps, ...evals].reduce<number | undefined>((m, r) => (Number.isFinite(r.time) && (m === undefined || r.time > m) ? r.time : m), undefined);
  const last = steps.reduce<StepRecord | undefined>((b, s) => (b === undefined || s.step >= b.step ? s : b), undefined);
  return {
    records: records.length,
    badLines,
    steps: steps.length,
    ...(last && { lastStep: { step: last.step, loss: last.loss } }),
    evaluations: evals.length,
    ...(best && { bestEvaluation: { step: best.step, loss: best.loss } }),
    samples: records.filter((r) => r?.kind === 'sample').length,
    ...(seconds !== undefined && { seconds }),
  };
}

/** The config and size of the newest whole weights: the final ones, else the newest whole checkpoint (resume, then best). */
async function savedNetwork(dir: string, weights: Awaited<ReturnType<typeof checkFinalWeights>>, checkpoints: readonly CheckpointFile[]): Promise<RunContents['saved']> {
  const fromMeta = (m: SavedWeights, file: string) => (m.config && typeof m.paramCount === 'number' ? { config: m.config, paramCount: m.paramCount, step: m.step, file } : undefined);
  if (weights && 'meta' in weights) {
    const found = fromMeta(weights.meta, RUN_FILES.weightsJson);
    if (found) return found;
  }
  const whole = checkpoints.filter((c) => c.problem === undefined).sort((a, b) => b.step - a.step || (a.kind === 'ckpt' ? -1 : 1));
  for (const c of whole) {
    const file = checkpointBase(dir, c.kind, c.step) + '.json';
    try {
      const found = fromMeta(JSON.parse(await fsp.readFile(file, 'utf8')) as Checkpoint, path.relative(dir, file));
      if (found) return found;
    } catch {
      // changed since it was listed: the next one may do
    }
  }
  return undefined;
}

/** The whole `ckpt` checkpoints, newest first: what a resume can start from. */
export const resumableSteps = (checkpoints: readonly CheckpointFile[]): number[] =>
  checkpoints.filter((c) => c.kind === 'ckpt' && c.problem === undefined).map((c) => c.step).sort((a, b) => b - a);

/** Whether the run in `dir` can be resumed, from its status, its checkpoint files and its config's checkpoint cadence. */
export async function readResumability(dir: string): Promise<Resumability> {
  const [folder, checkpoints, snapshot] = await Promise.all([inspectRunFolder(dir), listCheckpointFiles(dir), snapshotState(dir)]);
  const status = folder.kind === 'run' ? folder.run.status : { kind: 'damaged' as const, problem: folder.kind === 'damaged' ? folder.problem : 'the folder holds no run' };
  return resumability({ status, checkpoints, ...(snapshot.kind === 'ok' && { checkpointEvery: snapshot.config.training.checkpointEvery }) });
}

/** Why a run has no weights to use (export, sample): what is missing, why, and what the user can do. */
export async function explainNoWeights(run: RunSummary): Promise<string> {
  const [weights, checkpoints, r] = await Promise.all([checkFinalWeights(run.dir), listCheckpointFiles(run.dir), readResumability(run.dir)]);
  const ckpts = checkpoints.filter((c) => c.kind === 'ckpt');
  const final = weights === undefined ? 'no final weights (a run writes them when it finishes)' : `unusable final weights (${'problem' in weights ? weights.problem : 'unreadable'})`;
  const saved = ckpts.length === 0
    ? `no checkpoint in ${path.join(run.dir, RUN_FILES.checkpoints)}`
    : `no whole checkpoint (${ckpts.map((c) => `checkpoint ${c.step}: ${c.problem ?? 'removed while it was read'}`).join('; ')})`;
  const missing = `Run ${run.id} has no weights: ${final} and ${saved}.`;
  if (run.status.kind === 'running') return `${missing} It is running at step ${run.status.step}; its first checkpoint comes at training.checkpointEvery steps or when it ends.`;
  if (r.kind === 'notResumable' && r.reason !== 'finished') return `${missing} Why: ${r.why}. ${r.whatToDo}`;
  return `${missing} Its status is ${run.status.kind}, so its weights were removed or damaged after it ended; train it again to get them back.`;
}
