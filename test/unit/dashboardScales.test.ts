// Pure view-model code behind the dashboards' readings: heatmap colour scales and their legends (range
// from the data, percentile, clipping, log scale), the line charts' readout, what a task means for the
// axes (loss unit, time axis, flagged positions, forecast layout), the validation shade, the sort field.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunInfo } from '../../src/shared/metrics';
import { type ColorScale, DIVERGING_LUT, lookup, scaleColor, scaleIndex, SEQUENTIAL_LUT } from '../../webview/model/colorScales';
import { absPercentile, ceilTwoDigits, clipNote, clippedShare, legendTicks, logScaleOf, stateScale, symmetricScale } from '../../webview/model/heatmapScales';
import { parseTimestep } from '../../webview/model/hiddenStates';
import { parseColor, validationShade } from '../../webview/model/palette';
import { nearestIndex, scalarReadout } from '../../webview/model/readout';
import { baselineName, examplesFollowInTime, flaggedPositions, lossAxisLabel, lossUnitOf, timeAxisOf } from '../../webview/model/taskViews';

test('percentile of |v|: nearest rank over the finite values', () => {
  const v = Float32Array.from({ length: 100 }, (_, i) => (i % 2 ? 1 : -1) * (i + 1)); // |v| = 1…100
  assert.equal(absPercentile(v, 100), 100);
  assert.equal(absPercentile(v, 99), 99);
  assert.equal(absPercentile(v, 50), 50);
  assert.equal(absPercentile([NaN, -3, Infinity], 99), 3);
  assert.equal(absPercentile([], 99), 0);
});

test('symmetric diverging range from the data, rounded up to two digits; clipped share and note', () => {
  assert.equal(ceilTwoDigits(2.4137), 2.5);
  assert.equal(ceilTwoDigits(0.03112), 0.032);
  assert.equal(ceilTwoDigits(4.1), 4.1);
  // an LSTM cell state seen at −4.1…+3.0: the max scale holds it all, no fixed ±1 saturation
  const c = Float32Array.from({ length: 1000 }, (_, i) => (i === 0 ? -4.1 : i === 1 ? 3.0 : Math.sin(i) * 2));
  assert.deepEqual(symmetricScale(c, 100), { kind: 'diverging', lo: -4.1, hi: 4.1 });
  const p99 = symmetricScale(c, 99);
  assert.ok(p99.hi < 2.1 && p99.hi >= 2 * Math.abs(Math.sin(1000)) - 0.1, `99th percentile ±${p99.hi}`);
  assert.equal(p99.lo, -p99.hi, 'centred on 0');
  const share = clippedShare(c, p99);
  assert.ok(share > 0 && share <= 0.011, `${share}`);
  assert.equal(clipNote(0.031, { kind: 'diverging', lo: -2.4, hi: 2.4 }), '3.1 % of cells beyond ±2.4, drawn at the ends');
  assert.equal(clipNote(0, p99), undefined);
  assert.deepEqual(symmetricScale(new Float32Array(5), 99), { kind: 'diverging', lo: -1, hi: 1 }, 'all zeros: ±1');
});

test('state scales: h and c diverging from the data, sigmoid gates sequential 0…1, tanh gates ±1', () => {
  const h = [0.5, -0.25, 0.1];
  assert.deepEqual(stateScale('h', [], h, 100).scale, { kind: 'diverging', lo: -0.5, hi: 0.5 });
  assert.match(stateScale('c', [], h, 99).caption, /99th percentile of \|c\|/);
  assert.deepEqual(stateScale('gate:1', ['i', 'f', 'g', 'o'], h, 99).scale, { kind: 'sequential', lo: 0, hi: 1 });
  assert.deepEqual(stateScale('gate:2', ['i', 'f', 'g', 'o'], h, 99).scale, { kind: 'diverging', lo: -1, hi: 1 });
  assert.deepEqual(stateScale('gate:2', ['z', 'r', 'n'], h, 99).scale, { kind: 'diverging', lo: -1, hi: 1 }, 'GRU n is tanh');
  assert.match(stateScale('gate:0', ['z', 'r', 'n'], h, 99).caption, /gate z \(sigmoid\): sequential, 0…1/);
});

