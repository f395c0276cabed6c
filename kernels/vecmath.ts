// f32x4 helpers shared by the GEMM, the cells, the head and the optimizers.
// exp/sigmoid/tanh are hand-written (no libm in wasm): a Cephes-style polynomial exp with 2^n built
// by the 1.5·2^23 rounding trick, as in /work/shared/kernels/rnn.c.

// a·b + c. With relaxed SIMD (seqlab-relaxed.wasm) one fused instruction; results may then differ
// bit-for-bit across machines, which is why the plain build stays the default for tests.
// @ts-ignore: decorator
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

// @ts-ignore: decorator
@inline export function splat(x: f32): v128 { return f32x4.splat(x); }

// address of float i of the buffer at p
// @ts-ignore: decorator
@inline export function at(p: usize, i: i32): usize { return p + (<usize>i << 2); }

// Load/store n (1..4) consecutive floats; the missing lanes read as 0 so they add nothing to norms.
// Called with a literal 4 in the main loops, where the branches fold away after inlining.
// @ts-ignore: decorator
@inline export function ldn(p: usize, n: i32): v128 {
  if (n >= 4) return v128.load(p);
  let v = f32x4.splat(0);
  v = f32x4.replace_lane(v, 0, load<f32>(p));
  if (n > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
  if (n > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
  return v;
}
// @ts-ignore: decorator
@inline export function stn(p: usize, v: v128, n: i32): void {
  if (n >= 4) { v128.store(p, v); return; }
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (n > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (n > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}

// @ts-ignore: decorator
@inline export function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}
// @ts-ignore: decorator
@inline export function hmax(v: v128): f32 {
  return max(max(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)), max(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)));
}

// pmin/pmax are one minps/maxps in V8; f32x4.min/max cost ~8 instructions (NaN and ±0 rules).
// @ts-ignore: decorator
@inline export function exp4(x: v128): v128 {
  x = f32x4.pmin(f32x4.pmax(x, splat(-87.3)), splat(88.3));
  const tt = madd(x, splat(1.44269504088896341), splat(12582912.0));   // n + 1.5·2^23: n sits in the low mantissa bits
  const n = f32x4.sub(tt, splat(12582912.0));
  let r = f32x4.sub(x, f32x4.mul(n, splat(0.693359375)));               // x − n·ln2 in two parts (Cody–Waite)
  r = f32x4.sub(r, f32x4.mul(n, splat(-2.12194440e-4)));
  let p = splat(1.9875691500e-4);
  p = madd(p, r, splat(1.3981999507e-3));
  p = madd(p, r, splat(8.3334519073e-3));
  p = madd(p, r, splat(4.1665795894e-2));
  p = madd(p, r, splat(1.6666665459e-1));
  p = madd(p, r, splat(5.0000001201e-1));
  const y = madd(f32x4.mul(p, r), r, f32x4.add(r, splat(1)));
  const twoN = i32x4.add(i32x4.shl(tt, 23), i32x4.splat(127 << 23));    // 2^n from the low bits of tt
  return f32x4.mul(y, twoN);
}
// @ts-ignore: decorator
@inline export function sigmoid4(x: v128): v128 { return f32x4.div(splat(1), f32x4.add(splat(1), exp4(f32x4.neg(x)))); }
// tanh x = 2σ(2x) − 1
// @ts-ignore: decorator
@inline export function tanh4(x: v128): v128 {
  return f32x4.sub(f32x4.div(splat(2), f32x4.add(splat(1), exp4(f32x4.mul(x, splat(-2))))), splat(1));
}

// ---------------------------------------------------------------- buffer helpers (bias sums, activations, short dot products)
// dst[j] = Σ_r src[r·cols + j]  (bias gradients)
export function columnSums(src: usize, rows: i32, cols: i32, dst: usize): void {
  memory.fill(dst, 0, <usize>cols << 2);
  for (let r = 0; r < rows; r++) {
    const s = at(src, r * cols);
    let j = 0;
    for (; j + 4 <= cols; j += 4) v128.store(at(dst, j), f32x4.add(v128.load(at(dst, j)), v128.load(at(s, j))));
    for (; j < cols; j++) store<f32>(at(dst, j), load<f32>(at(dst, j)) + load<f32>(at(s, j)));
  }
}
// p[r, j] ← tanh(p[r, j] + bias[j]) for rows × cols (bias 0: none)
export function biasTanh(p: usize, bias: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const row = at(p, r * cols);
    for (let j = 0; j < cols; j += 4) {
      const n = min(cols - j, 4);
      const x = bias != 0 ? f32x4.add(ldn(at(row, j), n), ldn(at(bias, j), n)) : ldn(at(row, j), n);
      stn(at(row, j), tanh4(x), n);
    }
  }
}
// d[i] ← g[i]·(1 − y[i]²) for n floats: the gradient through y = tanh(x), written through y
export function tanhBackward(g: usize, y: usize, d: usize, n: i32): void {
  for (let i = 0; i < n; i += 4) {
    const k = min(n - i, 4), yv = ldn(at(y, i), k);
    stn(at(d, i), f32x4.mul(ldn(at(g, i), k), f32x4.sub(splat(1), f32x4.mul(yv, yv))), k);
  }
}
// The short-vector helpers below take 8 floats a step in two independent chains (a lone f32x4
// accumulator waits on its own add every step) and the last 1..7 floats through ldn/stn.
// Σ_i a[i]·b[i] over n floats
export function dotN(a: usize, b: usize, n: i32): f32 {
  let acc0 = splat(0), acc1 = splat(0), i = 0;
  for (; i + 8 <= n; i += 8) {
    acc0 = madd(v128.load(at(a, i)), v128.load(at(b, i)), acc0);
    acc1 = madd(v128.load(at(a, i + 4)), v128.load(at(b, i + 4)), acc1);
  }
  for (; i < n; i += 4) {
    const k = min(n - i, 4);
    acc0 = madd(ldn(at(a, i), k), ldn(at(b, i), k), acc0);
  }
  return hsum(f32x4.add(acc0, acc1));
}
// y[i] += s·x[i] over n floats
export function axpyN(y: usize, s: f32, x: usize, n: i32): void {
  const s4 = splat(s);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    v128.store(at(y, i), madd(s4, v128.load(at(x, i)), v128.load(at(y, i))));
    v128.store(at(y, i + 4), madd(s4, v128.load(at(x, i + 4)), v128.load(at(y, i + 4))));
  }
  for (; i < n; i += 4) {
    const k = min(n - i, 4);
    stn(at(y, i), madd(s4, ldn(at(x, i), k), ldn(at(y, i), k)), k);
  }
}
// y[i] += x[i] over n floats
export function addN(y: usize, x: usize, n: i32): void {
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    v128.store(at(y, i), f32x4.add(v128.load(at(y, i)), v128.load(at(x, i))));
    v128.store(at(y, i + 4), f32x4.add(v128.load(at(y, i + 4)), v128.load(at(x, i + 4))));
  }
  for (; i < n; i += 4) {
    const k = min(n - i, 4);
    stn(at(y, i), f32x4.add(ldn(at(y, i), k), ldn(at(x, i), k)), k);
  }
}
