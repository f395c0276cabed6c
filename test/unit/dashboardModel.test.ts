// Pure view-model code of the dashboard webview: downsampling, TensorBoard smoothing, colour scales,
// series alignment, log-scale handling, heatmap orders and pixels.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alignSeries, logSafe, positiveRange } from '../../webview/model/align';
import { type ColorScale, luminance, scaleColor } from '../../webview/model/colorScales';
import { minMaxDownsample } from '../../webview/model/downsample';
import { orderByActivation, orderByVariance, unitsByTimeRgba } from '../../webview/model/heatmap';
import { runColor } from '../../webview/model/palette';
import { fractionalEpochs, RunData } from '../../webview/model/runData';
import { emaSmooth, GrowingEma } from '../../webview/model/smoothing';
import { lengthInside } from '../../webview/model/segmentClip';
import { tooltipPlacement } from '../../webview/model/tooltipPlacement';

function rng(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
}

test('min/max downsampling keeps every bucket’s minimum and maximum (random series)', () => {
  const rnd = rng(7);
  for (let trial = 0; trial < 40; trial++) {
    const n = 500 + Math.floor(rnd() * 20000);
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    let cx = 0;
    for (let i = 0; i < n; i++) {
      cx += 0.1 + rnd() * 3;
      x[i] = cx;
      y[i] = rnd() < 0.002 ? (rnd() - 0.5) * 1e6 : Math.sin(i / 50) + rnd();
    }
    const lo = x[Math.floor(rnd() * n * 0.3)];
    const hi = x[n - 1 - Math.floor(rnd() * n * 0.3)];
    const buckets = 20 + Math.floor(rnd() * 300);
    const d = minMaxDownsample({ x, y }, lo, hi, buckets);
    assert.ok(d.x.length <= buckets * 4 + 4, 'bounded output');
    for (let i = 1; i < d.x.length; i++) assert.ok(d.x[i] > d.x[i - 1], 'x ascending');
    const kept = new Set<number>();
    for (let i = 0; i < d.x.length; i++) kept.add(d.x[i] * 1e6 + d.y[i]);
    const width = (hi - lo) / buckets;
    for (let b = 0; b < buckets; b++) {
      let iMin = -1;
      let iMax = -1;
      for (let i = 0; i < n; i++) {
        if (x[i] < lo || x[i] > hi) continue;
        if (Math.min(buckets - 1, Math.floor((x[i] - lo) / width)) !== b) continue;
        if (iMin < 0 || y[i] < y[iMin]) iMin = i;
        if (iMax < 0 || y[i] > y[iMax]) iMax = i;
      }
      if (iMin < 0) continue;
      assert.ok(kept.has(x[iMin] * 1e6 + y[iMin]), `trial ${trial} bucket ${b} min kept`);
      assert.ok(kept.has(x[iMax] * 1e6 + y[iMax]), `trial ${trial} bucket ${b} max kept`);
    }
  }
});

test('downsampling returns short visible ranges unchanged, with one point past each edge', () => {
  const x = Float64Array.from({ length: 100 }, (_, i) => i);
  const y = x.map((v) => v * 2);
  const d = minMaxDownsample({ x, y }, 10, 20, 50);
  assert.deepEqual([...d.x], Array.from({ length: 13 }, (_, i) => 9 + i));
});

test('EMA matches TensorBoard’s debiased formula on a hand-computed example', () => {
  // w = 0.5: last = 0.5·last + 0.5·x; smoothed = last / (1 − 0.5^n)
  // x = 1: last 0.5, /0.5 → 1;  x = 3: last 1.75, /0.75 → 2.3333;  x = 2: last 1.875, /0.875 → 2.142857
  const s = emaSmooth([1, 3, 2], 0.5);
  assert.ok(Math.abs(s[0] - 1) < 1e-12);
  assert.ok(Math.abs(s[1] - 7 / 3) < 1e-12);
  assert.ok(Math.abs(s[2] - 1.875 / 0.875) < 1e-12);
  assert.deepEqual([...emaSmooth([1, 3, 2], 0)], [1, 3, 2], 'weight 0 is the raw series');
});

test('EMA passes NaN and Infinity through without touching the average; constant series unchanged', () => {
  const s = emaSmooth([1, NaN, 3, Infinity, 2], 0.5);
  assert.ok(Number.isNaN(s[1]));
  assert.equal(s[3], Infinity);
  assert.ok(Math.abs(s[2] - 7 / 3) < 1e-12, 'NaN skipped: same as [1, 3]');
  assert.ok(Math.abs(s[4] - 1.875 / 0.875) < 1e-12);
  assert.deepEqual([...emaSmooth([0.3, 0.3, 0.3], 0.9)], [0.3, 0.3, 0.3]);
  assert.equal(emaSmooth([], 0.6).length, 0);
});

