// The optimizers every backend implements, one home for what they share: the settings of a step,
// the state a checkpoint saves, how many per-parameter slots each keeps, and Keras's default
// hyper-parameters. The update rules themselves are Keras's, written in kernels/seqlab.ts (wasm)
// and in TfjsBackend.applyOptimizer (the same order of f32 operations).

import type { OptimizerKind } from '../../shared/config';

export interface OptimizerSettings {
  kind: OptimizerKind;
  learningRate: number;
  momentum: number;
  /** Global-norm clipping threshold; 0 = off. */
  clipNorm: number;
  /** Element-wise clipping threshold; 0 = off. */
  clipValue: number;
}

export interface OptimizerState {
  step: number;
  /** Adam: [m, v]; RMSprop: [v]; SGD: [velocity]; [] before the first update. */
  slots: Float32Array[];
}

/** Per-parameter slots of each optimizer (Adam m and v; RMSprop v; SGD velocity). */
export const OPTIMIZER_SLOTS: Record<OptimizerKind, number> = { adam: 2, rmsprop: 1, sgd: 1 };

/** The most slots any optimizer keeps: what a checkpoint may hold. */
export const MAX_OPTIMIZER_SLOTS = Math.max(...Object.values(OPTIMIZER_SLOTS));

/** tf.keras.optimizers.Adam's defaults (the reference fixtures train with them too). */
export const KERAS_ADAM = { beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } as const;

/** tf.keras.optimizers.RMSprop's defaults. */
export const KERAS_RMSPROP = { rho: 0.9, epsilon: 1e-7 } as const;

/** Throws a RangeError unless `state` can be the optimizer state of a model with `paramCount` parameters. */
export function checkOptimizerState(state: OptimizerState, paramCount: number): void {
  if (state.slots.length > MAX_OPTIMIZER_SLOTS) {
    throw new RangeError(`at most ${MAX_OPTIMIZER_SLOTS} optimizer slots, got ${state.slots.length}`);
  }
  state.slots.forEach((slot, i) => {
    if (slot.length !== paramCount) throw new RangeError(`slot ${i} has ${slot.length} values, expected ${paramCount}`);
  });
}
