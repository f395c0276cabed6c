// Backend 'auto': the wasm kernels for small models and without tfjs-node; from TRIAL_FROM_HIDDEN on, with
// tfjs-node installed, a timed trial of both at the run's shape. Every run records what it got and why
// (RunInfo.backendReason, shown by the CLI and the tree).

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { resolveRun } from '../../src/runs/runReference';
import { chooseBackend, TRIAL_FROM_HIDDEN as X, trialWinner } from '../../src/trainer/backends/backendChoice';
import { resolveTfjsNode } from '../../src/trainer/backends/tfjs/tfjsNodeLocation';
import type { ModelSpec } from '../../src/trainer/model';
import { train } from '../../src/trainer/training';

const spec = (cell: ModelSpec['cell'], hiddenSize: number): ModelSpec => ({
  cell, input: 'tokens', inputSize: 65, embedSize: 32, hiddenSize, layers: 1, outputSize: 65, head: 'every', loss: 'xent', dropout: 0,
});

test('auto times both backends from the trial hidden size on, for every cell, when tfjs-node is installed', () => {
  for (const cell of ['lstm', 'gru', 'rnn'] as const) {
    assert.deepEqual(chooseBackend('auto', spec(cell, X), true), { kind: 'trial' });
    assert.deepEqual(chooseBackend('auto', spec(cell, 4 * X), true), { kind: 'trial' });
  }
});

test('auto keeps the wasm kernels below the trial size and without tfjs-node, and says why', () => {
  const below = chooseBackend('auto', spec('lstm', X - 1), true);
  assert.equal(below.kind, 'wasm');
  assert.match(below.kind === 'wasm' ? below.reason : '', new RegExp(`hidden ${X - 1} < ${X}`));
  const missing = chooseBackend('auto', spec('lstm', 4 * X), false);
  assert.equal(missing.kind, 'wasm');
  assert.match(missing.kind === 'wasm' ? missing.reason : '', /not installed: npm run setup:tfjs-node/);
});

test('the trial keeps the faster backend, the kernels on a tie, and the reason gives both timings', () => {
  const tf = trialWinner(1812, 1707.4, 'tfjs-node', 'fused LSTM');
  assert.equal(tf.kind, 'tfjs');
  assert.equal(tf.reason, "auto: tfjs-node fused LSTM (1.81 s per step on the wasm kernels, 1.71 s on tfjs-node (fused LSTM), timed at this run's shape)");
  const w = trialWinner(47.61, 92.6, 'tfjs-node', 'hand BPTT');
  assert.equal(w.kind, 'wasm');
  assert.equal(w.reason, "auto: wasm kernels (47.6 ms per step on the wasm kernels, 92.6 ms on tfjs-node (hand BPTT), timed at this run's shape)");
  assert.equal(trialWinner(100, 100, 'tfjs-node', 'fused LSTM').kind, 'wasm');
});

test('the reason names the native package that was timed: tfjs-node-gpu when that is what loaded', () => {
  const g = trialWinner(1812, 95.2, 'tfjs-node-gpu', 'fused LSTM');
  assert.equal(g.kind, 'tfjs');
  assert.equal(g.reason, "auto: tfjs-node-gpu fused LSTM (1.81 s per step on the wasm kernels, 95.2 ms on tfjs-node-gpu (fused LSTM), timed at this run's shape)");
  assert.doesNotMatch(trialWinner(47.61, 92.6, 'tfjs-node-gpu', 'hand BPTT').reason, /on tfjs-node \(/);
});

test('an explicit backend is kept whatever the size, and says it was asked for', () => {
  assert.deepEqual(chooseBackend('wasm', spec('lstm', 4 * X), true), { kind: 'wasm', reason: 'backend "wasm" asked for' });
  assert.deepEqual(chooseBackend('tfjs', spec('rnn', 8), false), { kind: 'tfjs', reason: 'backend "tfjs" asked for' });
});

async function runWith(model: object, backend: string): Promise<{ backend: string; device: string; backendReason?: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-auto-'));
  try {
    const configPath = path.join(dir, 'exp.seqlab.json');
    fs.writeFileSync(configPath, JSON.stringify({
      name: 'auto',
      data: { kind: 'synthetic', task: 'adding', length: 6, samples: 64 },
      model,
      training: { maxSteps: 3, batchSize: 8, validateEvery: 3, checkpointEvery: 3, threads: 1, backend },
      diagnostics: { every: 3 },
    }));
    const runsDir = path.join(dir, 'runs');
    const out = await train({ configPath, runsDir });
    assert.equal(out.kind, 'finished');
    return (await resolveRun(runsDir, out.runId)).meta.info;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('a run with backend auto records the choice and the reason in its meta', async () => {
  const info = await runWith({ cell: 'gru', hiddenSize: 8 }, 'auto');
  assert.equal(info.backend, 'wasm');
  assert.match(info.backendReason!, /^auto: wasm kernels/);
});

const skip = resolveTfjsNode() ? false : 'tfjs-node is not installed (npm run setup:tfjs-node); the auto trial run is skipped';
test(`a run with backend auto on an LSTM of ${X} times both backends and trains on the faster`, { skip }, async () => {
  const info = await runWith({ cell: 'lstm', hiddenSize: X }, 'auto');
  // tfjs-node, or tfjs-node-gpu where that is what resolves
  const m = /^auto: (wasm kernels|tfjs-node(?:-gpu)? fused LSTM) \((.+) per step on the wasm kernels, (.+) on tfjs-node(?:-gpu)? \(fused LSTM\), timed at this run's shape\)$/.exec(info.backendReason!);
  assert.ok(m, info.backendReason);
  const ms = (t: string) => (t.endsWith(' s') ? 1000 : 1) * parseFloat(t);
  const [wasmMs, tfjsMs] = [ms(m[2]), ms(m[3])];
  assert.ok(wasmMs > 0 && tfjsMs > 0, info.backendReason);
  assert.equal(info.backend, tfjsMs < wasmMs ? 'tfjs' : 'wasm', 'the run trained on the backend the trial timed faster');
  assert.equal(m[1] === 'wasm kernels' ? 'wasm' : 'tfjs', info.backend);
  if (info.backend === 'tfjs') assert.match(info.device, /tensorflow .* fused LSTM/);
});
