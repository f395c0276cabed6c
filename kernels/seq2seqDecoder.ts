// The decoder and the output layer of the encoder–decoder, forward and backward (equations: seq2seq.ts).
// The decoder runs step-major (all layers at step t, then t+1): with input feeding, step t's input holds
// h̃_{t−1}, so neither direction of the pass can be done one layer at a time.
import { gemmPacked, gemmTN, packB, packBT } from './gemm';
import { at, addN, columnSums, splat, hsum, hmax, exp4, ldn, stn } from './vecmath';
import { Net, dec } from './seq2seqNet';
import { packForward, packBackward, inputProjection, stepForward, stepBackward, inputGradient, weightGradients, outputs, hAt } from './seq2seqRecurrent';
import { attendForward, attendBackward, attentionWeightGradients, packAttentionBackward, resetAttentionGradients } from './seq2seqAttention';
import { TokenTable, prepareTokens, projectTokens, packTokensBackward, fedGradient, tokenGradients } from './seq2seqTokens';

// @ts-ignore: decorator
@inline function hasAttention(n: Net): bool { return changetype<usize>(n.att) != 0; }

/** Teacher forcing: the decoder reads <s> at step 0 and y_t at step t + 1. */
export function teacherInputs(n: Net): void {
  for (let t = 0; t < n.T; t++)
    for (let b = 0; b < n.B; b++)
      store<i32>(n.decIn + (<usize>(t * n.B + b) << 2), t == 0 ? n.bosId : load<i32>(n.tgtIn + (<usize>(b * n.T + t - 1) << 2)));
}

export function packDecoder(n: Net): void {
  for (let l = 0; l < n.layers; l++) packForward(dec(n, l));
  const first = dec(n, 0);
  if (first.tok != 0) prepareTokens(changetype<TokenTable>(first.tok), first);
  packB(n.Wy, n.Hd, n.Vt, n.Vt, n.WyP);
}

/** Step t: x_t = [E_t[in_t]; h̃_{t−1}], every layer, then the attention. Needs packDecoder and the initial states. */
export function decoderStep(n: Net, t: i32): void {
  const B = n.B, Din = n.Din, Dt = n.Dt, Hd = n.Hd;
  for (let b = 0; b < B; b++) {
    const r = t * B + b, id = load<i32>(n.decIn + (<usize>r << 2));
    memory.copy(at(n.x0dec, r * Din), at(n.tgtEmb, id * Dt), <usize>Dt << 2);
    if (n.feed) memory.copy(at(n.x0dec, r * Din + Dt), at(n.att.htilde, r * Hd), <usize>Hd << 2);   // h̃_{t−1}: block t
  }
  for (let l = 0; l < n.layers; l++) {
    const ly = dec(n, l);
    ly.input = l == 0 ? n.x0dec : outputs(dec(n, l - 1));
    if (ly.tok != 0) projectTokens(changetype<TokenTable>(ly.tok), ly, t, B);
    else inputProjection(ly, t, B, at(ly.input, t * B * ly.I));
    stepForward(ly, t, 0);
  }
  if (hasAttention(n)) attendForward(n.att, t, hAt(dec(n, n.layers - 1), t));
}

/** What the output layer reads, [T·B, Hd]: h̃_1..h̃_T with attention, else the top layer's h_1..h_T. */
export function outputInput(n: Net): usize {
  return hasAttention(n) ? at(n.att.htilde, n.B * n.Hd) : outputs(dec(n, n.layers - 1));
}

// ---------------------------------------------------------------- output layer and loss
// p_t = softmax(o_t·Wy + by);  L = (1/N) Σ_{t,b: y_bt ≠ <pad>} −log p_t[y_bt],  N = the real target tokens
// ∂L/∂logits = (p_t − onehot(y_bt))/N on real tokens, 0 on padding;  ∂Wy = oᵀ·∂logits;  ∂o = ∂logits·Wyᵀ

