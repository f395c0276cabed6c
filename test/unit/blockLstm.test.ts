// The fused LSTM path of the tfjs backend (TensorFlow's BlockLSTMV2 / LSTMBlockCellGrad on tfjs-node) against
// the wasm backend on identical weights and batches: loss and every parameter gradient of the training path
// to 1e-4 relative, 1 and 2 layers, every head; against hand BPTT and the unrolled graph on a larger shape;
// evaluation outputs; Adam steps with dropout and clipping; no tensor leak. Needs tfjs-node (npm run setup:tfjs-node, or SEQLAB_TFJS_NODE_DIR); skipped otherwise.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Batch, OptimizerSettings } from '../../src/trainer/backends/backend';
import { TfjsBackend, type SequencePath } from '../../src/trainer/backends/tfjs/tfjsBackend';
import { NATIVE_DIR_ENV } from '../../src/shared/nativeEngine';
import { resolveTfjsNode } from '../../src/trainer/backends/tfjs/tfjsNodeLocation';
import { WasmBackend } from '../../src/trainer/backends/wasm/wasmBackend';
import { paramCount, paramLayout } from '../../src/trainer/model';
import { fillParams, makeBatch, relErr, tinyCase, tinyCases, worstErrors, type Case } from './wasmCases';

const TOL = 1e-4;
const skip = resolveTfjsNode()
  ? false
  : `@tensorflow/tfjs-node is not installed (npm run setup:tfjs-node, or set ${NATIVE_DIR_ENV}); fused LSTM cross-check skipped`;
if (skip) console.log(`# ${skip}`);

const within = worstErrors('fused LSTM on tfjs-node');

const batchOf = (c: Case, seed: number): Batch => ({ ...makeBatch(c, seed), size: c.batch });

async function pair(c: Case, seed = 7, path: SequencePath = 'fused'): Promise<{ wasm: WasmBackend; tfjs: TfjsBackend }> {
  const wasm = await WasmBackend.create({ spec: c.spec, batch: c.batch, steps: c.steps, threads: 1, relaxedSimd: false });
  const tfjs = await TfjsBackend.create({ spec: c.spec, engine: 'auto', path });
  const p = new Float32Array(paramCount(c.spec));
  fillParams(p, seed);
  wasm.setParams(p);
  tfjs.setParams(p);
  return { wasm, tfjs };
}

const lstmCases = tinyCases().filter((k) => k.spec.cell === 'lstm');

test('an LSTM on tfjs-node trains on the fused kernels unless asked for hand BPTT or the unrolled graph', { skip }, async () => {
  const c = tinyCase('lstm 1L tokens+xent+every');
  const fused = await TfjsBackend.create({ spec: c.spec, engine: 'auto' });
  const bptt = await TfjsBackend.create({ spec: c.spec, engine: 'auto', path: 'bptt' });
  const unrolled = await TfjsBackend.create({ spec: c.spec, engine: 'auto', path: 'unrolled' });
  const gru = await TfjsBackend.create({ spec: tinyCase('gru 1L tokens+xent+every').spec, engine: 'auto' });
  try {
    assert.equal(fused.path, 'fused');
    assert.match(fused.device, /fused LSTM/);
    assert.equal(bptt.path, 'bptt');
    assert.equal(unrolled.path, 'unrolled');
    assert.doesNotMatch(unrolled.device, /fused/);
    assert.equal(gru.path, 'bptt');   // GRUBlockCell is reset-before, our GRU is Keras reset_after
  } finally {
    for (const b of [fused, bptt, unrolled, gru]) await b.dispose();
  }
});

for (const c of lstmCases) {
  test(`fused LSTM matches wasm: ${c.name}`, { skip }, async () => {
    const { wasm, tfjs } = await pair(c);
    try {
      assert.equal(tfjs.path, 'fused');
      const batch = batchOf(c, 8);
      const got = tfjs.gradients(batch), ref = wasm.diagnose(batch);
      within('loss', Math.abs(got.loss - ref.loss) / Math.abs(ref.loss), TOL, 'vs wasm, loss');
      for (const p of paramLayout(c.spec)) {
        within(`gradient of ${p.name}`, relErr(got.grads.subarray(p.offset, p.offset + p.size), ref.grads.subarray(p.offset, p.offset + p.size)), TOL, 'vs wasm, parameter gradients');
      }
      const e = tfjs.evaluate(batch), r = wasm.evaluate(batch);
      within('evaluate loss', Math.abs(e.loss - r.loss) / r.loss, TOL, 'vs wasm, evaluate');
      within('evaluate outputs', relErr(e.outputs, r.outputs), TOL, 'vs wasm, evaluate');
      assert.equal(e.correct, r.correct);
      // diagnostics steps take the unrolled graph: per-timestep norms from the same backend
      const d = tfjs.diagnose(batch);
      ref.layers.forEach((rl, l) => {
        within(`l${l} ‖∂L/∂h_t‖`, relErr(d.layers[l].dh, rl.dh), TOL, 'vs wasm, diagnose (unrolled graph) ‖∂L/∂h_t‖ and ‖∂L_T/∂h_t‖');
        within(`l${l} ‖∂L_T/∂h_t‖`, relErr(d.layers[l].dhLast, rl.dhLast), TOL, 'vs wasm, diagnose (unrolled graph) ‖∂L/∂h_t‖ and ‖∂L_T/∂h_t‖');
      });
    } finally {
      await wasm.dispose();
      await tfjs.dispose();
    }
  });
}

