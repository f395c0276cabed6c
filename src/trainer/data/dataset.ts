// The contract between the data loaders and the training loop: one `Dataset` interface for text,
// CSV and synthetic data, so the loop, the CLI and the charts never switch on the data kind.
//
// A dataset is a fixed, numbered set of examples per split. The loop shuffles and draws indices in
// [0, trainSize) and [0, validationSize) and asks `batch` for the arrays; nothing here is random
// once loaded (synthetic examples are a pure function of (seed, split, index)).
//
// Batch layout (batch-major, the layout of docs/kernel-contract.md and src/trainer/model.ts):
//   x  input 'tokens' → Int32Array  [B, steps]               token ids in [0, inputSize)
//      input 'dense'  → Float32Array [B, steps, inputSize]
//   y  loss 'xent', head 'every' → Int32Array  [B, steps]     class ids in [0, outputSize)
//      loss 'xent', head 'last'  → Int32Array  [B]
//      loss 'mse',  head 'every' → Float32Array [B, steps, outputSize]
//      loss 'mse',  head 'last'  → Float32Array [B, outputSize]
//
// What an example is, per kind:
//   text       non-overlapping windows of `sequenceLength` tokens (stride = steps), targets the next
//              token at every step; one epoch over the windows covers the corpus once, each epoch
//              from another start offset (text.ts)
//   csv        every start position i of a `lookback`-row window, target `horizon` rows after the
//              window's last row; values z-scored with training-rows statistics (csv.ts)
//   synthetic  generated examples of a benchmark task, regenerated on demand (synthetic.ts)
// Splits are contiguous for text and CSV (the tail validates, so nothing of it leaks into training)
// and independent random streams for synthetic tasks.

import type { Normalization } from '../../runs/runFiles';
import type { HeadKind, InputKind, LossKind } from '../model';
import { DataError } from './dataError';

export type Split = 'train' | 'validation';

export interface Baseline {
  /** The reference value, in the units of the training loss (or a fraction for accuracy). */
  value: number;
  metric: 'mse' | 'xent' | 'accuracy';
  /** What the reference is and where it comes from, for a chart legend. */
  label: string;
}

export interface Batch {
  x: Int32Array | Float32Array;
  y: Int32Array | Float32Array;
}

export interface Dataset {
  kind: 'text' | 'csv' | 'synthetic';
  /** `text`, `csv`, or the synthetic task name. */
  task: string;
  input: InputKind;
  /** Vocabulary size (tokens) or number of input features (dense). */
  inputSize: number;
  /** Number of classes (xent) or of predicted values (mse). */
  outputSize: number;
  head: HeadKind;
  loss: LossKind;
  /** Timesteps T of every example. */
  steps: number;
  /** Number of training examples (text: windows; csv: window start positions). */
  trainSize: number;
  /** Number of validation examples; 0 when validationSplit is 0. */
  validationSize: number;
  /** Fill a batch with the examples `indices` of `split`, in that order (layout in the file header).
   *  `epoch` (training only, default 0): text windows start at an offset that changes with it (text.ts). */
  batch(split: Split, indices: ArrayLike<number>, epoch?: number): Batch;
  /** A reference line for the loss chart: what a model without memory or learning achieves. */
  baseline?: Baseline;
  /** Token strings, index = id (text and token-input synthetic tasks). */
  vocabulary?: string[];
  /** Names of the output classes (xent) or predicted values (mse), index = output unit. */
  outputNames?: string[];
  /** Names of the input features in x order (CSV). */
  featureNames?: string[];
  /** The z-scores applied to inputs and targets (CSV); saved with the weights for exports. */
  normalization?: Normalization;
  /** Token ids → display string (text and token tasks). */
  decode?(ids: ArrayLike<number>): string;
  /** Undo the target normalisation of output unit `targetIndex` (csv), into a new array. */
  denormalize?(values: Float32Array, targetIndex: number): Float32Array;
  /** Prompt → token ids, unknown tokens → the `<unk>` id (text). */
  encode?(text: string): Int32Array;
  /** One line for the CLI and the run log. */
  describe(): string;
}

/** Allocates the x and y arrays of a batch of `count` examples with the dataset's shapes. */
export function allocateBatch(
  shape: Pick<Dataset, 'input' | 'inputSize' | 'outputSize' | 'head' | 'loss' | 'steps'>,
  count: number,
): Batch {
  const xLength = count * shape.steps * (shape.input === 'dense' ? shape.inputSize : 1);
  const yLength = count * (shape.head === 'every' ? shape.steps : 1) * (shape.loss === 'mse' ? shape.outputSize : 1);
  return {
    x: shape.input === 'tokens' ? new Int32Array(xLength) : new Float32Array(xLength),
    y: shape.loss === 'xent' ? new Int32Array(yLength) : new Float32Array(yLength),
  };
}

/** Throws a RangeError (a caller bug, not a data problem) unless `index` names an example of the split. */
export function checkIndex(index: number, size: number, split: Split): void {
  if (!Number.isInteger(index) || index < 0 || index >= size) {
    throw new RangeError(`${split} example index ${index} is outside [0, ${size})`);
  }
}

export function checkValidationSplit(split: number): void {
  if (!(split >= 0 && split < 1)) {
    throw new DataError(`validationSplit is ${split}`, 'Set validationSplit to a fraction in [0, 1), for example 0.1', { field: 'validationSplit' });
  }
}

/** Throws unless `value` is a whole number ≥ `min` (the schema checks this too; a direct caller may not). */
export function checkWholeNumber(value: number, min: number, field: string): void {
  if (!Number.isInteger(value) || value < min) {
    throw new DataError(`${field} is ${value}`, `Set ${field} to a whole number ≥ ${min}`, { field });
  }
}
