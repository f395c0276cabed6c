// The training loop end to end on small synthetic and text configs: run folders, determinism,
// data parallelism, divergence, cancel + resume.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { EvalRecord, StepRecord } from '../../src/shared/metrics';
import { RUN_FILES } from '../../src/runs/runFiles';
import { readDiagnosticsIndex, readDiagnosticsSnapshot, readMetrics } from '../../src/runs/runReader';
import { resolveRun } from '../../src/runs/runReference';
import { WasmBackend } from '../../src/trainer/backends/wasm/wasmBackend';
import { TrainError } from '../../src/trainer/errors';
import { initParams } from '../../src/trainer/init';
import type { ModelSpec } from '../../src/trainer/model';
import { Rng } from '../../src/trainer/rng';
import { train } from '../../src/trainer/training';

function workspace(config: object, files: Record<string, string> = {}): { configPath: string; runsDir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-train-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  const configPath = path.join(dir, 'exp.seqlab.json');
  fs.writeFileSync(configPath, JSON.stringify(config, null, 2));
  return { configPath, runsDir: path.join(dir, '.seqlab', 'runs') };
}

const adding = (training: object = {}, model: object = {}) => ({
  name: 'adding test',
  data: { kind: 'synthetic', task: 'adding', length: 12, samples: 512 },
  model: { cell: 'lstm', hiddenSize: 16, ...model },
  training: { maxSteps: 30, batchSize: 16, validateEvery: 10, checkpointEvery: 10, threads: 1, ...training },
  diagnostics: { every: 10 },
});

const losses = async (dir: string) => (await readMetrics(dir)).filter((m): m is StepRecord => m.kind === 'step').map((m) => m.loss);

test('a synthetic run produces a complete, readable run folder', async () => {
  const ws = workspace(adding());
  const out = await train({ configPath: ws.configPath, runsDir: ws.runsDir });
  assert.equal(out.kind, 'finished');
  const run = await resolveRun(ws.runsDir, out.runId);
  assert.equal(run.status.kind, 'finished');
  assert.equal(run.meta.info.task, 'adding');
  assert.ok(Math.abs(run.meta.info.baselines![0].value - 1 / 24) < 1e-3);
  for (const f of [RUN_FILES.config, RUN_FILES.meta, RUN_FILES.metrics, RUN_FILES.diagnosticsBin, RUN_FILES.weightsBin, RUN_FILES.weightsJson]) {
    assert.ok(fs.existsSync(path.join(run.dir, f)), f);
  }
  const metrics = await readMetrics(run.dir);
  assert.equal(metrics.filter((m) => m.kind === 'step').length, 30);
  const evals = metrics.filter((m): m is EvalRecord => m.kind === 'eval');
  assert.deepEqual(evals.map((e) => e.step), [10, 20, 30]);
  assert.ok(evals.every((e) => Number.isFinite(e.loss) && e.solved !== undefined));
  // snapshots at 0, 10, 20, 30 with hidden states, gates and both gradient views
  const index = await readDiagnosticsIndex(run.dir);
  assert.deepEqual(index.map((e) => e.step), [0, 10, 20, 30]);
  const snap = await readDiagnosticsSnapshot(run.dir, index[3]);
  assert.deepEqual(snap.arrays['l0.h'].shape, [12, 16]);
  assert.deepEqual(snap.arrays['l0.gates'].shape, [12, 64]);
  assert.equal(snap.arrays['l0.dhLast'].data.length, 12);
  assert.ok(snap.arrays['l0.dh'].data.every((v) => Number.isFinite(v) && v >= 0));
  assert.ok(snap.arrays['l0.h'].data.every((v) => v > -1 && v < 1));
  assert.ok(snap.gradNorms!['l0.Wh'] > 0);
});

test('the same seed gives the identical loss sequence; another seed does not', async () => {
  const a = workspace(adding({ maxSteps: 15 }));
  const b = workspace(adding({ maxSteps: 15 }));
  const c = workspace(adding({ maxSteps: 15, seed: 99 }));
  const la = await losses((await train({ configPath: a.configPath, runsDir: a.runsDir })).runDir!);
  const lb = await losses((await train({ configPath: b.configPath, runsDir: b.runsDir })).runDir!);
  const lc = await losses((await train({ configPath: c.configPath, runsDir: c.runsDir })).runDir!);
  assert.deepEqual(la, lb);
  assert.notDeepEqual(la, lc);
});

