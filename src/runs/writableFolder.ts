// Before a run starts: can its runs folder be written? A read-only disk, a folder without write permission
// or a full disk is refused before the data is loaded and the model built, naming the folder, rather than
// failing at the run folder's first write (or, worse, at its first checkpoint).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { asWriteError, WriteError } from './writeError';

/** Undefined when files can be created in `dir` (created if missing); else what refused it, naming the folder. */
export function unwritableFolder(dir: string): WriteError | undefined {
  const probe = path.join(dir, `.seqlab-write-test-${process.pid}`);
  try {
    fs.mkdirSync(dir, { recursive: true });
    // a real file with a byte in it: a full disk still lets an empty one be created
    fs.writeFileSync(probe, 'x', { flag: 'wx' });
    fs.rmSync(probe);
    return undefined;
  } catch (e) {
    fs.rmSync(probe, { force: true });
    const err = asWriteError(dir, e);
    if (err instanceof WriteError) return err;
    throw e;
  }
}

/** The message of a refused runs folder: what is wrong and what to do. */
export const unwritableFolderMessage = (err: WriteError, what: string): string =>
  `${err.message} ${what} cannot be written there, so nothing was started. ` +
  'Choose a folder you can write to (seqlab train --runs-dir <dir>; in VS Code the seqlab.runsDirectory setting), or make this one writable.';
