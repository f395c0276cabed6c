import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initParams, orthogonal } from '../../src/trainer/init';
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

test('orthogonal gives, bit for bit, the column-by-column Gram–Schmidt it replaced (the same seed, the same init)', () => {
  const columnwise = (n: number, rng: Rng): Float64Array => {
    const a = new Float64Array(n * n);
    for (let i = 0; i < a.length; i++) a[i] = rng.normal();
    for (let j = 0; j < n; j++) {
      for (let k = 0; k < j; k++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += a[i * n + j] * a[i * n + k];
        for (let i = 0; i < n; i++) a[i * n + j] -= dot * a[i * n + k];
      }
      let norm = 0;
      for (let i = 0; i < n; i++) norm += a[i * n + j] ** 2;
      norm = Math.sqrt(norm);
      for (let i = 0; i < n; i++) a[i * n + j] /= norm;
    }
    return a;
  };
  for (const n of [1, 5, 37]) assert.deepEqual(orthogonal(n, new Rng(11)), columnwise(n, new Rng(11)));
});
