import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import type { CsvDataConfig } from '../../src/shared/config';
import { DataError, loadDataset } from '../../src/trainer/data';
import { csvDataset, loadCsvDataset, type CsvDataset } from '../../src/trainer/data/csv';
import { type CsvColumnsConfig, readCsvTableSteps } from '../../src/trainer/data/csvTable';
import { runSteps } from '../../src/trainer/steps';

const fixtures = resolve(__dirname, '../fixtures/data');
const base: CsvDataConfig = {
  kind: 'csv', path: 'weather.csv', features: [], targets: ['temp'], dateColumns: ['date'], dateHandling: 'ignore',
  lookback: 5, horizon: 1, missing: 'error', delimiter: ',',
};
const opts = { configDir: fixtures, validationSplit: 0.2 };
const load = (over: Partial<CsvDataConfig> = {}, validationSplit = 0.2): CsvDataset => loadCsvDataset({ ...base, ...over }, { ...opts, validationSplit });

/** The fixture's columns as numbers, read independently of the loader (the file is plain: no quotes). */
function column(name: string, file = 'weather.csv'): number[] {
  const [header, ...rows] = readFileSync(join(fixtures, file), 'utf8').trim().split('\n').map((l) => l.split(','));
  const c = header.indexOf(name);
  return rows.map((r) => Number(r[c]));
}
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const std = (v: number[]) => Math.sqrt(mean(v.map((x) => (x - mean(v)) ** 2)));

