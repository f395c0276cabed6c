// The runs the extension knows about: run folders on disk (listed asynchronously, refreshed by a
// debounced watcher on <runsDir>/*/meta.json, so runs started from the CLI appear by themselves) and
// the jobs its RunManager owns. Implements the dashboards' RunSource.

import { execFile } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DiagnosticsSnapshot, MetricRecord, RunInfo } from '../shared/metrics';
import type { TrainRequest } from '../shared/protocol';
import { listRuns, readRun, type RunSummary } from '../runs/runReader';
import type { RunSource } from './dashboard/runSource';
import type { ActiveRun } from './training/activeRun';
import { type JobOutcome, RunManager } from './training/runManager';
import { hostWork } from './hostWork';

const REFRESH_DEBOUNCE_MS = 200;
/** Live progress (step, loss) reaches the tree, lenses and status bar at most this often. */
const LIVE_THROTTLE_MS = 500;
/**
 * Diagnostics snapshots reach the dashboards at most this often per run, the latest one winning (all are
 * on disk; a dashboard asks for any step it wants). A small model snapshots many times a second.
 */
const SNAPSHOT_THROTTLE_MS = 250;

export class RunStore implements RunSource, vscode.Disposable {
  private runs: RunSummary[] = [];
  private readonly byId = new Map<string, RunSummary>();
  private watcher: vscode.FileSystemWatcher | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  private liveTimer: NodeJS.Timeout | undefined;
  private snapshotTimer: NodeJS.Timeout | undefined;
  private readonly pendingSnapshots = new Map<string, DiagnosticsSnapshot>();
  private refreshing: Promise<void> | undefined;
  private refreshAgain = false;
  private readonly disposables: vscode.Disposable[] = [];

  private readonly changeRuns = new vscode.EventEmitter<void>();
  private readonly liveChange = new vscode.EventEmitter<void>();
  private readonly metricsEmitter = new vscode.EventEmitter<{ runId: string; records: MetricRecord[] }>();
  private readonly diagnosticsEmitter = new vscode.EventEmitter<{ runId: string; snapshot: DiagnosticsSnapshot }>();
  private readonly startedEmitter = new vscode.EventEmitter<{ job: ActiveRun; info: RunInfo; runDir: string }>();
  private readonly endedEmitter = new vscode.EventEmitter<{ job: ActiveRun; outcome: JobOutcome }>();
  private readonly logEmitter = new vscode.EventEmitter<{ job: ActiveRun; line: string }>();

  readonly onDidChangeRuns = this.changeRuns.event;
  /** Step/loss of an active run moved (throttled). */
  readonly onDidChangeLive = this.liveChange.event;
  readonly onMetrics = this.metricsEmitter.event;
  readonly onDiagnostics = this.diagnosticsEmitter.event;
  readonly onDidStart = this.startedEmitter.event;
  readonly onDidEnd = this.endedEmitter.event;
  readonly onLog = this.logEmitter.event;

  readonly manager: RunManager;

