// How a batch is split across threads, and the shared memory through which the threads meet.
// Data parallelism: rank r computes loss and gradients on its rows; the main thread (rank 0) averages
// the gradients weighted by rows, clips, applies the optimizer, and publishes the new parameters.
// Both trainers (the single-stream WasmBackend and the encoder–decoder's Seq2seqTrainer) meet their
// workers here: a worker runs `serveSteps`, the host ends them with `stopWorkers`.

import { parentPort, type Worker } from 'node:worker_threads';

/** Below this many rows per thread, a second thread costs more (barrier, copies) than it saves. */
export const MIN_ROWS_PER_THREAD = 4;

export function splitRows(batch: number, threads: number): number[] {
  const n = Math.max(1, Math.min(threads, Math.floor(batch / MIN_ROWS_PER_THREAD)));
  const base = Math.floor(batch / n), extra = batch % n;
  return Array.from({ length: n }, (_, r) => base + (r < extra ? 1 : 0));
}

/** Control words in the Int32 view at the start of the shared buffer. */
/** sourceSteps / targetSteps: the encoder–decoder's lengths of the current batch (its rows are padded to them). */
export const CTL = { generation: 0, done: 1, command: 2, seed: 3, failed: 4, sourceSteps: 5, targetSteps: 6 } as const;
export const COMMAND = { step: 1, exit: 2 } as const;
const CTL_WORDS = 8;

export interface SharedLayout {
  buffer: SharedArrayBuffer;
  threads: number;
  paramCount: number;
  /** Bytes of x and y for the whole batch. */
  xBytes: number;
  yBytes: number;
}

export function createShared(threads: number, paramCount: number, xBytes: number, yBytes: number): SharedLayout {
  const bytes = CTL_WORDS * 4 + 8 * threads + 4 * paramCount * (1 + threads) + align(xBytes) + align(yBytes);
  return { buffer: new SharedArrayBuffer(bytes), threads, paramCount, xBytes, yBytes };
}

const align = (n: number) => Math.ceil(n / 8) * 8;

export function views(s: SharedLayout) {
  const ctlBytes = CTL_WORDS * 4;
  const lossOff = ctlBytes;
  const paramsOff = lossOff + 8 * s.threads;
  const gradsOff = paramsOff + 4 * s.paramCount;
  const xOff = gradsOff + 4 * s.paramCount * s.threads;
  const yOff = xOff + align(s.xBytes);
  return {
    ctl: new Int32Array(s.buffer, 0, CTL_WORDS),
    losses: new Float64Array(s.buffer, lossOff, s.threads),
    params: new Float32Array(s.buffer, paramsOff, s.paramCount),
    grads: (rank: number) => new Float32Array(s.buffer, gradsOff + 4 * s.paramCount * rank, s.paramCount),
    xBytes: new Uint8Array(s.buffer, xOff, s.xBytes),
    yBytes: new Uint8Array(s.buffer, yOff, s.yBytes),
  };
}

/**
 * A worker's life: say ready, then for each new generation run `step` (its rank's loss and gradients into
 * the shared views) and count itself done, until the host says exit. A step that throws marks the
 * generation failed and reports its error; the worker stays for the next one.
 */
export function serveSteps(v: ReturnType<typeof views>, step: () => void): void {
  // read the generation before saying ready: the first step may start the moment the host hears it
  let seen = Atomics.load(v.ctl, CTL.generation);
  parentPort?.postMessage({ type: 'ready' });
  for (;;) {
    Atomics.wait(v.ctl, CTL.generation, seen);
    seen = Atomics.load(v.ctl, CTL.generation);
    if (Atomics.load(v.ctl, CTL.command) === COMMAND.exit) return;
    try {
      step();
    } catch (e) {
      Atomics.store(v.ctl, CTL.failed, 1);
      parentPort?.postMessage({ type: 'error', message: e instanceof Error ? e.stack ?? e.message : String(e) });
    }
    Atomics.add(v.ctl, CTL.done, 1);
    Atomics.notify(v.ctl, CTL.done);
  }
}

/** Starts a step on every worker: the batch and parameters are in the shared views already. */
export function startStep(v: ReturnType<typeof views>, seed = 0): void {
  Atomics.store(v.ctl, CTL.done, 0);
  Atomics.store(v.ctl, CTL.seed, seed | 0);
  Atomics.store(v.ctl, CTL.command, COMMAND.step);
  Atomics.add(v.ctl, CTL.generation, 1);
  Atomics.notify(v.ctl, CTL.generation);
}

/**
 * Resolves once `workers` workers are done with the step; throws with the worker's error (`failure()`,
 * what its 'error' message said) when one failed. Waits asynchronously, so the error message can arrive.
 */
export async function stepDone(v: ReturnType<typeof views>, workers: number, failure: () => string | undefined, who: string): Promise<void> {
  for (;;) {
    const done = Atomics.load(v.ctl, CTL.done);
    if (done >= workers) break;
    const error = failure();
    if (error) throw new Error(`${who} failed: ${error}`);
    const r = Atomics.waitAsync(v.ctl, CTL.done, done, 1000);
    if (r.async) await r.value;
  }
  if (Atomics.load(v.ctl, CTL.failed)) throw new Error(`${who} failed: ${failure() ?? 'unknown error'}`);
}

/** Tells the workers to exit (those waiting for a generation leave at once) and waits until they are gone. */
export async function stopWorkers(shared: SharedLayout | undefined, workers: readonly Worker[]): Promise<void> {
  if (shared) {
    const v = views(shared);
    Atomics.store(v.ctl, CTL.command, COMMAND.exit);
    Atomics.add(v.ctl, CTL.generation, 1);
    Atomics.notify(v.ctl, CTL.generation);
  }
  await Promise.all(workers.map((w) => w.terminate()));
}
