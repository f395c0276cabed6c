// One batch of examples, as the data loaders fill it and every backend consumes it. Batch-major, the
// layout of docs/kernel-contract.md:
//   x  input 'tokens' → Int32Array  [B, steps]               token ids in [0, inputSize)
//      input 'dense'  → Float32Array [B, steps, inputSize]
//   y  loss 'xent', head 'every' → Int32Array  [B, steps]     class ids in [0, outputSize)
//      loss 'xent', head 'last'  → Int32Array  [B]
//      loss 'mse',  head 'every' → Float32Array [B, steps, outputSize]
//      loss 'mse',  head 'last'  → Float32Array [B, outputSize]

import type { HeadKind, InputKind, LossKind } from './model';

/** The array type of x for an input kind. */
export type InputArray<I extends InputKind> = I extends 'tokens' ? Int32Array : Float32Array;
/** The array type of y for a loss. */
export type TargetArray<L extends LossKind> = L extends 'xent' ? Int32Array : Float32Array;

export interface Batch<X extends Int32Array | Float32Array = Int32Array | Float32Array, Y extends Int32Array | Float32Array = Int32Array | Float32Array> {
  x: X;
  y: Y;
  /** Examples B in the batch. */
  size: number;
}

/** The shape every example of a dataset has, and that a model is built for. */
export interface ExampleShape<I extends InputKind = InputKind, L extends LossKind = LossKind> {
  input: I;
  /** Vocabulary size (tokens) or number of input features (dense). */
  inputSize: number;
  /** Number of classes (xent) or of predicted values (mse). */
  outputSize: number;
  head: HeadKind;
  loss: L;
  /** Timesteps T of every example. */
  steps: number;
}

/** Allocates the x and y arrays of a batch of `count` examples of `shape`. */
export function allocateBatch<I extends InputKind, L extends LossKind>(shape: ExampleShape<I, L>, count: number): Batch<InputArray<I>, TargetArray<L>> {
  const xLength = count * shape.steps * (shape.input === 'dense' ? shape.inputSize : 1);
  const yLength = count * (shape.head === 'every' ? shape.steps : 1) * (shape.loss === 'mse' ? shape.outputSize : 1);
  // the conditional types follow input and loss exactly as these two lines do
  const x = (shape.input === 'tokens' ? new Int32Array(xLength) : new Float32Array(xLength)) as InputArray<I>;
  const y = (shape.loss === 'xent' ? new Int32Array(yLength) : new Float32Array(yLength)) as TargetArray<L>;
  return { x, y, size: count };
}