test('two threads give the same step as one thread on the same batch', async () => {
  const spec: ModelSpec = { cell: 'gru', input: 'tokens', inputSize: 13, embedSize: 6, hiddenSize: 20, layers: 2, outputSize: 13, head: 'every', loss: 'xent', dropout: 0 };
  const B = 10, T = 7;
  const rng = new Rng(5);
  const x = Int32Array.from({ length: B * T }, () => rng.int(13));
  const y = Int32Array.from({ length: B * T }, () => rng.int(13));
  const params = initParams(spec, rng, { forgetBias: 1, recurrentSpectralRadius: 0 });
  const opt = { kind: 'adam' as const, learningRate: 0.01, momentum: 0, clipNorm: 1, clipValue: 0 };
  const one = await WasmBackend.create({ spec, batch: B, steps: T, threads: 1 });
  const two = await WasmBackend.create({ spec, batch: B, steps: T, threads: 2 });
  try {
    assert.match(two.device, /2 threads/);
    one.setParams(params);
    two.setParams(params);
    for (let s = 0; s < 3; s++) {
      const r1 = await one.trainStep({ x, y, size: B }, opt, s);
      const r2 = await two.trainStep({ x, y, size: B }, opt, s);
      assert.ok(Math.abs(r1.loss - r2.loss) < 1e-5 * r1.loss, `loss ${r1.loss} vs ${r2.loss}`);
      assert.ok(Math.abs(r1.gradNorm - r2.gradNorm) < 1e-4 * r1.gradNorm);
      assert.equal(r1.clipped, r2.clipped);
    }
    const p1 = one.getParams(), p2 = two.getParams();
    let maxDiff = 0;
    for (let i = 0; i < p1.length; i++) maxDiff = Math.max(maxDiff, Math.abs(p1[i] - p2[i]));
    assert.ok(maxDiff < 1e-5, `params differ by ${maxDiff}`);
    assert.notDeepEqual(p1, params);
  } finally {
    await one.dispose();
    await two.dispose();
  }
});

test('a diverging run stops with a clear error and keeps its last checkpoint', async () => {
  const ws = workspace(adding({ optimizer: 'sgd', learningRate: 10, clipping: { globalNorm: 0, value: 0 }, maxSteps: 50, checkpointEvery: 1 }, { cell: 'rnn', recurrentSpectralRadius: 3 }));
  await assert.rejects(train({ configPath: ws.configPath, runsDir: ws.runsDir }), (e: unknown) => {
    assert.ok(e instanceof TrainError);
    assert.equal(e.kind, 'diverged');
    assert.match(e.message, /diverged at step \d+/);
    assert.match(e.message, /lower learning rate/);
    // checkpointEvery 1: the step before the divergence
    assert.match(e.message, new RegExp(`The checkpoint of step ${e.step! - 1} is kept \\(resume with: seqlab train --resume `));
    return true;
  });
  const run = await resolveRun(ws.runsDir, 'adding');
  assert.equal(run.status.kind, 'failed');
  assert.deepEqual(run.meta.end, { by: 'divergence', step: run.status.step });
  assert.ok(fs.readdirSync(path.join(run.dir, RUN_FILES.checkpoints)).length > 0);
});

test('a cancelled run resumes from its checkpoint and continues the same loss sequence', async () => {
  const cfg = adding({ maxSteps: 24, checkpointEvery: 0 }, { dropout: 0.3, layers: 2 });
  const straight = workspace(cfg);
  const full = await losses((await train({ configPath: straight.configPath, runsDir: straight.runsDir })).runDir!);

  const ws = workspace(cfg);
  let steps = 0;
  const first = await train({ configPath: ws.configPath, runsDir: ws.runsDir }, { progress: (p) => (steps = p.step) }, () => steps >= 11);
  assert.equal(first.kind, 'cancelled');
  assert.equal(first.step, 11);
  assert.equal((await resolveRun(ws.runsDir, first.runId!)).status.kind, 'cancelled');
  const second = await train({ configPath: ws.configPath, runsDir: ws.runsDir, resumeRunId: first.runId });
  assert.equal(second.kind, 'finished');
  assert.equal(second.runId, first.runId);
  const resumed = await losses(second.runDir);
  assert.equal(resumed.length, 24);
  for (let i = 0; i < 24; i++) assert.ok(Math.abs(resumed[i] - full[i]) <= 1e-6 * Math.abs(full[i]), `step ${i + 1}: ${resumed[i]} vs ${full[i]}`);
});

