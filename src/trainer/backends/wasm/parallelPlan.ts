// How a batch is split across threads, and the shared memory through which the threads meet.
// Data parallelism: rank r computes loss and gradients on its rows; the main thread (rank 0) averages
// the gradients weighted by rows, clips, applies the optimizer, and publishes the new parameters.

/** Below this many rows per thread, a second thread costs more (barrier, copies) than it saves. */
export const MIN_ROWS_PER_THREAD = 4;

export function splitRows(batch: number, threads: number): number[] {
  const n = Math.max(1, Math.min(threads, Math.floor(batch / MIN_ROWS_PER_THREAD)));
  const base = Math.floor(batch / n), extra = batch % n;
  return Array.from({ length: n }, (_, r) => base + (r < extra ? 1 : 0));
}

/** Control words in the Int32 view at the start of the shared buffer. */
export const CTL = { generation: 0, done: 1, command: 2, seed: 3, failed: 4 } as const;
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
