// Reads a user's data file for the loaders (text.ts, csv.ts) as UTF-8 text, under the rules of
// src/shared/dataFileRules.ts, which the editor's diagnostics apply too; a broken rule is a DataError.

import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { binaryProblem, type DataFileProblem, type DataFileStat, encodingProblem, MAX_DATA_FILE_BYTES, statProblem } from '../../shared/dataFileRules';
import { DataError } from './dataError';

export { BINARY_SNIFF_BYTES, firstInvalidUtf8, MAX_DATA_FILE_BYTES } from '../../shared/dataFileRules';

const dataError = (p: DataFileProblem): DataError => new DataError(p.problem, p.hint, p.where);

/** Resolves `path` against the config's folder and reads it as UTF-8 (a BOM is dropped). */
export function readDataFile(path: string, configDir: string, maxBytes = MAX_DATA_FILE_BYTES): { file: string; text: string } {
  const file = resolve(configDir, path);
  let stat: DataFileStat;
  try {
    const s = statSync(file);
    stat = { isFile: s.isFile(), size: s.size };
  } catch (err) {
    stat = { code: (err as NodeJS.ErrnoException).code ?? String(err) };
  }
  const unusable = statProblem(file, path, configDir, stat, maxBytes);
  if (unusable) throw dataError(unusable);
  const bytes = readFileSync(file);
  const binary = binaryProblem(file, bytes);
  if (binary) throw dataError(binary);
  try {
    return { file, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    // the native decoder refused: find and name the first bad byte
    throw dataError(encodingProblem(file, bytes) ?? { problem: 'the file is not valid UTF-8', hint: 'Re-save the file as UTF-8', where: { file } });
  }
}
