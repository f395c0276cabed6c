// The three recurrent cells, one time step over all batch rows. Each cell's forward and backward stand
// side by side. Layout per step: z [B, G·H] (gate blocks of H columns, Keras order), h/c [B, H].
// The pre-activations z = x·Wx + h_prev·Wh come from the GEMMs in seqlab.ts; the biases are added here.
// Blocks are 4 lanes wide; the last block of a row may be narrower (H need not be a multiple of 4).
import { at, madd, splat, ldn, stn, hsum, sigmoid4, tanh4 } from './vecmath';

// Σ(∂L/∂h)² and Σ(∂L/∂c)² of the current step, accumulated across blocks.
const sumSq = memory.data(32, 16);
// @ts-ignore: decorator
@inline function accumulate(slot: i32, v: v128): void {
  const p = sumSq + (<usize>slot << 4);
  v128.store(p, f32x4.add(v128.load(p), f32x4.mul(v, v)));
}
function resetSums(): void { memory.fill(sumSq, 0, 32); }
function sqrtSum(slot: i32): f32 { return Mathf.sqrt(hsum(v128.load(sumSq + (<usize>slot << 4)))); }

// @ts-ignore: decorator
@inline function oneMinus(v: v128): v128 { return f32x4.sub(splat(1), v); }
// σ'(x) written through σ(x) = s: s(1 − s)
// @ts-ignore: decorator
@inline function dsigmoid(s: v128): v128 { return f32x4.mul(s, oneMinus(s)); }
// tanh'(x) written through tanh(x) = t: 1 − t²
// @ts-ignore: decorator
@inline function dtanh(t: v128): v128 { return oneMinus(f32x4.mul(t, t)); }

// ---------------------------------------------------------------- tanh RNN
// forward:  h = tanh(z + b)                       (z keeps h: the "gate" shown on the charts)
// @ts-ignore: decorator
@inline function rnnForwardBlock(z: usize, b: usize, h: usize, j: i32, n: i32): void {
  const hv = tanh4(f32x4.add(ldn(at(z, j), n), ldn(at(b, j), n)));
  stn(at(z, j), hv, n); stn(at(h, j), hv, n);
}
// backward: dh = dh_above + dh_next;  dz = dh ⊙ (1 − h²)
// @ts-ignore: decorator
@inline function rnnBackwardBlock(z: usize, dz: usize, dhAbove: usize, dhNext: usize, j: i32, n: i32): void {
  const dh = f32x4.add(ldn(at(dhAbove, j), n), ldn(at(dhNext, j), n));
  stn(at(dz, j), f32x4.mul(dh, dtanh(ldn(at(z, j), n))), n);
  accumulate(0, dh);
}

export function rnnForward(B: i32, H: i32, z: usize, b: usize, h: usize): void {
  for (let r = 0; r < B; r++) {
    const zr = at(z, r * H), hr = at(h, r * H);
    let j = 0;
    for (; j + 8 <= H; j += 8) { rnnForwardBlock(zr, b, hr, j, 4); rnnForwardBlock(zr, b, hr, j + 4, 4); }
    for (; j + 4 <= H; j += 4) rnnForwardBlock(zr, b, hr, j, 4);
    if (j < H) rnnForwardBlock(zr, b, hr, j, H - j);
  }
}
export function rnnBackward(B: i32, H: i32, z: usize, dz: usize, dhAbove: usize, dhNext: usize, dhNorm: usize): void {
  resetSums();
  for (let r = 0; r < B; r++) {
    const o = r * H, zr = at(z, o), dzr = at(dz, o), da = at(dhAbove, o), dn = at(dhNext, o);
    let j = 0;
    for (; j + 4 <= H; j += 4) rnnBackwardBlock(zr, dzr, da, dn, j, 4);
    if (j < H) rnnBackwardBlock(zr, dzr, da, dn, j, H - j);
  }
  store<f32>(dhNorm, sqrtSum(0));
}

