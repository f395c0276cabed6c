// The one writer of run folders (layout: runFiles.ts). The trainer writes through RunWriter; a status
// change by someone else (runStatus.ts) goes through the same writeMeta. Every write leaves the folder
// readable if the process dies right after it: JSON atomically, JSONL appended whole lines at a time,
// binaries before their index. Synchronous: the trainer's loop waits for its writes anyway. A write the
// file system refuses (a full disk) throws a WriteError naming the file; what was written before stays.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DiagnosticsIndexEntry, DiagnosticsSnapshot, MetricRecord, RunInfo } from '../shared/metrics';
import { writeFileAtomic, writeFileAtomicSteps, writeJsonAtomic } from './atomicFile';
import { MetricsStepsWriter } from './metricsStepsWriter';
import { type Checkpoint, type CheckpointKind, checkpointBase, checkpointSteps, META_VERSION, RUN_FILES, type RunMeta, runIdSlug, type SavedWeights } from './runFiles';
import { readRun } from './runReader';
import { writeAll, writingTo } from './writeError';
// package.json is the one place the version is written; esbuild keeps only this field of it in the bundles
import { version } from '../../package.json';

/** SeqLab's version, as package.json gives it: recorded in every run's meta.json and reported by `seqlab --version`. */
export const SEQLAB_VERSION: string = version;

const KEEP_CHECKPOINTS = 2;

export function newRunId(name: string, cell: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const slug = runIdSlug(name);
  const rand = Math.floor(Math.random() * 0x10000).toString(16).padStart(4, '0');
  return `${stamp}-${slug}-${cell}-${rand}`;
}

/** Rewrites meta.json whole (write to a temp file, then rename), so a reader never sees half of it. */
export function writeMeta(runDir: string, meta: RunMeta): void {
  writeJsonAtomic(path.join(runDir, RUN_FILES.meta), meta);
}

export class RunWriter {
  readonly dir: string;
  private meta: RunMeta;
  private metricsFd: number;
  /** metrics.steps.bin, the step records again for fast reading; undefined when it cannot be written. */
  private metricsSteps: MetricsStepsWriter | undefined;
  private diagFd: number;
  private diagOffset: number;

  private constructor(dir: string, meta: RunMeta) {
    this.dir = dir;
    this.meta = meta;
    this.metricsFd = writingTo(this.file(RUN_FILES.metrics), () => fs.openSync(this.file(RUN_FILES.metrics), 'a'));
    this.metricsSteps = MetricsStepsWriter.open(dir, this.metricsFd);
    this.diagFd = writingTo(this.file(RUN_FILES.diagnosticsBin), () => fs.openSync(this.file(RUN_FILES.diagnosticsBin), 'a'));
    this.diagOffset = fs.fstatSync(this.diagFd).size;
  }

  static create(runsDir: string, info: RunInfo, configText: string, extra: Pick<RunMeta, 'dataFile'> = {}, pid = process.pid): RunWriter {
    const dir = path.join(runsDir, info.id);
    writingTo(dir, () => fs.mkdirSync(dir, { recursive: true }));
    const now = new Date().toISOString();
    const meta: RunMeta = {
      version: META_VERSION,
      info,
      status: { kind: 'running', pid, step: 0 },
      createdAt: now,
      updatedAt: now,
      host: { hostname: os.hostname(), platform: process.platform, arch: process.arch, cpus: os.availableParallelism(), node: process.version },
      seqlabVersion: SEQLAB_VERSION,
      seconds: 0,
      ...(extra.dataFile && { dataFile: extra.dataFile }),
    };
    // meta.json first: a run folder without one is damaged (runReader's inspectRunFolder)
    writeMeta(dir, meta);
    writingTo(path.join(dir, RUN_FILES.checkpoints), () => fs.mkdirSync(path.join(dir, RUN_FILES.checkpoints), { recursive: true }));
    writeFileAtomic(path.join(dir, RUN_FILES.config), configText);
    return new RunWriter(dir, meta);
  }

  /**
   * Reopen an existing run to continue it (resume); its status becomes running again, and `info` takes what
   * this session changes (its step limit). A line a killed writer tore is ended first, so the lines appended
   * after it do not turn it into damage in the middle of the file.
   */
  static async reopen(dir: string, info: Partial<Pick<RunInfo, 'totalSteps'>> = {}, pid = process.pid): Promise<RunWriter> {
    const run = await readRun(dir);
    if (!run) throw new Error(`${dir}: no readable ${RUN_FILES.meta}, so the run cannot be continued.`);
    for (const file of [RUN_FILES.metrics, RUN_FILES.diagnosticsIndex]) endTornLine(path.join(dir, file));
    const w = new RunWriter(dir, run.meta);
    w.update({ info: { ...run.meta.info, ...info }, status: { kind: 'running', pid, step: run.meta.status.step ?? 0 } });
    return w;
  }

  get info(): RunInfo {
    return this.meta.info;
  }

  update(patch: Partial<RunMeta>): void {
    this.meta = { ...this.meta, ...patch, updatedAt: new Date().toISOString() };
    writeMeta(this.dir, this.meta);
  }

  appendMetrics(records: readonly MetricRecord[]): void {
    if (records.length === 0) return;
    const lines = records.map((r) => JSON.stringify(r));
    // a line cut short by a full disk is ended or cut off when the run is reopened (endTornLine)
    writingTo(this.file(RUN_FILES.metrics), () => writeAll(this.metricsFd, Buffer.from(lines.join('\n') + '\n', 'utf8')));
    this.metricsSteps?.append(records, lines);
  }

