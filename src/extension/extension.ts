// Activation: cheap. Nothing here reads run folders or validates configs synchronously; both start
// after activate() returns. No tensor code is imported: the engine is a separate process.

import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { ConfigCodeLens } from './codeLens/configCodeLens';
import { translatableIn } from './commands/commandArgs';
import { registerCommands } from './commands/registerCommands';
import { ConfigDiagnostics } from './configs/configDiagnostics';
import { ConfigIndex } from './configs/configIndex';
import { engineDataChecker } from './configs/dataChecks';
import { COMMANDS, CONTEXT_KEYS, OUTPUT_CHANNEL, SETTINGS, VIEWS } from './constants';
import { DashboardPanels } from './dashboard/dashboardPanels';
import { panelEngine } from './dashboard/exploreRun';
import { EngineClient } from './engine/engineClient';
import { sampleText } from './engine/sampleText';
import { NativeBackend } from './nativeBackend/nativeBackend';
import { RunsOnDisk } from './runs/runsOnDisk';
import { RunsTablePanel } from './runsTable/runsTablePanel';
import { registerTestHooks } from './testHooks';
import { effectiveMaxConcurrent } from './training/activeRun';
import { resolveRunsDirectory } from './training/trainingGate';
import { TrainingJobs } from './training/trainingJobs';
import { TrainingUi } from './training/trainingUi';
import { ExperimentsTree } from './tree/experimentsTree';

/** What deactivate() must end in order: the jobs (their runs marked resumable), then every engine child. */
let owned: { jobs: TrainingJobs; engine: EngineClient } | undefined;

export function activate(context: vscode.ExtensionContext) {
  const t0 = performance.now();
  const settings = () => vscode.workspace.getConfiguration();
  const runsDir = () =>
    resolveRunsDirectory(settings().get<string>(SETTINGS.runsDirectory), vscode.workspace.workspaceFolders?.[0]?.uri.fsPath, os.homedir(), path.join, path.isAbsolute);
  const output = vscode.window.createOutputChannel(OUTPUT_CHANNEL);
  const native = new NativeBackend(context, output);
  const engine = new EngineClient({ trainerPath: path.join(context.extensionUri.fsPath, 'dist', 'trainer.js'), env: () => native.trainerEnv() });
  const runs = new RunsOnDisk(runsDir);
  const jobs = new TrainingJobs(engine, runsDir, () => effectiveMaxConcurrent(settings().get<number>(SETTINGS.maxConcurrentRuns), os.availableParallelism()));
  owned = { jobs, engine };
  const configs = new ConfigIndex();
  const diagnostics = new ConfigDiagnostics(engineDataChecker(engine));
  const panels = new DashboardPanels(context, { runs, jobs, sample: (ask, signal) => sampleText(engine, runs, ask, signal), panelEngine: () => panelEngine(engine, jobs) });
  const ui = new TrainingUi(jobs, output);
  const runsTable = new RunsTablePanel(context.extensionUri, {
    runs,
    openDashboard: (ids) => void vscode.commands.executeCommand(COMMANDS.openDashboard, ids),
    folders: () => (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath),
  });
  const tree = new ExperimentsTree(configs, runs, jobs);
  const lenses = new ConfigCodeLens(runs, jobs, diagnostics);

  const setContext = () => {
    void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.hasActiveRuns, jobs.active().length > 0);
    void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.hasRuns, runs.list().length > 0);
    void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.hasConfigs, configs.list().length > 0);
    void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.hasResumableRuns, runs.list().some((r) => runs.resumability(r.id)?.kind === 'resumable'));
    void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.hasDamagedRuns, runs.damaged().length > 0);
    void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.hasTranslatableRuns, runs.list().some(translatableIn(runs)));
  };

  let activationMs = 0;
  context.subscriptions.push(
    output,
    native,
    runs,
    jobs,
    configs,
    diagnostics,
    panels,
    ui,
    runsTable,
    tree,
    lenses,
    vscode.window.createTreeView(VIEWS.experiments, { treeDataProvider: tree, showCollapseAll: true, canSelectMany: true }),
    vscode.languages.registerCodeLensProvider({ scheme: 'file', pattern: '**/*.seqlab.json' }, lenses),
    ...registerCommands({ runs, jobs, engine, configs, diagnostics, panels, ui, native, runsTable }),
    ...registerTestHooks({ runs, jobs, engine, configs, tree, panels, native, activationMs: () => activationMs }),
    // a job's trainer writes its run folder: show it at once rather than after the watcher's debounce
    jobs.onDidStart(() => runs.scheduleRefresh(0)),
    jobs.onDidEnd(() => runs.scheduleRefresh(0)),
    runs.onDidChange(setContext),
    jobs.onDidChange(setContext),
    configs.onDidChange(setContext),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(SETTINGS.runsDirectory)) runs.rewatch();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => runs.scheduleRefresh(0)),
  );

  // the file scans and the first validation run after activation has returned
  setTimeout(() => {
    void configs.refresh();
    void runs.refresh();
    diagnostics.validateOpenDocuments();
  }, 0);
  setContext();
  activationMs = performance.now() - t0;
  return { activationMs: () => activationMs };
}

/**
 * Stops every trainer and marks its run interrupted (resumable), then ends whatever engine child is left;
 * VS Code waits for the promise. The engine client is not in context.subscriptions: VS Code disposes those
 * right after calling deactivate, without waiting, which would kill trainers before they saved their step.
 */
export async function deactivate(): Promise<void> {
  if (!owned) return;
  const { jobs, engine } = owned;
  owned = undefined;
  await jobs.shutdown();
  engine.dispose();
}
