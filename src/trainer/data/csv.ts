// Multivariate time series from a CSV file with a header row (parsed by csv-parse), for forecasting:
// from `lookback` consecutive rows of features, predict the targets `horizon` rows after the window.
//
// Columns
//   targets   required, at least one. They are predicted; they are also inputs only if they are features.
//   features  empty = every numeric column that is not a date column, targets included: the past of
//             the series is the strongest input of a forecast (and what the persistence baseline
//             uses), and the predicted row is never inside the window since horizon ≥ 1.
//             With `features` empty, a column is "numeric" when it has at least one number and more
//             numbers than text cells; columns of mostly text (station names, dates not listed in
//             dateColumns) are left out and named by describe(). A numeric column with a stray text
//             cell is an error, never a silent skip.
//   dateColumns  never features as such; with dateHandling `parse`, each becomes two inputs,
//             sin and cos of 2π·(day of year − 1)/(days in that year), not z-scored (already in [−1, 1]).
//             Accepted dates: YYYY-MM-DD, YYYY/MM/DD or YYYY.MM.DD, optionally followed by a time.
// Missing cells ('', NA, N/A, NaN, null, None, any case) in a selected column: `error` (default)
// names the column and the first line; `drop` drops those rows (the series then skips time, noted by
// describe()); `ffill` repeats the previous row's value (a missing first value is still an error).
// Line numbers are file lines, 1-based, the header being line 1.
//
// Split and scaling: the first floor(rows·(1 − validationSplit)) rows train, the rest validate.
// Features and targets are z-scored with the mean and (population) std of the training rows only
// (std 0 → 1); `denormalize` undoes it for a target. Window i of a split covers that split's rows
// [i, i + lookback) and its target row i + lookback − 1 + horizon: validation windows lie entirely in
// the validation rows, so the first `lookback + horizon − 1` validation rows are context only.

import { basename } from 'node:path';
import type { CsvDataConfig } from '../../shared/config';
import type { Normalization } from '../../runs/runFiles';
import { allocateBatch } from '../batch';
import { type CsvTable, readCsvTableSteps } from './csvTable';
import { readDataFile } from './dataFile';
import { baselineForecasts, forecastBaselines } from './forecastBaselines';
import { DataError } from './dataError';
import { type Baseline, checkIndex, checkValidationSplit, checkWholeNumber, type SequenceDataset, type Split } from './dataset';
import { formatCount } from '../../shared/format';
import { ELEMENTS_PER_STEP, runSteps, type Steps } from '../steps';

export interface CsvDataset extends SequenceDataset<'dense', 'mse'> {
  kind: 'csv';
  task: 'csv';
  head: 'last';
  /** Input columns in x order; a parsed date column `d` contributes `d:sin` and `d:cos`. */
  featureNames: string[];
  targetNames: string[];
  /** The target columns, as the names of the output units. */
  outputNames: string[];
  /** Columns left out of an automatic feature selection because they hold text. */
  skippedColumns: string[];
  rows: { total: number; dropped: number; train: number; validation: number };
  /** Training-rows statistics used for the z-scores (date features: mean 0, std 1). */
  scaling: { featureMean: Float64Array; featureStd: Float64Array; targetMean: Float64Array; targetStd: Float64Array };
  /** `scaling` as plain numbers, for the run folder. */
  normalization: Normalization;
  /**
   * Predicting each target's last observed value (row i + lookback − 1) on the validation windows
   * (the training windows when there is no validation split): MSE in z-score units (comparable with
   * the loss) and RMSE per target in the file's units.
   */
  persistence: { mse: number; rmse: number[] };
  /** Persistence's MSE, in the units of the loss. */
  baseline: Baseline;
  /** Persistence and AR(p) scored on the given windows of a split (forecastBaselines.ts). */
  forecastBaselines(split: Split, windows: readonly number[]): Baseline[];
  /** Their forecasts of the first target on the first `count` windows of a split, in z-scores. */
  baselineForecasts(split: Split, count: number): { persistence: Float32Array; ar?: Float32Array };
  /** Undo the target normalisation of output unit `targetIndex`, into a new array. */
  denormalize(values: Float32Array, targetIndex: number): Float32Array;
}

export interface CsvOptions {
  configDir: string;
  validationSplit: number;
}

export function loadCsvDataset(data: CsvDataConfig, opts: CsvOptions): CsvDataset {
  return runSteps(loadCsvDatasetSteps(data, opts));
}

/** `loadCsvDataset` in chunks (steps.ts): a CSV of 50 MB takes seconds to parse. */
export function* loadCsvDatasetSteps(data: CsvDataConfig, opts: CsvOptions): Steps<CsvDataset> {
  const { file, text } = readDataFile(data.path, opts.configDir);
  yield;
  return yield* csvDatasetSteps(text, data, opts, file);
}

