// The encoder–decoder's attention, one decoder step over B rows: Luong et al. 2015's global attention,
// with Bahdanau et al. 2014's additive score as one of its score functions. Forward and backward side by side.
// m_s: memory (the encoder's top layer at source position s, both directions) [B, S, Dm]; h_t: the decoder's
// top state at step t [B, Hd]. Positions are in the encoder's reading order; α_ts = 0 where the source is padding.
//   keys      k_s = m_s·Wk                      (additive: [A]; general: [Hd]; dot: k_s = m_s, Dm = Hd)
//   score     additive: e_ts = v · u_ts,  u_ts = tanh(h_t·Wq + k_s);   dot, general: e_ts = h_t · k_s
//   weights   α_ts = exp(e_ts) / Σ_{s' live} exp(e_ts')   over the live positions
//   context   c_t = Σ_s α_ts m_s
//   output    h̃_t = tanh([c_t; h_t]·Wc)       (Luong's attentional hidden state: the output layer reads it)
// backward, given ∂L/∂h̃_t:
//   da_t = ∂L/∂h̃_t ⊙ (1 − h̃_t²);   ∂[c_t; h_t] = da_t·Wcᵀ;   ∂Wc += [c_t; h_t]ᵀ·da_t
//   ∂α_ts = ∂c_t · m_s;   ∂m_s += α_ts ∂c_t;   ∂e_ts = α_ts (∂α_ts − Σ_s' α_ts' ∂α_ts')
//   additive: ∂u_ts = ∂e_ts v ⊙ (1 − u_ts²);  ∂v += ∂e_ts u_ts;  ∂q_t = Σ_s ∂u_ts;  ∂k_s += ∂u_ts;
//             ∂h_t += ∂q_t·Wqᵀ;  ∂Wq += h_tᵀ·∂q_t
//   dot, general: ∂h_t += Σ_s ∂e_ts k_s;  ∂k_s += ∂e_ts h_t
//   keys, once after every step: ∂Wk = Σ_s m_sᵀ·∂k_s, ∂m_s += ∂k_s·Wkᵀ   (dot: ∂m_s += ∂k_s)
import { alloc, allocF32, packedSize, packB, packBT, gemmPacked, gemmTN } from './gemm';
import { at, splat, ldn, stn, madd, hsum, tanh4, biasTanh, tanhBackward, dotN, axpyN, addN } from './vecmath';

export const NONE = 0, ADDITIVE = 1, DOT = 2, GENERAL = 3;

@unmanaged export class Attention {
  kind: i32; B: i32; S: i32; T: i32; Dm: i32; Hd: i32; A: i32;
  K: i32;        // width of a key: A (additive), Hd (general), Dm (dot)
  Wq: usize; Wk: usize; v: usize; Wc: usize; dWq: usize; dWk: usize; dv: usize; dWc: usize;
  WqP: usize; WqTP: usize; WkP: usize; WkTP: usize; WcP: usize; WcTP: usize;
  memory: usize; dMem: usize;   // [B, S, Dm]
  keys: usize; dKeys: usize;    // [B, S, K] (dot: keys is memory)
  live: usize;                  // i32 [S·B], time-major: 1 where the source has a token
  q: usize;                     // additive [B, A]: h_t·Wq of the current step
  u: usize;                     // additive [T·B·S, A]: tanh(q_t + k_s)
  alpha: usize;                 // [T·B, S]
  cat: usize;                   // [T·B, Dm + Hd]: [c_t; h_t]
  htilde: usize;                // [(T+1)·B, Hd]: block 0 is h̃ before the first step (input feeding), block t+1 is h̃_t
  da: usize;                    // [T·B, Hd]
  dcat: usize;                  // [B, Dm + Hd]
  dq: usize;                    // additive [T·B, A]
  dAlpha: usize;                // [S]: ∂α_ts of the current row, then its ∂e_ts
}

