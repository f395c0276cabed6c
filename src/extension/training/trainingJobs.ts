// The training jobs this window owns, as vscode events: the RunManager's callbacks, with live progress
// and diagnostics snapshots throttled so a fast trainer cannot flood the tree, lenses and dashboards.

import * as vscode from 'vscode';
import type { DiagnosticsSnapshot, MetricRecord, RunInfo } from '../../shared/metrics';
import type { TrainRequest } from '../../shared/protocol';
import type { EngineClient, TrainingProcess } from '../engine/engineClient';
import { hostWork } from '../hostWork';
import type { ActiveRun } from './activeRun';
import { type JobOutcome, RunManager } from './runManager';

/** Live progress (step, loss) reaches the tree, lenses and status bar at most this often. */
const LIVE_THROTTLE_MS = 500;
/**
 * Diagnostics snapshots reach the dashboards at most this often per run, the latest one winning (all are
 * on disk; a dashboard asks for any step it wants). A small model snapshots many times a second.
 */
const SNAPSHOT_THROTTLE_MS = 250;

/** What views read: the jobs and when they change. */
export interface JobList {
  /** Every job this window owns (queued, starting, running, stopping), in queue order. */
  active(): readonly ActiveRun[];
  /** A job by its key or its run id. */
  job(keyOrRunId: string): ActiveRun | undefined;
  /** A job was queued, started, changed state or left the queue. */
  readonly onDidChange: vscode.Event<void>;
  /** Step/loss of an active run moved (throttled). */
  readonly onDidChangeLive: vscode.Event<void>;
}

/** What a dashboard follows of the jobs, and the one thing it may do to them. */
export interface LiveJobs extends JobList {
  /** A job's trainer announced its run. */
  readonly onDidStart: vscode.Event<{ job: ActiveRun; info: RunInfo; runDir: string }>;
  readonly onDidEnd: vscode.Event<{ job: ActiveRun; outcome: JobOutcome }>;
  /** Records of a live run, as the trainer reports them (they are on disk by then or soon after). */
  readonly onMetrics: vscode.Event<{ runId: string; records: MetricRecord[] }>;
  readonly onDiagnostics: vscode.Event<{ runId: string; snapshot: DiagnosticsSnapshot }>;
  /** Stop a run, or take a queued job out of the queue; resolves when its process has exited. */
  stop(keyOrRunId: string): Promise<void>;
  /** The trainer of a running run, which answers requests between its steps; undefined when it is not running. */
  trainer(runId: string): Pick<TrainingProcess, 'request'> | undefined;
}

export class TrainingJobs implements LiveJobs, vscode.Disposable {
  private readonly manager: RunManager;
  private liveTimer: NodeJS.Timeout | undefined;
  private snapshotTimer: NodeJS.Timeout | undefined;
  private readonly pendingSnapshots = new Map<string, DiagnosticsSnapshot>();

  private readonly changed = new vscode.EventEmitter<void>();
  private readonly liveChanged = new vscode.EventEmitter<void>();
  private readonly startedEmitter = new vscode.EventEmitter<{ job: ActiveRun; info: RunInfo; runDir: string }>();
  private readonly endedEmitter = new vscode.EventEmitter<{ job: ActiveRun; outcome: JobOutcome }>();
  private readonly metricsEmitter = new vscode.EventEmitter<{ runId: string; records: MetricRecord[] }>();
  private readonly diagnosticsEmitter = new vscode.EventEmitter<{ runId: string; snapshot: DiagnosticsSnapshot }>();
  private readonly logEmitter = new vscode.EventEmitter<{ job: ActiveRun; line: string }>();

  readonly onDidChange = this.changed.event;
  readonly onDidChangeLive = this.liveChanged.event;
  readonly onDidStart = this.startedEmitter.event;
  readonly onDidEnd = this.endedEmitter.event;
  readonly onMetrics = this.metricsEmitter.event;
  readonly onDiagnostics = this.diagnosticsEmitter.event;
  /** A line of a trainer's output, for the output channel. */
  readonly onLog = this.logEmitter.event;

