// What the dashboards need from the rest of the extension. The run manager implements it; the dashboards
// never start processes or watch folders themselves.
import type * as vscode from 'vscode';
import type { DiagnosticsSnapshot, MetricRecord, RunInfo } from '../../shared/metrics';
import type { RunSummary } from '../../runs/runReader';
import type { ActiveRun } from '../training/activeRun';
import type { JobOutcome } from '../training/runManager';

export interface RunSource {
  /** Folder holding the run folders, when a workspace is open. */
  runsDir(): string | undefined;
  getRun(runId: string): RunSummary | undefined;
  /** A job this host owns (queued, starting, running, stopping), by job key or run id. */
  job(keyOrRunId: string): ActiveRun | undefined;
  /** Every job this host owns, in queue order. */
  active(): readonly ActiveRun[];
  /** A run started, changed status or was deleted; a job was queued, started or left the queue. */
  readonly onDidChangeRuns: vscode.Event<void>;
  /** A job's trainer announced its run. */
  readonly onDidStart: vscode.Event<{ job: ActiveRun; info: RunInfo; runDir: string }>;
  readonly onDidEnd: vscode.Event<{ job: ActiveRun; outcome: JobOutcome }>;
  /** Records of a live run, as the trainer reports them (they are on disk by then or soon after). */
  readonly onMetrics: vscode.Event<{ runId: string; records: MetricRecord[] }>;
  readonly onDiagnostics: vscode.Event<{ runId: string; snapshot: DiagnosticsSnapshot }>;
  /** Stop a run, or take a queued job out of the queue. */
  stop(runIdOrKey: string): Promise<void>;
  /** Sample `length` tokens from the run's weights after `prime`. */
  generate(runId: string, prime: string, temperature: number, length: number): Promise<string>;
}
