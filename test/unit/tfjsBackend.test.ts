// The TensorFlow.js backend against the wasm backend (same weights, same batches) and against the
// TensorFlow Python fixtures: loss, every parameter gradient, ‖∂L/∂h_t‖, ‖∂L_T/∂h_t‖, ‖∂L/∂c_t‖ and the
// traces to 1e-4 relative; optimizer steps to 1e-5; no tensor leak; a whole run through train().
// Runs on the tfjs cpu engine, and the diagnostics, sampling and leak checks also on the wasm engine
// (tfjs-node, when installed, is not used here).

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { resolveRun } from '../../src/runs/runReference';
import type { Backend, Batch, DiagnoseResult, OptimizerSettings } from '../../src/trainer/backends/backend';
import { TfjsBackend } from '../../src/trainer/backends/tfjs/tfjsBackend';
import type { TfEngineRequest } from '../../src/trainer/backends/tfjs/tfjsRuntime';
import { WasmBackend } from '../../src/trainer/backends/wasm/wasmBackend';
import { paramCount, paramLayout, type ModelSpec } from '../../src/trainer/model';
import { train } from '../../src/trainer/training';
import { flatGrads, flatParams, loadTfFixtures } from './tfReference';
import { fillParams, makeBatch, relErr, tinyCase, tinyCases, type Case } from './wasmCases';

const TOL = 1e-4;
const worst = new Map<string, number>();
function within(what: string, err: number, tol: number, group: string): void {
  worst.set(group, Math.max(worst.get(group) ?? 0, err));
  assert.ok(err < tol, `${what}: relative error ${err.toExponential(2)} ≥ ${tol}`);
}
after(() => {
  for (const [g, e] of worst) console.log(`# max relative error, ${g}: ${e.toExponential(2)}`);
});

const batchOf = (c: Case, seed: number): Batch => ({ ...makeBatch(c, seed), size: c.batch });

async function pair(c: Case, seed = 7, engine: TfEngineRequest = 'cpu'): Promise<{ wasm: Backend; tfjs: TfjsBackend }> {
  const wasm = await WasmBackend.create({ spec: c.spec, batch: c.batch, steps: c.steps, threads: 1, relaxedSimd: false });
  const tfjs = await TfjsBackend.create({ spec: c.spec, engine });
  const p = new Float32Array(paramCount(c.spec));
  fillParams(p, seed);
  wasm.setParams(p);
  tfjs.setParams(p);
  return { wasm, tfjs };
}

function compareDiagnostics(spec: ModelSpec, got: DiagnoseResult, ref: DiagnoseResult, group: string): void {
  within('loss', Math.abs(got.loss - ref.loss) / Math.abs(ref.loss), TOL, group);
  for (const p of paramLayout(spec)) {
    within(`gradient of ${p.name}`, relErr(got.grads.subarray(p.offset, p.offset + p.size), ref.grads.subarray(p.offset, p.offset + p.size)), TOL, group);
  }
  ref.layers.forEach((r, l) => {
    const g = got.layers[l];
    within(`l${l} h_t`, relErr(g.hidden, r.hidden), TOL, group);
    within(`l${l} ‖∂L/∂h_t‖`, relErr(g.dh, r.dh), TOL, group);
    within(`l${l} ‖∂L_T/∂h_t‖`, relErr(g.dhLast, r.dhLast), TOL, group);
    if (r.gates) within(`l${l} gates`, relErr(g.gates!, r.gates), TOL, group);
    if (r.cell) within(`l${l} c_t`, relErr(g.cell!, r.cell), TOL, group);
    if (r.dc) within(`l${l} ‖∂L/∂c_t‖`, relErr(g.dc!, r.dc), TOL, group);
  });
}

for (const c of tinyCases()) {
  test(`tfjs matches wasm: ${c.name}`, async () => {
    const { wasm, tfjs } = await pair(c);
    try {
      const batch = batchOf(c, 8);
      compareDiagnostics(c.spec, tfjs.diagnose(batch), wasm.diagnose(batch), 'vs wasm (loss, grads, norms, traces)');
      const e = tfjs.evaluate(batch), r = wasm.evaluate(batch);
      within('evaluate loss', Math.abs(e.loss - r.loss) / r.loss, TOL, 'vs wasm evaluate');
      within('evaluate outputs', relErr(e.outputs, r.outputs), TOL, 'vs wasm evaluate');
      assert.equal(e.positions, r.positions);
      assert.equal(e.correct, r.correct);
    } finally {
      await wasm.dispose();
      await tfjs.dispose();
    }
  });
}