let rowArg = 0, rowMax: f32 = 0;
const ONES = memory.data<f32>([1, 1, 1, 1]);
// logits row (bias added here) → probabilities, or log-probabilities when `logs`; returns log Σ exp(z − max)
// and leaves the row's maximum logit and its first index in rowMax, rowArg.
function softmaxRow(row: usize, bias: usize, V: i32, logs: bool): f64 {
  let mx4 = splat(-3.4e38);
  let v = 0;
  for (; v + 4 <= V; v += 4) {
    const x = f32x4.add(v128.load(at(row, v)), v128.load(at(bias, v)));
    v128.store(at(row, v), x);
    mx4 = f32x4.pmax(mx4, x);
  }
  let mx = hmax(mx4);
  for (; v < V; v++) {
    const x = load<f32>(at(row, v)) + load<f32>(at(bias, v));
    store<f32>(at(row, v), x);
    mx = max(mx, x);
  }
  let arg = 0;
  while (arg < V - 1 && load<f32>(at(row, arg)) != mx) arg++;   // bounded: NaN logits (a diverged run) match nothing
  rowArg = arg; rowMax = mx;
  let sum4 = splat(0);
  const m4 = splat(mx);
  for (v = 0; v < V; v += 4) {
    const k = min(V - v, 4);
    const z = f32x4.sub(ldn(at(row, v), k), m4);
    const e = exp4(z);
    if (logs) stn(at(row, v), z, k); else stn(at(row, v), e, k);
    sum4 = f32x4.add(sum4, k == 4 ? e : f32x4.mul(e, ldn(ONES, k)));   // a partial block adds only its real lanes
  }
  const sum = hsum(sum4), logSum = Math.log(<f64>sum);
  const s4 = splat(logs ? <f32>logSum : <f32>(1.0 / sum));
  for (v = 0; v < V; v += 4) {
    const k = min(V - v, 4);
    stn(at(row, v), logs ? f32x4.sub(ldn(at(row, v), k), s4) : f32x4.mul(ldn(at(row, v), k), s4), k);
  }
  return logSum;
}

// Dropout (training, n.dropP > 0): o_t ⊙ m_t feeds the output layer, m = 0 with probability p, else 1/(1−p). Each
// mask value is a hash of (step seed, global row, t, unit), so a row gets the same mask on any thread of any
// thread count, and the reference (tests) can read the mask back (dropMaskPtr).
// @ts-ignore: decorator
@inline function mix32(h: u32): u32 {
  h ^= h >> 16; h *= 0x7feb352d; h ^= h >> 15; h *= 0x846ca68b; h ^= h >> 16;
  return h;
}

function dropOutputs(n: Net, src: usize): usize {
  const B = n.B, Hd = n.Hd, p = n.dropP, keep: f32 = <f32>1 / (<f32>1 - p);
  const threshold = <u32>(<f64>p * 16777216.0);   // keep when the hash's top 24 bits ≥ p·2^24
  for (let t = 0; t < n.T; t++)
    for (let b = 0; b < B; b++) {
      const base = mix32(mix32(n.dropSeed ^ mix32(<u32>(n.dropRow0 + b) * 0x9e3779b9)) ^ (<u32>t * 0x85ebca6b));
      const r = (t * B + b) * Hd;
      for (let j = 0; j < Hd; j++) {
        const m: f32 = (mix32(base ^ (<u32>j * 0xc2b2ae35)) >> 8) >= threshold ? keep : 0;
        store<f32>(at(n.dropMask, r + j), m);
        store<f32>(at(n.dropped, r + j), m * load<f32>(at(src, r + j)));
      }
    }
  return n.dropped;
}

/** Logits of every step, softmax, loss (mean over real tokens), argmax and correct count; `train`: with dropout. */
export function outputForward(n: Net, train: bool): f64 {
  const rows = n.T * n.B, V = n.Vt;
  n.dropOn = train && n.dropP > 0;
  const o = n.dropOn ? dropOutputs(n, outputInput(n)) : outputInput(n);
  gemmPacked(rows, V, n.Hd, o, n.Hd, 1, n.WyP, n.yHat, V, false);
  let sum: f64 = 0, tokens = 0, correct = 0;
  for (let r = 0; r < rows; r++) {
    const t = r / n.B, b = r % n.B, row = at(n.yHat, r * V);
    const y = load<i32>(n.tgtIn + (<usize>(b * n.T + t) << 2));
    const zy = y != 0 ? load<f32>(at(row, y)) + load<f32>(at(n.by, y)) : 0;
    const logSum = softmaxRow(row, n.by, V, false);
    store<i32>(n.argmax + (<usize>r << 2), rowArg);
    if (y == 0) continue;
    tokens++;
    if (rowArg == y) correct++;
    sum += logSum - (<f64>zy - <f64>rowMax);   // −log p[y] = log Σ exp(z − max) − (z_y − max)
  }
  n.tokens = tokens; n.correct = correct;
  n.loss = tokens > 0 ? sum / <f64>tokens : 0;
  return n.loss;
}

/** Decode step (T = 1): log-probabilities of the B rows into yHat, argmax into argmax. */
export function outputLogProbs(n: Net): void {
  const V = n.Vt;
  gemmPacked(n.B, V, n.Hd, outputInput(n), n.Hd, 1, n.WyP, n.yHat, V, false);
  for (let b = 0; b < n.B; b++) {
    softmaxRow(at(n.yHat, b * V), n.by, V, true);
    store<i32>(n.argmax + (<usize>b << 2), rowArg);
  }
}

