// What a usable data file is, in one place for the trainer (src/trainer/data/dataFile.ts, which reads the
// whole file) and the editor's diagnostics (src/extension/configs/fileChecks.ts, which reads its head as the
// config is typed): it exists, is a file, is within the size limit, is not binary and is UTF-8 text. Pure
// functions of what stat said and of the bytes, and the one shape of a data problem's message, so the
// editor shows what `seqlab train` prints; and whether a file lies inside given folders.

import * as path from 'node:path';

/**
 * Largest text or CSV file the loaders accept. Everything is held in memory as tokens or floats
 * (a 50 MiB corpus is ~200 MB of token ids during loading); checked with stat before reading.
 */
export const MAX_DATA_FILE_BYTES = 50 * 1024 * 1024;

/** How far into a file a NUL byte marks it as binary (the heuristic of git and grep). */
export const BINARY_SNIFF_BYTES = 8 * 1024;

/** Where a data problem lies; DataError carries the same fields for callers that point at it. */
export interface DataErrorLocation {
  /** Absolute path of the offending file. */
  file?: string;
  /** 1-based line in `file` (for a CSV, the header is line 1). */
  line?: number;
  /** 0-based byte offset in `file` (encoding errors). */
  offset?: number;
  /** CSV column, by its header name. */
  column?: string;
  /** Config field, as a path from the experiment root: `data.targets`, `training.sequenceLength`. */
  field?: string;
}

/** What is wrong with a data file: the arguments of the trainer's DataError, and of formatDataError. */
export interface DataFileProblem {
  problem: string;
  hint: string;
  where: DataErrorLocation;
}

/** `file:line (byte n): Problem. Hint.`, the message of every data problem, in the trainer and in the editor. */
export function formatDataError(problem: string, hint: string, where: DataErrorLocation): string {
  let at = '';
  if (where.file !== undefined) {
    at = where.line !== undefined ? `${where.file}:${where.line}` : where.file;
    if (where.offset !== undefined) at += ` (byte ${where.offset})`;
  } else if (where.field !== undefined) {
    at = where.field;
  }
  const sentence = (s: string) => (/[.!?]$/.test(s) ? s : `${s}.`);
  return `${at ? `${at}: ` : ''}${sentence(problem)} ${sentence(hint)}`;
}

/** What stat said about a data file: its kind and size (and when it changed, where known), or the error code it failed with (ENOENT: not there). */
export type DataFileStat = { isFile: boolean; size: number; mtimeMs?: number } | { code: string };

/**
 * The problem with data file `file` before it is read: missing, not a file, too large. `dataPath` is the
 * file as data.path gives it, relative to `configDir`.
 */
export function statProblem(file: string, dataPath: string, configDir: string, stat: DataFileStat, maxBytes = MAX_DATA_FILE_BYTES): DataFileProblem | undefined {
  const where = { file, field: 'data.path' };
  if ('code' in stat) {
    return {
      problem: stat.code === 'ENOENT' ? 'file not found' : `cannot read the file (${stat.code})`,
      hint: `Check data.path ("${dataPath}"), which is relative to the folder of the config file (${configDir})`,
      where,
    };
  }
  if (!stat.isFile) return { problem: `"${dataPath}" is not a file`, hint: 'Point data.path at a file', where };
  if (stat.size > maxBytes) {
    return {
      problem: `the file is ${formatMiB(stat.size)}, over the ${formatMiB(maxBytes)} limit of the data loaders`,
      hint: 'Train on a part of it (for example `head -c 50M big.txt > part.txt`) and point data.path at that',
      where,
    };
  }
  return undefined;
}

/** A NUL byte early in the file: binary, or UTF-16. */
export function binaryProblem(file: string, bytes: Uint8Array): DataFileProblem | undefined {
  const nul = bytes.subarray(0, BINARY_SNIFF_BYTES).indexOf(0);
  if (nul < 0) return undefined;
  return {
    problem: `the file looks binary: a NUL byte at byte offset ${nul}`,
    hint: 'Point data.path at a plain-text file (UTF-8); a UTF-16 file must be re-saved as UTF-8',
    where: { file, offset: nul, line: lineAt(bytes, nul), field: 'data.path' },
  };
}

/**
 * The first byte of `bytes` that starts no valid UTF-8 character. With `partOnly`, `bytes` is the file's
 * head, whose last character may be cut in two by the read: that is not counted as an error.
 */
export function encodingProblem(file: string, bytes: Uint8Array, partOnly = false): DataFileProblem | undefined {
  const bad = firstInvalidUtf8(bytes);
  // a UTF-8 character is at most 4 bytes: a bad one starting in the last 3 of a head may be cut by the read
  if (bad < 0 || (partOnly && bad > bytes.length - 4)) return undefined;
  return {
    problem: `the file is not valid UTF-8: byte 0x${bytes[bad].toString(16).padStart(2, '0')} at byte offset ${bad} (line ${lineAt(bytes, bad)}) starts no valid character`,
    hint: 'Re-save the file as UTF-8 (for a Latin-1 file: `iconv -f latin1 -t utf-8 in.txt > out.txt`)',
    where: { file, offset: bad, line: lineAt(bytes, bad) },
  };
}

/** binaryProblem, then encodingProblem. */
export function contentProblem(file: string, bytes: Uint8Array, partOnly = false): DataFileProblem | undefined {
  return binaryProblem(file, bytes) ?? encodingProblem(file, bytes, partOnly);
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

/** True when `file` is one of `folders` or below one (absolute paths compared as written: links are not followed). */
export function isInsideAny(file: string, folders: readonly string[]): boolean {
  const f = path.resolve(file);
  return folders.some((dir) => {
    const rel = path.relative(path.resolve(dir), f);
    return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
  });
}
