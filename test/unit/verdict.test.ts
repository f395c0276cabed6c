// The verdict against the baselines (src/shared/verdict.ts) and how a run's plan, end and verdict
// read (src/shared/runReport.ts): pure functions of records.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Baseline, EvalRecord } from '../../src/shared/metrics';
import { endText, planText, verdictLines } from '../../src/shared/runReport';
import { bestAndFinal, verdictOf } from '../../src/shared/verdict';

const ev = (step: number, loss: number, more: Partial<EvalRecord> = {}): EvalRecord => ({ kind: 'eval', step, epoch: 0, time: step, loss, ...more });
const persistence: Baseline = { value: 0.1, metric: 'mse', name: 'persistence', label: 'persistence (…)', rmse: 2.5 };
const ar: Baseline = { value: 0.09, metric: 'mse', name: 'AR(7)', label: 'AR(7) (…)', rmse: 2.2 };
const chance: Baseline = { value: 0.25, metric: 'accuracy', label: 'chance (4 classes)' };

test('best and final against each baseline: a forecast whose best beats persistence by 5 % and whose final is worse', () => {
  const evals = [ev(100, 0.2, { rmse: 3 }), ev(200, 0.095, { rmse: 2.4 }), ev(300, 0.105, { rmse: 2.6 })];
  const { best, final } = bestAndFinal(evals);
  assert.deepEqual([best?.step, final?.step], [200, 300]);
  const v = verdictOf([persistence, ar], best, final, 500);
  assert.equal(v.kind, 'judged');
  assert.ok(v.kind === 'judged');
  const [p, a] = v.baselines;
  assert.deepEqual([p.best.beats, p.final.beats, a.best.beats, a.final.beats], [true, false, false, false]);
  assert.ok(Math.abs(p.best.relative - 0.05) < 1e-12);
  assert.ok(Math.abs(p.final.relative + 0.05) < 1e-12);
  assert.deepEqual(p.best.rmse, { model: 2.4, baseline: 2.5 });
  assert.deepEqual(verdictLines(v), [
    'validation mse against persistence (0.1000): best 0.09500 at step 200 beats it by 5.0 %, RMSE 2.40 against 2.50; final 0.1050 at step 300 is worse by 5.0 %, RMSE 2.60 against 2.50',
    'validation mse against AR(7) (0.09000): best 0.09500 at step 200 is worse by 5.6 %, RMSE 2.40 against 2.20; final 0.1050 at step 300 is worse by 17 %, RMSE 2.60 against 2.20',
  ]);
});

test('accuracy baselines compare accuracies in points; a loss far above its baseline reads as a ratio', () => {
  const v = verdictOf([chance, { value: 0.01, metric: 'xent', label: 'optimum' }], ev(50, 0.9, { accuracy: 0.2 }), ev(50, 0.9, { accuracy: 0.2 }), 64);
  assert.deepEqual(verdictLines(v), [
    'accuracy against chance (4 classes) (25.0 %): best and final 20.0 % at step 50 is worse by 5.0 points',
    'validation xent against optimum (0.01000): best and final 0.9000 at step 50 is worse: 90× its xent',
  ]);
});

test('no validation split, no evaluation yet, no usable baseline, and older records with a null loss', () => {
  assert.deepEqual(verdictOf([persistence], undefined, undefined, 0), { kind: 'noValidation' });
  assert.deepEqual(verdictLines({ kind: 'noValidation' }), ['no validation split (validationSplit 0): nothing to compare with the baselines']);
  assert.deepEqual(verdictOf([persistence], undefined, undefined, 30), { kind: 'notEvaluated' });
  assert.deepEqual(verdictOf([chance], ev(5, 1), ev(5, 1), 30), { kind: 'noBaselines' }, 'an accuracy baseline needs an accuracy');
  // runs before there were verdicts recorded NaN (null in JSON) without a validation split
  assert.deepEqual(bestAndFinal([ev(5, null as unknown as number), ev(10, NaN)]), {});
});

test('the plan and what ended the run, in words', () => {
  const plan = { totalSteps: 1380, stepsPerEpoch: 69, epochs: 20, maxSteps: 3000, maxStepsFrom: 'override' as const, limit: 'epochs' as const };
  assert.equal(planText(plan), '1 380 steps: 20 epochs of 69 (--max-steps 3 000 comes later)');
  assert.equal(endText({ by: 'epochs', step: 1380, epochs: 20 }, plan), 'ended by epochs: 20 epochs done at step 1 380 (--max-steps 3 000 not reached)');
  assert.equal(planText({ ...plan, totalSteps: 500, maxSteps: 500, maxStepsFrom: 'config', limit: 'maxSteps' }), '500 steps: training.maxSteps 500, before 20 epochs of 69 (1 380 steps) would end it');
  assert.equal(endText({ by: 'stop', step: 0, phase: 'init' }), 'stopped on request while initialising the weights, at step 0');
  assert.equal(endText({ by: 'divergence', step: 20 }), 'ended by divergence at step 20');
});
