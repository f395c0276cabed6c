// A CSV file read into checked numeric columns (the column rules are in csv.ts's header): parsing with
// csv-parse, the header, which columns are features, targets and dates, their values, and the
// missing-value policy. Every problem is a DataError naming the file, the line and the column.

import { parse } from 'csv-parse/sync';
import type { CsvDataConfig } from '../../shared/config';
import { closestMatch } from '../../shared/didYouMean';
import { DataError } from './dataError';

/** What csvTable reads of the data config. */
export type CsvColumnsConfig = Pick<CsvDataConfig, 'delimiter' | 'targets' | 'features' | 'dateColumns' | 'dateHandling' | 'missing'>;

export interface CsvTable {
  /** Data rows read (the header excluded). */
  rowCount: number;
  featureColumns: string[];
  targetColumns: string[];
  /** Date columns that become features (dateHandling `parse`). */
  dateColumns: string[];
  /** Columns left out of an automatic feature selection because they hold text. */
  skippedColumns: string[];
  /** Numeric columns (features and targets) by name, one value per data row. */
  values: Map<string, Float64Array>;
  /** Parsed date columns: sin and cos of the angle of the day in its year. */
  dateValues: Map<string, { sin: Float64Array; cos: Float64Array }>;
  /** Indices of the data rows the missing-value policy keeps, in order. */
  keep: number[];
}

const MISSING = new Set(['', 'na', 'n/a', 'nan', 'null', 'none']);
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const DATE = /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

const isMissing = (cell: string): boolean => MISSING.has(cell.toLowerCase());

interface Row {
  cells: string[];
  line: number;
}

interface Parsed {
  header: string[];
  headerLine: number;
  rows: Row[];
  columnIndex: Map<string, number>;
  file?: string;
}

type Columns = Pick<CsvTable, 'featureColumns' | 'targetColumns' | 'dateColumns' | 'skippedColumns'>;

export function readCsvTable(source: string, data: CsvColumnsConfig, file?: string): CsvTable {
  const parsed = parseCsv(source, data.delimiter, file);
  const columns = selectColumns(parsed, data);
  const values = numericValues(parsed, columns);
  const dateValues = dateColumnValues(parsed, columns.dateColumns);
  const keep = applyMissing(parsed, data.missing, values, dateValues);
  return { rowCount: parsed.rows.length, ...columns, values, dateValues, keep };
}

function parseCsv(source: string, delimiter: string, file?: string): Parsed {
  // Line endings are unified first: csv-parse guesses the record delimiter from the first line and
  // then miscounts lines in a file that mixes "\n" and "\r\n".
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(source.replace(/\r\n?/g, '\n'), {
      delimiter,
      info: true,
      skip_empty_lines: true,
      trim: true,
    }) as unknown as typeof records;
  } catch (err) {
    const e = err as Error & { lines?: number };
    throw new DataError(
      `the CSV cannot be parsed: ${e.message}`,
      `Check the quoting on that line and that every row has as many fields as the header (delimiter ${JSON.stringify(delimiter)})`,
      { file, line: e.lines, field: 'data.path' },
    );
  }
  if (records.length === 0) {
    throw new DataError('the file is empty', 'A CSV for SeqLab starts with a header row naming its columns', { file, field: 'data.path' });
  }
  const header = records[0].record, headerLine = records[0].info.lines;
  const rows: Row[] = records.slice(1).map((r) => ({ cells: r.record, line: r.info.lines }));
  const columnIndex = new Map<string, number>();
  header.forEach((name, i) => {
    if (columnIndex.has(name)) {
      throw new DataError(`the header names column "${name}" twice`, 'Rename one of them so that every column has its own name', { file, line: headerLine, column: name, field: 'data.path' });
    }
    columnIndex.set(name, i);
  });
  return { header, headerLine, rows, columnIndex, file };
}

