// SeqLab's fused training kernels. One instance holds one model shape (ModelSpec + batch B + timesteps T);
// `init` allocates every buffer once and each step reuses them.
// Activations are time-major, row r = t·B + b. Parameters and gradients are two flat vectors in the order
// of src/trainer/model.ts's paramLayout (Keras): [embedding] · per layer Wx, Wh, b, [bh] · Wy, by.
// The contract the host relies on (inputs, loss normalisation, norms) is docs/kernel-contract.md.
import { alloc, allocF32, packedSize, packB, packBT, gemmPacked, gemmTN, reserveGemmScratch } from './gemm';
import { rnnForward, rnnBackward, lstmForward, lstmBackward, gruForward, gruBackward } from './cells';
import { at, splat, ldn, stn, hsum, hmax, exp4, columnSums } from './vecmath';
import { sumSquares, scaleAll, clipAll, adamUpdate, rmspropUpdate, sgdUpdate } from './optimizers';

const RNN = 0, LSTM = 1, GRU = 2;

// ---------------------------------------------------------------- shape (set once by init)
let cell = RNN, G = 1, H = 0, nLayers = 0, O = 0, B = 0, T = 0;
let inputSize = 0, embedSize = 0;
let GH = 0, TB = 0, BH = 0;
let tokenInput = false, headLast = false, mseLoss = false, carryState = false;
let dropRate: f32 = 0;
let headRows = 0;   // rows of the head: T·B ('every') or B ('last')
let NP = 0, NPpad = 0;

// ---------------------------------------------------------------- buffers
let params: usize = 0, grads: usize = 0;
let slot0: usize = 0, slot1: usize = 0;   // optimizer state: Adam m, v; RMSprop v; SGD velocity
let optStep = 0;
let embedding: usize = 0, dEmbedding: usize = 0;
let Wy: usize = 0, by: usize = 0, dWy: usize = 0, dby: usize = 0, WyP: usize = 0, WyTP: usize = 0;
let xIn: usize = 0, yIn: usize = 0;   // written by the host, batch-major as in the contract
let x0: usize = 0;                    // layer-0 input, time-major [TB, I0]
let dx0: usize = 0;                   // ∂L/∂x0 [TB, embed] (token input only: scattered into the embedding)
let yHat: usize = 0, dyHat: usize = 0; // [headRows, O]: probabilities or predictions; ∂L/∂logits
let dhNext: usize = 0, dcNext: usize = 0, dhDirect: usize = 0;   // [B, H] carried backwards through time
let lossAll: f64 = 0, lossLastStep: f64 = 0, nCorrect = 0;
let dropping = false;                 // the last forward applied dropout masks (the backward must too)
let rng: u32 = 0x9e3779b9;

@unmanaged class Layer {
  inSize: i32;
  Wx: usize; Wh: usize; b: usize; bh: usize;          // parameters (views into params)
  dWx: usize; dWh: usize; db: usize; dbh: usize;      // their gradients (views into grads)
  WxP: usize; WhP: usize; WhTP: usize; WxTP: usize;   // packed panels of Wx, Wh, Whᵀ, Wxᵀ
  input: usize;   // [TB, inSize]: x0, the layer below's h_1..h_T, or its dropped-out copy
  hs: usize;      // [(T+1)·B, H]: h_0 (initial state) then h_1..h_T
  cs: usize;      // LSTM [(T+1)·B, H]: c_0..c_T
  tc: usize;      // LSTM [TB, H]: tanh c_t
  z: usize;       // [TB, GH]: pre-activations, post-activation gates after the forward
  zh: usize;      // GRU [TB, GH]: h_prev·Wh + bh (its n block is what r multiplies)
  dz: usize;      // [TB, GH]
  dzh: usize;     // GRU [TB, GH]: gradient of the recurrent pre-activations
  dhs: usize;     // [TB, H]: ∂L/∂h_t arriving from above (head or next layer)
  mask: usize;    // [TB, H]: inverted-dropout mask on this layer's output (0 or 1/(1−rate))
  dropped: usize; // [TB, H]: h ⊙ mask, the next layer's input while training
  dhNorm: usize;  // [T]
  dcNorm: usize;  // LSTM [T]
}
let layerTable: usize = 0;
// @ts-ignore: decorator
@inline function layer(l: i32): Layer { return changetype<Layer>(layerTable + <usize>l * offsetof<Layer>()); }

