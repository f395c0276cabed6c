// The tfjs backend on the optional native engine (tfjs-node → libtensorflow) against the wasm backend:
// loss, every parameter gradient, ‖∂L/∂h_t‖ and ‖∂L_T/∂h_t‖ to 1e-4 relative on the tiny LSTM and GRU
// cases, plus three Adam steps. tfjs-node is not a dependency: these tests run only where it resolves
// (npm run setup:tfjs-node, or SEQLAB_TFJS_NODE_DIR) and are skipped otherwise. Where to look for it is
// tested always, with a stand-in package.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { Batch, OptimizerSettings } from '../../src/trainer/backends/backend';
import { TfjsBackend } from '../../src/trainer/backends/tfjs/tfjsBackend';
import { NATIVE_DIR_ENV } from '../../src/shared/nativeEngine';
import { resolveTfjsNode } from '../../src/trainer/backends/tfjs/tfjsNodeLocation';
import { WasmBackend } from '../../src/trainer/backends/wasm/wasmBackend';
import { paramCount, paramLayout } from '../../src/trainer/model';
import { fillParams, makeBatch, relErr, tinyCase, tinyCases, worstErrors, type Case } from './wasmCases';

const TOL = 1e-4;
const nodePath = resolveTfjsNode();
const skip = nodePath
  ? false
  : `@tensorflow/tfjs-node is not installed (npm run setup:tfjs-node, or set ${NATIVE_DIR_ENV}); native-engine cross-check skipped`;
if (skip) console.log(`# ${skip}`);

const within = worstErrors('tfjs-node vs wasm');

const batchOf = (c: Case, seed: number): Batch => ({ ...makeBatch(c, seed), size: c.batch });

async function pair(c: Case, seed = 7): Promise<{ wasm: WasmBackend; tfjs: TfjsBackend }> {
  const wasm = await WasmBackend.create({ spec: c.spec, batch: c.batch, steps: c.steps, threads: 1, relaxedSimd: false });
  const tfjs = await TfjsBackend.create({ spec: c.spec, engine: 'auto' });
  const p = new Float32Array(paramCount(c.spec));
  fillParams(p, seed);
  wasm.setParams(p);
  tfjs.setParams(p);
  return { wasm, tfjs };
}

test('tfjs-node is found under $SEQLAB_TFJS_NODE_DIR', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-tfjs-node-'));
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-tfjs-node-empty-'));
  try {
    const pkg = path.join(dir, 'node_modules', '@tensorflow', 'tfjs-node');
    fs.mkdirSync(pkg, { recursive: true });
    fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: '@tensorflow/tfjs-node', version: '0.0.0', main: 'index.js' }));
    fs.writeFileSync(path.join(pkg, 'index.js'), '');
    assert.equal(resolveTfjsNode({ [NATIVE_DIR_ENV]: dir }), fs.realpathSync(path.join(pkg, 'index.js')));
    // an empty or missing folder falls through to the other places (the repo's .tfjs-node, node_modules)
    assert.equal(resolveTfjsNode({ [NATIVE_DIR_ENV]: empty }), resolveTfjsNode({}));
    assert.equal(resolveTfjsNode({ [NATIVE_DIR_ENV]: path.join(empty, 'missing') }), resolveTfjsNode({}));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(empty, { recursive: true, force: true });
  }
});

test('the tfjs backend runs on tfjs-node (libtensorflow) when it is installed', { skip }, async () => {
  const tfjs = await TfjsBackend.create({ spec: tinyCase('lstm 1L tokens+xent+every').spec, engine: 'auto' });
  try {
    assert.equal(tfjs.engine, 'tensorflow');
    assert.match(tfjs.device, /tensorflow/);
    console.log(`# device: ${tfjs.device} (${nodePath})`);
  } finally {
    await tfjs.dispose();
  }
});

for (const c of tinyCases().filter((k) => k.spec.cell === 'lstm' || k.spec.cell === 'gru')) {
  test(`tfjs-node matches wasm: ${c.name}`, { skip }, async () => {
    const { wasm, tfjs } = await pair(c);
    try {
      assert.equal(tfjs.engine, 'tensorflow');
      const batch = batchOf(c, 8);
      const got = tfjs.diagnose(batch), ref = wasm.diagnose(batch);
      within('loss', Math.abs(got.loss - ref.loss) / Math.abs(ref.loss), TOL, 'loss');
      for (const p of paramLayout(c.spec)) {
        within(`gradient of ${p.name}`, relErr(got.grads.subarray(p.offset, p.offset + p.size), ref.grads.subarray(p.offset, p.offset + p.size)), TOL, 'grads');
      }
      ref.layers.forEach((r, l) => {
        const g = got.layers[l];
        within(`l${l} ‖∂L/∂h_t‖`, relErr(g.dh, r.dh), TOL, 'dh');
        within(`l${l} ‖∂L_T/∂h_t‖`, relErr(g.dhLast, r.dhLast), TOL, 'dhLast');
        within(`l${l} h_t`, relErr(g.hidden, r.hidden), TOL, 'h_t');
      });
    } finally {
      await wasm.dispose();
      await tfjs.dispose();
    }
  });
}

test('three Adam steps on tfjs-node equal the wasm backend’s', { skip }, async () => {
  const c = tinyCase('gru 2L tokens+xent+every');
  const opt: OptimizerSettings = { kind: 'adam', learningRate: 0.01, momentum: 0, clipNorm: 0, clipValue: 0 };
  const { wasm, tfjs } = await pair(c, 11);
  try {
    const before = tfjs.tensorCount();
    for (let s = 0; s < 3; s++) {
      const batch = batchOf(c, 20 + s);
      const a = await tfjs.trainStep(batch, opt, s), b = await wasm.trainStep(batch, opt, s);
      within('step loss', Math.abs(a.loss - b.loss) / b.loss, TOL, 'adam steps');
      within('gradNorm', Math.abs(a.gradNorm - b.gradNorm) / b.gradNorm, TOL, 'adam steps');
    }
    within('params after 3 steps', relErr(tfjs.getParams(), wasm.getParams()), 1e-5, 'adam params');
    // the first step creates the two Adam slots per parameter; nothing else may stay alive
    assert.equal(tfjs.tensorCount() - before, 2 * paramLayout(c.spec).length);
  } finally {
    await wasm.dispose();
    await tfjs.dispose();
  }
});
