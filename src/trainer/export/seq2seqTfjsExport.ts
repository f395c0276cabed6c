// An encoder–decoder run as two TensorFlow.js tf.LayersModels: the encoder (source ids → memory, keys, source
// mask and the decoder's initial state, bridged) and one decoder step (token, state, memory → probabilities,
// next state, attention row). Two models rather than one graph that decodes: tfjs layers models have no
// loop, and a step model lets a page decode greedily, by beam or by sampling with the same files.
//
// Built from standard layers only, so a page loads them without SeqLab code (a GRU still needs
// seqlab-gru.js, tensorflow/tfjs#5728). Equations: kernels/seq2seq.ts and kernels/seq2seqAttention.ts.
//   encoder  source [B, S] int32 (0 = <pad>, masked as the kernels mask it: Embedding(mask_zero))
//            reverseSource: the ids reversed in time by an identity SimpleRNN with goBackwards (tfjs layers
//            have no Reverse layer; x·1 is exact), so masks and states are those of the reading order; the
//            memory is turned back to source order the same way, so attention rows are by source position
//            per layer: tf.layers.{lstm, simpleRNN, rnn(SeqLabGRUCell)} (Bidirectional, concat) → final states
//            bridge: Dense(Hd, tanh) on [h_fwd; h_bwd] (and c); an LSTM decoder after another cell starts
//            from c = 0, and h̃ before the first step is 0: Dense layers with zero weights give those zeros
//            keys = memory·Wk (additive, general), once per source as the kernels do
//            source_mask [B, S] = 1 at tokens, 0 at <pad>: an Embedding(Vs, 1) of 0, 1, 1, …
//   decoder  token [B, 1] → Embedding (+ h̃_{t−1}, input feeding) → one step of each layer from its state
//            additive: e = Dense(1, v)(tanh(keys + Dense(A, Wq)(h)));  dot/general: e = Dot(keys or memory, h)
//            padding: e + Dense(1e9, −1e9)(mask) (0 at tokens, −1e9 at <pad>: exp underflows to 0, as the
//            kernels skip it); α = Softmax(e);  c = Dot(α, memory);  h̃ = Dense(Hd, tanh, no bias)([c; h])
//            probabilities = Dense(Vt, softmax)(h̃, or h without attention)
// Names of inputs and outputs: seq2seqTfjsFormat.ts's seq2seqTensorNames.

import type * as TF from '@tensorflow/tfjs';
import type { ExportedFile } from '../../shared/modelExport';
import { decoderInputWidth, directionsOf, encoderPrefixes, handsOverCell, isBridged, memoryWidth, seq2seqLayout, type Seq2seqSpec } from '../../shared/seq2seqSpec';
import { loadTfjs, type Tf } from '../backends/tfjs/tfjsRuntime';
import { defineGru, GRU_CELL_SCRIPT, type GruClasses } from './gruCellScript';
import { layersModelFiles, recurrentLayer, recurrentValues, setAllWeights, type Weighted, writeExportFiles } from './layersModelParts';
import { SEQ2SEQ_DECODE_SCRIPT } from './seq2seqDecodeScript';
import { type Seq2seqExportMetadata, SEQ2SEQ_TFJS_FILES, seq2seqTensorNames, usesGru } from './seq2seqTfjsFormat';

type Sym = TF.SymbolicTensor;

/** exp(e − 1e9 − max) is 0 in float32 for any score a trained model gives. */
const MASKED_SCORE = 1e9;

interface Builder {
  tf: Tf;
  spec: Seq2seqSpec;
  part: (name: string) => Float32Array;
  weighted: Weighted[];
  gru?: { classes: GruClasses; layer: true };
}

function builder(tf: Tf, spec: Seq2seqSpec, params: Float32Array): Builder {
  const parts = new Map(seq2seqLayout(spec).map((p) => [p.name, params.subarray(p.offset, p.offset + p.size)] as const));
  const part = (name: string) => {
    const p = parts.get(name);
    if (!p) throw new Error(`seq2seq export: no parameter ${name} in the layout`);
    return p;
  };
  const gru = spec.encoder.cell === 'gru' || spec.decoder.cell === 'gru';
  return { tf, spec, part, weighted: [], ...(gru && { gru: { classes: defineGru(tf), layer: true as const } }) };
}