let cursor = 0;
function take(n: i32): i32 { const o = cursor; cursor += n; return o; }

// Returns the parameter count, or −1 when called twice (one instance per shape).
// Buffers come from the stub runtime's bump allocator and live as long as the instance.
export function init(cellKind: i32, tokens: i32, inSize: i32, embed: i32, hidden: i32, layerCount: i32,
                     outSize: i32, lastOnly: i32, mse: i32, dropout: f32, batch: i32, steps: i32, carry: i32): i32 {
  if (layerTable != 0) return -1;
  cell = cellKind; G = cell == LSTM ? 4 : cell == GRU ? 3 : 1;
  tokenInput = tokens != 0; inputSize = inSize; embedSize = embed; H = hidden; nLayers = layerCount; O = outSize;
  headLast = lastOnly != 0; mseLoss = mse != 0; dropRate = dropout; B = batch; T = steps; carryState = carry != 0;
  GH = G * H; TB = T * B; BH = B * H; headRows = headLast ? B : TB;
  const I0 = tokenInput ? embedSize : inputSize;

  // the flat vectors (padded to whole f32x4: the optimizer loops run over zero padding), then views
  // into them in paramLayout order
  NP = (tokenInput ? inputSize * embedSize : 0) + I0 * GH + (nLayers - 1) * H * GH
     + nLayers * (H * GH + GH + (cell == GRU ? GH : 0)) + H * O + O;
  NPpad = (NP + 3) & ~3;
  params = allocF32(NPpad); grads = allocF32(NPpad); slot0 = allocF32(NPpad); slot1 = allocF32(NPpad);
  cursor = 0;
  if (tokenInput) { const o = take(inputSize * embedSize); embedding = at(params, o); dEmbedding = at(grads, o); }
  layerTable = alloc(nLayers * <i32>offsetof<Layer>());
  for (let l = 0; l < nLayers; l++) {
    const ly = layer(l), I = l == 0 ? I0 : H;
    ly.inSize = I;
    let o = take(I * GH); ly.Wx = at(params, o); ly.dWx = at(grads, o);
    o = take(H * GH); ly.Wh = at(params, o); ly.dWh = at(grads, o);
    o = take(GH); ly.b = at(params, o); ly.db = at(grads, o);
    if (cell == GRU) { o = take(GH); ly.bh = at(params, o); ly.dbh = at(grads, o); }
  }
  let o = take(H * O); Wy = at(params, o); dWy = at(grads, o);
  o = take(O); by = at(params, o); dby = at(grads, o);

  // activations, their gradients and packed weights, per layer
  for (let l = 0; l < nLayers; l++) {
    const ly = layer(l), I = ly.inSize;
    ly.WxP = allocF32(packedSize(I, GH)); ly.WhP = allocF32(packedSize(H, GH));
    ly.WhTP = allocF32(packedSize(GH, H));
    ly.WxTP = l > 0 || tokenInput ? allocF32(packedSize(GH, I)) : 0;
    ly.hs = allocF32((T + 1) * BH);
    ly.cs = cell == LSTM ? allocF32((T + 1) * BH) : 0;
    ly.tc = cell == LSTM ? allocF32(TB * H) : 0;
    ly.z = allocF32(TB * GH); ly.dz = allocF32(TB * GH);
    ly.zh = cell == GRU ? allocF32(TB * GH) : 0; ly.dzh = cell == GRU ? allocF32(TB * GH) : 0;
    ly.dhs = allocF32(TB * H);
    const droppedOut = l < nLayers - 1 && dropRate > 0;
    ly.mask = droppedOut ? allocF32(TB * H) : 0; ly.dropped = droppedOut ? allocF32(TB * H) : 0;
    ly.dhNorm = allocF32(T); ly.dcNorm = allocF32(T);
  }
  WyP = allocF32(packedSize(H, O)); WyTP = allocF32(packedSize(O, H));
  reserveGemmScratch(max(I0, H), max(GH, O));
  xIn = alloc(tokenInput ? TB * 4 : TB * inputSize * 4);
  yIn = alloc(headRows * (mseLoss ? O : 1) * 4);
  x0 = allocF32(TB * I0);
  dx0 = tokenInput ? allocF32(TB * embedSize) : 0;
  yHat = allocF32(headRows * O); dyHat = allocF32(headRows * O);
  dhNext = allocF32(BH); dcNext = allocF32(BH); dhDirect = allocF32(BH);
  return NP;
}

