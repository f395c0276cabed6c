// What a command was invoked with, resolved to what it acts on. Arguments arrive from the palette (none),
// the tree (a TreeNode, or the whole selection), the CodeLens (a path or a run id), editor and explorer
// menus (a Uri), and other commands (ids). Pure: the command modules ask the user where these say `pick`.

import * as path from 'node:path';
import type { BackendKind, CellKind } from '../../shared/config';
import { type ComparisonVariant, variantRuns } from '../../shared/comparisonVariants';
import { cellLabel, timeAgo } from '../../shared/format';
import type { TrainRequest } from '../../shared/protocol';
import type { RunSummary } from '../../runs/runReader';
import { configBaseName, runTitle, titleFromRunId } from '../runs/runNames';
import type { RunCatalog } from '../runs/runsOnDisk';
import { type DamagedFolder, isSeq2seqRun, runResult } from '../tree/runRows';
import type { ConfigEntry, TreeNode } from '../tree/treeModel';

export const isTreeNode = (x: unknown): x is TreeNode => typeof x === 'object' && x !== null && 'kind' in x && 'id' in x;

/** A vscode.Uri, recognised without importing vscode. */
const isUri = (x: unknown): x is { fsPath: string; scheme: string } =>
  typeof x === 'object' && x !== null && typeof (x as { fsPath?: unknown }).fsPath === 'string' && typeof (x as { scheme?: unknown }).scheme === 'string';

export const isConfigFile = (file: string): boolean => /\.seqlab\.json$/i.test(file);

export type ConfigTarget =
  | { kind: 'path'; path: string }
  /** The workspace has no config: offer New Experiment. */
  | { kind: 'none' }
  | { kind: 'pick'; items: { label: string; description: string; path: string }[] };

/** The argument, else the config in the active editor, else the workspace's only config, else a pick. */
export function resolveConfigTarget(arg: unknown, activeFile: string | undefined, configs: readonly ConfigEntry[]): ConfigTarget {
  if (typeof arg === 'string') return { kind: 'path', path: arg };
  if (isUri(arg)) return { kind: 'path', path: arg.fsPath };
  if (isTreeNode(arg) && arg.kind === 'config') return { kind: 'path', path: arg.path };
  if (isTreeNode(arg) && arg.kind === 'run') return { kind: 'path', path: arg.configPath };
  if (activeFile && isConfigFile(activeFile)) return { kind: 'path', path: activeFile };
  if (configs.length === 1) return { kind: 'path', path: configs[0].path };
  if (configs.length === 0) return { kind: 'none' };
  return { kind: 'pick', items: configs.map((c) => ({ label: path.basename(c.path), description: c.relativePath, path: c.path })) };
}

/** A run id (or a queued job's key), or a pick among the runs. */
export type RunTarget = { kind: 'id'; id: string } | { kind: 'pick' };

export function resolveRunTarget(arg: unknown): RunTarget {
  if (typeof arg === 'string') return { kind: 'id', id: arg };
  if (isTreeNode(arg) && arg.kind === 'run') return { kind: 'id', id: arg.runId };
  if (isTreeNode(arg) && arg.kind === 'queued') return { kind: 'id', id: arg.jobKey };
  if (isTreeNode(arg) && arg.kind === 'damaged') return { kind: 'id', id: arg.runId };
  return { kind: 'pick' };
}

/** Whether a command was given something to act on (not only the palette's nothing). */
export const hasRunArg = (arg: unknown): boolean => typeof arg === 'string' || isTreeNode(arg);

export type DashboardTarget = { kind: 'ids'; ids: string[] } | { kind: 'run'; target: RunTarget } | { kind: 'pickMany' };

/**
 * Open Dashboard's runs: the tree's selection when several rows are selected (VS Code passes the clicked
 * node and then the selection), ids from another command, one run, or a pick of several (a comparison).
 */
export function resolveDashboardTarget(arg: unknown, selection?: unknown): DashboardTarget {
  if (Array.isArray(selection) && selection.length > 1 && selection.every(isTreeNode)) {
    return { kind: 'ids', ids: selection.flatMap((n) => (n.kind === 'run' ? [n.runId] : [])) };
  }
  if (Array.isArray(arg)) return { kind: 'ids', ids: arg.filter((x): x is string => typeof x === 'string') };
  if (hasRunArg(arg)) return { kind: 'run', target: resolveRunTarget(arg) };
  return { kind: 'pickMany' };
}

