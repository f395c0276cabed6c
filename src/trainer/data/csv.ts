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
import { parse } from 'csv-parse/sync';
import type { CsvDataConfig } from '../../shared/config';
import type { Normalization } from '../../runs/runFiles';
import { readDataFile } from './dataFile';
import { DataError } from './dataError';
import { allocateBatch } from '../batch';
import { type Baseline, checkIndex, checkValidationSplit, checkWholeNumber, type SequenceDataset, type Split } from './dataset';
import { formatCount } from '../../shared/format';

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
  /** Undo the target normalisation of output unit `targetIndex`, into a new array. */
  denormalize(values: Float32Array, targetIndex: number): Float32Array;
}

export interface CsvOptions {
  configDir: string;
  validationSplit: number;
}

const MISSING = new Set(['', 'na', 'n/a', 'nan', 'null', 'none']);
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const DATE = /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

const isMissing = (cell: string): boolean => MISSING.has(cell.toLowerCase());

interface Row {
  cells: string[];
  line: number;
}

export function loadCsvDataset(data: CsvDataConfig, opts: CsvOptions): CsvDataset {
  const { file, text } = readDataFile(data.path, opts.configDir);
  return csvDataset(text, data, opts, file);
}

/** The dataset of CSV text already in memory; `file` only names it in errors and describe(). */
export function csvDataset(source: string, data: Omit<CsvDataConfig, 'kind' | 'path'>, opts: Pick<CsvOptions, 'validationSplit'>, file?: string): CsvDataset {
  const split = opts.validationSplit;
  checkValidationSplit(split);
  checkWholeNumber(data.lookback, 1, 'data.lookback');
  checkWholeNumber(data.horizon, 1, 'data.horizon');
  const L = data.lookback, h = data.horizon;
  const at = (line?: number, column?: string) => ({ file, line, column });

  // Parse. Line endings are unified first: csv-parse guesses the record delimiter from the first
  // line and then miscounts lines in a file that mixes "\n" and "\r\n".
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(source.replace(/\r\n?/g, '\n'), {
      delimiter: data.delimiter,
      info: true,
      skip_empty_lines: true,
      trim: true,
    }) as unknown as typeof records;
  } catch (err) {
    const e = err as Error & { lines?: number };
    throw new DataError(
      `the CSV cannot be parsed: ${e.message}`,
      `Check the quoting on that line and that every row has as many fields as the header (delimiter ${JSON.stringify(data.delimiter)})`,
      { file, line: e.lines, field: 'data.path' },
    );
  }
  if (records.length === 0) {
    throw new DataError('the file is empty', 'A CSV for SeqLab starts with a header row naming its columns', { file, field: 'data.path' });
  }
  const header = records[0].record;
  const rows: Row[] = records.slice(1).map((r) => ({ cells: r.record, line: r.info.lines }));
  const columnIndex = new Map<string, number>();
  header.forEach((name, i) => {
    if (columnIndex.has(name)) {
      throw new DataError(`the header names column "${name}" twice`, 'Rename one of them so that every column has its own name', { ...at(records[0].info.lines, name), field: 'data.path' });
    }
    columnIndex.set(name, i);
  });

  // Columns.
  if (data.targets.length === 0) {
    throw new DataError('no target column', `Set data.targets to the column(s) to predict, for example ["${header[header.length - 1]}"]`, { field: 'data.targets' });
  }
  const checkNames = (names: string[], field: string) => {
    for (const name of names) {
      if (columnIndex.has(name)) continue;
      const near = closest(name, header);
      const delimiterHint = header.length === 1 && /[;\t|,]/.test(header[0])
        ? ` The header was read as one column: is the delimiter ${JSON.stringify(data.delimiter)} right?`
        : '';
      throw new DataError(
        `${field} names column "${name}", which the header does not have`,
        `${near ? `Did you mean "${near}"? ` : ''}Available columns: ${header.map((c) => JSON.stringify(c)).join(', ')}.${delimiterHint}`,
        { file, line: records[0].info.lines, column: name, field },
      );
    }
  };
  checkNames(data.targets, 'data.targets');
  checkNames(data.features, 'data.features');
  checkNames(data.dateColumns, 'data.dateColumns');
  for (const d of data.dateColumns) {
    if (data.targets.includes(d) || data.features.includes(d)) {
      throw new DataError(
        `column "${d}" is listed in data.dateColumns and in data.${data.targets.includes(d) ? 'targets' : 'features'}`,
        'A date column is not a number: remove it from one of the lists (dateHandling "parse" already turns it into features)',
        { file, column: d, field: 'data.dateColumns' },
      );
    }
  }

  const skippedColumns: string[] = [];
  let featureColumns: string[];
  if (data.features.length > 0) {
    featureColumns = unique(data.features);
  } else {
    featureColumns = header.filter((name) => {
      if (data.dateColumns.includes(name)) return false;
      if (data.targets.includes(name)) return true; // checked as numbers below, like any target
      const col = columnIndex.get(name)!;
      let numbers = 0, texts = 0;
      for (const row of rows) {
        const cell = row.cells[col];
        if (isMissing(cell)) continue;
        if (NUMBER.test(cell)) numbers++;
        else texts++;
      }
      const numeric = numbers > 0 && numbers > texts;
      if (!numeric) skippedColumns.push(name);
      return numeric;
    });
  }
  const targetColumns = unique(data.targets);
  const dateColumns = data.dateHandling === 'parse' ? unique(data.dateColumns) : [];

  // Values, with NaN marking a missing cell until the missing-value policy has run.
  const numericColumns = unique([...featureColumns, ...targetColumns]);
  const values = new Map<string, Float64Array>();
  for (const name of numericColumns) {
    const col = columnIndex.get(name)!;
    const v = new Float64Array(rows.length);
    rows.forEach((row, r) => {
      const cell = row.cells[col];
      if (isMissing(cell)) {
        v[r] = NaN;
        return;
      }
      const x = NUMBER.test(cell) ? Number(cell) : NaN;
      if (!Number.isFinite(x)) {
        const role = targetColumns.includes(name) ? 'data.targets' : 'data.features';
        throw new DataError(
          `column "${name}" holds ${JSON.stringify(cell)}, which is not a number`,
          `Fix the cell (numbers like 12.5 or -3e2, no thousands separators), or leave the column out of ${role}`,
          at(row.line, name),
        );
      }
      v[r] = x;
    });
    values.set(name, v);
  }
  const dateValues = new Map<string, { sin: Float64Array; cos: Float64Array }>();
  for (const name of dateColumns) {
    const col = columnIndex.get(name)!;
    const sin = new Float64Array(rows.length), cos = new Float64Array(rows.length);
    rows.forEach((row, r) => {
      const cell = row.cells[col];
      if (isMissing(cell)) {
        sin[r] = cos[r] = NaN;
        return;
      }
      const angle = yearAngle(cell);
      if (angle === undefined) {
        throw new DataError(
          `date column "${name}" holds ${JSON.stringify(cell)}, which is not a date SeqLab reads`,
          'Write dates as YYYY-MM-DD (a time may follow), or set dateHandling to "ignore"',
          at(row.line, name),
        );
      }
      sin[r] = Math.sin(angle);
      cos[r] = Math.cos(angle);
    });
    dateValues.set(name, { sin, cos });
  }

  // Missing values.
  const checked: [string, Float64Array][] = [...values, ...[...dateValues].map(([name, d]) => [name, d.sin] as [string, Float64Array])];
  let keep: number[] = rows.map((_, r) => r);
  if (data.missing === 'error') {
    for (let r = 0; r < rows.length; r++) {
      for (const [name, v] of checked) {
        if (Number.isNaN(v[r])) {
          throw new DataError(
            `column "${name}" has a missing value (${JSON.stringify(rows[r].cells[columnIndex.get(name)!])})`,
            'Fill it in, or set data.missing to "drop" (drop such rows) or "ffill" (repeat the previous value)',
            at(rows[r].line, name),
          );
        }
      }
    }
  } else if (data.missing === 'drop') {
    keep = keep.filter((r) => checked.every(([, v]) => !Number.isNaN(v[r])));
  } else {
    const fill = (name: string, arrays: Float64Array[]) => {
      for (let r = 0; r < rows.length; r++) {
        if (!Number.isNaN(arrays[0][r])) continue;
        if (r === 0) {
          throw new DataError(
            `column "${name}" has a missing value in the first data row, which ffill cannot fill`,
            'Fill in the first value, or set data.missing to "drop"',
            at(rows[0].line, name),
          );
        }
        for (const a of arrays) a[r] = a[r - 1];
      }
    };
    for (const [name, v] of values) fill(name, [v]);
    for (const [name, d] of dateValues) fill(name, [d.sin, d.cos]);
  }

  // Split and z-scores.
  const n = keep.length;
  const nTrain = Math.floor(n * (1 - split));
  const nValidation = n - nTrain;
  const need = L + h;
  if (nTrain < need || (split > 0 && nValidation < need)) {
    const minimum = minimumRows(need, split);
    throw new DataError(
      `${formatCount(n)} usable data rows${rows.length !== n ? ` (of ${formatCount(rows.length)}; rows with missing values dropped)` : ''}; ` +
        `lookback ${L} + horizon ${h} needs ${need} rows in the training part${split > 0 ? ' and in the validation part' : ''}, at least ${formatCount(minimum)} rows in all`,
      'Use a longer series, or lower data.lookback or data.horizon',
      { file, field: 'data.lookback' },
    );
  }
  const F = featureColumns.length + 2 * dateColumns.length, O = targetColumns.length;
  const featureNames = [...featureColumns, ...dateColumns.flatMap((d) => [`${d}:sin`, `${d}:cos`])];
  const featureMean = new Float64Array(F), featureStd = new Float64Array(F).fill(1);
  const targetMean = new Float64Array(O), targetStd = new Float64Array(O).fill(1);
  const features = new Float32Array(n * F), targets = new Float32Array(n * O);
  featureColumns.forEach((name, f) => {
    const v = values.get(name)!;
    [featureMean[f], featureStd[f]] = trainStats(v, keep, nTrain);
    for (let r = 0; r < n; r++) features[r * F + f] = (v[keep[r]] - featureMean[f]) / featureStd[f];
  });
  dateColumns.forEach((name, d) => {
    const { sin, cos } = dateValues.get(name)!;
    const f = featureColumns.length + 2 * d;
    for (let r = 0; r < n; r++) {
      features[r * F + f] = sin[keep[r]];
      features[r * F + f + 1] = cos[keep[r]];
    }
  });
  targetColumns.forEach((name, o) => {
    const v = values.get(name)!;
    [targetMean[o], targetStd[o]] = trainStats(v, keep, nTrain);
    for (let r = 0; r < n; r++) targets[r * O + o] = (v[keep[r]] - targetMean[o]) / targetStd[o];
  });
  if (!features.every(Number.isFinite) || !targets.every(Number.isFinite)) {
    throw new Error('csv: non-finite value after scaling (a bug in the loader)');
  }

  const trainSize = nTrain - need + 1;
  const validationSize = split === 0 ? 0 : nValidation - need + 1;
  const firstRow = (which: Split) => (which === 'train' ? 0 : nTrain);

  // Persistence: the target row t + h predicted by row t = i + L − 1.
  const [pSplit, pSize]: [Split, number] = validationSize > 0 ? ['validation', validationSize] : ['train', trainSize];
  const sq = new Float64Array(O);
  for (let i = 0; i < pSize; i++) {
    const t = firstRow(pSplit) + i + L - 1;
    for (let o = 0; o < O; o++) sq[o] += (targets[(t + h) * O + o] - targets[t * O + o]) ** 2;
  }
  const mseByTarget = Array.from(sq, (s) => s / pSize);
  const persistence = {
    mse: mseByTarget.reduce((a, b) => a + b, 0) / O,
    rmse: mseByTarget.map((m, o) => Math.sqrt(m) * targetStd[o]),
  };
  const rmseText = targetColumns.map((name, o) => `${name} ${formatValue(persistence.rmse[o])}`).join(', ');

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
    rows: { total: rows.length, dropped: rows.length - n, train: nTrain, validation: nValidation },
    scaling: { featureMean, featureStd, targetMean, targetStd },
    normalization: { featureMean: Array.from(featureMean), featureStd: Array.from(featureStd), targetMean: Array.from(targetMean), targetStd: Array.from(targetStd) },
    persistence,
    baseline: { value: persistence.mse, metric: 'mse', label: `persistence (repeat the last observed value; RMSE ${rmseText})` },
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
      const dropped = rows.length !== n ? ` (${formatCount(rows.length - n)} with missing values dropped)` : '';
      const skipped = skippedColumns.length > 0 ? `; skipped text columns ${skippedColumns.join(', ')}` : '';
      return `${name}: ${formatCount(n)} rows${dropped}, ${formatCount(nTrain)} train / ${formatCount(nValidation)} validation; ` +
        `${F} features (${featureNames.join(', ')}) → ${targetColumns.join(', ')} at +${h}, lookback ${L}: ` +
        `${formatCount(trainSize)} train / ${formatCount(validationSize)} validation windows${skipped}`;
    },
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