// ---------------------------------------------------------------- forward
// x (batch-major [B, T] ids or [B, T, I] features) → x0, time-major [TB, I0]
function gatherInput(): void {
  for (let t = 0; t < T; t++)
    for (let b = 0; b < B; b++) {
      const row = t * B + b, src = b * T + t;
      if (tokenInput) {
        const id = load<i32>(xIn + (<usize>src << 2));
        memory.copy(at(x0, row * embedSize), at(embedding, id * embedSize), <usize>embedSize << 2);
      } else {
        memory.copy(at(x0, row * inputSize), at(xIn, src * inputSize), <usize>inputSize << 2);
      }
    }
}

function layerForward(ly: Layer): void {
  const I = ly.inSize;
  packB(ly.Wx, I, GH, GH, ly.WxP); packB(ly.Wh, H, GH, GH, ly.WhP);
  gemmPacked(TB, GH, I, ly.input, I, 1, ly.WxP, ly.z, GH, false);   // x·Wx for every timestep at once
  const stateBytes = <usize>BH << 2;
  if (carryState) {   // start from the previous forward's final state
    memory.copy(ly.hs, at(ly.hs, T * BH), stateBytes);
    if (cell == LSTM) memory.copy(ly.cs, at(ly.cs, T * BH), stateBytes);
  } else {
    memory.fill(ly.hs, 0, stateBytes);
    if (cell == LSTM) memory.fill(ly.cs, 0, stateBytes);
  }
  for (let t = 0; t < T; t++) {
    const z = at(ly.z, t * B * GH), hPrev = at(ly.hs, t * BH), h = at(ly.hs, (t + 1) * BH);
    if (cell == GRU) {
      const zh = at(ly.zh, t * B * GH);
      gemmPacked(B, GH, H, hPrev, H, 1, ly.WhP, zh, GH, false);
      gruForward(B, H, z, zh, ly.b, ly.bh, hPrev, h);
    } else {
      if (t > 0 || carryState) gemmPacked(B, GH, H, hPrev, H, 1, ly.WhP, z, GH, true);   // h_0 = 0 adds nothing
      if (cell == LSTM) lstmForward(B, H, z, ly.b, at(ly.cs, t * BH), at(ly.cs, (t + 1) * BH), at(ly.tc, t * BH), h);
      else rnnForward(B, H, z, ly.b, h);
    }
  }
}

// xorshift32; uniform in [0, 1) from the top 24 bits
function uniform(): f32 {
  let s = rng;
  s ^= s << 13; s ^= s >> 17; s ^= s << 5;
  rng = s;
  return <f32>(s >> 8) * (1.0 / 16777216.0);
}
export function seedDropout(seed: u32): void {
  let s = seed * 0x9e3779b1 + 0x7f4a7c15;   // spread small seeds; xorshift needs a non-zero state
  s ^= s >> 16;
  rng = s != 0 ? s : 0x9e3779b9;
}

// inverted dropout on h_1..h_T: kept units are scaled by 1/(1−rate) so no rescaling is needed at inference
function dropOutput(ly: Layer): void {
  const scale: f32 = 1.0 / (1.0 - dropRate), h = at(ly.hs, BH);
  for (let i = 0; i < TB * H; i++) {
    const m: f32 = uniform() < dropRate ? 0 : scale;
    store<f32>(at(ly.mask, i), m);
    store<f32>(at(ly.dropped, i), load<f32>(at(h, i)) * m);
  }
}

