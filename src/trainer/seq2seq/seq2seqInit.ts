// Initial weights of the encoder–decoder, as Keras initialises the same layers (init.ts does the single-stream
// models the same way): Glorot-uniform kernels (input, bridge, attention, output; the additive score's v as a
// [A, 1] kernel, as AdditiveAttention's scale), orthogonal recurrent kernels (one block per gate), zero biases,
// LSTM forget-gate bias `forgetBias` (unit_forget_bias), embeddings U(−0.05, 0.05).
import { gatesOf } from '../../shared/modelSpec';
import { seq2seqLayout, seq2seqParamCount, type Seq2seqSpec } from '../../shared/seq2seqSpec';
import { orthogonal } from '../init';
import type { Rng } from '../rng';

export function initSeq2seqParams(spec: Seq2seqSpec, rng: Rng, forgetBias = 1): Float32Array {
  const p = new Float32Array(seq2seqParamCount(spec));
  for (const t of seq2seqLayout(spec)) {
    const view = p.subarray(t.offset, t.offset + t.size);
    const kind = t.name.split('.').pop()!;
    const cell = t.name.startsWith('enc.') ? spec.encoder.cell : spec.decoder.cell;
    if (kind === 'embedding') {
      for (let i = 0; i < view.length; i++) view[i] = rng.uniform(-0.05, 0.05);
    } else if (t.shape.length === 2 && kind === 'Wh' && !t.name.startsWith('bridge.')) {
      const H = t.shape[0], G = gatesOf(cell);
      for (let g = 0; g < G; g++) {
        const q = orthogonal(H, rng);
        for (let r = 0; r < H; r++) for (let c = 0; c < H; c++) view[r * G * H + g * H + c] = q[r * H + c];
      }
    } else if (t.shape.length === 2 || kind === 'v') {
      const [fanIn, fanOut] = t.shape.length === 2 ? t.shape : [t.shape[0], 1];
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      for (let i = 0; i < view.length; i++) view[i] = rng.uniform(-limit, limit);
    } else if (kind === 'b' && cell === 'lstm' && (t.name.startsWith('enc.') || t.name.startsWith('dec.'))) {
      const H = t.size / 4;
      for (let j = 0; j < H; j++) view[H + j] = forgetBias;   // gate order i, f, g, o
    }
  }
  return p;
}
