// The wasm kernels' training machinery: dropout, optimizers, gradient clipping helpers, carried state
// for sampling, checkpointable optimizer state, and the host wrapper's input checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ModelSpec } from '../../src/trainer/model';
import { kernelsDir, WasmModel } from '../../src/trainer/backends/wasm/wasmModel';
import { checkOptimizerState, OPTIMIZER_SLOTS } from '../../src/trainer/backends/optimizer';
import { referenceLossAndGrads } from './referenceRnn';
import { CELLS, fillParams, makeBatch, modelFor, relErr, rng, tinyCase, type Case } from './wasmCases';

const stacked = (cell: Case['spec']['cell'], dropout: number): Case => {
  const c = tinyCase(`${cell} 2L tokens+xent+every`);
  return { ...c, spec: { ...c.spec, dropout } };
};

for (const cell of CELLS) {
  test(`dropout (${cell}): fixed masks give gradients that pass finite differences and the reference`, () => {
    const c = stacked(cell, 0.4);
    const m = modelFor(c);
    m.seedDropout(42);
    const loss = m.lossAndGrads({ training: true });
    const g = m.grads().slice();
    const mask = m.dropoutMask(0)!;
    assert.equal(m.dropoutMask(1), null, 'the last layer has no dropout');
    const scale = 1 / 0.6;
    assert.ok(mask.every((v) => v === 0 || Math.abs(v - scale) < 1e-6));
    assert.ok(mask.some((v) => v === 0) && mask.some((v) => v !== 0));

    const { x, y } = makeBatch(c, 8);
    const ref = referenceLossAndGrads({ spec: c.spec, batch: c.batch, steps: c.steps, params: m.params(), x, y, masks: [mask, null] });
    assert.ok(Math.abs(loss - ref.loss) < 1e-5 * ref.loss);
    assert.ok(relErr(g, ref.grads) < 1e-4, `vs reference ${relErr(g, ref.grads)}`);
    assert.ok(relErr(m.dhNorm(0), ref.dhNorm[0]) < 1e-4);

    const p = m.params(), eps = 3e-3;
    let worst = 0;
    for (let i = 0; i < g.length; i++) {
      const at = (d: number) => { p[i] += d; m.seedDropout(42); const l = m.lossAndGrads({ training: true }); p[i] -= d; return l; };
      const num = (at(eps) - at(-eps)) / (2 * eps);
      worst = Math.max(worst, Math.abs(num - g[i]) / Math.max(Math.abs(g[i]), 1e-2));
    }
    assert.ok(worst < 1e-2, `finite differences: max relative error ${worst.toExponential(2)}`);
  });
}

test('dropout acts only while training, and the seed decides the masks', () => {
  const dropped = modelFor(stacked('lstm', 0.5)), plain = modelFor(stacked('lstm', 0));
  assert.equal(dropped.forward(), plain.forward());
  assert.equal(dropped.lossAndGrads(), plain.lossAndGrads());
  assert.deepEqual(dropped.grads(), plain.grads());
  dropped.seedDropout(1);
  const a = dropped.lossAndGrads({ training: true }), maskA = dropped.dropoutMask(0)!;
  assert.notEqual(a, plain.forward());
  dropped.seedDropout(1);
  assert.equal(dropped.lossAndGrads({ training: true }), a);
  dropped.seedDropout(2);
  dropped.lossAndGrads({ training: true });
  assert.notDeepEqual(dropped.dropoutMask(0), maskA);
  const kept = maskA.filter((v) => v !== 0).length / maskA.length;
  assert.ok(kept > 0.3 && kept < 0.7, `kept fraction ${kept}`);
});

// ---------------------------------------------------------------- optimizers
function withGrads(): { m: WasmModel; setGrads: (s: number) => Float64Array } {
  const m = modelFor(tinyCase('rnn 2L tokens+xent+every'));
  return {
    m,
    setGrads: (s: number) => {
      const r = rng(s), g = m.grads();
      for (let i = 0; i < g.length; i++) g[i] = (r() * 2 - 1) * (i % 7 === 0 ? 1e-4 : 0.5);   // some tiny: ε matters
      return Float64Array.from(g);
    },
  };
}

test('Adam step equals the Keras update', () => {
  const { m, setGrads } = withGrads();
  const p = Float64Array.from(m.params()), mm = new Float64Array(p.length), v = new Float64Array(p.length);
  const lr = 0.01, b1 = 0.8, b2 = 0.95, eps = 1e-7;
  for (let t = 1; t <= 3; t++) {
    const g = setGrads(10 + t);
    m.optimizer.adam(lr, b1, b2, eps);
    const alpha = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
    for (let i = 0; i < p.length; i++) {
      mm[i] = b1 * mm[i] + (1 - b1) * g[i];
      v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
      p[i] -= (alpha * mm[i]) / (Math.sqrt(v[i]) + eps);
    }
  }
  assert.ok(relErr(m.params(), p) < 1e-5, `params ${relErr(m.params(), p)}`);
  const s = m.optimizerState();
  assert.equal(s.step, 3);
  assert.equal(s.slots.length, 2);
  assert.ok(relErr(s.slots[0], mm) < 1e-5 && relErr(s.slots[1], v) < 1e-5);
});

