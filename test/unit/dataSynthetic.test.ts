import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SyntheticDataConfig, SyntheticTask } from '../../src/shared/config';
import { DataError, loadDataset } from '../../src/trainer/data';
import {
  COPY_DELIMITER, loadSyntheticDataset, solved, TEMPORAL_ORDER_VOCABULARY,
  type SyntheticDataset, type SyntheticDenseDataset, type SyntheticTokenDataset,
} from '../../src/trainer/data/synthetic';

const make = (task: SyntheticTask, length: number, samples = 200, seed = 7, validationSplit = 0.1): SyntheticDataset =>
  loadSyntheticDataset({ kind: 'synthetic', task, length, samples, seed }, { validationSplit });
/** A token task (copy, temporal order, Reber): its batches are Int32Array and it decodes. */
const tokenTask = (...args: Parameters<typeof make>): SyntheticTokenDataset => {
  const ds = make(...args);
  if (ds.input !== 'tokens') throw new Error(`${args[0]} has ${ds.input} input`);
  return ds;
};
/** A dense task (adding, sine, Mackey-Glass): its batches are Float32Array. */
const denseTask = (...args: Parameters<typeof make>): SyntheticDenseDataset => {
  const ds = make(...args);
  if (ds.input !== 'dense') throw new Error(`${args[0]} has ${ds.input} input`);
  return ds;
};
const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);

test('adding: two markers where the paper puts them, target 0.5 + (X1 + X2)/4', () => {
  const T = 40;
  const ds = make('adding', T, 500);
  assert.deepEqual([ds.input, ds.inputSize, ds.outputSize, ds.head, ds.loss, ds.steps], ['dense', 2, 1, 'last', 'mse', T]);
  const { x, y } = ds.batch('train', range(500));
  assert.ok(x instanceof Float32Array && y instanceof Float32Array);
  assert.equal(x.length, 500 * T * 2);
  assert.equal(y.length, 500);
  for (let b = 0; b < 500; b++) {
    const marked: number[] = [];
    for (let t = 0; t < T; t++) {
      const value = x[(b * T + t) * 2], marker = x[(b * T + t) * 2 + 1];
      assert.ok(value >= -1 && value <= 1);
      assert.ok(marker === 0 || marker === 1);
      if (marker === 1) marked.push(t);
    }
    assert.equal(marked.length, 2, `example ${b} has two markers`);
    assert.ok(marked[0] < 10 || marked[1] < 10, 'one marker in the first 10 steps');
    assert.ok(marked.some((t) => t < T / 2 - 1 && marked.every((u) => u === t || u < 10)), 'the other in the first T/2 − 1');
    const sum = marked.reduce((s, t) => s + x[(b * T + t) * 2], 0);
    assert.ok(Math.abs(y[b] - (0.5 + sum / 4)) < 1e-6);
  }
});

test('adding: predicting 0.5 scores MSE ≈ 1/24 over 20 000 examples, and solved() is |err| < 0.04', () => {
  const ds = denseTask('adding', 20, 20_000);
  const y = ds.batch('train', range(20_000)).y;
  const mse = y.reduce((s, v) => s + (v - 0.5) ** 2, 0) / y.length;
  assert.ok(Math.abs(mse - 1 / 24) < 0.05 / 24, `MSE ${mse}`);
  assert.equal(ds.baseline.value, 1 / 24);
  assert.match(ds.baseline.label, /predict 0\.5 \(Hochreiter & Schmidhuber 1997\)/);
  assert.ok(solved(0.53, 0.5) && !solved(0.545, 0.5) && solved(0.47, 0.5));
  // the criterion travels with the task, for the `solved` metric; tasks without one have none
  assert.equal(ds.isSolved, solved);
  assert.equal(denseTask('sine', 20).isSolved, undefined);
});

test('copy: 10 symbols, T − 1 blanks, a delimiter, 10 blanks; targets reproduce the symbols at the end', () => {
  const T = 30, L = T + 20;
  const ds = tokenTask('copy', T, 300);
  assert.deepEqual([ds.input, ds.inputSize, ds.outputSize, ds.head, ds.loss, ds.steps], ['tokens', 10, 10, 'every', 'xent', L]);
  const { x, y } = ds.batch('validation', range(ds.validationSize));
  assert.ok(x instanceof Int32Array && y instanceof Int32Array);
  for (let b = 0; b < ds.validationSize; b++) {
    const xs: number[] = Array.from(x.subarray(b * L, (b + 1) * L)), ys: number[] = Array.from(y.subarray(b * L, (b + 1) * L));
    const symbols = xs.slice(0, 10);
    assert.ok(symbols.every((s) => s >= 1 && s <= 8));
    assert.deepEqual(xs.slice(10), [...Array(T - 1).fill(0), COPY_DELIMITER, ...Array(10).fill(0)]);
    assert.deepEqual(ys, [...Array(T + 10).fill(0), ...symbols]);
  }
  assert.ok(Math.abs(ds.baseline.value - (10 * Math.log(8)) / (T + 20)) < 1e-12);
  assert.equal(ds.decode(x.subarray(0, 12)).length, 12);
});

