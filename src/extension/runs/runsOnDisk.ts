// The run folders of the workspace: listed asynchronously, refreshed by a watcher on
// <runsDir>/*/meta.json (from the nearest existing folder), so runs started from the CLI (or by the training jobs) appear by themselves.
// Besides the runs: the damaged folders (meta.json missing or unusable, other run files there), and
// whether each run that did not finish can be resumed (resumability.ts, from its checkpoint files), and an
// encoder–decoder's exact match at its last evaluation (from the end of its metrics.jsonl).

import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Resumability } from '../../runs/resumability';
import { readResumability } from '../../runs/runContents';
import { RUN_FILES } from '../../runs/runFiles';
import { listRunFolders, readRun, type RunSummary } from '../../runs/runReader';
import { readLastEvaluation } from '../../runs/runResults';
import type { DecodingScores } from '../../shared/metrics';
import { hostWork } from '../hostWork';
import { type DamagedFolder, isSeq2seqRun } from '../tree/runRows';

const REFRESH_DEBOUNCE_MS = 200;
/** How often the runs folder's mtime is compared with the last listing's. */
const FOLDER_CHECK_MS = 2000;

/** The statuses of runs that may be resumed: their checkpoints are read on each refresh. */
const UNFINISHED = new Set(['interrupted', 'cancelled', 'failed']);

/** What views read: the runs as of the last refresh, and when that changes. */
export interface RunCatalog {
  /** Folder holding the run folders, when a workspace is open. */
  runsDir(): string | undefined;
  /** Runs on disk, newest first. */
  list(): readonly RunSummary[];
  getRun(runId: string): RunSummary | undefined;
  /** Run folders whose meta.json is missing or unusable, as of the last refresh. */
  damaged(): readonly DamagedFolder[];
  /** Whether a run that did not finish can be resumed, as of the last refresh; undefined for the others. */
  resumability(runId: string): Resumability | undefined;
  /** An encoder–decoder's greedy decoding scores at its last evaluation, once it stopped running; undefined for the others. */
  decoding(runId: string): DecodingScores | undefined;
  /** A run appeared, changed status or was deleted. */
  readonly onDidChange: vscode.Event<void>;
}

