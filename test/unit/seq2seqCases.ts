// Shared cases for the encoder–decoder tests: tiny specs over every cell × attention × bidirectional ×
// input feeding, and seeded parameters and padded batches.
import type { CellKind } from '../../src/shared/config';
import { ATTENTION_KINDS, type AttentionKind, type Seq2seqSpec } from '../../src/shared/seq2seqSpec';
import { Seq2seqModel } from '../../src/trainer/seq2seq/seq2seqModel';
import { CELLS, rng } from './wasmCases';

export { CELLS, rng };
export const ATTENTIONS: readonly AttentionKind[] = ATTENTION_KINDS;

export interface Seq2seqCase { name: string; spec: Seq2seqSpec; batch: number; sourceLength: number; targetLength: number }

export interface SpecOptions {
  encoderCell?: CellKind; decoderCell?: CellKind; attention?: AttentionKind; bidirectional?: boolean; inputFeeding?: boolean;
  reverseSource?: boolean; layers?: number; encoderHidden?: number; decoderHidden?: number;
}

/** Vs 6, Vt 7, embeddings 3, A 3; He = Hd = 4, or He 3 → Hd 6 when bidirectional (so 'dot' fits). */
export function tinySpec(o: SpecOptions): Seq2seqSpec {
  const bi = o.bidirectional ?? false;
  const He = o.encoderHidden ?? (bi ? 3 : 4);
  return {
    sourceVocab: 6, sourceEmbed: 3, targetVocab: 7, targetEmbed: 3,
    encoder: { cell: o.encoderCell ?? 'lstm', layers: o.layers ?? 1, hiddenSize: He, bidirectional: bi },
    decoder: { cell: o.decoderCell ?? o.encoderCell ?? 'lstm', layers: o.layers ?? 1, hiddenSize: o.decoderHidden ?? (bi ? 2 * He : He) },
    attention: o.attention ?? 'none', attentionSize: 3, inputFeeding: o.inputFeeding ?? false, reverseSource: o.reverseSource ?? false,
    bosId: 1, eosId: 2,
  };
}

const caseName = (s: Seq2seqSpec): string => {
  const cells = s.encoder.cell === s.decoder.cell ? s.encoder.cell : `${s.encoder.cell}→${s.decoder.cell}`;
  const parts = [cells, s.attention, s.encoder.bidirectional ? 'bi' : 'uni'];
  if (s.inputFeeding && s.attention !== 'none') parts.push('feed');
  if (s.reverseSource) parts.push('rev');
  if (s.encoder.layers > 1) parts.push(`${s.encoder.layers}L`);
  if (s.encoder.hiddenSize * (s.encoder.bidirectional ? 2 : 1) !== s.decoder.hiddenSize && !s.encoder.bidirectional) parts.push(`${s.encoder.hiddenSize}→${s.decoder.hiddenSize}`);
  return parts.join(' ');
};

export function tinySeq2seqCase(o: SpecOptions): Seq2seqCase {
  const spec = tinySpec(o);
  return { name: caseName(spec), spec, batch: 2, sourceLength: 4, targetLength: 4 };
}

/** Every cell × attention × bidirectional × input feeding (feeding only with attention). */
export function gridCases(): Seq2seqCase[] {
  const out: Seq2seqCase[] = [];
  for (const cell of CELLS)
    for (const attention of ATTENTIONS)
      for (const bidirectional of [false, true])
        for (const inputFeeding of attention === 'none' ? [false] : [false, true])
          out.push(tinySeq2seqCase({ encoderCell: cell, attention, bidirectional, inputFeeding }));
  return out;
}

/** What the grid leaves out: mixed cells, a bridge between sizes, the reversed source, two layers. */
export function extraCases(): Seq2seqCase[] {
  return [
    tinySeq2seqCase({ encoderCell: 'gru', decoderCell: 'lstm', attention: 'general' }),
    tinySeq2seqCase({ encoderCell: 'lstm', decoderCell: 'gru', attention: 'additive', bidirectional: true }),
    tinySeq2seqCase({ encoderCell: 'lstm', attention: 'none', encoderHidden: 3, decoderHidden: 5 }),
    tinySeq2seqCase({ encoderCell: 'rnn', decoderCell: 'lstm', attention: 'dot', reverseSource: true }),
    tinySeq2seqCase({ encoderCell: 'lstm', attention: 'additive', reverseSource: true, bidirectional: true, inputFeeding: true }),
    tinySeq2seqCase({ encoderCell: 'gru', attention: 'dot', layers: 2, inputFeeding: true }),
    tinySeq2seqCase({ encoderCell: 'lstm', attention: 'general', layers: 2, bidirectional: true }),
  ];
}

/** Uniform in ±scale. */
export function fillSeq2seqParams(p: Float32Array | Float64Array, seed: number, scale = 0.5): void {
  const r = rng(seed);
  for (let i = 0; i < p.length; i++) p[i] = (r() * 2 - 1) * scale;
}

/**
 * A padded batch: source rows of lengths S, S−2, S−1, … (ids 1..Vs−1, then 0) and target rows
 * y_1 … y_{n−1} </s> of lengths T, 2, T−1, … (ids 3..Vt−1 before </s>, then 0).
 */
export function makeSeq2seqBatch(c: Seq2seqCase, seed: number): { source: Int32Array; target: Int32Array } {
  const { spec, batch: B, sourceLength: S, targetLength: T } = c;
  const r = rng(seed);
  const source = new Int32Array(B * S), target = new Int32Array(B * T);
  const srcLens = [S, Math.max(1, S - 2), Math.max(1, S - 1)], tgtLens = [T, Math.min(T, 2), Math.max(1, T - 1)];
  for (let b = 0; b < B; b++) {
    const ns = srcLens[b % 3], nt = tgtLens[b % 3];
    for (let s = 0; s < ns; s++) source[b * S + s] = 1 + Math.floor(r() * (spec.sourceVocab - 1));
    for (let t = 0; t < nt - 1; t++) target[b * T + t] = 3 + Math.floor(r() * (spec.targetVocab - 3));
    target[b * T + nt - 1] = spec.eosId;
  }
  return { source, target };
}

/** A plain-SIMD kernel instance of the case with seeded parameters and its padded batch set. */
export function kernelFor(c: Seq2seqCase, seed: number, relaxedSimd = false): { m: Seq2seqModel; source: Int32Array; target: Int32Array } {
  const m = Seq2seqModel.create({ spec: c.spec, batch: c.batch, sourceLength: c.sourceLength, targetLength: c.targetLength, relaxedSimd });
  fillSeq2seqParams(m.params(), seed);
  const { source, target } = makeSeq2seqBatch(c, seed + 1);
  m.setBatch(source, target);
  return { m, source, target };
}