test('temporal order: X/Y at the documented positions, label = class of the pair, classes balanced', () => {
  const T = 100;
  const ds = tokenTask('temporal-order', T, 4000);
  assert.deepEqual([ds.input, ds.inputSize, ds.outputSize, ds.head, ds.loss], ['tokens', 8, 4, 'last', 'xent']);
  assert.deepEqual(ds.outputNames, ['XX', 'XY', 'YX', 'YY']);
  const { x, y } = ds.batch('train', range(4000));
  assert.equal(y.length, 4000);
  const counts = [0, 0, 0, 0];
  for (let b = 0; b < 4000; b++) {
    const s = ds.decode(x.subarray(b * T, (b + 1) * T));
    assert.equal(s[0], 'B');
    assert.equal(s[T - 1], 'E');
    const relevant = [...s].flatMap((c, t) => (c === 'X' || c === 'Y' ? [[c, t] as const] : []));
    assert.equal(relevant.length, 2);
    assert.ok(relevant[0][1] >= 10 && relevant[0][1] <= 20, `t1 ${relevant[0][1]}`);
    assert.ok(relevant[1][1] >= 50 && relevant[1][1] <= 60, `t2 ${relevant[1][1]}`);
    assert.equal(y[b], ['XX', 'XY', 'YX', 'YY'].indexOf(relevant[0][0] + relevant[1][0]));
    assert.match(s.slice(1, T - 1).replace(/[XY]/g, ''), /^[abcd]+$/);
    counts[y[b]]++;
  }
  for (const c of counts) assert.ok(Math.abs(c / 4000 - 0.25) < 0.03, `class share ${c / 4000}`);
  assert.deepEqual(ds.baseline, { value: 0.25, metric: 'accuracy', label: 'chance (4 classes)' });
  assert.equal(TEMPORAL_ORDER_VOCABULARY.length, ds.inputSize);
});

test('temporal order, 3 symbols: X/Y in the three windows of experiment 6b, label = the pattern in binary, 8 classes balanced', () => {
  const T = 100;
  const ds = tokenTask('temporal-order-3', T, 8000);
  assert.deepEqual([ds.input, ds.inputSize, ds.outputSize, ds.head, ds.loss], ['tokens', 8, 8, 'last', 'xent']);
  assert.deepEqual(ds.outputNames, ['XXX', 'XXY', 'XYX', 'XYY', 'YXX', 'YXY', 'YYX', 'YYY']);
  const { x, y } = ds.batch('train', range(8000));
  const counts = new Array(8).fill(0);
  for (let b = 0; b < 8000; b++) {
    const s = ds.decode(x.subarray(b * T, (b + 1) * T));
    assert.equal(s[0], 'B');
    assert.equal(s[T - 1], 'E');
    const relevant = [...s].flatMap((c, t) => (c === 'X' || c === 'Y' ? [[c, t] as const] : []));
    assert.equal(relevant.length, 3);
    for (const [k, [lo, hi]] of [[10, 20], [33, 43], [66, 76]].entries()) {
      assert.ok(relevant[k][1] >= lo && relevant[k][1] <= hi, `t${k + 1} ${relevant[k][1]}`);
    }
    assert.equal(ds.outputNames![y[b]], relevant.map(([c]) => c).join(''));
    counts[y[b]]++;
  }
  for (const c of counts) assert.ok(Math.abs(c / 8000 - 0.125) < 0.02, `class share ${c / 8000}`);
  assert.deepEqual(ds.baseline, { value: 0.125, metric: 'accuracy', label: 'chance (8 classes)' });
});

// Reber's graph as drawn in the literature: state, symbol, next state.
const REBER_GRAPH = '1T2 1P3 2S2 2X4 3T3 3V5 4X3 4S6 5P4 5V6'.split(' ');

/** Checks a (possibly truncated) stream of embedded Reber strings; returns the number of complete strings. */
function checkEmbeddedReber(s: string): number {
  let i = 0, complete = 0;
  const expect = (allowed: string) => {
    if (i >= s.length) return false;
    assert.ok(allowed.includes(s[i]), `"${s[i]}" at ${i} of ${s}, expected one of ${allowed}`);
    i++;
    return true;
  };
  while (i < s.length) {
    if (!expect('B')) break;
    if (!expect('TP')) break;
    const arm = s[i - 1];
    if (!expect('B')) break;
    let state = '1';
    while (state !== '6' && i < s.length) {
      const edge = REBER_GRAPH.find((e) => e[0] === state && e[1] === s[i]);
      assert.ok(edge, `"${s[i]}" at ${i} is no edge out of state ${state} in ${s}`);
      state = edge[2];
      i++;
    }
    if (!expect('E') || !expect(arm) || !expect('E')) break;
    complete++;
  }
  return complete;
}

