// The hand-BPTT training path of the tfjs backend (bpttSequence.ts: one op per layer with its own gradient)
// against the wasm kernels and against the unrolled tfjs graph with autodiff, on identical weights and
// batches: loss and every parameter gradient to 1e-4 relative for RNN, LSTM and GRU, 1 and 2 layers, token
// and dense input, every-step and last-step heads, cross-entropy and MSE, and with dropout between layers;
// evaluation outputs; three Adam steps; a flat tensor count. On the tfjs cpu engine; on the tfjs wasm engine
// (each cell × 1 and 2 layers × token and dense input, against the kernels, and the Adam steps); and on
// tfjs-node (RNN and GRU, whose training path it is there; skipped when tfjs-node is not installed).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CellKind } from '../../src/shared/config';
import { NATIVE_DIR_ENV } from '../../src/shared/nativeEngine';
import type { Batch, OptimizerSettings } from '../../src/trainer/backends/backend';
import { TfjsBackend, type SequencePath } from '../../src/trainer/backends/tfjs/tfjsBackend';
import type { TfEngineRequest } from '../../src/trainer/backends/tfjs/tfjsRuntime';
import { resolveTfjsNode } from '../../src/trainer/backends/tfjs/tfjsNodeLocation';
import { WasmBackend } from '../../src/trainer/backends/wasm/wasmBackend';
import { paramCount, paramLayout, type HeadKind, type InputKind, type LossKind, type ModelSpec } from '../../src/trainer/model';
import { CELLS, fillParams, makeBatch, relErr, worstErrors, type Case } from './wasmCases';

const TOL = 1e-4;
const within = worstErrors('hand BPTT');
const nodeSkip = resolveTfjsNode()
  ? false
  : `@tensorflow/tfjs-node is not installed (npm run setup:tfjs-node, or set ${NATIVE_DIR_ENV}); hand BPTT on tfjs-node skipped`;
if (nodeSkip) console.log(`# ${nodeSkip}`);

/** Every cell × 1, 2 layers × token, dense input × every-step, last-step head × xent, mse: V 7, D 3, H 5, T 4, B 3. */
function bpttCases(): Case[] {
  const out: Case[] = [];
  for (const cell of CELLS)
    for (const layers of [1, 2])
      for (const input of ['tokens', 'dense'] as InputKind[])
        for (const head of ['every', 'last'] as HeadKind[])
          for (const loss of ['xent', 'mse'] as LossKind[]) {
            const spec: ModelSpec = {
              cell, input, inputSize: input === 'tokens' ? 7 : 2, embedSize: 3, hiddenSize: 5, layers,
              outputSize: loss === 'mse' ? 2 : 7, head, loss, dropout: 0,
            };
            out.push({ name: `${cell} ${layers}L ${input}+${loss}+${head}`, spec, batch: 3, steps: 4 });
          }
  return out;
}

const batchOf = (c: Case, seed: number): Batch => ({ ...makeBatch(c, seed), size: c.batch });

async function tfjsWith(c: Case, engine: TfEngineRequest, path: SequencePath, params: Float32Array): Promise<TfjsBackend> {
  const b = await TfjsBackend.create({ spec: c.spec, engine, path });
  b.setParams(params);
  return b;
}

function paramsFor(spec: ModelSpec, seed: number, scale?: number): Float32Array {
  const p = new Float32Array(paramCount(spec));
  fillParams(p, seed, scale);
  return p;
}

function compareGradients(spec: ModelSpec, got: { loss: number; grads: Float32Array }, ref: { loss: number; grads: Float32Array }, group: string): void {
  within('loss', Math.abs(got.loss - ref.loss) / Math.abs(ref.loss), TOL, group);
  for (const p of paramLayout(spec)) {
    within(`gradient of ${p.name}`, relErr(got.grads.subarray(p.offset, p.offset + p.size), ref.grads.subarray(p.offset, p.offset + p.size)), TOL, group);
  }
}

test('the tfjs cpu engine trains every cell by hand BPTT unless asked for the unrolled graph', async () => {
  for (const cell of CELLS) {
    const c = bpttCases().find((k) => k.spec.cell === cell)!;
    const bptt = await TfjsBackend.create({ spec: c.spec, engine: 'cpu' });
    const unrolled = await TfjsBackend.create({ spec: c.spec, engine: 'cpu', path: 'unrolled' });
    try {
      assert.equal(bptt.path, 'bptt');
      assert.match(bptt.device, /cpu · hand BPTT$/);
      assert.equal(unrolled.path, 'unrolled');
      assert.match(unrolled.device, /cpu · unrolled autodiff$/);
    } finally {
      await bptt.dispose();
      await unrolled.dispose();
    }
  }
});

