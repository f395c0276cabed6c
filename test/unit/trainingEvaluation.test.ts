// Each data kind's evaluation on a tiny dataset, against a stub model whose outputs the test chooses:
// which validation examples are read, the metrics (accuracy, solved, RMSE in the file's units), the
// forecast arrays, the text samples and the probes.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyDefaults } from '../../src/shared/configValidation';
import type { Backend, Batch, EvalResult, Stepper } from '../../src/trainer/backends/backend';
import { csvDataset } from '../../src/trainer/data/csv';
import { loadSyntheticDataset, type SyntheticDenseDataset, type SyntheticTokenDataset } from '../../src/trainer/data/synthetic';
import { textDataset } from '../../src/trainer/data/text';
import type { ModelSpec } from '../../src/trainer/model';
import { Rng } from '../../src/trainer/rng';
import { csvKind } from '../../src/trainer/training/csvEvaluation';
import { MAX_EVAL_BATCHES, validationBatches, validationBatchesWithRest } from '../../src/trainer/training/evaluation';
import { syntheticKind } from '../../src/trainer/training/syntheticEvaluation';
import { textKind } from '../../src/trainer/training/textEvaluation';

const diagnostics = applyDefaults({ name: 'x', data: { kind: 'synthetic', task: 'adding' } }).diagnostics;
const ctx = (batchSize: number, over: Partial<typeof diagnostics> = {}) => ({ batchSize, diagnostics: { ...diagnostics, ...over } });

/** A model that answers `evaluate` (and `stepper`) as the test says; evaluation needs nothing else. */
function stub(evaluate: (batch: Batch) => EvalResult, stepper?: () => Stepper): Backend {
  const unused = (): never => {
    throw new Error('not used by an evaluation');
  };
  return {
    name: 'stub', device: 'stub', spec: {} as ModelSpec, paramCount: 0,
    getParams: unused, setParams: unused, getOptimizerState: unused, setOptimizerState: unused, trainStep: unused, diagnose: unused,
    evaluate, stepper: stepper ?? unused, dispose: async () => {},
  };
}

const close = (a: number, b: number, tol = 1e-4) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

test('validation batches: at most 64 batches of min(batch, n) consecutive examples, spread over the split, none twice', () => {
  assert.deepEqual(validationBatches(0, 8), []);
  assert.deepEqual(validationBatches(3, 8), [[0, 1, 2]]);
  assert.deepEqual(validationBatches(10, 4), [[0, 1, 2, 3], [4, 5, 6, 7]]);
  const many = validationBatches(5000, 10);
  assert.equal(many.length, MAX_EVAL_BATCHES);
  const all = many.flat();
  assert.equal(new Set(all).size, all.length);
  assert.ok(all.every((i) => i >= 0 && i < 5000));
  assert.ok(all.at(-1)! > 4000, `the last batch reaches the end of the split (${all.at(-1)})`);
});

