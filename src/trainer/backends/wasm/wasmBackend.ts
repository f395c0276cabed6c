// The wasm backend: our fused kernels, data-parallel over worker_threads.
// The main thread is rank 0 and owns the parameters and optimizer state; workers hold copies that are
// refreshed from shared memory at every step. Evaluation, diagnostics and sampling run on the main
// thread in instances of their own shapes, fed with the current parameters.

import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ModelSpec } from '../../model';
import type { Backend, Batch, DiagnoseResult, EvalResult, LayerTrace, StepResult, Stepper } from '../backend';
import type { OptimizerSettings, OptimizerState } from '../optimizer';
import { rowSizes, sliceRows } from './batchSlice';
import { applyOptimizer } from './kernelOptimizer';
import { createShared, type SharedLayout, splitRows, startStep, stepDone, stopWorkers, views } from './parallelPlan';
import { relaxedSimdAvailable, WasmModel } from './wasmModel';
import type { WorkerInit } from './worker';

export interface WasmBackendOptions {
  spec: ModelSpec;
  /** Rows per training batch and timesteps per example: fixed for the run. */
  batch: number;
  steps: number;
  threads: number;
  relaxedSimd?: boolean;
}

/** The worker: the bundle next to us, or (tests, under tsx) the TypeScript source through tsx's require hook. */
function startWorker(workerData: WorkerInit): Worker {
  if (__filename.endsWith('.ts')) {
    const source = `require('tsx/cjs'); require(${JSON.stringify(path.join(__dirname, 'worker.ts'))});`;
    return new Worker(source, { eval: true, workerData });
  }
  return new Worker(path.join(__dirname, 'wasmWorker.js'), { workerData });
}

export class WasmBackend implements Backend {
  readonly name = 'wasm';
  readonly device: string;
  readonly spec: ModelSpec;
  readonly paramCount: number;
  private readonly main: WasmModel;
  private readonly rows: number[];
  private readonly relaxed: boolean;
  private readonly steps: number;
  private shared?: SharedLayout;
  private workers: Worker[] = [];
  private workerError?: string;
  /** Instances for evaluation/diagnostics shapes, keyed `${batch}x${steps}`. */
  private aux = new Map<string, WasmModel>();

  private constructor(opts: WasmBackendOptions, rows: number[], relaxed: boolean) {
    this.spec = opts.spec;
    this.steps = opts.steps;
    this.rows = rows;
    this.relaxed = relaxed;
    this.main = WasmModel.create({ spec: opts.spec, batch: rows[0], steps: opts.steps, relaxedSimd: relaxed });
    this.paramCount = this.main.paramCount;
    this.device = `wasm ${this.main.variant} · ${rows.length} thread${rows.length > 1 ? 's' : ''}`;
  }

  static async create(opts: WasmBackendOptions): Promise<WasmBackend> {
    const relaxed = opts.relaxedSimd ?? relaxedSimdAvailable();
    const rows = splitRows(opts.batch, Math.max(1, opts.threads));
    const b = new WasmBackend(opts, rows, relaxed);
    if (rows.length > 1) await b.startWorkers();
    return b;
  }

  private async startWorkers(): Promise<void> {
    const size = rowSizes(this.spec, this.steps);
    const batch = this.rows.reduce((a, c) => a + c, 0);
    this.shared = createShared(this.rows.length, this.paramCount, size.x * batch * 4, size.y * batch * 4);
    const ready: Promise<void>[] = [];
    for (let rank = 1; rank < this.rows.length; rank++) {
      const init: WorkerInit = { rank, spec: this.spec, steps: this.steps, rows: this.rows, shared: this.shared, relaxedSimd: this.relaxed };
      const w = startWorker(init);
      ready.push(
        new Promise((resolve, reject) => {
          w.once('message', (m: { type: string; message?: string }) => (m.type === 'ready' ? resolve() : reject(new Error(m.message))));
          w.once('error', reject);
        }),
      );
      w.on('message', (m: { type: string; message?: string }) => {
        if (m.type === 'error') this.workerError = m.message;
      });
      w.on('error', (e) => (this.workerError = e.stack ?? e.message));
      this.workers.push(w);
    }
    await Promise.all(ready);
  }

  getParams(): Float32Array {
    return this.main.params().slice();
  }

  setParams(p: Float32Array): void {
    if (p.length !== this.paramCount) throw new Error(`expected ${this.paramCount} parameters, got ${p.length}`);
    this.main.params().set(p);
  }

  getOptimizerState(): OptimizerState {
    return this.main.optimizerState();
  }

  setOptimizerState(s: OptimizerState): void {
    this.main.setOptimizerState(s);
  }