  appendDiagnostics(snapshot: DiagnosticsSnapshot): void {
    const entry: DiagnosticsIndexEntry = { step: snapshot.step, arrays: {} };
    if (snapshot.weightNorms) entry.weightNorms = snapshot.weightNorms;
    if (snapshot.gradNorms) entry.gradNorms = snapshot.gradNorms;
    for (const [name, { data, shape }] of Object.entries(snapshot.arrays)) {
      const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      writingTo(this.file(RUN_FILES.diagnosticsBin), () => writeAll(this.diagFd, bytes));
      entry.arrays[name] = { offset: this.diagOffset, length: data.length, shape };
      this.diagOffset += bytes.length;
    }
    writingTo(this.file(RUN_FILES.diagnosticsIndex), () => fs.appendFileSync(this.file(RUN_FILES.diagnosticsIndex), JSON.stringify(entry) + '\n'));
  }

  saveCheckpoint(ckpt: Checkpoint, params: Float32Array, slots: readonly Float32Array[]): string {
    const base = checkpointBase(this.dir, 'ckpt', ckpt.step);
    writeFileAtomic(base + '.bin', concatFloats([params, ...slots]));
    this.indexFloats(base, ckpt);
    this.remove('ckpt', this.steps('ckpt').slice(0, -KEEP_CHECKPOINTS));
    return base + '.json';
  }

  /** `saveCheckpoint` in chunks (the trainer stops between them when asked; a checkpoint left half
   *  written is not there at all: its .bin stays a temp file, removed, and no .json names it). */
  *saveCheckpointSteps(ckpt: Checkpoint, params: Float32Array, slots: readonly Float32Array[]): Generator<void, string, void> {
    const base = checkpointBase(this.dir, 'ckpt', ckpt.step);
    yield* writeFileAtomicSteps(base + '.bin', [params, ...slots]);
    this.indexFloats(base, ckpt);
    this.remove('ckpt', this.steps('ckpt').slice(0, -KEEP_CHECKPOINTS));
    return base + '.json';
  }

  /** The steps of the checkpoints on disk, ascending. */
  checkpointSteps(): number[] {
    return this.steps('ckpt');
  }

  saveWeights(weights: SavedWeights, params: Float32Array): void {
    writeFileAtomic(path.join(this.dir, RUN_FILES.weightsBin), concatFloats([params]));
    writeJsonAtomic(path.join(this.dir, RUN_FILES.weightsJson), weights);
  }

  /** The parameters of a new lowest validation loss; named by step like checkpoints, so a reader never pairs one step's JSON with another's floats. */
  saveBestWeights(weights: SavedWeights, params: Float32Array): void {
    const base = checkpointBase(this.dir, 'best', weights.step);
    writeFileAtomic(base + '.bin', concatFloats([params]));
    this.indexFloats(base, weights);
    this.remove('best', this.steps('best').filter((s) => s !== weights.step));
  }

  /** The JSON of the floats just written to `base`.bin; when it cannot be written the floats, which no
   *  reader would find, go too, and the older checkpoints (removed only after this) stay. */
  private indexFloats(base: string, json: unknown): void {
    try {
      writeJsonAtomic(base + '.json', json);
    } catch (e) {
      fs.rmSync(base + '.bin', { force: true });
      throw e;
    }
  }

  private file(name: string): string {
    return path.join(this.dir, name);
  }

  private steps(kind: CheckpointKind): number[] {
    return checkpointSteps(fs.readdirSync(path.join(this.dir, RUN_FILES.checkpoints)), kind);
  }

  /** JSON first, so a reader never finds a step's JSON without its floats. */
  private remove(kind: CheckpointKind, steps: readonly number[]): void {
    for (const step of steps) {
      for (const ext of ['.json', '.bin']) fs.rmSync(checkpointBase(this.dir, kind, step) + ext, { force: true });
    }
  }

  close(): void {
    this.metricsSteps?.close();
    fs.closeSync(this.metricsFd);
    fs.closeSync(this.diagFd);
  }
}

/**
 * A JSON-lines file whose last line has no newline was cut short by a killed writer: a whole record gets its
 * newline; a fragment, which readers skip and no reader can use, is cut off.
 */
function endTornLine(file: string): void {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r+');
  } catch {
    return;
  }
  try {
    const size = fs.fstatSync(fd).size;
    // the last line, read backwards a chunk at a time: metrics files run to megabytes, their lines do not
    let tail = Buffer.alloc(0);
    let from = size;
    while (from > 0 && tail.lastIndexOf(0x0a) < 0) {
      const n = Math.min(TAIL_CHUNK, from);
      from -= n;
      const chunk = Buffer.alloc(n);
      fs.readSync(fd, chunk, 0, n, from);
      tail = Buffer.concat([chunk, tail]);
    }
    if (tail.length === 0 || tail[tail.length - 1] === 0x0a) return;
    const start = tail.lastIndexOf(0x0a) + 1;
    try {
      JSON.parse(tail.subarray(start).toString('utf8'));
      fs.writeSync(fd, '\n', size);
    } catch {
      fs.ftruncateSync(fd, from + start);
    }
  } finally {
    fs.closeSync(fd);
  }
}

const TAIL_CHUNK = 64 * 1024;

function concatFloats(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
