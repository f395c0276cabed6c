// One data-parallel worker thread (rank ≥ 1): waits for a step, copies the published parameters into
// its own wasm instance, computes loss and gradients on its rows, and reports through shared memory.

import { parentPort, workerData } from 'node:worker_threads';
import type { ModelSpec } from '../../model';
import { rowSizes, sliceRows, xIsInt, yIsInt } from './batchSlice';
import { CTL, serveSteps, type SharedLayout, views } from './parallelPlan';
import { WasmModel } from './wasmModel';

export interface WorkerInit {
  rank: number;
  spec: ModelSpec;
  steps: number;
  rows: number[];
  shared: SharedLayout;
  relaxedSimd: boolean;
}

function run(init: WorkerInit): void {
  const { rank, spec, steps, rows, shared } = init;
  const v = views(shared);
  const model = WasmModel.create({ spec, batch: rows[rank], steps, relaxedSimd: init.relaxedSimd });
  const size = rowSizes(spec, steps);
  const row0 = rows.slice(0, rank).reduce((a, b) => a + b, 0);
  const batchRows = rows.reduce((a, b) => a + b, 0);
  const xAll = xIsInt(spec) ? new Int32Array(v.xBytes.buffer, v.xBytes.byteOffset, size.x * batchRows) : new Float32Array(v.xBytes.buffer, v.xBytes.byteOffset, size.x * batchRows);
  const yAll = yIsInt(spec) ? new Int32Array(v.yBytes.buffer, v.yBytes.byteOffset, size.y * batchRows) : new Float32Array(v.yBytes.buffer, v.yBytes.byteOffset, size.y * batchRows);
  serveSteps(v, () => {
    model.params().set(v.params);
    model.setBatch(sliceRows(xAll, size.x, row0, rows[rank]), sliceRows(yAll, size.y, row0, rows[rank]));
    model.seedDropout((Atomics.load(v.ctl, CTL.seed) + rank * 0x9e3779b1) >>> 0);
    v.losses[rank] = model.lossAndGrads({ training: spec.dropout > 0 });
    v.grads(rank).set(model.grads());
  });
}

if (parentPort && workerData) run(workerData as WorkerInit);
