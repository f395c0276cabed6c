// Train, Compare Cells, Stop, Resume, and the native backend's install: the commands that start or end
// trainer processes (through the training jobs) or change what they run on.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { type Resumability, resumeRefusal } from '../../runs/resumability';
import { checkResume } from '../../runs/resumeCheck';
import { readResumability } from '../../runs/runContents';
import type { RunSummary } from '../../runs/runReader';
import { type ComparisonKind, comparisonVariants } from '../../shared/comparisonVariants';
import type { CellKind, ExperimentConfig } from '../../shared/config';
import { newSweepId } from '../../shared/sweep';
import { dataFileOf, isInsideAny } from '../configs/fileChecks';
import { COMMANDS, SETTINGS } from '../constants';
import { runTitle, titleFromRunId } from '../runs/runNames';
import { activeRunId } from '../training/activeRun';
import { trackSweep } from '../training/sweepProgress';
import { trainingGate } from '../training/trainingGate';
import { comparisonTitle, hasRunArg, planComparison, planTraining, resumableIn, type TrainSettings } from './commandArgs';
import { configPathOf, runIdOf, showProblems } from './commandPrompts';
import { planSweep } from './sweepPlan';
import type { CommandDeps } from './registerCommands';

/** Whether training may start here (a trusted workspace with a runs folder); says why not. */
function gateOk(runs: CommandDeps['runs']): boolean {
  const gate = trainingGate({ trusted: vscode.workspace.isTrusted, runsDir: runs.runsDir() });
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

/** A valid config whose data the user accepts (a file outside the workspace asks first); undefined otherwise. */
async function readyToTrain(diagnostics: CommandDeps['diagnostics'], configPath: string): Promise<ExperimentConfig | undefined> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(configPath));
  if (doc.isDirty) await doc.save();
  const result = await diagnostics.validate(doc);
  if (result.errors > 0 || !result.config) {
    showProblems(`${path.basename(configPath)} has ${result.errors} problem${result.errors === 1 ? '' : 's'}; fix them to train.`, 'error');
    return undefined;
  }
  const dataFile = dataFileOf(result.config, configPath);
  const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
  if (!dataFile || isInsideAny(dataFile, folders)) return result.config;
  const ok = await vscode.window.showWarningMessage(
    `${path.basename(configPath)} trains on a file outside the workspace:\n${dataFile}`,
    { modal: true, detail: 'SeqLab will read this file. Train only if you expect the config to point there.' },
    'Train Anyway',
  );
  return ok === 'Train Anyway' ? result.config : undefined;
}

/** The settings every planned run takes: the default backend and the diagnostics interval. */
function trainSettings(): TrainSettings {
  const settings = vscode.workspace.getConfiguration();
  return { defaultBackend: settings.get<string>(SETTINGS.defaultBackend, 'config'), diagnosticsInterval: settings.get<number>(SETTINGS.diagnosticsInterval, 0) };
}

/** Why the run cannot be resumed, with the command that does what can be done instead. */
function refuseResume(id: string, title: string, r: Extract<Resumability, { kind: 'notResumable' }>, run: RunSummary | undefined): void {
  const action = r.next === 'repair' ? 'Repair Run' : r.next === 'newRun' && run ? 'Train Again' : undefined;
  void vscode.window.showErrorMessage(`SeqLab: ${resumeRefusal(title, r)}`, ...(action ? [action] : [])).then((a) => {
    if (a === 'Repair Run') void vscode.commands.executeCommand(COMMANDS.repairRun, id);
    else if (a === 'Train Again' && run) void vscode.commands.executeCommand(COMMANDS.train, run.meta.info.configPath);
  });
}

/** What the user should hear before the run resumes (checkResume's warnings: a data file gone or changed); true to go on. */
async function confirmResume(run: RunSummary, title: string, r: Extract<Resumability, { kind: 'resumable' }>): Promise<boolean> {
  const { warnings } = await checkResume(run);
  if (warnings.length > 0) {
    const detail = [...warnings, ...r.notes].join('\n\n');
    return (await vscode.window.showWarningMessage(`Resume ${title} from step ${r.step}?`, { modal: true, detail }, 'Resume')) === 'Resume';
  }
  if (r.notes.length > 0) void vscode.window.showInformationMessage(`SeqLab: resuming ${title} from step ${r.step}: ${r.notes.join('; ')}.`);
  return true;
}