test('RMSprop step equals the Keras update v = ρv + (1−ρ)g², p −= lr·g/√(v + ε)', () => {
  const { m, setGrads } = withGrads();
  const p = Float64Array.from(m.params()), v = new Float64Array(p.length);
  const lr = 0.01, rho = 0.9, eps = 1e-7;
  for (let t = 1; t <= 2; t++) {
    const g = setGrads(20 + t);
    m.optimizer.rmsprop(lr, rho, eps);
    for (let i = 0; i < p.length; i++) {
      v[i] = rho * v[i] + (1 - rho) * g[i] * g[i];
      p[i] -= (lr * g[i]) / Math.sqrt(v[i] + eps);
    }
  }
  assert.ok(relErr(m.params(), p) < 1e-5);
  assert.equal(m.optimizerState().slots.length, 1);
});

test('SGD with momentum: velocity = μ·velocity − lr·g, p += velocity', () => {
  const { m, setGrads } = withGrads();
  const p = Float64Array.from(m.params()), vel = new Float64Array(p.length);
  for (let t = 1; t <= 3; t++) {
    const g = setGrads(30 + t);
    m.optimizer.sgd(0.05, 0.9);
    for (let i = 0; i < p.length; i++) { vel[i] = 0.9 * vel[i] - 0.05 * g[i]; p[i] += vel[i]; }
  }
  assert.ok(relErr(m.params(), p) < 1e-5);
  assert.ok(relErr(m.optimizerState().slots[0], vel) < 1e-5);
});

test('optimizer state restored into a fresh model continues the same trajectory', () => {
  const c = tinyCase('rnn 1L tokens+xent+every');
  const a = modelFor(c);
  for (let i = 0; i < 3; i++) { a.lossAndGrads(); a.optimizer.adam(0.01); }
  const saved = a.optimizerState(), params = a.params().slice();
  a.lossAndGrads(); a.optimizer.adam(0.01);

  const b = modelFor(c);
  b.params().set(params);
  b.setOptimizerState(saved);
  b.lossAndGrads(); b.optimizer.adam(0.01);
  assert.deepEqual(b.params(), a.params());
  assert.equal(b.optimizerState().step, 4);
});

test('each optimizer keeps the slots optimizer.ts counts; a state that fits no model is refused before any copy', () => {
  const c = tinyCase('rnn 1L tokens+xent+every');
  const steps = { adam: (m: WasmModel) => m.optimizer.adam(0.01), rmsprop: (m: WasmModel) => m.optimizer.rmsprop(0.01), sgd: (m: WasmModel) => m.optimizer.sgd(0.01, 0.9) };
  for (const [kind, step] of Object.entries(steps) as [keyof typeof steps, (m: WasmModel) => void][]) {
    const m = modelFor(c);
    assert.equal(m.optimizerState().slots.length, 0, `${kind}: no slots before the first update`);
    m.lossAndGrads();
    step(m);
    assert.equal(m.optimizerState().slots.length, OPTIMIZER_SLOTS[kind], kind);
  }
  const m = modelFor(c);
  const n = m.paramCount;
  assert.throws(() => m.setOptimizerState({ step: 1, slots: [new Float32Array(n), new Float32Array(n), new Float32Array(n)] }), /at most 2 optimizer slots, got 3/);
  assert.throws(() => m.setOptimizerState({ step: 1, slots: [new Float32Array(n - 1)] }), /slot 0 has \d+ values, expected \d+/);
  assert.doesNotThrow(() => checkOptimizerState({ step: 0, slots: [] }, n));
});

test('gradient helpers: sum of squares, scaling, value clipping', () => {
  const m = modelFor(tinyCase('lstm 1L tokens+xent+every'));
  m.lossAndGrads();
  const g = Float64Array.from(m.grads());
  const ss = g.reduce((s, x) => s + x * x, 0);
  assert.ok(Math.abs(m.gradSumSquares() - ss) < 1e-6 * ss);
  m.optimizer.scaleGrads(0.25);
  assert.ok(relErr(m.grads(), g.map((x) => x * 0.25)) < 1e-7);
  const c = 0.25 * Math.max(...g.map(Math.abs)) / 3;
  m.optimizer.clipGradsValue(c);
  const expected = g.map((x) => Math.max(-c, Math.min(c, x * 0.25)));
  assert.ok(relErr(m.grads(), expected) < 1e-6);
  assert.ok(m.grads().some((x) => Math.abs(Math.abs(x) - c) < 1e-7 * c), 'some values were clipped');
});