// logits row (bias added here) → softmax probabilities in place; returns −log p[target] in f64
function softmaxRow(row: usize, target: i32): f64 {
  let mx4 = splat(-3.4e38);
  let v = 0;
  for (; v + 4 <= O; v += 4) {
    const x = f32x4.add(v128.load(at(row, v)), v128.load(at(by, v)));
    v128.store(at(row, v), x);
    mx4 = f32x4.pmax(mx4, x);
  }
  let mx = hmax(mx4);
  for (; v < O; v++) {
    const x = load<f32>(at(row, v)) + load<f32>(at(by, v));
    store<f32>(at(row, v), x);
    mx = max(mx, x);
  }
  let arg = 0;
  while (load<f32>(at(row, arg)) != mx) arg++;   // first index of the maximum
  if (arg == target) nCorrect++;
  const zTarget = load<f32>(at(row, target)) - mx;
  let sum4 = splat(0);
  const m4 = splat(mx);
  for (v = 0; v < O; v += 4) {
    const n = min(O - v, 4);
    const e = exp4(f32x4.sub(ldn(at(row, v), n), m4));
    stn(at(row, v), e, n);
    sum4 = f32x4.add(sum4, n == 4 ? e : ldn(at(row, v), n));   // a partial block counts only its real lanes
  }
  const sum = hsum(sum4);
  const inv = splat(1.0 / sum);
  for (v = 0; v < O; v += 4) {
    const n = min(O - v, 4);
    stn(at(row, v), f32x4.mul(ldn(at(row, v), n), inv), n);
  }
  return Math.log(<f64>sum) - <f64>zTarget;
}

// logits row (bias added here) are the predictions; returns Σ_o (pred − y)²
function squaredErrorRow(row: usize, y: usize): f64 {
  let s: f64 = 0;
  for (let v = 0; v < O; v++) {
    const pred = load<f32>(at(row, v)) + load<f32>(at(by, v));
    store<f32>(at(row, v), pred);
    const d = <f64>pred - <f64>load<f32>(at(y, v));
    s += d * d;
  }
  return s;
}

// @ts-ignore: decorator
@inline function headInput(): usize {   // [headRows, H]: h_1..h_T ('every') or h_T ('last') of the top layer
  return at(layer(nLayers - 1).hs, headLast ? T * BH : BH);
}
// target row of head row r (targets are batch-major: [B, T] for 'every', [B] for 'last')
// @ts-ignore: decorator
@inline function targetIndex(r: i32): i32 { return headLast ? r : (r % B) * T + r / B; }

function headForward(): void {
  packB(Wy, H, O, O, WyP);
  gemmPacked(headRows, O, H, headInput(), H, 1, WyP, yHat, O, false);
  let all: f64 = 0, lastStep: f64 = 0;
  nCorrect = 0;
  const lastStepRow0 = headRows - B;
  for (let r = 0; r < headRows; r++) {
    const row = at(yHat, r * O), y = targetIndex(r);
    const l = mseLoss ? squaredErrorRow(row, at(yIn, y * O)) : softmaxRow(row, load<i32>(at(yIn, y)));
    all += l;
    if (r >= lastStepRow0) lastStep += l;
  }
  const perPosition: f64 = mseLoss ? <f64>O : 1.0;
  lossAll = all / (<f64>headRows * perPosition);
  lossLastStep = lastStep / (<f64>B * perPosition);
}

function forwardPass(training: bool): void {
  gatherInput();
  dropping = training && dropRate > 0 && nLayers > 1;
  for (let l = 0; l < nLayers; l++) {
    const ly = layer(l);
    if (l == 0) ly.input = x0;
    else {
      const below = layer(l - 1);
      ly.input = dropping ? below.dropped : at(below.hs, BH);
    }
    layerForward(ly);
    if (dropping && l < nLayers - 1) dropOutput(ly);
  }
  headForward();
}