export function trainingCommands(d: CommandDeps): vscode.Disposable[] {
  const { runs, jobs, configs, diagnostics, panels, ui, native } = d;

  /** Validate, confirm data outside the workspace, enqueue. Returns job keys. Train of a config with a sweep queues the sweep's runs. */
  async function startTraining(configPath: string, resume?: { runId: string; title: string; cell: CellKind }): Promise<string[]> {
    if (!gateOk(runs)) return [];
    const config = resume ? undefined : await readyToTrain(diagnostics, configPath);
    if (!resume && !config) return [];
    if (config?.sweep) {
      const sweepJobs = planSweep(configPath, config, trainSettings()).map(({ request }) => jobs.enqueue(request));
      trackSweep(jobs, sweepJobs, `SeqLab: sweep of ${path.basename(configPath)} (${sweepJobs.length} runs)`, configPath);
      return sweepJobs.map((j) => j.key);
    }
    const [planned] = planTraining(configPath, [resume?.cell], trainSettings(), resume);
    const job = jobs.enqueue(planned.request);
    ui.track(job, planned.title);
    return [job.key];
  }

  /** Compare Cells or Compare Attention: one run per variant of the config (comparisonVariants.ts), one notification for all. */
  async function startComparison(configPath: string, kind: ComparisonKind): Promise<string[]> {
    if (!gateOk(runs)) return [];
    const config = await readyToTrain(diagnostics, configPath);
    if (!config) return [];
    const plan = comparisonVariants(config, kind);
    if (plan.kind === 'refused') {
      void vscode.window.showErrorMessage(`SeqLab: ${plan.message}`);
      return [];
    }
    const enqueued = planComparison(configPath, plan.variants, trainSettings(), newSweepId()).map(({ request, title }) => ({ job: jobs.enqueue(request), title }));
    if (enqueued.length > 1) {
      const { title, name } = comparisonTitle(configPath, plan.title);
      ui.trackComparison(enqueued.map((e) => e.job), title, name);
    } else {
      for (const { job, title } of enqueued) ui.track(job, title);
    }
    return enqueued.map((e) => e.job.key);
  }

  /** Starts the comparison, opens it at once (runs queued behind seqlab.maxConcurrentRuns show as queued and join as they start); the run ids. */
  async function compare(arg: unknown, kind: ComparisonKind): Promise<string[]> {
    const configPath = await configPathOf(arg, configs);
    if (!configPath) return [];
    const keys = await startComparison(configPath, kind);
    if (keys.length === 0) return [];
    if (keys.length > 1) panels.openJobs(keys);
    return (await Promise.all(keys.map((k) => jobs.whenStarted(k)))).filter((x): x is string => x !== undefined);
  }

  return [
    vscode.commands.registerCommand(COMMANDS.train, async (arg?: unknown) => {
      const configPath = await configPathOf(arg, configs);
      if (!configPath) return undefined;
      const keys = await startTraining(configPath);
      // a sweep: the ids of its runs as they start; one run: its id
      if (keys.length > 1) return Promise.all(keys.map((k) => jobs.whenStarted(k)));
      return keys[0] ? jobs.whenStarted(keys[0]) : undefined;
    }),

    vscode.commands.registerCommand(COMMANDS.compareCells, (arg?: unknown) => compare(arg, 'cells')),

    vscode.commands.registerCommand(COMMANDS.compareAttention, (arg?: unknown) => compare(arg, 'attention')),

    vscode.commands.registerCommand(COMMANDS.stopRun, async (arg?: unknown) => {
      let id = hasRunArg(arg) ? await runIdOf(arg, runs, '') : undefined;
      if (!id) {
        const active = jobs.active();
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
      if (!id) return;
      await jobs.stop(id);
      await runs.refresh();
    }),

    vscode.commands.registerCommand(COMMANDS.resumeRun, async (arg?: unknown) => {
      const id = await runIdOf(arg, runs, 'Run to resume', resumableIn(runs));
      if (!id) return undefined;
      const run = runs.getRun(id) ?? (await runs.reload(id));
      const dir = run?.dir ?? runs.damaged().find((d) => d.id === id)?.dir;
      if (!dir) {
        void vscode.window.showErrorMessage(`SeqLab: there is no run ${id} in ${runs.runsDir() ?? 'the runs folder'}.`);
        return undefined;
      }
      const title = run ? runTitle(run.meta.info) : titleFromRunId(id);
      // read now, not from the tree's last refresh: a checkpoint may have gone or come since
      const r = await readResumability(dir);
      if (r.kind === 'notResumable') {
        refuseResume(id, title, r, run);
        return undefined;
      }
      // a damaged run is never resumable, so here the run is readable
      if (!run || !(await confirmResume(run, title, r))) return undefined;
      const [key] = await startTraining(run.meta.info.configPath, { runId: run.id, title, cell: run.meta.info.cell });
      return key ? jobs.whenStarted(key) : undefined;
    }),

    vscode.commands.registerCommand(COMMANDS.installNativeBackend, (action?: unknown) => native.command(action === 'install' || action === 'remove' || action === 'status' ? action : undefined)),
  ];
}
