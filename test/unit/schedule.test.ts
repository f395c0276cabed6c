import assert from 'node:assert/strict';
import { test } from 'node:test';
import { learningRateAt } from '../../src/trainer/schedule';

test('constant keeps the learning rate; cosine anneals from learningRate to minLearningRate over the run', () => {
  const constant = { learningRate: 0.002, learningRateSchedule: 'constant' as const, minLearningRate: 0.0001 };
  assert.deepEqual([0, 500, 999].map((s) => learningRateAt(constant, s, 1000)), [0.002, 0.002, 0.002]);
  const cosine = { ...constant, learningRateSchedule: 'cosine' as const };
  assert.equal(learningRateAt(cosine, 0, 1001), 0.002);
  assert.ok(Math.abs(learningRateAt(cosine, 500, 1001) - (0.002 + 0.0001) / 2) < 1e-15, 'half way: the mean');
  assert.ok(Math.abs(learningRateAt(cosine, 1000, 1001) - 0.0001) < 1e-15, 'last step: the minimum');
  const curve = Array.from({ length: 1001 }, (_, s) => learningRateAt(cosine, s, 1001));
  assert.ok(curve.every((lr, i) => i === 0 || lr <= curve[i - 1]), 'never rises');
  // a quarter of the way, cos(π/4): (1 + √2/2)/2 of the range above the minimum
  assert.ok(Math.abs(learningRateAt(cosine, 250, 1001) - (0.0001 + 0.0019 * (1 + Math.SQRT1_2) / 2)) < 1e-15);
  assert.equal(learningRateAt(cosine, 0, 1), 0.002, 'a one-step run uses the full rate');
});