const apply = (layer: TF.layers.Layer, x: Sym | Sym[]): Sym => layer.apply(x) as Sym;
const applyAll = (layer: TF.layers.Layer, x: Sym | Sym[]): Sym[] => layer.apply(x) as Sym[];
const named = (b: Builder, name: string, x: Sym): Sym => apply(b.tf.layers.activation({ activation: 'linear', name }), x);

/** A dense layer whose weights are SeqLab parameters (`bias` absent: no bias). */
function dense(b: Builder, x: Sym, o: { name: string; units: number; kernel: string; inSize: number; bias?: string; activation?: 'tanh' | 'softmax' | 'linear' }): Sym {
  const layer = b.tf.layers.dense({ units: o.units, useBias: o.bias !== undefined, activation: o.activation ?? 'linear', name: o.name });
  b.weighted.push({ layer, values: () => [b.tf.tensor2d(b.part(o.kernel), [o.inSize, o.units]), ...(o.bias ? [b.tf.tensor1d(b.part(o.bias))] : [])] });
  return apply(layer, x);
}

/** A dense layer with fixed weights (kernel [in, units] row-major, bias [units]). */
function fixedDense(b: Builder, x: Sym, name: string, kernel: number[], bias: number[]): Sym {
  const layer = b.tf.layers.dense({ units: bias.length, name });
  b.weighted.push({ layer, values: () => [b.tf.tensor2d(kernel, [kernel.length / bias.length, bias.length]), b.tf.tensor1d(bias)] });
  return apply(layer, x);
}

/** [B, T, D] reversed along T: an identity SimpleRNN read backwards (it returns its outputs in reading order). */
function reverseTime(b: Builder, x: Sym, D: number, name: string): Sym {
  const layer = b.tf.layers.simpleRNN({ units: D, activation: 'linear', useBias: false, goBackwards: true, returnSequences: true, recurrentInitializer: 'zeros', name });
  b.weighted.push({ layer, values: () => [b.tf.eye(D), b.tf.zeros([D, D])] });
  return apply(layer, x);
}

// ---------------------------------------------------------------- encoder
interface Encoded { memory: Sym; finals: { h: Sym; c: Sym | null }[] }

function encoderLayers(b: Builder, ids: Sym): Encoded {
  const { tf, spec } = b, He = spec.encoder.hiddenSize, lstm = spec.encoder.cell === 'lstm';
  const embedding = tf.layers.embedding({ inputDim: spec.sourceVocab, outputDim: spec.sourceEmbed, maskZero: true, name: 'source_embedding' });
  b.weighted.push({ layer: embedding, values: () => [tf.tensor2d(b.part('src.embedding'), [spec.sourceVocab, spec.sourceEmbed])] });
  let x = apply(embedding, ids);
  const finals: Encoded['finals'] = [];
  for (let l = 0; l < spec.encoder.layers; l++) {
    const inSize = l === 0 ? spec.sourceEmbed : memoryWidth(spec);
    const options = { name: `encoder_l${l}`, returnSequences: true, returnState: true };
    const values = () => encoderPrefixes(spec, l).flatMap((prefix) => recurrentValues(tf, b.part, prefix, spec.encoder.cell, inSize, He));
    const states = lstm ? 2 : 1;
    if (spec.encoder.bidirectional) {
      const layer = tf.layers.bidirectional({ layer: recurrentLayer(tf, spec.encoder.cell, He, { ...options, name: `encoder_l${l}_cell` }, b.gru) as TF.RNN, mergeMode: 'concat', name: options.name });
      b.weighted.push({ layer, values });
      const [seq, ...s] = applyAll(layer, x);   // forward states, then backward states
      const [fwd, bwd] = [s.slice(0, states), s.slice(states)];
      const cat = (i: number) => apply(tf.layers.concatenate({ name: `encoder_l${l}_final_${i === 0 ? 'h' : 'c'}` }), [fwd[i], bwd[i]]);
      finals.push({ h: cat(0), c: lstm ? cat(1) : null });
      x = seq;
    } else {
      const layer = recurrentLayer(tf, spec.encoder.cell, He, options, b.gru);
      b.weighted.push({ layer, values });
      const [seq, h, c] = applyAll(layer, x);
      finals.push({ h, c: lstm ? c : null });
      x = seq;
    }
  }
  return { memory: x, finals };
}