test('validation batches with the rest: a split that fits in 64 batches is read whole, the rest as one shorter batch; a larger one is sampled as before', () => {
  assert.deepEqual(validationBatchesWithRest(30, 16), [Array.from({ length: 16 }, (_, i) => i), Array.from({ length: 14 }, (_, i) => 16 + i)]);
  assert.deepEqual(validationBatchesWithRest(10, 4), [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
  assert.deepEqual(validationBatchesWithRest(8, 4), [[0, 1, 2, 3], [4, 5, 6, 7]], 'no empty batch');
  assert.deepEqual(validationBatchesWithRest(3, 8), [[0, 1, 2]]);
  assert.deepEqual(validationBatchesWithRest(0, 8), []);
  assert.deepEqual(validationBatchesWithRest(5000, 10), validationBatches(5000, 10), 'spread batches leave gaps: no rest added');
  const edge = validationBatchesWithRest(64 * 10 + 7, 10);
  assert.equal(edge.flat().length, 647, '64 whole batches read from the start: the 7 after them too');
});

test('validation batches up to a larger cap: 100 batches of 10 read 1000 examples from the start; the rest joins when the cap covers the split', () => {
  const capped = validationBatches(5000, 10, 100);
  assert.equal(capped.length, 100);
  assert.equal(new Set(capped.flat()).size, 1000);
  const whole = validationBatchesWithRest(1007, 10, 101);
  assert.deepEqual(whole.flat(), Array.from({ length: 1007 }, (_, i) => i), 'every example once, in order');
  assert.equal(validationBatchesWithRest(1007, 10).flat().length, 640, 'the default cap is still 64 batches');
});

test('CSV: RMSE pools every target in its own units; the forecast snapshot is in the file\'s units', () => {
  // v = 10 + i and w = 100 i; 40 rows, the last 10 validate: 7 windows of lookback 3, horizon 1
  const rows = ['v,w', ...Array.from({ length: 40 }, (_, i) => `${10 + i},${100 * i}`)];
  const data = csvDataset(rows.join('\n'), { targets: ['v', 'w'], features: [], dateColumns: [], dateHandling: 'ignore', lookback: 3, horizon: 1, missing: 'error', delimiter: ',' }, { validationSplit: 0.25 });
  assert.equal(data.validationSize, 7);
  // the model predicts z = 0, the training mean, for both targets; its loss is the batch's MSE in z units
  const model = stub((b) => ({ loss: Array.from(b.y).reduce((s, v) => s + v * v, 0) / b.y.length, correct: 0, positions: 0, outputs: new Float32Array(b.y.length) }));
  const evaluation = csvKind.evaluation(data, model, ctx(3));
  const m = evaluation.metrics()!;
  assert.deepEqual(Object.keys(m), ['loss', 'rmse']);
  // batches of 3 read windows 0..5; window i's target is row 33 + i
  const meanV = 10 + 14.5, meanW = 100 * 14.5;
  let sq = 0;
  for (let i = 0; i < 6; i++) sq += (10 + 33 + i - meanV) ** 2 + (100 * (33 + i) - meanW) ** 2;
  close(m.rmse!, Math.sqrt(sq / 12));
  const zv = (i: number) => (10 + 33 + i - meanV) / data.scaling.targetStd[0], zw = (i: number) => (100 * (33 + i) - meanW) / data.scaling.targetStd[1];
  const batchLoss = (from: number) => [0, 1, 2].reduce((s, k) => s + zv(from + k) ** 2 + zw(from + k) ** 2, 0) / 6;
  close(m.loss, (batchLoss(0) + batchLoss(3)) / 2);

  const arrays = evaluation.snapshotArrays();
  assert.deepEqual(Object.keys(arrays), ['forecast.pred', 'forecast.actual', 'forecast.baseline', 'forecast.ar']);
  assert.deepEqual(arrays['forecast.actual'].shape, [7]);
  // the baselines on the same windows, in the file's units: persistence repeats row 32 + i; AR(p) continues v's straight line
  Array.from(arrays['forecast.baseline'].data).forEach((v, i) => close(v, 42 + i));
  Array.from(arrays['forecast.ar'].data).forEach((v, i) => close(v, 43 + i));
  Array.from(arrays['forecast.actual'].data).forEach((v, i) => close(v, 43 + i));
  Array.from(arrays['forecast.pred'].data).forEach((v) => close(v, meanV));
  assert.deepEqual(evaluation.samples(7, new Rng(1)), []);

  const probe = csvKind.probe(data, { validationIndex: 99 })!;
  assert.deepEqual(probe.tokens, ['1', '2', '3']);
  assert.deepEqual(Array.from(probe.batch.y), Array.from(data.batch('validation', [6]).y), 'the index is clamped to the last example');

  const unsplit = csvDataset(rows.join('\n'), { targets: ['v'], features: [], dateColumns: [], dateHandling: 'ignore', lookback: 3, horizon: 1, missing: 'error', delimiter: ',' }, { validationSplit: 0 });
  const none = csvKind.evaluation(unsplit, model, ctx(3));
  assert.equal(none.metrics(), undefined, 'no validation split: no metrics');
  assert.deepEqual(none.snapshotArrays(), {});
  assert.equal(csvKind.probe(unsplit, {}), undefined);
});

const synthetic = (task: 'adding' | 'sine' | 'temporal-order', samples: number) =>
  loadSyntheticDataset({ kind: 'synthetic', task, length: 12, samples, seed: 3 }, { validationSplit: 0.5 });

test('adding: the solved fraction uses the task\'s own criterion; forecasts are the raw values', () => {
  const data = synthetic('adding', 40) as SyntheticDenseDataset;
  // every other prediction is within 0.04 of the target
  const model = stub((b) => ({
    loss: 0.5 * (0.01 ** 2 + 0.1 ** 2), correct: 0, positions: 0,
    outputs: Float32Array.from(b.y, (y: number, i: number) => y + (i % 2 === 0 ? 0.01 : 0.1)),
  }));
  const evaluation = syntheticKind.evaluation(data, model, ctx(10));
  const m = evaluation.metrics()!;
  assert.deepEqual(Object.keys(m), ['loss', 'solved']);
  assert.equal(m.solved, 0.5);
  const arrays = evaluation.snapshotArrays();
  const y = data.batch('validation', Array.from({ length: 20 }, (_, i) => i)).y;
  assert.deepEqual(Array.from(arrays['forecast.actual'].data), Array.from(y));
  arrays['forecast.pred'].data.forEach((v, i) => close(v, y[i] + (i % 2 === 0 ? 0.01 : 0.1), 1e-6));

  const sine = synthetic('sine', 40) as SyntheticDenseDataset;
  assert.deepEqual(Object.keys(syntheticKind.evaluation(sine, model, ctx(10)).metrics()!), ['loss'], 'sine states no criterion');
  assert.deepEqual(syntheticKind.probe(sine, {})!.tokens, Array.from({ length: 12 }, (_, t) => String(t + 1)));
});

test('a token task: accuracy from the model\'s counts, no forecast, the probe labelled with its symbols', () => {
  const data = synthetic('temporal-order', 64) as SyntheticTokenDataset;
  // the model is right exactly on the examples of class 0
  const model = stub((b) => ({ loss: 1, correct: Array.from(b.y).filter((c) => c === 0).length, positions: b.size, outputs: new Float32Array(b.size * 4) }));
  const evaluation = syntheticKind.evaluation(data, model, ctx(8));
  const m = evaluation.metrics()!;
  assert.deepEqual(Object.keys(m), ['loss', 'accuracy']);
  const y = data.batch('validation', validationBatches(data.validationSize, 8).flat()).y;
  assert.equal(m.accuracy, y.filter((c) => c === 0).length / y.length);
  assert.deepEqual(evaluation.snapshotArrays(), {});
  const probe = syntheticKind.probe(data, { validationIndex: 2 })!;
  assert.equal(probe.tokens.join(''), data.decode(data.batch('validation', [2]).x));
  assert.equal(probe.tokens[0], 'B');
});

test('text: accuracy, samples primed by the prompt (never drawing <unk>), and the prompt as probe', () => {
  const data = textDataset('abcab cabca bcabc '.repeat(10), { level: 'char', lowercase: false }, { validationSplit: 0.2, sequenceLength: 4 });
  const id = (c: string) => data.vocabulary.indexOf(c);
  // the stepper puts most mass on <unk> and the rest on 'c': at temperature 0 the sample is all 'c'
  const probs = new Float32Array(data.vocabulary.length);
  probs[0] = 0.9;
  probs[id('c')] = 0.1;
  const fed: number[] = [];
  const stepper = (): Stepper => ({ reset: () => (fed.length = 0), step: (token) => (fed.push(token), probs) });
  const model = stub((b) => ({ loss: 2, correct: 1, positions: b.y.length, outputs: new Float32Array(0) }), stepper);

  const evaluation = textKind.evaluation(data, model, ctx(4, { probe: { text: 'abc' }, sampleTemperatures: [0, 0], sampleLength: 5 }));
  const m = evaluation.metrics()!;
  assert.deepEqual(m, { loss: 2, accuracy: 1 / 16 });
  const samples = evaluation.samples(10, new Rng(1));
  assert.deepEqual(samples, [0, 0].map((temperature) => ({ kind: 'sample', step: 10, temperature, prime: 'abc', text: 'ccccc' })));
  assert.deepEqual(fed.slice(0, 3), [id('a'), id('b'), id('c')], 'the prime is fed first');

  // without a prompt, the prime is the first 8 characters of the first validation window (4 long)
  const plain = textKind.evaluation(data, model, ctx(4, { sampleTemperatures: [0] })).samples(1, new Rng(1));
  assert.equal(plain[0].prime, data.decode(data.batch('validation', [0]).x));

  const probe = textKind.probe(data, { text: 'abca' })!;
  assert.deepEqual(probe.tokens, ['a', 'b', 'c']);
  assert.deepEqual(Array.from(probe.batch.x), [id('a'), id('b'), id('c')]);
  assert.deepEqual(Array.from(probe.batch.y), [id('b'), id('c'), id('a')]);
  const fallback = textKind.probe(data, { text: 'a', validationIndex: 1 })!;
  assert.equal(fallback.tokens.join(''), data.decode(data.batch('validation', [1]).x), 'a one-token prompt cannot predict itself');
});
