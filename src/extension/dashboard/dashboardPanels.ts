// One webview panel per run and one per comparison. Panels come back after a window reload through a
// WebviewPanelSerializer: the webview keeps its run ids in getState/setState (no retainContextWhenHidden).
//
// Hidden panels: VS Code destroys a hidden webview, and on re-show it says `ready` again. The host then
// re-sends everything from disk (init, metrics, latest snapshot, gradient history) instead of buffering
// live messages, so a panel that was hidden for an hour costs nothing meanwhile. While a (re)load from
// disk is in flight, live records are held and afterwards only those newer than what the disk gave are sent.
//
// A comparison can open before its runs exist (Compare Cells with runs queued behind
// seqlab.maxConcurrentRuns): its slots are jobs until each trainer announces its run (panelSlots.ts).
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { recordsToColumns } from '../../shared/metricColumns';
import type { DiagnosticsSnapshot, MetricRecord } from '../../shared/metrics';
import { type HostToWebview, parseWebviewMessage, type PendingRunView, type RunView, type WebviewToHost } from '../../shared/webviewProtocol';
import { reveal } from '../commands/commandPrompts';
import { generatedMessage } from '../engine/sampleText';
import { hostWork } from '../hostWork';
import { distinctRunTitle } from '../runs/runNames';
import { webviewHtml } from '../webviewHtml';
import { PanelExplorer } from './panelExplorer';
import { PanelTranslator } from './panelTranslator';
import { jobSlots, pendingView, resolveStarted, runSlots, type Slot, slotEnded, slotRunIds, slotsKey, slotStarted, startedView } from './panelSlots';
import type { RunSource } from './runSource';
import { lastSteps, lastStepsAfter, newerThan, readGradientHistory, readSnapshot, runMetricColumns, type SentSteps, toRunView } from './runViews';

/** An open dashboard, as the integration tests' state hook reports it. */
export interface PanelDescription {
  title: string;
  /** Each a run id, or a job key while that run waits in the queue. */
  slots: Slot[];
  /** Everything from disk was sent and live records follow. */
  loaded: boolean;
}

/** What the webview keeps in setState and the serializer reads back. */
interface PersistedState {
  runIds?: unknown;
}

export class DashboardPanels implements vscode.Disposable {
  static readonly viewType = 'seqlab.dashboard';
  private readonly panels = new Set<DashboardPanel>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly source: RunSource,
  ) {
    this.disposables.push(
      vscode.window.registerWebviewPanelSerializer(DashboardPanels.viewType, {
        deserializeWebviewPanel: async (panel: vscode.WebviewPanel, state: unknown) => {
          const ids = (state as PersistedState | undefined)?.runIds;
          const runIds = Array.isArray(ids) ? ids.filter((x): x is string => typeof x === 'string') : [];
          if (runIds.length === 0) {
            panel.dispose();
            return;
          }
          this.adopt(panel, runSlots(runIds));
        },
      }),
    );
  }

  /** One id: that run's dashboard (revealed when already open); several: a comparison of them. */
  open(runIds: string[]): void {
    const ids = [...new Set(runIds)];
    if (ids.length > 0) this.openSlots(runSlots(ids));
  }

  /**
   * A comparison of jobs that may not have started yet (their keys): it opens now, shows queued ones as
   * queued, and each run joins as its trainer starts.
   */
  openJobs(keys: string[]): void {
    const unique = [...new Set(keys)];
    if (unique.length > 0) this.openSlots(jobSlots(unique));
  }

  private openSlots(slots: Slot[]): void {
    const existing = this.find(slotsKey(slots));
    if (existing) {
      existing.panel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(DashboardPanels.viewType, this.titleFor(slots), vscode.ViewColumn.Active, webviewOptions(this.context.extensionUri));
    this.adopt(panel, slots);
  }

  /** What each open panel shows (the integration tests' state hook). */
  describe(): PanelDescription[] {
    return [...this.panels].map((p) => ({ title: p.panel.title, slots: p.currentSlots(), loaded: p.loaded }));
  }

  private find(key: string): DashboardPanel | undefined {
    return [...this.panels].find((p) => slotsKey(p.currentSlots()) === key);
  }

  private adopt(panel: vscode.WebviewPanel, slots: Slot[]): void {
    this.find(slotsKey(slots))?.panel.dispose();
    panel.webview.options = webviewOptions(this.context.extensionUri);
    panel.title = this.titleFor(slots);
    panel.iconPath = vscode.Uri.joinPath(this.context.extensionUri, 'media', 'icon.svg');
    const comparison = slots.length > 1;
    const p = new DashboardPanel(panel, slots, this.source, this.context.extensionUri, (now) => this.titleFor(now, comparison));
    this.panels.add(p);
    panel.onDidDispose(() => {
      this.panels.delete(p);
      p.dispose();
    });
  }

  /** A comparison stays one when runs leave its queue: "Compare 2 runs". */
  private titleFor(slots: Slot[], comparison = slots.length > 1): string {
    if (comparison) return `Compare ${slots.length} run${slots.length === 1 ? '' : 's'}`;
    const id = slots[0].id;
    const run = this.source.runs.getRun(id);
    // named by what sets it apart from the other runs ("SeqLab: tiny · GRU"), as the tree and toasts name it
    return run ? `SeqLab: ${distinctRunTitle(run, this.source.runs.list())}` : `SeqLab: ${id}`;
  }

  dispose(): void {
    for (const p of this.panels) p.panel.dispose();
    this.panels.clear();
    for (const d of this.disposables) d.dispose();
  }
}

