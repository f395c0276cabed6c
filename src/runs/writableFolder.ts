// Before a run starts: can its runs folder be written? A read-only disk, a folder without write permission
// or a full disk is refused before the data is loaded and the model built, naming the folder, rather than
// failing at the run folder's first write (or, worse, at its first checkpoint).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { asWriteError, WriteError } from './writeError';

/**
 * Undefined when files can be created in `dir`; else what refused it, naming the folder. A folder that does
 * not exist yet is not created here (a run stopped before it starts leaves none): the nearest one that
 * exists must let it be made.
 */
export function unwritableFolder(dir: string): WriteError | undefined {
  let existing = path.resolve(dir);
  while (!fs.existsSync(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
  const probe = path.join(existing, `.seqlab-write-test-${process.pid}`);
  try {
    fs.accessSync(existing, fs.constants.W_OK);
    // a real file with a byte in it: a full disk still lets an empty one be created
    if (existing === path.resolve(dir)) {
      fs.writeFileSync(probe, 'x', { flag: 'wx' });
      fs.rmSync(probe);
    }
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
