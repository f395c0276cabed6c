// AR(p) by least squares with the order chosen by AIC (data/autoregression.ts), against numpy's lstsq on
// an AR(2) series (test/fixtures/autoregression/ar-reference.json: the series, and for horizons 1 and 2
// the AIC of every order and the coefficients of each; generated once by a numpy script, checked by
// hand against the process y_t = 0.6 y_{t−1} − 0.3 y_{t−2} + e_t: one step ahead AR(2) with
// 0.53, −0.32; two steps ahead the implied 0.06 y_t − 0.18 y_{t−1} is fitted as −0.03, −0.22).

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { applyDefaults } from '../../src/shared/configValidation';
import { arForecast, fitAutoregression, type LagWindows } from '../../src/trainer/data/autoregression';
import { loadSyntheticDataset } from '../../src/trainer/data/synthetic';
import { syntheticKind } from '../../src/trainer/training/syntheticEvaluation';

interface Reference {
  series: number[];
  lookback: number;
  cases: { horizon: number; windows: number; p: number; coefficients: number[]; aic: number[] }[];
}
const ref = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../fixtures/autoregression/ar-reference.json'), 'utf8')) as Reference;

const windowsOf = (y: number[], L: number, h: number): LagWindows => ({
  count: y.length - L - h + 1,
  lag: (i, k) => y[i + L - 1 - k],
  target: (i) => y[i + L - 1 + h],
});

test('AR(p) matches numpy least squares: the AIC of every order, the order chosen and its coefficients', () => {
  for (const c of ref.cases) {
    const w = windowsOf(ref.series, ref.lookback, c.horizon);
    assert.equal(w.count, c.windows);
    const fit = fitAutoregression(w, ref.lookback);
    assert.equal(fit.p, c.p, `horizon ${c.horizon}`);
    fit.aic.forEach((a, i) => assert.ok(Math.abs(a - c.aic[i]) < 1e-8, `horizon ${c.horizon}, AIC of AR(${i + 1}): ${a} vs ${c.aic[i]}`));
    Array.from(fit.coefficients).forEach((b, i) => assert.ok(Math.abs(b - c.coefficients[i]) < 1e-10, `coefficient ${i}: ${b} vs ${c.coefficients[i]}`));
  }
});

test('AR recovers an exact linear recurrence and forecasts it; a constant series stays solvable', () => {
  // y_t = 1.5 y_{t−1} − 0.8 y_{t−2} + 0.1: noiseless, so AR(2) is exact
  const y = [1, 0.5];
  for (let t = 2; t < 60; t++) y.push(1.5 * y[t - 1] - 0.8 * y[t - 2] + 0.1);
  const w = windowsOf(y, 4, 1);
  const fit = fitAutoregression(w, 2);
  assert.deepEqual(Array.from(fit.coefficients, (c) => Math.round(c * 1e6) / 1e6), [0.1, 1.5, -0.8]);
  for (let i = 0; i < w.count; i++) assert.ok(Math.abs(arForecast(fit, w, i) - w.target(i)) < 1e-6);
  const flat = fitAutoregression(windowsOf(new Array(30).fill(2), 3, 1), 3);
  assert.ok(Math.abs(arForecast(flat, windowsOf(new Array(30).fill(2), 3, 1), 0) - 2) < 1e-6);
});

test('a synthetic series forecast (Mackey-Glass) is judged against persistence and AR(p) on the validation windows; other tasks keep their baseline', () => {
  const ctx = { batchSize: 16, diagnostics: applyDefaults({ name: 'x', data: { kind: 'synthetic', task: 'adding' } }).diagnostics };
  const mg = loadSyntheticDataset({ kind: 'synthetic', task: 'mackey-glass', length: 20, samples: 400, seed: 3 }, { validationSplit: 0.25 });
  const [persistence, ar] = syntheticKind.baselines!(mg, ctx);
  assert.equal(persistence.name, 'persistence');
  assert.match(ar.name!, /^AR\(\d+\)$/);
  assert.match(persistence.label, /on 96 validation examples/, '100 examples: whole batches of 16');
  // persistence on those windows, recomputed from the batches
  const b = mg.batch('validation', Array.from({ length: 96 }, (_, i) => i));
  let sq = 0;
  for (let i = 0; i < 96; i++) sq += (b.y[i] - b.x[i * 20 + 19]) ** 2;
  assert.ok(Math.abs(persistence.value - sq / 96) < 1e-12);
  assert.ok(ar.value < persistence.value, 'a smooth series is far more predictable linearly than by repeating the last value');
  const adding = loadSyntheticDataset({ kind: 'synthetic', task: 'adding', length: 10, samples: 64, seed: 1 }, { validationSplit: 0.25 });
  assert.deepEqual(syntheticKind.baselines!(adding, ctx), [adding.baseline]);
});
