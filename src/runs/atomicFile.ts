import * as fs from 'node:fs';
import * as path from 'node:path';
import { asWriteError, writeAll } from './writeError';

const tempOf = (file: string): string => path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);

/**
 * Write via a temp file and rename, so a reader (or a crash) never sees half a file. A write the file system
 * refuses (a full disk) throws a WriteError naming `file`, leaves no temp file and the previous `file` as it was.
 */
export function writeFileAtomic(file: string, data: string | NodeJS.ArrayBufferView): void {
  const steps = writeFileAtomicSteps(file, [typeof data === 'string' ? Buffer.from(data, 'utf8') : data]);
  while (!steps.next().done);
}

/** Bytes written between two yields of `writeFileAtomicSteps`. */
const BYTES_PER_STEP = 16 << 20;

/**
 * `writeFileAtomic` of `parts` one after the other, yielding every BYTES_PER_STEP bytes (a checkpoint of
 * a large model is gigabytes). A caller that stops the generator early (`return()`, as runStepsAsync does
 * when it is cancelled), or a write the file system refuses, leaves no temp file and the previous file untouched.
 */
export function* writeFileAtomicSteps(file: string, parts: readonly NodeJS.ArrayBufferView[]): Generator<void, void, void> {
  const tmp = tempOf(file);
  let complete = false;
  try {
    const fd = fs.openSync(tmp, 'w');
    try {
      for (const part of parts) {
        const bytes = new Uint8Array(part.buffer, part.byteOffset, part.byteLength);
        for (let at = 0; at < bytes.length; at += BYTES_PER_STEP) {
          writeAll(fd, bytes.subarray(at, Math.min(bytes.length, at + BYTES_PER_STEP)));
          // flushed chunk by chunk: one fsync of gigabytes at the end would block for seconds
          fs.fdatasyncSync(fd);
          yield;
        }
      }
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
    complete = true;
  } catch (e) {
    throw asWriteError(file, e);
  } finally {
    if (!complete) fs.rmSync(tmp, { force: true });
  }
}

export const writeJsonAtomic = (file: string, value: unknown): void =>
  writeFileAtomic(file, JSON.stringify(value, null, 2) + '\n');
