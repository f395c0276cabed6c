// The commands on runs on disk: Open Dashboard, Delete, Reveal, Show Log, Refresh.

import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { RUN_FILES } from '../../runs/runFiles';
import { COMMANDS } from '../constants';
import { hasRunArg, resolveDashboardTarget } from './commandArgs';
import { pickRuns, reveal, runIdOf } from './commandPrompts';
import type { CommandDeps } from './registerCommands';

export function runsCommands(d: CommandDeps): vscode.Disposable[] {
  const { runs, jobs, configs, panels, ui } = d;

  /** The runs shown; several make a comparison. */
  async function openDashboard(arg: unknown, selection?: unknown): Promise<string[]> {
    const target = resolveDashboardTarget(arg, selection);
    let ids: string[];
    switch (target.kind) {
      case 'ids':
        ids = target.ids;
        break;
      case 'run': {
        const id = target.target.kind === 'id' ? target.target.id : (await pickRuns(runs, '', () => true))[0];
        ids = id ? [id] : [];
        break;
      }
      case 'pickMany':
        ids = await pickRuns(runs, 'Runs to show (several: a comparison)', () => true, true);
        break;
    }
    if (ids.length > 0) panels.open(ids);
    return ids;
  }

  return [
    vscode.commands.registerCommand(COMMANDS.openDashboard, openDashboard),

    vscode.commands.registerCommand(COMMANDS.deleteRun, async (arg?: unknown) => {
      const id = await runIdOf(arg, runs, 'Run to delete');
      const run = id ? runs.getRun(id) : undefined;
      if (!id || !run) return false;
      const ok = await vscode.window.showWarningMessage(`Delete run ${id}?`, { modal: true, detail: `Its folder ${run.dir} (metrics, diagnostics, checkpoints, weights and exports) is removed from disk.` }, 'Delete');
      if (ok !== 'Delete') return false;
      if (jobs.job(id)) await jobs.stop(id);
      await fsp.rm(run.dir, { recursive: true, force: true });
      await runs.refresh();
      return true;
    }),

    vscode.commands.registerCommand(COMMANDS.revealRun, async (arg?: unknown) => {
      const id = await runIdOf(arg, runs, 'Run to reveal');
      const run = id ? runs.getRun(id) : undefined;
      if (!run) return;
      await reveal(path.join(run.dir, RUN_FILES.meta), 'Run folder');
    }),

    vscode.commands.registerCommand(COMMANDS.showLog, async (arg?: unknown) => {
      const id = hasRunArg(arg) ? await runIdOf(arg, runs, '') : undefined;
      const run = id ? runs.getRun(id) ?? (await runs.reload(id)) : undefined;
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

    vscode.commands.registerCommand(COMMANDS.refresh, async () => {
      await Promise.all([configs.refresh(), runs.refresh()]);
    }),
  ];
}
