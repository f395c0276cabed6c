import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initParams, initParamsAsync, type InitProgress, orthogonal } from '../../src/trainer/init';
import { type ModelSpec, paramLayout } from '../../src/trainer/model';
import { Rng } from '../../src/trainer/rng';

const spec: ModelSpec = { cell: 'lstm', input: 'tokens', inputSize: 11, embedSize: 5, hiddenSize: 8, layers: 2, outputSize: 11, head: 'every', loss: 'xent', dropout: 0 };

test('the rng is deterministic per seed and its state restores the stream', () => {
  const a = new Rng(42), b = new Rng(42), c = new Rng(43);
  const xs = Array.from({ length: 5 }, () => a.nextU32());
  assert.deepEqual(xs, Array.from({ length: 5 }, () => b.nextU32()));
  assert.notDeepEqual(xs, Array.from({ length: 5 }, () => c.nextU32()));
  const saved = a.state();
  const next = a.next();
  assert.equal(new Rng(saved).next(), next);
  const mean = Array.from({ length: 20000 }, () => a.next()).reduce((s, v) => s + v, 0) / 20000;
  assert.ok(Math.abs(mean - 0.5) < 0.01, `mean ${mean}`);
});

test('orthogonal matrices have orthonormal columns', () => {
  const n = 16, q = orthogonal(n, new Rng(3));
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let k = 0; k < n; k++) dot += q[k * n + i] * q[k * n + j];
      assert.ok(Math.abs(dot - (i === j ? 1 : 0)) < 1e-9);
    }
});

test('init follows Keras: glorot kernels, orthogonal recurrent blocks, forget bias, scaled spectral radius', () => {
  const p = initParams(spec, new Rng(1), { forgetBias: 1, recurrentSpectralRadius: 0 });
  const t = Object.fromEntries(paramLayout(spec).map((x) => [x.name, x]));
  const H = 8;
  const b = p.subarray(t['l0.b'].offset, t['l0.b'].offset + t['l0.b'].size);
  assert.deepEqual(Array.from(b.subarray(H, 2 * H)), new Array(H).fill(1));
  assert.deepEqual(Array.from(b.subarray(0, H)), new Array(H).fill(0));
  const wx = p.subarray(t['l0.Wx'].offset, t['l0.Wx'].offset + t['l0.Wx'].size);
  const limit = Math.sqrt(6 / (5 + 32));
  assert.ok(wx.every((v) => Math.abs(v) <= limit) && wx.some((v) => Math.abs(v) > limit / 2));
  // each gate block of Wh: columns of unit norm times the requested radius
  const scaled = initParams(spec, new Rng(1), { forgetBias: 1, recurrentSpectralRadius: 0.9 });
  const wh = scaled.subarray(t['l1.Wh'].offset, t['l1.Wh'].offset + t['l1.Wh'].size);
  for (let g = 0; g < 4; g++) {
    let norm = 0;
    for (let r = 0; r < H; r++) norm += wh[r * 4 * H + g * H] ** 2;
    assert.ok(Math.abs(Math.sqrt(norm) - 0.9) < 1e-5);
  }
  assert.deepEqual(initParams(spec, new Rng(1), { forgetBias: 1, recurrentSpectralRadius: 0 }), p);
});

test('chrono init (Tallec & Ollivier 2018): forget biases log U(1, T - 1), input biases their negatives, other gates 0', () => {
  const T = 100;
  const p = initParams(spec, new Rng(3), { forgetBias: 1, recurrentSpectralRadius: 0, chronoInit: T });
  const H = 8;
  for (const name of ['l0.b', 'l1.b']) {
    const t = paramLayout(spec).find((x) => x.name === name)!;
    const b = p.subarray(t.offset, t.offset + t.size);
    const input = Array.from(b.subarray(0, H)), forget = Array.from(b.subarray(H, 2 * H));
    assert.ok(forget.every((f) => f >= 0 && f <= Math.log(T - 1)), `${name} forget biases in [0, ln ${T - 1}]: ${forget}`);
    assert.ok(new Set(forget).size === H, 'each unit draws its own timescale');
    assert.deepEqual(input, forget.map((f) => -f));
    assert.ok(Array.from(b.subarray(2 * H)).every((v) => v === 0));
  }
  const off = initParams(spec, new Rng(3), { forgetBias: 1, recurrentSpectralRadius: 0, chronoInit: 0 });
  assert.notDeepEqual(off, p);
});

