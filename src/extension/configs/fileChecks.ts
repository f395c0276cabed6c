// What the schema cannot know about a config: is its data file usable (the trainer's own rules, from
// src/shared/dataFileRules.ts, so the editor and `train` agree), do its CSV columns exist.
// Node fs (async, small reads) behind an injectable interface so unit tests can fake it; no vscode.

import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { findNodeAtLocation, parseTree, type Node } from 'jsonc-parser';
import type { ExperimentConfig } from '../../shared/config';
import { contentProblem, type DataFileStat, formatDataError, statProblem } from '../../shared/dataFileRules';

export interface FileProblem {
  message: string;
  offset: number;
  length: number;
  severity: 'error' | 'warning';
}

export interface FileIo {
  stat(file: string): Promise<DataFileStat>;
  /** The file's first HEAD_BYTES bytes (all of a smaller file). */
  head(file: string): Promise<Uint8Array>;
}

/** How much of a data file the editor reads: enough for a CSV header, and for the binary check. */
export const HEAD_BYTES = 64 * 1024;

/** The first line of `bytes`, decoded as UTF-8. */
export const firstLineOf = (bytes: Uint8Array): string => {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  const nl = text.search(/\r?\n/);
  return nl < 0 ? text : text.slice(0, nl);
};

export const nodeIo: FileIo & { firstLine(file: string): Promise<string> } = {
  async stat(file) {
    try {
      const s = await fsp.stat(file);
      return { isFile: s.isFile(), size: s.size };
    } catch (e) {
      return { code: (e as NodeJS.ErrnoException).code ?? String(e) };
    }
  },
  async head(file) {
    const fh = await fsp.open(file, 'r');
    try {
      const buf = Buffer.alloc(HEAD_BYTES);
      const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
      return buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  },
  /** The header line of a CSV (for the New Experiment wizard). */
  async firstLine(file) {
    return firstLineOf(await nodeIo.head(file));
  },
};

/** Column names of a CSV header line (csv-parse, so quoted names with delimiters inside work). */
export function parseHeader(line: string, delimiter = ','): string[] {
  const records = parseCsv(line, { delimiter, bom: true, relax_column_count: true, trim: true }) as string[][];
  return records[0] ?? [];
}

function rangeOf(root: Node | undefined, segments: (string | number)[], fallback: FileProblem['offset'] = 0): { offset: number; length: number } {
  const node = root && findNodeAtLocation(root, segments);
  return node ? { offset: node.offset, length: node.length } : { offset: fallback, length: 0 };
}

export async function fileProblems(text: string, configPath: string, config: ExperimentConfig, io: FileIo = nodeIo): Promise<FileProblem[]> {
  const data = config.data;
  if (!('path' in data)) return [];
  const root = parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
  const configDir = path.dirname(configPath);
  const file = path.resolve(configDir, data.path);
  const at = rangeOf(root, ['data', 'path']);
  const st = await io.stat(file);
  const unusable = statProblem(file, data.path, configDir, st);
  if (unusable) return [{ message: formatDataError(unusable.problem, unusable.hint, unusable.where), severity: 'error', ...at }];
  let head: Uint8Array;
  try {
    head = await io.head(file);
  } catch (e) {
    return [{ message: `Cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`, severity: 'error', ...at }];
  }
  const bad = contentProblem(file, head, 'size' in st && st.size > head.length);
  if (bad) return [{ message: formatDataError(bad.problem, bad.hint, bad.where), severity: 'error', ...at }];
  if (data.kind !== 'csv') return [];
  let header: string[];
  try {
    header = parseHeader(firstLineOf(head), data.delimiter);
  } catch (e) {
    return [{ message: `Cannot read the CSV header of ${path.basename(file)}: ${e instanceof Error ? e.message : String(e)}`, severity: 'error', ...at }];
  }
  if (header.length === 0) return [{ message: `${path.basename(file)} has no header line.`, severity: 'error', ...at }];
  const problems: FileProblem[] = [];
  const lists = [['targets', data.targets], ['features', data.features], ['dateColumns', data.dateColumns]] as const;
  for (const [key, names] of lists) {
    names.forEach((name, i) => {
      if (header.includes(name)) return;
      const near = header.find((h) => h.toLowerCase() === name.toLowerCase());
      problems.push({
        message: `Column "${name}" is not in the header of ${path.basename(file)} (${header.map((h) => `"${h}"`).join(', ')}).${near ? ` Did you mean "${near}"?` : ''}`,
        severity: 'error',
        ...rangeOf(root, ['data', key, i], at.offset),
      });
    });
  }
  return problems;
}

/** True when `file` is inside one of `folders` (absolute paths). */
export function isInsideAny(file: string, folders: readonly string[]): boolean {
  const f = path.resolve(file);
  return folders.some((dir) => {
    const rel = path.relative(path.resolve(dir), f);
    return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
  });
}

/** The data file a config reads, absolute; undefined for generated data. */
export function dataFileOf(config: ExperimentConfig, configPath: string): string | undefined {
  return 'path' in config.data ? path.resolve(path.dirname(configPath), config.data.path) : undefined;
}