/** Checks the named columns against the header and picks the features (all numeric columns when none are named). */
function selectColumns({ header, headerLine, rows, columnIndex, file }: Parsed, data: CsvColumnsConfig): Columns {
  if (data.targets.length === 0) {
    throw new DataError('no target column', `Set data.targets to the column(s) to predict, for example ["${header[header.length - 1]}"]`, { field: 'data.targets' });
  }
  const checkNames = (names: string[], field: string) => {
    for (const name of names) {
      if (columnIndex.has(name)) continue;
      const near = closestMatch(name, header);
      const delimiterHint = header.length === 1 && /[;\t|,]/.test(header[0])
        ? ` The header was read as one column: is the delimiter ${JSON.stringify(data.delimiter)} right?`
        : '';
      throw new DataError(
        `${field} names column "${name}", which the header does not have`,
        `${near ? `Did you mean "${near}"? ` : ''}Available columns: ${header.map((c) => JSON.stringify(c)).join(', ')}.${delimiterHint}`,
        { file, line: headerLine, column: name, field },
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
  return { featureColumns, targetColumns, dateColumns, skippedColumns };
}

/** Values of the feature and target columns, with NaN marking a missing cell until the missing-value policy has run. */
function numericValues({ rows, columnIndex, file }: Parsed, { featureColumns, targetColumns }: Columns): Map<string, Float64Array> {
  const values = new Map<string, Float64Array>();
  for (const name of unique([...featureColumns, ...targetColumns])) {
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
          { file, line: row.line, column: name },
        );
      }
      v[r] = x;
    });
    values.set(name, v);
  }
  return values;
}

/** sin and cos of each parsed date column's day of the year (NaN where missing). */
function dateColumnValues({ rows, columnIndex, file }: Parsed, dateColumns: string[]): CsvTable['dateValues'] {
  const dateValues: CsvTable['dateValues'] = new Map();
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
          { file, line: row.line, column: name },
        );
      }
      sin[r] = Math.sin(angle);
      cos[r] = Math.cos(angle);
    });
    dateValues.set(name, { sin, cos });
  }
  return dateValues;
}

/** The missing-value policy: `error` names the first missing cell, `drop` keeps the complete rows, `ffill`
 *  repeats the previous row's value in place. Returns the rows kept. */
function applyMissing({ rows, columnIndex, file }: Parsed, policy: CsvDataConfig['missing'], values: CsvTable['values'], dateValues: CsvTable['dateValues']): number[] {
  const checked: [string, Float64Array][] = [...values, ...[...dateValues].map(([name, d]) => [name, d.sin] as [string, Float64Array])];
  const keep: number[] = rows.map((_, r) => r);
  if (policy === 'error') {
    for (let r = 0; r < rows.length; r++) {
      for (const [name, v] of checked) {
        if (Number.isNaN(v[r])) {
          throw new DataError(
            `column "${name}" has a missing value (${JSON.stringify(rows[r].cells[columnIndex.get(name)!])})`,
            'Fill it in, or set data.missing to "drop" (drop such rows) or "ffill" (repeat the previous value)',
            { file, line: rows[r].line, column: name },
          );
        }
      }
    }
    return keep;
  }
  if (policy === 'drop') return keep.filter((r) => checked.every(([, v]) => !Number.isNaN(v[r])));
  const fill = (name: string, arrays: Float64Array[]) => {
    for (let r = 0; r < rows.length; r++) {
      if (!Number.isNaN(arrays[0][r])) continue;
      if (r === 0) {
        throw new DataError(
          `column "${name}" has a missing value in the first data row, which ffill cannot fill`,
          'Fill in the first value, or set data.missing to "drop"',
          { file, line: rows[0].line, column: name },
        );
      }
      for (const a of arrays) a[r] = a[r - 1];
    }
  };
  for (const [name, v] of values) fill(name, [v]);
  for (const [name, d] of dateValues) fill(name, [d.sin, d.cos]);
  return keep;
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

const unique = (names: string[]): string[] => [...new Set(names)];
