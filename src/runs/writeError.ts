// A write to a run folder that the file system refused (disk full, read-only, no permission): Node's own
// error names a temp file or no file at all (a write to an open descriptor), so the run folder's writers
// rethrow it as a WriteError that names the file the user knows and says what went wrong in words.

import * as fs from 'node:fs';

/** What an errno code of a refused write means, in words. */
const REASONS: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EIO: 'an I/O error of the disk',
  EFBIG: 'the file is larger than the file system allows',
};

export class WriteError extends Error {
  constructor(
    /** The file (or folder) that could not be written. */
    readonly file: string,
    /** The errno code, e.g. ENOSPC. */
    readonly code: string,
  ) {
    super(`Cannot write ${file}: ${REASONS[code] ?? 'the file system refused the write'} (${code}).`);
    this.name = 'WriteError';
  }
}

/** `e` as a WriteError naming `file` when it is a file-system error (it has an errno code); anything else unchanged. */
export function asWriteError(file: string, e: unknown): unknown {
  if (e instanceof WriteError) return e;
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && code.startsWith('E') ? new WriteError(file, code) : e;
}

/** Runs `write`; a file-system error it throws becomes a WriteError naming `file`. */
export function writingTo<T>(file: string, write: () => T): T {
  try {
    return write();
  } catch (e) {
    throw asWriteError(file, e);
  }
}

/** `data` written whole to `fd` (a short write, which a nearly full disk gives, goes on with the rest). */
export function writeAll(fd: number, data: Uint8Array, position?: number): void {
  let done = 0;
  while (done < data.length) {
    const n = fs.writeSync(fd, data, done, data.length - done, position === undefined ? null : position + done);
    // write(2) returns 0 only when nothing more fits
    if (n === 0) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    done += n;
  }
}
