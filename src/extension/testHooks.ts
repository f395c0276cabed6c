// The hidden `seqlab.internal.*` commands: what the integration tests (and a curious user) ask the running
// extension. Their result types are exported here once; test/integration/helpers.ts imports them.

import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as vscode from 'vscode';
import type { ConfigIndex } from './configs/configIndex';
import { INTERNAL_COMMANDS } from './constants';
import type { DashboardPanels, PanelDescription } from './dashboard/dashboardPanels';
import type { EngineClient, EnginePurpose } from './engine/engineClient';
import { hostWork } from './hostWork';
import type { NativeBackend, NativeState } from './nativeBackend/nativeBackend';
import type { RunsOnDisk } from './runs/runsOnDisk';
import type { ActiveRun } from './training/activeRun';
import type { TrainingJobs } from './training/trainingJobs';
import type { ConfigEntry, TreeNode } from './tree/treeModel';
import type { RunSummary } from '../runs/runReader';

/** `seqlab.internal.state`: the extension's view of configs, runs, jobs, tree, dashboards and engine. */
export interface ExtensionState {
  runsDir: string | undefined;
  configs: readonly ConfigEntry[];
  runs: { id: string; status: RunSummary['status']; configPath: string; cell: string }[];
  active: readonly ActiveRun[];
  tree: readonly TreeNode[];
  panels: PanelDescription[];
  /** Engine children forked so far, and those alive now. */
  engine: { started: number; children: { pid: number; purpose: EnginePurpose }[] };
  native: { state: NativeState; trainerEnv: NodeJS.ProcessEnv; logFile: string };
}

/** `seqlab.internal.stats`. */
export interface HostStats {
  activationMs: number;
  eventLoopLagMaxMs: number;
  eventLoopLagP99Ms: number;
  /** The longest synchronous stretch of SeqLab's own handlers since the last reset (VS Code's and other extensions' work excluded). */
  hostWorkMaxMs: number;
  hostWorkMaxLabel: string;
}

export interface TestHookDeps {
  runs: RunsOnDisk;
  jobs: TrainingJobs;
  engine: EngineClient;
  configs: ConfigIndex;
  tree: { nodes(): readonly TreeNode[] };
  panels: DashboardPanels;
  native: NativeBackend;
  activationMs: () => number;
}

export function registerTestHooks(d: TestHookDeps): vscode.Disposable[] {
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const state = async (refresh?: boolean): Promise<ExtensionState> => {
    if (refresh) await Promise.all([d.configs.refresh(), d.runs.refresh()]);
    return {
      runsDir: d.runs.runsDir(),
      configs: d.configs.list(),
      runs: d.runs.list().map((r) => ({ id: r.id, status: r.status, configPath: r.meta.info.configPath, cell: r.meta.info.cell })),
      active: d.jobs.active(),
      tree: d.tree.nodes(),
      panels: d.panels.describe(),
      engine: { started: d.engine.started, children: d.engine.children() },
      native: { state: await d.native.state(), trainerEnv: d.native.trainerEnv(), logFile: d.native.logFile },
    };
  };
  const stats = (): HostStats => ({
    activationMs: d.activationMs(),
    eventLoopLagMaxMs: lag.max / 1e6,
    eventLoopLagP99Ms: lag.percentile(99) / 1e6,
    hostWorkMaxMs: hostWork.max().ms,
    hostWorkMaxLabel: hostWork.max().label,
  });
  return [
    { dispose: () => lag.disable() },
    /** The event loop's longest delay in ms since the last reset; `reset` starts a new measurement. */
    vscode.commands.registerCommand(INTERNAL_COMMANDS.eventLoopLag, (reset?: boolean): number => {
      const max = lag.max / 1e6;
      if (reset) {
        lag.reset();
        hostWork.reset();
      }
      return max;
    }),
    vscode.commands.registerCommand(INTERNAL_COMMANDS.stats, stats),
    vscode.commands.registerCommand(INTERNAL_COMMANDS.state, state),
    vscode.commands.registerCommand(INTERNAL_COMMANDS.killTrainer, (runIdOrKey: string, signal?: NodeJS.Signals): boolean => d.jobs.kill(runIdOrKey, signal ?? 'SIGKILL')),
  ];
}
