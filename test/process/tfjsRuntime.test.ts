// TensorFlow.js's engines as the tfjs backend loads them (tfjsRuntime.ts): the wasm engine from its SIMD
// binary, found in tfjs-backend-wasm's dist/ from src and next to the bundle in dist/ (the build copies it
// there); the cpu engine on request; backends on both engines in one process each running on their own;
// Node's handling of uncaught errors left as it was. The order tensorflow > wasm > cpu when tfjs-node
// is installed but broken: tfjsNode.test.ts.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
// @ts-expect-error plain .mjs build script
import { copyTfjsWasm, TFJS_WASM_FILES } from '../../scripts/build.mjs';
import { TfjsBackend } from '../../src/trainer/backends/tfjs/tfjsBackend';
import { loadTfjs, TFJS_WASM_BINARY, tfjsWasmDir } from '../../src/trainer/backends/tfjs/tfjsRuntime';
import { paramCount } from '../../src/trainer/model';
import { fillParams, makeBatch, tinyCase } from '../unit/wasmCases';

const root = path.resolve(__dirname, '../..');

test('the build copies exactly the wasm binary the runtime loads, and the runtime finds it next to the bundle', () => {
  assert.deepEqual(TFJS_WASM_FILES, [TFJS_WASM_BINARY]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-dist-'));
  try {
    copyTfjsWasm(dir);
    assert.deepEqual(fs.readdirSync(dir), [TFJS_WASM_BINARY]);
    assert.ok(fs.readFileSync(path.join(dir, TFJS_WASM_BINARY)).equals(fs.readFileSync(path.join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist', TFJS_WASM_BINARY))));
    assert.equal(tfjsWasmDir([dir]), dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('from src the wasm binary comes from the tfjs-backend-wasm package', () => {
  const dir = tfjsWasmDir();
  assert.equal(fs.realpathSync(dir!), fs.realpathSync(path.join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist')));
  // a folder without it is passed over
  assert.equal(tfjsWasmDir([os.tmpdir()]), dir);
});

test("loadTfjs('wasm') runs TensorFlow.js's wasm engine with SIMD, loadTfjs('cpu') its cpu engine, on one tfjs", async () => {
  const wasm = await loadTfjs('wasm');
  assert.equal(wasm.engine, 'wasm');
  assert.match(wasm.label, /^tfjs 4\.22\.0 · wasm \(SIMD\)$/);
  assert.equal(wasm.tf.getBackend(), 'wasm');
  const cpu = await loadTfjs('cpu');
  assert.equal(cpu.engine, 'cpu');
  assert.equal(cpu.label, 'tfjs 4.22.0 · cpu');
  assert.equal(cpu.tf, wasm.tf);
  assert.equal(cpu.tf.getBackend(), 'cpu');
  assert.equal(await loadTfjs('wasm'), wasm);   // loaded once per process
  assert.equal(wasm.tf.getBackend(), 'wasm');
});

test('tfjs backends on the wasm and cpu engines in one process each run their ops on their own engine', async () => {
  const c = tinyCase('lstm 1L tokens+xent+every');
  const p = new Float32Array(paramCount(c.spec));
  fillParams(p, 3);
  const batch = { ...makeBatch(c, 4), size: c.batch };
  const { tf } = await loadTfjs('cpu');
  const onWasm = await TfjsBackend.create({ spec: c.spec, engine: 'wasm' });
  const onCpu = await TfjsBackend.create({ spec: c.spec, engine: 'cpu' });
  try {
    onWasm.setParams(p);
    onCpu.setParams(p);
    const opt = { kind: 'adam' as const, learningRate: 0.01, momentum: 0, clipNorm: 0, clipValue: 0 };
    for (let s = 0; s < 2; s++) {
      const a = await onWasm.trainStep(batch, opt, s);
      assert.equal(tf.getBackend(), 'wasm');
      const b = await onCpu.trainStep(batch, opt, s);
      assert.equal(tf.getBackend(), 'cpu');
      assert.ok(Math.abs(a.loss - b.loss) / b.loss < 1e-5, `step ${s}: ${a.loss} vs ${b.loss}`);
    }
    onWasm.evaluate(batch);
    assert.equal(tf.getBackend(), 'wasm');
  } finally {
    await onWasm.dispose();
    await onCpu.dispose();
  }
});

test("starting the wasm engine leaves Node's uncaughtException and unhandledRejection listeners as they were", () => {
  // in a child: this process may have started the engine already
  const script = `(async () => {
    const count = () => ['uncaughtException', 'unhandledRejection'].map((e) => process.listeners(e).length);
    const before = count();
    const rt = await require('./src/trainer/backends/tfjs/tfjsRuntime.ts').loadTfjs('wasm');
    process.stdout.write(JSON.stringify({ engine: rt.engine, before, after: count() }));
  })();`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const got = JSON.parse(r.stdout) as { engine: string; before: number[]; after: number[] };
  assert.equal(got.engine, 'wasm');
  assert.deepEqual(got.after, got.before);
});
