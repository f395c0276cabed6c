// The extension host <-> trainer boundary: messages over the child process's IPC channel.
// Both sides switch exhaustively over these unions (see `assertNever`).

import type { DiagnosticsSnapshot, MetricRecord, RunInfo } from './metrics';

export interface TrainRequest {
  configPath: string;
  runsDir: string;
  backend?: 'wasm' | 'tfjs' | 'auto';
  maxSteps?: number;
  /** Override the config's cell (used by Compare Cells). */
  cell?: 'rnn' | 'lstm' | 'gru';
  /** Continue an interrupted run from its last checkpoint. */
  resumeRunId?: string;
  threads?: number;
  /** Override the config's `diagnostics.every` (the extension's seqlab.diagnosticsInterval setting). */
  diagnosticsEvery?: number;
}

/** Host -> trainer. */
export type HostToTrainer =
  | { type: 'train'; request: TrainRequest }
  | { type: 'stop' };

export type FailureKind = 'config' | 'data' | 'diverged' | 'backend' | 'internal';

/** Trainer -> host. */
export type TrainerToHost =
  | { type: 'ready'; pid: number; version: string }
  | { type: 'started'; run: RunInfo; runDir: string }
  | { type: 'metrics'; records: MetricRecord[] }
  | { type: 'diagnostics'; snapshot: DiagnosticsSnapshot }
  | { type: 'checkpoint'; step: number; path: string }
  | { type: 'finished'; step: number; bestValidationLoss?: number; seconds: number }
  | { type: 'failed'; kind: FailureKind; message: string; step?: number }
  | { type: 'cancelled'; step: number };

export function assertNever(x: never, what = 'message'): never {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(x)}`);
}

/** Run status as stored in meta.json. */
export type RunStatus =
  | { kind: 'running'; pid: number; step: number }
  | { kind: 'finished'; step: number }
  | { kind: 'failed'; failure: FailureKind; message: string; step?: number }
  | { kind: 'cancelled'; step: number }
  | { kind: 'interrupted'; step: number };
