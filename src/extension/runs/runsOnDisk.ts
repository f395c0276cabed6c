// The run folders of the workspace: listed asynchronously, refreshed by a debounced watcher on
// <runsDir>/*/meta.json, so runs started from the CLI (or by the training jobs) appear by themselves.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { listRuns, readRun, type RunSummary } from '../../runs/runReader';
import { hostWork } from '../hostWork';

const REFRESH_DEBOUNCE_MS = 200;

/** What views read: the runs as of the last refresh, and when that changes. */
export interface RunCatalog {
  /** Folder holding the run folders, when a workspace is open. */
  runsDir(): string | undefined;
  /** Runs on disk, newest first. */
  list(): readonly RunSummary[];
  getRun(runId: string): RunSummary | undefined;
  /** A run appeared, changed status or was deleted. */
  readonly onDidChange: vscode.Event<void>;
}

export class RunsOnDisk implements RunCatalog, vscode.Disposable {
  private runs: RunSummary[] = [];
  private readonly byId = new Map<string, RunSummary>();
  private watcher: vscode.FileSystemWatcher | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  private refreshAgain = false;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly resolveRunsDir: () => string | undefined) {
    this.watch();
  }

  runsDir(): string | undefined {
    return this.resolveRunsDir();
  }

  list(): readonly RunSummary[] {
    return this.runs;
  }

  getRun(runId: string): RunSummary | undefined {
    return this.byId.get(runId);
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
        const runs = dir ? await listRuns(dir).catch(() => []) : [];
        this.runs = runs;
        this.byId.clear();
        for (const r of runs) this.byId.set(r.id, r);
      } while (this.refreshAgain);
      this.refreshing = undefined;
      hostWork.measure('runs:refreshed', () => this.changed.fire());
    })();
    return this.refreshing;
  }

  /** Re-read one run (cheap), e.g. one the last listing predates. */
  async reload(runId: string): Promise<RunSummary | undefined> {
    const dir = this.runsDir();
    if (!dir) return undefined;
    const r = await readRun(path.join(dir, runId));
    if (r) this.byId.set(runId, r);
    return r;
  }

  scheduleRefresh(ms = REFRESH_DEBOUNCE_MS): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      void this.refresh();
    }, ms);
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

  dispose(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.watcher?.dispose();
    this.changed.dispose();
  }
}
