// The data layer's entry point: `loadDataset` turns the `data` section of an experiment config into a
// `Dataset`, one of the data kinds (the contract is in dataset.ts, the batch layout in ../batch.ts).
// Every problem with the user's file or data config is thrown as a DataError (dataError.ts).
// A new data kind: its loader file, a member of `Dataset` and a case in `loadDataset` here, and its
// evaluation in ../training/evaluations (docs/training.md).

import type { DataConfig } from '../../shared/config';
import { runSteps, type Steps, whole } from '../steps';
import { type CsvDataset, loadCsvDatasetSteps } from './csv';
import { loadPairsDataset, type PairsFileDataset } from './pairs';
import { loadSyntheticPairsDataset, type SyntheticPairsDataset } from './pairTasks';
import { loadSyntheticDatasetSteps, type SyntheticDataset } from './synthetic';
import { loadTextDatasetSteps, type TextDataset } from './text';

/** The kinds whose examples are one sequence each, for the single-stream models. */
export type SingleStreamDataset = TextDataset | CsvDataset | SyntheticDataset;

/** Every kind: the single-stream ones and the encoder–decoder ones (source/target pairs, pairDataset.ts;
 *  both have `kind: 'pairs'`, with the file or the generated task in `task`). */
export type Dataset = SingleStreamDataset | PairsFileDataset | SyntheticPairsDataset;

export interface LoadOptions {
  /** Folder of the config file; data paths are relative to it. */
  configDir: string;
  validationSplit: number;
  /** training.sequenceLength: the window of text data (CSV uses data.lookback, synthetic data.length; pairs their own lengths). */
  sequenceLength: number;
  /** The training seed. Unused: loading is deterministic and synthetic data has its own data.seed. */
  seed?: number;
}

export function loadDataset(data: DataConfig, opts: LoadOptions): Dataset {
  return runSteps(loadDatasetSteps(data, opts));
}

/** `loadDataset` in chunks of a few milliseconds (steps.ts), so a run can let signals in and stop while it loads. */
export function loadDatasetSteps(data: DataConfig, opts: LoadOptions): Steps<Dataset> {
  switch (data.kind) {
    case 'text': return loadTextDatasetSteps(data, opts);
    case 'csv': return loadCsvDatasetSteps(data, opts);
    case 'synthetic': return loadSyntheticDatasetSteps(data, opts);
    // pairs load in one piece (a G2P dictionary of 117 000 pairs: a few seconds)
    case 'pairs': return whole(() => loadPairsDataset(data, opts));
    case 'synthetic-pairs': return whole(() => loadSyntheticPairsDataset(data, opts));
    default: {
      const unknown: never = data;
      throw new Error(`unknown data kind ${(unknown as { kind: string }).kind}`);
    }
  }
}

export { DataError, type DataErrorLocation } from './dataError';
export { MAX_DATA_FILE_BYTES } from './dataFile';
export type { Batch } from '../batch';
export type { Baseline, DatasetBase, SequenceDataset, Split, TokenDataset } from './dataset';
export { type TextDataset, UNK, UNK_ID, WORD_TOKEN } from './text';
export type { CsvDataset } from './csv';
export { ADDING_TOLERANCE, solved, type SyntheticDataset, type SyntheticDenseDataset, type SyntheticTokenDataset } from './synthetic';
export type { PairBatch, PairsDataset } from './pairDataset';
export type { PairsFileDataset } from './pairs';
export type { SyntheticPairsDataset } from './pairTasks';
