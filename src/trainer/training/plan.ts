// How long a run trains and in what order it sees its examples: pure functions of the config and
// the number of training examples, so a resumed run follows the same plan.

import type { ExperimentConfig, TrainingConfig } from '../../shared/config';
import type { PlanSummary } from '../../shared/metrics';
import { Rng } from '../rng';

/** Where the run ends: `epochs` passes over the data, or `maxSteps` when that comes first (0 = no bound). */
export interface TrainingPlan extends PlanSummary {
  /** Examples per step: training.batchSize, or all training examples when there are fewer. */
  batchSize: number;
}

export function trainingPlan(t: Pick<TrainingConfig, 'batchSize' | 'epochs' | 'maxSteps'>, trainSize: number, maxStepsOverride?: number): TrainingPlan {
  const batchSize = Math.min(t.batchSize, trainSize);
  const stepsPerEpoch = Math.max(1, Math.floor(trainSize / batchSize));
  const maxSteps = maxStepsOverride ?? t.maxSteps;
  const epochSteps = t.epochs * stepsPerEpoch;
  const limit = maxSteps > 0 && (epochSteps === 0 || maxSteps <= epochSteps) ? 'maxSteps' : 'epochs';
  const totalSteps = limit === 'maxSteps' ? maxSteps : epochSteps;
  return { batchSize, stepsPerEpoch, totalSteps, epochs: t.epochs, maxSteps, maxStepsFrom: maxStepsOverride !== undefined ? 'override' : 'config', limit };
}

/** The order of epoch `epoch`'s training examples: a function of (seed, epoch) alone, so a resumed run continues the same order. */
export function epochOrder(seed: number, epoch: number, trainSize: number): Uint32Array {
  return new Rng((Math.imul(seed, 0x9e3779b1) ^ Math.imul(epoch + 1, 0x85ebca6b)) >>> 0).permutation(trainSize);
}

/** At which steps the loop evaluates, samples, snapshots and checkpoints (steps count from 1). */
export interface Cadence {
  validate(step: number): boolean;
  /** At an evaluation: also write samples. */
  sample(step: number): boolean;
  snapshot(step: number): boolean;
  checkpoint(step: number): boolean;
}

export function cadenceOf(config: ExperimentConfig, totalSteps: number): Cadence {
  const t = config.training, d = config.diagnostics;
  const last = (step: number) => step === totalSteps;
  return {
    validate: (step) => step % t.validateEvery === 0 || last(step),
    sample: (step) => last(step) || step % (t.validateEvery * 5) === 0,
    snapshot: (step) => d.enabled && (step % d.every === 0 || last(step)),
    checkpoint: (step) => t.checkpointEvery > 0 && step % t.checkpointEvery === 0,
  };
}
