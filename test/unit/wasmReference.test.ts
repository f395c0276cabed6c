// The float64 reference (referenceRnn.ts) against central finite differences: parameters, and the
// per-timestep norms ‖∂L/∂h_t‖, ‖∂L/∂c_t‖ through perturbations of the states themselves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { referenceLossAndGrads, type ReferenceInput } from './referenceRnn';
import { paramCount } from '../../src/trainer/model';
import { fillParams, makeBatch, tinyCases, rng, type Case } from './wasmCases';

const EPS = 1e-5;

for (const c of tinyCases()) {
  test(`reference gradients match finite differences: ${c.name}`, () => {
    const params = new Float32Array(paramTotal(c));
    fillParams(params, 11);
    const p64 = Float64Array.from(params);
    const { x, y } = makeBatch(c, 12);
    const input: ReferenceInput = { spec: c.spec, batch: c.batch, steps: c.steps, params: p64, x, y };
    for (const lastStepOnly of [false, true]) {
      const ref = referenceLossAndGrads(input, { lastStepOnly });
      const lossAt = (i: number, d: number) => {
        const q = Float64Array.from(p64); q[i] += d;
        return referenceLossAndGrads({ ...input, params: q }, { lastStepOnly }).loss;
      };
      let worst = 0;
      for (let i = 0; i < p64.length; i++) {
        const num = (lossAt(i, EPS) - lossAt(i, -EPS)) / (2 * EPS);
        worst = Math.max(worst, Math.abs(num - ref.grads[i]) / Math.max(Math.abs(ref.grads[i]), 1e-3));
      }
      assert.ok(worst < 1e-5, `max relative error ${worst.toExponential(2)} (lastStepOnly=${lastStepOnly})`);

      // ‖∂L/∂h_t‖ (and ‖∂L/∂c_t‖) of every layer at two timesteps, element by element
      const { spec, batch: B } = c, H = spec.hiddenSize;
      for (let l = 0; l < spec.layers; l++)
        for (const t of [0, c.steps - 2]) {
          for (const state of spec.cell === 'lstm' ? (['h', 'c'] as const) : (['h'] as const)) {
            let sq = 0;
            for (let b = 0; b < B; b++)
              for (let j = 0; j < H; j++) {
                const at = (delta: number) => referenceLossAndGrads({ ...input, perturb: { state, layer: l, t, b, j, delta } }, { lastStepOnly }).loss;
                const g = (at(EPS) - at(-EPS)) / (2 * EPS);
                sq += g * g;
              }
            const analytic = state === 'h' ? ref.dhNorm[l][t] : ref.dcNorm[l][t];
            assert.ok(Math.abs(Math.sqrt(sq) - analytic) <= 1e-6 * Math.max(analytic, 1e-3),
              `layer ${l} t ${t} ‖∂L/∂${state}‖: fd ${Math.sqrt(sq)} vs ${analytic} (lastStepOnly=${lastStepOnly})`);
          }
        }
    }
  });
}

test('reference dropout masks enter forward and backward (finite differences with a fixed mask)', () => {
  const c = tinyCases().find((k) => k.spec.cell === 'lstm' && k.spec.layers === 2 && k.spec.input === 'tokens')!;
  const r = rng(5);
  const masks = [Float64Array.from({ length: c.steps * c.batch * c.spec.hiddenSize }, () => (r() < 0.5 ? 0 : 2)), null];
  const params = new Float32Array(paramTotal(c));
  fillParams(params, 3);
  const p64 = Float64Array.from(params);
  const { x, y } = makeBatch(c, 4);
  const input: ReferenceInput = { spec: c.spec, batch: c.batch, steps: c.steps, params: p64, x, y, masks };
  const ref = referenceLossAndGrads(input);
  const plain = referenceLossAndGrads({ ...input, masks: undefined });
  assert.notEqual(ref.loss, plain.loss);
  let worst = 0;
  for (let i = 0; i < p64.length; i++) {
    const q = (d: number) => { const v = Float64Array.from(p64); v[i] += d; return referenceLossAndGrads({ ...input, params: v }).loss; };
    const num = (q(EPS) - q(-EPS)) / (2 * EPS);
    worst = Math.max(worst, Math.abs(num - ref.grads[i]) / Math.max(Math.abs(ref.grads[i]), 1e-3));
  }
  assert.ok(worst < 1e-5, `max relative error ${worst.toExponential(2)}`);
});

function paramTotal(c: Case): number {
  return paramCount(c.spec);
}
