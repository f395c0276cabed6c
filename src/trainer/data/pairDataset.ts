// The contract between the pairs data (a file: pairs.ts; a generated task: pairTasks.ts) and an
// encoder–decoder: numbered source/target pairs per split, and batches of them.
//
// Batch layout (batch-major like dataset.ts; B pairs, S = sourceSteps, T = targetSteps):
//   source         Int32Array [B, S]  x_1 … x_n, then <pad> (0); no <s> or </s> on the source
//   sourceLengths  Int32Array [B]     n ≥ 1, the steps the encoder reads
//   decoderInput   Int32Array [B, T]  <s> y_1 … y_m, then <pad>   (teacher forcing: step t reads y_t)
//   target         Int32Array [B, T]  y_1 … y_m </s>, then <pad>  (step t predicts this)
//   targetLengths  Int32Array [B]     m + 1, the steps that count in the loss and the metrics
// so the loss mask of step t is t < targetLengths[b], which is also target[b, t] ≠ <pad>. Specials:
// <pad> 0, <s> 1, </s> 2, <unk> 3 on both sides (pairVocabulary.ts).
// S and T are the dataset's longest source and longest target + 1 in `batch` (one shape for every
// batch, so buffers are allocated once), or this batch's longest in `batchToLongest` (less padding to
// step through when lengths vary a lot: most CMU dictionary words are 7 letters, the longest 28).
//
// Nothing here is random once loaded: a file's split is drawn at load time, a task's pair i of a
// split is a pure function of (seed, split, i).

import type { PairTask } from '../../shared/pairsConfig';
import type { Baseline, Split } from './dataset';
import { checkIndex } from './dataset';
import type { PairBaselines } from './pairBaseline';
import { BOS_ID, EOS_ID, type PairVocabulary } from './pairVocabulary';

/** Token ids of one pair, without <s> or </s>. */
export interface PairIds {
  source: Int32Array;
  target: Int32Array;
}

/** One pair as text, as the vocabularies tokenize it (a task's source reversed if so configured). */
export interface PairExample {
  source: string;
  target: string;
  /** File line of the pair (file data). */
  line?: number;
}

export interface PairBatch {
  /** B, the number of pairs. */
  size: number;
  /** S of this batch. */
  sourceSteps: number;
  /** T of this batch. */
  targetSteps: number;
  source: Int32Array;
  sourceLengths: Int32Array;
  decoderInput: Int32Array;
  target: Int32Array;
  targetLengths: Int32Array;
}

export interface PairsDataset {
  kind: 'pairs';
  /** `pairs` for a file, or the generated task. */
  task: 'pairs' | PairTask;
  /** File name, or the task's name with its settings. */
  title: string;
  trainSize: number;
  validationSize: number;
  sourceVocabulary: PairVocabulary;
  targetVocabulary: PairVocabulary;
  /** S: tokens of the longest source. */
  sourceSteps: number;
  /** T: tokens of the longest target, plus one for </s> (decoder steps). */
  targetSteps: number;
  /** The loss chart's reference (baselines.xent). */
  baseline: Baseline;
  baselines: PairBaselines;
  /** Pairs `indices` of `split`, in that order, S = sourceSteps and T = targetSteps (layout in the
   *  file header). The signature of DatasetBase<PairBatch>.batch; pairs do not change with the epoch. */
  batch(split: Split, indices: ArrayLike<number>): PairBatch;
  /** As `batch`, with S and T those of the longest pair among `indices`. */
  batchToLongest(split: Split, indices: ArrayLike<number>): PairBatch;
  ids(split: Split, index: number): PairIds;
  /**
   * The first validation pair with the same source as validation pair `index` (a file's source with
   * several targets: Tatoeba's "Go." → "Va !", "Marche.", …; a word with two pronunciations). Decoding
   * scores such a source once, against all its targets. Absent: every pair stands alone (the generated
   * tasks, whose pairs are independent draws of a source with one target).
   */
  firstWithSource?(index: number): number;
  example(split: Split, index: number): PairExample;
  /** One line for the CLI and the run log. */
  describe(): string;
}

/** What a loader provides; `pairsDataset` adds the batches and checks every index it is given. */
export type PairsDatasetParts = Omit<PairsDataset, 'kind' | 'batch' | 'batchToLongest'>;

export function pairsDataset(parts: PairsDatasetParts): PairsDataset {
  const size = (split: Split) => (split === 'train' ? parts.trainSize : parts.validationSize);
  const ids = (split: Split, index: number) => {
    checkIndex(index, size(split), split);
    return parts.ids(split, index);
  };
  return {
    kind: 'pairs',
    ...parts,
    ids,
    ...(parts.firstWithSource && {
      firstWithSource: (index: number) => {
        checkIndex(index, parts.validationSize, 'validation');
        return parts.firstWithSource!(index);
      },
    }),
    example(split, index) {
      checkIndex(index, size(split), split);
      return parts.example(split, index);
    },
    batch: (split, indices) => pairBatch(Array.from(indices, (index) => ids(split, index)), parts.sourceSteps, parts.targetSteps),
    batchToLongest: (split, indices) => pairBatch(Array.from(indices, (index) => ids(split, index))),
  };
}

/** Lays pairs out as a batch (file header); without S and T, as wide as its longest pair needs. */
export function pairBatch(pairs: readonly PairIds[], S?: number, T?: number): PairBatch {
  const B = pairs.length;
  const longestSource = pairs.reduce((m, p) => Math.max(m, p.source.length), 0);
  const longestTarget = pairs.reduce((m, p) => Math.max(m, p.target.length), 0) + 1;
  S ??= longestSource;
  T ??= longestTarget;
  if (longestSource > S || longestTarget > T) {
    throw new RangeError(`a pair of ${longestSource} source / ${longestTarget - 1} target tokens does not fit a batch of S ${S}, T ${T}`);
  }
  const batch: PairBatch = {
    size: B, sourceSteps: S, targetSteps: T,
    source: new Int32Array(B * S), sourceLengths: new Int32Array(B),
    decoderInput: new Int32Array(B * T), target: new Int32Array(B * T), targetLengths: new Int32Array(B),
  };
  pairs.forEach(({ source, target }, b) => {
    const m = target.length;
    batch.source.set(source, b * S);
    batch.sourceLengths[b] = source.length;
    batch.decoderInput[b * T] = BOS_ID;
    batch.decoderInput.set(target, b * T + 1);
    batch.target.set(target, b * T);
    batch.target[b * T + m] = EOS_ID;
    batch.targetLengths[b] = m + 1;
  });
  return batch;
}
