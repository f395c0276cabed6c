// Rebuilding an unusable meta.json from what the rest of the run folder holds: a pure plan of each field
// and what it is rebuilt from (the inventory of runContents.ts, what the damaged meta.json still says, the
// config the run started from when it was found). runRepair.ts carries the plan out through the one
// meta.json writer; nothing is deleted, the damaged meta.json is kept beside the new one.

import * as path from 'node:path';
import type { CellKind, ExperimentConfig } from '../shared/config';
import { CELL_KINDS } from '../shared/config';
import { formatLoss } from '../shared/format';
import type { RunInfo } from '../shared/metrics';
import { gateNames } from '../shared/modelSpec';
import type { RunStatus } from '../shared/protocol';
import { type RunContents, resumableSteps } from './runContents';
import { META_VERSION, RUN_FILES, type RunMeta } from './runFiles';
import { type Resumability, resumability } from './resumability';

export interface RepairInput {
  id: string;
  dir: string;
  /** What is wrong with meta.json (runReader's inspectRunFolder). */
  problem: string;
  /** meta.json's text when the file exists (empty or garbage): it is kept, and the fields it still holds are reused. */
  metaText?: string;
  contents: RunContents;
  /** The config file the run started from, when it was found, and how (`--config`, `a config file with the same content`). */
  startedFrom?: { path: string; how: string; detail?: string };
  now: Date;
}

export interface RebuiltField {
  field: string;
  /** A file of the run folder, or where else the value came from (the run id, --config, …). */
  from: string;
  detail?: string;
}

export type RepairPlan =
  | { kind: 'impossible'; id: string; dir: string; problem: string; why: string }
  | {
      kind: 'rebuild';
      id: string;
      dir: string;
      problem: string;
      meta: RunMeta;
      rebuilt: RebuiltField[];
      /** What no file records; placeholders stand in. */
      unknown: string[];
      /** The name the damaged meta.json is kept under, when there is one. */
      damagedCopy?: string;
      /** A missing config snapshot, written again from the config a checkpoint carries. */
      restoreSnapshot?: { text: string; from: string };
      /** Whether the repaired run can be resumed. */
      resumability: Resumability;
    };

/** What an unknown text field of a rebuilt meta.json holds. */
export const NOT_RECORDED = 'not recorded';

export function planRepair(input: RepairInput): RepairPlan {
  const { id, dir, problem, contents, now } = input;
  const source = configSource(contents);
  if (!source) {
    const snapshot = contents.snapshot.kind === 'invalid' ? `its ${RUN_FILES.config} is unusable (${contents.snapshot.problem})` : `it has no ${RUN_FILES.config}`;
    return { kind: 'impossible', id, dir, problem, why: `${snapshot}, and no whole checkpoint or final weights carry the config, so nothing records what this run trained` };
  }
  const rebuilt: RebuiltField[] = [];
  const unknown: string[] = [];
  const salvaged = salvage(input.metaText);

  const progress = progressOf(contents);
  const { config } = source;
  const cell = cellOf(contents, id, config);
  rebuilt.push({ field: `name, seed, task and config`, from: source.from }, { field: `cell (${cell.toUpperCase()}) and gate names`, from: contents.saved ? contents.saved.file : source.from });
  const info = rebuildInfo(input, config, cell, progress.status, salvaged.info, rebuilt, unknown);

  rebuilt.push({ field: `status: ${progress.status.kind} at step ${progress.status.step}`, ...progress.from });
  const createdAt = salvaged.createdAt ?? createdAtOfId(id);
  rebuilt.push({ field: 'createdAt', from: salvaged.createdAt ? `the damaged ${RUN_FILES.meta}` : createdAt ? 'the run id' : 'the time of the repair' });
  const metrics = 'problem' in contents.metrics ? undefined : contents.metrics;
  if (metrics?.seconds !== undefined) rebuilt.push({ field: 'training time and last loss', from: RUN_FILES.metrics });
  if (metrics?.bestEvaluation) rebuilt.push({ field: `best validation loss (${formatLoss(metrics.bestEvaluation.loss)} at step ${metrics.bestEvaluation.step})`, from: RUN_FILES.metrics, detail: 'its evaluations' });
  if (!salvaged.host) unknown.push('host');
  if (!salvaged.seqlabVersion) unknown.push('SeqLab version');

  const damagedCopy = input.metaText !== undefined ? `${RUN_FILES.meta}.damaged-${stamp(now)}` : undefined;
  const seconds = metrics?.seconds ?? 0;
  const meta: RunMeta = {
    version: META_VERSION,
    info,
    status: progress.status,
    createdAt: createdAt ?? now.toISOString(),
    updatedAt: now.toISOString(),
    host: salvaged.host ?? { hostname: 'unknown', platform: 'unknown', arch: 'unknown', cpus: 0, node: 'unknown' },
    seqlabVersion: salvaged.seqlabVersion ?? 'unknown',
    seconds,
    ...(progress.status.kind === 'finished' && seconds > 0 && { stepsPerSecond: progress.status.step / seconds }),
    ...(metrics?.lastStep && { lastLoss: metrics.lastStep.loss }),
    ...(metrics?.bestEvaluation && { bestValidationLoss: metrics.bestEvaluation.loss, bestValidationStep: metrics.bestEvaluation.step }),
    ...(salvaged.dataFile && { dataFile: salvaged.dataFile }),
    repaired: { at: now.toISOString(), ...(damagedCopy && { damagedCopy }), rebuiltFrom: [...new Set(rebuilt.map((r) => r.from))], unknown },
  };
  const restoreSnapshot = contents.snapshot.kind === 'missing' && contents.saved
    ? { text: JSON.stringify(contents.saved.config, null, 2) + '\n', from: contents.saved.file }
    : undefined;
  if (restoreSnapshot) rebuilt.push({ field: RUN_FILES.config, from: restoreSnapshot.from });
  const checkpointEvery = config.training.checkpointEvery;
  return {
    kind: 'rebuild', id, dir, problem, meta, rebuilt, unknown,
    ...(damagedCopy && { damagedCopy }),
    ...(restoreSnapshot && { restoreSnapshot }),
    resumability: resumability({ status: progress.status, checkpoints: contents.checkpoints, checkpointEvery }),
  };
}

