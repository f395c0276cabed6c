// The extension host <-> engine boundary: messages over the IPC channel of a forked dist/trainer.js.
// A child either trains one run (`train`, then a stream of events) or answers requests (`request`, each
// with an id and a typed reply). Both sides switch exhaustively over these unions (see `assertNever`).

import type { BackendKind, CellKind } from './config';
import type { Issue } from './configIssue';
import type { ExplorerRequests } from './explorerProtocol';
import type { DiagnosticsSnapshot, MetricRecord, RunInfo } from './metrics';
import type { ExportRequest, ExportResult } from './modelExport';
import type { SweepRunInfo } from './sweep';
import type { TranslateRequest, TranslateResult } from './translation';

export interface TrainRequest {
  configPath: string;
  runsDir: string;
  backend?: BackendKind;
  maxSteps?: number;
  /** Override the config's cell (used by Compare Cells). */
  cell?: CellKind;
  /** Continue an interrupted run from its last checkpoint. */
  resumeRunId?: string;
  threads?: number;
  /** Override the config's `diagnostics.every` (the extension's seqlab.diagnosticsInterval setting). */
  diagnosticsEvery?: number;
  /** Train this point of the config's sweep (its values set, the sweep removed); recorded in RunInfo. */
  sweep?: SweepRunInfo;
}

export interface SampleRequest {
  runsDir: string;
  /** Run id, a unique part of it, or a run folder. */
  run: string;
  /** Text the model reads before it generates. */
  prime: string;
  /** Tokens to generate. */
  length: number;
  /** 0 = greedy. */
  temperature: number;
  seed?: number;
}

export interface SampleResult {
  runId: string;
  /** The prime followed by the generated tokens. */
  text: string;
}

/** The data checks of a config's text (an editor's buffer), as `seqlab validate` runs them. */
export interface CheckDataRequest {
  /** The config file the text is read as: its data paths resolve against its folder. */
  configPath: string;
  text: string;
}

export interface CheckDataResult {
  /** The data problems `train` would refuse, at the settings they are about; [] when the text is not a valid config. */
  issues: Issue[];
}

/**
 * What the engine answers besides training: each kind's request and result. A new kind is one
 * more entry here and one more case in childMain's switch. The explorer's kinds (states, unitFeatures,
 * match, embedding, neighbours) are entries of their own, so each keeps its result type end to end.
 */
export interface EngineRequests extends ExplorerRequests {
  sample: { request: SampleRequest; result: SampleResult };
  export: { request: ExportRequest; result: ExportResult };
  translate: { request: TranslateRequest; result: TranslateResult };
  checkData: { request: CheckDataRequest; result: CheckDataResult };
}
export type EngineRequestKind = keyof EngineRequests;
export type EngineRequest = { [K in EngineRequestKind]: { kind: K; request: EngineRequests[K]['request'] } }[EngineRequestKind];
export type EngineResult = { [K in EngineRequestKind]: { kind: K; result: EngineRequests[K]['result'] } }[EngineRequestKind];

/** Why a request failed: the host words its message, the CLI picks its exit code. */
export type RequestProblem = 'notFound' | 'noWeights' | 'outExists' | 'unsupported' | 'badInput' | 'internal';

/** Host -> engine. */
export type HostToTrainer =
  | { type: 'train'; request: TrainRequest }
  | { type: 'stop' }
  | { type: 'request'; id: number; body: EngineRequest }
  /** Give up on request `id` (its AbortSignal fired) in a child that lives on (a training's): the engine
   *  stops working on it at its next check and sends no answer; the host has settled it as cancelled. */
  | { type: 'cancelRequest'; id: number };

/** `storage`: the run folder could not be written (a full disk, a read-only folder). */
export type FailureKind = 'config' | 'data' | 'diverged' | 'backend' | 'storage' | 'internal';

/** Engine -> host. */
export type TrainerToHost =
  | { type: 'ready'; pid: number; version: string }
  | { type: 'started'; run: RunInfo; runDir: string }
  | { type: 'metrics'; records: MetricRecord[] }
  | { type: 'diagnostics'; snapshot: DiagnosticsSnapshot }
  | { type: 'checkpoint'; step: number; path: string }
  | { type: 'finished'; step: number; bestValidationLoss?: number; seconds: number }
  | { type: 'failed'; kind: FailureKind; message: string; step?: number }
  | { type: 'cancelled'; step: number }
  | { type: 'reply'; id: number; body: EngineResult }
  | { type: 'requestFailed'; id: number; problem: RequestProblem; message: string };

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