test('fused LSTM, hand BPTT and the unrolled graph give the same gradients on tfjs-node (a larger shape: H 32, T 20, B 6)', { skip }, async () => {
  const base = tinyCase('lstm 2L tokens+xent+every');
  const c: Case = { ...base, spec: { ...base.spec, hiddenSize: 32, embedSize: 8 }, batch: 6, steps: 20 };
  const fused = await TfjsBackend.create({ spec: c.spec, engine: 'auto' });
  const others = await Promise.all((['bptt', 'unrolled'] as const).map((path) => TfjsBackend.create({ spec: c.spec, engine: 'auto', path })));
  try {
    const p = new Float32Array(paramCount(c.spec));
    fillParams(p, 4, 0.3);
    fused.setParams(p);
    const batch = batchOf(c, 5);
    const a = fused.gradients(batch);
    for (const other of others) {
      other.setParams(p);
      const b = other.gradients(batch), group = `vs ${other.path}, loss and gradients`;
      within('loss', Math.abs(a.loss - b.loss) / b.loss, TOL, group);
      for (const q of paramLayout(c.spec)) {
        within(`gradient of ${q.name}`, relErr(a.grads.subarray(q.offset, q.offset + q.size), b.grads.subarray(q.offset, q.offset + q.size)), TOL, group);
      }
    }
  } finally {
    await fused.dispose();
    for (const o of others) await o.dispose();
  }
});

const STEPS: [string, Case, OptimizerSettings][] = [
  ['adam, 2 layers, dropout 0.3', { ...tinyCase('lstm 2L tokens+xent+every'), spec: { ...tinyCase('lstm 2L tokens+xent+every').spec, dropout: 0.3 } },
    { kind: 'adam', learningRate: 0.01, momentum: 0, clipNorm: 0, clipValue: 0 }],
  ['sgd, global-norm clipped, last-step head', tinyCase('lstm 2L dense+mse+last'),
    { kind: 'sgd', learningRate: 0.05, momentum: 0.9, clipNorm: 0.05, clipValue: 0 }],
];

for (const [name, c, opt] of STEPS) {
  test(`three fused ${name} steps equal the wasm backend's, and leave no tensors behind`, { skip }, async () => {
    const { wasm, tfjs } = await pair(c, 11);
    try {
      const before = tfjs.tensorCount();
      for (let s = 0; s < 3; s++) {
        const batch = batchOf(c, 20 + s);
        const a = await tfjs.trainStep(batch, opt, 1000 + s), b = await wasm.trainStep(batch, opt, 1000 + s);
        within('step loss', Math.abs(a.loss - b.loss) / b.loss, TOL, 'vs wasm, step loss and gradNorm');
        within('gradNorm', Math.abs(a.gradNorm - b.gradNorm) / b.gradNorm, TOL, 'vs wasm, step loss and gradNorm');
        assert.equal(a.clipped, b.clipped);
      }
      within('params after 3 steps', relErr(tfjs.getParams(), wasm.getParams()), 1e-5, 'vs wasm, parameters after 3 steps');
      // optimizer slots per parameter, and the one seq_len_max scalar the fused op keeps per sequence length
      const slots = opt.kind === 'adam' ? 2 : 1;
      assert.equal(tfjs.tensorCount() - before, slots * paramLayout(c.spec).length + 1);
      const after = tfjs.tensorCount();
      for (let s = 0; s < 5; s++) await tfjs.trainStep(batchOf(c, 30 + s), opt, s);
      tfjs.evaluate(batchOf(c, 40));
      assert.equal(tfjs.tensorCount(), after);
    } finally {
      await wasm.dispose();
      await tfjs.dispose();
    }
  });
}