for (const c of bpttCases()) {
  test(`hand BPTT on tfjs cpu matches wasm and the unrolled graph: ${c.name}`, async () => {
    const p = paramsFor(c.spec, 7);
    const wasm = await WasmBackend.create({ spec: c.spec, batch: c.batch, steps: c.steps, threads: 1, relaxedSimd: false });
    const bptt = await tfjsWith(c, 'cpu', 'bptt', p);
    const unrolled = await tfjsWith(c, 'cpu', 'unrolled', p);
    try {
      wasm.setParams(p);
      const batch = batchOf(c, 8);
      const got = bptt.gradients(batch);
      compareGradients(c.spec, got, wasm.diagnose(batch), 'cpu vs wasm, loss and parameter gradients');
      compareGradients(c.spec, got, unrolled.gradients(batch), 'cpu vs unrolled autodiff, loss and parameter gradients');
      const e = bptt.evaluate(batch), r = wasm.evaluate(batch);
      within('evaluate loss', Math.abs(e.loss - r.loss) / r.loss, TOL, 'cpu vs wasm, evaluate');
      within('evaluate outputs', relErr(e.outputs, r.outputs), TOL, 'cpu vs wasm, evaluate');
      assert.equal(e.correct, r.correct);
      if (c.spec.layers === 2) {
        // dropout between the layers: the same masks (same seed) on both tfjs paths
        const d: Case = { ...c, spec: { ...c.spec, dropout: 0.3 } };
        const a = await tfjsWith(d, 'cpu', 'bptt', p), b = await tfjsWith(d, 'cpu', 'unrolled', p);
        try {
          const withDropout = a.gradients(batch, 99);
          compareGradients(d.spec, withDropout, b.gradients(batch, 99), 'cpu vs unrolled autodiff, with dropout');
          assert.notEqual(withDropout.loss, got.loss);   // the masks did drop units
        } finally {
          await a.dispose();
          await b.dispose();
        }
      }
    } finally {
      await wasm.dispose();
      await bptt.dispose();
      await unrolled.dispose();
    }
  });
}

test('hand BPTT and the unrolled graph agree on a larger shape (H 24, T 24, B 5, 2 layers) for every cell', async () => {
  for (const cell of CELLS) {
    const c: Case = {
      name: `${cell} larger`, batch: 5, steps: 24,
      spec: { cell, input: 'tokens', inputSize: 11, embedSize: 6, hiddenSize: 24, layers: 2, outputSize: 11, head: 'every', loss: 'xent', dropout: 0.2 },
    };
    const p = paramsFor(c.spec, 4, 0.3);
    const bptt = await tfjsWith(c, 'cpu', 'bptt', p), unrolled = await tfjsWith(c, 'cpu', 'unrolled', p);
    try {
      const batch = batchOf(c, 5);
      compareGradients(c.spec, bptt.gradients(batch, 3), unrolled.gradients(batch, 3), 'cpu vs unrolled autodiff, larger shape');
    } finally {
      await bptt.dispose();
      await unrolled.dispose();
    }
  }
});

const ADAM: OptimizerSettings = { kind: 'adam', learningRate: 0.01, momentum: 0, clipNorm: 1, clipValue: 0 };

async function stepsMatchWasm(cell: CellKind, engine: TfEngineRequest, group: string): Promise<void> {
  const c: Case = {
    name: `${cell} 2L dropout`, batch: 3, steps: 4,
    spec: { cell, input: 'tokens', inputSize: 7, embedSize: 3, hiddenSize: 5, layers: 2, outputSize: 7, head: 'every', loss: 'xent', dropout: 0.3 },
  };
  const p = paramsFor(c.spec, 11);
  const wasm = await WasmBackend.create({ spec: c.spec, batch: c.batch, steps: c.steps, threads: 1, relaxedSimd: false });
  const tfjs = await tfjsWith(c, engine, 'bptt', p);
  try {
    wasm.setParams(p);
    assert.equal(tfjs.path, 'bptt');
    const before = tfjs.tensorCount();
    for (let s = 0; s < 3; s++) {
      const batch = batchOf(c, 20 + s);
      const a = await tfjs.trainStep(batch, ADAM, 1000 + s), b = await wasm.trainStep(batch, ADAM, 1000 + s);
      within('step loss', Math.abs(a.loss - b.loss) / b.loss, TOL, `${group}, step loss and gradNorm`);
      within('gradNorm', Math.abs(a.gradNorm - b.gradNorm) / b.gradNorm, TOL, `${group}, step loss and gradNorm`);
      assert.equal(a.clipped, b.clipped);
    }
    within('params after 3 steps', relErr(tfjs.getParams(), wasm.getParams()), 1e-5, `${group}, parameters after 3 Adam steps`);
    // the only tensors a step leaves behind are Adam's two slots per parameter, made by the first step
    assert.equal(tfjs.tensorCount() - before, 2 * paramLayout(c.spec).length);
    const after = tfjs.tensorCount();
    for (let s = 0; s < 5; s++) await tfjs.trainStep(batchOf(c, 30 + s), ADAM, s);
    tfjs.evaluate(batchOf(c, 40));
    assert.equal(tfjs.tensorCount(), after);
  } finally {
    await wasm.dispose();
    await tfjs.dispose();
  }
}

