// The interfaces every compute backend implements (our wasm kernels, TensorFlow.js). The training
// loop only talks to these: it never sees threads, wasm memory or tensors.

import type { Batch } from '../batch';
import type { ModelSpec } from '../model';
import type { OptimizerSettings, OptimizerState } from './optimizer';

export type { Batch } from '../batch';
export type { OptimizerSettings, OptimizerState } from './optimizer';

export interface StepResult {
  loss: number;
  /** Global L2 norm of the gradient before clipping. */
  gradNorm: number;
  clipped: boolean;
}

export interface EvalResult {
  loss: number;
  /** Positions whose argmax equals the target (classification), over `positions`. */
  correct: number;
  positions: number;
  /** Time-major outputs [T or 1, B, out]: probabilities (xent) or predictions (mse). */
  outputs: Float32Array;
}

export interface LayerTrace {
  hidden: Float32Array; // [T, B, H]
  cell?: Float32Array; // LSTM [T, B, H]
  gates?: Float32Array; // [T, B, G*H]
  dh: Float32Array; // [T]  ‖∂L/∂h_t‖
  dhLast: Float32Array; // [T]  ‖∂L_T/∂h_t‖
  dc?: Float32Array; // [T]  ‖∂L/∂c_t‖ (LSTM)
}

export interface DiagnoseResult {
  loss: number;
  layers: LayerTrace[];
  /** Flat gradient of the full loss on the probe batch (for per-parameter norms). */
  grads: Float32Array;
}

/** Token-by-token forward with carried state, for sampling text. */
export interface Stepper {
  reset(): void;
  /** Feed one token, get the output distribution (xent) or prediction (mse) after it. */
  step(token: number): Float32Array;
}

/**
 * What the training loop and the run session need of any model kind: parameters, optimizer state and
 * a step on a batch of type B. A model kind with other batches (an encoder–decoder on source/target
 * pairs) extends this with its own evaluation methods, as `Backend` does for one stream.
 */
export interface TrainableModel<B> {
  readonly name: string;
  /** Human-readable engine detail, e.g. 'wasm relaxed-simd · 2 threads'. */
  readonly device: string;
  readonly paramCount: number;
  getParams(): Float32Array;
  setParams(p: Float32Array): void;
  getOptimizerState(): OptimizerState;
  setOptimizerState(s: OptimizerState): void;
  /** One optimizer step on a batch of examples. */
  trainStep(batch: B, opt: OptimizerSettings, dropoutSeed: number): Promise<StepResult>;
  dispose(): Promise<void>;
}

/** A single-stream sequence model (an RNN, LSTM or GRU stack with its head) on one engine. */
export interface Backend extends TrainableModel<Batch> {
  readonly spec: ModelSpec;
  evaluate(batch: Batch): EvalResult;
  diagnose(batch: Batch): DiagnoseResult;
  stepper(): Stepper;
}