export function newAttention(kind: i32, B: i32, S: i32, T: i32, Dm: i32, Hd: i32, A: i32, live: usize): Attention {
  const a = changetype<Attention>(alloc(<i32>offsetof<Attention>()));
  const K = kind == ADDITIVE ? A : kind == GENERAL ? Hd : Dm, C = Dm + Hd;
  a.kind = kind; a.B = B; a.S = S; a.T = T; a.Dm = Dm; a.Hd = Hd; a.A = A; a.K = K; a.live = live;
  a.memory = allocF32(B * S * Dm); a.dMem = allocF32(B * S * Dm);
  a.keys = kind == DOT ? a.memory : allocF32(B * S * K); a.dKeys = allocF32(B * S * K);
  if (kind == ADDITIVE) {
    a.WqP = allocF32(packedSize(Hd, A)); a.WqTP = allocF32(packedSize(A, Hd));
    a.q = allocF32(B * A); a.u = allocF32(T * B * S * A); a.dq = allocF32(T * B * A);
  }
  if (kind == ADDITIVE || kind == GENERAL) { a.WkP = allocF32(packedSize(Dm, K)); a.WkTP = allocF32(packedSize(K, Dm)); }
  a.WcP = allocF32(packedSize(C, Hd)); a.WcTP = allocF32(packedSize(Hd, C));
  a.alpha = allocF32(T * B * S); a.cat = allocF32(T * B * C); a.htilde = allocF32((T + 1) * B * Hd);
  a.da = allocF32(T * B * Hd); a.dcat = allocF32(B * C); a.dAlpha = allocF32(S);
  return a;
}

/** Views into the flat vectors in layout order (additive Wq, Wk, v; general Wk; then Wc); returns the next offset. */
export function bindAttention(a: Attention, params: usize, grads: usize, o: i32): i32 {
  if (a.kind == ADDITIVE) {
    a.Wq = at(params, o); a.dWq = at(grads, o); o += a.Hd * a.A;
    a.Wk = at(params, o); a.dWk = at(grads, o); o += a.Dm * a.A;
    a.v = at(params, o); a.dv = at(grads, o); o += a.A;
  } else if (a.kind == GENERAL) {
    a.Wk = at(params, o); a.dWk = at(grads, o); o += a.Dm * a.Hd;
  }
  a.Wc = at(params, o); a.dWc = at(grads, o);
  return o + (a.Dm + a.Hd) * a.Hd;
}

/** Packs the weights and computes the keys of the current memory (once per encoding). */
export function prepareAttention(a: Attention): void {
  const C = a.Dm + a.Hd;
  packB(a.Wc, C, a.Hd, a.Hd, a.WcP);
  if (a.kind == ADDITIVE) packB(a.Wq, a.Hd, a.A, a.A, a.WqP);
  if (a.kind == ADDITIVE || a.kind == GENERAL) {
    packB(a.Wk, a.Dm, a.K, a.K, a.WkP);
    gemmPacked(a.B * a.S, a.K, a.Dm, a.memory, a.Dm, 1, a.WkP, a.keys, a.K, false);
  }
}

// @ts-ignore: decorator
@inline function isLive(a: Attention, s: i32, b: i32): bool { return load<i32>(a.live + (<usize>(s * a.B + b) << 2)) != 0; }

// ---------------------------------------------------------------- forward of step t
// additive, one (b, s): u = tanh(q_t + k_s) into u, returns e = v · u. Eight floats a step: two independent
// tanh chains (/work/shared/kernels: gate math 8 wide), the dot product taken on the way.
// @ts-ignore: decorator
@inline function additiveScore(a: Attention, q: usize, key: usize, u: usize): f32 {
  const K = a.K;
  let acc0 = splat(0), acc1 = splat(0), j = 0;
  for (; j + 8 <= K; j += 8) {
    const u0 = tanh4(f32x4.add(v128.load(at(q, j)), v128.load(at(key, j))));
    const u1 = tanh4(f32x4.add(v128.load(at(q, j + 4)), v128.load(at(key, j + 4))));
    v128.store(at(u, j), u0); v128.store(at(u, j + 4), u1);
    acc0 = madd(v128.load(at(a.v, j)), u0, acc0);
    acc1 = madd(v128.load(at(a.v, j + 4)), u1, acc1);
  }
  for (; j < K; j += 4) {   // padded lanes: tanh(0 + 0) = 0 adds nothing
    const n = min(K - j, 4), u0 = tanh4(f32x4.add(ldn(at(q, j), n), ldn(at(key, j), n)));
    stn(at(u, j), u0, n);
    acc0 = madd(ldn(at(a.v, j), n), u0, acc0);
  }
  return hsum(f32x4.add(acc0, acc1));
}