test('orthogonal matrices are Haar-distributed like Keras\'s (QR of a Gaussian, signs fixed): trace mean 0, variance 1, entries of variance 1/n', () => {
  // For Q uniform on O(n), E[tr Q] = 0 and Var[tr Q] = 1 (n ≥ 2); a missing sign fix (D) or a biased
  // reflection moves both. 400 draws: the standard error of the mean is 0.05, of the variance ~0.07.
  const n = 12, draws = 400, rng = new Rng(21);
  let sum = 0, sq = 0, entries = 0;
  for (let d = 0; d < draws; d++) {
    const q = orthogonal(n, rng);
    let tr = 0;
    for (let i = 0; i < n; i++) tr += q[i * n + i];
    sum += tr;
    sq += tr * tr;
    entries += q[1] * q[1];
  }
  const mean = sum / draws, variance = sq / draws - mean * mean;
  assert.ok(Math.abs(mean) < 0.2, `mean trace ${mean}`);
  assert.ok(variance > 0.75 && variance < 1.25, `trace variance ${variance}`);
  assert.ok(Math.abs(entries / draws - 1 / n) < 0.02, `E[q01²] ${entries / draws}, expected ${1 / n}`);
  for (const k of [1, 2, 5, 37, 70]) assert.equal(orthogonal(k, new Rng(11)).length, k * k);
});

/** max |QᵀQ − I| of the float32 matrix the parameters hold. */
function orthogonalityError(q: Float32Array, n: number): number {
  let worst = 0;
  for (let i = 0; i < n; i++)
    for (let j = i; j < n; j++) {
      let dot = 0;
      for (let k = 0; k < n; k++) dot += q[k * n + i] * q[k * n + j];
      worst = Math.max(worst, Math.abs(dot - (i === j ? 1 : 0)));
    }
  return worst;
}

test('orthogonal init stays orthogonal to 1e-5 once stored as float32, and prints how long n = 1024 takes', () => {
  for (const n of [33, 257]) {
    const err = orthogonalityError(Float32Array.from(orthogonal(n, new Rng(n))), n);
    assert.ok(err < 1e-5, `n ${n}: |QᵀQ − I| ${err}`);
  }
  const t0 = performance.now();
  const q = orthogonal(1024, new Rng(5));
  const ms = performance.now() - t0;
  // a sample of columns: the full check is 1024³ operations more
  let worst = 0;
  for (let i = 0; i < 1024; i += 97)
    for (let j = 0; j < 1024; j++) {
      let dot = 0;
      for (let k = 0; k < 1024; k++) dot += Math.fround(q[k * 1024 + i]) * Math.fround(q[k * 1024 + j]);
      worst = Math.max(worst, Math.abs(dot - (i === j ? 1 : 0)));
    }
  assert.ok(worst < 1e-5, `n 1024: |QᵀQ − I| ${worst}`);
  console.log(`orthogonal 1024×1024: ${ms.toFixed(0)} ms (${(2 * 1024 ** 3 / ms / 1e6).toFixed(2)} GFLOP/s; 4096² is 64× the work)`);
});

test('initialisation in steps: the same parameters, progress by layer up to the total, and a step that throws stops it', async () => {
  const big: ModelSpec = { ...spec, hiddenSize: 64, layers: 3 };
  const opts = { forgetBias: 1, recurrentSpectralRadius: 0 };
  const seen: InitProgress[] = [];
  const p = await initParamsAsync(big, new Rng(4), opts, async (s) => void seen.push(s));
  assert.deepEqual(p, initParams(big, new Rng(4), opts));
  assert.ok(seen.every((s, i) => i === 0 || s.done >= seen[i - 1].done), 'progress never goes back');
  assert.equal(seen.at(-1)!.done, seen.at(-1)!.total);
  assert.deepEqual([...new Set(seen.map((s) => s.layer).filter((l) => l !== undefined))], [0, 1, 2]);
  assert.ok(seen.filter((s) => s.tensor === 'l1.Wh').length > 4, 'a recurrent kernel reports within its gates');

  let calls = 0;
  await assert.rejects(initParamsAsync(big, new Rng(4), opts, async (s) => {
    calls++;
    if (s.tensor === 'l1.Wh') throw new Error('stop');
  }), /stop/);
  assert.ok(calls < seen.length, 'nothing is drawn after the stop');
});