/** The decoder's initial state from the encoder's final states, in seq2seqTensorNames' order. */
function bridge(b: Builder, finals: Encoded['finals']): Sym[] {
  const { spec } = b, Hd = spec.decoder.hiddenSize, Dm = memoryWidth(spec);
  const out: Sym[] = [];
  const zeros = (x: Sym, inSize: number, name: string) => fixedDense(b, x, name, new Array<number>(inSize * Hd).fill(0), new Array<number>(Hd).fill(0));
  finals.forEach(({ h, c }, l) => {
    const bridged = isBridged(spec);
    out.push(named(b, `h${l}`, bridged ? dense(b, h, { name: `bridge_h_l${l}`, units: Hd, kernel: `bridge.l${l}.Wh`, bias: `bridge.l${l}.bh`, inSize: Dm, activation: 'tanh' }) : h));
    if (spec.decoder.cell !== 'lstm') return;
    if (!handsOverCell(spec)) out.push(named(b, `c${l}`, zeros(h, Dm, `zeros_c${l}`)));
    else out.push(named(b, `c${l}`, bridged ? dense(b, c!, { name: `bridge_c_l${l}`, units: Hd, kernel: `bridge.l${l}.Wc`, bias: `bridge.l${l}.bc`, inSize: Dm, activation: 'tanh' }) : c!));
  });
  if (seq2seqTensorNames(spec).state.includes('feed')) out.push(named(b, 'feed', zeros(finals[0].h, Dm, 'zeros_feed')));
  return out;
}

/** The encoder model; outputs in seq2seqTensorNames(spec).encoderOutputs order. */
function buildEncoder(b: Builder): TF.LayersModel {
  const { tf, spec } = b, Dm = memoryWidth(spec);
  const source = tf.input({ shape: [null], dtype: 'int32', name: 'source' });   // [B, S]
  let ids: Sym = source;
  if (spec.reverseSource) {
    const column = apply(tf.layers.reshape({ targetShape: [-1, 1], name: 'source_column' }), source);
    ids = apply(tf.layers.reshape({ targetShape: [-1], name: 'reversed_source' }), reverseTime(b, column, 1, 'reverse_source'));
  }
  const { memory: read, finals } = encoderLayers(b, ids);
  const memory = named(b, 'memory', spec.reverseSource ? reverseTime(b, read, Dm, 'reverse_memory') : read);   // [B, S, Dm] by source position
  const maskIds = tf.layers.embedding({ inputDim: spec.sourceVocab, outputDim: 1, name: 'source_mask_ids' });
  b.weighted.push({ layer: maskIds, values: () => [tf.tensor2d(Array.from({ length: spec.sourceVocab }, (_, id) => (id === 0 ? 0 : 1)), [spec.sourceVocab, 1])] });
  const mask = apply(tf.layers.reshape({ targetShape: [-1], name: 'source_mask' }), apply(maskIds, source));   // [B, S]
  const byName = new Map<string, Sym>([['memory', memory], ['source_mask', mask]]);
  if (spec.attention === 'additive' || spec.attention === 'general') {
    const K = spec.attention === 'additive' ? spec.attentionSize : spec.decoder.hiddenSize;
    byName.set('keys', dense(b, memory, { name: 'keys', units: K, kernel: 'att.Wk', inSize: Dm }));   // [B, S, K]
  }
  const names = seq2seqTensorNames(spec);
  bridge(b, finals).forEach((s, i) => byName.set(names.state[i], s));
  return tf.model({ inputs: source, outputs: names.encoderOutputs.map((n) => byName.get(n)!), name: 'seqlab_encoder' });
}