/** The dataset of CSV text already in memory; `file` only names it in errors and describe(). */
export function csvDataset(source: string, data: Omit<CsvDataConfig, 'kind' | 'path'>, opts: Pick<CsvOptions, 'validationSplit'>, file?: string): CsvDataset {
  return runSteps(csvDatasetSteps(source, data, opts, file));
}

function* csvDatasetSteps(source: string, data: Omit<CsvDataConfig, 'kind' | 'path'>, opts: Pick<CsvOptions, 'validationSplit'>, file?: string): Steps<CsvDataset> {
  const split = opts.validationSplit;
  checkValidationSplit(split);
  checkWholeNumber(data.lookback, 1, 'data.lookback');
  checkWholeNumber(data.horizon, 1, 'data.horizon');
  const L = data.lookback, h = data.horizon;
  const table = yield* readCsvTableSteps(source, data, file);
  const { targetColumns, skippedColumns } = table;

  // Split and z-scores.
  const n = table.keep.length;
  const nTrain = Math.floor(n * (1 - split));
  const nValidation = n - nTrain;
  const need = L + h;
  const validationShort = split > 0 && nValidation < need;
  if (nTrain < need || validationShort) {
    const minimum = minimumRows(need, split);
    // Name the part that is too short, with its size: the validation part is often the one.
    const has = [...(nTrain < need ? [`the training part has ${formatCount(nTrain)}`] : []), ...(validationShort ? [`the validation part has ${formatCount(nValidation)}`] : [])];
    throw new DataError(
      `${formatCount(n)} usable data rows${table.rowCount !== n ? ` (of ${formatCount(table.rowCount)}; rows with missing values dropped)` : ''}; ` +
        `lookback ${L} + horizon ${h} needs ${need} rows in the training part${split > 0 ? ' and in the validation part' : ''}, at least ${formatCount(minimum)} rows in all ` +
        `(${has.join(' and ')}, with validationSplit ${split})`,
      `Use a longer series, or lower data.lookback or data.horizon${validationShort ? ', or raise validationSplit' : ''}`,
      { file, field: 'data.lookback' },
    );
  }
  const { featureNames, features, targets, scaling } = yield* zScores(table, nTrain);
  const F = featureNames.length, O = targetColumns.length;
  const { targetMean, targetStd } = scaling;

  const trainSize = nTrain - need + 1;
  const validationSize = split === 0 ? 0 : nValidation - need + 1;
  const firstRow = (which: Split) => (which === 'train' ? 0 : nTrain);
  const persistence = validationSize > 0
    ? persistenceOf(targets, O, firstRow('validation'), validationSize, L, h, targetStd)
    : persistenceOf(targets, O, firstRow('train'), trainSize, L, h, targetStd);
  const rmseText = targetColumns.map((name, o) => `${name} ${formatValue(persistence.rmse[o])}`).join(', ');

  const series = { targets, targetNames: targetColumns, targetStd, lookback: L, horizon: h, trainSize, firstRow: { train: firstRow('train'), validation: firstRow('validation') } };
  const shape = { input: 'dense', inputSize: F, outputSize: O, head: 'last', loss: 'mse', steps: L } as const;
  const name = file !== undefined ? basename(file) : 'csv';
  return {
    kind: 'csv',
    task: 'csv',
    ...shape,
    trainSize,
    validationSize,
    featureNames,
    targetNames: targetColumns,
    outputNames: targetColumns,
    skippedColumns,
    rows: { total: table.rowCount, dropped: table.rowCount - n, train: nTrain, validation: nValidation },
    scaling,
    normalization: { featureMean: Array.from(scaling.featureMean), featureStd: Array.from(scaling.featureStd), targetMean: Array.from(targetMean), targetStd: Array.from(targetStd) },
    persistence,
    baseline: { value: persistence.mse, metric: 'mse', name: 'persistence', label: `persistence (repeat the last observed value; RMSE ${rmseText})` },
    forecastBaselines: (which, windows) => forecastBaselines(series, which, windows),
    baselineForecasts: (which, count) => baselineForecasts(series, which, count),
    batch(which: Split, indices: ArrayLike<number>) {
      const size = which === 'train' ? trainSize : validationSize;
      const out = allocateBatch(shape, indices.length);
      for (let b = 0; b < indices.length; b++) {
        checkIndex(indices[b], size, which);
        const start = firstRow(which) + indices[b];
        out.x.set(features.subarray(start * F, (start + L) * F), b * L * F);
        const target = start + L - 1 + h;
        out.y.set(targets.subarray(target * O, (target + 1) * O), b * O);
      }
      return out;
    },
    denormalize(v: Float32Array, targetIndex: number) {
      if (!(targetIndex >= 0 && targetIndex < O)) throw new RangeError(`target index ${targetIndex} is outside [0, ${O})`);
      const mean = targetMean[targetIndex], std = targetStd[targetIndex];
      return Float32Array.from(v, (z) => z * std + mean);
    },
    describe() {
      const dropped = table.rowCount !== n ? ` (${formatCount(table.rowCount - n)} with missing values dropped)` : '';
      const skipped = skippedColumns.length > 0 ? `; skipped text columns ${skippedColumns.join(', ')}` : '';
      return `${name}: ${formatCount(n)} rows${dropped}, ${formatCount(nTrain)} train / ${formatCount(nValidation)} validation; ` +
        `${F} features (${featureNames.join(', ')}) → ${targetColumns.join(', ')} at +${h}, lookback ${L}: ` +
        `${formatCount(trainSize)} train / ${formatCount(validationSize)} validation windows${skipped}`;
    },
  };
}

