// Reads run folders (the layout of runFiles.ts) for the CLI, the trainer (resume), the gallery and the
// extension host. Asynchronous throughout, fs.promises and streams, as the extension host serves the whole
// window from one event loop. Tolerates what a killed trainer leaves behind: a torn last line in a JSONL
// file, an index line whose arrays are not fully on disk, a checkpoint whose floats are cut short (the one
// before it is read), a `running` status whose process is gone (reported as interrupted).

import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { DiagnosticsIndexEntry, DiagnosticsSnapshot, MetricRecord } from '../shared/metrics';
import type { RunStatus } from '../shared/protocol';
import type { ModelSpec } from '../shared/modelSpec';
import { isSeq2seqSpec } from '../shared/seq2seqSpec';
import { readJsonLines } from './jsonLines';
import { type Checkpoint, type CheckpointKind, checkpointBase, checkpointSteps, RUN_FILES, type RunMeta, type SavedWeights } from './runFiles';

export interface RunSummary {
  id: string;
  dir: string;
  meta: RunMeta;
  /** meta.status, with `running` turned into `interrupted` when its process no longer exists. */
  status: RunStatus;
}

/**
 * What a folder in the runs directory holds: a run; a damaged run, whose meta.json is missing or unusable
 * while other run files are there (its weights may still be on disk); or no run at all.
 */
export type RunFolder =
  | { kind: 'run'; run: RunSummary }
  | { kind: 'damaged'; id: string; dir: string; problem: string }
  | { kind: 'none'; dir: string };

/** A run or a damaged run: what the runs folder lists and a run reference can name. */
export type ListedRunFolder = Exclude<RunFolder, { kind: 'none' }>;

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function effectiveStatus(status: RunStatus, alive: (pid: number) => boolean = processAlive): RunStatus {
  if (status.kind === 'running' && !alive(status.pid)) return { kind: 'interrupted', step: status.step };
  return status;
}

const errorCode = (e: unknown): string | undefined => (e as NodeJS.ErrnoException).code;
const isMissing = (e: unknown): boolean => errorCode(e) === 'ENOENT' || errorCode(e) === 'ENOTDIR';

/** Files that mark a folder as a run's even when its meta.json is gone. */
const RUN_MARKS = [RUN_FILES.config, RUN_FILES.metrics, RUN_FILES.checkpoints, RUN_FILES.weightsJson];

/** meta.json with the fields every reader relies on, or what is wrong with it. */
function parseMeta(text: string): RunMeta | string {
  if (text.trim() === '') return 'meta.json is empty';
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return `meta.json is not valid JSON (${(e as Error).message.replace(/\s+/g, ' ')})`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'meta.json does not hold a JSON object';
  const meta = value as Partial<RunMeta>;
  const lacking = [
    ...(typeof meta.info !== 'object' || meta.info === null ? ['info'] : []),
    ...(typeof meta.status?.kind !== 'string' ? ['status'] : []),
    ...(typeof meta.createdAt !== 'string' ? ['createdAt'] : []),
  ];
  return lacking.length > 0 ? `meta.json has no ${lacking.join(', ')}` : (value as RunMeta);
}

async function exists(file: string): Promise<boolean> {
  try {
    await fsp.stat(file);
    return true;
  } catch {
    return false;
  }
}

export async function inspectRunFolder(dir: string, alive?: (pid: number) => boolean): Promise<RunFolder> {
  const id = path.basename(dir);
  let text: string;
  try {
    text = await fsp.readFile(path.join(dir, RUN_FILES.meta), 'utf8');
  } catch (e) {
    if (!isMissing(e)) return { kind: 'damaged', id, dir, problem: `meta.json cannot be read (${errorCode(e) ?? String(e)})` };
    const marked = await Promise.all(RUN_MARKS.map((f) => exists(path.join(dir, f))));
    return marked.some(Boolean) ? { kind: 'damaged', id, dir, problem: 'meta.json is missing' } : { kind: 'none', dir };
  }
  const meta = parseMeta(text);
  if (typeof meta === 'string') return { kind: 'damaged', id, dir, problem: meta };
  return { kind: 'run', run: { id, dir, meta, status: effectiveStatus(meta.status, alive) } };
}

/** The run in `dir`; undefined when there is none or it is damaged. */
export async function readRun(dir: string, alive?: (pid: number) => boolean): Promise<RunSummary | undefined> {
  const folder = await inspectRunFolder(dir, alive);
  return folder.kind === 'run' ? folder.run : undefined;
}

/** Runs and damaged runs under runsDir: runs newest first, then damaged ones by id, newest first. */
export async function listRunFolders(runsDir: string, alive?: (pid: number) => boolean): Promise<ListedRunFolder[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fsp.readdir(runsDir, { withFileTypes: true });
  } catch (e) {
    if (isMissing(e)) return [];
    throw e;
  }
  const folders = await Promise.all(entries.filter((d) => d.isDirectory()).map((d) => inspectRunFolder(path.join(runsDir, d.name), alive)));
  const runs = folders.flatMap((f) => (f.kind === 'run' ? [f] : [])).sort((a, b) => b.run.meta.createdAt.localeCompare(a.run.meta.createdAt));
  const damaged = folders.flatMap((f) => (f.kind === 'damaged' ? [f] : [])).sort((a, b) => b.id.localeCompare(a.id));
  return [...runs, ...damaged];
}