// ---------------------------------------------------------------- one decoder step
/** α [B, S] and h̃ [B, Hd] of the top state h [B, Hd]. */
function attend(b: Builder, h: Sym, context: Map<string, Sym>): { alpha: Sym; htilde: Sym } {
  const { tf, spec } = b, Hd = spec.decoder.hiddenSize, Dm = memoryWidth(spec), A = spec.attentionSize;
  const memory = context.get('memory')!;
  let scores: Sym;   // [B, S]
  if (spec.attention === 'additive') {
    const q = apply(tf.layers.reshape({ targetShape: [1, A], name: 'attention_query' }), dense(b, h, { name: 'attention_wq', units: A, kernel: 'att.Wq', inSize: Hd }));
    const u = apply(tf.layers.activation({ activation: 'tanh', name: 'attention_u' }), apply(tf.layers.add({ name: 'attention_sum' }), [q, context.get('keys')!]));
    scores = apply(tf.layers.reshape({ targetShape: [-1], name: 'attention_scores' }), dense(b, u, { name: 'attention_v', units: 1, kernel: 'att.v', inSize: A }));
  } else {
    const keys = spec.attention === 'general' ? context.get('keys')! : memory;
    scores = apply(tf.layers.dot({ axes: [2, 1], name: 'attention_scores' }), [keys, h]);
  }
  const column = apply(tf.layers.reshape({ targetShape: [-1, 1], name: 'mask_column' }), context.get('source_mask')!);
  const maskBias = apply(tf.layers.reshape({ targetShape: [-1], name: 'mask_bias' }), fixedDense(b, column, 'mask_scores', [MASKED_SCORE], [-MASKED_SCORE]));
  const alpha = apply(tf.layers.softmax({ axis: -1, name: 'attention' }), apply(tf.layers.add({ name: 'masked_scores' }), [scores, maskBias]));
  const c = apply(tf.layers.dot({ axes: [1, 1], name: 'context' }), [alpha, memory]);   // [B, Dm]
  const cat = apply(tf.layers.concatenate({ name: 'context_and_h' }), [c, h]);
  return { alpha, htilde: dense(b, cat, { name: 'attentional', units: Hd, kernel: 'att.Wc', inSize: Dm + Hd, activation: 'tanh' }) };
}

/** The decoder step model; inputs and outputs in seq2seqTensorNames(spec) order. */
function buildDecoderStep(b: Builder): TF.LayersModel {
  const { tf, spec } = b, Hd = spec.decoder.hiddenSize, Dm = memoryWidth(spec), names = seq2seqTensorNames(spec);
  const token = tf.input({ shape: [1], dtype: 'int32', name: 'token' });   // [B, 1]
  const K = spec.attention === 'additive' ? spec.attentionSize : Hd;
  const contextShape: Record<string, (number | null)[]> = { memory: [null, Dm], keys: [null, K], source_mask: [null] };
  const context = new Map(names.context.map((n) => [n, tf.input({ shape: contextShape[n], name: n })] as const));
  const state = new Map(names.state.map((n) => [n, tf.input({ shape: [Hd], name: n })] as const));

  const embedding = tf.layers.embedding({ inputDim: spec.targetVocab, outputDim: spec.targetEmbed, name: 'target_embedding' });
  b.weighted.push({ layer: embedding, values: () => [tf.tensor2d(b.part('tgt.embedding'), [spec.targetVocab, spec.targetEmbed])] });
  let x = apply(embedding, token);   // [B, 1, Dt]
  if (state.has('feed')) x = apply(tf.layers.concatenate({ name: 'decoder_input' }), [x, apply(tf.layers.reshape({ targetShape: [1, Hd], name: 'feed_step' }), state.get('feed')!)]);
  const next = new Map<string, Sym>();
  let h: Sym = x;
  for (let l = 0; l < spec.decoder.layers; l++) {
    const inSize = l === 0 ? decoderInputWidth(spec) : Hd;
    const layer = recurrentLayer(tf, spec.decoder.cell, Hd, { name: `decoder_l${l}`, returnSequences: false, returnState: true }, b.gru);
    b.weighted.push({ layer, values: () => recurrentValues(tf, b.part, `dec.l${l}`, spec.decoder.cell, inSize, Hd) });
    const initial = spec.decoder.cell === 'lstm' ? [state.get(`h${l}`)!, state.get(`c${l}`)!] : [state.get(`h${l}`)!];
    const [, hNext, cNext] = applyAll(layer, [l === 0 ? x : apply(tf.layers.reshape({ targetShape: [1, Hd], name: `decoder_l${l}_input` }), h), ...initial]);
    // The states are inputs of the layer's node already; tfjs keeps a second copy of them in the node's call
    // arguments, which it cannot serialise (it warns and drops them). Drop them here instead.
    for (const node of layer.inboundNodes) node.callArgs = {};
    next.set(`h${l}`, hNext);
    if (spec.decoder.cell === 'lstm') next.set(`c${l}`, cNext);
    // The output and the new h are one tensor: reading only hNext keeps tfjs' executor from disposing it
    // when the output's last reader is done while hNext still has readers.
    h = hNext;   // [B, Hd]
  }
  let o = h;
  const outputs = new Map<string, Sym>();
  if (spec.attention !== 'none') {
    const { alpha, htilde } = attend(b, h, context);
    outputs.set('attention', alpha);
    if (state.has('feed')) next.set('feed', htilde);
    o = htilde;
  }
  outputs.set('probabilities', dense(b, o, { name: 'probabilities', units: spec.targetVocab, kernel: 'out.Wy', bias: 'out.by', inSize: Hd, activation: 'softmax' }));
  for (const [n, s] of next) outputs.set(`${n}_next`, named(b, `${n}_next`, s));
  return tf.model({ inputs: [token, ...context.values(), ...state.values()], outputs: names.decoderOutputs.map((n) => outputs.get(n)!), name: 'seqlab_decoder_step' });
}

