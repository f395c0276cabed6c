// One data-parallel worker thread (rank ≥ 1) of Seq2seqTrainer: waits for a step, copies the published
// parameters into its own kernel instance, computes loss and gradients on its rows of the batch, and
// reports through shared memory (the protocol of backends/wasm/parallelPlan.ts).
import { parentPort, workerData } from 'node:worker_threads';
import type { Seq2seqSpec } from '../../shared/seq2seqSpec';
import { serveSteps, type SharedLayout, views } from '../backends/wasm/parallelPlan';
import { Seq2seqModel } from './seq2seqModel';

export interface Seq2seqWorkerInit {
  rank: number;
  spec: Seq2seqSpec;
  sourceLength: number;
  targetLength: number;
  rows: number[];
  shared: SharedLayout;
  relaxedSimd: boolean;
}

function run(init: Seq2seqWorkerInit): void {
  const { rank, spec, sourceLength: S, targetLength: T, rows, shared } = init;
  const v = views(shared);
  const model = Seq2seqModel.create({ spec, batch: rows[rank], sourceLength: S, targetLength: T, relaxedSimd: init.relaxedSimd });
  const row0 = rows.slice(0, rank).reduce((a, b) => a + b, 0), total = rows.reduce((a, b) => a + b, 0);
  const source = new Int32Array(v.xBytes.buffer, v.xBytes.byteOffset, total * S).subarray(row0 * S, (row0 + rows[rank]) * S);
  const target = new Int32Array(v.yBytes.buffer, v.yBytes.byteOffset, total * T).subarray(row0 * T, (row0 + rows[rank]) * T);
  serveSteps(v, () => {
    model.params().set(v.params);
    model.setBatch(source, target);
    v.losses[rank] = model.lossAndGrads();
    v.grads(rank).set(model.grads());
  });
}

if (parentPort && workerData) run(workerData as Seq2seqWorkerInit);
