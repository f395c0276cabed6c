// The contributed commands, by area. Each module resolves its arguments with the pure functions of
// commandArgs.ts and asks the user (commandPrompts.ts) only where those say `pick`.

import type * as vscode from 'vscode';
import type { ConfigDiagnostics } from '../configs/configDiagnostics';
import type { ConfigIndex } from '../configs/configIndex';
import type { DashboardPanels } from '../dashboard/dashboardPanels';
import type { EngineClient } from '../engine/engineClient';
import type { NativeBackend } from '../nativeBackend/nativeBackend';
import type { RunsOnDisk } from '../runs/runsOnDisk';
import type { RunsTablePanel } from '../runsTable/runsTablePanel';
import type { TrainingJobs } from '../training/trainingJobs';
import type { TrainingUi } from '../training/trainingUi';
import { configCommands } from './configCommands';
import { modelCommands } from './modelCommands';
import { runsCommands } from './runsCommands';
import { runsTableCommands } from './runsTableCommands';
import { trainingCommands } from './trainingCommands';

export interface CommandDeps {
  runs: RunsOnDisk;
  jobs: TrainingJobs;
  engine: Pick<EngineClient, 'request'>;
  configs: ConfigIndex;
  diagnostics: ConfigDiagnostics;
  panels: DashboardPanels;
  ui: TrainingUi;
  native: NativeBackend;
  runsTable: RunsTablePanel;
}

export function registerCommands(d: CommandDeps): vscode.Disposable[] {
  return [...configCommands(d), ...trainingCommands(d), ...runsCommands(d), ...modelCommands(d), ...runsTableCommands(d)];
}