/** 2π·(day of year − 1)/(days in year) of a date cell, or undefined when it is not a valid date. */
function yearAngle(cell: string): number | undefined {
  const m = DATE.exec(cell);
  if (!m) return undefined;
  const year = Number(m[1]), month = Number(m[3]), day = Number(m[4]);
  const date = Date.UTC(year, month - 1, day);
  const check = new Date(date);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return undefined;
  const dayOfYear = (date - Date.UTC(year, 0, 1)) / 86_400_000;
  const daysInYear = (Date.UTC(year + 1, 0, 1) - Date.UTC(year, 0, 1)) / 86_400_000;
  return (2 * Math.PI * dayOfYear) / daysInYear;
}

function minimumRows(need: number, split: number): number {
  const fits = (n: number) => Math.floor(n * (1 - split)) >= need && (split === 0 || n - Math.floor(n * (1 - split)) >= need);
  let n = need;
  while (!fits(n)) n++;
  return n;
}

const unique = (names: string[]): string[] => [...new Set(names)];

/** The header name closest to `name` (case-insensitive edit distance), if close enough to be a typo. */
function closest(name: string, candidates: string[]): string | undefined {
  let best: string | undefined, bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return bestDistance <= Math.max(1, Math.floor(name.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

const formatValue = (x: number): string => (Math.abs(x) >= 100 ? x.toFixed(1) : x.toPrecision(3));
