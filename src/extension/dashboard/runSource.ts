// What the dashboards need from the rest of the extension. The run manager implements it; the dashboards
// never start processes or watch folders themselves.
import type * as vscode from 'vscode';
import type { DiagnosticsSnapshot, MetricRecord } from '../../shared/metrics';
import type { RunSummary } from '../../runs/runReader';

export interface RunSource {
  /** Folder holding the run folders, when a workspace is open. */
  runsDir(): string | undefined;
  getRun(runId: string): RunSummary | undefined;
  /** A run started, changed status or was deleted. */
  readonly onDidChangeRuns: vscode.Event<void>;
  /** Records of a live run, as the trainer reports them (they are on disk by then or soon after). */
  readonly onMetrics: vscode.Event<{ runId: string; records: MetricRecord[] }>;
  readonly onDiagnostics: vscode.Event<{ runId: string; snapshot: DiagnosticsSnapshot }>;
  stop(runId: string): Promise<void>;
  /** Sample `length` tokens from the run's weights after `prime`. */
  generate(runId: string, prime: string, temperature: number, length: number): Promise<string>;
}