/** h: [B, Hd] the decoder's top state h_t. Writes α_t, [c_t; h_t] and h̃_t (htilde block t+1). */
export function attendForward(a: Attention, t: i32, h: usize): void {
  const B = a.B, S = a.S, Dm = a.Dm, Hd = a.Hd, K = a.K, C = Dm + Hd;
  if (a.kind == ADDITIVE) gemmPacked(B, a.A, Hd, h, Hd, 1, a.WqP, a.q, a.A, false);
  for (let b = 0; b < B; b++) {
    const alpha = at(a.alpha, (t * B + b) * S), hb = at(h, b * Hd);
    let mx: f32 = -Infinity;
    for (let s = 0; s < S; s++) {
      if (!isLive(a, s, b)) continue;
      const key = at(a.keys, (b * S + s) * K);
      const e = a.kind == ADDITIVE ? additiveScore(a, at(a.q, b * K), key, at(a.u, ((t * B + b) * S + s) * K)) : dotN(hb, key, K);
      store<f32>(at(alpha, s), e);
      mx = max(mx, e);
    }
    let sum: f32 = 0;
    for (let s = 0; s < S; s++) {
      const w: f32 = isLive(a, s, b) ? Mathf.exp(load<f32>(at(alpha, s)) - mx) : 0;
      store<f32>(at(alpha, s), w);
      sum += w;
    }
    const inv: f32 = 1 / sum, cat = at(a.cat, (t * B + b) * C);
    memory.fill(cat, 0, <usize>Dm << 2);
    for (let s = 0; s < S; s++) {
      const w = load<f32>(at(alpha, s)) * inv;
      store<f32>(at(alpha, s), w);
      if (w != 0) axpyN(cat, w, at(a.memory, (b * S + s) * Dm), Dm);   // c_t = Σ α_ts m_s
    }
    memory.copy(at(cat, Dm), hb, <usize>Hd << 2);
  }
  const ht = at(a.htilde, (t + 1) * B * Hd);
  gemmPacked(B, Hd, C, at(a.cat, t * B * C), C, 1, a.WcP, ht, Hd, false);
  biasTanh(ht, 0, B, Hd);
}

// ---------------------------------------------------------------- backward of step t
export function packAttentionBackward(a: Attention): void {
  packBT(a.Wc, a.Hd, a.Dm + a.Hd, a.Hd, a.WcTP);
  if (a.kind == ADDITIVE) packBT(a.Wq, a.A, a.Hd, a.A, a.WqTP);
  if (a.kind == ADDITIVE || a.kind == GENERAL) packBT(a.Wk, a.K, a.Dm, a.K, a.WkTP);
}

// additive, row b of step t, with ∂e_ts in de [S] (0 where α_ts = 0): ∂u_ts = ∂e_ts v ⊙ (1 − u_ts²);
// ∂q_t = Σ_s ∂u_ts (written), ∂k_s += ∂u_ts, ∂v += Σ_s ∂e_ts u_ts. Four columns at a time over every s, so
// ∂q, ∂v and v stay in registers and only u and ∂k stream.
function additiveScoreBackward(a: Attention, t: i32, b: i32, de: usize, dq: usize): void {
  const K = a.K, S = a.S, u = at(a.u, (t * a.B + b) * S * K), dk = at(a.dKeys, b * S * K);
  for (let j = 0; j < K; j += 4) {
    const n = min(K - j, 4), v4 = ldn(at(a.v, j), n);
    let dq4 = splat(0), dv4 = splat(0);
    for (let s = 0; s < S; s++) {
      const d = load<f32>(at(de, s));
      if (d == 0) continue;   // padding (never scored: its u is stale) and underflowed weights
      const de4 = splat(d), uv = ldn(at(u, s * K + j), n), dks = at(dk, s * K + j);
      const du = f32x4.mul(f32x4.mul(de4, v4), f32x4.sub(splat(1), f32x4.mul(uv, uv)));
      dq4 = f32x4.add(dq4, du);
      stn(dks, f32x4.add(ldn(dks, n), du), n);
      dv4 = madd(de4, uv, dv4);
    }
    stn(at(dq, j), dq4, n);
    stn(at(a.dv, j), f32x4.add(ldn(at(a.dv, j), n), dv4), n);
  }
}

