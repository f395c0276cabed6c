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

const epochSeed = (seed: number, epoch: number) => (Math.imul(seed, 0x9e3779b1) ^ Math.imul(epoch + 1, 0x85ebca6b)) >>> 0;

/** The order of epoch `epoch`'s training examples: a function of (seed, epoch) alone, so a resumed run continues the same order. */
export function epochOrder(seed: number, epoch: number, trainSize: number): Uint32Array {
  return new Rng(epochSeed(seed, epoch)).permutation(trainSize);
}

/** Batches per pool that bucketing sorts by length (torchtext's BucketIterator pools 100). */
export const BUCKET_POOL_BATCHES = 50;

/**
 * epochOrder with batches of similar lengths (training.bucketByLength, for examples of varying length): the epoch's
 * permutation cut into pools of BUCKET_POOL_BATCHES batches, each pool sorted by `lengthOf` (ties keep the shuffled
 * order) and cut into batches, the pool's whole batches then shuffled among themselves. Every example still comes
 * once per epoch, the pools are random, and a function of (seed, epoch) alone as epochOrder is.
 */
export function bucketedOrder(seed: number, epoch: number, lengthOf: ArrayLike<number>, batchSize: number): Uint32Array {
  const order = epochOrder(seed, epoch, lengthOf.length);
  const rng = new Rng((epochSeed(seed, epoch) ^ 0x5bd1e995) >>> 0);
  const out = new Uint32Array(order.length);
  const pool = batchSize * BUCKET_POOL_BATCHES;
  for (let from = 0; from < order.length; from += pool) {
    const sorted = Array.from(order.subarray(from, Math.min(from + pool, order.length))).sort((a, b) => lengthOf[a] - lengthOf[b]);
    const whole = Math.floor(sorted.length / batchSize);
    const batches = rng.permutation(whole);
    let at = from;
    for (const b of batches) for (let i = 0; i < batchSize; i++) out[at++] = sorted[b * batchSize + i];
    for (let i = whole * batchSize; i < sorted.length; i++) out[at++] = sorted[i];
  }
  return out;
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
