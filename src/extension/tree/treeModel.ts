// The experiments tree as plain data: configs (grouped by folder when there are several) → runs,
// newest first, plus queued jobs; runs of configs elsewhere under "Other runs", damaged run folders
// under "Damaged runs". `ExperimentsTree` only renders these nodes; runRows.ts makes the run rows. Pure.

import * as path from 'node:path';
import type { Resumability } from '../../runs/resumability';
import type { DecodingScores } from '../../shared/metrics';
import type { RunStatus } from '../../shared/protocol';
import type { RunSummary } from '../../runs/runReader';
import { activeRunId, type ActiveRun } from '../training/activeRun';
import { cellLabel } from '../../shared/format';
import { damagedNode, type DamagedFolder, type Live, runNode } from './runRows';

export interface ConfigEntry {
  /** Absolute path of the *.seqlab.json. */
  path: string;
  /** Name of the workspace folder holding it. */
  workspaceFolder: string;
  /** Path relative to that workspace folder, with forward slashes. */
  relativePath: string;
}

export interface Icon {
  id: string;
  /** ThemeColor id. */
  color?: string;
}

export type TreeNode = FolderNode | ConfigNode | RunNode | QueuedNode | DamagedNode;

export interface FolderNode {
  kind: 'folder';
  id: string;
  label: string;
  children: TreeNode[];
}

export interface ConfigNode {
  kind: 'config';
  id: string;
  path: string;
  label: string;
  description: string;
  tooltip: string;
  children: (RunNode | QueuedNode)[];
}

export interface RunNode {
  kind: 'run';
  id: string;
  runId: string;
  dir: string;
  configPath: string;
  label: string;
  description: string;
  /** Markdown. */
  tooltip: string;
  icon: Icon;
  status: RunStatus['kind'];
  /** Whether a readable checkpoint lets it be resumed (resumability.ts). */
  resumable: boolean;
  contextValue: string;
}

/** A run folder whose meta.json is missing or unusable: what is wrong, and Repair. */
export interface DamagedNode {
  kind: 'damaged';
  id: string;
  runId: string;
  dir: string;
  label: string;
  description: string;
  /** Markdown. */
  tooltip: string;
  icon: Icon;
  contextValue: 'damaged';
}

export interface QueuedNode {
  kind: 'queued';
  id: string;
  jobKey: string;
  label: string;
  description: string;
  icon: Icon;
  contextValue: 'queued';
}

/** A job without a run yet: waiting in the queue (position among the waiting, 1-based) or starting its trainer. */
function queuedNode(job: ActiveRun, inQueue: readonly ActiveRun[]): QueuedNode {
  const cell = job.request.cell;
  const queued = job.state.kind === 'queued';
  return {
    kind: 'queued',
    id: `queued:${job.key}`,
    jobKey: job.key,
    label: queued ? 'queued' : 'starting…',
    description: [cell && cellLabel(cell), job.request.resumeRunId ? `resume ${job.request.resumeRunId}` : undefined, queued ? `#${inQueue.indexOf(job) + 1} in queue` : undefined]
      .filter(Boolean)
      .join(' · '),
    icon: { id: queued ? 'clock' : 'loading~spin' },
    contextValue: 'queued',
  };
}

const samePath = (a: string, b: string) => path.resolve(a) === path.resolve(b);

/** What the runs folder says besides the runs: its damaged folders, and whether each unfinished run can be resumed. */
export interface RunHealth {
  damaged: readonly DamagedFolder[];
  resumability(runId: string): Resumability | undefined;
  /** An encoder–decoder's greedy decoding scores at its last evaluation (absent: not known). */
  decoding?(runId: string): DecodingScores | undefined;
}

const NO_HEALTH: RunHealth = { damaged: [], resumability: () => undefined };

/**
 * configs × runs × active jobs → tree roots. Runs whose config is not among `configs` go under an
 * "other runs" folder (runs from the CLI on configs elsewhere, or of a deleted config).
 */
export function buildTree(configs: readonly ConfigEntry[], runs: readonly RunSummary[], active: readonly ActiveRun[] = [], health: RunHealth = NO_HEALTH): TreeNode[] {
  const sorted = [...runs].sort((a, b) => b.meta.createdAt.localeCompare(a.meta.createdAt));
  const live = new Map<string, Live>();
  for (const job of active) {
    const id = activeRunId(job);
    if (id && (job.state.kind === 'running' || job.state.kind === 'stopping')) live.set(id, { step: job.state.step, loss: job.state.loss });
  }
  const queued = active.filter((j) => j.state.kind === 'queued' || j.state.kind === 'starting');
  const inQueue = active.filter((j) => j.state.kind === 'queued');
  const row = (r: RunSummary, named: boolean) => {
    const l = live.get(r.id);
    const resumability = health.resumability(r.id);
    const decoding = health.decoding?.(r.id);
    return runNode(r, { named, ...(l && { live: l }), ...(resumability && { resumability }), ...(decoding && { decoding }) });
  };
  const used = new Set<string>();
  const configNodes = [...configs]
    .sort((a, b) => a.relativePath.localeCompare(b.relativePath))
    .map((c): ConfigNode & { entry: ConfigEntry } => {
      const mine = sorted.filter((r) => samePath(r.meta.info.configPath, c.path));
      for (const r of mine) used.add(r.id);
      const waiting = queued.filter((j) => samePath(j.request.configPath, c.path)).map((j) => queuedNode(j, inQueue));
      const running = mine.filter((r) => r.status.kind === 'running').length;
      const description = [running > 0 ? `${running} running` : undefined, waiting.length > 0 ? `${waiting.length} queued` : undefined, `${mine.length} run${mine.length === 1 ? '' : 's'}`]
        .filter(Boolean)
        .join(' · ');
      return {
        kind: 'config',
        id: `config:${c.path}`,
        path: c.path,
        label: path.basename(c.path).replace(/\.seqlab\.json$/i, ''),
        description,
        tooltip: `${c.workspaceFolder}/${c.relativePath}`,
        children: [...waiting, ...mine.map((r) => row(r, false))],
        entry: c,
      };
    });

  const groupKey = (c: ConfigEntry) => {
    const dir = path.posix.dirname(c.relativePath);
    return `${c.workspaceFolder}/${dir === '.' ? '' : dir}`.replace(/\/$/, '');
  };
  const groups = new Map<string, TreeNode[]>();
  for (const n of configNodes) {
    const { entry, ...node } = n;
    const k = groupKey(entry);
    groups.set(k, [...(groups.get(k) ?? []), node]);
  }
  const roots: TreeNode[] =
    groups.size <= 1 ? [...groups.values()].flat() : [...groups.entries()].map(([label, children]) => ({ kind: 'folder', id: `folder:${label}`, label, children }));

  const others = sorted.filter((r) => !used.has(r.id));
  const orphanQueued = queued.filter((j) => !configs.some((c) => samePath(c.path, j.request.configPath)));
  if (others.length > 0 || orphanQueued.length > 0) {
    roots.push({
      kind: 'folder',
      id: 'folder:(other runs)',
      label: 'Other runs',
      children: [...orphanQueued.map((j) => queuedNode(j, inQueue)), ...others.map((r) => row(r, true))],
    });
  }
  if (health.damaged.length > 0) {
    roots.push({ kind: 'folder', id: 'folder:(damaged runs)', label: 'Damaged runs', children: health.damaged.map(damagedNode) });
  }
  return roots;
}