/** All runs under runsDir, newest first. */
export async function listRuns(runsDir: string, alive?: (pid: number) => boolean): Promise<RunSummary[]> {
  return (await listRunFolders(runsDir, alive)).flatMap((f) => (f.kind === 'run' ? [f.run] : []));
}

/** The config as it was when the run started (config.seqlab.json, JSONC as the user wrote it); undefined without one. */
export async function readConfigSnapshot(dir: string): Promise<string | undefined> {
  try {
    return await fsp.readFile(path.join(dir, RUN_FILES.config), 'utf8');
  } catch (e) {
    if (isMissing(e)) return undefined;
    throw e;
  }
}

export function readMetrics(dir: string): Promise<MetricRecord[]> {
  return readJsonLines<MetricRecord>(path.join(dir, RUN_FILES.metrics));
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await fsp.stat(file)).size;
  } catch (e) {
    if (isMissing(e)) return 0;
    throw e;
  }
}

/** Index entries whose arrays are fully present in diagnostics.bin. */
export async function readDiagnosticsIndex(dir: string): Promise<DiagnosticsIndexEntry[]> {
  const entries = await readJsonLines<DiagnosticsIndexEntry>(path.join(dir, RUN_FILES.diagnosticsIndex));
  if (entries.length === 0) return entries;
  const size = await sizeOf(path.join(dir, RUN_FILES.diagnosticsBin));
  return entries.filter((e) => Object.values(e.arrays).every((a) => a.offset + a.length * 4 <= size));
}

/** The arrays of one snapshot; with `only`, just the arrays it picks by name (a chart needs few of them). */
export async function readDiagnosticsSnapshot(dir: string, entry: DiagnosticsIndexEntry, only: (name: string) => boolean = () => true): Promise<DiagnosticsSnapshot> {
  const fh = await fsp.open(path.join(dir, RUN_FILES.diagnosticsBin), 'r');
  try {
    const arrays: DiagnosticsSnapshot['arrays'] = {};
    for (const [name, a] of Object.entries(entry.arrays)) {
      if (!only(name)) continue;
      const data = new Float32Array(a.length);
      await fh.read(new Uint8Array(data.buffer), 0, a.length * 4, a.offset);
      arrays[name] = { data, shape: a.shape };
    }
    const snap: DiagnosticsSnapshot = { step: entry.step, arrays };
    if (entry.weightNorms) snap.weightNorms = entry.weightNorms;
    if (entry.gradNorms) snap.gradNorms = entry.gradNorms;
    return snap;
  } finally {
    await fh.close();
  }
}

export interface LoadedCheckpoint {
  meta: Checkpoint;
  params: Float32Array;
  slots: Float32Array[];
}

export interface LoadedWeights {
  meta: SavedWeights;
  params: Float32Array;
}

/** Weights of a single-stream model, which is what sampling, the explorer and the tfjs export read. */
export type SequenceLoadedWeights = LoadedWeights & { meta: { spec: ModelSpec } };
export const isSequenceWeights = (w: LoadedWeights): w is SequenceLoadedWeights => !isSeq2seqSpec(w.meta.spec);

async function readFloats(file: string): Promise<Float32Array> {
  const buf = await fsp.readFile(file);
  const out = new Float32Array(Math.floor(buf.length / 4));
  new Uint8Array(out.buffer).set(buf.subarray(0, out.length * 4));
  return out;
}

async function readJson<T>(file: string): Promise<T> {
  return JSON.parse(await fsp.readFile(file, 'utf8')) as T;
}

async function checkpointStepsOf(dir: string, kind: CheckpointKind): Promise<number[]> {
  try {
    return checkpointSteps(await fsp.readdir(path.join(dir, RUN_FILES.checkpoints)), kind);
  } catch (e) {
    if (isMissing(e)) return [];
    throw e;
  }
}

/** Floats per parameter in a checkpoint's .bin: the parameters, then (`ckpt`) each optimizer slot. */
const FLOATS_PER_PARAM: Record<CheckpointKind, (meta: Checkpoint | SavedWeights) => number> = {
  ckpt: (m) => 1 + (m as Checkpoint).optimizer.slots,
  best: () => 1,
};

