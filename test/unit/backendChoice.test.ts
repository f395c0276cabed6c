// Backend 'auto': the wasm kernels, except an LSTM at or above the measured crossover when tfjs-node is
// installed; every run records what it got and why (RunInfo.backendReason, shown by the CLI and the tree).

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { findRun } from '../../src/runs/runReader';
import { chooseBackend, FUSED_LSTM_CROSSOVER_HIDDEN as X } from '../../src/trainer/backends/backendChoice';
import { resolveTfjsNode } from '../../src/trainer/backends/tfjs/tfjsNodeLocation';
import type { ModelSpec } from '../../src/trainer/model';
import { train } from '../../src/trainer/training';

const spec = (cell: ModelSpec['cell'], hiddenSize: number): ModelSpec => ({
  cell, input: 'tokens', inputSize: 65, embedSize: 32, hiddenSize, layers: 1, outputSize: 65, head: 'every', loss: 'xent', dropout: 0,
});

test('auto takes tfjs-node for an LSTM from the crossover hidden size on, when it is installed', () => {
  assert.equal(chooseBackend('auto', spec('lstm', X), true).kind, 'tfjs');
  assert.equal(chooseBackend('auto', spec('lstm', 2 * X), true).kind, 'tfjs');
  assert.match(chooseBackend('auto', spec('lstm', X), true).reason, new RegExp(`tfjs-node fused LSTM .*hidden ${X} ≥ ${X}`));
});

test('auto keeps the wasm kernels below the crossover, without tfjs-node, and for GRU and RNN', () => {
  const below = chooseBackend('auto', spec('lstm', X - 1), true);
  assert.equal(below.kind, 'wasm');
  assert.match(below.reason, new RegExp(`hidden ${X - 1} < ${X}`));
  const missing = chooseBackend('auto', spec('lstm', 2 * X), false);
  assert.equal(missing.kind, 'wasm');
  assert.match(missing.reason, /not installed/);
  for (const cell of ['gru', 'rnn'] as const) {
    const c = chooseBackend('auto', spec(cell, 4 * X), true);
    assert.equal(c.kind, 'wasm');
    assert.match(c.reason, /LSTM only/);
  }
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
    return findRun(runsDir, out.runId).meta.info;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('a run with backend auto records the choice and the reason in its meta', async () => {
  const info = await runWith({ cell: 'gru', hiddenSize: 8 }, 'auto');
  assert.equal(info.backend, 'wasm');
  assert.match(info.backendReason!, /^auto: wasm kernels/);
});

const skip = resolveTfjsNode() ? false : 'tfjs-node is not installed (npm run setup:tfjs-node); the auto → tfjs-node run is skipped';
test(`a run with backend auto on an LSTM of ${X} trains on tfjs-node's fused LSTM`, { skip }, async () => {
  const info = await runWith({ cell: 'lstm', hiddenSize: X }, 'auto');
  assert.equal(info.backend, 'tfjs');
  assert.match(info.device, /tensorflow .* fused LSTM/);
  assert.match(info.backendReason!, /^auto: tfjs-node fused LSTM/);
});
