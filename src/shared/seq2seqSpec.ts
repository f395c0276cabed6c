// The encoder–decoder (sequence-to-sequence) model: what a backend needs to build it, and its flat
// parameter layout. The equations are in kernels/seq2seq.ts's header; this file fixes names and shapes.
// Like modelSpec.ts, the layout follows Keras, so a Keras functional model with the same weights maps
// one to one (scripts/fixtures/make_tf_seq2seq_fixtures.py builds it):
//   src.embedding       Es [Vs, Ds]                 Embedding(Vs, Ds, mask_zero=True)
//   per encoder layer l (bidirectional: enc.l{l}.fwd.* and enc.l{l}.bwd.*, Bidirectional's two layers)
//     enc.l{l}.Wx [in, G·He]  .Wh [He, G·He]  .b [G·He]  (GRU .bh)   LSTM/GRU/SimpleRNN(return_state=True)
//       in = Ds for l = 0, else dirs·He (the layer below, both directions concatenated)
//   per layer l, when bridged (bidirectional, or He ≠ Hd):
//     bridge.l{l}.Wh [dirs·He, Hd]  .bh [Hd]                      Dense(Hd, tanh) on the final h
//     bridge.l{l}.Wc [dirs·He, Hd]  .bc [Hd]  (LSTM → LSTM)       Dense(Hd, tanh) on the final c
//   tgt.embedding       Et [Vt, Dt]                 Embedding(Vt, Dt)
//   per decoder layer l
//     dec.l{l}.Wx [in, G·Hd]  .Wh [Hd, G·Hd]  .b [G·Hd]  (GRU .bh)   the decoder RNN, initial_state = the above
//       in = Dt (+ Hd with input feeding: rows Dt.. take h̃_{t−1}) for l = 0, else Hd
//   attention (Dm = dirs·He, the memory width)
//     additive: att.Wq [Hd, A]  att.Wk [Dm, A]  att.v [A]  Dense(A, no bias) on query and memory, AdditiveAttention(use_scale)
//     general:  att.Wk [Dm, Hd]                             Dense(Hd, no bias) on the memory, Attention()
//     dot:      (none; needs Dm = Hd)                       Attention()
//     all three: att.Wc [Dm + Hd, Hd]                       Dense(Hd, tanh, no bias) on concat([c_t, h_t])
//   out.Wy [Hd, Vt]  out.by [Vt]                          Dense(Vt): logits of h̃_t (attention) or h_t (none)
// Gate order as modelSpec.ts: LSTM i, f, g(c), o; GRU z, r, n (reset_after=True). All matrices row-major f32.
// Token id 0 is <pad> on both sides: padded source positions change no state and get no attention,
// padded target positions do not count in the loss.

import { ATTENTION_KINDS, type AttentionKind, type CellKind } from './config';
import { LayoutBuilder, type ModelSpec, type ParamTensor } from './modelSpec';

export { ATTENTION_KINDS, type AttentionKind } from './config';

export interface Seq2seqSpec {
  /** Source vocabulary (id 0 = <pad>) and embedding size. */
  sourceVocab: number;
  sourceEmbed: number;
  /** Target vocabulary (id 0 = <pad>) and embedding size. */
  targetVocab: number;
  targetEmbed: number;
  encoder: { cell: CellKind; layers: number; hiddenSize: number; bidirectional: boolean };
  /** Same number of layers as the encoder: decoder layer l starts from encoder layer l's final state. */
  decoder: { cell: CellKind; layers: number; hiddenSize: number };
  attention: AttentionKind;
  /** Width A of the additive score's hidden layer; ignored by the other kinds. */
  attentionSize: number;
  /** Luong's input feeding: h̃_{t−1} is concatenated to the decoder's input at step t (attention only). */
  inputFeeding: boolean;
  /** Sutskever's trick: the encoder reads each padded source row back to front. */
  reverseSource: boolean;
  /** Target ids of <s> (the decoder's first input) and </s> (where decoding stops). */
  bosId: number;
  eosId: number;
}

/** Saved weights hold either spec (runFiles.ts's Checkpoint); only an encoder–decoder's has an encoder. */
export const isSeq2seqSpec = (spec: ModelSpec | Seq2seqSpec): spec is Seq2seqSpec => 'encoder' in spec;

export const directionsOf = (s: Seq2seqSpec): number => (s.encoder.bidirectional ? 2 : 1);
/** Width of the memory the attention reads and of each encoder layer's output: dirs·He. */
export const memoryWidth = (s: Seq2seqSpec): number => directionsOf(s) * s.encoder.hiddenSize;
/** The dense tanh bridge sits between the encoder's final state and the decoder's initial state. */
export const isBridged = (s: Seq2seqSpec): boolean => s.encoder.bidirectional || s.encoder.hiddenSize !== s.decoder.hiddenSize;
/** LSTM → LSTM hands over the cell state too; otherwise an LSTM decoder starts from c = 0. */
export const handsOverCell = (s: Seq2seqSpec): boolean => s.encoder.cell === 'lstm' && s.decoder.cell === 'lstm';
export const feedsInput = (s: Seq2seqSpec): boolean => s.inputFeeding && s.attention !== 'none';
/** Width of decoder layer 0's input: the target embedding, plus h̃_{t−1} with input feeding. */
export const decoderInputWidth = (s: Seq2seqSpec): number => s.targetEmbed + (feedsInput(s) ? s.decoder.hiddenSize : 0);
/** Parameter-name prefixes of encoder layer l, one per direction: enc.l0 or enc.l0.fwd, enc.l0.bwd. */
export const encoderPrefixes = (s: Seq2seqSpec, l: number): string[] =>
  s.encoder.bidirectional ? [`enc.l${l}.fwd`, `enc.l${l}.bwd`] : [`enc.l${l}`];

