// Reads run folders for the CLI and the extension. Tolerates what a killed trainer leaves behind:
// a torn last line in a JSONL file, an index line whose arrays are not fully on disk, a `running`
// status whose process is gone (reported as interrupted).

import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { DiagnosticsIndexEntry, DiagnosticsSnapshot, MetricRecord } from '../shared/metrics';
import type { RunStatus } from '../shared/protocol';
import { readJson } from './atomicFile';
import { type Checkpoint, RUN_FILES, type RunMeta, type SavedWeights } from './runFiles';
import { listBestSteps, listCheckpointSteps } from './runWriter';

export interface RunSummary {
  id: string;
  dir: string;
  meta: RunMeta;
  /** meta.status, with `running` turned into `interrupted` when its process no longer exists. */
  status: RunStatus;
}

/** Parse JSON lines, skipping a torn (unparseable) last line; earlier bad lines are errors. */
export function parseJsonLines<T>(text: string, file: string): T[] {
  const lines = text.split('\n');
  const out: T[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line) as T);
    } catch {
      const isLast = lines.slice(i + 1).every((l) => l.trim() === '');
      if (!isLast) throw new Error(`${file}:${i + 1}: not valid JSON; the run folder is damaged.`);
    }
  }
  return out;
}

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

export function readRun(dir: string): RunSummary | undefined {
  const metaFile = path.join(dir, RUN_FILES.meta);
  if (!fs.existsSync(metaFile)) return undefined;
  let meta: RunMeta;
  try {
    meta = readJson<RunMeta>(metaFile);
  } catch {
    return undefined;
  }
  return { id: path.basename(dir), dir, meta, status: effectiveStatus(meta.status) };
}

/** All runs under runsDir, newest first. */
export function listRuns(runsDir: string): RunSummary[] {
  if (!fs.existsSync(runsDir)) return [];
  return fs
    .readdirSync(runsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => readRun(path.join(runsDir, d.name)))
    .filter((r): r is RunSummary => r !== undefined)
    .sort((a, b) => b.meta.createdAt.localeCompare(a.meta.createdAt));
}

/** Find a run by id or unique id prefix (as the CLI accepts), or by folder path. */
export function findRun(runsDir: string, idOrPath: string): RunSummary {
  if (fs.existsSync(path.join(idOrPath, RUN_FILES.meta))) {
    const r = readRun(path.resolve(idOrPath));
    if (r) return r;
  }
  const runs = listRuns(runsDir);
  const exact = runs.find((r) => r.id === idOrPath);
  if (exact) return exact;
  const matches = runs.filter((r) => r.id.startsWith(idOrPath) || r.id.includes(idOrPath));
  if (matches.length === 1) return matches[0];
  if (matches.length === 0) throw new Error(`No run '${idOrPath}' in ${runsDir}. List runs with: seqlab runs`);
  throw new Error(`'${idOrPath}' matches ${matches.length} runs (${matches.slice(0, 3).map((r) => r.id).join(', ')}…); give more of the id.`);
}

export function readMetrics(dir: string): MetricRecord[] {
  const file = path.join(dir, RUN_FILES.metrics);
  if (!fs.existsSync(file)) return [];
  return parseJsonLines<MetricRecord>(fs.readFileSync(file, 'utf8'), file);
}

/** Index entries whose arrays are fully present in diagnostics.bin. */
export function readDiagnosticsIndex(dir: string): DiagnosticsIndexEntry[] {
  const file = path.join(dir, RUN_FILES.diagnosticsIndex);
  if (!fs.existsSync(file)) return [];
  const binFile = path.join(dir, RUN_FILES.diagnosticsBin);
  const size = fs.existsSync(binFile) ? fs.statSync(binFile).size : 0;
  return parseJsonLines<DiagnosticsIndexEntry>(fs.readFileSync(file, 'utf8'), file).filter((e) =>
    Object.values(e.arrays).every((a) => a.offset + a.length * 4 <= size),
  );
}

function snapshotOf(entry: DiagnosticsIndexEntry, arrays: DiagnosticsSnapshot['arrays']): DiagnosticsSnapshot {
  const snap: DiagnosticsSnapshot = { step: entry.step, arrays };
  if (entry.weightNorms) snap.weightNorms = entry.weightNorms;
  if (entry.gradNorms) snap.gradNorms = entry.gradNorms;
  return snap;
}

export function readDiagnosticsSnapshot(dir: string, entry: DiagnosticsIndexEntry): DiagnosticsSnapshot {
  const fd = fs.openSync(path.join(dir, RUN_FILES.diagnosticsBin), 'r');
  try {
    const arrays: DiagnosticsSnapshot['arrays'] = {};
    for (const [name, a] of Object.entries(entry.arrays)) {
      const data = new Float32Array(a.length);
      fs.readSync(fd, new Uint8Array(data.buffer), 0, a.length * 4, a.offset);
      arrays[name] = { data, shape: a.shape };
    }
    return snapshotOf(entry, arrays);
  } finally {
    fs.closeSync(fd);
  }
}

export interface LoadedCheckpoint {
  meta: Checkpoint;
  params: Float32Array;
  slots: Float32Array[];
}

function readFloats(file: string): Float32Array {
  const buf = fs.readFileSync(file);
  const out = new Float32Array(buf.length / 4);
  new Uint8Array(out.buffer).set(buf);
  return out;
}