test('a text run trains a char model and writes samples', async () => {
  const corpus = 'the quick brown fox jumps over the lazy dog. '.repeat(40);
  const ws = workspace(
    {
      name: 'chars',
      data: { kind: 'text', path: 'corpus.txt' },
      model: { cell: 'gru', hiddenSize: 24, embeddingSize: 8 },
      training: { maxSteps: 60, batchSize: 8, sequenceLength: 16, validateEvery: 30, learningRate: 0.01, threads: 2 },
      diagnostics: { every: 30, probe: { text: 'the quick' }, sampleLength: 20, sampleTemperatures: [0.5] },
    },
    { 'corpus.txt': corpus },
  );
  const out = await train({ configPath: ws.configPath, runsDir: ws.runsDir });
  const metrics = await readMetrics(out.runDir!);
  const l = await losses(out.runDir!);
  assert.ok(l.at(-1)! < l[0] * 0.6, `loss ${l[0]} → ${l.at(-1)}`);
  const samples = metrics.filter((m) => m.kind === 'sample');
  assert.ok(samples.length >= 1);
  const run = await resolveRun(ws.runsDir, out.runId!);
  assert.deepEqual(run.meta.info.probeTokens, Array.from('the quic'));
});

test('a CSV forecast run records forecast against actual in the data\'s own units', async () => {
  const rows = ['date,temp'];
  for (let i = 0; i < 200; i++) rows.push(`2020-01-${String((i % 28) + 1).padStart(2, '0')},${(20 + 5 * Math.sin(i / 5)).toFixed(3)}`);
  const ws = workspace(
    {
      name: 'forecast',
      data: { kind: 'csv', path: 'series.csv', targets: ['temp'], dateColumns: ['date'], lookback: 8 },
      model: { cell: 'lstm', hiddenSize: 8 },
      training: { maxSteps: 20, batchSize: 16, validateEvery: 10, threads: 1 },
      diagnostics: { every: 10 },
    },
    { 'series.csv': rows.join('\n') + '\n' },
  );
  const out = await train({ configPath: ws.configPath, runsDir: ws.runsDir });
  const evals = (await readMetrics(out.runDir!)).filter((m): m is EvalRecord => m.kind === 'eval');
  assert.ok(evals.at(-1)!.rmse! > 0);
  const index = await readDiagnosticsIndex(out.runDir!);
  const snap = await readDiagnosticsSnapshot(out.runDir!, index.at(-1)!);
  const actual = snap.arrays['forecast.actual'].data;
  assert.equal(actual.length, snap.arrays['forecast.pred'].data.length);
  // denormalised: the actual values are temperatures between 15 and 25, not z-scores
  assert.ok(actual.every((v) => v >= 14.9 && v <= 25.1), `actual ${actual.slice(0, 5)}`);
});

test('a cosine schedule anneals the learning rate each step records, and a resumed run stays on the curve', async () => {
  const cfg = adding({ maxSteps: 20, checkpointEvery: 10, learningRate: 0.01, learningRateSchedule: 'cosine', minLearningRate: 0.001 });
  const ws = workspace(cfg);
  const out = await train({ configPath: ws.configPath, runsDir: ws.runsDir });
  const lrs = (await readMetrics(out.runDir!)).filter((m): m is StepRecord => m.kind === 'step').map((m) => m.learningRate);
  assert.equal(lrs.length, 20);
  assert.equal(lrs[0], 0.01);
  assert.ok(Math.abs(lrs[19] - 0.001) < 1e-12, String(lrs[19]));
  assert.ok(lrs.every((lr, i) => i === 0 || lr < lrs[i - 1]), lrs.join(' '));
  // stopped at step 10 and resumed: the second half uses the same rates
  const again = workspace(cfg);
  let steps = 0;
  const first = await train({ configPath: again.configPath, runsDir: again.runsDir }, { progress: (p) => (steps = p.step) }, () => steps >= 10);
  assert.equal(first.kind, 'cancelled');
  const resumed = await train({ configPath: again.configPath, runsDir: again.runsDir, resumeRunId: path.basename(first.runDir!) });
  const lrs2 = (await readMetrics(resumed.runDir!)).filter((m): m is StepRecord => m.kind === 'step').map((m) => m.learningRate);
  assert.deepEqual(lrs2.slice(-10), lrs.slice(-10));
});