/** Problems with a spec, each naming its field; empty when the model can be built. */
export function seq2seqSpecProblems(s: Seq2seqSpec): string[] {
  const out: string[] = [];
  const positive: [string, number][] = [
    ['sourceVocab', s.sourceVocab], ['sourceEmbed', s.sourceEmbed], ['targetVocab', s.targetVocab], ['targetEmbed', s.targetEmbed],
    ['encoder.layers', s.encoder.layers], ['encoder.hiddenSize', s.encoder.hiddenSize],
    ['decoder.layers', s.decoder.layers], ['decoder.hiddenSize', s.decoder.hiddenSize],
  ];
  if (s.attention === 'additive') positive.push(['attentionSize', s.attentionSize]);
  for (const [name, v] of positive) if (!Number.isInteger(v) || v < 1) out.push(`${name} must be a positive integer, got ${v}`);
  if (s.sourceVocab < 2) out.push(`sourceVocab must hold <pad> (id 0) and at least one token, got ${s.sourceVocab}`);
  if (s.decoder.layers !== s.encoder.layers)
    out.push(`decoder.layers (${s.decoder.layers}) must equal encoder.layers (${s.encoder.layers}): decoder layer l starts from encoder layer l's final state`);
  if (!ATTENTION_KINDS.includes(s.attention)) out.push(`attention must be one of ${ATTENTION_KINDS.join(', ')}, got '${s.attention}'`);
  if (s.attention === 'dot' && memoryWidth(s) !== s.decoder.hiddenSize)
    out.push(`attention 'dot' scores h_t·m_s, so the memory width (${memoryWidth(s)} = ${directionsOf(s)}×encoder.hiddenSize) must equal decoder.hiddenSize (${s.decoder.hiddenSize}); use 'general' or 'additive'`);
  for (const [name, id] of [['bosId', s.bosId], ['eosId', s.eosId]] as const)
    if (!Number.isInteger(id) || id < 1 || id >= s.targetVocab) out.push(`${name} must be a target id in 1..${s.targetVocab - 1} (0 is <pad>), got ${id}`);
  return out;
}

export function assertSeq2seqSpec(s: Seq2seqSpec): void {
  const problems = seq2seqSpecProblems(s);
  if (problems.length > 0) throw new RangeError(`seq2seq model: ${problems.join('; ')}`);
}

export function seq2seqLayout(s: Seq2seqSpec): ParamTensor[] {
  const He = s.encoder.hiddenSize, Hd = s.decoder.hiddenSize, Dm = memoryWidth(s);
  const b = new LayoutBuilder();
  const add = (name: string, shape: number[]) => b.add(name, shape);
  add('src.embedding', [s.sourceVocab, s.sourceEmbed]);
  for (let l = 0; l < s.encoder.layers; l++)
    for (const prefix of encoderPrefixes(s, l)) b.recurrent(prefix, s.encoder.cell, l === 0 ? s.sourceEmbed : Dm, He);
  if (isBridged(s))
    for (let l = 0; l < s.decoder.layers; l++) {
      add(`bridge.l${l}.Wh`, [Dm, Hd]);
      add(`bridge.l${l}.bh`, [Hd]);
      if (handsOverCell(s)) {
        add(`bridge.l${l}.Wc`, [Dm, Hd]);
        add(`bridge.l${l}.bc`, [Hd]);
      }
    }
  add('tgt.embedding', [s.targetVocab, s.targetEmbed]);
  for (let l = 0; l < s.decoder.layers; l++) b.recurrent(`dec.l${l}`, s.decoder.cell, l === 0 ? decoderInputWidth(s) : Hd, Hd);
  if (s.attention === 'additive') {
    add('att.Wq', [Hd, s.attentionSize]);
    add('att.Wk', [Dm, s.attentionSize]);
    add('att.v', [s.attentionSize]);
  } else if (s.attention === 'general') {
    add('att.Wk', [Dm, Hd]);
  }
  if (s.attention !== 'none') add('att.Wc', [Dm + Hd, Hd]);
  add('out.Wy', [Hd, s.targetVocab]);
  add('out.by', [s.targetVocab]);
  return b.tensors;
}

export function seq2seqParamCount(s: Seq2seqSpec): number {
  const layout = seq2seqLayout(s);
  const last = layout[layout.length - 1];
  return last.offset + last.size;
}
