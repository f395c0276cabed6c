// Host side of the fused wasm kernels (kernels/seqlab.ts): one instance per model shape, typed views on
// its memory, input validation; the optimizer's half is kernelOptimizer.ts, shared with seq2seq.wasm's host. The contract is
// docs/kernel-contract.md; the parameter layout is model.ts's paramLayout.
import { gatesOf, paramCount, type ModelSpec } from '../../model';
import type { OptimizerState } from '../optimizer';
import { KernelOptimizer, type OptimizerExports } from './kernelOptimizer';
import { instantiateKernels, relaxedSimdAvailable, type KernelVariant } from './kernelLoader';

export { kernelsDir, relaxedSimdAvailable } from './kernelLoader';

export interface WasmModelOptions {
  spec: ModelSpec;
  batch: number;
  steps: number;
  /** Each forward starts from the previous forward's final state (sampling, streaming). */
  carryState?: boolean;
  /** Default: use the relaxed-SIMD (FMA) build when this engine validates it. */
  relaxedSimd?: boolean;
}

/** The exports of kernels/seqlab.ts (pointers are byte offsets into memory). */
interface KernelExports extends OptimizerExports {
  init(cell: number, tokens: number, inputSize: number, embedSize: number, hidden: number, layers: number,
       outputSize: number, headLast: number, mse: number, dropout: number, batch: number, steps: number, carry: number): number;
  forward(): number;
  lossAndGrads(training: number, lastStepOnly: number): number;
  resetState(): void;
  seedDropout(seed: number): void;
  paramCount(): number;
  paramsPtr(): number;
  gradsPtr(): number;
  inputPtr(): number;
  targetPtr(): number;
  outputsPtr(): number;
  outputRows(): number;
  correct(): number;
  hiddenPtr(layer: number): number;
  cellStatePtr(layer: number): number;
  gatesPtr(layer: number): number;
  dhNormPtr(layer: number): number;
  dcNormPtr(layer: number): number;
  dropoutMaskPtr(layer: number): number;
}

const CELL_CODE = { rnn: 0, lstm: 1, gru: 2 } as const;

export class WasmModel {
  readonly paramCount: number;
  private kernel: KernelExports | null;
  private paramsView: Float32Array | null = null;
  private gradsView: Float32Array | null = null;
  /** Clipping, the update and the optimizer's state, on this instance's gradients and parameters. */
  readonly optimizer: KernelOptimizer;

  private constructor(
    readonly spec: ModelSpec,
    readonly batch: number,
    readonly steps: number,
    readonly variant: KernelVariant,
    carryState: boolean,
  ) {
    validateShape(spec, batch, steps);
    const k = instantiateKernels(variant) as unknown as KernelExports;
    this.paramCount = k.init(
      CELL_CODE[spec.cell], spec.input === 'tokens' ? 1 : 0, spec.inputSize, spec.input === 'tokens' ? spec.embedSize : 0,
      spec.hiddenSize, spec.layers, spec.outputSize, spec.head === 'last' ? 1 : 0, spec.loss === 'mse' ? 1 : 0,
      spec.dropout, batch, steps, carryState ? 1 : 0,
    );
    if (this.paramCount !== paramCount(spec))
      throw new Error(`wasm kernel counts ${this.paramCount} parameters, paramLayout ${paramCount(spec)}: rebuild the kernels`);
    this.kernel = k;
    this.optimizer = new KernelOptimizer(() => this.k, this.paramCount);
  }

  static create(opts: WasmModelOptions): WasmModel {
    const available = relaxedSimdAvailable();
    if (opts.relaxedSimd === true && !available)
      throw new Error('relaxed SIMD was requested but this engine rejects it (Node 20 needs --experimental-wasm-relaxed-simd)');
    const variant: KernelVariant = (opts.relaxedSimd ?? available) ? 'relaxed-simd' : 'simd';
    return new WasmModel(opts.spec, opts.batch, opts.steps, variant, opts.carryState ?? false);
  }

  private get k(): KernelExports {
    if (!this.kernel) throw new Error('WasmModel used after dispose()');
    return this.kernel;
  }
  private f32(ptr: number, length: number): Float32Array {
    return new Float32Array(this.k.memory.buffer, ptr, length);
  }
  private i32(ptr: number, length: number): Int32Array {
    return new Int32Array(this.k.memory.buffer, ptr, length);
  }
  private get headRows(): number {
    return this.spec.head === 'last' ? this.batch : this.batch * this.steps;
  }
  private checkLayer(layer: number): void {
    if (!Number.isInteger(layer) || layer < 0 || layer >= this.spec.layers)
      throw new RangeError(`layer ${layer} out of range 0..${this.spec.layers - 1}`);
  }

  /** Live view of the flat parameter vector (paramLayout order). */
  params(): Float32Array {
    if (!this.paramsView || this.paramsView.buffer !== this.k.memory.buffer) this.paramsView = this.f32(this.k.paramsPtr(), this.paramCount);
    return this.paramsView;
  }
  /** Live view of the gradients of the last lossAndGrads, same layout as params(). */
  grads(): Float32Array {
    if (!this.gradsView || this.gradsView.buffer !== this.k.memory.buffer) this.gradsView = this.f32(this.k.gradsPtr(), this.paramCount);
    return this.gradsView;
  }

