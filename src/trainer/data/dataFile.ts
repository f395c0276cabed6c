// What a usable data file is, in one place for the trainer (which reads it) and the editor's diagnostics
// (which check it as the config is typed, src/extension/configs/fileChecks.ts): it exists, is a file, is
// within the size limit, is not binary and is UTF-8 text. The rules are pure functions of what stat said
// and of the bytes; each side reads the file its own way (the trainer all of it, synchronously; the editor
// its head, asynchronously). No tensor code here: the extension host imports this module.

import { isUtf8 } from 'node:buffer';
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { DataError } from './dataError';

/**
 * Largest text or CSV file the loaders accept. Everything is held in memory as tokens or floats
 * (a 50 MiB corpus is ~200 MB of token ids during loading); checked with stat before reading.
 */
export const MAX_DATA_FILE_BYTES = 50 * 1024 * 1024;

/** How far into a file a NUL byte marks it as binary (the heuristic of git and grep). */
export const BINARY_SNIFF_BYTES = 8 * 1024;

/** What stat said about a data file: its kind and size, or the error code it failed with (ENOENT: not there). */
export type DataFileStat = { isFile: boolean; size: number } | { code: string };

/** The problem with the data file `path` (as data.path gives it) before it is read: missing, not a file, too large. */
export function statProblem(path: string, configDir: string, stat: DataFileStat, maxBytes = MAX_DATA_FILE_BYTES): DataError | undefined {
  const file = resolve(configDir, path);
  if ('code' in stat) {
    return new DataError(
      stat.code === 'ENOENT' ? 'file not found' : `cannot read the file (${stat.code})`,
      `Check data.path ("${path}"), which is relative to the folder of the config file (${configDir})`,
      { file, field: 'data.path' },
    );
  }
  if (!stat.isFile) return new DataError(`"${path}" is not a file`, 'Point data.path at a file', { file, field: 'data.path' });
  if (stat.size > maxBytes) {
    return new DataError(
      `the file is ${formatMiB(stat.size)}, over the ${formatMiB(maxBytes)} limit of the data loaders`,
      'Train on a part of it (for example `head -c 50M big.txt > part.txt`) and point data.path at that',
      { file, field: 'data.path' },
    );
  }
  return undefined;
}

/**
 * The problem with the bytes of `file`: binary (a NUL byte early on), or not UTF-8. With `partOnly`, `bytes`
 * is the file's head, whose last character may be cut in two: that is not counted as an error.
 */
export function contentProblem(file: string, bytes: Uint8Array, partOnly = false): DataError | undefined {
  const nul = bytes.subarray(0, BINARY_SNIFF_BYTES).indexOf(0);
  if (nul >= 0) {
    return new DataError(
      `the file looks binary: a NUL byte at byte offset ${nul}`,
      'Point data.path at a plain-text file (UTF-8); a UTF-16 file must be re-saved as UTF-8',
      { file, offset: nul, line: lineAt(bytes, nul), field: 'data.path' },
    );
  }
  if (isUtf8(bytes)) return undefined; // native and fast: the byte-by-byte search below runs only on a bad file
  const bad = firstInvalidUtf8(bytes);
  // a UTF-8 character is at most 4 bytes: a bad one starting in the last 3 of a head may be cut by the read
  if (bad < 0 || (partOnly && bad > bytes.length - 4)) return undefined;
  return new DataError(
    `the file is not valid UTF-8: byte 0x${bytes[bad].toString(16).padStart(2, '0')} at byte offset ${bad} (line ${lineAt(bytes, bad)}) starts no valid character`,
    'Re-save the file as UTF-8 (for a Latin-1 file: `iconv -f latin1 -t utf-8 in.txt > out.txt`)',
    { file, offset: bad, line: lineAt(bytes, bad) },
  );
}

/** Resolves `path` against the config's folder and reads it as UTF-8 (a BOM is dropped); throws the DataErrors above. */
export function readDataFile(path: string, configDir: string, maxBytes = MAX_DATA_FILE_BYTES): { file: string; text: string } {
  const file = resolve(configDir, path);
  let stat: DataFileStat;
  try {
    const s = statSync(file);
    stat = { isFile: s.isFile(), size: s.size };
  } catch (err) {
    stat = { code: (err as NodeJS.ErrnoException).code ?? String(err) };
  }
  const before = statProblem(path, configDir, stat, maxBytes);
  if (before) throw before;
  const bytes = readFileSync(file);
  const content = contentProblem(file, bytes);
  if (content) throw content;
  return { file, text: new TextDecoder('utf-8').decode(bytes) };
}

/** Byte offset of the first byte that does not begin a well-formed UTF-8 sequence, or -1 (RFC 3629). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const lead = bytes[i];
    if (lead < 0x80) {
      i++;
      continue;
    }
    let trail: number, codePoint: number, min: number;
    if (lead >= 0xc2 && lead <= 0xdf) [trail, codePoint, min] = [1, lead & 0x1f, 0x80];
    else if (lead >= 0xe0 && lead <= 0xef) [trail, codePoint, min] = [2, lead & 0x0f, 0x800];
    else if (lead >= 0xf0 && lead <= 0xf4) [trail, codePoint, min] = [3, lead & 0x07, 0x10000];
    else return i;
    if (i + trail >= n) return i;
    for (let k = 1; k <= trail; k++) {
      const b = bytes[i + k];
      if ((b & 0xc0) !== 0x80) return i;
      codePoint = (codePoint << 6) | (b & 0x3f);
    }
    if (codePoint < min || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) return i;
    i += trail + 1;
  }
  return -1;
}

/** 1-based line number of byte `offset`. */
function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

const formatMiB = (bytes: number): string => `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