/** The config the run trained: its snapshot, else the one its newest whole weights carry. */
function configSource(contents: RunContents): { config: ExperimentConfig; from: string } | undefined {
  if (contents.snapshot.kind === 'ok') return { config: contents.snapshot.config, from: RUN_FILES.config };
  return contents.saved && { config: contents.saved.config, from: contents.saved.file };
}

/** Where the run got to: finished when its final weights are whole and no record goes past them; interrupted otherwise. */
function progressOf(contents: RunContents): { status: RunStatus; from: { from: string; detail: string } } {
  const metricsStep = 'problem' in contents.metrics ? 0 : contents.metrics.lastStep?.step ?? 0;
  const checkpointStep = Math.max(0, ...contents.checkpoints.map((c) => c.step));
  const weights = contents.weights && 'step' in contents.weights ? contents.weights.step : undefined;
  if (weights !== undefined && weights >= metricsStep && weights >= checkpointStep) {
    return { status: { kind: 'finished', step: weights }, from: { from: RUN_FILES.weightsJson, detail: `final weights of step ${weights}` } };
  }
  const step = Math.max(metricsStep, checkpointStep, resumableSteps(contents.checkpoints)[0] ?? 0);
  return { status: { kind: 'interrupted', step }, from: metricsStep >= checkpointStep ? { from: RUN_FILES.metrics, detail: 'its last step' } : { from: `${RUN_FILES.checkpoints}/`, detail: 'the newest checkpoint' } };
}

/** The cell the run trained: the one its weights record (a cell override is only there), else its id's, else the config's. */
function cellOf(contents: RunContents, id: string, config: ExperimentConfig): CellKind {
  if (contents.saved) return contents.saved.config.model.cell;
  const inId = CELL_KINDS.find((c) => new RegExp(`-${c}-[0-9a-f]{4}$`).test(id));
  return inId ?? config.model.cell;
}

