// Host side of the encoder–decoder kernels (kernels/seq2seq.ts): one instance per shape (spec, batch,
// source length S, target length T), typed views on its memory, input checks, and the kernel's
// reading-order results turned into what callers index by: source positions, batch-major.
// Inputs: source [B, S] and target [B, T] Int32 ids, 0 = <pad>; a target row is y_1 … y_n </s> then padding
// (the decoder reads <s> y_1 … y_n: teacher forcing). Loss = mean over the real target tokens.
import { type CellKind } from '../../shared/config';
import { assertSeq2seqSpec, directionsOf, seq2seqParamCount, type AttentionKind, type Seq2seqSpec } from '../../shared/seq2seqSpec';
import { instantiateKernels, relaxedSimdAvailable, type KernelVariant } from '../backends/wasm/kernelLoader';
import type { OptimizerState } from '../backends/optimizer';
import { KernelOptimizer, type OptimizerExports } from '../backends/wasm/kernelOptimizer';

/** The exports of kernels/seq2seq.ts (pointers are byte offsets into memory). */
export interface Seq2seqExports extends OptimizerExports {
  init(sourceVocab: number, sourceEmbed: number, targetVocab: number, targetEmbed: number, encCell: number, layers: number,
       encHidden: number, bidirectional: number, decCell: number, decHidden: number, attention: number, attentionSize: number,
       inputFeeding: number, reverseSource: number, bosId: number, batch: number, sourceLength: number, targetLength: number): number;
  setLengths(sourceLength: number, targetLength: number): number;
  setDropout(p: number, seed: number, row0: number): void;
  dropMaskPtr(): number;
  forward(): number;
  lossAndGrads(): number;
  encode(): void;
  decodeStep(): void;
  paramCount(): number;
  paramsPtr(): number;
  gradsPtr(): number;
  sourcePtr(): number;
  targetPtr(): number;
  tokenCount(): number;
  correct(): number;
  argmaxPtr(): number;
  outputsPtr(): number;
  attentionPtr(): number;
  encHiddenPtr(layer: number, dir: number): number;
  encDhNormPtr(layer: number, dir: number): number;
  encDcNormPtr(layer: number, dir: number): number;
  decHiddenPtr(layer: number): number;
  decDcNormPtr(layer: number): number;
  decDhNormPtr(layer: number): number;
  stepTokensPtr(): number;
  stateHPtr(layer: number): number;
  stateCPtr(layer: number): number;
  feedPtr(): number;
  peerGradsPtr(): number;
  mixPeerGrads(a: number, b: number): void;
}

const CELL_CODE: Record<CellKind, number> = { rnn: 0, lstm: 1, gru: 2 };
const ATTENTION_CODE: Record<AttentionKind, number> = { none: 0, additive: 1, dot: 2, general: 3 };

export interface Seq2seqShape { batch: number; sourceLength: number; targetLength: number }

