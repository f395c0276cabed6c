// Status changes made by someone other than the trainer: the extension marks a run failed when its
// trainer died without saying so, or interrupted when VS Code shut it down. Also an async listing of
// runs for callers that must not block (the extension host). Node fs only.

import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { FailureKind, RunStatus } from '../shared/protocol';
import { RUN_FILES, type RunMeta } from './runFiles';
import { effectiveStatus, type RunSummary } from './runReader';

async function readMeta(dir: string): Promise<RunMeta | undefined> {
  try {
    return JSON.parse(await fsp.readFile(path.join(dir, RUN_FILES.meta), 'utf8')) as RunMeta;
  } catch {
    return undefined;
  }
}

async function writeMeta(dir: string, meta: RunMeta): Promise<void> {
  const file = path.join(dir, RUN_FILES.meta);
  const tmp = path.join(dir, `.${RUN_FILES.meta}.${process.pid}.${Date.now()}.tmp`);
  await fsp.writeFile(tmp, JSON.stringify(meta, null, 2) + '\n');
  await fsp.rename(tmp, file);
}

/** Pure: the status a run gets when its process ended without reporting an outcome. */
export function failedStatus(previous: RunStatus, message: string, failure: FailureKind = 'internal'): RunStatus {
  return { kind: 'failed', failure, message, step: previous.step ?? 0 };
}

/**
 * Rewrite meta.json with `status`, unless the run already reached a final status (the trainer may have
 * written it just before dying). Returns the status now on disk, or undefined without a meta.json.
 */
export async function setRunStatus(
  dir: string,
  next: (current: RunStatus) => RunStatus,
  applies: (current: RunStatus) => boolean = (s) => s.kind === 'running',
): Promise<RunStatus | undefined> {
  const meta = await readMeta(dir);
  if (!meta) return undefined;
  if (!applies(meta.status)) return meta.status;
  const status = next(meta.status);
  await writeMeta(dir, { ...meta, status, updatedAt: new Date().toISOString() });
  return status;
}

export const markRunFailed = (dir: string, message: string, failure: FailureKind = 'internal') =>
  setRunStatus(dir, (s) => failedStatus(s, message, failure));

/** Shut down by its host (VS Code closing): running or cancelled becomes interrupted, so it can be resumed. */
export const markRunInterrupted = (dir: string) =>
  setRunStatus(dir, (s) => ({ kind: 'interrupted', step: s.step ?? 0 }), (s) => s.kind === 'running' || s.kind === 'cancelled');

/** Stopped on request but killed before the trainer could write its own `cancelled`. */
export const markRunCancelled = (dir: string) => setRunStatus(dir, (s) => ({ kind: 'cancelled', step: s.step ?? 0 }));

export async function readRunAsync(dir: string, alive?: (pid: number) => boolean): Promise<RunSummary | undefined> {
  const meta = await readMeta(dir);
  if (!meta || !meta.info || !meta.status) return undefined;
  return { id: path.basename(dir), dir, meta, status: effectiveStatus(meta.status, alive) };
}

/** listRuns without blocking: all runs under runsDir, newest first. */
export async function listRunsAsync(runsDir: string, alive?: (pid: number) => boolean): Promise<RunSummary[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fsp.readdir(runsDir, { withFileTypes: true });
  } catch {
    return [];
  }
  const runs = await Promise.all(entries.filter((d) => d.isDirectory()).map((d) => readRunAsync(path.join(runsDir, d.name), alive)));
  return runs.filter((r): r is RunSummary => r !== undefined).sort((a, b) => b.meta.createdAt.localeCompare(a.meta.createdAt));
}
