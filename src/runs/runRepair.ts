// `seqlab repair` (and the tree's Repair action): gathers what planRepair needs (the inventory, the
// damaged meta.json's text, the config the run started from) and carries the plan out. It writes only
// files that are missing or unusable: the damaged meta.json is copied aside first, a missing config
// snapshot is restored without replacing anything, and meta.json goes through the one writer (writeMeta).

import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { ExperimentConfig } from '../shared/config';
import { parseConfig } from '../shared/configValidation';
import { writeFileAtomic } from './atomicFile';
import { configDifferences, describeDifferences } from './configDifferences';
import { planRepair, type RepairPlan } from './repairPlan';
import { readRunContents, type RunContents } from './runContents';
import { RUN_FILES } from './runFiles';
import type { ListedRunFolder, RunSummary } from './runReader';
import { writeMeta } from './runWriter';

export interface RepairOptions {
  /** The config file the run started from, when the user names it (`seqlab repair --config`). */
  config?: string;
  /** Folders searched (three levels deep) for a config whose content equals the run's snapshot. */
  searchIn?: readonly string[];
  now?: Date;
}

export type RepairCheck = { kind: 'notNeeded'; run: RunSummary } | RepairPlan;

/** What a repair of `folder` would do; writes nothing. */
export async function checkRepair(folder: ListedRunFolder, o: RepairOptions = {}): Promise<RepairCheck> {
  if (folder.kind === 'run') return { kind: 'notNeeded', run: folder.run };
  const { id, dir, problem } = folder;
  let metaText: string | undefined;
  try {
    metaText = await fsp.readFile(path.join(dir, RUN_FILES.meta), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') return { kind: 'impossible', id, dir, problem, why: `${RUN_FILES.meta} cannot be read (${code}), so it cannot be kept aside; fix its permissions first` };
  }
  const contents = await readRunContents(dir);
  const startedFrom = await findStartingConfig(contents, dir, o);
  return planRepair({ id, dir, problem, ...(metaText !== undefined && { metaText }), contents, ...(startedFrom && { startedFrom }), now: o.now ?? new Date() });
}

/** Carries out a rebuild plan; returns what it wrote, in order. */
export function applyRepair(plan: Extract<RepairPlan, { kind: 'rebuild' }>): string[] {
  const done: string[] = [];
  const meta = path.join(plan.dir, RUN_FILES.meta);
  if (plan.damagedCopy) {
    // COPYFILE_EXCL: an earlier copy is never overwritten
    fs.copyFileSync(meta, path.join(plan.dir, plan.damagedCopy), fs.constants.COPYFILE_EXCL);
    done.push(`kept the damaged ${RUN_FILES.meta} as ${plan.damagedCopy}`);
  }
  const snapshot = path.join(plan.dir, RUN_FILES.config);
  if (plan.restoreSnapshot && !fs.existsSync(snapshot)) {
    writeFileAtomic(snapshot, plan.restoreSnapshot.text);
    done.push(`restored ${RUN_FILES.config} from ${plan.restoreSnapshot.from}`);
  }
  writeMeta(plan.dir, plan.meta);
  done.push(`wrote ${RUN_FILES.meta}`);
  return done;
}

/** The config the run started from: the one the user names, else one whose content equals the snapshot. */
async function findStartingConfig(contents: RunContents, runDir: string, o: RepairOptions): Promise<{ path: string; how: string; detail?: string } | undefined> {
  // without a snapshot, the config the weights carry (the same, unless the cell or diagnostics were overridden)
  const snapshot = contents.snapshot.kind === 'ok' ? contents.snapshot.config : contents.saved?.config;
  if (o.config !== undefined) {
    const file = path.resolve(o.config);
    const given = await readConfig(file);
    const diffs = snapshot && given ? configDifferences(snapshot, given) : [];
    return { path: file, how: '--config', ...(diffs.length > 0 && { detail: `it differs from the run's snapshot in ${describeDifferences(diffs)}` }) };
  }
  if (!snapshot) return undefined;
  for (const root of searchRoots(runDir, o.searchIn)) {
    const found = await findConfigLike(root, snapshot);
    if (found) return { path: found, how: 'a config file with the same content', detail: `found under ${root}` };
  }
  return undefined;
}

/** The workspace a `<workspace>/.seqlab/runs/<id>` folder belongs to, then the folders the caller adds. */
function searchRoots(runDir: string, extra: readonly string[] = []): string[] {
  const seqlab = path.dirname(path.dirname(runDir));
  const workspace = path.basename(seqlab) === '.seqlab' ? [path.dirname(seqlab)] : [];
  return [...new Set([...workspace, ...extra].map((d) => path.resolve(d)))];
}

async function readConfig(file: string): Promise<ExperimentConfig | undefined> {
  try {
    return parseConfig(await fsp.readFile(file, 'utf8'), file).config;
  } catch {
    return undefined;
  }
}

const SEARCH_DEPTH = 3;
const SEARCH_MAX_FOLDERS = 2000;

/** A *.seqlab.json under `root` (breadth first, skipping hidden folders and node_modules) that parses to `config`. */
async function findConfigLike(root: string, config: ExperimentConfig): Promise<string | undefined> {
  let level = [root];
  let visited = 0;
  for (let depth = 0; depth <= SEARCH_DEPTH && level.length > 0; depth++) {
    const next: string[] = [];
    for (const dir of level) {
      if (++visited > SEARCH_MAX_FOLDERS) return undefined;
      let entries: fs.Dirent[];
      try {
        entries = await fsp.readdir(dir, { withFileTypes: true });
      } catch {
        continue;
      }
      for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
        const file = path.join(dir, e.name);
        if (e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules') next.push(file);
        else if (e.isFile() && /\.seqlab\.json$/i.test(e.name) && isDeepStrictEqual(await readConfig(file), config)) return file;
      }
    }
    level = next;
  }
  return undefined;
}