const unit: ColorScale = { kind: 'diverging', lo: -1, hi: 1 };
const diverging = (v: number) => scaleColor(unit, v);
const sequential = (t: number) => scaleColor({ kind: 'sequential', lo: 0, hi: 1 }, t);

test('diverging scale: blue at −1, near-white at 0, red at +1, luminance monotonic on each side', () => {
  const [r0, , b0] = diverging(-1);
  assert.ok(b0 > r0, 'negative is blue');
  const [r1, , b1] = diverging(1);
  assert.ok(r1 > b1, 'positive is red');
  const mid = diverging(0);
  assert.ok(mid.every((c) => c > 235), `midpoint near white: ${mid}`);
  let prev = -1;
  for (let v = -1; v <= 0.0001; v += 0.02) {
    const l = luminance(diverging(v));
    assert.ok(l >= prev - 1e-9, `rising towards 0 at ${v}`);
    prev = l;
  }
  prev = 2;
  for (let v = 0; v <= 1.0001; v += 0.02) {
    const l = luminance(diverging(v));
    assert.ok(l <= prev + 1e-9, `falling after 0 at ${v}`);
    prev = l;
  }
  assert.deepEqual(diverging(-5), diverging(-1), 'clamped');
});

test('sequential (viridis) scale: endpoints and monotonic luminance', () => {
  assert.deepEqual(sequential(0), [68, 1, 84]);
  assert.deepEqual(sequential(1), [253, 231, 37]);
  let prev = -1;
  for (let t = 0; t <= 1.0001; t += 0.01) {
    const l = luminance(sequential(t));
    assert.ok(l >= prev - 1e-9);
    prev = l;
  }
});

test('alignment of runs with different step sets: one ascending x axis, null where a run has no point', () => {
  const a = alignSeries([
    { x: [1, 2, 4], y: [10, 20, 40] },
    { x: [2, 3, 4, 6], y: [0.2, 0.3, NaN, 0.6] },
    { x: [], y: [] },
  ]);
  assert.deepEqual(a[0], [1, 2, 3, 4, 6]);
  assert.deepEqual(a[1], [10, 20, null, 40, null]);
  assert.deepEqual(a[2], [null, 0.2, 0.3, null, 0.6]);
  assert.deepEqual(a[3], [null, null, null, null, null]);
});

test('log scale: zeros, negatives and non-finite values become gaps; range from positives only', () => {
  assert.deepEqual(logSafe([0, 1, -2, null, 1e-9, Infinity]), [null, 1, null, null, 1e-9, null]);
  assert.deepEqual(positiveRange([0, 3, 0.5, -1, null]), [0.5, 3]);
  assert.equal(positiveRange([0, 0, null]), undefined);
});

test('run colours are distinct and stable for any number of runs', () => {
  const colors = Array.from({ length: 40 }, (_, i) => runColor(i));
  assert.equal(new Set(colors).size, 40);
  assert.equal(runColor(3), runColor(3));
  assert.equal(runColor(0, ['#123456']), '#123456', 'theme colour first');
});

test('heatmap pixels: units as rows, timesteps as columns, through the diverging scale', () => {
  const T = 3;
  const H = 2;
  const data = new Float32Array([-1, 1, 0, 1, 1, -1]); // [T, H]
  const px = unitsByTimeRgba(data, T, H, [0, 1], unit);
  const at = (r: number, c: number) => [...px.subarray((r * T + c) * 4, (r * T + c) * 4 + 3)];
  assert.deepEqual(at(0, 0), diverging(-1));
  assert.deepEqual(at(0, 1), diverging(0));
  assert.deepEqual(at(1, 2), diverging(-1));
  assert.deepEqual(at(1, 0), diverging(1));
  assert.deepEqual(orderByVariance(data, T, H), [1, 0]);
  assert.deepEqual(orderByActivation(data, T, H, 2), [0, 1]);
  assert.throws(() => orderByActivation(data, T, H, 3), /timestep 3 is outside 0…2/, 'no silent clamp');
});