const exists = (file: string): Promise<boolean> =>
  fsp.access(file).then(
    () => true,
    () => false,
  );

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

type Phase = { kind: 'waiting' } | { kind: 'loading'; held: Array<{ runId: string; records: MetricRecord[] }> } | { kind: 'live' };

/** The host side of one dashboard panel. */
class DashboardPanel implements vscode.Disposable {
  private phase: Phase = { kind: 'waiting' };
  private sent = new Map<string, SentSteps>();
  private readonly disposables: vscode.Disposable[] = [];
  private generation = 0;
  /** Samples in flight, cancelled when the panel closes. */
  private readonly sampling = new Set<AbortController>();
  private slots: Slot[];
  /** Slots or runs changed while a load from disk was in flight: the webview gets the new runs after it (the
   *  change's event will not come again: RunsOnDisk fires only when a listing differs). */
  private slotsChangedWhileLoading = false;
  private readonly explorer: PanelExplorer;
  private readonly translator: PanelTranslator;

  constructor(
    readonly panel: vscode.WebviewPanel,
    slots: Slot[],
    private readonly source: RunSource,
    extensionUri: vscode.Uri,
    private readonly titleOf: (slots: Slot[]) => string,
  ) {
    this.slots = resolveStarted(slots, (key) => source.jobs.job(key));
    const engine = source.panelEngine();
    this.explorer = new PanelExplorer(engine, (runId) => this.knownRun(runId)?.dir, (m) => this.post(m));
    this.translator = new PanelTranslator(engine, (runId) => this.knownRun(runId)?.dir, (m) => this.post(m));
    const webview = panel.webview;
    const uri = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...p)).toString();
    webview.html = webviewHtml({ cspSource: webview.cspSource, scriptUri: uri('dist', 'webview.js'), styleUri: uri('dist', 'webview.css'), title: panel.title, root: { id: 'seqlab-dashboard', className: 'dashboard' } });
    this.disposables.push(
      webview.onDidReceiveMessage((m: unknown) => {
        const msg = parseWebviewMessage(m);
        if (msg) void hostWork.measure(`dashboard:${msg.type}`, () => this.handle(msg));
      }),
      panel.onDidChangeViewState(() => {
        // A hidden webview is destroyed; it says `ready` again when shown, and gets everything then.
        if (!panel.visible) this.phase = { kind: 'waiting' };
      }),
      source.jobs.onMetrics((e) => this.onMetrics(e.runId, e.records)),
      source.jobs.onDiagnostics((e) => this.onDiagnostics(e.runId, e.snapshot)),
      source.runs.onDidChange(() => this.runsChanged()),
      source.jobs.onDidChange(() => this.runsChanged()),
      source.jobs.onDidStart(({ job, info }) => this.setSlots(slotStarted(this.slots, job.key, info.id))),
      source.jobs.onDidEnd(({ job }) => this.setSlots(slotEnded(this.slots, job.key))),
    );
  }

  /** A run's state changed on disk or in the queue (a status, a finish, the first listing): the title follows; a load in flight sends it once it is done. */
  private runsChanged(): void {
    // a panel restored by Reload Window is made before the runs are listed, under its run id: name it now
    this.panel.title = this.titleOf(this.slots);
    if (this.phase.kind === 'live') void this.postRuns().catch((e) => this.fail(e));
    else if (this.phase.kind === 'loading') this.slotsChangedWhileLoading = true;
  }

  /** Whether the webview has everything from disk and follows the runs live (the tests' state hook). */
  get loaded(): boolean {
    return this.phase.kind === 'live';
  }

  /** Run ids among the slots (queued jobs have none yet). */
  private get runIds(): string[] {
    return slotRunIds(this.slots);
  }

  currentSlots(): Slot[] {
    return [...this.slots];
  }

  private setSlots(next: Slot[] | undefined): void {
    if (!next) return;
    this.slots = next;
    this.panel.title = this.titleOf(next);
    if (this.phase.kind === 'live') void this.postRuns().catch((e) => this.fail(e));
    else if (this.phase.kind === 'loading') this.slotsChangedWhileLoading = true;
  }

  private async views(): Promise<{ runs: RunView[]; pending: PendingRunView[] }> {
    const queue = this.source.jobs.active();
    const views = await Promise.all(
      this.slots.map(async (s): Promise<RunView | PendingRunView | undefined> => {
        const job = this.source.jobs.job(s.id);
        if (s.kind === 'job') return job && pendingView(job, s.colorIndex, queue);
        const run = this.source.runs.getRun(s.id);
        return run ? toRunView(run, s.colorIndex) : job && startedView(job, s.colorIndex);
      }),
    );
    const runs: RunView[] = [];
    const pending: PendingRunView[] = [];
    for (const v of views) {
      if (!v) continue;
      if ('info' in v) runs.push(v);
      else pending.push(v);
    }
    return { runs, pending };
  }

  /** Run views after a change; a read that an older one overtook is dropped, so the newest views win. */
  private runsSeq = 0;
  private async postRuns(): Promise<void> {
    const seq = ++this.runsSeq;
    const { runs, pending } = await this.views();
    if (seq === this.runsSeq && this.phase.kind === 'live') await this.post({ type: 'runs', runs, pending });
  }

  private post(msg: HostToWebview): Thenable<boolean> {
    // postMessage serializes the message synchronously: that is host time too
    return hostWork.measure(`post:${msg.type}`, () => this.panel.webview.postMessage(msg));
  }

  private onMetrics(runId: string, records: MetricRecord[]): void {
    if (!this.runIds.includes(runId)) return;
    if (this.phase.kind === 'loading') this.phase.held.push({ runId, records });
    else if (this.phase.kind === 'live') this.sendLive(runId, records);
  }

  private sendLive(runId: string, records: MetricRecord[]): void {
    const sent = this.sent.get(runId);
    const fresh = sent ? newerThan(records, sent) : records;
    if (fresh.length === 0) return;
    this.sent.set(runId, lastSteps(fresh, sent));
    void this.post({ type: 'metrics', runId, columns: recordsToColumns(fresh) });
  }

  private onDiagnostics(runId: string, snapshot: DiagnosticsSnapshot): void {
    if (!this.runIds.includes(runId) || this.phase.kind !== 'live') return;
    void this.post({ type: 'diagnostics', runId, snapshot });
  }

  /** Everything from disk, then whatever arrived live meanwhile. */
  private async load(): Promise<void> {
    const generation = ++this.generation;
    this.phase = { kind: 'loading', held: [] };
    this.slotsChangedWhileLoading = false;
    this.sent.clear();
    const { runs, pending } = await this.views();
    if (generation !== this.generation) return;
    await this.post({ type: 'init', panelKind: this.slots.length > 1 ? 'comparison' : 'run', runs, pending });
    for (const id of runs.map((r) => r.id)) {
      const run = this.source.runs.getRun(id);
      if (!run) continue;
      for await (const columns of runMetricColumns(run)) {
        if (generation !== this.generation) return;
        this.sent.set(id, lastStepsAfter(columns, this.sent.get(id)));
        await this.post({ type: 'metrics', runId: id, columns });
      }
      const history = await readGradientHistory(run);
      if (generation !== this.generation) return;
      if (history.steps.length > 0) await this.post({ type: 'gradientHistory', runId: id, ...history });
      const snapshot = await readSnapshot(run);
      if (generation !== this.generation) return;
      if (snapshot) await this.post({ type: 'diagnostics', runId: id, snapshot });
    }
    if (generation !== this.generation || this.phase.kind !== 'loading') return;
    const held = this.phase.held;
    this.phase = { kind: 'live' };
    if (this.slotsChangedWhileLoading) await this.postRuns();
    for (const h of held) this.sendLive(h.runId, h.records);
  }

  private async handle(msg: WebviewToHost): Promise<void> {
    switch (msg.type) {
      case 'ready':
        return this.load().catch((e) => this.fail(e));
      case 'stop':
        // only this panel's runs and queued jobs
        if (!this.slots.some((s) => s.id === msg.runId)) return;
        return this.source.jobs.stop(msg.runId).catch((e) => this.fail(e));
      case 'openConfig': {
        const run = this.knownRun(msg.runId);
        if (!run) return;
        const original = run.meta.info.configPath;
        const file = original && (await exists(original)) ? original : path.join(run.dir, 'config.seqlab.json');
        await vscode.window.showTextDocument(vscode.Uri.file(file), { viewColumn: vscode.ViewColumn.Beside });
        return;
      }
      case 'revealFolder': {
        const run = this.knownRun(msg.runId);
        // as the tree's Reveal Run Folder: there is no OS file manager in a browser-hosted VS Code
        if (run) await reveal(run.dir, 'Run folder');
        return;
      }
      case 'requestSnapshot': {
        const run = this.knownRun(msg.runId);
        const snapshot = run && (await readSnapshot(run, msg.step).catch(() => undefined));
        if (snapshot) await this.post({ type: 'diagnostics', runId: msg.runId, snapshot });
        return;
      }
      case 'generate':
        return this.generate(msg);
      case 'export':
        return this.export(msg.format, msg.fileName, msg.data).catch((e) => this.fail(e));
      case 'log':
        if (msg.level === 'error') console.error(`[seqlab dashboard] ${msg.message}`);
        return;
      case 'explore':
        return this.explorer.ask(msg);
      case 'cancelExplore':
        return this.explorer.cancel(msg.id);
      case 'translate':
        return this.translator.ask(msg);
      default: {
        const never: never = msg;
        return never;
      }
    }
  }

  private knownRun(runId: string) {
    return this.runIds.includes(runId) ? this.source.runs.getRun(runId) : undefined;
  }

  /** Text from the run's weights; closing the panel cancels it (and ends its engine child). */
  private async generate(msg: Extract<WebviewToHost, { type: 'generate' }>): Promise<void> {
    if (!this.knownRun(msg.runId)) return;
    const abort = new AbortController();
    this.sampling.add(abort);
    try {
      const ask = { runId: msg.runId, prime: msg.prime, temperature: msg.temperature, length: msg.length };
      const text = await this.source.sample(ask, abort.signal);
      if (text !== undefined) await this.post(generatedMessage(ask, text));
    } catch (e) {
      this.fail(e);
    } finally {
      this.sampling.delete(abort);
    }
  }

  private async export(format: 'csv' | 'png' | 'svg', fileName: string, data: string): Promise<void> {
    const first = this.source.runs.getRun(this.runIds[0]);
    const base = first ? vscode.Uri.file(path.join(first.dir, fileName)) : undefined;
    const filters: Record<string, string[]> = { csv: { CSV: ['csv'] }, png: { PNG: ['png'] }, svg: { SVG: ['svg'] } }[format];
    const target = await vscode.window.showSaveDialog({ defaultUri: base, filters, saveLabel: 'Export' });
    if (!target) return;
    const bytes = format === 'png' ? Buffer.from(data.replace(/^data:image\/png;base64,/, ''), 'base64') : Buffer.from(data, 'utf8');
    await vscode.workspace.fs.writeFile(target, bytes);
  }

  private fail(e: unknown): void {
    const message = e instanceof Error ? e.message : String(e);
    void this.post({ type: 'error', message });
  }

  dispose(): void {
    this.generation++;
    for (const a of this.sampling) a.abort();
    this.translator.dispose();
    this.explorer.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
