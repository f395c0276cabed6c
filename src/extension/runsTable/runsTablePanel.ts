// The "SeqLab: Runs" panel: one webview for the whole workspace, rows of every run (runRows.ts), kept up
// to date as runs appear, change or go. The webview is sent nothing before it says `ready`; a hidden
// webview is destroyed and says `ready` again when shown, and gets the rows then (the rows are read from
// disk, cached per run, so nothing is buffered meanwhile). It comes back after a window reload through a
// WebviewPanelSerializer; the webview keeps its filters, sort and grouping in getState/setState.

import * as vscode from 'vscode';
import { parseRunsTableMessage, type HostToRunsTable, type WebviewToRunsTable } from '../../shared/runsTableProtocol';
import { assertNever } from '../../shared/protocol';
import { webviewHtml } from '../webviewHtml';
import { hostWork } from '../hostWork';
import type { RunCatalog } from '../runs/runsOnDisk';
import { configDiffLines, configLabelIn, RunRows, runLabel } from './runRows';

export interface RunsTableDeps {
  runs: RunCatalog;
  /** Open the loss dashboard of these runs (several: a comparison). */
  openDashboard(runIds: string[]): void;
  /** Paths of the workspace folders, to name configs relative to them. */
  folders(): string[];
}

export class RunsTablePanel implements vscode.Disposable {
  static readonly viewType = 'seqlab.runsTable';
  private panel: vscode.WebviewPanel | undefined;
  private panelDisposables: vscode.Disposable[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  private readonly rows: RunRows;
  private ready = false;
  /** A config to focus on once the webview is ready (the table was opened from a config). */
  private pendingFocus: string | undefined;
  private postSeq = 0;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly deps: RunsTableDeps,
  ) {
    this.rows = new RunRows((p) => configLabelIn(deps.folders())(p));
    this.disposables.push(
      vscode.window.registerWebviewPanelSerializer(RunsTablePanel.viewType, { deserializeWebviewPanel: async (panel) => this.adopt(panel) }),
      deps.runs.onDidChange(() => {
        if (this.ready) void this.postRows();
      }),
    );
  }

  /** Shows the table (revealed when open); with `configPath`, only the runs of that config until the user clears it. */
  open(configPath?: string): void {
    if (configPath) this.pendingFocus = configLabelIn(this.deps.folders())(configPath);
    if (this.panel) {
      this.panel.reveal();
      if (this.ready) this.sendFocus();
      return;
    }
    this.adopt(vscode.window.createWebviewPanel(RunsTablePanel.viewType, 'SeqLab: Runs', vscode.ViewColumn.Active, this.options()));
  }

  private options(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist')] };
  }

  private adopt(panel: vscode.WebviewPanel): void {
    this.panel?.dispose();
    this.panel = panel;
    this.ready = false;
    panel.title = 'SeqLab: Runs';
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'icon.svg');
    panel.webview.options = this.options();
    panel.webview.html = this.html(panel.webview);
    this.panelDisposables = [
      panel.webview.onDidReceiveMessage((m: unknown) => {
        const msg = parseRunsTableMessage(m);
        if (msg) void hostWork.measure(`runsTable:${msg.type}`, () => this.handle(msg)).catch((e: unknown) => this.fail(e));
      }),
      // a hidden webview is destroyed; it says `ready` again when shown
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.ready = false;
      }),
      panel.onDidDispose(() => {
        if (this.panel !== panel) return;
        this.panel = undefined;
        this.ready = false;
        for (const d of this.panelDisposables) d.dispose();
        this.panelDisposables = [];
      }),
    ];
  }

  private html(webview: vscode.Webview): string {
    const uri = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', file)).toString();
    return webviewHtml({ cspSource: webview.cspSource, scriptUri: uri('runsTable.js'), styleUri: uri('runsTable.css'), title: 'SeqLab: Runs', root: { id: 'seqlab-runs', className: 'runs' } });
  }

  private async handle(msg: WebviewToRunsTable): Promise<void> {
    switch (msg.type) {
      case 'ready':
        this.ready = true;
        await this.postRows();
        this.sendFocus();
        return;
      case 'openDashboard': {
        const known = msg.runIds.filter((id) => this.deps.runs.getRun(id));
        if (known.length > 0) this.deps.openDashboard(known);
        return;
      }
      case 'compareConfigs':
        return this.compare(msg.runIds);
      case 'log':
        if (msg.level === 'error') console.error(`[seqlab runs table] ${msg.message}`);
        return;
      default:
        assertNever(msg);
    }
  }

  private sendFocus(): void {
    if (this.pendingFocus === undefined) return;
    void this.post({ type: 'focusConfig', config: this.pendingFocus });
    this.pendingFocus = undefined;
  }

  /** The rows now; a read that a newer one overtook is dropped, so the newest rows win. */
  private async postRows(): Promise<void> {
    const seq = ++this.postSeq;
    const rows = await this.rows.rows(this.deps.runs.list());
    if (seq !== this.postSeq || !this.ready) return;
    await this.post({ type: 'rows', rows });
  }

  private async compare([idA, idB]: [string, string]): Promise<void> {
    const [a, b] = [this.deps.runs.getRun(idA), this.deps.runs.getRun(idB)];
    if (!a || !b) return;
    const [configA, configB] = await Promise.all([this.rows.config(a), this.rows.config(b)]);
    const lines = configDiffLines({ config: configA, cell: a.meta.info.cell }, { config: configB, cell: b.meta.info.cell });
    await this.post({ type: 'configDiff', a: { id: a.id, label: runLabel(a.meta.info) }, b: { id: b.id, label: runLabel(b.meta.info) }, lines });
  }

  private post(msg: HostToRunsTable): Thenable<boolean> {
    if (!this.panel) return Promise.resolve(false);
    const webview = this.panel.webview;
    return hostWork.measure(`post:runsTable:${msg.type}`, () => webview.postMessage(msg));
  }

  private fail(e: unknown): void {
    void this.post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  }

  dispose(): void {
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
