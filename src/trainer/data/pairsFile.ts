// Reading a file of source/target pairs: TSV (the `source<TAB>target[<TAB>attribution]` lines of the
// Tatoeba/ManyThings downloads that the Keras and PyTorch translation tutorials use) or CSV, both
// parsed by csv-parse. In TSV quotes are ordinary characters (a sentence may start with "), in CSV
// they quote fields (RFC 4180). Fields are trimmed; blank lines are skipped; columns beyond the two
// chosen are ignored. Lines are file lines, 1-based, the header (if any) being line 1.
//
// A malformed line (too few fields for the chosen columns, or an empty source or target) stops the
// load with its file and line, unless `skipMalformed`, which skips and counts it by reason.

import { extname } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { PairColumn, PairsDataConfig } from '../../shared/pairsConfig';
import { closestMatch } from '../../shared/didYouMean';
import { DataError } from './dataError';

export interface RawPair {
  source: string;
  target: string;
  /** 1-based file line (the last line of a CSV record that spans several). */
  line: number;
}

export type MalformedReason = 'missingColumn' | 'emptySource' | 'emptyTarget';

/** Skipped lines of one reason: how many, and the first, so the user can look at one. */
export interface SkippedLines {
  count: number;
  firstLine: number;
}

export interface PairsFile {
  format: 'tsv' | 'csv';
  /** Header names, when the first row names the columns. */
  header?: string[];
  sourceIndex: number;
  targetIndex: number;
  pairs: RawPair[];
  /** Data rows read (blank lines and the header not counted). */
  rows: number;
  skipped: Partial<Record<MalformedReason, SkippedLines>>;
  /** Pairs read from lines with fewer fields than most lines have, when most have more than the chosen columns
   *  need (a Tatoeba line whose first tab was lost still has two fields: its attribution became the target). */
  shortLines?: ShortLines;
}

export interface ShortLines extends SkippedLines {
  /** The fields of those lines, and of most lines. */
  fields: number;
  usualFields: number;
  /** How many lines have usualFields. */
  usualLines: number;
  /** The first such pair, as read. */
  example: RawPair;
}

type PairsFileOptions = Pick<PairsDataConfig, 'format' | 'sourceColumn' | 'targetColumn' | 'header' | 'skipMalformed'>;

/** `auto`: .csv is CSV; every other name (.tsv, .tab, and .txt as in the ManyThings downloads) is tab-separated. */
export function pairFileFormat(format: PairsDataConfig['format'], file: string): 'tsv' | 'csv' {
  if (format !== 'auto') return format;
  return extname(file).toLowerCase() === '.csv' ? 'csv' : 'tsv';
}