// diagnostics run the unrolled graph with autodiff: on the wasm engine that is every op's gradient kernel there
for (const c of tinyCases().filter((k) => k.spec.layers === 2 || k.spec.cell === 'lstm')) {
  test(`tfjs on the wasm engine matches wasm: ${c.name}`, async () => {
    const { wasm, tfjs } = await pair(c, 7, 'wasm');
    try {
      assert.equal(tfjs.engine, 'wasm');
      const batch = batchOf(c, 8);
      compareDiagnostics(c.spec, tfjs.diagnose(batch), wasm.diagnose(batch), 'tfjs wasm engine vs wasm (loss, grads, norms, traces)');
    } finally {
      await wasm.dispose();
      await tfjs.dispose();
    }
  });
}

const fixtures = loadTfFixtures();
for (const f of fixtures) {
  test(`tfjs matches TensorFlow: ${f.case}`, async () => {
    const tfjs = await TfjsBackend.create({ spec: f.spec, engine: 'cpu' });
    try {
      tfjs.setParams(flatParams(f));
      const x = f.spec.input === 'tokens' ? Int32Array.from(f.x) : Float32Array.from(f.x);
      const y = f.spec.loss === 'xent' ? Int32Array.from(f.y) : Float32Array.from(f.y);
      const d = tfjs.diagnose({ x, y, size: f.batch });
      const group = 'vs TensorFlow fixtures';
      within('loss', Math.abs(d.loss - f.loss) / Math.abs(f.loss), TOL, group);
      const ref = flatGrads(f);
      for (const p of paramLayout(f.spec)) {
        within(`gradient of ${p.name}`, relErr(d.grads.subarray(p.offset, p.offset + p.size), ref.subarray(p.offset, p.offset + p.size)), TOL, group);
      }
      d.layers.forEach((t, l) => {
        within(`l${l} ‖∂L/∂h_t‖`, relErr(t.dh, f.dhNorm[l]), TOL, group);
        within(`l${l} ‖∂L_T/∂h_t‖`, relErr(t.dhLast, f.dhNormLast[l]), TOL, group);
        within(`l${l} h_t`, relErr(t.hidden, f.hidden[l]), TOL, group);
        if (f.dcNorm) within(`l${l} ‖∂L/∂c_t‖`, relErr(t.dc!, f.dcNorm[l]), TOL, group);
      });
    } finally {
      await tfjs.dispose();
    }
  });
}

const OPTIMIZERS: [string, OptimizerSettings][] = [
  ['adam', { kind: 'adam', learningRate: 0.01, momentum: 0, clipNorm: 0, clipValue: 0 }],
  ['rmsprop', { kind: 'rmsprop', learningRate: 0.01, momentum: 0, clipNorm: 0, clipValue: 0 }],
  ['sgd + momentum', { kind: 'sgd', learningRate: 0.05, momentum: 0.9, clipNorm: 0, clipValue: 0 }],
  ['adam, global-norm clipped', { kind: 'adam', learningRate: 0.01, momentum: 0, clipNorm: 0.05, clipValue: 0 }],
  ['sgd, value clipped', { kind: 'sgd', learningRate: 0.05, momentum: 0, clipNorm: 0, clipValue: 0.01 }],
];

for (const [name, opt] of OPTIMIZERS) {
  test(`three ${name} steps equal the wasm backend's`, async () => {
    const c = tinyCase('lstm 2L tokens+xent+every');
    const { wasm, tfjs } = await pair(c, 11);
    try {
      for (let s = 0; s < 3; s++) {
        const batch = batchOf(c, 20 + s);
        const a = await tfjs.trainStep(batch, opt, s), b = await wasm.trainStep(batch, opt, s);
        within('step loss', Math.abs(a.loss - b.loss) / b.loss, TOL, 'optimizer steps (loss, gradNorm)');
        within('gradNorm', Math.abs(a.gradNorm - b.gradNorm) / b.gradNorm, TOL, 'optimizer steps (loss, gradNorm)');
        assert.equal(a.clipped, b.clipped);
      }
      const pa = tfjs.getParams(), pb = wasm.getParams();
      for (const p of paramLayout(c.spec)) {
        within(`${p.name} after 3 steps`, relErr(pa.subarray(p.offset, p.offset + p.size), pb.subarray(p.offset, p.offset + p.size)), 1e-5, 'optimizer steps (params)');
      }
      const sa = tfjs.getOptimizerState(), sb = wasm.getOptimizerState();
      assert.equal(sa.step, sb.step);
      assert.equal(sa.slots.length, sb.slots.length);
    } finally {
      await wasm.dispose();
      await tfjs.dispose();
    }
  });
}

test('dropout draws the same masks as the single-threaded wasm kernels', async () => {
  const base = tinyCase('gru 2L tokens+xent+every');
  const c: Case = { ...base, spec: { ...base.spec, dropout: 0.3 } };
  const { wasm, tfjs } = await pair(c, 3);
  try {
    const opt: OptimizerSettings = { kind: 'sgd', learningRate: 0.1, momentum: 0, clipNorm: 0, clipValue: 0 };
    const batch = batchOf(c, 4);
    const a = await tfjs.trainStep(batch, opt, 12345), b = await wasm.trainStep(batch, opt, 12345);
    within('loss with dropout', Math.abs(a.loss - b.loss) / b.loss, TOL, 'dropout step');
    within('params after a dropout step', relErr(tfjs.getParams(), wasm.getParams()), 1e-5, 'dropout step');
  } finally {
    await wasm.dispose();
    await tfjs.dispose();
  }
});

