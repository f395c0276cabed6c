// Activation: cheap. Nothing here reads run folders or validates configs synchronously; both start
// after activate() returns. No tensor code is imported: the trainer is a separate process.

import * as os from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { ConfigCodeLens } from './codeLens/configCodeLens';
import { registerCommands } from './commands';
import { ConfigDiagnostics } from './configs/configDiagnostics';
import { ConfigIndex } from './configs/configIndex';
import { CONTEXT_KEYS, INTERNAL_COMMANDS, OUTPUT_CHANNEL, SETTINGS, VIEWS } from './constants';
import { DashboardPanels } from './dashboard/dashboardPanels';
import { ModelExporter } from './export/modelExporter';
import { RunStore } from './runStore';
import { effectiveMaxConcurrent } from './training/activeRun';
import { resolveRunsDirectory } from './training/trainingGate';
import { TrainingUi } from './training/trainingUi';
import { ExperimentsTree } from './tree/experimentsTree';
import { hostWork } from './hostWork';
import { NativeBackend } from './nativeBackend/nativeBackend';

let store: RunStore | undefined;
let lag: IntervalHistogram | undefined;

export function activate(context: vscode.ExtensionContext) {
  const t0 = performance.now();
  lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();

  const settings = () => vscode.workspace.getConfiguration();
  const runsDir = () =>
    resolveRunsDirectory(settings().get<string>(SETTINGS.runsDirectory), vscode.workspace.workspaceFolders?.[0]?.uri.fsPath, os.homedir(), path.join, path.isAbsolute);
  const output = vscode.window.createOutputChannel(OUTPUT_CHANNEL);
  const native = new NativeBackend(context, output);
  store = new RunStore(
    runsDir,
    context.extensionUri.fsPath,
    () => effectiveMaxConcurrent(settings().get<number>(SETTINGS.maxConcurrentRuns), os.availableParallelism()),
    () => native.trainerEnv(),
  );
  const configs = new ConfigIndex();
  const diagnostics = new ConfigDiagnostics();
  const panels = new DashboardPanels(context, store);
  const ui = new TrainingUi(store, output);
  const tree = new ExperimentsTree(configs, store);
  const lenses = new ConfigCodeLens(store, diagnostics);
  const exporter = new ModelExporter(path.join(context.extensionUri.fsPath, 'dist', 'cli.js'));
  const s = store;

  const setContext = () => {
    void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.hasActiveRuns, s.active().length > 0);
    void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.hasRuns, s.list().length > 0);
    void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.hasConfigs, configs.list().length > 0);
  };

  let activationMs = 0;
  context.subscriptions.push(
    output,
    native,
    store,
    configs,
    diagnostics,
    panels,
    ui,
    tree,
    lenses,
    exporter,
    { dispose: () => lag?.disable() },
    vscode.window.createTreeView(VIEWS.experiments, { treeDataProvider: tree, showCollapseAll: true, canSelectMany: true }),
    vscode.languages.registerCodeLensProvider({ scheme: 'file', pattern: '**/*.seqlab.json' }, lenses),
    ...registerCommands({ store, configs, diagnostics, panels, ui, exporter, native }),
    store.onDidChangeRuns(setContext),
    configs.onDidChange(setContext),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(SETTINGS.runsDirectory)) s.rewatch();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => s.scheduleRefresh(0)),
    vscode.commands.registerCommand(INTERNAL_COMMANDS.eventLoopLag, (reset?: boolean) => {
      const max = lag ? lag.max / 1e6 : 0;
      if (reset) {
        lag?.reset();
        hostWork.reset();
      }
      return max;
    }),
    vscode.commands.registerCommand(INTERNAL_COMMANDS.stats, () => ({
      activationMs,
      eventLoopLagMaxMs: lag ? lag.max / 1e6 : 0,
      eventLoopLagP99Ms: lag ? lag.percentile(99) / 1e6 : 0,
      /** The longest synchronous stretch of SeqLab's own handlers since the last reset (VS Code's and other extensions' work excluded). */
      hostWorkMaxMs: hostWork.max().ms,
      hostWorkMaxLabel: hostWork.max().label,
    })),
    vscode.commands.registerCommand(INTERNAL_COMMANDS.state, async (refresh?: boolean) => {
      if (refresh) await Promise.all([configs.refresh(), s.refresh()]);
      return {
        runsDir: s.runsDir(),
        configs: configs.list(),
        runs: s.list().map((r) => ({ id: r.id, status: r.status, configPath: r.meta.info.configPath, cell: r.meta.info.cell })),
        active: s.active(),
        tree: tree.nodes(),
        panels: panels.describe(),
        native: { state: await native.state(), trainerEnv: native.trainerEnv(), logFile: native.logFile },
      };
    }),
    vscode.commands.registerCommand(INTERNAL_COMMANDS.killTrainer, (runIdOrKey: string, signal?: NodeJS.Signals) => s.manager.kill(runIdOrKey, signal ?? 'SIGKILL')),
  );

  // the file scans and the first validation run after activation has returned
  setTimeout(() => {
    void configs.refresh();
    void s.refresh();
    diagnostics.validateOpenDocuments();
  }, 0);
  setContext();
  activationMs = performance.now() - t0;
  return { activationMs: () => activationMs };
}

/** Stops every trainer and marks its run interrupted (resumable); VS Code waits for the promise. */
export async function deactivate(): Promise<void> {
  await store?.shutdown();
  lag?.disable();
}