/** Parses the text of a pairs file; `file` is its absolute path, for errors. Text is NFC-normalised. */
export function parsePairsFile(text: string, data: PairsFileOptions, file: string): PairsFile {
  const format = pairFileFormat(data.format, file);
  const records = parseRecords(text, format, file);
  const hasHeader = data.header ?? (typeof data.sourceColumn === 'string' || typeof data.targetColumn === 'string');
  if (records.length === 0 || (hasHeader && records.length === 1)) {
    throw new DataError(
      records.length === 0 ? 'the file holds no pairs: it is empty' : 'the file holds no pairs: only the header row',
      format === 'tsv' ? 'Write one pair per line: source<TAB>target' : 'Write one pair per row after the header: source,target',
      { file, field: 'data.path' },
    );
  }
  const header = hasHeader ? records[0].record : undefined;
  const headerLine = records[0].info.lines;
  const sourceIndex = columnIndex(data.sourceColumn, 'data.sourceColumn', header, headerLine, file, format);
  const targetIndex = columnIndex(data.targetColumn, 'data.targetColumn', header, headerLine, file, format);
  const need = Math.max(sourceIndex, targetIndex) + 1;
  const body = hasHeader ? records.slice(1) : records;
  columnWithinLines(body, need, sourceIndex >= targetIndex ? 'data.sourceColumn' : 'data.targetColumn', file);

  const pairs: RawPair[] = [];
  const skipped: PairsFile['skipped'] = {};
  const malformed = (reason: MalformedReason, line: number, problem: string, hint: string, column?: string) => {
    if (!data.skipMalformed) {
      throw new DataError(problem, `${hint}, or set "skipMalformed": true to skip such lines (they are counted)`, { file, line, column, field: 'data.path' });
    }
    const s = (skipped[reason] ??= { count: 0, firstLine: line });
    s.count++;
  };
  for (const { record, info } of body) {
    const line = info.lines;
    if (record.length < need) {
      const problem = format === 'tsv' && record.length === 1
        ? `the line has no tab: ${quote(record[0])}`
        : `the line has ${record.length} ${record.length === 1 ? 'field' : 'fields'}; column ${need - 1}${header ? ` ("${header[need - 1]}")` : ''} is needed`;
      malformed('missingColumn', line, problem, format === 'tsv' ? 'Separate source and target with a tab' : 'Give the line a field for every column up to the last one used');
      continue;
    }
    const source = record[sourceIndex].normalize('NFC');
    const target = record[targetIndex].normalize('NFC');
    if (source === '') {
      malformed('emptySource', line, 'the source is empty', 'Write the source text, or delete the line', columnName(header, sourceIndex));
    } else if (target === '') {
      malformed('emptyTarget', line, `the target of ${quote(source)} is empty`, 'Write the target text, or delete the line', columnName(header, targetIndex));
    } else {
      pairs.push({ source, target, line });
    }
  }
  const shortLines = fewerFieldsThanMost(body, need, pairs);
  return { format, header, sourceIndex, targetIndex, pairs, rows: body.length, skipped, ...(shortLines && { shortLines }) };
}

/** The pairs read from lines of `need` or more fields but fewer than most lines have, when most have more than `need`. */
function fewerFieldsThanMost(body: readonly ParsedRecord[], need: number, pairs: readonly RawPair[]): ShortLines | undefined {
  const byFields = new Map<number, number>();
  for (const { record } of body) byFields.set(record.length, (byFields.get(record.length) ?? 0) + 1);
  const [usualFields, usualLines] = [...byFields].reduce((a, b) => (b[1] > a[1] ? b : a));
  if (usualFields <= need || usualLines < body.length / 2) return undefined;
  const lines = new Set<number>();
  let fields = usualFields;
  for (const { record, info } of body)
    if (record.length >= need && record.length < usualFields) {
      lines.add(info.lines);
      fields = Math.min(fields, record.length);
    }
  const short = pairs.filter((p) => lines.has(p.line));
  if (short.length === 0) return undefined;
  return { count: short.length, firstLine: short[0].line, fields, usualFields, usualLines, example: short[0] };
}

/** A column past the end of every line (`targetColumn: 5` of a three-column file) is a setting to fix, not
 *  a first malformed line: said at the setting, with the columns the lines have. A file with no separator
 *  at all is left to the per-line message, which names the separator. */
function columnWithinLines(body: readonly ParsedRecord[], need: number, field: string, file: string): void {
  let widest = 0;
  for (const { record } of body) widest = Math.max(widest, record.length);
  if (widest >= need || widest < 2) return;
  throw new DataError(
    `${field} is ${need - 1}, but no line has more than ${widest} fields (columns 0 to ${widest - 1})`,
    `Use a 0-based column index below ${widest}`,
    { file, field },
  );
}

interface ParsedRecord {
  record: string[];
  info: { lines: number };
}