  constructor(
    engine: EngineClient,
    private readonly runsDir: () => string | undefined,
    maxConcurrent: () => number,
  ) {
    this.manager = new RunManager({
      engine,
      maxConcurrent,
      // everything the host does for a trainer message runs inside these callbacks (tree, lenses, dashboards)
      listener: {
        changed: () => hostWork.measure('runs:changed', () => this.changed.fire()),
        started: (job, info, runDir) => hostWork.measure('runs:started', () => this.startedEmitter.fire({ job, info, runDir })),
        metrics: (runId, records) =>
          hostWork.measure('runs:metrics', () => {
            this.metricsEmitter.fire({ runId, records });
            this.scheduleLive();
          }),
        diagnostics: (runId, snapshot) => {
          this.pendingSnapshots.set(runId, snapshot);
          this.scheduleSnapshots();
        },
        ended: (job, outcome) =>
          hostWork.measure('runs:ended', () => {
            this.flushSnapshots();
            this.endedEmitter.fire({ job, outcome });
          }),
        log: (job, line) => hostWork.measure('runs:log', () => this.logEmitter.fire({ job, line })),
      },
    });
  }

  active(): readonly ActiveRun[] {
    return this.manager.active();
  }

  job(keyOrRunId: string): ActiveRun | undefined {
    return this.manager.find(keyOrRunId);
  }

  /** Queue a training of the workspace's runs folder. */
  enqueue(request: Omit<TrainRequest, 'runsDir'>): ActiveRun {
    const runsDir = this.runsDir();
    if (!runsDir) throw new Error('Open a folder first: runs are stored in the workspace.');
    return this.manager.enqueue({ ...request, runsDir });
  }

  stop(keyOrRunId: string): Promise<void> {
    return this.manager.stop(keyOrRunId);
  }

  trainer(runId: string): Pick<TrainingProcess, 'request'> | undefined {
    return this.manager.trainer(runId);
  }

  /** The run id once the job's trainer announced its run; undefined if it ended before. */
  whenStarted(key: string): Promise<string | undefined> {
    return this.manager.whenStarted(key);
  }

  whenDone(key: string): Promise<JobOutcome> | undefined {
    return this.manager.whenDone(key);
  }

  /** Test hook: kill a trainer as a crash would. */
  kill(keyOrRunId: string, signal: NodeJS.Signals): boolean {
    return this.manager.kill(keyOrRunId, signal);
  }

  /** Deactivation: stop every trainer and mark its run interrupted. */
  shutdown(): Promise<void> {
    return this.manager.shutdown();
  }

  private scheduleLive(): void {
    if (this.liveTimer) return;
    this.liveTimer = setTimeout(() => {
      this.liveTimer = undefined;
      hostWork.measure('runs:live', () => this.liveChanged.fire());
    }, LIVE_THROTTLE_MS);
  }

  private scheduleSnapshots(): void {
    if (this.snapshotTimer) return;
    this.snapshotTimer = setTimeout(() => this.flushSnapshots(), SNAPSHOT_THROTTLE_MS);
  }

  private flushSnapshots(): void {
    if (this.snapshotTimer) clearTimeout(this.snapshotTimer);
    this.snapshotTimer = undefined;
    const pending = [...this.pendingSnapshots];
    this.pendingSnapshots.clear();
    hostWork.measure('runs:diagnostics', () => {
      for (const [runId, snapshot] of pending) this.diagnosticsEmitter.fire({ runId, snapshot });
    });
  }

  dispose(): void {
    if (this.liveTimer) clearTimeout(this.liveTimer);
    if (this.snapshotTimer) clearTimeout(this.snapshotTimer);
    for (const e of [this.changed, this.liveChanged, this.startedEmitter, this.endedEmitter, this.metricsEmitter, this.diagnosticsEmitter, this.logEmitter]) e.dispose();
  }
}
