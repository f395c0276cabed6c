// The trainer's side of the run store. Every write leaves the folder readable if the process dies
// right after it: JSON atomically, JSONL appended whole lines at a time, binaries before their index.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DiagnosticsIndexEntry, DiagnosticsSnapshot, MetricRecord, RunInfo } from '../shared/metrics';
import type { RunStatus } from '../shared/protocol';
import { readJson, writeFileAtomic, writeJsonAtomic } from './atomicFile';
import { type Checkpoint, META_VERSION, RUN_FILES, type RunMeta, type SavedWeights } from './runFiles';

export const SEQLAB_VERSION = '0.1.0';

const KEEP_CHECKPOINTS = 2;

export function newRunId(name: string, cell: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'run';
  const rand = Math.floor(Math.random() * 0x10000).toString(16).padStart(4, '0');
  return `${stamp}-${slug}-${cell}-${rand}`;
}

export class RunWriter {
  readonly dir: string;
  private meta: RunMeta;
  private metricsFd: number;
  private diagFd: number;
  private diagOffset: number;

  private constructor(dir: string, meta: RunMeta) {
    this.dir = dir;
    this.meta = meta;
    this.metricsFd = fs.openSync(path.join(dir, RUN_FILES.metrics), 'a');
    this.diagFd = fs.openSync(path.join(dir, RUN_FILES.diagnosticsBin), 'a');
    this.diagOffset = fs.fstatSync(this.diagFd).size;
  }

  static create(runsDir: string, info: RunInfo, configText: string, pid = process.pid): RunWriter {
    const dir = path.join(runsDir, info.id);
    fs.mkdirSync(path.join(dir, RUN_FILES.checkpoints), { recursive: true });
    writeFileAtomic(path.join(dir, RUN_FILES.config), configText);
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
    };
    writeJsonAtomic(path.join(dir, RUN_FILES.meta), meta);
    return new RunWriter(dir, meta);
  }

  /** Reopen an existing run to continue it (resume); its status becomes running again. */
  static reopen(dir: string, pid = process.pid): RunWriter {
    const meta = readJson<RunMeta>(path.join(dir, RUN_FILES.meta));
    const w = new RunWriter(dir, meta);
    w.update({ status: { kind: 'running', pid, step: stepOf(meta.status) } });
    return w;
  }

  get info(): RunInfo {
    return this.meta.info;
  }

  update(patch: Partial<RunMeta>): void {
    this.meta = { ...this.meta, ...patch, updatedAt: new Date().toISOString() };
    writeJsonAtomic(path.join(this.dir, RUN_FILES.meta), this.meta);
  }

  appendMetrics(records: readonly MetricRecord[]): void {
    if (records.length === 0) return;
    fs.writeSync(this.metricsFd, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  }

  appendDiagnostics(snapshot: DiagnosticsSnapshot): void {
    const entry: DiagnosticsIndexEntry = { step: snapshot.step, arrays: {} };
    if (snapshot.weightNorms) entry.weightNorms = snapshot.weightNorms;
    if (snapshot.gradNorms) entry.gradNorms = snapshot.gradNorms;
    for (const [name, { data, shape }] of Object.entries(snapshot.arrays)) {
      const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      fs.writeSync(this.diagFd, bytes);
      entry.arrays[name] = { offset: this.diagOffset, length: data.length, shape };
      this.diagOffset += bytes.length;
    }
    fs.appendFileSync(path.join(this.dir, RUN_FILES.diagnosticsIndex), JSON.stringify(entry) + '\n');
  }

  saveCheckpoint(ckpt: Checkpoint, params: Float32Array, slots: readonly Float32Array[]): string {
    const dir = path.join(this.dir, RUN_FILES.checkpoints);
    const base = path.join(dir, `ckpt-${ckpt.step}`);
    writeFileAtomic(base + '.bin', concatFloats([params, ...slots]));
    writeJsonAtomic(base + '.json', ckpt);
    const old = listCheckpointSteps(this.dir).slice(0, -KEEP_CHECKPOINTS);
    for (const step of old) {
      for (const ext of ['.json', '.bin']) fs.rmSync(path.join(dir, `ckpt-${step}${ext}`), { force: true });
    }
    return base + '.json';
  }

  saveWeights(weights: SavedWeights, params: Float32Array): void {
    writeFileAtomic(path.join(this.dir, RUN_FILES.weightsBin), concatFloats([params]));
    writeJsonAtomic(path.join(this.dir, RUN_FILES.weightsJson), weights);
  }

  /** The parameters of a new lowest validation loss; named by step like checkpoints, so a reader never pairs one step's JSON with another's floats. */
  saveBestWeights(weights: SavedWeights, params: Float32Array): void {
    const dir = path.join(this.dir, RUN_FILES.checkpoints);
    const base = path.join(dir, `best-${weights.step}`);
    writeFileAtomic(base + '.bin', concatFloats([params]));
    writeJsonAtomic(base + '.json', weights);
    for (const step of listBestSteps(this.dir).filter((s) => s !== weights.step)) {
      for (const ext of ['.json', '.bin']) fs.rmSync(path.join(dir, `best-${step}${ext}`), { force: true });
    }
  }

  close(): void {
    fs.closeSync(this.metricsFd);
    fs.closeSync(this.diagFd);
  }
}

export function stepOf(status: RunStatus): number {
  return status.step ?? 0;
}

export const listCheckpointSteps = (runDir: string): number[] => stepsOf(runDir, /^ckpt-(\d+)\.json$/);

/** Steps of the best-<step> files in checkpoints/ (one, unless a writer died between writing and pruning). */
export const listBestSteps = (runDir: string): number[] => stepsOf(runDir, /^best-(\d+)\.json$/);

function stepsOf(runDir: string, name: RegExp): number[] {
  const dir = path.join(runDir, RUN_FILES.checkpoints);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .map((f) => name.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

function concatFloats(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