/** The kept rows as z-scored features [n, F] and targets [n, O], with the training rows' statistics
 *  (date features pass as they are: sin and cos are already in [−1, 1]). */
function* zScores({ featureColumns, dateColumns, targetColumns, values, dateValues, keep }: CsvTable, nTrain: number) {
  const n = keep.length;
  const F = featureColumns.length + 2 * dateColumns.length, O = targetColumns.length;
  const featureNames = [...featureColumns, ...dateColumns.flatMap((d) => [`${d}:sin`, `${d}:cos`])];
  const featureMean = new Float64Array(F), featureStd = new Float64Array(F).fill(1);
  const targetMean = new Float64Array(O), targetStd = new Float64Array(O).fill(1);
  const features = new Float32Array(n * F), targets = new Float32Array(n * O);
  for (const [f, name] of featureColumns.entries()) {
    const v = values.get(name)!;
    [featureMean[f], featureStd[f]] = trainStats(v, keep, nTrain);
    for (let r = 0; r < n; r++) {
      features[r * F + f] = (v[keep[r]] - featureMean[f]) / featureStd[f];
      if (r % ELEMENTS_PER_STEP === 0) yield;
    }
  }
  for (const [d, name] of dateColumns.entries()) {
    const { sin, cos } = dateValues.get(name)!;
    const f = featureColumns.length + 2 * d;
    for (let r = 0; r < n; r++) {
      features[r * F + f] = sin[keep[r]];
      features[r * F + f + 1] = cos[keep[r]];
    }
    yield;
  }
  for (const [o, name] of targetColumns.entries()) {
    const v = values.get(name)!;
    [targetMean[o], targetStd[o]] = trainStats(v, keep, nTrain);
    for (let r = 0; r < n; r++) targets[r * O + o] = (v[keep[r]] - targetMean[o]) / targetStd[o];
    yield;
  }
  if (!features.every(Number.isFinite) || !targets.every(Number.isFinite)) {
    throw new Error('csv: non-finite value after scaling (a bug in the loader)');
  }
  return { featureNames, features, targets, scaling: { featureMean, featureStd, targetMean, targetStd } };
}

/** Persistence on `count` windows from row `first`: the target row t + h predicted by row t = i + L − 1;
 *  MSE in z-score units (averaged over targets) and RMSE per target in the file's units. */
function persistenceOf(targets: Float32Array, O: number, first: number, count: number, L: number, h: number, targetStd: Float64Array): CsvDataset['persistence'] {
  const sq = new Float64Array(O);
  for (let i = 0; i < count; i++) {
    const t = first + i + L - 1;
    for (let o = 0; o < O; o++) sq[o] += (targets[(t + h) * O + o] - targets[t * O + o]) ** 2;
  }
  const mseByTarget = Array.from(sq, (s) => s / count);
  return {
    mse: mseByTarget.reduce((a, b) => a + b, 0) / O,
    rmse: mseByTarget.map((m, o) => Math.sqrt(m) * targetStd[o]),
  };
}

/** Mean and population std of `v` over the first `nTrain` kept rows (std 0 → 1). */
function trainStats(v: Float64Array, keep: number[], nTrain: number): [number, number] {
  let sum = 0;
  for (let r = 0; r < nTrain; r++) sum += v[keep[r]];
  const mean = sum / nTrain;
  let ss = 0;
  for (let r = 0; r < nTrain; r++) ss += (v[keep[r]] - mean) ** 2;
  const std = Math.sqrt(ss / nTrain);
  return [mean, std > 0 ? std : 1];
}

function minimumRows(need: number, split: number): number {
  const fits = (n: number) => Math.floor(n * (1 - split)) >= need && (split === 0 || n - Math.floor(n * (1 - split)) >= need);
  let n = need;
  while (!fits(n)) n++;
  return n;
}

const formatValue = (x: number): string => (Math.abs(x) >= 100 ? x.toFixed(1) : x.toPrecision(3));