/** Both models with the run's parameters (seq2seqLayout order). The caller disposes them. */
export function buildSeq2seqModels(tf: Tf, spec: Seq2seqSpec, params: Float32Array): { encoder: TF.LayersModel; decoder: TF.LayersModel } {
  const b = builder(tf, spec, params);
  const encoder = buildEncoder(b), decoder = buildDecoderStep(b);
  setAllWeights(tf, b.weighted);
  return { encoder, decoder };
}

/** Writes both models (topology, weights manifest, `metadata`), their weights, the decode script and, for a GRU, the cell script. */
export async function writeSeq2seqTfjs(dir: string, spec: Seq2seqSpec, params: Float32Array, metadata: Seq2seqExportMetadata): Promise<ExportedFile[]> {
  const { tf } = await loadTfjs('cpu');
  const { encoder, decoder } = buildSeq2seqModels(tf, spec, params);
  try {
    const F = SEQ2SEQ_TFJS_FILES;
    const enc = await layersModelFiles(tf, encoder, F.encoderWeights, metadata);
    const dec = await layersModelFiles(tf, decoder, F.decoderWeights, metadata);
    const dirs = directionsOf(spec) === 2 ? 'bidirectional ' : '';
    return writeExportFiles(dir, [
      { name: F.encoderWeights, data: enc.weights, what: `encoder weights, ${enc.tensors} tensors (float32)` },
      { name: F.decoderWeights, data: dec.weights, what: `decoder weights, ${dec.tensors} tensors (float32)` },
      ...(usesGru(metadata.run) ? [{ name: F.gruCell, data: GRU_CELL_SCRIPT, what: 'the GRU cell class; load it before the models' }] : []),
      { name: F.decodeScript, data: SEQ2SEQ_DECODE_SCRIPT, what: 'greedy decoding with both models (seqlabDecode.load(), translator.greedy([text]))' },
      { name: F.decoder, data: dec.json, what: `one decoder step: token, state${spec.attention === 'none' ? '' : ', memory'} → probabilities, next state${spec.attention === 'none' ? '' : ', attention'}` },
      { name: F.encoder, data: enc.json, what: `the ${dirs}encoder: source ids → memory, the decoder's initial state; metadata (vocabularies, tokenizer)` },
    ]);
  } finally {
    encoder.dispose();
    decoder.dispose();
  }
}
