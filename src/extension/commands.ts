// The command handlers. Arguments arrive from the palette (none), the tree (a TreeNode), the CodeLens
// (a path or run id), editor/explorer menus (a Uri); each handler normalises them first.

import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CELL_KINDS, type CellKind } from '../shared/config';
import type { RunSummary } from '../runs/runReader';
import type { ExportResult } from '../shared/modelExport';
import { exportDirOf, RUN_FILES } from '../runs/runFiles';
import type { ConfigDiagnostics } from './configs/configDiagnostics';
import type { ConfigIndex } from './configs/configIndex';
import { dataFileOf, isInsideAny } from './configs/fileChecks';
import { COMMANDS, SETTINGS } from './constants';
import type { DashboardPanels } from './dashboard/dashboardPanels';
import type { ModelExporter } from './export/modelExporter';
import { cellLabel, timeAgo } from '../shared/format';
import type { NativeBackend } from './nativeBackend/nativeBackend';
import type { RunStore } from './runStore';
import { newExperiment } from './templates/newExperiment';
import { activeRunId } from './training/activeRun';
import { trainingGate } from './training/trainingGate';
import type { TrainingUi } from './training/trainingUi';
import type { TreeNode } from './tree/treeModel';

export interface CommandDeps {
  store: RunStore;
  configs: ConfigIndex;
  diagnostics: ConfigDiagnostics;
  panels: DashboardPanels;
  ui: TrainingUi;
  exporter: ModelExporter;
  native: NativeBackend;
}

const isNode = (x: unknown): x is TreeNode => typeof x === 'object' && x !== null && 'kind' in x && 'id' in x;