export function readLatestCheckpoint(dir: string): LoadedCheckpoint | undefined {
  const steps = listCheckpointSteps(dir);
  for (const step of steps.reverse()) {
    const base = path.join(dir, RUN_FILES.checkpoints, `ckpt-${step}`);
    try {
      const meta = readJson<Checkpoint>(base + '.json');
      const all = readFloats(base + '.bin');
      const n = meta.paramCount;
      if (all.length !== n * (1 + meta.optimizer.slots)) continue;
      const slots = Array.from({ length: meta.optimizer.slots }, (_, i) => all.slice(n * (i + 1), n * (i + 2)));
      return { meta, params: all.slice(0, n), slots };
    } catch {
      continue;
    }
  }
  return undefined;
}

export interface LoadedWeights {
  meta: SavedWeights;
  params: Float32Array;
}

/** Final weights, or the latest checkpoint's when the run did not finish. */
export function readWeights(dir: string): LoadedWeights | undefined {
  const json = path.join(dir, RUN_FILES.weightsJson);
  if (fs.existsSync(json)) return { meta: readJson(json), params: readFloats(path.join(dir, RUN_FILES.weightsBin)) };
  const ckpt = readLatestCheckpoint(dir);
  return ckpt && { meta: ckpt.meta, params: ckpt.params };
}

/** The weights of the lowest validation loss, when the run recorded any (it needs a validation split). */
export function readBestWeights(dir: string): LoadedWeights | undefined {
  for (const step of listBestSteps(dir).reverse()) {
    const base = path.join(dir, RUN_FILES.checkpoints, `best-${step}`);
    try {
      const meta = readJson<SavedWeights>(base + '.json');
      const params = readFloats(base + '.bin');
      if (params.length === meta.paramCount) return { meta, params };
    } catch {
      continue;
    }
  }
  return undefined;
}

// Async readers for the extension host: fs.promises and streams only, and JSON lines parsed a chunk at a
// time, so a 10 MB metrics.jsonl never holds the event loop for more than one chunk. Same tolerance as
// the sync readers above (a missing file reads as empty, a torn last line is skipped).

/** Lines parsed between two turns of the event loop when the text is already in memory. */
export const JSON_LINES_SLICE = 2000;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

const isMissing = (e: unknown) => (e as NodeJS.ErrnoException).code === 'ENOENT';

/** parseJsonLines over pieces of text that arrive one by one; a line may span pieces. */
class JsonLinesParser<T> {
  readonly out: T[] = [];
  private rest = '';
  private lineNo = 0;
  /** The line number of an unparseable line; an error only if a non-blank line follows it. */
  private bad: number | undefined;

  constructor(private readonly file: string) {}

  push(piece: string): void {
    const text = this.rest + piece;
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      this.line(text.slice(start, nl));
      start = nl + 1;
    }
    this.rest = text.slice(start);
  }

  end(): T[] {
    this.line(this.rest);
    this.rest = '';
    return this.out;
  }

  private line(line: string): void {
    this.lineNo++;
    if (line.trim() === '') return;
    if (this.bad !== undefined) throw new Error(`${this.file}:${this.bad}: not valid JSON; the run folder is damaged.`);
    try {
      this.out.push(JSON.parse(line) as T);
    } catch {
      this.bad = this.lineNo;
    }
  }
}

/** parseJsonLines that yields to the event loop every `slice` lines. */
export async function parseJsonLinesAsync<T>(text: string, file: string, slice = JSON_LINES_SLICE): Promise<T[]> {
  const parser = new JsonLinesParser<T>(file);
  let start = 0;
  while (start < text.length) {
    let end = start;
    for (let n = 0; n < slice && end >= 0; n++) end = text.indexOf('\n', end) + 1 || -1;
    const stop = end < 0 ? text.length : end;
    parser.push(text.slice(start, stop));
    start = stop;
    if (start < text.length) await nextTurn();
  }
  return parser.end();
}

/** A JSON-lines file read as a stream (64 KB at a time); [] when the file does not exist. */
export async function readJsonLinesAsync<T>(file: string): Promise<T[]> {
  const parser = new JsonLinesParser<T>(file);
  const stream = fs.createReadStream(file, { encoding: 'utf8' });
  try {
    for await (const chunk of stream) parser.push(chunk as string);
  } catch (e) {
    if (isMissing(e)) return [];
    throw e;
  } finally {
    stream.destroy();
  }
  return parser.end();
}

export function readMetricsAsync(dir: string): Promise<MetricRecord[]> {
  return readJsonLinesAsync<MetricRecord>(path.join(dir, RUN_FILES.metrics));
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
export async function readDiagnosticsIndexAsync(dir: string): Promise<DiagnosticsIndexEntry[]> {
  const entries = await readJsonLinesAsync<DiagnosticsIndexEntry>(path.join(dir, RUN_FILES.diagnosticsIndex));
  if (entries.length === 0) return entries;
  const size = await sizeOf(path.join(dir, RUN_FILES.diagnosticsBin));
  return entries.filter((e) => Object.values(e.arrays).every((a) => a.offset + a.length * 4 <= size));
}

export async function readDiagnosticsSnapshotAsync(dir: string, entry: DiagnosticsIndexEntry): Promise<DiagnosticsSnapshot> {
  const fh = await fsp.open(path.join(dir, RUN_FILES.diagnosticsBin), 'r');
  try {
    const arrays: DiagnosticsSnapshot['arrays'] = {};
    for (const [name, a] of Object.entries(entry.arrays)) {
      const data = new Float32Array(a.length);
      await fh.read(new Uint8Array(data.buffer), 0, a.length * 4, a.offset);
      arrays[name] = { data, shape: a.shape };
    }
    return snapshotOf(entry, arrays);
  } finally {
    await fh.close();
  }
}