export class RunsOnDisk implements RunCatalog, vscode.Disposable {
  private runs: RunSummary[] = [];
  private readonly byId = new Map<string, RunSummary>();
  private damagedFolders: DamagedFolder[] = [];
  private resumable = new Map<string, Resumability>();
  /**
   * Each unfinished run's resumability and what it was read from (meta.json's time, the checkpoints folder's
   * mtime): a running trainer rewrites its meta.json every 100 ms, so the folder is listed that often, and the
   * other runs' checkpoints and config snapshots are read again only when they change.
   */
  private resumableRead = new Map<string, { key: string; value: Resumability }>();
  /** Each stopped encoder–decoder's last greedy scores and its meta.json time they were read at (metrics.jsonl is read again only when that changes). */
  private decodingRead = new Map<string, { key: string; value: DecodingScores | undefined }>();
  private watcher: vscode.FileSystemWatcher | undefined;
  /** The runs folder's mtime at the last listing, and the check that lists again when it moved. */
  private listedMtime: number | undefined;
  private lastSignature: string | undefined;
  private readonly folderCheck: NodeJS.Timeout;
  private refreshTimer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  private refreshAgain = false;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly resolveRunsDir: () => string | undefined) {
    this.watch();
    // VS Code's watcher is the fast path; on a loaded machine it was seen to deliver nothing for a whole
    // session. A run folder added or removed (a CLI run, a copy, a delete) moves the runs folder's mtime:
    // this check finds it within FOLDER_CHECK_MS however the watcher fares.
    this.folderCheck = setInterval(() => void this.checkFolder(), FOLDER_CHECK_MS);
    this.folderCheck.unref?.();
  }

  private async checkFolder(): Promise<void> {
    const dir = this.runsDir();
    if (!dir || this.refreshing) return;
    const mtime = await fsp.stat(dir).then((st) => st.mtimeMs, () => undefined);
    if (mtime !== this.listedMtime) this.scheduleRefresh(0);
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

  damaged(): readonly DamagedFolder[] {
    return this.damagedFolders;
  }

  resumability(runId: string): Resumability | undefined {
    return this.resumable.get(runId);
  }

  decoding(runId: string): DecodingScores | undefined {
    return this.decodingRead.get(runId)?.value;
  }

  private async readDecoding(run: RunSummary): Promise<{ key: string; value: DecodingScores | undefined }> {
    const key = `${run.meta.updatedAt}|${run.status.kind}`;
    const known = this.decodingRead.get(run.id);
    if (known?.key === key) return known;
    const last = await readLastEvaluation(run.dir).catch(() => undefined);
    return { key, value: last?.greedy };
  }

  private async readResumability(run: RunSummary): Promise<{ key: string; value: Resumability } | undefined> {
    const checkpoints = await fsp.stat(path.join(run.dir, RUN_FILES.checkpoints)).then((st) => st.mtimeMs, () => 0);
    const key = `${run.meta.updatedAt}|${run.status.kind}|${checkpoints}`;
    const known = this.resumableRead.get(run.id);
    if (known?.key === key) return known;
    const value = await readResumability(run.dir).catch(() => undefined);
    return value && { key, value };
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
        this.listedMtime = dir ? await fsp.stat(dir).then((st) => st.mtimeMs, () => undefined) : undefined;
        const folders = dir ? await listRunFolders(dir).catch(() => []) : [];
        const runs = folders.flatMap((f) => (f.kind === 'run' ? [f.run] : []));
        const unfinished = runs.filter((r) => UNFINISHED.has(r.status.kind));
        const resumable = await Promise.all(unfinished.map(async (r) => [r.id, await this.readResumability(r)] as const));
        // a running trainer rewrites meta.json every 100 ms: its scores wait until it stops
        const decoded = await Promise.all(runs.filter((r) => r.status.kind !== 'running' && isSeq2seqRun(r)).map(async (r) => [r.id, await this.readDecoding(r)] as const));
        this.decodingRead = new Map(decoded);
        this.runs = runs;
        this.damagedFolders = folders.flatMap((f) => (f.kind === 'damaged' ? [{ id: f.id, dir: f.dir, problem: f.problem }] : []));
        this.resumableRead = new Map(resumable.flatMap(([id, r]) => (r ? [[id, r] as const] : [])));
        this.resumable = new Map([...this.resumableRead].map(([id, r]) => [id, r.value] as const));
        this.byId.clear();
        for (const r of runs) this.byId.set(r.id, r);
      } while (this.refreshAgain);
      this.refreshing = undefined;
      // a listing that found what the last one did changes nothing on screen (the tree is not redrawn under
      // an open context menu for nothing)
      const seen = this.signature();
      if (seen === this.lastSignature) return;
      this.lastSignature = seen;
      hostWork.measure('runs:refreshed', () => this.changed.fire());
    })();
    return this.refreshing;
  }

  /** What the views show of the last listing, as one string: runs with their state, damaged folders, resumability, scores. */
  private signature(): string {
    return JSON.stringify([
      this.runs.map((r) => [r.id, r.meta.updatedAt, r.status]),
      this.damagedFolders.map((d) => [d.id, d.problem]),
      [...this.resumableRead].map(([id, r]) => [id, r.key]),
      [...this.decodingRead].map(([id, d]) => [id, d.key]),
    ]);
  }

  /** Re-read one run (cheap), e.g. one the last listing predates. */
  async reload(runId: string): Promise<RunSummary | undefined> {
    const dir = this.runsDir();
    if (!dir) return undefined;
    const r = await readRun(path.join(dir, runId));
    if (r) this.byId.set(runId, r);
    return r;
  }

  /** Lists again `ms` after the first of a burst of events; later events of the burst wait for that listing (a
   *  running trainer rewrites its meta.json every 100 ms: a timer reset by each would never fire). */
  scheduleRefresh(ms = REFRESH_DEBOUNCE_MS): void {
    if (this.refreshTimer) return;
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

  /**
   * Watches each <runsDir>/<run>/meta.json from the nearest folder that exists now (the workspace, before the first
   * run makes .seqlab/runs). A watcher on a folder that does not exist yet reports nothing until VS Code's
   * file service notices the folder, seconds later on a loaded machine, and one made again once it exists
   * starts late too: run folders written meanwhile (the first runs, a CLI run, a copy) would not show.
   */
  private watch(): void {
    const dir = this.runsDir();
    if (!dir) return;
    const base = existingAncestor(dir);
    const rest = path.relative(base, dir).split(path.sep).filter(Boolean);
    this.watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(base), [...rest, '*', RUN_FILES.meta].join('/')));
    const onEvent = () => this.scheduleRefresh(REFRESH_DEBOUNCE_MS);
    this.watcher.onDidCreate(onEvent);
    this.watcher.onDidChange(onEvent);
    this.watcher.onDidDelete(onEvent);
  }

  dispose(): void {
    clearInterval(this.folderCheck);
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.watcher?.dispose();
    this.changed.dispose();
  }
}

/**
 * `dir` itself when it exists, else its parent or grandparent that does (.seqlab, the workspace); else `dir`.
 * Not further up: a watcher on a folder far above the runs would watch all of it.
 */
function existingAncestor(dir: string): string {
  const d = path.resolve(dir);
  return [d, path.dirname(d), path.dirname(path.dirname(d))].find((a) => fs.existsSync(a)) ?? d;
}
