// Status changes made by someone other than the trainer: the extension marks a run failed when its
// trainer died without saying so, or interrupted when VS Code shut it down. They go through the same
// writeMeta as the trainer's own updates. Node fs only.

import type { FailureKind, RunStatus } from '../shared/protocol';
import { readRun } from './runReader';
import { writeMeta } from './runWriter';

/** Pure: the status a run gets when its process ended without reporting an outcome. */
export function failedStatus(previous: RunStatus, message: string, failure: FailureKind = 'internal'): RunStatus {
  return { kind: 'failed', failure, message, step: previous.step ?? 0 };
}

/**
 * Rewrite meta.json with `status`, unless the run already reached a final status (the trainer may have
 * written it just before dying). Returns the status now on disk, or undefined without a readable meta.json.
 */
export async function setRunStatus(
  dir: string,
  next: (current: RunStatus) => RunStatus,
  applies: (current: RunStatus) => boolean = (s) => s.kind === 'running',
): Promise<RunStatus | undefined> {
  const run = await readRun(dir);
  if (!run) return undefined;
  const { meta } = run;
  if (!applies(meta.status)) return meta.status;
  const status = next(meta.status);
  writeMeta(dir, { ...meta, status, updatedAt: new Date().toISOString() });
  return status;
}

export const markRunFailed = (dir: string, message: string, failure: FailureKind = 'internal') =>
  setRunStatus(dir, (s) => failedStatus(s, message, failure));

/** Shut down by its host (VS Code closing): running or cancelled becomes interrupted, so it can be resumed. */
export const markRunInterrupted = (dir: string) =>
  setRunStatus(dir, (s) => ({ kind: 'interrupted', step: s.step ?? 0 }), (s) => s.kind === 'running' || s.kind === 'cancelled');

/** Stopped on request but killed before the trainer could write its own `cancelled`. */
export const markRunCancelled = (dir: string) => setRunStatus(dir, (s) => ({ kind: 'cancelled', step: s.step ?? 0 }));
