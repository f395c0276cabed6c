// The tfjs backend on the optional native engine (tfjs-node → libtensorflow) against the wasm backend:
// loss, every parameter gradient, ‖∂L/∂h_t‖ and ‖∂L_T/∂h_t‖ to 1e-4 relative on the tiny LSTM and GRU
// cases, plus three Adam steps. tfjs-node is not a dependency: these tests run only where it resolves
// (npm run setup:tfjs-node, or SEQLAB_TFJS_NODE_DIR) and are skipped otherwise. Where to look for it and
// for tfjs-node-gpu, and the fallback when the GPU build does not load, are tested always, with stand-ins.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { Batch, OptimizerSettings } from '../../src/trainer/backends/backend';
import { TfjsBackend } from '../../src/trainer/backends/tfjs/tfjsBackend';
import { NATIVE_DIR_ENV, NATIVE_GPU_PACKAGE, NATIVE_PACKAGE } from '../../src/shared/nativeEngine';
import { TRIAL_FROM_HIDDEN } from '../../src/trainer/backends/backendChoice';
import { resolveTfjsNode } from '../../src/trainer/backends/tfjs/tfjsNodeLocation';
import { WasmBackend } from '../../src/trainer/backends/wasm/wasmBackend';
import { paramCount, paramLayout } from '../../src/trainer/model';
import { fillParams, makeBatch, relErr, tinyCase, tinyCases, worstErrors, type Case } from '../unit/wasmCases';

const TOL = 1e-4;
const root = path.resolve(__dirname, '../..');
const nodePath = resolveTfjsNode()?.path;
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

/** A package.json and an empty entry point under <prefix>/node_modules/<name>: enough for the lookup. */
function standIn(prefix: string, name: string): string {
  const pkg = path.join(prefix, 'node_modules', ...name.split('/'));
  fs.mkdirSync(pkg, { recursive: true });
  fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name, version: '0.0.0', main: 'index.js' }));
  fs.writeFileSync(path.join(pkg, 'index.js'), '');
  return fs.realpathSync(path.join(pkg, 'index.js'));
}

test('tfjs-node is found under $SEQLAB_TFJS_NODE_DIR', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-tfjs-node-'));
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-tfjs-node-empty-'));
  try {
    const entry = standIn(dir, NATIVE_PACKAGE);
    assert.deepEqual(resolveTfjsNode({ [NATIVE_DIR_ENV]: dir }), { package: NATIVE_PACKAGE, path: entry });
    // an empty or missing folder falls through to the other places (the repo's .tfjs-node, node_modules)
    assert.deepEqual(resolveTfjsNode({ [NATIVE_DIR_ENV]: empty }), resolveTfjsNode({}));
    assert.deepEqual(resolveTfjsNode({ [NATIVE_DIR_ENV]: path.join(empty, 'missing') }), resolveTfjsNode({}));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(empty, { recursive: true, force: true });
  }
});

test('tfjs-node-gpu is found under $SEQLAB_TFJS_NODE_DIR, and wins over tfjs-node in the same folder', () => {
  const gpuOnly = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-tfjs-node-gpu-'));
  const both = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-tfjs-node-both-'));
  try {
    assert.deepEqual(resolveTfjsNode({ [NATIVE_DIR_ENV]: gpuOnly }), resolveTfjsNode({}), 'nothing there yet');
    const gpuEntry = standIn(gpuOnly, NATIVE_GPU_PACKAGE);
    assert.deepEqual(resolveTfjsNode({ [NATIVE_DIR_ENV]: gpuOnly }), { package: NATIVE_GPU_PACKAGE, path: gpuEntry });
    const cpuEntry = standIn(both, NATIVE_PACKAGE);
    assert.deepEqual(resolveTfjsNode({ [NATIVE_DIR_ENV]: both }), { package: NATIVE_PACKAGE, path: cpuEntry });
    const bothGpuEntry = standIn(both, NATIVE_GPU_PACKAGE);
    assert.deepEqual(resolveTfjsNode({ [NATIVE_DIR_ENV]: both }), { package: NATIVE_GPU_PACKAGE, path: bothGpuEntry });
  } finally {
    fs.rmSync(gpuOnly, { recursive: true, force: true });
    fs.rmSync(both, { recursive: true, force: true });
  }
});

test('a tfjs-node-gpu that does not load falls back to the tfjs wasm engine with a warning naming it, and auto to the wasm kernels', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-tfjs-node-gpu-broken-'));
  try {
    // the installer's stand-in: loads, but every call into it throws, as a tfjs-node-gpu without its libraries would
    const pkg = path.join(dir, 'node_modules', '@tensorflow', 'tfjs-node-gpu');
    fs.cpSync(path.join(root, 'test/fixtures/native-backend/tfjs-node-gpu'), pkg, { recursive: true });
    const entry = fs.realpathSync(path.join(pkg, 'index.js'));
    // in a child: loadTfjs caches its engine per process, and this process may hold the real tfjs-node
    const script = `(async () => {
      const rt = await require('./src/trainer/backends/tfjs/tfjsRuntime.ts').loadTfjs();
      const spec = { cell: 'lstm', input: 'tokens', inputSize: 5, embedSize: 4, hiddenSize: ${TRIAL_FROM_HIDDEN}, layers: 1, outputSize: 5, head: 'every', loss: 'xent', dropout: 0 };
      const made = await require('./src/trainer/backends/createBackend.ts').createBackend('auto', { spec, batch: 2, steps: 3, threads: 1 });
      await made.backend.dispose();
      process.stdout.write(JSON.stringify({ engine: rt.engine, native: rt.native ?? null, label: rt.label, backend: made.backend.name, reason: made.reason }));
    })();`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: root, encoding: 'utf8', timeout: 120_000, env: { ...process.env, [NATIVE_DIR_ENV]: dir } });
    assert.equal(r.status, 0, r.stderr);
    const got = JSON.parse(r.stdout) as { engine: string; native: string | null; label: string; backend: string; reason: string };
    assert.deepEqual({ engine: got.engine, native: got.native, backend: got.backend }, { engine: 'wasm', native: null, backend: 'wasm' });
    assert.match(got.label, /^tfjs \S+ · wasm \(SIMD\)$/);
    assert.equal(got.reason, 'auto: wasm kernels (tfjs-node-gpu is installed but did not load)');
    assert.ok(r.stderr.includes(`tfjs-node-gpu at ${entry} failed to load, using the tfjs wasm engine: SeqLab test stand-in for @tensorflow/tfjs-node-gpu`), r.stderr);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
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
