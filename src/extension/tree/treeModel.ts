// The experiments tree as plain data: configs (grouped by folder when there are several) → runs,
// newest first, plus queued jobs. `ExperimentsTree` only renders these nodes. Pure.

import * as path from 'node:path';
import type { RunStatus } from '../../shared/protocol';
import type { RunSummary } from '../../runs/runReader';
import { activeRunId, type ActiveRun } from '../training/activeRun';
import { cellLabel, formatCount, formatDuration, formatLoss } from '../../shared/format';

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

export type TreeNode = FolderNode | ConfigNode | RunNode | QueuedNode;

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
  contextValue: string;
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

export function statusIcon(status: RunStatus['kind']): Icon {
  switch (status) {
    case 'running':
      return { id: 'sync~spin' };
    case 'finished':
      return { id: 'pass', color: 'testing.iconPassed' };
    case 'failed':
      return { id: 'error', color: 'testing.iconFailed' };
    case 'cancelled':
      return { id: 'circle-slash' };
    case 'interrupted':
      return { id: 'debug-pause', color: 'list.warningForeground' };
  }
}

/** `2026-11-25 19:01` in local time. */
export function shortDate(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

interface Live {
  step: number;
  loss?: number;
}

export function runDescription(run: RunSummary, live?: Live): string {
  const parts = [cellLabel(run.meta.info.cell)];
  const total = run.meta.info.totalSteps;
  if (run.status.kind === 'running') {
    const step = live?.step ?? run.status.step;
    const pct = total > 0 ? ` (${Math.floor((100 * step) / total)}%)` : '';
    parts.push(`${formatCount(step)}/${formatCount(total)}${pct}`);
    const loss = live?.loss ?? run.meta.lastLoss;
    if (loss !== undefined) parts.push(`loss ${formatLoss(loss)}`);
  } else {
    if (run.meta.bestValidationLoss !== undefined) parts.push(`val ${formatLoss(run.meta.bestValidationLoss)}`);
    else if (run.meta.lastLoss !== undefined) parts.push(`loss ${formatLoss(run.meta.lastLoss)}`);
    if (run.status.kind !== 'finished') parts.push(`${run.status.kind} at ${formatCount(run.status.step ?? 0)}`);
    parts.push(formatDuration(run.meta.seconds));
  }
  return parts.join(' · ');
}

/**
 * `12,345`: what toLocaleString('en') gives for an integer, without it. Its first call loads ICU locale
 * data synchronously (about 50 ms), which held the extension host when the first run showed up in the tree.
 */
export const thousands = (n: number): string => Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');

const esc = (s: string) => s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');

export function runTooltip(run: RunSummary): string {
  const i = run.meta.info;
  const s = run.status;
  const lines = [
    `**${esc(i.name)}** · ${cellLabel(i.cell)} · ${s.kind}`,
    '',
    `| | |`,
    `|---|---|`,
    `| run | \`${run.id}\` |`,
    `| started | ${shortDate(run.meta.createdAt)} |`,
    `| steps | ${formatCount(s.step ?? 0)} / ${formatCount(i.totalSteps)} |`,
    `| time | ${formatDuration(run.meta.seconds)}${run.meta.stepsPerSecond ? ` (${run.meta.stepsPerSecond.toFixed(1)} steps/s)` : ''} |`,
    `| last loss | ${formatLoss(run.meta.lastLoss)} |`,
    `| best validation | ${formatLoss(run.meta.bestValidationLoss)}${run.meta.bestValidationStep !== undefined ? ` at step ${formatCount(run.meta.bestValidationStep)}` : ''} |`,
    `| model | ${thousands(i.paramCount)} parameters, ${esc(i.device)} |`,
    ...(i.backendReason ? [`| backend | ${esc(i.backendReason)} |`] : []),
    `| data | ${esc(i.dataSummary)} |`,
  ];
  if (s.kind === 'failed') lines.push('', `**Failed (${s.failure}):** ${esc(s.message.split('\n')[0].slice(0, 300))}`);
  if (s.kind === 'interrupted') lines.push('', 'The trainer stopped without finishing. Resume continues from the last checkpoint.');
  return lines.join('\n');
}

export function runNode(run: RunSummary, live?: Live): RunNode {
  const status = run.status.kind;
  return {
    kind: 'run',
    id: `run:${run.id}`,
    runId: run.id,
    dir: run.dir,
    configPath: run.meta.info.configPath,
    label: shortDate(run.meta.createdAt),
    description: runDescription(run, live),
    tooltip: runTooltip(run),
    icon: statusIcon(status),
    status,
    contextValue: `run.${status}`,
  };
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

/**
 * configs × runs × active jobs → tree roots. Runs whose config is not among `configs` go under an
 * "other runs" folder (runs from the CLI on configs elsewhere, or of a deleted config).
 */
export function buildTree(configs: readonly ConfigEntry[], runs: readonly RunSummary[], active: readonly ActiveRun[] = []): TreeNode[] {
  const sorted = [...runs].sort((a, b) => b.meta.createdAt.localeCompare(a.meta.createdAt));
  const live = new Map<string, Live>();
  for (const job of active) {
    const id = activeRunId(job);
    if (id && (job.state.kind === 'running' || job.state.kind === 'stopping')) live.set(id, { step: job.state.step, loss: job.state.loss });
  }
  const queued = active.filter((j) => j.state.kind === 'queued' || j.state.kind === 'starting');
  const inQueue = active.filter((j) => j.state.kind === 'queued');
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
        children: [...waiting, ...mine.map((r) => runNode(r, live.get(r.id)))],
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
      children: [...orphanQueued.map((j) => queuedNode(j, inQueue)), ...others.map((r) => runNode(r, live.get(r.id)))],
    });
  }
  return roots;
}
