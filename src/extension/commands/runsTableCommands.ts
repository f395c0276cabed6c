// SeqLab: Open Runs Table, from the palette and the tree's title bar (every run of the workspace) or on a
// config (the tree's context menu, a CodeLens, the explorer: that config's runs, until the filter is cleared).

import * as vscode from 'vscode';
import { COMMANDS } from '../constants';
import { resolveConfigTarget } from './commandArgs';
import type { CommandDeps } from './registerCommands';

export function runsTableCommands(d: CommandDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(COMMANDS.openRunsTable, (arg?: unknown) => {
      // no argument is the whole table, never a pick of a config
      const target = arg === undefined ? undefined : resolveConfigTarget(arg, undefined, []);
      d.runsTable.open(target?.kind === 'path' ? target.path : undefined);
    }),
  ];
}
