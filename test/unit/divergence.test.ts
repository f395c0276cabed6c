// The divergence rule (training/divergence.ts) on loss sequences recorded from real runs
// (test/fixtures/divergence): an Adam LSTM on examples/char-lm at learning rate 10 must be stopped with
// the evidence, the same model at 0.001–1 and the gallery's configs in their first 200 steps never.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { Baseline } from '../../src/shared/metrics';
import { TrainError } from '../../src/trainer/errors';
import { ABOVE_BEST, ABOVE_REFERENCE, DivergenceGuard, NEAR_REFERENCE, WINDOW } from '../../src/trainer/training/divergence';

interface Recorded {
  name: string;
  learningRate: number;
  baselines: Baseline[];
  losses: number[];
  diverges: boolean;
}
const fixtures = path.resolve(__dirname, '../fixtures/divergence');
const recorded = (file: string) => (JSON.parse(fs.readFileSync(path.join(fixtures, file), 'utf8')) as { runs: Recorded[] }).runs;

/** Replays the losses through the guard; the step it stopped at and its message, or undefined. */
function replay(r: Recorded): { step: number; message: string } | undefined {
  const guard = new DivergenceGuard({ learningRate: r.learningRate, baselines: r.baselines });
  for (const [i, loss] of r.losses.entries()) {
    try {
      guard.check(i + 1, { loss, gradNorm: 1, clipped: false });
    } catch (e) {
      assert.ok(e instanceof TrainError && e.kind === 'diverged');
      return { step: i + 1, message: e.message };
    }
  }
  return undefined;
}

test('Adam at learning rate 10 on the char LM runs away and is stopped after one window, with the evidence', () => {
  const [lr10] = recorded('char-lm-adam.json').filter((r) => r.diverges);
  // from step 2 on, 90–270 nats per character: 25–70× the loss before training
  assert.ok(lr10.losses.slice(1, WINDOW).every((l) => l > ABOVE_REFERENCE * lr10.losses[0]));
  const stopped = replay(lr10);
  assert.equal(stopped?.step, WINDOW);
  assert.match(stopped!.message, /^Training diverged at step 20: the loss ran away\. Over steps 1–20 its median was 2\d\d, \d\d\.?\d?× the reference 3\.71 \(the largest of the loss before training 3\.71, baseline unigram \(token frequencies, no context\) 2\.93\); the last losses: /);
  assert.match(stopped!.message, /Try a lower learning rate \(now 10\)/);
});

test('the same model at learning rates 0.001 to 1 is never stopped, single spikes of 4–8× included', () => {
  const sane = recorded('char-lm-adam.json').filter((r) => !r.diverges);
  assert.deepEqual(sane.map((r) => r.learningRate), [0.001, 0.003, 0.01, 0.03, 0.1, 1]);
  for (const r of sane) assert.equal(replay(r), undefined, r.name);
  // the transients the window must ride out: one step at 0.1 reaches 4× the reference, at 1 more than 8×
  const peak = (lr: number) => Math.max(...sane.find((r) => r.learningRate === lr)!.losses) / 3.71;
  assert.ok(peak(0.1) > 4 && peak(1) > 8);
});

test('the gallery\'s configs are never stopped in their first 200 steps; the unclipped exploding RNN is, before its loss overflows', () => {
  const runs = recorded('gallery.json');
  assert.equal(runs.length, 18);
  for (const r of runs.filter((x) => !x.diverges)) assert.equal(replay(r), undefined, r.name);
  // the run was stopped at step 20, whose loss is not recorded (a diverging step never is); the 19
  // before it already sit far above the reference
  const [unclipped] = runs.filter((x) => x.diverges);
  assert.match(unclipped.name, /5-exploding-unclipped/);
  assert.equal(unclipped.losses.length, WINDOW - 1);
  const sorted = [...unclipped.losses].sort((a, b) => a - b);
  assert.ok(sorted[WINDOW >> 1] > ABOVE_REFERENCE * unclipped.losses[0]);
});

test('a run that learnt and then blew up by two orders of magnitude is stopped, measured against its best window', () => {
  const losses = [...Array.from({ length: 60 }, (_, i) => 1 / (1 + i)), ...new Array(WINDOW).fill(3)];
  const stopped = replay({ name: 'synthetic', learningRate: 0.1, baselines: [{ value: 5, metric: 'mse', label: 'none' }], losses, diverges: true });
  assert.ok(stopped, 'stopped');
  assert.match(stopped.message, new RegExp(`\\d+× its best median 0\\.0\\d+ \\(steps 41–60\\)`));
  assert.ok(ABOVE_BEST >= 100);
});

test('a loss near zero that wanders by two orders of magnitude is not a runaway while it stays far below the reference', () => {
  // an LSTM on the adding problem (reference 0.18): best median 1.3e-6, then 1.3e-4 for a window
  const losses = [0.18, ...Array.from({ length: 200 }, (_, i) => 0.18 * Math.exp(-i / 15)), ...new Array(WINDOW * 3).fill(1.3e-4)];
  const baselines: Baseline[] = [{ value: 0.0417, metric: 'mse', label: 'predict 0.5' }];
  assert.equal(replay({ name: 'near zero', learningRate: 0.002, baselines, losses, diverges: false }), undefined);
  // the same climb back to the reference's neighbourhood is one
  const back = [...losses.slice(0, 201), ...new Array(WINDOW).fill(NEAR_REFERENCE * 0.18 * 1.1)];
  assert.ok(replay({ name: 'back up', learningRate: 0.002, baselines, losses: back, diverges: true }));
});