/** dht: [B, Hd] ∂L/∂h̃_t; h: [B, Hd] h_t. Writes dh [B, Hd], the attention's ∂L/∂h_t; accumulates ∂m, ∂k, ∂v. */
export function attendBackward(a: Attention, t: i32, h: usize, dht: usize, dh: usize): void {
  const B = a.B, S = a.S, Dm = a.Dm, Hd = a.Hd, K = a.K, C = Dm + Hd;
  const da = at(a.da, t * B * Hd);
  tanhBackward(dht, at(a.htilde, (t + 1) * B * Hd), da, B * Hd);
  gemmPacked(B, C, Hd, da, Hd, 1, a.WcTP, a.dcat, C, false);
  const dq = a.kind == ADDITIVE ? at(a.dq, t * B * K) : 0;   // written row by row (additiveScoreBackward)
  for (let b = 0; b < B; b++) {
    const dctx = at(a.dcat, b * C), dhb = at(dh, b * Hd), hb = at(h, b * Hd), alpha = at(a.alpha, (t * B + b) * S);
    memory.copy(dhb, at(dctx, Dm), <usize>Hd << 2);
    let mean: f64 = 0;   // Σ_s α ∂α in f64: ∂e = α(∂α − mean) cancels, and its f32 round-off would reach ∂Wq
    for (let s = 0; s < S; s++) {
      const w = load<f32>(at(alpha, s));
      if (w == 0) continue;
      const dAlpha = dotN(dctx, at(a.memory, (b * S + s) * Dm), Dm);
      store<f32>(at(a.dAlpha, s), dAlpha);
      mean += <f64>w * <f64>dAlpha;
    }
    for (let s = 0; s < S; s++) {
      const w = load<f32>(at(alpha, s));
      // padding (and an underflowed weight): no gradient reaches its score or memory; ∂e = 0 there
      const de = w == 0 ? <f32>0 : <f32>(<f64>w * (<f64>load<f32>(at(a.dAlpha, s)) - mean));
      store<f32>(at(a.dAlpha, s), de);
      if (w == 0) continue;
      axpyN(at(a.dMem, (b * S + s) * Dm), w, dctx, Dm);
      if (a.kind != ADDITIVE) { axpyN(dhb, de, at(a.keys, (b * S + s) * K), K); axpyN(at(a.dKeys, (b * S + s) * K), de, hb, K); }
    }
    if (a.kind == ADDITIVE) additiveScoreBackward(a, t, b, a.dAlpha, at(dq, b * K));
  }
  if (dq != 0) gemmPacked(B, Hd, a.A, dq, a.A, 1, a.WqTP, dh, Hd, true);   // ∂h_t += ∂q_t·Wqᵀ
}

/** After every step: ∂Wc, ∂Wq over all steps, then the keys' ∂Wk and ∂m. hTop: [T·B, Hd] the decoder's h_1..h_T. */
export function attentionWeightGradients(a: Attention, hTop: usize): void {
  const rows = a.T * a.B, C = a.Dm + a.Hd;
  gemmTN(C, a.Hd, rows, a.cat, C, a.da, a.Hd, a.dWc, a.Hd, false);
  if (a.kind == ADDITIVE) gemmTN(a.Hd, a.A, rows, hTop, a.Hd, a.dq, a.A, a.dWq, a.A, false);
  if (a.kind == DOT) { addN(a.dMem, a.dKeys, a.B * a.S * a.Dm); return; }
  gemmTN(a.Dm, a.K, a.B * a.S, a.memory, a.Dm, a.dKeys, a.K, a.dWk, a.K, false);
  gemmPacked(a.B * a.S, a.Dm, a.K, a.dKeys, a.K, 1, a.WkTP, a.dMem, a.Dm, true);
}

export function resetAttentionGradients(a: Attention): void {
  memory.fill(a.dMem, 0, <usize>(a.B * a.S * a.Dm) << 2);
  memory.fill(a.dKeys, 0, <usize>(a.B * a.S * a.K) << 2);
}
