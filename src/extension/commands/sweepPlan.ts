// Train on a config with a sweep: one job per run of the sweep, all with one sweep id, queued together
// behind seqlab.maxConcurrentRuns, and what the sweep's one progress notification says. Pure.

import * as path from 'node:path';
import type { ExperimentConfig } from '../../shared/config';
import { newSweepId, sweepRuns } from '../../shared/sweep';
import { sweepPointsOf } from '../../shared/sweepSettings';
import { type PlannedJob, planTraining, type TrainSettings } from './commandArgs';

export function planSweep(configPath: string, config: ExperimentConfig, settings: TrainSettings, sweepId = newSweepId()): PlannedJob[] {
  const [base] = planTraining(configPath, [undefined], settings);
  const name = path.basename(configPath).replace(/\.seqlab\.json$/i, '');
  return sweepRuns(sweepId, sweepPointsOf(config)).map((run) => ({
    request: { ...base.request, sweep: run },
    title: `SeqLab: ${name} sweep · ${run.label}`,
  }));
}

/** Where a sweep's jobs stand, each as its state or outcome. */
export type SweepJobState = 'queued' | 'running' | 'finished' | 'failed' | 'stopped';

/** "2 of 4 done · running lr 0.003 · hidden 128 (step 30/100) · 1 failed". */
export function sweepProgressText(jobs: readonly { state: SweepJobState; label: string; step?: number; totalSteps?: number }[]): string {
  const count = (s: SweepJobState) => jobs.filter((j) => j.state === s).length;
  const done = count('finished') + count('failed') + count('stopped');
  const running = jobs.filter((j) => j.state === 'running').map((j) => (j.step !== undefined && j.totalSteps ? `${j.label} (step ${j.step}/${j.totalSteps})` : j.label));
  const parts = [`${done} of ${jobs.length} done`];
  if (running.length > 0) parts.push(`running ${running.join(', ')}`);
  if (count('queued') > 0) parts.push(`${count('queued')} queued`);
  if (count('failed') > 0) parts.push(`${count('failed')} failed`);
  if (count('stopped') > 0) parts.push(`${count('stopped')} stopped`);
  return parts.join(' · ');
}
