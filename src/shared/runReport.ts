// How a run's plan, its end and its phases read in words: one home for the CLI (`seqlab train`,
// `seqlab show`) and, later, the extension's tree and dashboard. Pure.

import { formatCount } from './format';
import type { PlanSummary, ResourceEstimate, RunEnd, RunPhase } from './metrics';
import type { BaselineVerdict, Standing, Verdict } from './verdict';

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

/** `512 B`, `3.4 MB`, `1.25 GB` (powers of 1024, as memory is sold and reported). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes, u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${units[u]}`;
}

/** "memory ≈ 1.20 GB (model copies 900 MB, activations 200 MB, data 10 MB); checkpoint 300 MB (wasm kernels, 2 threads)". */
export function estimateText(e: ResourceEstimate): string {
  const m = e.memory;
  return `memory ≈ ${formatBytes(m.total)} (model copies ${formatBytes(m.weights + m.gradients + m.optimizer + m.packed)}, ` +
    `activations ${formatBytes(m.activations)}, data ${formatBytes(m.data)}); checkpoint ${formatBytes(e.checkpointBytes)}; ${e.basis}`;
}

/** One line per baseline: where the best and the final validation stand against it. */
export function verdictLines(v: Verdict): string[] {
  switch (v.kind) {
    case 'noValidation':
      return ['no validation split (validationSplit 0): nothing to compare with the baselines'];
    case 'notEvaluated':
      return ['not judged: the run ended before its first validation'];
    case 'noBaselines':
      return ['no baseline to compare with'];
    case 'judged':
      return v.baselines.map(baselineLine);
  }
}

/** Two significant digits, without toPrecision's exponent from 99.95 on (1.0e+2). */
const percent = (x: number): string => (x >= 99.5 ? x.toFixed(0) : x.toPrecision(2));

function baselineLine({ baseline: b, best, final }: BaselineVerdict): string {
  const accuracy = b.metric === 'accuracy';
  const value = (x: number) => (accuracy ? `${(100 * x).toFixed(1)} %` : x.toPrecision(4));
  const standing = (s: Standing) => {
    // a loss many times the baseline's reads better as a ratio than as thousands of per cent
    const how = accuracy
      ? `${s.beats ? 'beats it by' : 'is worse by'} ${(100 * Math.abs(s.value - b.value)).toFixed(1)} points`
      : !s.beats && s.value >= 2 * b.value
        ? `is worse: ${(s.value / b.value).toPrecision(2)}× its ${b.metric}`
        : `${s.beats ? 'beats it by' : 'is worse by'} ${percent(100 * Math.abs(s.relative))} %`;
    const rmse = s.rmse ? `, RMSE ${s.rmse.model.toPrecision(3)} against ${s.rmse.baseline.toPrecision(3)}` : '';
    return `${value(s.value)} at step ${formatCount(s.step)} ${how}${rmse}`;
  };
  const same = best.step === final.step;
  return `${accuracy ? 'accuracy' : 'validation ' + b.metric} against ${b.name ?? b.label} (${value(b.value)}): ` +
    (same ? `best and final ${standing(final)}` : `best ${standing(best)}; final ${standing(final)}`);
}
