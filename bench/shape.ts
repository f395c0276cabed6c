// The benchmark workload (same as ../shared/bench): char-level LM, vocab 65, embedding 32, one layer
// of 128, sequence 64, batch 32, softmax cross-entropy at every step, Adam 1e-3. The crossover sweep
// (bench.mjs --crossover) changes only the hidden size.
import type { CellKind } from '../src/shared/config';
import type { ModelSpec } from '../src/trainer/model';

export const V = 65, D = 32, H = 128, T = 64, B = 32;

export const benchSpec = (cell: CellKind, hidden = H): ModelSpec => ({
  cell, input: 'tokens', inputSize: V, embedSize: D, hiddenSize: hidden, layers: 1, outputSize: V, head: 'every', loss: 'xent', dropout: 0,
});

/** Matmul FLOPs of one training step (forward ×3 for forward + backward), as ../shared/bench counts them. */
export const stepFlops = (cell: CellKind, hidden = H): number => {
  const G = cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1;
  return 3 * (2 * G * hidden * (D + hidden) + 2 * hidden * V) * B * T;
};

export function randomBatch(seed = 3): { x: Int32Array; y: Int32Array } {
  let s = seed;
  const r = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0), s / 4294967296);
  const x = new Int32Array(B * T), y = new Int32Array(B * T);
  for (let i = 0; i < B * T; i++) {
    x[i] = Math.floor(r() * V);
    y[i] = Math.floor(r() * V);
  }
  return { x, y };
}

export const median = (a: number[]): number => a.slice().sort((p, q) => p - q)[a.length >> 1];