function dataError(fn: () => unknown): DataError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof DataError, `expected a DataError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a DataError');
}

test('automatic features: numeric non-date columns, targets included, text columns skipped', () => {
  const ds = load();
  assert.deepEqual(ds.featureNames, ['temp', 'humidity', 'pressure']);
  assert.deepEqual(ds.skippedColumns, ['station']);
  assert.deepEqual(ds.targetNames, ['temp']);
  assert.deepEqual([ds.input, ds.inputSize, ds.outputSize, ds.head, ds.loss, ds.steps], ['dense', 3, 1, 'last', 'mse', 5]);
  assert.deepEqual(ds.rows, { total: 50, dropped: 0, train: 40, validation: 10 });
  assert.equal(ds.trainSize, 40 - 5 - 1 + 1);
  assert.equal(ds.validationSize, 10 - 5 - 1 + 1);
  assert.match(ds.describe(), /50 rows, 40 train \/ 10 validation; 3 features \(temp, humidity, pressure\) → temp at \+1, lookback 5: 35 train \/ 5 validation windows; skipped text columns station/);
});

test('z-scores use training rows only; batches hold the right rows; denormalize undoes the scaling', () => {
  const ds = load({ horizon: 2 });
  const temp = column('temp'), pressure = column('pressure');
  const trainTemp = temp.slice(0, 40);
  assert.ok(Math.abs(ds.scaling.targetMean[0] - mean(trainTemp)) < 1e-9);
  assert.ok(Math.abs(ds.scaling.targetStd[0] - std(trainTemp)) < 1e-9);
  assert.notEqual(ds.scaling.targetMean[0].toFixed(6), mean(temp).toFixed(6), 'the mean of all rows differs');

  const L = 5, F = 3;
  const { x, y } = ds.batch('train', [7, 3]);
  assert.ok(x instanceof Float32Array && y instanceof Float32Array);
  assert.equal(x.length, 2 * L * F);
  assert.equal(y.length, 2);
  // Window 7: rows 7..11; target row 7 + 5 − 1 + 2 = 13.
  const zp = (v: number) => (v - mean(pressure.slice(0, 40))) / std(pressure.slice(0, 40));
  assert.ok(Math.abs(x[2] - zp(pressure[7])) < 1e-5);
  assert.ok(Math.abs(x[(L - 1) * F + 2] - zp(pressure[11])) < 1e-5);
  assert.ok(Math.abs(ds.denormalize(y, 0)[0] - temp[13]) < 1e-4);
  assert.ok(Math.abs(ds.denormalize(y, 0)[1] - temp[9]) < 1e-4);

  // Validation windows start at the first validation row (40) and stay inside the tail.
  assert.equal(ds.validationSize, 10 - 5 - 2 + 1);
  const v = ds.batch('validation', [0, ds.validationSize - 1]);
  assert.ok(Math.abs(ds.denormalize(Float32Array.of(v.x[0]), 0)[0] - temp[40]) < 1e-4);
  assert.ok(Math.abs(ds.denormalize(v.y, 0)[1] - temp[49]) < 1e-4);
  assert.throws(() => ds.batch('validation', [ds.validationSize]), RangeError);
});

test('persistence baseline: the last observed target, MSE in z units and RMSE in file units', () => {
  const ds = load();
  const temp = column('temp');
  const sq: number[] = [];
  for (let i = 0; i < ds.validationSize; i++) {
    const t = 40 + i + 5 - 1;
    sq.push((temp[t + 1] - temp[t]) ** 2);
  }
  const rmse = Math.sqrt(mean(sq));
  assert.ok(Math.abs(ds.persistence.rmse[0] - rmse) < 1e-4, `${ds.persistence.rmse[0]} vs ${rmse}`);
  assert.ok(Math.abs(ds.persistence.mse - (rmse / ds.scaling.targetStd[0]) ** 2) < 1e-5);
  assert.equal(ds.baseline?.value, ds.persistence.mse);
  assert.match(ds.baseline!.label, /persistence .*RMSE temp \d/);
});

test('dateHandling "parse" adds day-of-year sin and cos, not z-scored', () => {
  const ds = load({ features: ['temp'], dateHandling: 'parse', lookback: 2 });
  assert.deepEqual(ds.featureNames, ['temp', 'date:sin', 'date:cos']);
  const { x } = ds.batch('train', [0]);
  // 2024-01-01 is day 1 (angle 0), 2024-01-02 day 2 of a 366-day year.
  assert.ok(Math.abs(x[1]) < 1e-7 && Math.abs(x[2] - 1) < 1e-7);
  assert.ok(Math.abs(x[4] - Math.sin((2 * Math.PI) / 366)) < 1e-6);
  assert.ok(Math.abs(x[5] - Math.cos((2 * Math.PI) / 366)) < 1e-6);
});

test('a missing value is an error naming the column and the file line', () => {
  const e = dataError(() => load({ path: 'weather-na.csv' }));
  assert.equal(e.line, 14);
  assert.equal(e.column, 'humidity');
  assert.match(e.message, /weather-na\.csv:14: column "humidity" has a missing value \("NA"\)/);
  assert.match(e.message, /set data\.missing to "drop" .* or "ffill"/);
  // A missing cell in a column that is not used is no error.
  assert.equal(load({ path: 'weather-na.csv', features: ['temp', 'pressure'] }).rows.dropped, 0);
});

test('missing "drop" drops the rows; "ffill" repeats the previous value', () => {
  const dropped = load({ path: 'weather-na.csv', missing: 'drop' });
  assert.deepEqual(dropped.rows, { total: 50, dropped: 2, train: 38, validation: 10 });
  assert.match(dropped.describe(), /48 rows \(2 with missing values dropped\)/);
  for (const split of ['train', 'validation'] as const) {
    const n = split === 'train' ? dropped.trainSize : dropped.validationSize;
    const { x, y } = dropped.batch(split, Array.from({ length: n }, (_, i) => i));
    assert.ok(x.every(Number.isFinite) && y.every(Number.isFinite));
  }

  const filled = load({ path: 'weather-na.csv', missing: 'ffill', features: ['humidity'], targets: ['humidity'], lookback: 1 });
  const humidity = column('humidity', 'weather.csv');
  // Line 14 is data row 12 (0-based); window 11 covers row 11 and targets row 12.
  assert.ok(Math.abs(filled.denormalize(filled.batch('train', [11]).y, 0)[0] - humidity[11]) < 1e-4);
  assert.notEqual(humidity[11], humidity[12]);
  // Line 30 (row 28) is blank: filled from row 27.
  assert.ok(Math.abs(filled.denormalize(filled.batch('train', [27]).y, 0)[0] - humidity[27]) < 1e-4);

  const first = dataError(() => load({ path: 'weather-na-first.csv', missing: 'ffill' }));
  assert.equal(first.line, 2);
  assert.match(first.message, /weather-na-first\.csv:2: column "temp" has a missing value in the first data row, which ffill cannot fill/);
});

test('text in a numeric column names the column, the line and the value', () => {
  const auto = dataError(() => load({ path: 'weather-text.csv' }));
  assert.equal(auto.line, 23);
  assert.equal(auto.column, 'pressure');
  assert.match(auto.message, /weather-text\.csv:23: column "pressure" holds "high", which is not a number/);
  const explicit = dataError(() => load({ path: 'weather-text.csv', features: ['pressure'] }));
  assert.match(explicit.message, /:23: column "pressure" holds "high".*leave the column out of data\.features/);
  const target = dataError(() => load({ targets: ['station'] }));
  assert.match(target.message, /weather\.csv:2: column "station" holds "harbour", which is not a number.*data\.targets/);
});

test('unknown columns list the available ones, with a did-you-mean when one is close', () => {
  const typo = dataError(() => load({ targets: ['tmp'] }));
  assert.equal(typo.field, 'data.targets');
  assert.match(typo.message, /weather\.csv:1: data\.targets names column "tmp", which the header does not have\. Did you mean "temp"\? Available columns: "date", "temp", "humidity", "pressure", "station"\./);
  const feature = dataError(() => load({ features: ['Humidty'] }));
  assert.match(feature.message, /data\.features names column "Humidty".*Did you mean "humidity"\?/);
  // two swapped letters are one typo (the config's did-you-mean rule)
  assert.match(dataError(() => load({ targets: ['tmep'] })).message, /names column "tmep".*Did you mean "temp"\?/);
  const far = dataError(() => load({ targets: ['wind_speed'] }));
  assert.doesNotMatch(far.message, /Did you mean/);
  const semicolon = dataError(() => load({ path: 'semicolon.csv' }));
  assert.match(semicolon.message, /The header was read as one column: is the delimiter "," right\?/);
  // With the right delimiter the columns are found, and the one data row is the next problem.
  assert.match(dataError(() => load({ path: 'semicolon.csv', delimiter: ';', lookback: 1 }, 0)).message, /1 usable data rows; lookback 1 \+ horizon 1 needs 2 rows/);
});

test('config mistakes: no target, a date column used as a number, too few rows, an unreadable date', () => {
  assert.equal(dataError(() => load({ targets: [] })).field, 'data.targets');
  assert.match(dataError(() => load({ features: ['date', 'temp'] })).message, /column "date" is listed in data\.dateColumns and in data\.features/);
  const short = dataError(() => load({ lookback: 10 }));
  assert.match(short.message, /50 usable data rows; lookback 10 \+ horizon 1 needs 11 rows in the training part and in the validation part, at least 51 rows in all/);
  const date = dataError(() => load({ dateColumns: ['station'], dateHandling: 'parse' }));
  assert.match(date.message, /weather\.csv:2: date column "station" holds "harbour", which is not a date/);
  assert.equal(dataError(() => load({ horizon: 0 })).field, 'data.horizon');
});

test('malformed CSV (a short row) reports the line from csv-parse', () => {
  const e = dataError(() => csvDataset('a,b\n1,2\n3\n4,5\n', { ...base, targets: ['a'], dateColumns: [] }, { validationSplit: 0 }, 'inline.csv'));
  assert.equal(e.line, 3);
  assert.match(e.message, /inline\.csv:3: the CSV cannot be parsed/);
});

test('constant columns (std 0) scale by 1 and never produce NaN; loadDataset dispatches', () => {
  const rows = Array.from({ length: 20 }, (_, i) => `${i},7`).join('\n');
  const ds = csvDataset(`t,k\n${rows}\n`, { ...base, targets: ['t'], dateColumns: [], lookback: 3 }, { validationSplit: 0.25 });
  assert.equal(ds.scaling.featureStd[1], 1);
  const { x } = ds.batch('train', [0]);
  assert.deepEqual(Array.from(x.filter((_, i) => i % 2 === 1)), [0, 0, 0]);
  const viaIndex = loadDataset(base, { ...opts, sequenceLength: 99 });
  assert.equal(viaIndex.kind, 'csv');
  assert.equal(viaIndex.steps, 5, 'csv windows use data.lookback, not training.sequenceLength');
});

test('a large CSV is parsed in chunks that end outside quotes: the same table and the same line numbers as one pass', () => {
  const columns: CsvColumnsConfig = { delimiter: ',', targets: ['v'], features: [], dateColumns: [], dateHandling: 'ignore', missing: 'error' };
  // quoted fields with commas, escaped quotes and newlines, and blank lines, so chunk boundaries fall everywhere
  const lines = ['name,v,note'];
  for (let i = 0; i < 60; i++) lines.push(i % 7 === 3 ? `"row ""${i}""\nsecond line",${i},"a, b"` : `r${i},${i}.5,`, ...(i % 11 === 0 ? [''] : []));
  const source = lines.join('\n') + '\n';
  const whole = runSteps(readCsvTableSteps(source, columns, 'q.csv', source.length));
  for (const size of [1, 7, 40]) {
    const chunked = runSteps(readCsvTableSteps(source, columns, 'q.csv', size));
    assert.deepEqual(chunked, whole, `chunks of ${size}`);
  }
  assert.deepEqual(Array.from(whole.values.get('v')!).slice(0, 4), [0.5, 1.5, 2.5, 3]);

  const bad = source.replace('r40,40.5,\n', 'r40,40.5\n');
  const line = bad.slice(0, bad.indexOf('r40,40.5\n')).split('\n').length;
  const errors = [bad.length, 1, 33].map((size) => dataError(() => runSteps(readCsvTableSteps(bad, columns, 'q.csv', size))));
  for (const e of errors) {
    assert.equal(e.line, line);
    assert.equal(e.message, errors[0].message);
  }
  assert.match(errors[0].message, new RegExp(`line ${line}`));
});