// ---------------------------------------------------------------- LSTM (gates i, f, g, o)
// forward:  i = σ(z_i + b_i), f = σ(z_f + b_f), g = tanh(z_g + b_g), o = σ(z_o + b_o)
//           c = f ⊙ c_prev + i ⊙ g,   h = o ⊙ tanh c
// z is overwritten with i, f, g, o; c and tanh c are kept for the backward and the charts.
// @ts-ignore: decorator
@inline function lstmForwardBlock(z: usize, b: usize, cPrev: usize, c: usize, tc: usize, h: usize, H: i32, j: i32, n: i32): void {
  const ig = sigmoid4(f32x4.add(ldn(at(z, j), n), ldn(at(b, j), n)));
  const fg = sigmoid4(f32x4.add(ldn(at(z, H + j), n), ldn(at(b, H + j), n)));
  const gg = tanh4(f32x4.add(ldn(at(z, 2 * H + j), n), ldn(at(b, 2 * H + j), n)));
  const og = sigmoid4(f32x4.add(ldn(at(z, 3 * H + j), n), ldn(at(b, 3 * H + j), n)));
  stn(at(z, j), ig, n); stn(at(z, H + j), fg, n); stn(at(z, 2 * H + j), gg, n); stn(at(z, 3 * H + j), og, n);
  const cv = madd(fg, ldn(at(cPrev, j), n), f32x4.mul(ig, gg));
  const tcv = tanh4(cv);
  stn(at(c, j), cv, n); stn(at(tc, j), tcv, n); stn(at(h, j), f32x4.mul(og, tcv), n);
}
// backward: dh = dh_above + dh_next                         (total ∂L/∂h_t)
//           dc = dc_next + dh ⊙ o ⊙ (1 − tanh² c)           (total ∂L/∂c_t)
//           dz_i = dc ⊙ g ⊙ i(1−i),  dz_f = dc ⊙ c_prev ⊙ f(1−f),  dz_g = dc ⊙ i ⊙ (1−g²),  dz_o = dh ⊙ tanh c ⊙ o(1−o)
//           dc_next ← dc ⊙ f                                (dh_next ← dz·Whᵀ is the GEMM in the time loop)
// @ts-ignore: decorator
@inline function lstmBackwardBlock(z: usize, dz: usize, cPrev: usize, tc: usize, dhAbove: usize, dhNext: usize, dcNext: usize, H: i32, j: i32, n: i32): void {
  const ig = ldn(at(z, j), n), fg = ldn(at(z, H + j), n), gg = ldn(at(z, 2 * H + j), n), og = ldn(at(z, 3 * H + j), n);
  const tcv = ldn(at(tc, j), n);
  const dh = f32x4.add(ldn(at(dhAbove, j), n), ldn(at(dhNext, j), n));
  const dc = madd(f32x4.mul(dh, og), dtanh(tcv), ldn(at(dcNext, j), n));
  stn(at(dz, j), f32x4.mul(f32x4.mul(dc, gg), dsigmoid(ig)), n);
  stn(at(dz, H + j), f32x4.mul(f32x4.mul(dc, ldn(at(cPrev, j), n)), dsigmoid(fg)), n);
  stn(at(dz, 2 * H + j), f32x4.mul(f32x4.mul(dc, ig), dtanh(gg)), n);
  stn(at(dz, 3 * H + j), f32x4.mul(f32x4.mul(dh, tcv), dsigmoid(og)), n);
  stn(at(dcNext, j), f32x4.mul(dc, fg), n);
  accumulate(0, dh); accumulate(1, dc);
}

export function lstmForward(B: i32, H: i32, z: usize, b: usize, cPrev: usize, c: usize, tc: usize, h: usize): void {
  for (let r = 0; r < B; r++) {
    const zr = at(z, r * 4 * H), o = r * H;
    const cp = at(cPrev, o), cr = at(c, o), tr = at(tc, o), hr = at(h, o);
    let j = 0;
    for (; j + 4 <= H; j += 4) lstmForwardBlock(zr, b, cp, cr, tr, hr, H, j, 4);
    if (j < H) lstmForwardBlock(zr, b, cp, cr, tr, hr, H, j, H - j);
  }
}
export function lstmBackward(B: i32, H: i32, z: usize, dz: usize, cPrev: usize, tc: usize, dhAbove: usize, dhNext: usize, dcNext: usize, dhNorm: usize, dcNorm: usize): void {
  resetSums();
  for (let r = 0; r < B; r++) {
    const g = r * 4 * H, o = r * H;
    const zr = at(z, g), dzr = at(dz, g), cp = at(cPrev, o), tr = at(tc, o), da = at(dhAbove, o), dn = at(dhNext, o), dc = at(dcNext, o);
    let j = 0;
    for (; j + 4 <= H; j += 4) lstmBackwardBlock(zr, dzr, cp, tr, da, dn, dc, H, j, 4);
    if (j < H) lstmBackwardBlock(zr, dzr, cp, tr, da, dn, dc, H, j, H - j);
  }
  store<f32>(dhNorm, sqrtSum(0));
  store<f32>(dcNorm, sqrtSum(1));
}

