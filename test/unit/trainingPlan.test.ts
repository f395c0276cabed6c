// How long a run trains, in what order it sees its examples, and at which steps it evaluates,
// samples, snapshots and checkpoints.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyDefaults } from '../../src/shared/configValidation';
import { cadenceOf, epochOrder, trainingPlan } from '../../src/trainer/training/plan';

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
