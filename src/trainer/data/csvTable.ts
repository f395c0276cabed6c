// A CSV file read into checked numeric columns (the column rules are in csv.ts's header): parsing with
// csv-parse, the header, which columns are features, targets and dates, their values, and the
// missing-value policy. Every problem is a DataError naming the file, the line and the column.

import { parse } from 'csv-parse/sync';
import type { CsvDataConfig } from '../../shared/config';
import { closestMatch } from '../../shared/didYouMean';
import { DataError } from './dataError';
import { ELEMENTS_PER_STEP, runSteps, type Steps } from '../steps';

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
  return runSteps(readCsvTableSteps(source, data, file));
}

/** `readCsvTable` in chunks (steps.ts): a CSV of 50 MB takes seconds to parse and check. */
export function* readCsvTableSteps(source: string, data: CsvColumnsConfig, file?: string, chunkChars = PARSE_CHUNK_CHARS): Steps<CsvTable> {
  const parsed = yield* parseCsv(source, data.delimiter, file, chunkChars);
  const columns = yield* selectColumns(parsed, data);
  const values = yield* numericValues(parsed, columns);
  const dateValues = yield* dateColumnValues(parsed, columns.dateColumns);
  const keep = applyMissing(parsed, data.missing, values, dateValues);
  return { rowCount: parsed.rows.length, ...columns, values, dateValues, keep };
}

/** Characters csv-parse reads per chunk. */
const PARSE_CHUNK_CHARS = 1 << 20;

type CsvRecord = { record: string[]; info: { lines: number } };

/**
 * The header and the rows, a chunk of records at a time: each chunk ends at a newline outside quotes
 * (csv-parse rejects a quote inside an unquoted field, so counting quotes finds record boundaries)
 * and is parsed after a stand-in header of as many fields, so csv-parse checks every row's length
 * against the real header as it does in one pass; line numbers are shifted back to the file's.
 */
function* parseCsv(source: string, delimiter: string, file: string | undefined, chunkChars: number): Steps<Parsed> {
  // Line endings are unified first: csv-parse guesses the record delimiter from the first line and
  // then miscounts lines in a file that mixes "\n" and "\r\n".
  const text = source.replace(/\r\n?/g, '\n');
  let header: string[] | undefined, headerLine = 0;
  const rows: Row[] = [];
  let linesBefore = 0;
  for (let start = 0; start < text.length;) {
    const end = recordBoundary(text, start, chunkChars);
    const chunk = text.slice(start, end);
    // once the header is read, a stand-in for it takes line 1 of every chunk
    const standIn = header !== undefined;
    const shift = standIn ? linesBefore - 1 : linesBefore;
    const records = parseChunk(header ? `${header.map(() => 'h').join(delimiter)}\n${chunk}` : chunk, delimiter, file, shift);
    for (const [i, r] of records.entries()) {
      if (!header) {
        header = r.record;
        headerLine = r.info.lines + shift;
      } else if (!standIn || i > 0) {
        rows.push({ cells: r.record, line: r.info.lines + shift });
      }
    }
    linesBefore += countNewlines(chunk);
    start = end;
    yield;
  }
  if (!header) {
    throw new DataError('the file is empty', 'A CSV for SeqLab starts with a header row naming its columns', { file, field: 'data.path' });
  }
  const columnIndex = new Map<string, number>();
  header.forEach((name, i) => {
    if (columnIndex.has(name)) {
      throw new DataError(`the header names column "${name}" twice`, 'Rename one of them so that every column has its own name', { file, line: headerLine, column: name, field: 'data.path' });
    }
    columnIndex.set(name, i);
  });
  return { header, headerLine, rows, columnIndex, file };
}

function parseChunk(text: string, delimiter: string, file: string | undefined, shift: number): CsvRecord[] {
  try {
    return parse(text, { delimiter, info: true, skip_empty_lines: true, trim: true }) as unknown as CsvRecord[];
  } catch (err) {
    const e = err as Error & { lines?: number };
    throw new DataError(
      `the CSV cannot be parsed: ${e.message.replace(/\bline (\d+)/g, (_, n: string) => `line ${Number(n) + shift}`)}`,
      `Check the quoting on that line and that every row has as many fields as the header (delimiter ${JSON.stringify(delimiter)})`,
      { file, line: e.lines !== undefined ? e.lines + shift : undefined, field: 'data.path' },
    );
  }
}

/** Where the chunk from `start` ends: just after the first newline outside quotes at or after start + size (or the end). */
function recordBoundary(text: string, start: number, size: number): number {
  if (start + size >= text.length) return text.length;
  let quoted = false;
  for (let i = start; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 34) quoted = !quoted;   // '"'
    else if (ch === 10 && !quoted && i >= start + size) return i + 1;   // '\n'
  }
  return text.length;
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Checks the named columns against the header and picks the features (all numeric columns when none are named). */
function* selectColumns({ header, headerLine, rows, columnIndex, file }: Parsed, data: CsvColumnsConfig): Steps<Columns> {
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
    featureColumns = [];
    for (const name of header) {
      if (data.dateColumns.includes(name)) continue;
      // a target is checked as numbers below, like any target
      const numeric = data.targets.includes(name) || (yield* mostlyNumbers(rows, columnIndex.get(name)!));
      (numeric ? featureColumns : skippedColumns).push(name);
    }
  }
  const targetColumns = unique(data.targets);
  const dateColumns = data.dateHandling === 'parse' ? unique(data.dateColumns) : [];
  return { featureColumns, targetColumns, dateColumns, skippedColumns };
}

/** A column is "numeric" when it has at least one number and more numbers than text cells. */
function* mostlyNumbers(rows: Row[], col: number): Steps<boolean> {
  let numbers = 0, texts = 0;
  for (let r = 0; r < rows.length; r++) {
    const cell = rows[r].cells[col];
    if (!isMissing(cell)) {
      if (NUMBER.test(cell)) numbers++;
      else texts++;
    }
    if (r % ELEMENTS_PER_STEP === 0) yield;
  }
  return numbers > 0 && numbers > texts;
}

/** Values of the feature and target columns, with NaN marking a missing cell until the missing-value policy has run. */
function* numericValues({ rows, columnIndex, file }: Parsed, { featureColumns, targetColumns }: Columns): Steps<Map<string, Float64Array>> {
  const values = new Map<string, Float64Array>();
  for (const name of unique([...featureColumns, ...targetColumns])) {
    const col = columnIndex.get(name)!;
    const v = new Float64Array(rows.length);
    for (let r = 0; r < rows.length; r++) {
      if (r % ELEMENTS_PER_STEP === 0) yield;
      const row = rows[r];
      const cell = row.cells[col];
      if (isMissing(cell)) {
        v[r] = NaN;
        continue;
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
    }
    values.set(name, v);
  }
  return values;
}

/** sin and cos of each parsed date column's day of the year (NaN where missing). */
function* dateColumnValues({ rows, columnIndex, file }: Parsed, dateColumns: string[]): Steps<CsvTable['dateValues']> {
  const dateValues: CsvTable['dateValues'] = new Map();
  for (const name of dateColumns) {
    const col = columnIndex.get(name)!;
    const sin = new Float64Array(rows.length), cos = new Float64Array(rows.length);
    for (let r = 0; r < rows.length; r++) {
      if (r % ELEMENTS_PER_STEP === 0) yield;
      const row = rows[r];
      const cell = row.cells[col];
      if (isMissing(cell)) {
        sin[r] = cos[r] = NaN;
        continue;
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
    }
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
