// SeqLab's encoder–decoder kernels (seq2seq.wasm): one instance holds one shape (spec, batch B, source
// length S, target length T); `init` allocates every buffer once and each step reuses them.
// Spec, names and Keras layout: src/shared/seq2seqSpec.ts. Host side: src/trainer/seq2seq/seq2seqModel.ts.
// Id 0 is <pad> on both sides. Per row b, with reading order s = 0..S−1 (the source reversed when reverseSource):
//
// encoder, layer l, direction d (forward reads s = 0 → S−1, backward S−1 → 0; x⁰_s = Es[src_s]):
//   h_s = live_s ? cell(x_s, h_prev) : h_prev       (c likewise; live_s = src_s ≠ <pad>; h_prev = 0 at the start)
//   x^{l+1}_s = [h^{l,fwd}_s; h^{l,bwd}_s];  memory m_s = x^{L}_s (width Dm = dirs·He);  e^l = [h^{l,fwd}_{S−1}; h^{l,bwd}_0]
// bridge (bidirectional or He ≠ Hd): s^l_0 = tanh(e^l·Wh + bh), c^l_0 = tanh(e^l_c·Wc + bc) (LSTM → LSTM);
//   otherwise s^l_0 = e^l and c^l_0 = e^l_c (LSTM → LSTM) or 0 (an LSTM decoder after another cell)
// decoder, step t = 0..T−1 (teacher forcing: in_0 = <s>, in_t = y_t; targets y_1 … y_n </s>):
//   x_t = [Et[in_t]; h̃_{t−1}] (input feeding, h̃_{−1} = 0) or Et[in_t];  h^l_t = cell(x^l_t, h^l_{t−1})
//   attention (seq2seqAttention.ts) on h_t = h^{L}_t: α_t, c_t, h̃_t = tanh([c_t; h_t]·Wc);  o_t = h̃_t, or h_t without
//   p_t = softmax(o_t·Wy + by);  L = (1/N) Σ_{b,t: y_bt ≠ <pad>} −log p_t[y_bt]
// backward: the exact reverse of the above (each file keeps its backward beside its forward); padded source
//   positions pass ∂L/∂h, ∂L/∂c through and contribute nothing to the weights (seq2seqRecurrent.ts).
// What the charts need is kept: every h, α_t, and ‖∂L/∂h‖ per encoder position (each direction) and decoder step.
import { Net, createNet, enc, dec } from './seq2seqNet';
import { gatherSource, encoderForward, bridgeForward, bridgeBackward, encoderBackward } from './seq2seqEncoder';
import { teacherInputs, packDecoder, decoderStep, outputForward, outputLogProbs, outputBackward, decoderBackward } from './seq2seqDecoder';
import { prepareAttention } from './seq2seqAttention';
import { outputs, initialH, initialC } from './seq2seqRecurrent';
import { sumSquares, scaleAll, clipAll, adamUpdate, rmspropUpdate, sgdUpdate } from './optimizers';
import { at } from './vecmath';
import { allocF32 } from './gemm';

let net: Net = changetype<Net>(0);
let optStep = 0;

// Returns the parameter count, or −1 when called twice (one instance per shape). Cells: 0 rnn, 1 lstm, 2 gru;
// attention: 0 none, 1 additive, 2 dot, 3 general.
export function init(sourceVocab: i32, sourceEmbed: i32, targetVocab: i32, targetEmbed: i32,
                     encCell: i32, layers: i32, encHidden: i32, bidirectional: i32, decCell: i32, decHidden: i32,
                     attention: i32, attentionSize: i32, inputFeeding: i32, reverseSource: i32, bosId: i32,
                     batch: i32, sourceLength: i32, targetLength: i32): i32 {
  if (changetype<usize>(net) != 0) return -1;
  net = createNet(sourceVocab, sourceEmbed, targetVocab, targetEmbed, encCell, layers, encHidden, bidirectional != 0,
                  decCell, decHidden, attention, attentionSize, inputFeeding != 0, reverseSource != 0, bosId,
                  batch, sourceLength, targetLength);
  return net.NP;
}

/**
 * Steps of the batches that follow: S ≤ the instance's source length, T ≤ its target length (a batch padded to
 * its own longest pair instead of the dataset's). Buffers keep their size; every loop, stride and state block
 * reads the current lengths, so the result equals an instance built with (S, T). Returns −1 when out of range.
 */
export function setLengths(S: i32, T: i32): i32 {
  if (S < 1 || T < 1 || S > net.maxS || T > net.maxT) return -1;
  net.S = S; net.T = T;
  for (let l = 0; l < net.layers; l++) {
    for (let d = 0; d < net.dirs; d++) enc(net, l, d).steps = S;
    dec(net, l).steps = T;
  }
  if (hasAttention()) { net.att.S = S; net.att.T = T; }
  return 0;
}

// @ts-ignore: decorator
@inline function hasAttention(): bool { return changetype<usize>(net.att) != 0; }

/** Source → memory and the decoder's initial states (and h̃ before the first step = 0). */
function encodeSource(): void {
  gatherSource(net);
  encoderForward(net);
  if (hasAttention()) {
    prepareAttention(net.att);
    memory.fill(net.att.htilde, 0, <usize>(net.B * net.Hd) << 2);
  }
  bridgeForward(net);
  packDecoder(net);
}

function forwardPass(train: bool): f64 {
  encodeSource();
  teacherInputs(net);
  for (let t = 0; t < net.T; t++) decoderStep(net, t);
  return outputForward(net, train);
}

// ---------------------------------------------------------------- entry points
/** Loss of the current batch (teacher forcing), no gradients, no dropout. */
export function forward(): f64 { return forwardPass(false); }