  async trainStep(batch: Batch, opt: OptimizerSettings, dropoutSeed: number): Promise<StepResult> {
    const size = rowSizes(this.spec, this.steps);
    let loss: number;
    if (this.workers.length === 0) {
      this.main.setBatch(batch.x, batch.y);
      this.main.seedDropout(dropoutSeed >>> 0);
      loss = this.main.lossAndGrads({ training: this.spec.dropout > 0 });
    } else {
      loss = await this.parallelLossAndGrads(batch, size, dropoutSeed);
    }
    return { loss, ...applyOptimizer(this.main.optimizer, opt) };
  }

  private async parallelLossAndGrads(batch: Batch, size: { x: number; y: number }, seed: number): Promise<number> {
    const shared = this.shared!;
    const v = views(shared);
    const total = this.rows.reduce((a, c) => a + c, 0);
    if (batch.size !== total) throw new Error(`batch of ${batch.size} rows, backend built for ${total}`);
    v.params.set(this.main.params());
    v.xBytes.set(new Uint8Array(batch.x.buffer, batch.x.byteOffset, batch.x.byteLength));
    v.yBytes.set(new Uint8Array(batch.y.buffer, batch.y.byteOffset, batch.y.byteLength));
    startStep(v, seed);

    this.main.setBatch(sliceRows(batch.x, size.x, 0, this.rows[0]), sliceRows(batch.y, size.y, 0, this.rows[0]));
    this.main.seedDropout(seed >>> 0);
    const loss0 = this.main.lossAndGrads({ training: this.spec.dropout > 0 });

    await stepDone(v, this.workers.length, () => this.workerError, 'wasm worker');

    // weighted mean: every row carries the same number of loss positions
    const g = this.main.grads();
    const w0 = this.rows[0] / total;
    let loss = loss0 * w0;
    for (let i = 0; i < g.length; i++) g[i] *= w0;
    for (let r = 1; r < this.rows.length; r++) {
      const w = this.rows[r] / total, gr = v.grads(r);
      for (let i = 0; i < g.length; i++) g[i] += w * gr[i];
      loss += w * v.losses[r];
    }
    return loss;
  }

  private auxModel(batch: number, steps: number, carryState = false): WasmModel {
    const key = `${batch}x${steps}${carryState ? 'c' : ''}`;
    let m = this.aux.get(key);
    if (!m) {
      m = WasmModel.create({ spec: this.spec, batch, steps, carryState, relaxedSimd: this.relaxed });
      this.aux.set(key, m);
    }
    m.params().set(this.main.params());
    return m;
  }

  private stepsOf(batch: Batch): number {
    const perRow = batch.x.length / batch.size;
    return this.spec.input === 'tokens' ? perRow : perRow / this.spec.inputSize;
  }

  evaluate(batch: Batch): EvalResult {
    const m = this.auxModel(batch.size, this.stepsOf(batch));
    m.setBatch(batch.x, batch.y);
    const loss = m.forward();
    const positions = batch.size * (this.spec.head === 'every' ? m.steps : 1);
    return { loss, correct: this.spec.loss === 'xent' ? m.correct() : 0, positions, outputs: m.outputs() };
  }

  diagnose(batch: Batch): DiagnoseResult {
    const m = this.auxModel(batch.size, this.stepsOf(batch));
    m.setBatch(batch.x, batch.y);
    const layers: LayerTrace[] = [];
    m.lossAndGrads({ lastStepOnly: true });
    const dhLast = Array.from({ length: this.spec.layers }, (_, l) => m.dhNorm(l));
    const loss = m.lossAndGrads();
    for (let l = 0; l < this.spec.layers; l++) {
      const t: LayerTrace = { hidden: m.hidden(l), dh: m.dhNorm(l), dhLast: dhLast[l] };
      if (this.spec.cell !== 'rnn') t.gates = m.gates(l);
      if (this.spec.cell === 'lstm') {
        t.cell = m.cellState(l);
        t.dc = m.dcNorm(l);
      }
      layers.push(t);
    }
    return { loss, layers, grads: m.grads().slice() };
  }

  stepper(): Stepper {
    const m = this.auxModel(1, 1, true);
    const x = new Int32Array(1), y = new Int32Array(1);
    return {
      reset: () => m.resetState(),
      step: (token: number) => {
        x[0] = token;
        m.setBatch(x, y);
        m.forward();
        return m.outputs();
      },
    };
  }

  async dispose(): Promise<void> {
    await stopWorkers(this.shared, this.workers);
    this.workers = [];
    for (const m of this.aux.values()) m.dispose();
    this.aux.clear();
    this.main.dispose();
  }
}