test('reber: every example is a stream of grammatical embedded Reber strings; y is x shifted', () => {
  const T = 60;
  const ds = tokenTask('reber', T, 300);
  assert.deepEqual([ds.input, ds.inputSize, ds.outputSize, ds.head, ds.loss], ['tokens', 7, 7, 'every', 'xent']);
  const { x, y } = ds.batch('train', range(300));
  let complete = 0;
  for (let b = 0; b < 300; b++) {
    const xs = x.subarray(b * T, (b + 1) * T), ys = y.subarray(b * T, (b + 1) * T);
    assert.deepEqual(Array.from(xs.subarray(1)), Array.from(ys.subarray(0, T - 1)));
    complete += checkEmbeddedReber(ds.decode(xs) + ds.decode(ys.subarray(T - 1)));
  }
  assert.ok(complete > 300, 'most examples hold more than one string');
  // A predictor that knows the grammar pays ln 2 at the branches only: well under ln 7, above 0.
  assert.ok(ds.baseline.value > 0.2 && ds.baseline.value < 0.6, String(ds.baseline.value));
});

test('sine and mackey-glass: next-value windows; the baseline is the persistence MSE of the validation split', () => {
  for (const task of ['sine', 'mackey-glass'] as const) {
    const T = 30;
    const ds = make(task, T, 400, 3, 0.25);
    assert.deepEqual([ds.input, ds.inputSize, ds.outputSize, ds.head, ds.loss, ds.steps], ['dense', 1, 1, 'last', 'mse', T]);
    const { x, y } = ds.batch('validation', range(ds.validationSize));
    let sq = 0;
    for (let b = 0; b < ds.validationSize; b++) sq += (y[b] - x[b * T + T - 1]) ** 2;
    assert.ok(Math.abs(ds.baseline.value / (sq / ds.validationSize) - 1) < 1e-4, `${task}: ${ds.baseline.value} vs ${sq / ds.validationSize}`);
    assert.ok(ds.baseline.value > 0);
  }
  const mg = make('mackey-glass', 20, 2000);
  const { x, y } = mg.batch('train', range(2000));
  assert.ok(x.every((v) => v > 0.3 && v < 1.45), 'on the Mackey-Glass attractor');
  // Windows of one series with stride 1: window i + 1 is window i moved by one step.
  assert.deepEqual(Array.from(x.subarray(20, 39)), Array.from(x.subarray(1, 20)));
  assert.equal(x[20 + 19], y[0]);
  const sine = make('sine', 50, 100);
  const s = sine.batch('train', range(100)).x;
  assert.ok(s.every((v) => Math.abs(v) <= 1));
});

test('determinism: same seed → same batch, any order; other seed or split → different examples', () => {
  for (const task of ['adding', 'copy', 'temporal-order', 'temporal-order-3', 'reber', 'sine', 'mackey-glass'] as const) {
    const a = make(task, 24, 100, 11), b = make(task, 24, 100, 11), c = make(task, 24, 100, 12);
    assert.deepEqual(a.batch('train', [5, 17, 3]), b.batch('train', [5, 17, 3]), task);
    const together = a.batch('train', [17, 5]), alone = a.batch('train', [5]);
    const xPer = alone.x.length;
    assert.deepEqual(Array.from(together.x.subarray(xPer)), Array.from(alone.x), `${task}: an example does not depend on its batch`);
    assert.notDeepEqual(a.batch('train', [5]).x, c.batch('train', [5]).x, `${task}: another seed`);
    assert.notDeepEqual(a.batch('train', [0]).x, a.batch('validation', [0]).x, `${task}: validation is a separate stream`);
    assert.equal(a.validationSize, 10);
    assert.throws(() => a.batch('validation', [10]), RangeError);
  }
});

test('bad synthetic configs are DataErrors on the field', () => {
  const err = (cfg: Partial<SyntheticDataConfig>) => {
    try {
      loadDataset({ kind: 'synthetic', task: 'adding', length: 50, samples: 10, seed: 1, ...cfg }, { configDir: '.', validationSplit: 0.1, sequenceLength: 1 });
    } catch (e) {
      assert.ok(e instanceof DataError);
      return e;
    }
    assert.fail('expected a DataError');
  };
  assert.match(err({ length: 5 }).message, /data\.length: data\.length is 5, too short for the adding problem.*Set data\.length to 6 or more/);
  assert.equal(err({ task: 'temporal-order', length: 9 }).field, 'data.length');
  assert.match(err({ task: 'temporal-order-3', length: 19 }).message, /too short for temporal order: the 3 relevant symbols.*Set data\.length to 20 or more/);
  assert.equal(err({ samples: 0 }).field, 'data.samples');
  assert.equal(err({ seed: 1.5 }).field, 'data.seed');
  const ok = loadDataset({ kind: 'synthetic', task: 'copy', length: 10, samples: 10, seed: 1 }, { configDir: '.', validationSplit: 0, sequenceLength: 1 });
  assert.equal(ok.validationSize, 0);
  assert.match(ok.describe(), /copy task \(Arjovsky et al\. 2016\), T 10 \(30 steps\), seed 1: 10 train \/ 0 validation examples; baseline memoryless.*: xent 0\.6/);
});