test('scale colours: the pixel, the tooltip and the legend read one mapping', () => {
  const s: ColorScale = { kind: 'diverging', lo: -2.5, hi: 2.5 };
  assert.deepEqual(scaleColor(s, -2.5), lookup(DIVERGING_LUT, 0));
  assert.deepEqual(scaleColor(s, 2.5), lookup(DIVERGING_LUT, 255));
  assert.deepEqual(scaleColor(s, 0), lookup(DIVERGING_LUT, 128));
  assert.deepEqual(scaleColor(s, 9), scaleColor(s, 2.5), 'clipped values take the end colour');
  assert.deepEqual(scaleColor(s, NaN), [128, 128, 128]);
  const g: ColorScale = { kind: 'log', lo: 1e-4, hi: 1 };
  assert.equal(scaleIndex(g, 1e-2), 128, 'a log scale: 1e-2 is halfway between 1e-4 and 1');
  assert.deepEqual(scaleColor(g, 1), lookup(SEQUENTIAL_LUT, 255));
  assert.equal(scaleIndex(g, 0), -1, 'zero has no colour on a log scale');
});

test('legend ticks: the range at both ends, nice values between, one format', () => {
  assert.deepEqual(legendTicks({ kind: 'diverging', lo: -2.5, hi: 2.5 }).map((t) => t.label), ['-2.5', '-1', '0', '1', '2.5']);
  assert.deepEqual(legendTicks({ kind: 'diverging', lo: -1, hi: 1 }).map((t) => t.label), ['-1', '0', '1']);
  assert.deepEqual(legendTicks({ kind: 'sequential', lo: 0, hi: 1 }).map((t) => t.label), ['0', '0.25', '0.5', '0.75', '1']);
  assert.deepEqual(legendTicks({ kind: 'log', lo: 1e-4, hi: 1 }).map((t) => t.label), ['1e-4', '1e-3', '1e-2', '1e-1', '1']);
});

test('log scale of gradient norms: positive range of every array, widened to 1-2-5 × 10^k', () => {
  assert.deepEqual(logScaleOf([[0.000137, 0.5], [0, 0.98, NaN]]), { kind: 'log', lo: 1e-4, hi: 1 });
  assert.deepEqual(logScaleOf([[0.3, 0.4]]), { kind: 'log', lo: 0.2, hi: 0.5 });
  assert.deepEqual(logScaleOf([[0.5, 0.5]]), { kind: 'log', lo: 0.5, hi: 1 });
  assert.equal(logScaleOf([[0, -1]]), undefined);
});

test('readout: the nearest point of each run at the cursor, TensorBoard\'s columns', () => {
  assert.equal(nearestIndex([1, 2, 4, 8], 5.9), 2);
  assert.equal(nearestIndex([1, 2, 4, 8], 6.1), 3);
  assert.equal(nearestIndex([1, 2, 4, 8], -10), 0);
  assert.equal(nearestIndex([], 1), -1);
  const steps = [10, 20, 30, 40];
  const r = scalarReadout([{
    name: 'lstm', color: '#3794ff',
    main: { x: steps, step: steps, time: [6, 12, 64, 3700], raw: [2, 1.5, 1.25, 1], smoothed: [2, 1.8, 1.5, 1.2] },
    extra: { label: 'validation', color: '#9cf', x: [20, 40], step: [20, 40], time: [12, 3700], raw: [1.6, 1.1] },
  }], 29);
  assert.deepEqual(r.columns, ['Smoothed', 'Value', 'Step', 'Relative']);
  assert.deepEqual(r.rows.map((x) => [x.label, x.swatch, ...x.cells]), [
    ['lstm', 'line', '1.5', '1.25', '30', '1 min 04 s'],
    ['lstm · validation', 'dashed', '–', '1.6', '20', '12 s'],
  ]);
});

const info = (over: Partial<RunInfo>): RunInfo => ({ id: 'r', name: 'r', configPath: '/x', cell: 'lstm', backend: 'wasm', device: 'wasm', seed: 1, paramCount: 1, totalSteps: 1, dataSummary: '', task: 'text', gateNames: [], ...over });

