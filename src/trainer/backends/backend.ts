// The one interface every compute backend implements (wasm kernels now, TensorFlow.js next).
// The training loop only talks to this: it never sees threads, wasm memory or tensors.

import type { ModelSpec } from '../model';

export type Batch = { x: Int32Array | Float32Array; y: Int32Array | Float32Array; size: number };

export interface OptimizerSettings {
  kind: 'adam' | 'rmsprop' | 'sgd';
  learningRate: number;
  momentum: number;
  /** Global-norm clipping threshold; 0 = off. */
  clipNorm: number;
  /** Element-wise clipping threshold; 0 = off. */
  clipValue: number;
}

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

export interface OptimizerState {
  step: number;
  slots: Float32Array[];
}

/** Token-by-token forward with carried state, for sampling text. */
export interface Stepper {
  reset(): void;
  /** Feed one token, get the output distribution (xent) or prediction (mse) after it. */
  step(token: number): Float32Array;
}

export interface Backend {
  readonly name: string;
  /** Human-readable engine detail, e.g. 'wasm relaxed-simd · 2 threads'. */
  readonly device: string;
  readonly spec: ModelSpec;
  readonly paramCount: number;
  getParams(): Float32Array;
  setParams(p: Float32Array): void;
  getOptimizerState(): OptimizerState;
  setOptimizerState(s: OptimizerState): void;
  /** One optimizer step on a batch of `batch.size` examples. */
  trainStep(batch: Batch, opt: OptimizerSettings, dropoutSeed: number): Promise<StepResult>;
  evaluate(batch: Batch): EvalResult;
  diagnose(batch: Batch): DiagnoseResult;
  stepper(): Stepper;
  dispose(): Promise<void>;
}
