// The memory and disk estimate a run makes before it starts (training/resources.ts, preflight.ts):
// one model copy against what the wasm kernels really allocate, whole runs against the peak memory
// measured on real runs (test/fixtures/resources/measured.json), and the rules that refuse or warn.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { ResourceEstimate } from '../../src/shared/metrics';
import { formatBytes } from '../../src/shared/runReport';
import { loadDataset } from '../../src/trainer/data';
import type { ModelSpec } from '../../src/trainer/model';
import { loadConfigFile } from '../../src/trainer/training';
import { trainingPlan } from '../../src/trainer/training/plan';
import { preflight } from '../../src/trainer/training/preflight';
import { estimateResources, judgeResources, WASM_MAX_BYTES, wasmInstanceBytes } from '../../src/trainer/training/resources';

const fixtures = path.resolve(__dirname, '../fixtures/resources');
const GB = 2 ** 30;
const roomy = { totalBytes: 64 * GB, availableBytes: 60 * GB };

/** The resident memory a fresh process gains by creating one WasmModel of `spec` (bytes). */
function measuredInstance(spec: ModelSpec, batch: number, steps: number): number {
  const wasmModel = path.resolve(__dirname, '../../src/trainer/backends/wasm/wasmModel.ts');
  const code = `const { WasmModel } = require(${JSON.stringify(wasmModel)});
    const before = process.memoryUsage().rss;
    const m = WasmModel.create({ spec: ${JSON.stringify(spec)}, batch: ${batch}, steps: ${steps} });
    process.stdout.write(String(process.memoryUsage().rss - before));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return Number(r.stdout);
}

test('one model copy: the estimate is what the wasm kernels allocate, to 3 %', () => {
  const shapes: [ModelSpec, number, number][] = [
    [{ cell: 'lstm', input: 'tokens', inputSize: 65, embedSize: 32, hiddenSize: 768, layers: 2, outputSize: 65, head: 'every', loss: 'xent', dropout: 0.2 }, 16, 64],
    [{ cell: 'gru', input: 'dense', inputSize: 3, embedSize: 0, hiddenSize: 512, layers: 1, outputSize: 1, head: 'last', loss: 'mse', dropout: 0 }, 32, 150],
  ];
  for (const [spec, batch, steps] of shapes) {
    const estimate = wasmInstanceBytes(spec, batch, steps).total, measured = measuredInstance(spec, batch, steps);
    console.log(`${spec.cell} ${spec.hiddenSize}×${spec.layers}, ${batch}×${steps}: estimate ${formatBytes(estimate)}, measured ${formatBytes(measured)}`);
    assert.ok(Math.abs(estimate / measured - 1) < 0.03, `estimate ${estimate}, measured ${measured}`);
  }
});

function estimateOf(configFile: string): ResourceEstimate {
  const { config } = loadConfigFile(configFile);
  const t = config.training;
  const data = loadDataset(config.data, { configDir: path.dirname(configFile), validationSplit: config.validationSplit, sequenceLength: t.sequenceLength });
  const plan = trainingPlan(t, data.trainSize);
  const setup = { config, cell: config.model.cell, backend: t.backend, threads: t.threads, batchSize: plan.batchSize };
  return preflight(data, setup, plan, roomy).estimate!;
}

test('whole runs: the estimate is within 10 % of the peak memory measured on real runs of three shapes', () => {
  const measured = JSON.parse(fs.readFileSync(path.join(fixtures, 'measured.json'), 'utf8')) as { peakRssBytes: Record<string, number> };
  for (const [name, peak] of Object.entries(measured.peakRssBytes)) {
    const e = estimateOf(path.join(fixtures, `${name}.seqlab.json`));
    console.log(`${name}: estimate ${formatBytes(e.memory.total)}, measured peak ${formatBytes(peak)} (${(100 * (e.memory.total / peak - 1)).toFixed(1)} %)`);
    assert.ok(Math.abs(e.memory.total / peak - 1) < 0.1, `${name}: estimate ${e.memory.total}, measured ${peak}`);
  }
});

const charLm = (hiddenSize: number, layers: number, threads = 2): ResourceEstimate => estimateResources({
  spec: { cell: 'lstm', input: 'tokens', inputSize: 41, embedSize: 32, hiddenSize, layers, outputSize: 41, head: 'every', loss: 'xent', dropout: 0 },
  steps: 64, threadRows: Array.from({ length: threads }, () => 16 / threads), optimizerSlots: 1,
  auxShapes: [{ rows: 5, steps: 64 }, { rows: 1, steps: 10 }, { rows: 1, steps: 1 }], dataBytes: 15_000, backend: 'wasm',
});
const knobs = { hiddenSize: 4096, layers: 8, batchSize: 16, sequenceLength: 64, threads: 2 };

test('hidden 4096 × 8 layers is refused: one copy is larger than the 4 GiB the wasm kernels address', () => {
  const e = charLm(4096, 8);
  assert.ok(e.largestCopy > WASM_MAX_BYTES);
  const v = judgeResources(e, roomy, knobs, 'wasm');
  assert.match(v.refusal ?? '', /model copy takes 2\d\.\d GB, and the wasm kernels address at most 4\.00 GB per copy\. Lower model\.hiddenSize \(4096\) or model\.layers \(8\)/);
  assert.match(v.refusal ?? '', /"backend": "tfjs"/);
});

test('a run larger than the available memory is refused with the numbers and what to lower; half of it is warned about', () => {
  const e = charLm(2048, 1);
  const total = e.memory.total;
  const tight = judgeResources(e, { totalBytes: 16 * GB, availableBytes: total * 0.9 }, { ...knobs, hiddenSize: 2048, layers: 1 }, 'wasm');
  assert.match(tight.refusal ?? '', new RegExp(`needs about ${formatBytes(total).replace('.', '\\.')} of memory \\(.* for 5 copies of the model .*\\); this machine has .* available \\(16\\.0 GB in all\\)\\. Lower model\\.hiddenSize \\(2048\\) or model\\.layers \\(1\\)`));
  assert.match(tight.refusal ?? '', /training\.threads \(2: each thread holds its own copy of the model\)/);
  const half = judgeResources(e, { totalBytes: 16 * GB, availableBytes: total * 1.5 }, knobs, 'wasm');
  assert.equal(half.refusal, undefined);
  assert.equal(half.warnings.length, 1);
  assert.match(half.warnings[0], /more than half of the .* available/);
  assert.deepEqual(judgeResources(e, roomy, knobs, 'wasm'), { warnings: [] });
});

test('a checkpoint above 500 MB is warned about with the size of the run folder; activations grow with batch × sequence per thread', () => {
  const big = charLm(4096, 1);
  assert.ok(big.checkpointBytes > 500 * 2 ** 20);
  const [w] = judgeResources(big, roomy, knobs, 'wasm').warnings;
  assert.match(w, /each checkpoint takes 5\d\d MB on disk .* a finished run folder about 1\.\d+ GB/);
  // twice the threads: twice the model copies for training, the same activations in all
  const one = charLm(512, 1, 1), two = charLm(512, 1, 2);
  assert.equal(two.copies.threads, 2);
  assert.ok(two.memory.weights > one.memory.weights);
  assert.ok(Math.abs(two.memory.activations - one.memory.activations) / one.memory.activations < 0.05);
});

test('preflight warns about a validation split of a handful of windows, with the count and what to change', () => {
  const e = estimateOf(path.join(fixtures, 'char-lstm.seqlab.json'));
  assert.ok(e.params > 0);
  const { config } = loadConfigFile(path.join(fixtures, 'char-lstm.seqlab.json'));
  const small = { ...config, validationSplit: 0.05 };
  const data = loadDataset(small.data, { configDir: fixtures, validationSplit: 0.05, sequenceLength: 64 });
  const plan = trainingPlan(small.training, data.trainSize);
  const { warnings } = preflight(data, { config: small, cell: 'lstm', backend: 'wasm', threads: 1, batchSize: plan.batchSize }, plan, roomy);
  assert.equal(data.validationSize, 2);
  assert.deepEqual(warnings, [
    'the validation split (validationSplit 0.05) holds 2 windows, too few for a validation loss to mean much (at least 10 are advised): raise validationSplit, use a longer text, or lower training.sequenceLength.',
  ]);
});