  /** x, y batch-major as in docs/kernel-contract.md; token ids and class targets are range-checked. */
  setBatch(x: Int32Array | Float32Array, y: Int32Array | Float32Array): void {
    const { spec, batch: B, steps: T } = this;
    if (spec.input === 'tokens') {
      if (!(x instanceof Int32Array)) throw new TypeError('token input needs x as Int32Array [B, T]');
      expectLength('x', x, B * T);
      checkIds('x', x, spec.inputSize);
      this.i32(this.k.inputPtr(), B * T).set(x);
    } else {
      if (!(x instanceof Float32Array)) throw new TypeError('dense input needs x as Float32Array [B, T, inputSize]');
      expectLength('x', x, B * T * spec.inputSize);
      this.f32(this.k.inputPtr(), x.length).set(x);
    }
    if (spec.loss === 'xent') {
      if (!(y instanceof Int32Array)) throw new TypeError('xent needs y as Int32Array of class ids');
      expectLength('y', y, this.headRows);
      checkIds('y', y, spec.outputSize);
      this.i32(this.k.targetPtr(), y.length).set(y);
    } else {
      if (!(y instanceof Float32Array)) throw new TypeError('mse needs y as Float32Array');
      expectLength('y', y, this.headRows * spec.outputSize);
      this.f32(this.k.targetPtr(), y.length).set(y);
    }
  }

  /** Loss of the current batch, no gradients, no dropout. */
  forward(): number {
    return this.k.forward();
  }
  /** Loss and gradients (into grads()); lastStepOnly: of L_T only (dhNorm then gives ‖∂L_T/∂h_t‖). */
  lossAndGrads(opts: { training?: boolean; lastStepOnly?: boolean } = {}): number {
    return this.k.lossAndGrads(opts.training ? 1 : 0, opts.lastStepOnly ? 1 : 0);
  }

  gradSumSquares(): number { return this.optimizer.gradSumSquares(); }
  optimizerState(): OptimizerState { return this.optimizer.state(); }
  setOptimizerState(s: OptimizerState): void { this.optimizer.setState(s); }

  seedDropout(seed: number): void {
    this.k.seedDropout(seed >>> 0);
  }

  /** h_1..h_T of a layer, [T, B, H] (copy). */
  hidden(layer: number): Float32Array {
    this.checkLayer(layer);
    return this.f32(this.k.hiddenPtr(layer), this.steps * this.batch * this.spec.hiddenSize).slice();
  }
  /** LSTM c_1..c_T, [T, B, H] (copy). */
  cellState(layer: number): Float32Array {
    this.checkLayer(layer);
    if (this.spec.cell !== 'lstm') throw new Error(`cellState: a ${this.spec.cell} has no cell state`);
    return this.f32(this.k.cellStatePtr(layer), this.steps * this.batch * this.spec.hiddenSize).slice();
  }
  /** Post-activation gates, [T, B, G·H] in Keras order (LSTM i, f, g, o; GRU z, r, n; RNN h). */
  gates(layer: number): Float32Array {
    this.checkLayer(layer);
    return this.f32(this.k.gatesPtr(layer), this.steps * this.batch * gatesOf(this.spec.cell) * this.spec.hiddenSize).slice();
  }
  /** ‖∂L/∂h_t‖ per timestep after the last backward, [T]. */
  dhNorm(layer: number): Float32Array {
    this.checkLayer(layer);
    return this.f32(this.k.dhNormPtr(layer), this.steps).slice();
  }
  /** LSTM ‖∂L/∂c_t‖ per timestep after the last backward, [T]. */
  dcNorm(layer: number): Float32Array {
    this.checkLayer(layer);
    if (this.spec.cell !== 'lstm') throw new Error(`dcNorm: a ${this.spec.cell} has no cell state`);
    return this.f32(this.k.dcNormPtr(layer), this.steps).slice();
  }
  /** Dropout mask of a layer's output from the last training forward, [T, B, H] (0 or 1/(1−rate)); null if none. */
  dropoutMask(layer: number): Float32Array | null {
    this.checkLayer(layer);
    const ptr = this.k.dropoutMaskPtr(layer);
    return ptr ? this.f32(ptr, this.steps * this.batch * this.spec.hiddenSize).slice() : null;
  }
  /** [T or 1, B, outputSize], time-major: softmax probabilities (xent) or predictions (mse). */
  outputs(): Float32Array {
    return this.f32(this.k.outputsPtr(), this.k.outputRows() * this.spec.outputSize).slice();
  }
  /** xent: predicted positions of the last forward whose argmax equals the target. */
  correct(): number {
    return this.k.correct();
  }
  resetState(): void {
    this.k.resetState();
  }
  dispose(): void {
    this.kernel = null;
    this.paramsView = null;
    this.gradsView = null;
  }
}

function validateShape(spec: ModelSpec, batch: number, steps: number): void {
  const positive: [string, number][] = [['batch', batch], ['steps', steps], ['inputSize', spec.inputSize],
    ['hiddenSize', spec.hiddenSize], ['layers', spec.layers], ['outputSize', spec.outputSize]];
  if (spec.input === 'tokens') positive.push(['embedSize', spec.embedSize]);
  for (const [name, v] of positive)
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${v}`);
  if (!(spec.dropout >= 0 && spec.dropout < 1)) throw new RangeError(`dropout must be in [0, 1), got ${spec.dropout}`);
}

function expectLength(name: string, a: ArrayLike<number>, n: number): void {
  if (a.length !== n) throw new RangeError(`${name} has ${a.length} values, expected ${n}`);
}

function checkIds(name: string, ids: Int32Array, limit: number): void {
  for (let i = 0; i < ids.length; i++)
    if (ids[i] < 0 || ids[i] >= limit) throw new RangeError(`${name}[${i}] = ${ids[i]} is outside 0..${limit - 1}`);
}