function parseRecords(text: string, format: 'tsv' | 'csv', file: string): ParsedRecord[] {
  // Line endings are unified first: csv-parse guesses the record delimiter from the first line
  // and then miscounts lines in a file that mixes "\n" and "\r\n" (as csv.ts does).
  const unified = text.replace(/\r\n?/g, '\n');
  try {
    if (format === 'tsv') {
      // Without quoting a record is one line, so record i is line i + 1: no per-record info object
      // (a third of the time of a 100 000-line file). A blank line is one empty field, dropped here.
      const records = parse(unified, { delimiter: '\t', quote: false, relax_column_count: true, trim: true }) as string[][];
      const out: ParsedRecord[] = [];
      records.forEach((record, i) => {
        if (record.length > 1 || record[0] !== '') out.push({ record, info: { lines: i + 1 } });
      });
      return out;
    }
    return parse(unified, {
      delimiter: ',',
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      info: true,
    }) as unknown as ParsedRecord[];
  } catch (err) {
    const e = err as Error & { code?: string; lines?: number; bytes_records?: number };
    const hint = 'A field with a comma, quote or line break is written in double quotes, and a quote inside it is doubled (""). For a tab-separated file set "format": "tsv"';
    if (e.code === 'CSV_QUOTE_NOT_CLOSED' && e.bytes_records !== undefined) {
      // csv-parse names the last line; the user needs the line where the open quote is.
      const line = openQuoteLine(unified, e.bytes_records);
      throw new DataError(`a quoted field opened on this line is never closed (the file ends inside it)`, `Close the quote. ${hint}`, { file, line, field: 'data.path' });
    }
    throw new DataError(`the CSV cannot be parsed: ${e.message}`, `Check the quoting on that line. ${hint}`, { file, line: e.lines, field: 'data.path' });
  }
}

/** The 1-based line of the first record that starts after `bytes` UTF-8 bytes of `text` (blank lines skipped). */
function openQuoteLine(text: string, bytes: number): number {
  const done = Buffer.from(text, 'utf8').subarray(0, bytes).toString('utf8');
  let line = 1 + (done.match(/\n/g)?.length ?? 0);
  const lines = text.split('\n');
  while (line <= lines.length && lines[line - 1].trim() === '') line++;
  return line;
}

/** The 0-based index of a configured column: an index as given, or a name looked up in the header. */
function columnIndex(column: PairColumn, field: string, header: string[] | undefined, headerLine: number, file: string, format: 'tsv' | 'csv'): number {
  if (typeof column === 'number') {
    if (header && column >= header.length) {
      throw new DataError(
        `${field} is ${column}, but the header has ${header.length} columns (${header.map((c) => JSON.stringify(c)).join(', ')})`,
        `Use a 0-based index below ${header.length}, or the column's name`,
        { file, line: headerLine, field },
      );
    }
    return column;
  }
  if (!header) {
    throw new DataError(
      `${field} names column "${column}", but the file is read without a header row (data.header is false)`,
      `Set "header": true, or give the column's 0-based index`,
      { file, field },
    );
  }
  const at = header.indexOf(column);
  if (at >= 0) {
    if (header.indexOf(column, at + 1) >= 0) {
      throw new DataError(`the header names column "${column}" twice`, 'Rename one of them, or choose the column by its 0-based index', { file, line: headerLine, column, field });
    }
    return at;
  }
  const near = closestMatch(column, header);
  const other = format === 'csv' ? '\t' : ',';
  const delimiterHint = header.length === 1 && header[0].includes(other)
    ? ` The header was read as one column: is the file ${format === 'csv' ? 'tab' : 'comma'}-separated? Set "format": "${format === 'csv' ? 'tsv' : 'csv'}".`
    : '';
  throw new DataError(
    `${field} names column "${column}", which the header does not have`,
    `${near ? `Did you mean "${near}"? ` : ''}The header's columns: ${header.map((c) => JSON.stringify(c)).join(', ')}.${delimiterHint}`,
    { file, line: headerLine, column, field },
  );
}

const columnName = (header: string[] | undefined, index: number): string | undefined => header?.[index];

/** A field as it appears in a message: quoted, and cut short when long. */
const quote = (s: string): string => JSON.stringify(s.length > 60 ? `${s.slice(0, 57)}...` : s);
