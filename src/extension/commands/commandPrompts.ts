// The questions commands ask when their argument did not say (commandArgs.ts decides when), and the
// places they show a file. Shared by the command modules.

import * as vscode from 'vscode';
import type { RunSummary } from '../../runs/runReader';
import type { ConfigIndex } from '../configs/configIndex';
import { isInsideAny } from '../configs/fileChecks';
import { COMMANDS } from '../constants';
import { revealChoice } from '../revealChoice';
import type { RunCatalog } from '../runs/runsOnDisk';
import { resolveConfigTarget, resolveRunTarget, runPickItems } from './commandArgs';

/** The config a command acts on; undefined when the user picked none. */
export async function configPathOf(arg: unknown, configs: Pick<ConfigIndex, 'list'>): Promise<string | undefined> {
  const target = resolveConfigTarget(arg, vscode.window.activeTextEditor?.document.uri.fsPath, configs.list());
  switch (target.kind) {
    case 'path':
      return target.path;
    case 'none': {
      const a = await vscode.window.showInformationMessage('There is no *.seqlab.json config in the workspace yet.', 'New Experiment');
      if (a) void vscode.commands.executeCommand(COMMANDS.newExperiment);
      return undefined;
    }
    case 'pick':
      return (await vscode.window.showQuickPick(target.items, { placeHolder: 'Experiment config' }))?.path;
  }
}

/** Runs the user picks among those on disk that pass `filter`. */
export async function pickRuns(runs: Pick<RunCatalog, 'list'>, placeHolder: string, filter: (r: RunSummary) => boolean, many = false): Promise<string[]> {
  const items = runPickItems(runs.list(), filter);
  if (items.length === 0) {
    void vscode.window.showInformationMessage('No matching runs.');
    return [];
  }
  if (many) return ((await vscode.window.showQuickPick(items, { placeHolder, canPickMany: true })) ?? []).map((i) => i.id);
  const one = await vscode.window.showQuickPick(items, { placeHolder });
  return one ? [one.id] : [];
}

/** The run (or queued job) a command acts on, asking when the argument does not say. */
export async function runIdOf(arg: unknown, runs: Pick<RunCatalog, 'list'>, placeHolder: string, filter: (r: RunSummary) => boolean = () => true): Promise<string | undefined> {
  const target = resolveRunTarget(arg);
  return target.kind === 'id' ? target.id : (await pickRuns(runs, placeHolder, filter))[0];
}

/** The OS file manager on a desktop; the Explorer in a browser or remote when `file` is in the workspace (revealChoice.ts). */
export async function reveal(file: string, what: string): Promise<void> {
  const uri = vscode.Uri.file(file);
  const inWorkspace = isInsideAny(file, (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath));
  switch (revealChoice({ desktop: vscode.env.uiKind === vscode.UIKind.Desktop, remote: vscode.env.remoteName !== undefined, inWorkspace })) {
    case 'os':
      await vscode.commands.executeCommand('revealFileInOS', uri);
      return;
    case 'explorer':
      await vscode.commands.executeCommand('revealInExplorer', uri);
      return;
    case 'message':
      void vscode.window.showInformationMessage(`${what}: ${file}`);
      return;
  }
}

export function showProblems(message: string, severity: 'error' | 'warning'): void {
  const shown = severity === 'error' ? vscode.window.showErrorMessage(message, 'Show Problems') : vscode.window.showWarningMessage(message, 'Show Problems');
  void shown.then((a) => {
    if (a) void vscode.commands.executeCommand('workbench.actions.view.problems');
  });
}