/** A fresh kernel instance for the shape; throws when the spec or the shape cannot be built. */
export function instantiateSeq2seq(spec: Seq2seqSpec, shape: Seq2seqShape, relaxedSimd?: boolean): { k: Seq2seqExports; variant: KernelVariant } {
  assertSeq2seqSpec(spec);
  for (const [name, v] of Object.entries(shape))
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${v}`);
  const available = relaxedSimdAvailable();
  if (relaxedSimd === true && !available) throw new Error('relaxed SIMD was requested but this engine rejects it (Node 20 needs --experimental-wasm-relaxed-simd)');
  const variant: KernelVariant = (relaxedSimd ?? available) ? 'relaxed-simd' : 'simd';
  const k = instantiateKernels(variant, 'seq2seq') as unknown as Seq2seqExports;
  const e = spec.encoder, d = spec.decoder;
  const n = k.init(spec.sourceVocab, spec.sourceEmbed, spec.targetVocab, spec.targetEmbed, CELL_CODE[e.cell], e.layers, e.hiddenSize,
    e.bidirectional ? 1 : 0, CELL_CODE[d.cell], d.hiddenSize, ATTENTION_CODE[spec.attention], spec.attentionSize,
    spec.inputFeeding ? 1 : 0, spec.reverseSource ? 1 : 0, spec.bosId, shape.batch, shape.sourceLength, shape.targetLength);
  if (n !== seq2seqParamCount(spec)) throw new Error(`seq2seq kernel counts ${n} parameters, seq2seqLayout ${seq2seqParamCount(spec)}: rebuild the kernels`);
  return { k, variant };
}

/** Per-position diagnostics of the last lossAndGrads, by source position and batch-major. */
export interface Seq2seqDiagnosis {
  loss: number;
  /** [layer][dir][S] ‖∂L/∂h‖ over the batch at each source position (dir 1: the backward direction). */
  encDhNorm: Float32Array[][];
  /** [layer][T] ‖∂L/∂h_t‖ over the batch at each decoder step. */
  decDhNorm: Float32Array[];
  /** LSTM encoder / decoder (else null): ‖∂L/∂c‖, the cell state's total gradient, as encDhNorm / decDhNorm. */
  encDcNorm: Float32Array[][] | null;
  decDcNorm: Float32Array[] | null;
  /** [B, T, S] attention weights; empty without attention. */
  attention: Float32Array;
  /** [layer][dir] [B, S, He] and [layer] [B, T, Hd]. */
  encHidden: Float32Array[][];
  decHidden: Float32Array[];
  grads: Float32Array;
}

export class Seq2seqModel {
  readonly paramCount: number;
  readonly optimizer: KernelOptimizer;
  private kernel: Seq2seqExports | null;

  private current: Seq2seqShape;

  private constructor(readonly spec: Seq2seqSpec, readonly capacity: Seq2seqShape, readonly variant: KernelVariant, k: Seq2seqExports) {
    this.current = capacity;
    this.kernel = k;
    this.paramCount = k.paramCount();
    this.optimizer = new KernelOptimizer(() => this.k, this.paramCount);
  }

  static create(opts: { spec: Seq2seqSpec; relaxedSimd?: boolean } & Seq2seqShape): Seq2seqModel {
    const shape = { batch: opts.batch, sourceLength: opts.sourceLength, targetLength: opts.targetLength };
    const { k, variant } = instantiateSeq2seq(opts.spec, shape, opts.relaxedSimd);
    return new Seq2seqModel(opts.spec, shape, variant, k);
  }

  private get k(): Seq2seqExports {
    if (!this.kernel) throw new Error('Seq2seqModel used after dispose()');
    return this.kernel;
  }
  private f32(ptr: number, length: number): Float32Array { return new Float32Array(this.k.memory.buffer, ptr, length); }
  private i32(ptr: number, length: number): Int32Array { return new Int32Array(this.k.memory.buffer, ptr, length); }

  /** The shape of the batches it takes now: the built one, or shorter lengths after setLengths. */
  get shape(): Seq2seqShape { return this.current; }

  /** Steps of the batches that follow, at most the built ones: a batch padded to its own longest pair costs
   *  its own lengths, not the dataset's. Every view (states, norms, attention) then has these lengths. */
  setLengths(sourceLength: number, targetLength: number): void {
    if (sourceLength === this.current.sourceLength && targetLength === this.current.targetLength) return;
    const { sourceLength: S, targetLength: T } = this.capacity;
    if (this.k.setLengths(sourceLength, targetLength) !== 0)
      throw new RangeError(`lengths ${sourceLength} × ${targetLength} do not fit this instance (source 1..${S}, target 1..${T})`);
    this.current = { batch: this.capacity.batch, sourceLength, targetLength };
  }

  /**
   * Dropout on the output layer's input (the decoder's top state, or h̃_t with attention) in the lossAndGrads that
   * follow: rate p (0 = off), the training step's seed, and the batch row this instance's row 0 is (a worker's
   * share), by which each row's mask is drawn: any split of a batch over threads draws the same masks.
   */
  setDropout(p: number, seed: number, row0 = 0): void {
    if (!(p >= 0 && p < 1)) throw new RangeError(`dropout must be in [0, 1), got ${p}`);
    this.k.setDropout(p, seed >>> 0, row0);
  }
  /** [B, T, Hd] the keep-mask (0 or 1/(1−p)) of the last lossAndGrads with dropout. */
  dropoutMask(): Float32Array {
    const { batch: B, targetLength: T } = this.shape, Hd = this.spec.decoder.hiddenSize, ptr = this.k.dropMaskPtr();
    if (ptr === 0) throw new Error('dropoutMask: no lossAndGrads with dropout yet');
    return batchMajor(this.f32(ptr, T * B * Hd), T, B, Hd, false);
  }

  /** Live view of the flat parameter vector (seq2seqLayout order). */
  params(): Float32Array { return this.f32(this.k.paramsPtr(), this.paramCount); }
  /** Live view of the gradients of the last lossAndGrads. */
  grads(): Float32Array { return this.f32(this.k.gradsPtr(), this.paramCount); }

  /** source [B, S], target [B, T], batch-major ids (0 = <pad>); every source row needs a token. */
  setBatch(source: Int32Array, target: Int32Array): void {
    const { batch: B, sourceLength: S, targetLength: T } = this.shape;
    checkIds('source', source, B * S, this.spec.sourceVocab);
    checkIds('target', target, B * T, this.spec.targetVocab);
    checkSourceRows(source, B, S);
    this.i32(this.k.sourcePtr(), B * S).set(source);
    this.i32(this.k.targetPtr(), B * T).set(target);
  }

  /** Loss of the current batch (teacher forcing), no gradients. */
  forward(): number { return this.k.forward(); }
  /** Loss and gradients (into grads()). */
  lossAndGrads(): number { return this.k.lossAndGrads(); }

  /** Real target tokens of the last forward, and those whose argmax was the target. */
  tokens(): number { return this.k.tokenCount(); }
  correct(): number { return this.k.correct(); }
  /** [B, T] argmax of each output distribution of the last forward. */
  argmax(): Int32Array { return batchMajor(this.i32(this.k.argmaxPtr(), this.shape.targetLength * this.shape.batch), this.shape.targetLength, this.shape.batch, 1, false); }
  /** [B, T, V] output probabilities of the last forward. */
  probabilities(): Float32Array {
    const { batch: B, targetLength: T } = this.shape, V = this.spec.targetVocab;
    return batchMajor(this.f32(this.k.outputsPtr(), T * B * V), T, B, V, false);
  }

  /** [B, T, S] attention weights of the last forward by source position; empty without attention. */
  attention(): Float32Array {
    const { batch: B, sourceLength: S, targetLength: T } = this.shape;
    if (this.spec.attention === 'none') return new Float32Array(0);
    const a = this.f32(this.k.attentionPtr(), T * B * S), out = new Float32Array(B * T * S);
    for (let t = 0; t < T; t++)
      for (let b = 0; b < B; b++)
        for (let s = 0; s < S; s++) out[(b * T + t) * S + this.position(s)] = a[(t * B + b) * S + s];
    return out;
  }
  /** [B, S, He] encoder states of a layer and direction, by source position. */
  encoderHidden(layer: number, dir: number): Float32Array {
    this.checkLayer(layer, dir);
    const { batch: B, sourceLength: S } = this.shape, He = this.spec.encoder.hiddenSize;
    return batchMajor(this.f32(this.k.encHiddenPtr(layer, dir), S * B * He), S, B, He, this.spec.reverseSource);
  }
  /** [B, T, Hd] decoder states h_1 … h_T of a layer. */
  decoderHidden(layer: number): Float32Array {
    this.checkLayer(layer, 0);
    const { batch: B, targetLength: T } = this.shape, Hd = this.spec.decoder.hiddenSize;
    return batchMajor(this.f32(this.k.decHiddenPtr(layer), T * B * Hd), T, B, Hd, false);
  }
  /** [S] ‖∂L/∂h‖ at each source position, after lossAndGrads. */
  encoderDhNorm(layer: number, dir: number): Float32Array {
    this.checkLayer(layer, dir);
    const S = this.shape.sourceLength, v = this.f32(this.k.encDhNormPtr(layer, dir), S), out = new Float32Array(S);
    for (let s = 0; s < S; s++) out[this.position(s)] = v[s];
    return out;
  }
  /** [T] ‖∂L/∂h_t‖ at each decoder step, after lossAndGrads. */
  decoderDhNorm(layer: number): Float32Array {
    this.checkLayer(layer, 0);
    return this.f32(this.k.decDhNormPtr(layer), this.shape.targetLength).slice();
  }
  /** LSTM encoder: [S] ‖∂L/∂c‖ at each source position, after lossAndGrads. */
  encoderDcNorm(layer: number, dir: number): Float32Array {
    this.checkLayer(layer, dir);
    if (this.spec.encoder.cell !== 'lstm') throw new Error(`encoderDcNorm: a ${this.spec.encoder.cell} encoder has no cell state`);
    const S = this.shape.sourceLength, v = this.f32(this.k.encDcNormPtr(layer, dir), S), out = new Float32Array(S);
    for (let s = 0; s < S; s++) out[this.position(s)] = v[s];
    return out;
  }
  /** LSTM decoder: [T] ‖∂L/∂c_t‖ at each decoder step, after lossAndGrads. */
  decoderDcNorm(layer: number): Float32Array {
    this.checkLayer(layer, 0);
    if (this.spec.decoder.cell !== 'lstm') throw new Error(`decoderDcNorm: a ${this.spec.decoder.cell} decoder has no cell state`);
    return this.f32(this.k.decDcNormPtr(layer), this.shape.targetLength).slice();
  }

  /** Loss, gradients and every per-position trace of the current batch (a probe pair for the charts). */
  diagnose(): Seq2seqDiagnosis {
    const loss = this.lossAndGrads(), L = this.spec.encoder.layers, dirs = directionsOf(this.spec);
    const layers = [...Array(L).keys()], directions = [...Array(dirs).keys()];
    return {
      loss,
      encDhNorm: layers.map((l) => directions.map((d) => this.encoderDhNorm(l, d))),
      decDhNorm: layers.map((l) => this.decoderDhNorm(l)),
      encDcNorm: this.spec.encoder.cell === 'lstm' ? layers.map((l) => directions.map((d) => this.encoderDcNorm(l, d))) : null,
      decDcNorm: this.spec.decoder.cell === 'lstm' ? layers.map((l) => this.decoderDcNorm(l)) : null,
      attention: this.attention(),
      encHidden: layers.map((l) => directions.map((d) => this.encoderHidden(l, d))),
      decHidden: layers.map((l) => this.decoderHidden(l)),
      grads: this.grads().slice(),
    };
  }

  /** grads ← a·grads + b·other (another rank's gradients, paramCount floats), in the kernel. */
  mixGrads(a: number, b: number, other: Float32Array): void {
    if (other.length !== this.paramCount) throw new RangeError(`expected ${this.paramCount} gradients, got ${other.length}`);
    const ptr = this.k.peerGradsPtr();   // may grow the memory on first use: views are taken after it
    this.f32(ptr, this.paramCount).set(other);
    this.k.mixPeerGrads(a, b);
  }

  gradSumSquares(): number { return this.optimizer.gradSumSquares(); }
  optimizerState(): OptimizerState { return this.optimizer.state(); }
  setOptimizerState(s: OptimizerState): void { this.optimizer.setState(s); }

  dispose(): void { this.kernel = null; }

  /** Source position of the encoder's reading position s. */
  private position(s: number): number { return this.spec.reverseSource ? this.shape.sourceLength - 1 - s : s; }
  private checkLayer(layer: number, dir: number): void {
    if (!Number.isInteger(layer) || layer < 0 || layer >= this.spec.encoder.layers)
      throw new RangeError(`layer ${layer} out of range 0..${this.spec.encoder.layers - 1}`);
    if (dir !== 0 && !(dir === 1 && this.spec.encoder.bidirectional)) throw new RangeError(`direction ${dir}: the encoder has ${directionsOf(this.spec)}`);
  }
}

/** [steps, B, width] time-major (steps in reading order when `reversed`) → [B, steps, width] by position (a copy). */
export function batchMajor<A extends Float32Array | Int32Array>(src: A, steps: number, B: number, width: number, reversed: boolean): A {
  const out = src.slice() as A;
  for (let s = 0; s < steps; s++) {
    const p = reversed ? steps - 1 - s : s;
    for (let b = 0; b < B; b++) out.set(src.subarray((s * B + b) * width, (s * B + b + 1) * width), (b * steps + p) * width);
  }
  return out;
}

export function checkIds(name: string, ids: Int32Array, length: number, vocab: number): void {
  if (!(ids instanceof Int32Array)) throw new TypeError(`${name} must be an Int32Array of token ids`);
  if (ids.length !== length) throw new RangeError(`${name} has ${ids.length} ids, expected ${length}`);
  for (let i = 0; i < ids.length; i++)
    if (ids[i] < 0 || ids[i] >= vocab) throw new RangeError(`${name}[${i}] = ${ids[i]} is outside 0..${vocab - 1}`);
}

export function checkSourceRows(source: Int32Array, B: number, S: number): void {
  for (let b = 0; b < B; b++) {
    let any = false;
    for (let s = 0; s < S && !any; s++) any = source[b * S + s] !== 0;
    if (!any) throw new RangeError(`source row ${b} is all <pad> (id 0): every pair needs a source token`);
  }
}
