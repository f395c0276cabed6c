// The commands on configs themselves: New Experiment and Validate Config.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { COMMANDS } from '../constants';
import { newExperiment } from '../templates/newExperiment';
import { configPathOf, showProblems } from './commandPrompts';
import type { CommandDeps } from './registerCommands';

export function configCommands(d: CommandDeps): vscode.Disposable[] {
  const { configs, diagnostics, runs } = d;
  return [
    vscode.commands.registerCommand(COMMANDS.newExperiment, (templateId?: unknown) =>
      newExperiment(typeof templateId === 'string' ? templateId : undefined, runs.list().map((r) => r.meta.info.name)),
    ),

    vscode.commands.registerCommand(COMMANDS.validateConfig, async (arg?: unknown) => {
      const configPath = await configPathOf(arg, configs);
      if (!configPath) return undefined;
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(configPath));
      const r = await diagnostics.validate(doc);
      if (r.errors + r.warnings === 0) void vscode.window.showInformationMessage(`${path.basename(configPath)} is valid.`);
      else showProblems(`${path.basename(configPath)}: ${r.errors} error(s), ${r.warnings} warning(s).`, 'warning');
      return { errors: r.errors, warnings: r.warnings };
    }),
  ];
}