  constructor(
    private readonly resolveRunsDir: () => string | undefined,
    private readonly extensionPath: string,
    maxConcurrent: () => number,
    trainerEnv: () => NodeJS.ProcessEnv = () => ({}),
  ) {
    this.manager = new RunManager({
      trainerPath: path.join(extensionPath, 'dist', 'trainer.js'),
      maxConcurrent,
      env: trainerEnv,
      // everything the host does for a trainer message runs inside these callbacks (tree, lenses, dashboards)
      listener: {
        changed: () => hostWork.measure('runs:changed', () => this.changeRuns.fire()),
        started: (job, info, runDir) =>
          hostWork.measure('runs:started', () => {
            this.scheduleRefresh(0);
            this.startedEmitter.fire({ job, info, runDir });
          }),
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
            this.scheduleRefresh(0);
            this.endedEmitter.fire({ job, outcome });
          }),
        log: (job, line) => hostWork.measure('runs:log', () => this.logEmitter.fire({ job, line })),
      },
    });
    this.disposables.push(this.changeRuns, this.liveChange, this.metricsEmitter, this.diagnosticsEmitter, this.startedEmitter, this.endedEmitter, this.logEmitter);
    this.watch();
  }

  runsDir(): string | undefined {
    return this.resolveRunsDir();
  }

  /** Runs on disk, newest first (as of the last refresh). */
  list(): readonly RunSummary[] {
    return this.runs;
  }

  getRun(runId: string): RunSummary | undefined {
    return this.byId.get(runId);
  }

  active(): readonly ActiveRun[] {
    return this.manager.active();
  }

  job(keyOrRunId: string): ActiveRun | undefined {
    return this.manager.find(keyOrRunId);
  }

  enqueue(request: Omit<TrainRequest, 'runsDir'>): ActiveRun {
    const runsDir = this.runsDir();
    if (!runsDir) throw new Error('Open a folder first: runs are stored in the workspace.');
    return this.manager.enqueue({ ...request, runsDir });
  }

  async stop(runIdOrKey: string): Promise<void> {
    await this.manager.stop(runIdOrKey);
    await this.refresh();
  }

  /** Runs `dist/cli.js sample` in a child process: no tensor code in the extension host. */
  generate(runId: string, prime: string, temperature: number, length: number): Promise<string> {
    const run = this.getRun(runId);
    const runsDir = this.runsDir();
    if (!run || !runsDir) return Promise.reject(new Error(`Run ${runId} not found.`));
    const cli = path.join(this.extensionPath, 'dist', 'cli.js');
    const args = [cli, 'sample', run.dir, '--runs-dir', runsDir, '--prime', prime, '--temperature', String(temperature), '--length', String(Math.max(1, Math.floor(length)))];
    return new Promise((resolve, reject) => {
      execFile(process.execPath, args, { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, timeout: 120_000, maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => {
        if (err) reject(new Error(stderr.trim() || err.message));
        else resolve(stdout.replace(/\n$/, ''));
      });
    });
  }

  /** Re-list the runs folder; concurrent calls coalesce. */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.refreshAgain = false;
        const dir = this.runsDir();
        // an unreadable runs folder shows no runs, rather than leaving this refresh rejected for every later caller
        const runs = dir ? await listRuns(dir).catch(() => []) : [];
        this.runs = runs;
        this.byId.clear();
        for (const r of runs) this.byId.set(r.id, r);
      } while (this.refreshAgain);
      this.refreshing = undefined;
      hostWork.measure('runs:refreshed', () => this.changeRuns.fire());
    })();
    return this.refreshing;
  }

  /** Re-read one run (cheap), e.g. after a status change of a run we own. */
  async reload(runId: string): Promise<RunSummary | undefined> {
    const dir = this.runsDir();
    if (!dir) return undefined;
    const r = await readRun(path.join(dir, runId));
    if (r) this.byId.set(runId, r);
    return r;
  }

  /** The runs directory setting changed: watch the new place. */
  rewatch(): void {
    this.watcher?.dispose();
    this.watch();
    void this.refresh();
  }

  private watch(): void {
    const dir = this.runsDir();
    if (!dir) return;
    this.watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(dir), '*/meta.json'));
    const onEvent = () => this.scheduleRefresh(REFRESH_DEBOUNCE_MS);
    this.watcher.onDidCreate(onEvent);
    this.watcher.onDidChange(onEvent);
    this.watcher.onDidDelete(onEvent);
  }

  scheduleRefresh(ms = REFRESH_DEBOUNCE_MS): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      void this.refresh();
    }, ms);
  }

  private scheduleLive(): void {
    if (this.liveTimer) return;
    this.liveTimer = setTimeout(() => {
      this.liveTimer = undefined;
      hostWork.measure('runs:live', () => this.liveChange.fire());
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

  /** Deactivation: stop every trainer and mark its run interrupted. */
  async shutdown(): Promise<void> {
    await this.manager.shutdown();
  }

  dispose(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    if (this.liveTimer) clearTimeout(this.liveTimer);
    if (this.snapshotTimer) clearTimeout(this.snapshotTimer);
    this.watcher?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
