// The validation data of a run as one stream of timesteps, and slices of it for the explorer:
//   text  the validation windows one after another: with the default `validationFrom: "tail"` that is the
//         corpus's tail as written (windows are cut every T tokens); with "blocks" the stream jumps where
//         one block's tail ends and the next begins
//   CSV   the validation rows in order (windows start at every row, so row j is the first row of window j,
//         and the rows after the last window's first are that window's later rows); its features are
//         the input columns and the targets (features.ts csvFeatures)
// The data is read again from the files the run was trained on (the config's folder is in meta.json) and
// must still encode as it did then: the vocabulary, feature names and z-scores saved with the weights are
// checked against it.

import * as path from 'node:path';
import type { CsvDataConfig } from '../../shared/config';
import type { InputTokens } from '../../shared/explorerProtocol';
import { type CsvDataset, DataError, loadDataset, type TextDataset, UNK, UNK_ID } from '../data';
import { csvFeatures, type Feature } from './features';
import { ExplorerError } from './explorerError';
import type { RunWeights } from './runWeights';

export interface StreamSlice extends InputTokens {
  /** Token ids [T], or features [T, inputSize]. */
  x: Int32Array | Float32Array;
  /** Features known only from the data (CSV); text features come from the tokens. */
  features?: Feature[];
}

export interface ValidationStream {
  /** Timesteps in the stream. */
  length: number;
  slice(start: number, length: number): StreamSlice;
}

type Loaded = ReturnType<typeof loadDataset>;

export function validationStream(run: RunWeights): ValidationStream {
  const { config } = run.saved;
  let data: Loaded;
  try {
    data = loadDataset(config.data, { configDir: path.dirname(run.meta.info.configPath), validationSplit: config.validationSplit, sequenceLength: config.training.sequenceLength });
  } catch (e) {
    if (e instanceof DataError) throw new ExplorerError('notFound', `The data of run ${run.meta.info.id} cannot be read again: ${e.message}`);
    throw e;
  }
  if (data.validationSize === 0) {
    throw new ExplorerError('unsupported', `Run ${run.meta.info.id} has no validation data (validationSplit ${config.validationSplit}): explore a text you type instead.`);
  }
  if (data.kind === 'text') return textStream(run, data);
  if (data.kind === 'csv' && config.data.kind === 'csv') return csvStream(run, data, config.data);
  throw new ExplorerError('unsupported', `Run ${run.meta.info.id} learns the synthetic task ${data.task}: its validation examples are independent sequences, not one stream to explore. Explore a text or CSV run.`);
}

function changed(run: RunWeights, what: string): ExplorerError {
  return new ExplorerError('badInput',
    `The data file of run ${run.meta.info.id} has changed since it was trained: its ${what} differs from the one saved with the weights, ` +
    'so its validation data would not reach the model as it did in training. Explore a text you type, or restore the file.');
}

function textStream(run: RunWeights, data: TextDataset): ValidationStream {
  const vocabulary = run.saved.vocabulary ?? [];
  if (!sameList(data.vocabulary ?? [], vocabulary)) throw changed(run, 'vocabulary');
  const T = data.steps;
  return {
    length: data.validationSize * T,
    slice(start, length) {
      const w0 = Math.floor(start / T), w1 = Math.floor((start + length - 1) / T);
      const windows = data.batch('validation', Array.from({ length: w1 - w0 + 1 }, (_, i) => w0 + i)).x as Int32Array;
      const x = windows.slice(start - w0 * T, start - w0 * T + length);
      const unknownAt: number[] = [];
      x.forEach((id, t) => id === UNK_ID && unknownAt.push(t));
      return {
        x,
        tokens: Array.from(x, (id) => vocabulary[id]),
        offsets: Int32Array.from({ length }, (_, t) => start + t),
        unknown: { positions: Int32Array.from(unknownAt), tokens: unknownAt.length > 0 ? [UNK] : [] },
      };
    },
  };
}

function csvStream(run: RunWeights, data: CsvDataset, config: CsvDataConfig): ValidationStream {
  if (!sameList(data.featureNames ?? [], run.saved.featureNames ?? [])) throw changed(run, 'list of input features');
  const saved = run.saved.normalization, now = data.normalization;
  if (saved && now && !(['featureMean', 'featureStd', 'targetMean', 'targetStd'] as const).every((k) => sameNumbers(saved[k], now[k]))) {
    throw changed(run, 'scaling (the training rows’ mean and standard deviation)');
  }
  const F = data.inputSize, L = data.steps, O = data.outputSize, h = config.horizon, windows = data.validationSize;
  const targetNames = data.outputNames ?? config.targets;
  return {
    length: windows + L - 1,
    slice(start, length) {
      const end = start + length;
      // row j is row 0 of window j, or row j − (windows − 1) of the last window
      const firstRows = range(start, Math.min(end, windows));
      const xs = firstRows.length > 0 ? (data.batch('validation', firstRows).x as Float32Array) : new Float32Array(0);
      const last = end > windows ? (data.batch('validation', [windows - 1]).x as Float32Array) : undefined;
      const x = new Float32Array(length * F);
      for (let j = start; j < end; j++) {
        const row = j < windows ? xs.subarray((j - start) * L * F, (j - start) * L * F + F) : last!.subarray((j - windows + 1) * F, (j - windows + 2) * F);
        x.set(row, (j - start) * F);
      }
      // window i's target is row i + L − 1 + h; so the target at row j is window j − L + 1 − h's, and the
      // target h rows after j is window j − L + 1's
      const from = Math.max(0, start - L + 1 - h), to = Math.min(windows, end - L + 1);
      const ys = to > from ? (data.batch('validation', range(from, to)).y as Float32Array) : new Float32Array(0);
      const targetOf = (window: number, o: number) => (window >= from && window < to ? ys[(window - from) * O + o] : NaN);
      const targets = targetNames.map((name, o) => ({
        name,
        atRow: Float32Array.from({ length }, (_, t) => targetOf(start + t - L + 1 - h, o)),
        ahead: Float32Array.from({ length }, (_, t) => targetOf(start + t - L + 1, o)),
      }));
      return {
        x,
        tokens: Array.from({ length }, (_, t) => `row ${start + t}`),
        offsets: Int32Array.from({ length }, (_, t) => start + t),
        unknown: { positions: new Int32Array(0), tokens: [] },
        features: csvFeatures({ rows: x, featureNames: data.featureNames ?? [], targets, horizon: h }),
      };
    },
  };
}

const range = (a: number, b: number): number[] => Array.from({ length: Math.max(0, b - a) }, (_, i) => a + i);
const sameList = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
// the saved numbers went through JSON: compare to float precision of the statistics, not bit for bit
const sameNumbers = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((x, i) => Math.abs(x - b[i]) <= 1e-9 * Math.max(1, Math.abs(x)));