// ---------------------------------------------------------------- state, evaluation, wrapper
for (const cell of CELLS) {
  test(`carryState (${cell}): T=1 forwards one step at a time reproduce one T=k forward; resetState starts over`, () => {
    const k = 5, B = 2;
    const spec: ModelSpec = { cell, input: 'dense', inputSize: 3, embedSize: 0, hiddenSize: 6, layers: 2, outputSize: 2, head: 'every', loss: 'mse', dropout: 0 };
    const whole = WasmModel.create({ spec, batch: B, steps: k, relaxedSimd: false });
    const stream = WasmModel.create({ spec, batch: B, steps: 1, carryState: true, relaxedSimd: false });
    fillParams(whole.params(), 9);
    stream.params().set(whole.params());
    const { x } = makeBatch({ name: '', spec, batch: B, steps: k }, 10);
    whole.setBatch(x, new Float32Array(B * k * 2));
    whole.forward();
    const H = spec.hiddenSize, I = spec.inputSize;
    const stepInput = (t: number) => {
      const xt = new Float32Array(B * I);
      for (let b = 0; b < B; b++) xt.set((x as Float32Array).subarray((b * k + t) * I, (b * k + t + 1) * I), b * I);
      stream.setBatch(xt, new Float32Array(B * 2));
    };
    for (let t = 0; t < k; t++) {
      stepInput(t);
      stream.forward();
      for (let l = 0; l < 2; l++) {
        const want = whole.hidden(l).subarray(t * B * H, (t + 1) * B * H);
        assert.ok(relErr(stream.hidden(l), want) < 1e-6, `t ${t} layer ${l}`);
        if (cell === 'lstm') assert.ok(relErr(stream.cellState(l), whole.cellState(l).subarray(t * B * H, (t + 1) * B * H)) < 1e-6);
      }
      assert.ok(relErr(stream.outputs(), whole.outputs().subarray(t * B * 2, (t + 1) * B * 2)) < 1e-6);
    }
    stream.resetState();
    stepInput(0);
    stream.forward();
    assert.ok(relErr(stream.hidden(1), whole.hidden(1).subarray(0, B * H)) < 1e-6);
  });
}

test('outputs are probabilities for xent and count correct argmaxes', () => {
  const c = tinyCase('rnn 1L tokens+xent+every');
  const m = modelFor(c);
  m.forward();
  const out = m.outputs(), O = c.spec.outputSize;
  assert.equal(out.length, c.batch * c.steps * O);
  for (let r = 0; r < out.length / O; r++) {
    const row = out.subarray(r * O, (r + 1) * O);
    assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-5);
  }
  // make target = argmax everywhere: all positions are then correct
  const y = new Int32Array(c.batch * c.steps);
  for (let t = 0; t < c.steps; t++)
    for (let b = 0; b < c.batch; b++) {
      const row = Array.from(out.subarray((t * c.batch + b) * O, (t * c.batch + b + 1) * O));
      y[b * c.steps + t] = row.indexOf(Math.max(...row));
    }
  const { x } = makeBatch(c, 8);
  m.setBatch(x, y);
  m.forward();
  assert.equal(m.correct(), c.batch * c.steps);
});

test('two instances of different shapes keep separate state', () => {
  const [c1, c2] = [tinyCase('rnn 1L tokens+xent+every'), tinyCase('gru 1L dense+mse+last')];
  const alone = modelFor(c2);
  const lossAlone = alone.lossAndGrads();
  const a = modelFor(c1), b = modelFor(c2);
  a.lossAndGrads(); a.optimizer.adam(0.1);
  assert.equal(b.lossAndGrads(), lossAlone);
  assert.deepEqual(b.grads(), alone.grads());
});

test('setBatch rejects ids out of range and wrong lengths', () => {
  const c = tinyCase('rnn 1L tokens+xent+every');
  const m = modelFor(c);
  const { x, y } = makeBatch(c, 1);
  const bad = Int32Array.from(x as Int32Array); bad[3] = c.spec.inputSize;
  assert.throws(() => m.setBatch(bad, y), /x\[3\] = 7 is outside 0\.\.6/);
  assert.throws(() => m.setBatch(x, new Int32Array(2)), /y has 2 values/);
  assert.throws(() => m.setBatch(new Float32Array(x.length), y), TypeError);
  assert.throws(() => m.hidden(2), RangeError);
  m.dispose();
  assert.throws(() => m.forward(), /dispose/);
});

test('kernelsDir names the missing path and the build command', () => {
  const empty = mkdtempSync(path.join(tmpdir(), 'seqlab-kernels-'));
  const old = process.env.SEQLAB_KERNELS_DIR;
  process.env.SEQLAB_KERNELS_DIR = empty;
  try {
    assert.throws(() => kernelsDir(), (e: Error) => e.message.includes(empty) && e.message.includes('npm run build'));
  } finally {
    if (old === undefined) delete process.env.SEQLAB_KERNELS_DIR; else process.env.SEQLAB_KERNELS_DIR = old;
  }
  assert.ok(kernelsDir().endsWith(path.join('dist', 'kernels')));
});
