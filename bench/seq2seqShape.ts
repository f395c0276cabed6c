// The encoder–decoder benchmark workload (issue 14's G2P-sized step): source vocab 30 → target vocab 70,
// embeddings 64, one LSTM layer of 256 on each side, additive attention of 256, source and target 12,
// batch 64, Adam 1e-3. bench/keras_seq2seq_step.py builds the same model in Keras.
import type { Seq2seqSpec } from '../src/shared/seq2seqSpec';

export const VS = 30, VT = 70, E = 64, H = 256, S = 12, T = 12, B = 64;

export const seq2seqBenchSpec = (hidden = H): Seq2seqSpec => ({
  sourceVocab: VS, sourceEmbed: E, targetVocab: VT, targetEmbed: E,
  encoder: { cell: 'lstm', layers: 1, hiddenSize: hidden, bidirectional: false },
  decoder: { cell: 'lstm', layers: 1, hiddenSize: hidden },
  attention: 'additive', attentionSize: hidden, inputFeeding: false, reverseSource: false, bosId: 1, eosId: 2,
});

/** Full-length rows (no padding): every position counts, as in the Keras counterpart. */
export function seq2seqBatch(seed = 3): { source: Int32Array; target: Int32Array } {
  let s = seed;
  const r = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0), s / 4294967296);
  const source = Int32Array.from({ length: B * S }, () => 1 + Math.floor(r() * (VS - 1)));
  const target = Int32Array.from({ length: B * T }, () => 3 + Math.floor(r() * (VT - 3)));
  return { source, target };
}

/** Matmul FLOPs of one training step (forward ×3 for forward + backward), for a GFLOP/s figure. */
export function seq2seqStepFlops(hidden = H): number {
  const G = 4, A = hidden, Dm = hidden;
  const recurrent = 2 * G * hidden * (E + hidden) * (S + T);                       // encoder and decoder, input and recurrence
  const attention = 2 * Dm * A * S + (2 * hidden * A + 2 * (Dm + hidden) * hidden) * T; // keys once; query and Wc per step
  const output = 2 * hidden * VT * T;
  return 3 * (recurrent + attention + output) * B;
}
