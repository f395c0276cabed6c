// The wasm kernels (f32, SIMD) against the float64 reference and against finite differences on
// themselves, for every cell × {1, 2} layers × {tokens+xent+every, dense+mse+last, dense+xent+last}.
// Needs the built kernels: node scripts/build-kernels.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { paramLayout, type ModelSpec } from '../../src/trainer/model';
import { relaxedSimdAvailable, WasmModel } from '../../src/trainer/backends/wasm/wasmModel';
import { referenceLossAndGrads } from './referenceRnn';
import { makeBatch, modelFor, relErr, tinyCase, tinyCases, type Case } from './wasmCases';

const figures: string[] = [];
process.on('exit', () => { if (process.env.SEQLAB_TEST_FIGURES) console.log(figures.join('\n')); });

function compareWithReference(c: Case, m: WasmModel, lastStepOnly: boolean, tol: number): void {
  const { x, y } = makeBatch(c, 8);   // modelFor(c, 7) sets the batch from seed 8
  const loss = m.lossAndGrads({ lastStepOnly });
  const ref = referenceLossAndGrads({ spec: c.spec, batch: c.batch, steps: c.steps, params: m.params(), x, y }, { lastStepOnly });
  const tag = `${c.name}${lastStepOnly ? ' lastStepOnly' : ''}`;
  assert.ok(Math.abs(loss - ref.loss) <= tol * Math.abs(ref.loss), `${tag}: loss ${loss} vs ${ref.loss}`);
  let worst = 0;
  for (const p of paramLayout(c.spec)) {
    const e = relErr(m.grads().subarray(p.offset, p.offset + p.size), ref.grads.subarray(p.offset, p.offset + p.size));
    assert.ok(e <= tol, `${tag}: ${p.name} gradient off by ${e.toExponential(2)} of its scale`);
    worst = Math.max(worst, e);
  }
  for (let l = 0; l < c.spec.layers; l++) {
    const eh = relErr(m.dhNorm(l), ref.dhNorm[l]);
    assert.ok(eh <= tol, `${tag}: dhNorm layer ${l} ${m.dhNorm(l)} vs ${ref.dhNorm[l]}`);
    assert.ok(relErr(m.hidden(l), ref.hidden[l]) <= tol, `${tag}: hidden layer ${l}`);
    if (c.spec.cell === 'lstm') {
      assert.ok(relErr(m.dcNorm(l), ref.dcNorm[l]) <= tol, `${tag}: dcNorm layer ${l} ${m.dcNorm(l)} vs ${ref.dcNorm[l]}`);
      assert.ok(relErr(m.cellState(l), ref.cell[l]) <= tol, `${tag}: cell state layer ${l}`);
    }
    worst = Math.max(worst, eh);
  }
  assert.ok(relErr(m.outputs(), ref.outputs) <= tol, `${tag}: outputs`);
  if (c.spec.loss === 'xent') assert.equal(m.correct(), ref.correct, `${tag}: correct`);
  figures.push(`vs f64 reference  ${tag.padEnd(42)} loss ${loss.toFixed(6)}  worst grad/norm error ${worst.toExponential(2)}`);
}

for (const c of tinyCases()) {
  test(`wasm equals the float64 reference: ${c.name}`, () => {
    const m = modelFor(c);
    compareWithReference(c, m, false, 1e-4);
    compareWithReference(c, m, true, 1e-4);
    if (c.spec.head === 'every') {   // ‖∂L_T/∂h_t‖ must differ from ‖∂L/∂h_t‖ before the last step
      m.lossAndGrads();
      const full = m.dhNorm(0);
      m.lossAndGrads({ lastStepOnly: true });
      assert.notDeepEqual(Array.from(m.dhNorm(0)), Array.from(full));
    }
  });

  test(`wasm gradients match central finite differences: ${c.name}`, () => {
    const m = modelFor(c);
    m.lossAndGrads();
    const g = m.grads().slice(), p = m.params();
    const eps = 3e-3;
    let worst = 0;
    for (let i = 0; i < g.length; i++) {
      const old = p[i];
      p[i] = old + eps; const up = m.forward();
      p[i] = old - eps; const down = m.forward();
      p[i] = old;
      const num = (up - down) / (2 * eps);
      // f32 forward: the loss carries ~1e-7 relative noise, so |g| below ~1e-2 is compared absolutely
      worst = Math.max(worst, Math.abs(num - g[i]) / Math.max(Math.abs(g[i]), 1e-2));
    }
    figures.push(`finite differences ${c.name.padEnd(42)} ${g.length} params, max rel err ${worst.toExponential(2)}`);
    assert.ok(worst < 1e-2, `max relative error ${worst.toExponential(2)}`);
  });
}

test('edge tiles: vocab 300, embed 19, hidden 40, batch 5 (no multiples of 4 or 16) match the reference', () => {
  for (const cell of ['rnn', 'lstm', 'gru'] as const) {
    const spec: ModelSpec = { cell, input: 'tokens', inputSize: 300, embedSize: 19, hiddenSize: 40, layers: 2, outputSize: 300, head: 'every', loss: 'xent', dropout: 0 };
    const c: Case = { name: `${cell} V300 H40`, spec, batch: 5, steps: 6 };
    const m = modelFor(c);
    compareWithReference(c, m, false, 2e-4);
  }
});

const relaxedSkip = relaxedSimdAvailable() ? false : 'this engine has no relaxed SIMD (Node 20: --experimental-wasm-relaxed-simd)';
test('degenerate sizes: one feature, one sequence, one hidden unit, one output', () => {
  for (const cell of ['rnn', 'lstm', 'gru'] as const) {
    const spec: ModelSpec = { cell, input: 'dense', inputSize: 1, embedSize: 0, hiddenSize: 1, layers: 2, outputSize: 1, head: 'every', loss: 'mse', dropout: 0 };
    const c: Case = { name: `${cell} I1 H1 O1 B1`, spec, batch: 1, steps: 3 };
    compareWithReference(c, modelFor(c), false, 1e-4);
    compareWithReference(c, modelFor(c), true, 1e-4);
  }
});

test('the relaxed-SIMD build agrees with the plain build', { skip: relaxedSkip }, () => {
  const c = tinyCase('rnn 1L tokens+xent+every');
  const plain = modelFor(c);
  const relaxed = WasmModel.create({ spec: c.spec, batch: c.batch, steps: c.steps, relaxedSimd: true });
  assert.equal(relaxed.variant, 'relaxed-simd');
  relaxed.params().set(plain.params());
  const { x, y } = makeBatch(c, 8);
  relaxed.setBatch(x, y);
  const a = plain.lossAndGrads(), b = relaxed.lossAndGrads();
  assert.ok(Math.abs(a - b) < 1e-5 * a);
  assert.ok(relErr(relaxed.grads(), plain.grads()) < 1e-4);
});