test('loss units: the run\'s own, else what its task implies', () => {
  assert.equal(lossUnitOf(info({ lossUnit: 'bits/char' })), 'bits/char');
  assert.equal(lossUnitOf(info({ task: 'text', dataSummary: 'tiny.txt: 2 000 chars, vocab 40' })), 'nats/char');
  assert.equal(lossUnitOf(info({ task: 'text', dataSummary: 'tiny.txt: 500 words, vocab 40' })), 'nats/word');
  assert.equal(lossUnitOf(info({ task: 'csv' })), 'MSE (z-scores)');
  assert.equal(lossUnitOf(info({ task: 'adding', baseline: { value: 1 / 24, metric: 'mse', label: 'predict 0.5' } })), 'MSE');
  assert.equal(lossUnitOf(info({ task: 'reverse', baseline: { value: 2, metric: 'xent', label: 'x' } })), 'nats/token');
  // what runs write now: a list of baselines (the adding problem's y axis read "loss" without its unit)
  assert.equal(lossUnitOf(info({ task: 'adding', baselines: [{ value: 1 / 24, metric: 'mse', label: 'predict 0.5' }] })), 'MSE');
  assert.equal(lossUnitOf(info({ task: 'reverse', baselines: [{ value: 2, metric: 'xent', label: 'x' }, { value: 0.1, metric: 'accuracy', label: 'y' }] })), 'nats/token');
  assert.equal(lossAxisLabel([info({ task: 'csv' }), info({ task: 'csv' })]), 'loss (MSE (z-scores))');
  assert.equal(lossAxisLabel([info({ task: 'csv' }), info({ task: 'text' })]), 'loss', 'runs that disagree');
  assert.equal(baselineName('persistence (repeat the last observed value; RMSE visitors 12.3)'), 'persistence');
  assert.equal(baselineName('unigram'), 'unigram');
});

test('time axes: tokens from 0, the adding problem\'s positions 1…T with its flagged pair, input windows', () => {
  assert.deepEqual(timeAxisOf(info({ probeTokens: ['T', 'h', 'e'] })), { kind: 'tokens', title: 'probe token (timestep t)', unit: 't', base: 0 });
  const numbered = Array.from({ length: 50 }, (_, i) => String(i + 1));
  assert.equal(timeAxisOf(info({ task: 'adding', probeTokens: numbered })).title, 'position');
  assert.equal(timeAxisOf(info({ task: 'adding', probeTokens: numbered })).base, 1);
  assert.equal(timeAxisOf(info({ task: 'csv', probeTokens: numbered })).kind, 'window');
  const input = new Float32Array(100);
  input[2 * 3 + 1] = 1;
  input[2 * 17 + 1] = 1;
  const snap = { step: 0, arrays: { 'probe.input': { data: input, shape: [50, 2] } } };
  assert.deepEqual(flaggedPositions(info({ task: 'adding' }), snap), [3, 17]);
  assert.deepEqual(flaggedPositions(info({ task: 'adding' }), { step: 0, arrays: {} }), [], 'no probe input sent: nothing flagged');
  assert.deepEqual(flaggedPositions(info({ task: 'sine' }), snap), []);
  assert.equal(examplesFollowInTime('csv'), true);
  assert.equal(examplesFollowInTime('mackey-glass'), true);
  assert.equal(examplesFollowInTime('adding'), false, 'independent examples are not a series');
  assert.equal(examplesFollowInTime('sine'), false);
});

test('validation shade: lighter on a dark background, darker on a light one', () => {
  assert.deepEqual(parseColor('#3794ff'), [0x37, 0x94, 0xff]);
  assert.deepEqual(parseColor('rgb(1, 2, 3)'), [1, 2, 3]);
  assert.deepEqual(parseColor('hsl(0, 100%, 50%)'), [255, 0, 0]);
  const lum = (c: string) => parseColor(c)!.reduce((a, b) => a + b, 0);
  assert.ok(lum(validationShade('#3794ff', 'dark')) > lum('#3794ff'));
  assert.ok(lum(validationShade('#3794ff', 'light')) < lum('#3794ff'));
  assert.equal(validationShade('var(--x)', 'dark'), 'var(--x)');
});

test('sort by activation at t: an out-of-range t is an error, not a silent clamp', () => {
  assert.deepEqual(parseTimestep('12', 60), { ok: true, t: 12 });
  assert.deepEqual(parseTimestep('0', 60), { ok: true, t: 0 });
  assert.deepEqual(parseTimestep('75', 60), { ok: false, message: 't = 75 is outside 0…59 (the probe has 60 timesteps)' });
  assert.deepEqual(parseTimestep('-1', 60), { ok: false, message: 't = -1 is outside 0…59 (the probe has 60 timesteps)' });
  assert.equal(parseTimestep('2.5', 60).ok, false);
  assert.equal(parseTimestep('', 60).ok, false);
});

test('percentile by selection agrees with sorting on random data, ties and all', () => {
  let seed = 3;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let trial = 0; trial < 30; trial++) {
    const n = 1 + Math.floor(rnd() * 3000);
    const v = Float32Array.from({ length: n }, () => (rnd() < 0.1 ? 0.5 : (rnd() - 0.5) * 10));
    const sorted = Float32Array.from(v, Math.abs).sort();
    for (const p of [1, 50, 99, 99.9, 100]) assert.equal(absPercentile(v, p), sorted[Math.min(n, Math.max(1, Math.ceil((p / 100) * n))) - 1], `n ${n}, p ${p}`);
  }
});