test('optimizer state round-trips through get/setOptimizerState', async () => {
  const c = tinyCase('rnn 1L dense+mse+last');
  const { tfjs } = { tfjs: await TfjsBackend.create({ spec: c.spec, engine: 'cpu' }) };
  const other = await TfjsBackend.create({ spec: c.spec, engine: 'cpu' });
  try {
    const p = new Float32Array(tfjs.paramCount);
    fillParams(p, 2);
    tfjs.setParams(p);
    const opt: OptimizerSettings = { kind: 'adam', learningRate: 0.01, momentum: 0, clipNorm: 0, clipValue: 0 };
    await tfjs.trainStep(batchOf(c, 1), opt, 0);
    other.setParams(tfjs.getParams());
    other.setOptimizerState(tfjs.getOptimizerState());
    await tfjs.trainStep(batchOf(c, 2), opt, 0);
    await other.trainStep(batchOf(c, 2), opt, 0);
    assert.deepEqual(other.getParams(), tfjs.getParams());
    assert.equal(other.getOptimizerState().step, 2);
  } finally {
    await tfjs.dispose();
    await other.dispose();
  }
});

for (const engine of ['cpu', 'wasm'] as const) test(`the stepper carries state: stepping a sequence equals the last row of a forward over it (tfjs ${engine})`, async () => {
  const c = tinyCase('lstm 2L tokens+xent+every');
  const { tfjs } = { tfjs: await TfjsBackend.create({ spec: c.spec, engine }) };
  try {
    const p = new Float32Array(tfjs.paramCount);
    fillParams(p, 5);
    tfjs.setParams(p);
    const tokens = Int32Array.from([1, 4, 2, 6]);
    const e = tfjs.evaluate({ x: tokens, y: new Int32Array(4), size: 1 });
    const s = tfjs.stepper();
    let out: Float32Array = new Float32Array(0);
    for (const t of tokens) out = s.step(t);
    assert.ok(relErr(out, e.outputs.subarray(3 * 7)) < 1e-5);
    s.reset();
    assert.ok(relErr(s.step(1), e.outputs.subarray(0, 7)) < 1e-5);
  } finally {
    await tfjs.dispose();
  }
});

for (const engine of ['cpu', 'wasm'] as const) test(`no tensor leak: 200 train steps with evaluate, diagnose and sampling keep the tensor count flat (tfjs ${engine})`, async () => {
  const base = tinyCase('lstm 2L tokens+xent+every');
  const c: Case = { ...base, spec: { ...base.spec, dropout: 0.2 } };
  const tfjs = await TfjsBackend.create({ spec: c.spec, engine });
  try {
    const p = new Float32Array(tfjs.paramCount);
    fillParams(p, 9);
    tfjs.setParams(p);
    const opt: OptimizerSettings = { kind: 'adam', learningRate: 0.001, momentum: 0, clipNorm: 1, clipValue: 0.5 };
    const batch = batchOf(c, 3);
    const s = tfjs.stepper();
    const round = async (i: number) => {
      await tfjs.trainStep(batch, opt, i);
      if (i % 50 === 0) {
        tfjs.evaluate(batch);
        tfjs.diagnose(batch);
        s.step(i % 7);
      }
    };
    await round(0);   // creates the optimizer slots and the sampler state
    const start = tfjs.tensorCount();
    for (let i = 1; i <= 200; i++) await round(i);
    assert.equal(tfjs.tensorCount(), start);
  } finally {
    await tfjs.dispose();
  }
});

test('train() with training.backend "tfjs" writes a run whose meta says tfjs', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-tfjs-'));
  const configPath = path.join(dir, 'exp.seqlab.json');
  fs.writeFileSync(configPath, JSON.stringify({
    name: 'tfjs smoke',
    data: { kind: 'synthetic', task: 'adding', length: 6, samples: 64 },
    model: { cell: 'gru', hiddenSize: 8 },
    training: { maxSteps: 6, batchSize: 8, validateEvery: 3, checkpointEvery: 3, threads: 1, backend: 'tfjs' },
    diagnostics: { every: 3 },
  }));
  const runsDir = path.join(dir, '.seqlab', 'runs');
  const out = await train({ configPath, runsDir });
  assert.equal(out.kind, 'finished');
  const run = await resolveRun(runsDir, out.runId);
  assert.equal(run.meta.info.backend, 'tfjs');
  assert.match(run.meta.info.device, /^tfjs/);
});
