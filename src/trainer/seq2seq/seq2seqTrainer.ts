// Training the encoder–decoder on our kernels, data-parallel over worker_threads as backends/wasm/wasmBackend.ts
// does for the single-stream models (the same shared-memory protocol, parallelPlan.ts). The main thread is rank 0
// and owns the parameters and optimizer state; each step the workers get the published parameters and their
// rows. The loss is a mean over real target tokens, so the ranks' losses and gradients are weighted by their
// token counts (not their rows). Evaluation, diagnostics and decoding run on the main thread in instances of
// their own shapes, fed with the current parameters.
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Seq2seqSpec } from '../../shared/seq2seqSpec';
import type { OptimizerSettings, OptimizerState, StepResult } from '../backends/backend';
import { createShared, CTL, type SharedLayout, splitRows, startStep, stepDone, stopWorkers, views } from '../backends/wasm/parallelPlan';
import { relaxedSimdAvailable } from '../backends/wasm/kernelLoader';
import { applyOptimizer } from '../backends/wasm/kernelOptimizer';
import { Seq2seqDecoder } from './seq2seqDecoder';
import { Seq2seqModel, type Seq2seqDiagnosis } from './seq2seqModel';
import type { Seq2seqWorkerInit } from './seq2seqWorker';

export interface Seq2seqTrainerOptions {
  spec: Seq2seqSpec;
  /** Rows per training batch, and the longest source/target lengths a training batch may have. */
  batch: number;
  sourceLength: number;
  targetLength: number;
  threads: number;
  /** Dropout rate on the output layer's input in training steps (model.dropout); 0 = none. */
  dropout?: number;
  relaxedSimd?: boolean;
}

export interface Seq2seqEval {
  /** Mean over real target tokens (teacher forcing). */
  loss: number;
  tokens: number;
  correct: number;
  /** [B, T] argmax at each position. */
  argmax: Int32Array;
}

/** The worker: the bundle next to us, or (tests, bench under tsx) the TypeScript source through tsx's require hook. */
function startWorker(workerData: Seq2seqWorkerInit): Worker {
  if (__filename.endsWith('.ts')) {
    const source = `require('tsx/cjs'); require(${JSON.stringify(path.join(__dirname, 'seq2seqWorker.ts'))});`;
    return new Worker(source, { eval: true, workerData });
  }
  return new Worker(path.join(__dirname, 'seq2seqWorker.js'), { workerData });
}

const countTokens = (target: Int32Array): number => target.reduce((n, y) => n + (y !== 0 ? 1 : 0), 0);

export class Seq2seqTrainer {
  readonly device: string;
  readonly paramCount: number;
  private readonly main: Seq2seqModel;
  private shared?: SharedLayout;
  private workers: Worker[] = [];
  private workerError?: string;
  private aux = new Map<string, Seq2seqModel>();

  private constructor(private readonly opts: Seq2seqTrainerOptions, private readonly rows: number[], private readonly relaxed: boolean) {
    this.main = Seq2seqModel.create({ spec: opts.spec, batch: rows[0], sourceLength: opts.sourceLength, targetLength: opts.targetLength, relaxedSimd: relaxed });
    this.paramCount = this.main.paramCount;
    this.device = `wasm ${this.main.variant} · ${rows.length} thread${rows.length > 1 ? 's' : ''}`;
  }

  static async create(opts: Seq2seqTrainerOptions): Promise<Seq2seqTrainer> {
    const relaxed = opts.relaxedSimd ?? relaxedSimdAvailable();
    const t = new Seq2seqTrainer(opts, splitRows(opts.batch, Math.max(1, opts.threads)), relaxed);
    if (t.rows.length > 1) await t.startWorkers();
    return t;
  }

  private async startWorkers(): Promise<void> {
    const { batch, sourceLength: S, targetLength: T, spec } = this.opts;
    this.shared = createShared(this.rows.length, this.paramCount, batch * S * 4, batch * T * 4);
    const ready: Promise<void>[] = [];
    for (let rank = 1; rank < this.rows.length; rank++) {
      const w = startWorker({ rank, spec, sourceLength: S, targetLength: T, rows: this.rows, shared: this.shared, relaxedSimd: this.relaxed, dropout: this.opts.dropout ?? 0 });
      ready.push(new Promise((resolve, reject) => {
        w.once('message', (m: { type: string; message?: string }) => (m.type === 'ready' ? resolve() : reject(new Error(m.message))));
        w.once('error', reject);
      }));
      w.on('message', (m: { type: string; message?: string }) => { if (m.type === 'error') this.workerError = m.message; });
      w.on('error', (e) => (this.workerError = e.stack ?? e.message));
      this.workers.push(w);
    }
    await Promise.all(ready);
  }

  getParams(): Float32Array { return this.main.params().slice(); }
  setParams(p: Float32Array): void {
    if (p.length !== this.paramCount) throw new Error(`expected ${this.paramCount} parameters, got ${p.length}`);
    this.main.params().set(p);
  }
  getOptimizerState(): OptimizerState { return this.main.optimizerState(); }
  setOptimizerState(s: OptimizerState): void { this.main.setOptimizerState(s); }