// ---------------------------------------------------------------- backward
// ∂L/∂logits for the predicted rows, then Wy, by and ∂L/∂h of the top layer.
// lastStepOnly keeps the final timestep's rows (L_T, normalised by its B positions).
function headBackward(lastStepOnly: bool): void {
  const r0 = lastStepOnly && !headLast ? headRows - B : 0, count = headRows - r0;
  if (mseLoss) {
    const scale = <f32>(2.0 / (<f64>count * <f64>O));   // ∂/∂pred of mean (pred − y)²
    for (let r = r0; r < headRows; r++) {
      const p = at(yHat, r * O), d = at(dyHat, r * O), y = at(yIn, targetIndex(r) * O);
      for (let v = 0; v < O; v++) store<f32>(at(d, v), (load<f32>(at(p, v)) - load<f32>(at(y, v))) * scale);
    }
  } else {
    const scale = <f32>(1.0 / <f64>count);               // ∂/∂logits of mean −log softmax = (p − onehot)/count
    const s4 = splat(scale);
    for (let r = r0; r < headRows; r++) {
      const p = at(yHat, r * O), d = at(dyHat, r * O);
      let v = 0;
      for (; v + 4 <= O; v += 4) v128.store(at(d, v), f32x4.mul(v128.load(at(p, v)), s4));
      for (; v < O; v++) store<f32>(at(d, v), load<f32>(at(p, v)) * scale);
      const target = load<i32>(at(yIn, targetIndex(r)));
      store<f32>(at(d, target), load<f32>(at(d, target)) - scale);
    }
  }
  const hIn = headInput(), dy = at(dyHat, r0 * O);
  gemmTN(H, O, count, at(hIn, r0 * H), H, dy, O, dWy, O, false);      // dWy = hᵀ·dy
  columnSums(dy, count, O, dby);
  packBT(Wy, O, H, O, WyTP);
  const top = layer(nLayers - 1);
  const dst = headLast ? at(top.dhs, (T - 1) * BH) : at(top.dhs, r0 * H);
  memory.fill(top.dhs, 0, dst - top.dhs);                             // timesteps the loss does not see
  gemmPacked(count, H, O, dy, O, 1, WyTP, dst, H, false);              // dh = dy·Wyᵀ
}

function layerBackward(l: i32): void {
  const ly = layer(l), I = ly.inSize;
  const stateBytes = <usize>BH << 2;
  memory.fill(dhNext, 0, stateBytes); memory.fill(dcNext, 0, stateBytes);
  packBT(ly.Wh, GH, H, GH, ly.WhTP);
  for (let t = T - 1; t >= 0; t--) {
    const z = at(ly.z, t * B * GH), dz = at(ly.dz, t * B * GH), dhAbove = at(ly.dhs, t * BH), hPrev = at(ly.hs, t * BH);
    const dhNorm = at(ly.dhNorm, t);
    if (cell == LSTM) {
      lstmBackward(B, H, z, dz, at(ly.cs, t * BH), at(ly.tc, t * BH), dhAbove, dhNext, dcNext, dhNorm, at(ly.dcNorm, t));
      if (t > 0) gemmPacked(B, H, GH, dz, GH, 1, ly.WhTP, dhNext, H, false);   // dh_{t−1} = dz_t·Whᵀ
    } else if (cell == GRU) {
      const zh = at(ly.zh, t * B * GH), dzh = at(ly.dzh, t * B * GH);
      gruBackward(B, H, z, zh, dz, dzh, hPrev, dhAbove, dhNext, dhDirect, dhNorm);
      if (t > 0) {
        memory.copy(dhNext, dhDirect, stateBytes);
        gemmPacked(B, H, GH, dzh, GH, 1, ly.WhTP, dhNext, H, true);           // dh_{t−1} = dh⊙z + dzh_t·Whᵀ
      }
    } else {
      rnnBackward(B, H, z, dz, dhAbove, dhNext, dhNorm);
      if (t > 0) gemmPacked(B, H, GH, dz, GH, 1, ly.WhTP, dhNext, H, false);
    }
  }
  const dzRec = cell == GRU ? ly.dzh : ly.dz;
  gemmTN(H, GH, TB, ly.hs, H, dzRec, GH, ly.dWh, GH, false);       // dWh = Σ_t h_{t−1}ᵀ·dz_t
  gemmTN(I, GH, TB, ly.input, I, ly.dz, GH, ly.dWx, GH, false);    // dWx = Σ_t x_tᵀ·dz_t
  columnSums(ly.dz, TB, GH, ly.db);
  if (cell == GRU) columnSums(ly.dzh, TB, GH, ly.dbh);
  if (l == 0 && !tokenInput) return;                                // dense features need no gradient
  packBT(ly.Wx, GH, I, GH, ly.WxTP);
  const dInput = l > 0 ? layer(l - 1).dhs : dx0;
  gemmPacked(TB, I, GH, ly.dz, GH, 1, ly.WxTP, dInput, I, false);   // dx = dz·Wxᵀ
  if (l > 0 && dropping) {                                          // through the same mask as the forward
    const below = layer(l - 1);
    for (let i = 0; i < TB * H; i += 4) {
      const n = min(TB * H - i, 4);
      stn(at(below.dhs, i), f32x4.mul(ldn(at(below.dhs, i), n), ldn(at(below.mask, i), n)), n);
    }
  }
  if (l == 0) scatterEmbeddingGrad();
}