/**
 * Dropout on the output layer's input for the lossAndGrads that follow: rate p (0 = off), the step's seed, and
 * the global index of this instance's first row (a worker's share of the batch), which the masks are drawn by.
 */
export function setDropout(p: f32, seed: u32, row0: i32): void {
  if (p > 0 && net.dropMask == 0) {
    net.dropMask = allocF32(net.maxT * net.B * net.Hd);
    net.dropped = allocF32(net.maxT * net.B * net.Hd);
  }
  net.dropP = p; net.dropSeed = seed; net.dropRow0 = row0;
}
/** [T·B, Hd] the keep-mask of the last lossAndGrads with dropout (0 or 1/(1−p)), time-major; 0 before any. */
export function dropMaskPtr(): usize { return net.dropMask; }

/** Loss and the full gradient vector (with dropout when setDropout set a rate). */
export function lossAndGrads(): f64 {
  const loss = forwardPass(true);
  memory.fill(net.grads, 0, <usize>net.NPpad << 2);
  outputBackward(net);
  decoderBackward(net);
  bridgeBackward(net);
  encoderBackward(net);
  return loss;
}

/** Decoding: encode the source rows; the decoder state then sits in stateH/stateC/feed (block 0). */
export function encode(): void { encodeSource(); }

/** One decoding step (an instance with T = 1): reads stepTokens [B], writes log-probabilities [B, V], argmax [B] and
 *  α [B, S], and moves the new state into the state blocks. */
export function decodeStep(): void {
  decoderStep(net, 0);
  outputLogProbs(net);
  const bytes = <usize>(net.B * net.Hd) << 2;
  for (let l = 0; l < net.layers; l++) {
    const ly = dec(net, l);
    memory.copy(initialH(ly), outputs(ly), bytes);
    if (ly.cs != 0) memory.copy(initialC(ly), at(ly.cs, net.B * net.Hd), bytes);
  }
  if (hasAttention()) memory.copy(net.att.htilde, at(net.att.htilde, net.B * net.Hd), bytes);
}

// ---------------------------------------------------------------- gradient helpers and optimizers (optimizers.ts)
export function gradSumSquares(): f64 { return sumSquares(net.grads, net.NPpad); }
export function scaleGrads(s: f32): void { scaleAll(net.grads, net.NPpad, s); }
export function clipGradsValue(c: f32): void { clipAll(net.grads, net.NPpad, c); }
export function adam(lr: f32, beta1: f32, beta2: f32, eps: f32): void {
  optStep++;
  adamUpdate(net.params, net.grads, net.slot0, net.slot1, net.NPpad, optStep, lr, beta1, beta2, eps);
}
export function rmsprop(lr: f32, rho: f32, eps: f32): void {
  optStep++;
  rmspropUpdate(net.params, net.grads, net.slot0, net.NPpad, lr, rho, eps);
}
export function sgd(lr: f32, momentum: f32): void {
  optStep++;
  sgdUpdate(net.params, net.grads, net.slot0, net.NPpad, lr, momentum);
}
export function optimizerStep(): i32 { return optStep; }
export function setOptimizerStep(step: i32): void { optStep = step; }
export function optimizerSlotPtr(i: i32): usize { return i == 0 ? net.slot0 : net.slot1; }

// ---------------------------------------------------------------- data-parallel training (Seq2seqTrainer)
// Another rank's gradients are copied into `peer` and weighed in here, four floats at a time: a JavaScript loop
// over the ~1M floats of the benchmark model took longer than the copy and this loop together.
let peer: usize = 0;
/** [NPpad] scratch for another rank's gradients, allocated on first use. */
export function peerGradsPtr(): usize {
  if (peer == 0) peer = allocF32(net.NPpad);
  return peer;
}
/** grads ← a·grads + b·peer */
export function mixPeerGrads(a: f32, b: f32): void {
  const a4 = f32x4.splat(a), b4 = f32x4.splat(b);
  for (let i = 0; i < net.NPpad; i += 4)
    v128.store(at(net.grads, i), f32x4.add(f32x4.mul(a4, v128.load(at(net.grads, i))), f32x4.mul(b4, v128.load(at(peer, i)))));
}

// ---------------------------------------------------------------- views for the host
export function paramCount(): i32 { return net.NP; }
export function paramsPtr(): usize { return net.params; }
export function gradsPtr(): usize { return net.grads; }
export function sourcePtr(): usize { return net.srcIn; }
export function targetPtr(): usize { return net.tgtIn; }
export function tokenCount(): i32 { return net.tokens; }
export function correct(): i32 { return net.correct; }
export function argmaxPtr(): usize { return net.argmax; }
export function outputsPtr(): usize { return net.yHat; }
export function attentionPtr(): usize { return hasAttention() ? net.att.alpha : 0; }
export function encHiddenPtr(l: i32, d: i32): usize { return outputs(enc(net, l, d)); }
export function encDhNormPtr(l: i32, d: i32): usize { return enc(net, l, d).dhNorm; }
export function encDcNormPtr(l: i32, d: i32): usize { return enc(net, l, d).dcNorm; }
export function decHiddenPtr(l: i32): usize { return outputs(dec(net, l)); }
export function decDcNormPtr(l: i32): usize { return dec(net, l).dcNorm; }
export function decDhNormPtr(l: i32): usize { return dec(net, l).dhNorm; }
export function stepTokensPtr(): usize { return net.decIn; }
export function stateHPtr(l: i32): usize { return initialH(dec(net, l)); }
export function stateCPtr(l: i32): usize { return initialC(dec(net, l)); }
export function feedPtr(): usize { return hasAttention() ? net.att.htilde : 0; }