  /**
   * One optimizer step on a batch: source [B, S], target [B, T] (0 = <pad>), with S and T at most the lengths the
   * trainer was built for: a batch padded to its own longest pair costs its own steps (rows past a row's length
   * are masked, so the result is that of the same pairs padded further).
   */
  async trainStep(source: Int32Array, target: Int32Array, opt: OptimizerSettings, seed = 0): Promise<StepResult> {
    const { batch, sourceLength, targetLength } = this.opts;
    const S = source.length / batch, T = target.length / batch;
    if (!Number.isInteger(S) || !Number.isInteger(T) || S < 1 || T < 1 || S > sourceLength || T > targetLength)
      throw new RangeError(`a batch of ${batch} rows needs source [${batch}, 1..${sourceLength}] and target [${batch}, 1..${targetLength}] ids, got ${source.length} and ${target.length}`);
    this.main.setDropout(this.opts.dropout ?? 0, seed, 0);
    const loss = this.workers.length === 0 ? this.serialLossAndGrads(source, target, S, T) : await this.parallelLossAndGrads(source, target, S, T, seed);
    return { loss, ...applyOptimizer(this.main.optimizer, opt) };
  }

  private serialLossAndGrads(source: Int32Array, target: Int32Array, S: number, T: number): number {
    this.main.setLengths(S, T);
    this.main.setBatch(source, target);
    return this.main.lossAndGrads();
  }

  private async parallelLossAndGrads(source: Int32Array, target: Int32Array, S: number, T: number, seed: number): Promise<number> {
    const v = views(this.shared!);
    v.params.set(this.main.params());
    v.xBytes.set(new Uint8Array(source.buffer, source.byteOffset, source.byteLength));
    v.yBytes.set(new Uint8Array(target.buffer, target.byteOffset, target.byteLength));
    Atomics.store(v.ctl, CTL.sourceSteps, S);
    Atomics.store(v.ctl, CTL.targetSteps, T);
    startStep(v, seed);

    this.main.setLengths(S, T);
    this.main.setBatch(source.subarray(0, this.rows[0] * S), target.subarray(0, this.rows[0] * T));
    const loss0 = this.main.lossAndGrads();
    await stepDone(v, this.workers.length, () => this.workerError, 'seq2seq worker');

    // weights N_r / N: each rank's loss is a mean over its own real target tokens
    let row0 = 0;
    const tokens = this.rows.map((n) => { const c = countTokens(target.subarray(row0 * T, (row0 + n) * T)); row0 += n; return c; });
    const N = tokens.reduce((a, b) => a + b, 0);
    if (N === 0) { this.main.grads().fill(0); return 0; }
    // Σ_r (N_r / N)·g_r, weighed in the kernel (Seq2seqModel.mixGrads): the main thread's share at the first mix
    const w0 = tokens[0] / N;
    let loss = loss0 * w0, scale = w0;
    for (let r = 1; r < this.rows.length; r++) {
      const w = tokens[r] / N;
      if (w === 0) continue;
      this.main.mixGrads(scale, w, v.grads(r));
      scale = 1;
      loss += w * v.losses[r];
    }
    if (scale !== 1) this.main.optimizer.scaleGrads(scale);
    return loss;
  }

  private auxModel(batch: number, sourceLength: number, targetLength: number): Seq2seqModel {
    const key = `${batch}x${sourceLength}x${targetLength}`;
    let m = this.aux.get(key);
    if (!m) {
      m = Seq2seqModel.create({ spec: this.opts.spec, batch, sourceLength, targetLength, relaxedSimd: this.relaxed });
      this.aux.set(key, m);
    }
    m.params().set(this.main.params());
    return m;
  }
  private shaped(source: Int32Array, target: Int32Array, rows: number): Seq2seqModel {
    if (source.length % rows !== 0 || target.length % rows !== 0) throw new RangeError(`source and target must hold ${rows} rows`);
    const m = this.auxModel(rows, source.length / rows, target.length / rows);
    m.setBatch(source, target);
    return m;
  }

  /** Teacher-forced loss, token accuracy and argmax of `rows` pairs. */
  evaluate(source: Int32Array, target: Int32Array, rows = this.opts.batch): Seq2seqEval {
    const m = this.shaped(source, target, rows);
    const loss = m.forward();
    return { loss, tokens: m.tokens(), correct: m.correct(), argmax: m.argmax() };
  }

  /** Per-position traces (attention, states, ‖∂L/∂h‖ through encoder and decoder) of a probe pair or batch. */
  diagnose(source: Int32Array, target: Int32Array, rows = 1): Seq2seqDiagnosis {
    return this.shaped(source, target, rows).diagnose();
  }

  /** A decoder for `rows` hypotheses over sources of `sourceLength`, holding the current parameters. */
  decoder(rows: number, sourceLength: number): Seq2seqDecoder {
    const d = Seq2seqDecoder.create({ spec: this.opts.spec, rows, sourceLength, relaxedSimd: this.relaxed });
    d.params().set(this.main.params());
    return d;
  }

  async dispose(): Promise<void> {
    await stopWorkers(this.shared, this.workers);
    this.workers = [];
    for (const m of this.aux.values()) m.dispose();
    this.aux.clear();
    this.main.dispose();
  }
}
