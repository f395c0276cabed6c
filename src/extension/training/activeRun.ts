// What the host knows about a training job it owns, from queueing to exit. Pure types and helpers.

import type { RunInfo } from '../../shared/metrics';
import type { TrainRequest } from '../../shared/protocol';

export type ActiveRunState =
  | { kind: 'queued' }
  /** Forked; the trainer has not announced its run yet. */
  | { kind: 'starting'; pid: number }
  | { kind: 'running'; pid: number; runId: string; runDir: string; info: RunInfo; step: number; loss?: number }
  /** Stop requested (by the user or deactivation); waiting for the process to exit. */
  | { kind: 'stopping'; pid: number; runId?: string; runDir?: string; info?: RunInfo; step: number; loss?: number };

export interface ActiveRun {
  /** Host-side job id: a run has no id until its trainer has started. */
  key: string;
  request: TrainRequest;
  state: ActiveRunState;
  queuedAt: string;
}

export function activeRunId(run: ActiveRun): string | undefined {
  const s = run.state;
  return s.kind === 'running' || s.kind === 'stopping' ? s.runId : undefined;
}

/** Max concurrent runs from the setting: 0 (or anything below 1) means cores − 1, at least 1. */
export function effectiveMaxConcurrent(setting: number | undefined, cores: number): number {
  const n = Math.floor(setting ?? 0);
  return n >= 1 ? n : Math.max(1, cores - 1);
}