// ---------------------------------------------------------------- GRU (Keras reset_after=True; gates z, r, n)
// forward:  zx = x·Wx + b,  zh = h_prev·Wh + bh
//           z = σ(zx_z + zh_z),  r = σ(zx_r + zh_r),  n = tanh(zx_n + r ⊙ zh_n),  h = z ⊙ h_prev + (1 − z) ⊙ n
// zx is overwritten with z, r, n; zh's n block keeps zh_n (bias included), which the backward needs.
// @ts-ignore: decorator
@inline function gruForwardBlock(zx: usize, zh: usize, b: usize, bh: usize, hPrev: usize, h: usize, H: i32, j: i32, n: i32): void {
  const hz = f32x4.add(ldn(at(zh, j), n), ldn(at(bh, j), n));
  const hr = f32x4.add(ldn(at(zh, H + j), n), ldn(at(bh, H + j), n));
  const hn = f32x4.add(ldn(at(zh, 2 * H + j), n), ldn(at(bh, 2 * H + j), n));
  const zg = sigmoid4(f32x4.add(f32x4.add(ldn(at(zx, j), n), ldn(at(b, j), n)), hz));
  const rg = sigmoid4(f32x4.add(f32x4.add(ldn(at(zx, H + j), n), ldn(at(b, H + j), n)), hr));
  const ng = tanh4(madd(rg, hn, f32x4.add(ldn(at(zx, 2 * H + j), n), ldn(at(b, 2 * H + j), n))));
  stn(at(zx, j), zg, n); stn(at(zx, H + j), rg, n); stn(at(zx, 2 * H + j), ng, n); stn(at(zh, 2 * H + j), hn, n);
  stn(at(h, j), madd(zg, f32x4.sub(ldn(at(hPrev, j), n), ng), ng), n);   // z·h_prev + (1−z)·n = n + z·(h_prev − n)
}
// backward: dh = dh_above + dh_next
//           dn = dh ⊙ (1−z) ⊙ (1−n²),  dz = dh ⊙ (h_prev − n) ⊙ z(1−z),  dr = dn ⊙ zh_n ⊙ r(1−r)
//           dzx = [dz, dr, dn],  dzh = [dz, dr, dn ⊙ r],  dh_prev = dzh·Whᵀ (GEMM) + dh ⊙ z (direct, here)
// @ts-ignore: decorator
@inline function gruBackwardBlock(zx: usize, zh: usize, dzx: usize, dzh: usize, hPrev: usize, dhAbove: usize, dhNext: usize, dhDirect: usize, H: i32, j: i32, n: i32): void {
  const zg = ldn(at(zx, j), n), rg = ldn(at(zx, H + j), n), ng = ldn(at(zx, 2 * H + j), n), hn = ldn(at(zh, 2 * H + j), n);
  const dh = f32x4.add(ldn(at(dhAbove, j), n), ldn(at(dhNext, j), n));
  const dn = f32x4.mul(f32x4.mul(dh, oneMinus(zg)), dtanh(ng));
  const dz = f32x4.mul(f32x4.mul(dh, f32x4.sub(ldn(at(hPrev, j), n), ng)), dsigmoid(zg));
  const dr = f32x4.mul(f32x4.mul(dn, hn), dsigmoid(rg));
  stn(at(dzx, j), dz, n); stn(at(dzx, H + j), dr, n); stn(at(dzx, 2 * H + j), dn, n);
  stn(at(dzh, j), dz, n); stn(at(dzh, H + j), dr, n); stn(at(dzh, 2 * H + j), f32x4.mul(dn, rg), n);
  stn(at(dhDirect, j), f32x4.mul(dh, zg), n);
  accumulate(0, dh);
}

export function gruForward(B: i32, H: i32, zx: usize, zh: usize, b: usize, bh: usize, hPrev: usize, h: usize): void {
  for (let r = 0; r < B; r++) {
    const g = r * 3 * H, o = r * H;
    const zxr = at(zx, g), zhr = at(zh, g), hp = at(hPrev, o), hr = at(h, o);
    let j = 0;
    for (; j + 4 <= H; j += 4) gruForwardBlock(zxr, zhr, b, bh, hp, hr, H, j, 4);
    if (j < H) gruForwardBlock(zxr, zhr, b, bh, hp, hr, H, j, H - j);
  }
}
export function gruBackward(B: i32, H: i32, zx: usize, zh: usize, dzx: usize, dzh: usize, hPrev: usize, dhAbove: usize, dhNext: usize, dhDirect: usize, dhNorm: usize): void {
  resetSums();
  for (let r = 0; r < B; r++) {
    const g = r * 3 * H, o = r * H;
    const zxr = at(zx, g), zhr = at(zh, g), dzxr = at(dzx, g), dzhr = at(dzh, g);
    const hp = at(hPrev, o), da = at(dhAbove, o), dn = at(dhNext, o), dd = at(dhDirect, o);
    let j = 0;
    for (; j + 4 <= H; j += 4) gruBackwardBlock(zxr, zhr, dzxr, dzhr, hp, da, dn, dd, H, j, 4);
    if (j < H) gruBackwardBlock(zxr, zhr, dzxr, dzhr, hp, da, dn, dd, H, j, H - j);
  }
  store<f32>(dhNorm, sqrtSum(0));
}
