// The learning rate of each optimizer step. `constant` keeps training.learningRate; `cosine` anneals it
// from learningRate at the first step to minLearningRate at the last (Loshchilov & Hutter 2017, one
// cycle, no restarts): the large early steps cover ground, the small late ones settle into a minimum.
// A function of the step alone, so a resumed run continues on the same curve.

import type { TrainingConfig } from '../shared/config';

export function learningRateAt(t: Pick<TrainingConfig, 'learningRate' | 'learningRateSchedule' | 'minLearningRate'>, step: number, totalSteps: number): number {
  if (t.learningRateSchedule === 'constant' || totalSteps <= 1) return t.learningRate;
  const progress = Math.min(1, Math.max(0, step / (totalSteps - 1)));
  return t.learningRate - (t.learningRate - t.minLearningRate) * 0.5 * (1 - Math.cos(Math.PI * progress));
}
