// One data-parallel worker thread (rank ≥ 1) of Seq2seqTrainer: waits for a step, copies the published
// parameters into its own kernel instance, computes loss and gradients on its rows of the batch, and
// reports through shared memory (the protocol of backends/wasm/parallelPlan.ts).
import { parentPort, workerData } from 'node:worker_threads';
import type { Seq2seqSpec } from '../../shared/seq2seqSpec';
import { CTL, serveSteps, type SharedLayout, views } from '../backends/wasm/parallelPlan';
import { Seq2seqModel } from './seq2seqModel';

export interface Seq2seqWorkerInit {
  rank: number;
  spec: Seq2seqSpec;
  /** The longest batch's lengths: each step's own are in the control words. */
  sourceLength: number;
  targetLength: number;
  rows: number[];
  shared: SharedLayout;
  relaxedSimd: boolean;
  /** Dropout rate of training steps; each step's seed is in the control words. */
  dropout: number;
}

function run(init: Seq2seqWorkerInit): void {
  const { rank, spec, sourceLength, targetLength, rows, shared } = init;
  const v = views(shared);
  const model = Seq2seqModel.create({ spec, batch: rows[rank], sourceLength, targetLength, relaxedSimd: init.relaxedSimd });
  const row0 = rows.slice(0, rank).reduce((a, b) => a + b, 0), n = rows[rank];
  serveSteps(v, () => {
    // the batch's own lengths (≤ the built ones): its [B, S] and [B, T] ids sit at the start of x and y
    const S = Atomics.load(v.ctl, CTL.sourceSteps), T = Atomics.load(v.ctl, CTL.targetSteps);
    const source = new Int32Array(v.xBytes.buffer, v.xBytes.byteOffset + 4 * row0 * S, n * S);
    const target = new Int32Array(v.yBytes.buffer, v.yBytes.byteOffset + 4 * row0 * T, n * T);
    model.params().set(v.params);
    model.setLengths(S, T);
    model.setDropout(init.dropout, Atomics.load(v.ctl, CTL.seed), row0);
    model.setBatch(source, target);
    v.losses[rank] = model.lossAndGrads();
    v.grads(rank).set(model.grads());
  });
}

if (parentPort && workerData) run(workerData as Seq2seqWorkerInit);
