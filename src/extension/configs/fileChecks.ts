// What the schema cannot know about a config: does its data file exist, do its CSV columns exist.
// Node fs (async, small reads) behind an injectable interface so unit tests can fake it; no vscode.

import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { findNodeAtLocation, parseTree, type Node } from 'jsonc-parser';
import type { ExperimentConfig } from '../../shared/config';

export interface FileProblem {
  message: string;
  offset: number;
  length: number;
  severity: 'error' | 'warning';
}

export interface FileIo {
  /** undefined when the path does not exist. */
  stat(file: string): Promise<{ isFile: boolean; size: number } | undefined>;
  /** The first line of the file (at most 64 KB are read). */
  firstLine(file: string): Promise<string>;
}

const HEADER_BYTES = 64 * 1024;

export const nodeIo: FileIo = {
  async stat(file) {
    try {
      const s = await fsp.stat(file);
      return { isFile: s.isFile(), size: s.size };
    } catch {
      return undefined;
    }
  },
  async firstLine(file) {
    const fh = await fsp.open(file, 'r');
    try {
      const buf = Buffer.alloc(HEADER_BYTES);
      const { bytesRead } = await fh.read(buf, 0, HEADER_BYTES, 0);
      const text = buf.subarray(0, bytesRead).toString('utf8');
      const nl = text.search(/\r?\n/);
      return nl < 0 ? text : text.slice(0, nl);
    } finally {
      await fh.close();
    }
  },
};

/** Column names of a CSV header line (csv-parse, so quoted names with delimiters inside work). */
export function parseHeader(line: string, delimiter = ','): string[] {
  const records = parseCsv(line, { delimiter, bom: true, relax_column_count: true, trim: true }) as string[][];
  return records[0] ?? [];
}

const MAX_TEXT_BYTES = 50 * 1024 * 1024;

function rangeOf(root: Node | undefined, segments: (string | number)[], fallback: FileProblem['offset'] = 0): { offset: number; length: number } {
  const node = root && findNodeAtLocation(root, segments);
  return node ? { offset: node.offset, length: node.length } : { offset: fallback, length: 0 };
}

export async function fileProblems(text: string, configPath: string, config: ExperimentConfig, io: FileIo = nodeIo): Promise<FileProblem[]> {
  const data = config.data;
  if (data.kind === 'synthetic') return [];
  const root = parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
  const file = path.resolve(path.dirname(configPath), data.path);
  const at = rangeOf(root, ['data', 'path']);
  const st = await io.stat(file);
  if (!st) return [{ message: `Data file not found: ${file}`, severity: 'error', ...at }];
  if (!st.isFile) return [{ message: `${file} is a folder; data.path must name a file.`, severity: 'error', ...at }];
  if (data.kind === 'text') {
    return st.size > MAX_TEXT_BYTES ? [{ message: `The corpus is ${(st.size / 1e6).toFixed(0)} MB; files over 50 MB are refused.`, severity: 'error', ...at }] : [];
  }
  let header: string[];
  try {
    header = parseHeader(await io.firstLine(file), data.delimiter);
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

/** The data file a config reads, absolute; undefined for synthetic data. */
export function dataFileOf(config: ExperimentConfig, configPath: string): string | undefined {
  return config.data.kind === 'synthetic' ? undefined : path.resolve(path.dirname(configPath), config.data.path);
}
