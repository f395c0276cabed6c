// The commands on runs on disk: Open Dashboard, Delete, Reveal, Show Log, Repair, Refresh.

import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { RUN_FILES } from '../../runs/runFiles';
import { inspectRunFolder } from '../../runs/runReader';
import { applyRepair, checkRepair } from '../../runs/runRepair';
import { COMMANDS } from '../constants';
import { repairedMessage, repairQuestion } from '../runs/repairText';
import { runTitle, titleFromRunId } from '../runs/runNames';
import { damagedPickItems, hasRunArg, resolveDashboardTarget, resolveRunTarget } from './commandArgs';
import { pickRuns, reveal, runIdOf } from './commandPrompts';
import type { CommandDeps } from './registerCommands';

/** What Repair Run did (its return value, for the integration tests). */
export type RepairOutcome =
  | { kind: 'repaired'; done: string[] }
  | { kind: 'notNeeded' }
  | { kind: 'impossible'; why: string }
  | { kind: 'declined' }
  | { kind: 'failed'; message: string };

/**
 * Repair Run's second argument: `{ confirmed: true }` skips the question (a caller that has shown the plan,
 * or a test, where nobody can answer a modal dialog). From a menu the second argument is the selection.
 */
const confirmedBy = (options: unknown): boolean => typeof options === 'object' && options !== null && !Array.isArray(options) && (options as { confirmed?: unknown }).confirmed === true;

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
      const ok = await vscode.window.showWarningMessage(`Delete run ${runTitle(run.meta.info)}?`, { modal: true, detail: `Its folder ${run.dir} (metrics, diagnostics, checkpoints, weights and exports) is removed from disk.` }, 'Delete');
      if (ok !== 'Delete') return false;
      if (jobs.job(id)) await jobs.stop(id);
      await fsp.rm(run.dir, { recursive: true, force: true });
      await runs.refresh();
      return true;
    }),

    vscode.commands.registerCommand(COMMANDS.revealRun, async (arg?: unknown) => {
      const id = await runIdOf(arg, runs, 'Run to reveal');
      const dir = id && (runs.getRun(id)?.dir ?? runs.damaged().find((d) => d.id === id)?.dir);
      if (dir) await reveal(dir, 'Run folder');
    }),

    vscode.commands.registerCommand(COMMANDS.repairRun, async (arg?: unknown, options?: unknown): Promise<RepairOutcome | undefined> => {
      const target = resolveRunTarget(arg);
      const id = target.kind === 'id' ? target.id : (await vscode.window.showQuickPick(damagedPickItems(runs.damaged()), { placeHolder: 'Damaged run to repair' }))?.id;
      const dir = id && (runs.damaged().find((d) => d.id === id)?.dir ?? runs.getRun(id)?.dir);
      if (!id || !dir) return undefined;
      // what the folder holds now, not at the last refresh
      const folder = await inspectRunFolder(dir);
      if (folder.kind === 'none') {
        void vscode.window.showErrorMessage(`SeqLab: ${dir} holds no run files any more; nothing to repair.`);
        await runs.refresh();
        return { kind: 'impossible', why: 'the folder holds no run files' };
      }
      const searchIn = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
      const plan = await checkRepair(folder, { searchIn });
      switch (plan.kind) {
        case 'notNeeded':
          void vscode.window.showInformationMessage(`SeqLab: ${runTitle(plan.run.meta.info)} needs no repair: its ${RUN_FILES.meta} is readable (status ${plan.run.status.kind}). Nothing was written.`);
          await runs.refresh();
          return { kind: 'notNeeded' };
        case 'impossible':
          void vscode.window.showErrorMessage(`SeqLab: ${titleFromRunId(id)} cannot be repaired: ${plan.why}. The files are left as they are.`);
          return { kind: 'impossible', why: plan.why };
        case 'rebuild': {
          const title = titleFromRunId(id);
          const question = repairQuestion(plan, title);
          if (!confirmedBy(options) && (await vscode.window.showWarningMessage(question.message, { modal: true, detail: question.detail }, 'Repair')) !== 'Repair') return { kind: 'declined' };
          let done: string[];
          try {
            done = applyRepair(plan);
          } catch (e) {
            const message = e instanceof Error ? e.message : String(e);
            void vscode.window.showErrorMessage(`SeqLab: the repair of ${title} stopped — ${message}. Files written before it are kept; nothing was deleted.`);
            await runs.refresh();
            return { kind: 'failed', message };
          }
          await runs.refresh();
          const resume = plan.resumability.kind === 'resumable' && vscode.workspace.isTrusted ? ['Resume'] : [];
          void vscode.window.showInformationMessage(repairedMessage(plan, done, title), ...resume).then((a) => a && vscode.commands.executeCommand(COMMANDS.resumeRun, plan.id));
          return { kind: 'repaired', done };
        }
      }
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