function scatterEmbeddingGrad(): void {
  memory.fill(dEmbedding, 0, <usize>(inputSize * embedSize) << 2);
  for (let t = 0; t < T; t++)
    for (let b = 0; b < B; b++) {
      const id = load<i32>(xIn + (<usize>(b * T + t) << 2));
      const e = at(dEmbedding, id * embedSize), s = at(dx0, (t * B + b) * embedSize);
      let d = 0;
      for (; d + 4 <= embedSize; d += 4) v128.store(at(e, d), f32x4.add(v128.load(at(e, d)), v128.load(at(s, d))));
      for (; d < embedSize; d++) store<f32>(at(e, d), load<f32>(at(e, d)) + load<f32>(at(s, d)));
    }
}

// ---------------------------------------------------------------- entry points
// Loss of the current batch without gradients and without dropout.
export function forward(): f64 {
  forwardPass(false);
  return lossAll;
}

// Loss and the full gradient vector; lastStepOnly: loss and gradients of L_T only (diagnostics).
export function lossAndGrads(training: i32, lastStepOnly: i32): f64 {
  forwardPass(training != 0);
  headBackward(lastStepOnly != 0);
  for (let l = nLayers - 1; l >= 0; l--) layerBackward(l);
  return lastStepOnly != 0 ? lossLastStep : lossAll;
}

export function resetState(): void {
  const stateBytes = <usize>BH << 2;
  for (let l = 0; l < nLayers; l++) {
    const ly = layer(l);
    memory.fill(ly.hs, 0, stateBytes); memory.fill(at(ly.hs, T * BH), 0, stateBytes);
    if (cell == LSTM) { memory.fill(ly.cs, 0, stateBytes); memory.fill(at(ly.cs, T * BH), 0, stateBytes); }
  }
}

// ---------------------------------------------------------------- gradient helpers and optimizers (optimizers.ts)
export function gradSumSquares(): f64 { return sumSquares(grads, NPpad); }
export function scaleGrads(s: f32): void { scaleAll(grads, NPpad, s); }
export function clipGradsValue(c: f32): void { clipAll(grads, NPpad, c); }
export function adam(lr: f32, beta1: f32, beta2: f32, eps: f32): void {
  optStep++;
  adamUpdate(params, grads, slot0, slot1, NPpad, optStep, lr, beta1, beta2, eps);
}
export function rmsprop(lr: f32, rho: f32, eps: f32): void {
  optStep++;
  rmspropUpdate(params, grads, slot0, NPpad, lr, rho, eps);
}
export function sgd(lr: f32, momentum: f32): void {
  optStep++;
  sgdUpdate(params, grads, slot0, NPpad, lr, momentum);
}
export function optimizerStep(): i32 { return optStep; }
export function setOptimizerStep(step: i32): void { optStep = step; }
export function optimizerSlotPtr(i: i32): usize { return i == 0 ? slot0 : slot1; }

// ---------------------------------------------------------------- views for the host
export function paramCount(): i32 { return NP; }
export function paramsPtr(): usize { return params; }
export function gradsPtr(): usize { return grads; }
export function inputPtr(): usize { return xIn; }
export function targetPtr(): usize { return yIn; }
export function outputsPtr(): usize { return yHat; }
export function outputRows(): i32 { return headRows; }
export function correct(): i32 { return nCorrect; }
export function hiddenPtr(l: i32): usize { return at(layer(l).hs, BH); }   // h_1..h_T [T, B, H]
export function cellStatePtr(l: i32): usize { return cell == LSTM ? at(layer(l).cs, BH) : 0; }
export function gatesPtr(l: i32): usize { return layer(l).z; }
export function dhNormPtr(l: i32): usize { return layer(l).dhNorm; }
export function dcNormPtr(l: i32): usize { return layer(l).dcNorm; }
export function dropoutMaskPtr(l: i32): usize { return layer(l).mask; }
