// What the editor can tell at once about a config's data file: is it there, a file, within the size
// limit, text and UTF-8 in its head (the trainer's own rules, from src/shared/dataFileRules.ts, so the
// editor and `train` agree word for word). The checks that need the whole file run in dataChecks.ts.
// Node fs (async, small reads) behind an injectable interface so unit tests can fake it; no vscode.
// Also the CSV header reading of the New Experiment wizard, and where a config's data file is.

import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import type { ExperimentConfig } from '../../shared/config';
import { type ConfigProblem, issuesInText } from '../../shared/configValidation';
import { contentProblem, type DataFileProblem, type DataFileStat, formatDataError, statProblem } from '../../shared/dataFileRules';

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
      return { isFile: s.isFile(), size: s.size, mtimeMs: s.mtimeMs };
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

/** What the editor finds at once about a config's data file, and what stat said (undefined for generated data). */
export interface FileCheck {
  problems: ConfigProblem[];
  stat?: DataFileStat;
}

/**
 * The data file's problems that stat and its head show (the trainer's rules, in its words), placed at
 * data.path in `text`. What needs the whole file (CSV columns, lengths, splits) is for dataChecks.ts.
 */
export async function fileProblems(text: string, configPath: string, config: ExperimentConfig, io: FileIo = nodeIo): Promise<FileCheck> {
  const data = config.data;
  if (!('path' in data)) return { problems: [] };
  const configDir = path.dirname(configPath);
  const file = path.resolve(configDir, data.path);
  const stat = await io.stat(file);
  const atPath = (problem: DataFileProblem | string): FileCheck => ({
    stat,
    problems: issuesInText(text, [{
      segments: ['data', 'path'], anchor: 'value', severity: 'error',
      message: typeof problem === 'string' ? problem : formatDataError(problem.problem, problem.hint, problem.where),
    }]),
  });
  const unusable = statProblem(file, data.path, configDir, stat);
  if (unusable) return atPath(unusable);
  let head: Uint8Array;
  try {
    head = await io.head(file);
  } catch (e) {
    return atPath(`Cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const bad = contentProblem(file, head, 'size' in stat && stat.size > head.length);
  return bad ? atPath(bad) : { stat, problems: [] };
}

export { isInsideAny } from '../../shared/dataFileRules';

/** The data file a config reads, absolute; undefined for generated data. */
export function dataFileOf(config: ExperimentConfig, configPath: string): string | undefined {
  return 'path' in config.data ? path.resolve(path.dirname(configPath), config.data.path) : undefined;
}
