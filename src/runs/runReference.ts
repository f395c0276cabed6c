// What a person types to name a run, turned into that run: one resolver for every place that takes a
// run (`seqlab show`, `sample`, `export`, `train --resume`, and the extension), so they all accept the same.

import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { closestMatch } from '../shared/didYouMean';
import { RUN_FILES, runIdSlug } from './runFiles';
import { inspectRunFolder, listRunFolders, type ListedRunFolder, type RunSummary } from './runReader';

export type RunReferenceProblem = 'unknown' | 'ambiguous' | 'damaged';

export class RunReferenceError extends Error {
  constructor(
    readonly problem: RunReferenceProblem,
    message: string,
    /** The run ids (or config files) the reference could mean, newest first, when it is ambiguous. */
    readonly candidates: readonly string[] = [],
  ) {
    super(message);
    this.name = 'RunReferenceError';
  }
}

/** What `resolveRun` accepts, for help texts. */
export const RUN_REFERENCE_HELP = "run id, a unique part of one, a run folder, or a config (file or name) for its latest run";

type Folder = ListedRunFolder;

const idOf = (f: Folder): string => (f.kind === 'run' ? f.run.id : f.id);

const CONFIG_SUFFIX = /\.seqlab\.json$/i;

/**
 * The run `ref` names, trying in turn:
 *  1. a run folder's path (relative to `cwd`);
 *  2. a run id in runsDir;
 *  3. a config file's path: the latest run of that config;
 *  4. a unique start of a run id (`20260102-0304`);
 *  5. a config's name, or its file name without .seqlab.json: the latest run of that config;
 *  6. a unique part of a run id (`adding` for 20260102-030405-adding-lstm-1a2b; what `show` always took).
 * Throws RunReferenceError when no run matches, when several do (4, 6) or several configs share the name (5),
 * and when the run found is damaged (its meta.json missing or unusable).
 */
export async function resolveRun(runsDir: string, ref: string, cwd = process.cwd()): Promise<RunSummary> {
  return usable(await resolveRunFolder(runsDir, ref, cwd));
}

/**
 * The run or damaged run `ref` names, as resolveRun finds it, for what works on damaged runs too
 * (`seqlab show`, `seqlab repair`). A damaged run has no name or config on record: only its id or folder name it.
 */
export async function resolveRunFolder(runsDir: string, ref: string, cwd = process.cwd()): Promise<ListedRunFolder> {
  const asPath = path.resolve(cwd, ref);
  const folder = await inspectRunFolder(asPath);
  if (folder.kind === 'run' || (folder.kind === 'damaged' && (await damagedRunAt(asPath, runsDir)))) return folder;

  const folders = await listRunFolders(runsDir);
  const exact = folders.find((f) => idOf(f) === ref);
  if (exact) return exact;

  if (CONFIG_SUFFIX.test(ref) || (await isFile(asPath))) return { kind: 'run', run: latestOfConfigFile(folders, asPath, ref, runsDir) };

  const prefixed = folders.filter((f) => idOf(f).startsWith(ref));
  if (prefixed.length === 1) return prefixed[0];

  const ofConfig = latestOfConfigName(folders, ref);
  if (ofConfig) return { kind: 'run', run: ofConfig };

  const containing = folders.filter((f) => idOf(f).includes(ref));
  if (containing.length === 1) return containing[0];
  if (containing.length > 1) throw ambiguous(ref, containing.map(idOf), 'runs', 'Give more of the id, or the run folder.');
  throw unknown(folders, ref, runsDir);
}

function usable(folder: Folder): RunSummary {
  if (folder.kind === 'run') return folder.run;
  throw new RunReferenceError(
    'damaged',
    `Run ${folder.id} is damaged: ${folder.problem}. Its folder ${folder.dir} is left as it is. ` +
      `See what it still holds with: seqlab show ${folder.id}; rebuild its meta.json with: seqlab repair ${folder.id}`,
    [folder.id],
  );
}

/**
 * A folder with run files but no usable meta.json is a damaged run when it has a meta.json or lies in the
 * runs folder; elsewhere (a project folder with a checkpoints/ of its own) it is no run at all.
 */
async function damagedRunAt(dir: string, runsDir: string): Promise<boolean> {
  if (path.dirname(dir) === path.resolve(runsDir)) return true;
  try {
    await fs.stat(path.join(dir, RUN_FILES.meta));
    return true;
  } catch {
    return false;
  }
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}

const runsOf = (folders: readonly Folder[]): RunSummary[] => folders.flatMap((f) => (f.kind === 'run' ? [f.run] : []));

function latestOfConfigFile(folders: readonly Folder[], file: string, ref: string, runsDir: string): RunSummary {
  // runs are listed newest first
  const latest = runsOf(folders).find((r) => path.resolve(r.meta.info.configPath) === file);
  if (latest) return latest;
  throw new RunReferenceError('unknown', `No run of the config ${file} in ${runsDir}. Train it with: seqlab train ${ref}`);
}

/** The latest run of the one config whose name or file name is `ref`, written any way that slugs alike. */
function latestOfConfigName(folders: readonly Folder[], ref: string): RunSummary | undefined {
  if (!/[a-z0-9]/i.test(ref)) return undefined;
  const key = runIdSlug(ref);
  const matching = runsOf(folders).filter((r) => {
    const { name, configPath } = r.meta.info;
    return runIdSlug(name) === key || runIdSlug(path.basename(configPath).replace(CONFIG_SUFFIX, '')) === key;
  });
  const configs = [...new Set(matching.map((r) => path.resolve(r.meta.info.configPath)))];
  if (configs.length > 1) throw ambiguous(ref, configs, 'configs', 'Give the config file, or a run id.');
  return matching[0];
}

function ambiguous(ref: string, matches: readonly string[], what: 'runs' | 'configs', hint: string): RunReferenceError {
  const shown = matches.slice(0, 5).join(', ') + (matches.length > 5 ? `, and ${matches.length - 5} more` : '');
  return new RunReferenceError('ambiguous', `'${ref}' matches ${matches.length} ${what} (${shown}). ${hint}`, matches);
}

function unknown(folders: readonly Folder[], ref: string, runsDir: string): RunReferenceError {
  if (folders.length === 0) return new RunReferenceError('unknown', `No run '${ref}': ${runsDir} holds no runs. Start one with: seqlab train <config>`);
  const names = [...new Set(runsOf(folders).map((r) => r.meta.info.name))];
  const near = closestMatch(ref, names);
  return new RunReferenceError(
    'unknown',
    `No run '${ref}' in ${runsDir}.${near ? ` Did you mean '${near}'?` : ''} Name a ${RUN_REFERENCE_HELP}; list the runs with: seqlab runs`,
  );
}
