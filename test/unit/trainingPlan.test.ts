// How long a run trains, in what order it sees its examples, and at which steps it evaluates,
// samples, snapshots and checkpoints.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyDefaults } from '../../src/shared/configValidation';
import { BUCKET_POOL_BATCHES, bucketedOrder, cadenceOf, epochOrder, trainingPlan } from '../../src/trainer/training/plan';

test('the run ends after `epochs` passes or at maxSteps, whichever comes first; a request can lower maxSteps', () => {
  assert.deepEqual(trainingPlan({ batchSize: 32, epochs: 20, maxSteps: 0 }, 1000), { batchSize: 32, stepsPerEpoch: 31, totalSteps: 620, epochs: 20, maxSteps: 0, maxStepsFrom: 'config', limit: 'epochs' });
  const pick = (p: ReturnType<typeof trainingPlan>) => [p.totalSteps, p.limit, p.maxStepsFrom];
  assert.deepEqual(pick(trainingPlan({ batchSize: 32, epochs: 20, maxSteps: 100 }, 1000)), [100, 'maxSteps', 'config']);
  assert.deepEqual(pick(trainingPlan({ batchSize: 32, epochs: 20, maxSteps: 3000 }, 1000)), [620, 'epochs', 'config'], 'epochs end it first');
  assert.deepEqual(pick(trainingPlan({ batchSize: 32, epochs: 20, maxSteps: 3000 }, 1000, 50)), [50, 'maxSteps', 'override']);
  assert.deepEqual(pick(trainingPlan({ batchSize: 32, epochs: 20, maxSteps: 0 }, 1000, 3000)), [620, 'epochs', 'override'], '--max-steps beyond the epochs');
  assert.deepEqual(pick(trainingPlan({ batchSize: 32, epochs: 20, maxSteps: 0 }, 1000, 620)), [620, 'maxSteps', 'override'], 'a tie goes to maxSteps');
  assert.deepEqual(pick(trainingPlan({ batchSize: 32, epochs: 0, maxSteps: 70 }, 1000)), [70, 'maxSteps', 'config'], 'no epoch bound');
  // fewer examples than a batch: one batch of all of them per epoch
  assert.deepEqual(trainingPlan({ batchSize: 32, epochs: 5, maxSteps: 0 }, 10), { batchSize: 10, stepsPerEpoch: 1, totalSteps: 5, epochs: 5, maxSteps: 0, maxStepsFrom: 'config', limit: 'epochs' });
  assert.equal(trainingPlan({ batchSize: 32, epochs: 5, maxSteps: 0 }, 0).batchSize, 0, 'no examples: nothing to batch (the setup refuses)');
});

test('an epoch\'s order is a permutation fixed by (seed, epoch)', () => {
  const a = epochOrder(7, 2, 50);
  assert.deepEqual([...a].sort((x, y) => x - y), Array.from({ length: 50 }, (_, i) => i));
  assert.deepEqual(epochOrder(7, 2, 50), a);
  assert.notDeepEqual(epochOrder(7, 3, 50), a);
  assert.notDeepEqual(epochOrder(8, 2, 50), a);
});

test('cadence: validation every validateEvery steps and at the last; samples at every fifth validation and the last', () => {
  const config = applyDefaults({
    name: 'x', data: { kind: 'synthetic', task: 'adding' },
    training: { validateEvery: 10, checkpointEvery: 25 }, diagnostics: { every: 4 },
  });
  const c = cadenceOf(config, 57);
  const at = (f: (step: number) => boolean) => Array.from({ length: 57 }, (_, i) => i + 1).filter(f);
  assert.deepEqual(at(c.validate), [10, 20, 30, 40, 50, 57]);
  assert.deepEqual(at(c.sample), [50, 57]);
  assert.deepEqual(at(c.snapshot), [4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 57]);
  assert.deepEqual(at(c.checkpoint), [25, 50]);
  const quiet = cadenceOf({ ...config, training: { ...config.training, checkpointEvery: 0 }, diagnostics: { ...config.diagnostics, enabled: false } }, 57);
  assert.deepEqual(at(quiet.snapshot), []);
  assert.deepEqual(at(quiet.checkpoint), []);
});

test('bucketed order: every example once an epoch, batches of similar length drawn from random pools, the same for the same seed and epoch', () => {
  const n = 3 * 8 * BUCKET_POOL_BATCHES + 13, bs = 8;
  const lengths = Float64Array.from({ length: n }, (_, i) => 1 + ((i * 7919) % 20));
  const order = bucketedOrder(5, 1, lengths, bs);
  assert.deepEqual([...order].sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i), 'a permutation');
  assert.deepEqual(bucketedOrder(5, 1, lengths, bs), order);
  assert.notDeepEqual(bucketedOrder(5, 2, lengths, bs), order);
  const spread = (o: Uint32Array) => {
    let total = 0;
    for (let b = 0; b + bs <= o.length; b += bs) {
      const ls = Array.from(o.subarray(b, b + bs), (i) => lengths[i]);
      total += Math.max(...ls) - Math.min(...ls);
    }
    return total / Math.floor(o.length / bs);
  };
  assert.ok(spread(order) < 1, `lengths within a batch differ by ${spread(order)} on average`);
  assert.ok(spread(epochOrder(5, 1, n)) > 10, 'a plain shuffle mixes lengths');
  // pools are the plain shuffle's: the first pool holds the examples the epoch's shuffle puts first
  const pool = bs * BUCKET_POOL_BATCHES;
  assert.deepEqual([...order.subarray(0, pool)].sort((a, b) => a - b), [...epochOrder(5, 1, n).subarray(0, pool)].sort((a, b) => a - b));
  // and the batches of a pool come in random order, not shortest first
  const firstLengths = Array.from({ length: BUCKET_POOL_BATCHES }, (_, k) => lengths[order[k * bs]]);
  assert.notDeepEqual(firstLengths, [...firstLengths].sort((a, b) => a - b));
});
