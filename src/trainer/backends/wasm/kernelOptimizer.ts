// The optimizer half of a kernel instance's host side (kernels/optimizers.ts through the entry's exports):
// Adam, RMSprop and SGD steps with Keras defaults, and the optimizer state for checkpoints. Written against the
// exports both seqlab.wasm and seq2seq.wasm have, so either host class can hold one.
import { checkOptimizerState, KERAS_ADAM, KERAS_RMSPROP, OPTIMIZER_SLOTS, type OptimizerSettings, type OptimizerState } from '../optimizer';

export interface OptimizerExports {
  memory: { readonly buffer: ArrayBuffer };
  gradSumSquares(): number;
  scaleGrads(s: number): void;
  clipGradsValue(c: number): void;
  adam(lr: number, beta1: number, beta2: number, eps: number): void;
  rmsprop(lr: number, rho: number, eps: number): void;
  sgd(lr: number, momentum: number): void;
  optimizerStep(): number;
  setOptimizerStep(step: number): void;
  optimizerSlotPtr(i: number): number;
}

export class KernelOptimizer {
  private slotCount = 0;
  constructor(private readonly k: () => OptimizerExports, private readonly paramCount: number) {}

  gradSumSquares(): number { return this.k().gradSumSquares(); }
  scaleGrads(s: number): void { this.k().scaleGrads(s); }
  clipGradsValue(c: number): void { this.k().clipGradsValue(c); }

  adam(lr: number, beta1: number = KERAS_ADAM.beta1, beta2: number = KERAS_ADAM.beta2, eps: number = KERAS_ADAM.epsilon): void {
    this.slotCount = OPTIMIZER_SLOTS.adam;
    this.k().adam(lr, beta1, beta2, eps);
  }
  rmsprop(lr: number, rho: number = KERAS_RMSPROP.rho, eps: number = KERAS_RMSPROP.epsilon): void {
    this.slotCount = OPTIMIZER_SLOTS.rmsprop;
    this.k().rmsprop(lr, rho, eps);
  }
  sgd(lr: number, momentum: number): void {
    this.slotCount = OPTIMIZER_SLOTS.sgd;
    this.k().sgd(lr, momentum);
  }

  private slot(i: number): Float32Array {
    const k = this.k();
    return new Float32Array(k.memory.buffer, k.optimizerSlotPtr(i), this.paramCount);
  }
  /** Copies of the slots (Adam: [m, v]; RMSprop: [v]; SGD: [velocity]; [] before the first update) and the step count. */
  state(): OptimizerState {
    const slots: Float32Array[] = [];
    for (let i = 0; i < this.slotCount; i++) slots.push(this.slot(i).slice());
    return { step: this.k().optimizerStep(), slots };
  }
  setState(s: OptimizerState): void {
    checkOptimizerState(s, this.paramCount);
    s.slots.forEach((v, i) => this.slot(i).set(v));
    this.k().setOptimizerStep(s.step);
    this.slotCount = s.slots.length;
  }
}

/** The optimizer part of a training step (Backend.trainStep's semantics): global-norm and value clipping, then the update. */
export function applyOptimizer(o: KernelOptimizer, s: OptimizerSettings): { gradNorm: number; clipped: boolean } {
  const gradNorm = Math.sqrt(o.gradSumSquares());
  if (!Number.isFinite(gradNorm)) return { gradNorm, clipped: false };
  let clipped = false;
  if (s.clipNorm > 0 && gradNorm > s.clipNorm) {
    o.scaleGrads(s.clipNorm / gradNorm);
    clipped = true;
  }
  if (s.clipValue > 0) o.clipGradsValue(s.clipValue);
  switch (s.kind) {
    case 'adam': o.adam(s.learningRate); break;
    case 'rmsprop': o.rmsprop(s.learningRate); break;
    case 'sgd': o.sgd(s.learningRate, s.momentum); break;
  }
  return { gradNorm, clipped };
}
