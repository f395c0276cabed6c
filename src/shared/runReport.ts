// How a run's plan, its end and its phases read in words: one home for the CLI (`seqlab train`,
// `seqlab show`) and, later, the extension's tree and dashboard. Pure.

import { formatCount } from './format';
import type { PlanSummary, RunEnd, RunPhase } from './metrics';

/** "while …": what a run was doing in a phase. */
export const PHASE_DOING: Record<RunPhase, string> = {
  data: 'loading the data',
  backend: 'starting the backend',
  init: 'initialising the weights',
  training: 'training',
  checkpoint: 'writing a checkpoint',
};

const maxStepsName = (from: PlanSummary['maxStepsFrom']): string => (from === 'override' ? '--max-steps' : 'training.maxSteps');

/** "1 380 steps: 20 epochs of 69 (--max-steps 3000 comes later)". */
export function planText(p: PlanSummary): string {
  const steps = `${formatCount(p.totalSteps)} steps`;
  const epochs = `${p.epochs} epoch${p.epochs === 1 ? '' : 's'} of ${formatCount(p.stepsPerEpoch)}`;
  if (p.limit === 'epochs') {
    return `${steps}: ${epochs}` + (p.maxSteps > 0 ? ` (${maxStepsName(p.maxStepsFrom)} ${formatCount(p.maxSteps)} comes later)` : '');
  }
  const limit = `${maxStepsName(p.maxStepsFrom)} ${formatCount(p.maxSteps)}`;
  return p.epochs > 0
    ? `${steps}: ${limit}, before ${epochs} (${formatCount(p.epochs * p.stepsPerEpoch)} steps) would end it`
    : `${steps}: ${limit}`;
}

/** What ended the run: "ended by epochs: 20 epochs done at step 1 380 (--max-steps 3000 not reached)". */
export function endText(end: RunEnd, plan?: PlanSummary): string {
  const at = `step ${formatCount(end.step)}`;
  switch (end.by) {
    case 'epochs':
      return `ended by epochs: ${end.epochs} epoch${end.epochs === 1 ? '' : 's'} done at ${at}` +
        (plan && plan.maxSteps > 0 ? ` (${maxStepsName(plan.maxStepsFrom)} ${formatCount(plan.maxSteps)} not reached)` : '');
    case 'maxSteps':
      return `ended by ${maxStepsName(end.from)} ${formatCount(end.maxSteps)} at ${at}`;
    case 'stop':
      return `stopped on request while ${PHASE_DOING[end.phase]}, at ${at}`;
    case 'divergence':
      return `ended by divergence at ${at}`;
  }
}