/** A checkpoint's JSON side, or why it cannot be used (its JSON unreadable, its floats missing or cut short). */
async function checkCheckpoint<M extends Checkpoint | SavedWeights>(dir: string, kind: CheckpointKind, step: number): Promise<{ meta: M; floats: number } | { problem: string }> {
  const base = checkpointBase(dir, kind, step);
  let meta: M;
  try {
    meta = await readJson<M>(base + '.json');
  } catch (e) {
    return { problem: isMissing(e) ? 'its .json is gone' : `its .json cannot be read (${e instanceof SyntaxError ? 'not valid JSON' : errorCode(e) ?? String(e)})` };
  }
  let floats: number;
  try {
    floats = meta.paramCount * FLOATS_PER_PARAM[kind](meta);
  } catch {
    floats = NaN;
  }
  if (!Number.isInteger(floats)) return { problem: 'its .json does not say how many floats it holds' };
  let bytes: number;
  try {
    bytes = (await fsp.stat(base + '.bin')).size;
  } catch (e) {
    return { problem: isMissing(e) ? 'its .bin is missing' : `its .bin cannot be read (${errorCode(e) ?? String(e)})` };
  }
  if (Math.floor(bytes / 4) !== floats) return { problem: `its .bin holds ${Math.floor(bytes / 4).toLocaleString('en')} of ${floats.toLocaleString('en')} floats` };
  return { meta, floats };
}

/** One checkpoint in checkpoints/: `ckpt-<step>` (to resume) or `best-<step>` (lowest validation loss). */
export interface CheckpointFile {
  kind: CheckpointKind;
  step: number;
  /** Why it cannot be used; absent when it is whole. */
  problem?: string;
}

/** Every checkpoint in the run folder, whole or not, by kind and then step. */
export async function listCheckpointFiles(dir: string): Promise<CheckpointFile[]> {
  const kinds: CheckpointKind[] = ['ckpt', 'best'];
  const files = await Promise.all(
    kinds.map(async (kind) =>
      Promise.all(
        (await checkpointStepsOf(dir, kind)).map(async (step): Promise<CheckpointFile> => {
          const c = await checkCheckpoint(dir, kind, step);
          return 'problem' in c ? { kind, step, problem: c.problem } : { kind, step };
        }),
      ),
    ),
  );
  return files.flat();
}

/** The newest `kind` checkpoint whose JSON parses and whose floats are complete. */
async function readNewest<M extends Checkpoint | SavedWeights>(dir: string, kind: CheckpointKind): Promise<{ meta: M; all: Float32Array } | undefined> {
  for (const step of (await checkpointStepsOf(dir, kind)).reverse()) {
    const c = await checkCheckpoint<M>(dir, kind, step);
    if ('problem' in c) continue;
    try {
      const all = await readFloats(checkpointBase(dir, kind, step) + '.bin');
      if (all.length === c.floats) return { meta: c.meta, all };
    } catch {
      // removed since it was checked (a running trainer keeps two): an older checkpoint may still be whole
    }
  }
  return undefined;
}

export async function readLatestCheckpoint(dir: string): Promise<LoadedCheckpoint | undefined> {
  const found = await readNewest<Checkpoint>(dir, 'ckpt');
  if (!found) return undefined;
  const { meta, all } = found;
  const n = meta.paramCount;
  const slots = Array.from({ length: meta.optimizer.slots }, (_, i) => all.slice(n * (i + 1), n * (i + 2)));
  return { meta, params: all.slice(0, n), slots };
}

/** Final weights, or the latest checkpoint's when the run did not finish (or its final weights are unreadable). */
export async function readWeights(dir: string): Promise<LoadedWeights | undefined> {
  try {
    const meta = await readJson<SavedWeights>(path.join(dir, RUN_FILES.weightsJson));
    const params = await readFloats(path.join(dir, RUN_FILES.weightsBin));
    if (params.length === meta.paramCount) return { meta, params };
  } catch {
    // not finished, or the final weights are damaged: the latest checkpoint stands in
  }
  const ckpt = await readLatestCheckpoint(dir);
  return ckpt && { meta: ckpt.meta, params: ckpt.params };
}

/** The final weights' JSON side, or why they cannot be used; undefined when the run wrote none (it did not finish). */
export async function checkFinalWeights(dir: string): Promise<{ meta: SavedWeights } | { problem: string } | undefined> {
  const [json, bin] = [path.join(dir, RUN_FILES.weightsJson), path.join(dir, RUN_FILES.weightsBin)];
  const [hasJson, hasBin] = await Promise.all([exists(json), exists(bin)]);
  if (!hasJson && !hasBin) return undefined;
  if (!hasJson) return { problem: `${RUN_FILES.weightsJson} is missing` };
  let meta: SavedWeights;
  try {
    meta = await readJson<SavedWeights>(json);
  } catch {
    return { problem: `${RUN_FILES.weightsJson} is not valid JSON` };
  }
  if (!hasBin) return { problem: `${RUN_FILES.weightsBin} is missing` };
  const floats = Math.floor(await sizeOf(bin) / 4);
  return floats === meta.paramCount ? { meta } : { problem: `${RUN_FILES.weightsBin} holds ${floats.toLocaleString('en')} of ${Number(meta.paramCount).toLocaleString('en')} floats` };
}

/** The weights of the lowest validation loss, when the run recorded any (it needs a validation split). */
export async function readBestWeights(dir: string): Promise<LoadedWeights | undefined> {
  const found = await readNewest<SavedWeights>(dir, 'best');
  return found && { meta: found.meta, params: found.all };
}