export interface RunPickItem {
  label: string;
  description: string;
  id: string;
}

/** Runs by name ("tiny · LSTM"), their status, result and age beside it. */
export function runPickItems(runs: readonly RunSummary[], filter: (r: RunSummary) => boolean, now = new Date()): RunPickItem[] {
  return runs.filter(filter).map((r) => {
    const result = r.status.kind === 'running' ? undefined : runResult(r);
    return { label: runTitle(r.meta.info), description: [r.status.kind, result, timeAgo(r.meta.createdAt, now)].filter(Boolean).join(' · '), id: r.id };
  });
}

/** Damaged runs, by what their id says, with what is wrong. */
export function damagedPickItems(damaged: readonly DamagedFolder[]): RunPickItem[] {
  return damaged.map((d) => ({ label: titleFromRunId(d.id), description: `${d.id} · ${d.problem}`, id: d.id }));
}

export const isTextRun = (r: RunSummary): boolean => r.meta.info.task === 'text';

/** The encoder–decoder runs Translate offers: finished, or stopped with a checkpoint to read (as of the catalog's last refresh). */
export const translatableIn = (runs: Pick<RunCatalog, 'resumability'>) => (r: RunSummary): boolean =>
  isSeq2seqRun(r) && (r.status.kind === 'finished' || runs.resumability(r.id)?.kind === 'resumable');

/** The runs whose checkpoints let them be resumed, as of the catalog's last refresh (resumability.ts). */
export const resumableIn = (runs: Pick<RunCatalog, 'resumability'>) => (r: RunSummary): boolean => runs.resumability(r.id)?.kind === 'resumable';

/** The settings a training takes from VS Code (seqlab.defaultBackend, seqlab.diagnosticsInterval). */
export interface TrainSettings {
  /** 'config' (the config decides) or a backend. */
  defaultBackend: string | undefined;
  diagnosticsInterval: number | undefined;
}

export interface PlannedJob {
  request: Omit<TrainRequest, 'runsDir'>;
  /** The progress notification's title. */
  title: string;
}

const BACKEND_OVERRIDES: readonly string[] = ['wasm', 'tfjs', 'auto'] satisfies BackendKind[];

/** One job per cell (undefined: the config's), or the resumption of a run (its id and its name). */
export function planTraining(configPath: string, cells: readonly (CellKind | undefined)[], settings: TrainSettings, resume?: { runId: string; title: string }): PlannedJob[] {
  const backend = settings.defaultBackend;
  const every = settings.diagnosticsInterval ?? 0;
  const name = path.basename(configPath).replace(/\.seqlab\.json$/i, '');
  const resumeRunId = resume?.runId;
  return cells.map((cell) => ({
    request: {
      configPath,
      ...(cell && { cell }),
      ...(resumeRunId && { resumeRunId }),
      ...(backend && BACKEND_OVERRIDES.includes(backend) && { backend: backend as BackendKind }),
      ...(every > 0 && { diagnosticsEvery: every }),
    },
    title: `SeqLab: ${resume ? `resuming ${resume.title}` : cell ? `training ${configBaseName(name)} · ${cellLabel(cell)}` : `training ${name}`}`,
  }));
}

/**
 * A comparison's jobs (comparisonVariants.ts): one per variant, with its cell and the settings it sets
 * besides, recorded under one id so its runs read as one comparison.
 */
export function planComparison(configPath: string, variants: readonly ComparisonVariant[], settings: TrainSettings, comparisonId: string): PlannedJob[] {
  const recorded = variantRuns(comparisonId, variants);
  return variants.map((v, i) => {
    const [job] = planTraining(configPath, [v.cell], settings);
    const sweep = recorded[i];
    return { request: { ...job.request, ...(sweep && { sweep }) }, title: v.label ? `${job.title} · ${v.label}` : job.title };
  });
}

/** A comparison's notification title, "SeqLab: comparing tiny — RNN · LSTM · GRU" (`what`: the plan's title), and the name it reports under. */
export function comparisonTitle(configPath: string, what: string): { title: string; name: string } {
  const name = configBaseName(path.basename(configPath).replace(/\.seqlab\.json$/i, ''));
  return { title: `SeqLab: comparing ${name}${what ? ` — ${what}` : ''}`, name };
}

/** Generate Sample's temperature box: a number ≥ 0, else what to type. */
export const temperatureProblem = (v: string): string | undefined => (Number.isFinite(Number(v)) && Number(v) >= 0 ? undefined : 'A number ≥ 0');
