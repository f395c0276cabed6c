// The contract between the data loaders and the training loop. Each data kind is its own type
// (TextDataset, CsvDataset, SyntheticDataset; the union is `Dataset` in index.ts), so what only one
// kind has (decode, encode, denormalize) is there without a `!`, and its batches have the array types
// of its input and loss (batch layout: src/trainer/batch.ts).
//
// A dataset is a fixed, numbered set of examples per split. The loop shuffles and draws indices in
// [0, trainSize) and [0, validationSize) and asks `batch` for the arrays; nothing here is random
// once loaded (synthetic examples are a pure function of (seed, split, index)).
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

import type { Baseline } from '../../shared/metrics';
import type { Normalization } from '../../runs/runFiles';
import type { Batch, ExampleShape, InputArray, TargetArray } from '../batch';
import type { InputKind, LossKind } from '../model';
import { DataError } from './dataError';

export type { Baseline };

export type Split = 'train' | 'validation';

/** What every data kind has, whatever its batches B hold. */
export interface DatasetBase<B> {
  /** `text`, `csv`, or the synthetic task's name (RunInfo.task). */
  task: string;
  /** Number of training examples (text: windows; csv: window start positions). */
  trainSize: number;
  /** Number of validation examples; 0 when validationSplit is 0. */
  validationSize: number;
  /** The examples `indices` of `split`, in that order. `epoch` (training only, default 0): text
   *  windows start at an offset that changes with it (text.ts). */
  batch(split: Split, indices: ArrayLike<number>, epoch?: number): B;
  /** A reference line for the loss chart: what a model without memory or learning achieves. */
  baseline?: Baseline;
  /** One line for the CLI and the run log. */
  describe(): string;
}

/** Examples that are one sequence each, with an input kind I and a loss L (the single-stream models). */
export interface SequenceDataset<I extends InputKind = InputKind, L extends LossKind = LossKind>
  extends DatasetBase<Batch<InputArray<I>, TargetArray<L>>>, ExampleShape<I, L> {
  // What the saved weights record beside the parameters, for `seqlab export` (absent where a kind has none):
  /** Token strings, index = id (text and token-input synthetic tasks). */
  vocabulary?: string[];
  /** Names of the output classes (xent) or predicted values (mse), index = output unit. */
  outputNames?: string[];
  /** Names of the input features in x order (CSV). */
  featureNames?: string[];
  /** The z-scores applied to inputs and targets (CSV). */
  normalization?: Normalization;
}

/** Token input, class targets; `decode` turns ids into the text a person reads. */
export interface TokenDataset extends SequenceDataset<'tokens', 'xent'> {
  vocabulary: string[];
  /** Token ids → display string. */
  decode(ids: ArrayLike<number>): string;
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
