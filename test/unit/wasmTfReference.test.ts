// Our kernels against TensorFlow: the fixtures in test/fixtures/tf-reference were computed in float64
// by scripts/fixtures/make_tf_fixtures.py (Keras cells, checked against keras.layers in the script) on the
// same weights and inputs. Loss, every parameter gradient, ‖∂L/∂h_t‖, ‖∂L_T/∂h_t‖, ‖∂L/∂c_t‖ and the
// hidden states must agree to 1e-4 relative (f32 kernels against f64 TensorFlow).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WasmModel } from '../../src/trainer/backends/wasm/wasmModel';
import { paramLayout } from '../../src/trainer/model';
import { flatGrads, flatParams, loadTfFixtures, type TfFixture } from './tfReference';

const TOL = 1e-4;

/** max |a - b| / max(|b|) over a tensor: relative to the tensor's scale, so near-zero entries do not dominate. */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let maxDiff = 0, scale = 0;
  for (let i = 0; i < b.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return maxDiff / (scale || 1);
}

function modelFor(f: TfFixture): WasmModel {
  const m = WasmModel.create({ spec: f.spec, batch: f.batch, steps: f.steps });
  m.params().set(flatParams(f));
  const x = f.spec.input === 'tokens' ? Int32Array.from(f.x) : Float32Array.from(f.x);
  const y = f.spec.loss === 'xent' ? Int32Array.from(f.y) : Float32Array.from(f.y);
  m.setBatch(x, y);
  return m;
}

const fixtures = loadTfFixtures();

test('there is a TensorFlow fixture for every cell', () => {
  assert.equal(fixtures.length, 12);
  for (const cell of ['rnn', 'lstm', 'gru']) assert.equal(fixtures.filter((f) => f.spec.cell === cell).length, 4);
});

for (const f of fixtures) {
  test(`matches TensorFlow: ${f.case}`, () => {
    const m = modelFor(f);
    try {
      const lossLast = m.lossAndGrads({ lastStepOnly: true });
      assert.ok(Math.abs(lossLast - f.lossLast) <= TOL * Math.abs(f.lossLast), `L_T ${lossLast} vs ${f.lossLast}`);
      for (let l = 0; l < f.spec.layers; l++) assert.ok(relErr(m.dhNorm(l), f.dhNormLast[l]) < TOL, `‖∂L_T/∂h_t‖ layer ${l}`);

      const loss = m.lossAndGrads();
      assert.ok(Math.abs(loss - f.loss) <= TOL * Math.abs(f.loss), `loss ${loss} vs ${f.loss}`);
      const g = m.grads(), ref = flatGrads(f);
      for (const p of paramLayout(f.spec)) {
        const e = relErr(g.subarray(p.offset, p.offset + p.size), ref.subarray(p.offset, p.offset + p.size));
        assert.ok(e < TOL, `gradient of ${p.name}: relative error ${e.toExponential(2)}`);
      }
      for (let l = 0; l < f.spec.layers; l++) {
        assert.ok(relErr(m.dhNorm(l), f.dhNorm[l]) < TOL, `‖∂L/∂h_t‖ layer ${l}`);
        assert.ok(relErr(m.hidden(l), f.hidden[l]) < TOL, `h_t layer ${l}`);
        if (f.dcNorm) assert.ok(relErr(m.dcNorm(l), f.dcNorm[l]) < TOL, `‖∂L/∂c_t‖ layer ${l}`);
      }
    } finally {
      m.dispose();
    }
  });
}
