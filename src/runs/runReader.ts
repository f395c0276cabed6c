// Reads run folders (the layout of runFiles.ts) for the CLI, the trainer (resume), the gallery and the
// extension host. Asynchronous throughout, fs.promises and streams, as the extension host serves the whole
// window from one event loop. Tolerates what a killed trainer leaves behind: a torn last line in a JSONL
// file, an index line whose arrays are not fully on disk, a checkpoint whose floats are cut short (the one
// before it is read), a `running` status whose process is gone (reported as interrupted).

import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { DiagnosticsIndexEntry, DiagnosticsSnapshot, MetricRecord } from '../shared/metrics';
import type { RunStatus } from '../shared/protocol';
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
    return `meta.json is not valid JSON (${(e as Error).message})`;
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
export async function listRunFolders(runsDir: string, alive?: (pid: number) => boolean): Promise<Exclude<RunFolder, { kind: 'none' }>[]> {
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

/** The newest `kind` checkpoint whose JSON parses and whose floats are complete (`floatsPerParam` per parameter). */
async function readNewest<M extends { paramCount: number }>(dir: string, kind: CheckpointKind, floatsPerParam: (meta: M) => number): Promise<{ meta: M; all: Float32Array } | undefined> {
  for (const step of (await checkpointStepsOf(dir, kind)).reverse()) {
    const base = checkpointBase(dir, kind, step);
    try {
      const meta = await readJson<M>(base + '.json');
      const all = await readFloats(base + '.bin');
      if (all.length === meta.paramCount * floatsPerParam(meta)) return { meta, all };
    } catch {
      // unreadable: an older checkpoint may still be whole
    }
  }
  return undefined;
}

export async function readLatestCheckpoint(dir: string): Promise<LoadedCheckpoint | undefined> {
  const found = await readNewest<Checkpoint>(dir, 'ckpt', (m) => 1 + m.optimizer.slots);
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

/** The weights of the lowest validation loss, when the run recorded any (it needs a validation split). */
export async function readBestWeights(dir: string): Promise<LoadedWeights | undefined> {
  const found = await readNewest<SavedWeights>(dir, 'best', () => 1);
  return found && { meta: found.meta, params: found.all };
}