for (const cell of CELLS) {
  test(`three hand-BPTT Adam steps with dropout on tfjs cpu equal the wasm backend's, and leave no tensors behind: ${cell}`, async () => {
    await stepsMatchWasm(cell, 'cpu', 'cpu vs wasm');
  });
}

// ---------------------------------------------------------------- the tfjs wasm engine: every cell trains this way there

test('the tfjs wasm engine trains every cell by hand BPTT', async () => {
  for (const cell of CELLS) {
    const c = bpttCases().find((k) => k.spec.cell === cell)!;
    const b = await TfjsBackend.create({ spec: c.spec, engine: 'wasm' });
    try {
      assert.equal(b.engine, 'wasm');
      assert.equal(b.path, 'bptt');
      assert.match(b.device, /^tfjs \S+ · wasm \(SIMD\) · hand BPTT$/);
    } finally {
      await b.dispose();
    }
  }
});

// every-step head with cross-entropy for token input, last-step head with MSE for dense: both heads and losses
const wasmEngineCases = bpttCases().filter(({ spec: s }) => (s.input === 'tokens' ? s.head === 'every' && s.loss === 'xent' : s.head === 'last' && s.loss === 'mse'));
for (const c of wasmEngineCases) {
  test(`hand BPTT on tfjs wasm matches wasm: ${c.name}`, async () => {
    await bpttMatchesWasm(c, 'wasm', 'tfjs wasm vs wasm', true);
  });
}

for (const cell of CELLS) {
  test(`three hand-BPTT Adam steps with dropout on tfjs wasm equal the wasm backend's, and leave no tensors behind: ${cell}`, async () => {
    await stepsMatchWasm(cell, 'wasm', 'tfjs wasm vs wasm');
  });
}

// ---------------------------------------------------------------- tfjs-node: RNN and GRU train this way there

test('on tfjs-node RNN and GRU train by hand BPTT, the LSTM on the fused kernels', { skip: nodeSkip }, async () => {
  for (const cell of CELLS) {
    const c = bpttCases().find((k) => k.spec.cell === cell)!;
    const b = await TfjsBackend.create({ spec: c.spec, engine: 'auto' });
    try {
      assert.equal(b.engine, 'tensorflow');
      assert.equal(b.path, cell === 'lstm' ? 'fused' : 'bptt');
      assert.match(b.device, cell === 'lstm' ? /tensorflow.* · fused LSTM$/ : /tensorflow.* · hand BPTT$/);
    } finally {
      await b.dispose();
    }
  }
});

for (const c of bpttCases().filter((k) => k.spec.cell !== 'lstm')) {
  test(`hand BPTT on tfjs-node matches wasm: ${c.name}`, { skip: nodeSkip }, async () => {
    await bpttMatchesWasm(c, 'auto', 'tfjs-node vs wasm', false);
  });
}

/** Loss, every parameter gradient and evaluate() of hand BPTT on a tfjs engine against the wasm kernels. */
async function bpttMatchesWasm(c: Case, engine: 'wasm' | 'auto', label: string, sameArgmax: boolean): Promise<void> {
  const p = paramsFor(c.spec, 7);
  const wasm = await WasmBackend.create({ spec: c.spec, batch: c.batch, steps: c.steps, threads: 1, relaxedSimd: false });
  const tfjs = await tfjsWith(c, engine, 'bptt', p);
  try {
    wasm.setParams(p);
    assert.equal(tfjs.engine, engine === 'wasm' ? 'wasm' : 'tensorflow');
    const batch = batchOf(c, 8);
    compareGradients(c.spec, tfjs.gradients(batch), wasm.diagnose(batch), `${label}, loss and parameter gradients`);
    const e = tfjs.evaluate(batch), r = wasm.evaluate(batch);
    within('evaluate outputs', relErr(e.outputs, r.outputs), TOL, `${label}, evaluate`);
    if (sameArgmax) assert.equal(e.correct, r.correct);
  } finally {
    await wasm.dispose();
    await tfjs.dispose();
  }
}

for (const cell of ['rnn', 'gru'] as CellKind[]) {
  test(`three hand-BPTT Adam steps with dropout on tfjs-node equal the wasm backend's, and leave no tensors behind: ${cell}`, { skip: nodeSkip }, async () => {
    await stepsMatchWasm(cell, 'auto', 'tfjs-node vs wasm');
  });
}
