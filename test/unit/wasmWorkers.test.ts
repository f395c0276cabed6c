// Two WasmModel instances in two worker_threads at once (the lead's data-parallel path) compute exactly
// what one instance computes on the main thread: nothing is shared but the compiled module cache.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { modelFor, tinyCase } from './wasmCases';

const cases = path.join(__dirname, 'wasmCases.ts');
const workerSource = `
  require('tsx/cjs');
  const { parentPort, workerData } = require('node:worker_threads');
  const { modelFor, tinyCase } = require(workerData.cases);
  const m = modelFor(tinyCase(workerData.name));
  let loss = 0;
  for (let i = 0; i < 3; i++) { loss = m.lossAndGrads(); m.optimizer.adam(0.01); }
  parentPort.postMessage({ loss, params: m.params().slice() });
`;

function runInWorker(name: string): Promise<{ loss: number; params: Float32Array }> {
  return new Promise((resolve, reject) => {
    const w = new Worker(workerSource, { eval: true, workerData: { cases, name } });
    w.once('message', (msg) => { resolve(msg); void w.terminate(); });
    w.once('error', reject);
  });
}

test('two workers train their own instances concurrently and agree with the main thread', async () => {
  const names = ['rnn 1L tokens+xent+every', 'lstm 2L tokens+xent+every'];
  const results = await Promise.all(names.map(runInWorker));
  names.forEach((name, i) => {
    const m = modelFor(tinyCase(name));
    let loss = 0;
    for (let k = 0; k < 3; k++) { loss = m.lossAndGrads(); m.optimizer.adam(0.01); }
    assert.equal(results[i].loss, loss);
    assert.deepEqual(results[i].params, m.params());
  });
});
