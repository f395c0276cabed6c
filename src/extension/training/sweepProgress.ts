// A sweep's one progress notification (instead of one per run): how many runs are done, which run, at
// which step, how many wait in the queue; Cancel stops every run of the sweep that has not ended. When
// the last run ends, one message names the config and the best run and offers the runs table and the dashboard.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatLoss } from '../../shared/format';
import { configBaseName } from '../../shared/runNames';
import { MAX_DASHBOARD_RUNS } from '../../shared/runsTableProtocol';
import { COMMANDS } from '../constants';
import { type SweepJobState, sweepProgressText } from '../commands/sweepPlan';
import { activeRunId, type ActiveRun } from './activeRun';
import type { JobOutcome } from './runManager';
import type { TrainingJobs } from './trainingJobs';

type FollowedJobs = Pick<TrainingJobs, 'whenDone' | 'stop' | 'onDidChange' | 'onDidChangeLive'>;

function stateOf(job: ActiveRun, outcome: JobOutcome | undefined): SweepJobState {
  if (outcome) return outcome.kind === 'finished' ? 'finished' : outcome.kind === 'failed' ? 'failed' : 'stopped';
  return job.state.kind === 'queued' ? 'queued' : 'running';
}

export function trackSweep(jobs: FollowedJobs, sweepJobs: readonly ActiveRun[], title: string, configPath: string): void {
  const outcomes = new Map<string, JobOutcome>();
  void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    const update = () => {
      const states = sweepJobs.map((job) => {
        const s = job.state;
        const running = s.kind === 'running' ? { step: s.step, totalSteps: s.info.totalSteps } : {};
        return { state: stateOf(job, outcomes.get(job.key)), label: job.request.sweep?.label ?? job.key, ...running };
      });
      progress.report({ message: sweepProgressText(states) });
    };
    const done = sweepJobs.map(async (job) => {
      const outcome = (await jobs.whenDone(job.key)) ?? { kind: 'dequeued' as const };
      outcomes.set(job.key, outcome);
      progress.report({ increment: 100 / sweepJobs.length });
      update();
    });
    update();
    const subs = [
      jobs.onDidChange(update),
      jobs.onDidChangeLive(update),
      token.onCancellationRequested(() => {
        for (const job of sweepJobs) if (!outcomes.has(job.key)) void jobs.stop(activeRunId(job) ?? job.key);
      }),
    ];
    try {
      await Promise.all(done);
    } finally {
      subs.forEach((s) => s.dispose());
    }
  }).then(() => ended(sweepJobs, outcomes, configPath));
}

function ended(sweepJobs: readonly ActiveRun[], outcomes: Map<string, JobOutcome>, configPath: string): void {
  const finished = sweepJobs.flatMap((job) => {
    const o = outcomes.get(job.key);
    return o?.kind === 'finished' ? [{ label: job.request.sweep?.label ?? o.runId, runId: o.runId, loss: o.bestValidationLoss }] : [];
  });
  const best = finished.filter((f) => f.loss !== undefined).sort((a, b) => a.loss! - b.loss!)[0];
  const failed = sweepJobs.filter((job) => outcomes.get(job.key)?.kind === 'failed').length;
  const name = configBaseName(path.basename(configPath).replace(/\.seqlab\.json$/i, ''));
  const text = `SeqLab: sweep of ${name} finished, ${finished.length} of ${sweepJobs.length} runs trained${failed ? ` (${failed} failed)` : ''}` +
    (best ? `; best ${best.label} (val ${formatLoss(best.loss)})` : '') + '.';
  void vscode.window.showInformationMessage(text, 'Runs Table', 'Dashboard').then((action) => {
    if (action === 'Runs Table') void vscode.commands.executeCommand(COMMANDS.openRunsTable, configPath);
    if (action === 'Dashboard' && finished.length > 0) void vscode.commands.executeCommand(COMMANDS.openDashboard, finished.slice(0, MAX_DASHBOARD_RUNS).map((f) => f.runId));
  });
}