test('run data drops replayed records and computes fractional epochs', () => {
  const d = new RunData();
  d.add([{ kind: 'step', step: 1, epoch: 0, time: 0, loss: 1, gradNorm: 1, clipped: false, learningRate: 1 }]);
  d.add([
    { kind: 'step', step: 1, epoch: 0, time: 0, loss: 1, gradNorm: 1, clipped: false, learningRate: 1 },
    { kind: 'step', step: 2, epoch: 0, time: 0, loss: 2, gradNorm: 1, clipped: false, learningRate: 1 },
  ]);
  assert.deepEqual([...d.step.loss.view()], [1, 2]);
  assert.deepEqual([...fractionalEpochs([1, 2, 3, 4, 5], [0, 0, 1, 1, 2])], [0, 0.5, 1, 1.5, 2]);
});

test('RunData: steps/s over the last steps, best validation loss so far', () => {
  const d = new RunData();
  assert.equal(d.stepsPerSecond(), undefined);
  assert.equal(d.bestValidationLoss(), undefined);
  // 10 steps/s for 100 steps, then 50 steps/s: the window sees only the recent speed
  const recs = [];
  let t = 0;
  for (let s = 1; s <= 200; s++) {
    t += s <= 100 ? 0.1 : 0.02;
    recs.push({ kind: 'step' as const, step: s, epoch: 0, time: t, loss: 1, gradNorm: 1, clipped: false, learningRate: 0.01 });
  }
  d.add(recs);
  assert.ok(Math.abs(d.stepsPerSecond(50)! - 50) < 1e-6);
  assert.ok(Math.abs(d.stepsPerSecond(199)! - 199 / (t - 0.1)) < 1e-6);
  d.add([
    { kind: 'eval', step: 100, epoch: 0, time: 10, loss: 2.5 },
    { kind: 'eval', step: 150, epoch: 0, time: 11, loss: null },
    { kind: 'eval', step: 200, epoch: 0, time: 12, loss: 1.75 },
  ] as never);
  assert.equal(d.bestValidationLoss(), 1.75);
});

test('tooltip placement flips near the right and bottom edges', () => {
  const bounds = { left: 0, top: 0, right: 500, bottom: 300 };
  const size = { width: 120, height: 20 };
  assert.deepEqual(tooltipPlacement({ x: 100, y: 100 }, size, bounds), { left: 112, top: 112 });
  assert.deepEqual(tooltipPlacement({ x: 450, y: 100 }, size, bounds), { left: 318, top: 112 });
  assert.deepEqual(tooltipPlacement({ x: 450, y: 290 }, size, bounds), { left: 318, top: 258 });
  assert.deepEqual(tooltipPlacement({ x: 50, y: 10 }, { width: 600, height: 400 }, bounds), { left: 0, top: 0 });
});

test('GrowingEma: a series smoothed as it grows equals emaSmooth of the whole, through NaNs, a constant start and a weight change', () => {
  const ys = Array.from({ length: 5000 }, (_, i) => (i < 300 ? 2 : i % 97 === 0 ? NaN : 1 + Math.sin(i / 50) + (i % 7) / 10));
  const ema = new GrowingEma();
  for (const end of [1, 2, 150, 300, 301, 1200, 1200, 4999, 5000]) {
    const got = ema.smooth(ys.slice(0, end), 0.6);
    const want = emaSmooth(ys.slice(0, end), 0.6);
    assert.equal(got.length, end);
    for (let i = 0; i < end; i++) assert.ok(Object.is(got[i], want[i]) || Math.abs(got[i] - want[i]) <= 1e-12 * Math.abs(want[i]), `${end}: [${i}] ${got[i]} vs ${want[i]}`);
  }
  assert.deepEqual([...ema.smooth(ys.slice(0, 300), 0.6)], ys.slice(0, 300), 'a shorter series starts again: constant, passed through');
  const other = ema.smooth(ys, 0.95);
  assert.ok(Math.abs(other[4000] - emaSmooth(ys, 0.95)[4000]) < 1e-12, 'another weight smooths again');
});

test('a reference label\'s box: the length of a curve\'s segment inside it (Liang–Barsky), for placing the label where curves cover least', () => {
  const box = { x0: 10, y0: 10, x1: 30, y1: 20 };
  assert.equal(lengthInside(0, 15, 40, 15, box), 20, 'straight across');
  assert.ok(Math.abs(lengthInside(10, 10, 30, 20, box) - Math.hypot(20, 10)) < 1e-12, 'corner to corner');
  assert.ok(Math.abs(lengthInside(20, 0, 20, 15, box) - 5) < 1e-12, 'ends inside');
  assert.equal(lengthInside(0, 0, 5, 50, box), 0, 'left of it');
  assert.equal(lengthInside(0, 25, 40, 25, box), 0, 'below it');
  assert.equal(lengthInside(15, 12, 15, 12, box), 0, 'a point has no length');
});