export function outputBackward(n: Net): void {
  const rows = n.T * n.B, V = n.Vt, Hd = n.Hd;
  const scale: f32 = n.tokens > 0 ? <f32>(1.0 / <f64>n.tokens) : 0;
  for (let r = 0; r < rows; r++) {
    const t = r / n.B, b = r % n.B, d = at(n.dY, r * V), p = at(n.yHat, r * V);
    const y = load<i32>(n.tgtIn + (<usize>(b * n.T + t) << 2));
    if (y == 0) { memory.fill(d, 0, <usize>V << 2); continue; }
    for (let v = 0; v < V; v += 4) {
      const k = min(V - v, 4);
      stn(at(d, v), f32x4.mul(ldn(at(p, v), k), splat(scale)), k);
    }
    store<f32>(at(d, y), load<f32>(at(d, y)) - scale);
  }
  gemmTN(Hd, V, rows, n.dropOn ? n.dropped : outputInput(n), Hd, n.dY, V, n.dWy, V, false);
  columnSums(n.dY, rows, V, n.dby);
  packBT(n.Wy, V, Hd, V, n.WyTP);
  const dst = hasAttention(n) ? n.dO : dec(n, n.layers - 1).dhs;
  gemmPacked(rows, Hd, V, n.dY, V, 1, n.WyTP, dst, Hd, false);
  if (!n.dropOn) return;
  const total = rows * Hd;
  for (let i = 0; i < total; i += 4) {
    const k = min(total - i, 4);
    stn(at(dst, i), f32x4.mul(ldn(at(dst, i), k), ldn(at(n.dropMask, i), k)), k);
  }
}

// ---------------------------------------------------------------- decoder backward
// Step-major from t = T−1: ∂h̃_t = ∂o_t + ∂h̃_t through step t+1's input (input feeding); the attention
// gives the top layer's ∂h_t; each layer's BPTT step; ∂x_t of layer 0 = [∂E_t[in_t]; ∂h̃_{t−1}].
// After step 0 each layer's dhNext/dcNext is ∂L/∂(initial state), which the bridge takes.
export function decoderBackward(n: Net): void {
  const B = n.B, Hd = n.Hd, Din = n.Din, Dt = n.Dt, L = n.layers, att = n.att;
  const tok = dec(n, 0).tok;
  for (let l = 0; l < L; l++) {
    const ly = dec(n, l);
    packBackward(ly);
    memory.fill(ly.dhNext, 0, <usize>(B * Hd) << 2);
    memory.fill(ly.dcNext, 0, <usize>(B * Hd) << 2);
  }
  if (tok != 0) packTokensBackward(changetype<TokenTable>(tok), dec(n, 0));
  if (hasAttention(n)) { packAttentionBackward(att); resetAttentionGradients(att); }
  memory.fill(n.dx0, 0, <usize>(B * Din) << 2);
  const top = dec(n, L - 1);
  for (let t = n.T - 1; t >= 0; t--) {
    if (hasAttention(n)) {
      memory.copy(n.dht, at(n.dO, t * B * Hd), <usize>(B * Hd) << 2);
      if (n.feed) for (let b = 0; b < B; b++) addN(at(n.dht, b * Hd), at(n.dx0, b * Din + Dt), Hd);
      attendBackward(att, t, hAt(top, t), n.dht, at(top.dhs, t * B * Hd));
    }
    for (let l = L - 1; l >= 0; l--) {
      const ly = dec(n, l);
      stepBackward(ly, t, 0);
      if (l > 0) inputGradient(ly, t, B, at(dec(n, l - 1).dhs, t * B * Hd), false);
      else if (tok == 0) inputGradient(ly, t, B, n.dx0, false);
      else if (n.feed) fedGradient(changetype<TokenTable>(tok), ly, t, at(n.dx0, Dt), Din);   // ∂h̃_{t−1}; the embedding's share after the loop
    }
    if (tok != 0) continue;
    for (let b = 0; b < B; b++) {
      const id = load<i32>(n.decIn + (<usize>(t * B + b) << 2));
      addN(at(n.dTgtEmb, id * Dt), at(n.dx0, b * Din), Dt);
    }
  }
  for (let l = 0; l < L; l++) weightGradients(dec(n, l));
  if (tok != 0) tokenGradients(changetype<TokenTable>(tok), dec(n, 0));
  if (hasAttention(n)) attentionWeightGradients(att, outputs(top));
}