/** The run's info: from the config and the weights, what the damaged meta.json still holds, placeholders for the rest. */
function rebuildInfo(input: RepairInput, config: ExperimentConfig, cell: CellKind, status: RunStatus, old: Partial<RunInfo>, rebuilt: RebuiltField[], unknown: string[]): RunInfo {
  const { contents, id, dir } = input;
  const fromOld = `the damaged ${RUN_FILES.meta}`;
  const startedFrom = input.startedFrom ?? (old.configPath !== undefined ? { path: old.configPath, how: fromOld } : undefined);
  if (startedFrom) rebuilt.push({ field: `configPath (${startedFrom.path})`, from: startedFrom.how, ...(startedFrom.detail && { detail: startedFrom.detail }) });
  else unknown.push('the config file it started from (the snapshot in the run folder stands in; relative data paths would resolve against the run folder)');
  const paramCount = contents.saved?.paramCount ?? old.paramCount;
  if (paramCount !== undefined) rebuilt.push({ field: `parameter count (${paramCount.toLocaleString('en')})`, from: contents.saved?.file ?? fromOld });
  else unknown.push('parameter count');
  const totalSteps = stepLimit(config, status, old.totalSteps, rebuilt, unknown);
  const kept = (keys: readonly (keyof RunInfo)[]) => keys.filter((k) => old[k] !== undefined);
  const known = kept(['backend', 'device', 'backendReason', 'dataSummary', 'baseline']);
  if (known.length > 0) rebuilt.push({ field: known.join(', '), from: fromOld });
  if (old.backend === undefined || old.device === undefined) unknown.push('backend and device');
  if (old.dataSummary === undefined) unknown.push('data summary');
  if (old.baseline === undefined) unknown.push("the task's baseline");
  const data = config.data as { kind: string; path?: string; task?: string };
  return {
    id,
    name: config.name,
    configPath: startedFrom?.path ?? path.join(dir, RUN_FILES.config),
    cell,
    backend: old.backend ?? 'unknown',
    device: old.device ?? NOT_RECORDED,
    ...(old.backendReason !== undefined && { backendReason: old.backendReason }),
    seed: config.training.seed,
    paramCount: paramCount ?? 0,
    totalSteps,
    dataSummary: old.dataSummary ?? `${data.task ?? data.kind} data${data.path ? ` from ${data.path}` : ''} (summary ${NOT_RECORDED})`,
    task: data.task ?? data.kind,
    gateNames: gateNames(cell),
    ...(old.baseline !== undefined && { baseline: old.baseline }),
  };
}

/** The run's step limit: its final step, the old record, training.maxSteps, or (unknown) the step it reached. */
function stepLimit(config: ExperimentConfig, status: RunStatus, old: number | undefined, rebuilt: RebuiltField[], unknown: string[]): number {
  const reached = status.step ?? 0;
  if (status.kind === 'finished') return reached;
  if (old !== undefined && old >= reached) {
    rebuilt.push({ field: `step limit (${old})`, from: `the damaged ${RUN_FILES.meta}` });
    return old;
  }
  if (config.training.maxSteps > 0) {
    const limit = Math.max(reached, config.training.maxSteps);
    rebuilt.push({ field: `step limit (${limit})`, from: 'training.maxSteps', detail: 'an upper bound: the epochs may end the run sooner' });
    return limit;
  }
  unknown.push('the step limit (the step it reached stands in until a resume sets it)');
  return reached;
}

interface Salvaged {
  info: Partial<RunInfo>;
  createdAt?: string;
  host?: RunMeta['host'];
  seqlabVersion?: string;
  dataFile?: RunMeta['dataFile'];
}

/** What a damaged meta.json that still parses holds of the fields nothing else records, each with the type it must have. */
function salvage(text: string | undefined): Salvaged {
  let value: unknown;
  try {
    value = JSON.parse(text ?? '');
  } catch {
    return { info: {} };
  }
  if (!isObject(value)) return { info: {} };
  const info: Record<string, unknown> = {};
  const old = isObject(value.info) ? value.info : {};
  for (const key of ['configPath', 'backend', 'device', 'backendReason', 'dataSummary'] as const) if (typeof old[key] === 'string') info[key] = old[key];
  for (const key of ['paramCount', 'totalSteps'] as const) if (typeof old[key] === 'number' && Number.isFinite(old[key])) info[key] = old[key];
  if (isObject(old.baseline) && typeof old.baseline.value === 'number') info.baseline = old.baseline;
  const host = isObject(value.host) && typeof value.host.hostname === 'string' ? (value.host as unknown as RunMeta['host']) : undefined;
  const dataFile = isObject(value.dataFile) && typeof value.dataFile.sha256 === 'string' ? (value.dataFile as unknown as RunMeta['dataFile']) : undefined;
  return {
    info: info as Partial<RunInfo>,
    ...(typeof value.createdAt === 'string' && !Number.isNaN(Date.parse(value.createdAt)) && { createdAt: value.createdAt }),
    ...(host && { host }),
    ...(typeof value.seqlabVersion === 'string' && { seqlabVersion: value.seqlabVersion }),
    ...(dataFile && { dataFile }),
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The start time a run id begins with (`yyyymmdd-hhmmss`, UTC: runWriter's newRunId). */
function createdAtOfId(id: string): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})-/.exec(id);
  if (!m) return undefined;
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.000Z`;
  return Number.isNaN(Date.parse(iso)) ? undefined : iso;
}

/** `yyyymmdd-hhmmss` in UTC, as run ids write time. */
function stamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}
