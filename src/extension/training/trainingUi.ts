// What a user sees of a training job: a progress notification with Cancel (one for all the runs of a
// comparison), a status-bar item (click opens the dashboard), the trainer's output in the "SeqLab"
// channel, and a message when it ends, naming the run as a person does ("tiny · LSTM"), not by its id.

import * as vscode from 'vscode';
import { COMMANDS } from '../constants';
import { cellLabel, formatCount, formatLoss } from '../../shared/format';
import { runTitle } from '../runs/runNames';
import { activeRunId, type ActiveRun } from './activeRun';
import { type ComparisonMember, comparisonProgress, comparisonSummary } from './comparisonProgress';
import type { JobOutcome } from './runManager';
import type { TrainingJobs } from './trainingJobs';

/** What the UI follows of the jobs, and Cancel. */
type FollowedJobs = Pick<TrainingJobs, 'active' | 'stop' | 'whenDone' | 'onDidChange' | 'onDidChangeLive' | 'onDidStart' | 'onDidEnd' | 'onLog'>;

export function progressText(job: ActiveRun): string {
  const s = job.state;
  switch (s.kind) {
    case 'queued':
      return 'queued (waiting for a free slot; setting seqlab.maxConcurrentRuns)';
    case 'starting':
      return 'starting…';
    case 'running':
      return `step ${formatCount(s.step)}/${formatCount(s.info.totalSteps)}${s.loss !== undefined ? ` · loss ${formatLoss(s.loss)}` : ''}`;
    case 'stopping':
      return 'stopping…';
  }
}

/** The run's name once its trainer has announced it ("tiny · LSTM"), else its id or the job's key. */
function jobTitle(job: ActiveRun, runId?: string): string {
  const s = job.state;
  const info = s.kind === 'running' || s.kind === 'stopping' ? s.info : undefined;
  return info ? runTitle(info) : runId ?? activeRunId(job) ?? job.key;
}

export class TrainingUi implements vscode.Disposable {
  private readonly items = new Map<string, vscode.StatusBarItem>();
  /** Jobs of a comparison: its one notification follows them, and says how they ended. */
  private readonly grouped = new Set<string>();
  private readonly disposables: vscode.Disposable[];

  constructor(
    private readonly jobs: FollowedJobs,
    readonly output: vscode.OutputChannel,
  ) {
    this.disposables = [
      jobs.onLog(({ job, line }) => output.appendLine(`[${activeRunId(job) ?? job.key}] ${line}`)),
      jobs.onDidStart(({ job, info, runDir }) => {
        output.appendLine(`[${info.id}] started: ${info.name}, ${cellLabel(info.cell)}, ${info.device} → ${runDir}`);
        if (info.backendReason) output.appendLine(`[${info.id}] backend: ${info.backendReason}`);
        this.statusItem(job);
      }),
      jobs.onDidChangeLive(() => this.updateItems()),
      jobs.onDidChange(() => this.updateItems()),
      jobs.onDidEnd(({ job, outcome }) => this.ended(job, outcome)),
    ];
  }