export function registerCommands(d: CommandDeps): vscode.Disposable[] {
  const { store, configs, diagnostics, panels, ui, exporter, native } = d;
  const reg = (id: string, f: (...args: any[]) => unknown) => vscode.commands.registerCommand(id, f);

  async function configPathOf(arg: unknown): Promise<string | undefined> {
    if (typeof arg === 'string') return arg;
    if (arg instanceof vscode.Uri) return arg.fsPath;
    if (isNode(arg) && arg.kind === 'config') return arg.path;
    if (isNode(arg) && arg.kind === 'run') return arg.configPath;
    const active = vscode.window.activeTextEditor?.document;
    if (active && /\.seqlab\.json$/i.test(active.uri.fsPath)) return active.uri.fsPath;
    const list = configs.list();
    if (list.length === 1) return list[0].path;
    if (list.length === 0) {
      const a = await vscode.window.showInformationMessage('There is no *.seqlab.json config in the workspace yet.', 'New Experiment');
      if (a) void vscode.commands.executeCommand(COMMANDS.newExperiment);
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(list.map((c) => ({ label: path.basename(c.path), description: c.relativePath, p: c.path })), { placeHolder: 'Experiment config' });
    return picked?.p;
  }

  async function pickRuns(placeHolder: string, filter: (r: RunSummary) => boolean, many = false): Promise<string[]> {
    const runs = store.list().filter(filter);
    if (runs.length === 0) {
      void vscode.window.showInformationMessage('No matching runs.');
      return [];
    }
    const items = runs.map((r) => ({ label: r.id, description: `${cellLabel(r.meta.info.cell)} · ${r.status.kind} · ${timeAgo(r.meta.createdAt)}`, id: r.id }));
    if (many) return ((await vscode.window.showQuickPick(items, { placeHolder, canPickMany: true })) ?? []).map((i) => i.id);
    const one = await vscode.window.showQuickPick(items, { placeHolder });
    return one ? [one.id] : [];
  }

  async function runIdOf(arg: unknown, placeHolder: string, filter: (r: RunSummary) => boolean = () => true): Promise<string | undefined> {
    if (typeof arg === 'string') return arg;
    if (isNode(arg) && arg.kind === 'run') return arg.runId;
    if (isNode(arg) && arg.kind === 'queued') return arg.jobKey;
    return (await pickRuns(placeHolder, filter))[0];
  }

  function gateOk(): boolean {
    const gate = trainingGate({ trusted: vscode.workspace.isTrusted, runsDir: store.runsDir() });
    switch (gate.kind) {
      case 'allowed':
        return true;
      case 'untrusted':
        void vscode.window.showWarningMessage(gate.message, gate.action).then((a) => a && vscode.commands.executeCommand('workbench.trust.manage'));
        return false;
      case 'noWorkspace':
        void vscode.window.showWarningMessage(gate.message);
        return false;
    }
  }

  /** Validate, confirm data outside the workspace, enqueue. Returns job keys. */
  async function startTraining(configPath: string, cells: (CellKind | undefined)[], resumeRunId?: string): Promise<string[]> {
    if (!gateOk()) return [];
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(configPath));
    if (doc.isDirty) await doc.save();
    if (!resumeRunId) {
      const result = await diagnostics.validate(doc);
      if (result.errors > 0 || !result.config) {
        void vscode.window.showErrorMessage(`${path.basename(configPath)} has ${result.errors} problem${result.errors === 1 ? '' : 's'}; fix them to train.`, 'Show Problems').then((a) => {
          if (a) void vscode.commands.executeCommand('workbench.actions.view.problems');
        });
        return [];
      }
      const dataFile = dataFileOf(result.config, configPath);
      const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
      if (dataFile && !isInsideAny(dataFile, folders)) {
        const ok = await vscode.window.showWarningMessage(
          `${path.basename(configPath)} trains on a file outside the workspace:\n${dataFile}`,
          { modal: true, detail: 'SeqLab will read this file. Train only if you expect the config to point there.' },
          'Train Anyway',
        );
        if (ok !== 'Train Anyway') return [];
      }
    }
    const settings = vscode.workspace.getConfiguration();
    const backend = settings.get<string>(SETTINGS.defaultBackend, 'config');
    const every = settings.get<number>(SETTINGS.diagnosticsInterval, 0);
    const keys: string[] = [];
    for (const cell of cells) {
      const job = store.enqueue({
        configPath,
        ...(cell && { cell }),
        ...(resumeRunId && { resumeRunId }),
        ...(backend === 'wasm' || backend === 'tfjs' || backend === 'auto' ? { backend } : {}),
        ...(every > 0 && { diagnosticsEvery: every }),
      });
      const name = path.basename(configPath).replace(/\.seqlab\.json$/i, '');
      ui.track(job, `SeqLab: ${resumeRunId ? `resuming ${resumeRunId}` : `training ${name}${cell ? ` (${cellLabel(cell)})` : ''}`}`);
      keys.push(job.key);
    }
    return keys;
  }

  /** The OS file manager on a desktop; the Explorer in a browser or remote when `file` is in the workspace. */
  async function reveal(file: string, what: string): Promise<void> {
    const uri = vscode.Uri.file(file);
    const inWorkspace = isInsideAny(file, (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath));
    // in a browser (code-server, Codespaces) or a remote there is no OS file manager to reveal in
    if (vscode.env.uiKind === vscode.UIKind.Desktop && !vscode.env.remoteName) await vscode.commands.executeCommand('revealFileInOS', uri);
    else if (inWorkspace) await vscode.commands.executeCommand('revealInExplorer', uri);
    else void vscode.window.showInformationMessage(`${what}: ${path.dirname(file)}`);
  }

  async function offerExported(r: ExportResult): Promise<void> {
    const open = 'Open model.json', show = 'Reveal in Explorer';
    const picked = await vscode.window.showInformationMessage(`SeqLab: exported ${r.runId} (step ${r.step}) as a TensorFlow.js model to ${r.dir}`, open, show);
    if (picked === open) await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(vscode.Uri.file(r.modelJson)), { preview: true });
    else if (picked === show) await reveal(r.modelJson, 'Exported model');
  }

  async function openDashboard(arg: unknown, more?: unknown): Promise<string[]> {
    let ids: string[];
    if (Array.isArray(more) && more.length > 1 && more.every(isNode)) ids = more.filter((n) => n.kind === 'run').map((n) => (n as { runId: string }).runId);
    else if (Array.isArray(arg)) ids = arg.filter((x): x is string => typeof x === 'string');
    else if (typeof arg === 'string' || isNode(arg)) {
      const id = await runIdOf(arg, '');
      ids = id ? [id] : [];
    } else ids = await pickRuns('Runs to show (several: a comparison)', () => true, true);
    if (ids.length > 0) panels.open(ids);
    return ids;
  }

  return [
    reg(COMMANDS.newExperiment, (templateId?: string) => newExperiment(typeof templateId === 'string' ? templateId : undefined)),

    reg(COMMANDS.train, async (arg?: unknown) => {
      const configPath = await configPathOf(arg);
      if (!configPath) return undefined;
      const [key] = await startTraining(configPath, [undefined]);
      return key ? store.manager.whenStarted(key) : undefined;
    }),

    reg(COMMANDS.compareCells, async (arg?: unknown) => {
      const configPath = await configPathOf(arg);
      if (!configPath) return [];
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(configPath));
      const compare = (await diagnostics.validate(doc)).compare;
      const cells = compare && compare.length > 0 ? compare : [...CELL_KINDS];
      const keys = await startTraining(configPath, cells);
      if (keys.length === 0) return [];
      // the comparison opens now; runs queued behind seqlab.maxConcurrentRuns show as queued and join as they start
      if (keys.length > 1) panels.openJobs(keys);
      return (await Promise.all(keys.map((k) => store.manager.whenStarted(k)))).filter((x): x is string => x !== undefined);
    }),

    reg(COMMANDS.stopRun, async (arg?: unknown) => {
      let id = typeof arg === 'string' || isNode(arg) ? await runIdOf(arg, '') : undefined;
      if (!id) {
        const active = store.active();
        if (active.length === 0) {
          void vscode.window.showInformationMessage('No SeqLab run is active.');
          return;
        }
        const picked =
          active.length === 1
            ? active[0]
            : (await vscode.window.showQuickPick(active.map((j) => ({ label: activeRunId(j) ?? `${path.basename(j.request.configPath)} (${j.state.kind})`, j })), { placeHolder: 'Run to stop' }))?.j;
        id = picked && (activeRunId(picked) ?? picked.key);
      }
      if (id) await store.stop(id);
    }),

    reg(COMMANDS.openDashboard, openDashboard),

    reg(COMMANDS.generateSample, async (arg?: unknown) => {
      const id = await runIdOf(arg, 'Text model to sample from', (r) => r.meta.info.task === 'text');
      if (!id) return undefined;
      const prime = await vscode.window.showInputBox({ prompt: 'Text to start from', value: 'The ' });
      if (prime === undefined) return undefined;
      const t = await vscode.window.showInputBox({ prompt: 'Temperature (0 = greedy, 1 = as learnt)', value: '0.8', validateInput: (v) => (Number.isFinite(Number(v)) && Number(v) >= 0 ? undefined : 'A number ≥ 0') });
      if (t === undefined) return undefined;
      try {
        const text = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `SeqLab: sampling from ${id}` }, () => store.generate(id, prime, Number(t), 300));
        await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ content: text, language: 'plaintext' }));
        return text;
      } catch (e) {
        void vscode.window.showErrorMessage(`SeqLab: sampling failed — ${e instanceof Error ? e.message : String(e)}`);
        return undefined;
      }
    }),

    reg(COMMANDS.deleteRun, async (arg?: unknown) => {
      const id = await runIdOf(arg, 'Run to delete');
      const run = id ? store.getRun(id) : undefined;
      if (!id || !run) return false;
      const ok = await vscode.window.showWarningMessage(`Delete run ${id}?`, { modal: true, detail: `Its folder ${run.dir} (metrics, diagnostics, checkpoints, weights and exports) is removed from disk.` }, 'Delete');
      if (ok !== 'Delete') return false;
      if (store.manager.find(id)) await store.stop(id);
      await fsp.rm(run.dir, { recursive: true, force: true });
      await store.refresh();
      return true;
    }),

    reg(COMMANDS.revealRun, async (arg?: unknown) => {
      const id = await runIdOf(arg, 'Run to reveal');
      const run = id ? store.getRun(id) : undefined;
      if (!run) return;
      await reveal(path.join(run.dir, RUN_FILES.meta), 'Run folder');
    }),

    // Allowed in Restricted Mode, like Generate Sample: SeqLab's own CLI reads the run folder only (weights,
    // config snapshot) and writes inside it; nothing the workspace's configs point to is read or run.
    reg(COMMANDS.exportModel, async (arg?: unknown): Promise<ExportResult | undefined> => {
      const id = await runIdOf(arg, 'Run to export as a TensorFlow.js model');
      const run = id ? store.getRun(id) ?? (await store.reload(id)) : undefined;
      const runsDir = store.runsDir();
      if (!run || !runsDir) return undefined;
      const dir = exportDirOf(run.dir, 'tfjs');
      const earlier = await fsp.readdir(dir).catch(() => [] as string[]);
      let force = false;
      if (earlier.length > 0) {
        const replace = await vscode.window.showWarningMessage(`${run.id} was exported before.`, { modal: true, detail: `Replace the TensorFlow.js model in ${dir}?` }, 'Replace');
        if (replace !== 'Replace') return undefined;
        force = true;
      }
      const outcome = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `SeqLab: exporting ${run.id} to TensorFlow.js`, cancellable: true },
        (_progress, token) => {
          const abort = new AbortController();
          token.onCancellationRequested(() => abort.abort());
          return exporter.export({ runDir: run.dir, runsDir, format: 'tfjs', weights: 'last', force }, abort.signal);
        },
      );
      switch (outcome.kind) {
        case 'exported':
          void offerExported(outcome.result);
          return outcome.result;
        case 'failed':
          void vscode.window.showErrorMessage(`SeqLab: export failed — ${outcome.message}`);
          return undefined;
        case 'cancelled':
          return undefined;
      }
    }),

    reg(COMMANDS.validateConfig, async (arg?: unknown) => {
      const configPath = await configPathOf(arg);
      if (!configPath) return undefined;
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(configPath));
      const r = await diagnostics.validate(doc);
      if (r.errors + r.warnings === 0) void vscode.window.showInformationMessage(`${path.basename(configPath)} is valid.`);
      else {
        void vscode.window.showWarningMessage(`${path.basename(configPath)}: ${r.errors} error(s), ${r.warnings} warning(s).`, 'Show Problems').then((a) => {
          if (a) void vscode.commands.executeCommand('workbench.actions.view.problems');
        });
      }
      return { errors: r.errors, warnings: r.warnings };
    }),

    reg(COMMANDS.showLog, async (arg?: unknown) => {
      const id = typeof arg === 'string' || isNode(arg) ? await runIdOf(arg, '') : undefined;
      const run = id ? store.getRun(id) ?? (await store.reload(id)) : undefined;
      if (run) {
        const log = vscode.Uri.file(path.join(run.dir, RUN_FILES.log));
        try {
          await vscode.workspace.fs.stat(log);
          await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(log), { preview: true });
          return;
        } catch {
          // no trainer.log (a CLI run): the output channel is all there is
        }
      }
      ui.output.show(true);
    }),

    reg(COMMANDS.resumeRun, async (arg?: unknown) => {
      const id = await runIdOf(arg, 'Run to resume', (r) => r.status.kind === 'interrupted' || r.status.kind === 'cancelled');
      const run = id ? store.getRun(id) : undefined;
      if (!run) return undefined;
      const [key] = await startTraining(run.meta.info.configPath, [run.meta.info.cell], run.id);
      return key ? store.manager.whenStarted(key) : undefined;
    }),

    reg(COMMANDS.installNativeBackend, (action?: unknown) => native.command(action === 'install' || action === 'remove' || action === 'status' ? action : undefined)),

    reg(COMMANDS.refresh, async () => {
      await Promise.all([configs.refresh(), store.refresh()]);
    }),
  ];
}