  /** A notification that follows the job until it ends; Cancel stops it. */
  track(job: ActiveRun, title: string): void {
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      const done = this.jobs.whenDone(job.key);
      if (!done) return;
      let reported = 0;
      const update = () => {
        const s = job.state;
        let increment: number | undefined;
        if (s.kind === 'running' && s.info.totalSteps > 0) {
          const pct = (100 * s.step) / s.info.totalSteps;
          increment = Math.max(0, pct - reported);
          reported = pct;
        }
        progress.report({ message: progressText(job), ...(increment && { increment }) });
      };
      update();
      const subs = [this.jobs.onDidChangeLive(update), this.jobs.onDidChange(update), token.onCancellationRequested(() => void this.jobs.stop(activeRunId(job) ?? job.key))];
      try {
        await done;
      } finally {
        subs.forEach((s) => s.dispose());
      }
    });
  }

  /**
   * One notification for the jobs of a comparison: how many have ended, which runs now, which wait; Cancel
   * stops them all. When the last has ended, one message gives each run's result.
   */
  trackComparison(group: readonly ActiveRun[], title: string, name: string): void {
    for (const job of group) this.grouped.add(job.key);
    const outcomes = new Map<string, JobOutcome>();
    const members = (): ComparisonMember[] =>
      group.map((job) => {
        const outcome = outcomes.get(job.key);
        return { label: job.request.cell ? cellLabel(job.request.cell) : jobTitle(job), state: job.state, ...(outcome && { outcome }) };
      });
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      let reported = 0;
      const update = () => {
        const p = comparisonProgress(members());
        const increment = Math.max(0, 100 * p.fraction - reported);
        reported += increment;
        progress.report({ message: p.message, ...(increment > 0 && { increment }) });
      };
      const ended = group.map((job) => this.jobs.whenDone(job.key)?.then((o) => {
        outcomes.set(job.key, o);
        update();
      }));
      update();
      const subs = [
        this.jobs.onDidChangeLive(update),
        this.jobs.onDidChange(update),
        token.onCancellationRequested(() => group.forEach((job) => void this.jobs.stop(activeRunId(job) ?? job.key))),
      ];
      try {
        await Promise.all(ended);
      } finally {
        subs.forEach((s) => s.dispose());
        for (const job of group) this.grouped.delete(job.key);
      }
      const finished = group.flatMap((job) => {
        const o = outcomes.get(job.key);
        return o?.kind === 'finished' ? [o.runId] : [];
      });
      if (finished.length === 0) return;
      const open = 'Open Dashboard';
      void vscode.window.showInformationMessage(comparisonSummary(name, members()), open).then((a) => a && vscode.commands.executeCommand(COMMANDS.openDashboard, finished));
    });
  }

  private statusItem(job: ActiveRun): void {
    const id = activeRunId(job);
    if (!id || this.items.has(job.key)) return;
    const item = vscode.window.createStatusBarItem(`seqlab.run.${job.key}`, vscode.StatusBarAlignment.Left, 10);
    item.name = 'SeqLab training';
    item.command = { command: COMMANDS.openDashboard, title: 'Open Dashboard', arguments: [id] };
    this.items.set(job.key, item);
    this.updateItem(job, item);
    item.show();
  }

  private updateItem(job: ActiveRun, item: vscode.StatusBarItem): void {
    const s = job.state;
    const cell = s.kind === 'running' || s.kind === 'stopping' ? s.info?.cell : job.request.cell;
    item.text = `$(sync~spin) ${cell ? cellLabel(cell) + ' ' : ''}${progressText(job)}`;
    item.tooltip = `SeqLab: ${jobTitle(job)} — click for the dashboard`;
  }

  private updateItems(): void {
    for (const job of this.jobs.active()) {
      const item = this.items.get(job.key);
      if (item) this.updateItem(job, item);
    }
  }

  private ended(job: ActiveRun, outcome: JobOutcome): void {
    this.items.get(job.key)?.dispose();
    this.items.delete(job.key);
    const id = 'runId' in outcome ? outcome.runId : undefined;
    switch (outcome.kind) {
      case 'finished': {
        this.output.appendLine(`[${id}] finished at step ${outcome.step} in ${outcome.seconds.toFixed(1)} s`);
        // a sweep's runs end in one message of the sweep's (sweepProgress.ts)
        if (job.request.sweep) break;
        // a comparison's runs are reported together when the last one ends
        if (this.grouped.has(job.key)) break;
        const val = outcome.bestValidationLoss !== undefined ? `, best validation loss ${formatLoss(outcome.bestValidationLoss)}` : '';
        void vscode.window.showInformationMessage(`SeqLab: ${jobTitle(job, id)} finished${val}.`, 'Open Dashboard').then((a) => a && vscode.commands.executeCommand(COMMANDS.openDashboard, id));
        break;
      }
      case 'failed': {
        for (const line of outcome.stderrTail.slice(-20)) this.output.appendLine(`[${id ?? job.key}] ${line}`);
        this.output.appendLine(`[${id ?? job.key}] failed (${outcome.failure}): ${outcome.message}`);
        const first = outcome.message.split('\n')[0];
        void vscode.window.showErrorMessage(`SeqLab: training ${jobTitle(job, id)} failed — ${first}`, 'Show Log').then((a) => {
          if (a) void vscode.commands.executeCommand(COMMANDS.showLog, id ?? undefined);
        });
        break;
      }
      case 'cancelled':
        this.output.appendLine(`[${id ?? job.key}] stopped at step ${outcome.step}`);
        break;
      case 'interrupted':
      case 'dequeued':
        break;
      default: {
        const never: never = outcome;
        throw new Error(`unexpected outcome ${JSON.stringify(never)}`);
      }
    }
  }

  dispose(): void {
    for (const i of this.items.values()) i.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
