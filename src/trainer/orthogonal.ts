// Random orthogonal matrices distributed as Keras's Orthogonal initializer draws them: uniformly over
// the orthogonal group (Haar), which Keras gets as the Q of the QR decomposition of a Gaussian matrix
// with the signs fixed so that R has a positive diagonal.
//
// Here that Q is built directly from its Householder reflections (Stewart 1980, "The efficient
// generation of random orthogonal matrices"): Householder QR of a Gaussian matrix meets, at column k,
// a vector that is again standard normal in the trailing n − k coordinates, so drawing that vector
// fresh gives the same distribution without forming the matrix or R. Q = H_0 H_1 ⋯ H_{n−2} D, with
// D_kk = sign(R_kk). We accumulate Qᵀ = D H_{n−2} ⋯ H_0 (also Haar) row by row, BLOCK reflections at a
// time in compact WY form (H_j ⋯ H_{j+b−1} = I − V T Vᵀ, LAPACK's dlarft): Y ← Y − (Y V) Tᵀ Vᵀ on the
// trailing rows and columns, two register-blocked loops over contiguous rows. That is 4/3 n³
// multiply-adds against 2 n³ for Gram–Schmidt (which measured 1.4× slower in CPU time at n = 1024
// and 2048), in float64, orthogonal to ~1e-8 once stored as float32.
// The work is cut into chunks and the generator yields after each, so a caller can report progress,
// let signals in and stop.

import type { Rng } from './rng';
import { runSteps, type Steps } from './steps';

/** Reflections applied together. */
const BLOCK = 32;
/** Rows updated per chunk (a chunk is ~4·BLOCK·CHUNK_ROWS·n flops: ~0.13 GFLOP at n = 4096). */
const CHUNK_ROWS = 256;

/** Multiply-adds an n×n orthogonal matrix takes, in the units `orthogonalSteps` reports progress in. */
export function orthogonalWork(n: number): number {
  let work = 0;
  for (const { b, m } of blocks(n)) work += 2 * b * m * m;
  return work;
}

/** A random n×n orthogonal matrix (row-major, float64). */
export function orthogonal(n: number, rng: Rng): Float64Array {
  return runSteps(orthogonalSteps(n, rng));
}

/** The blocks of reflections [j, j + b), last first (the order they are applied in), over the m = n − j trailing coordinates. */
function* blocks(n: number): Generator<{ j: number; b: number; m: number }> {
  for (let j = Math.floor(Math.max(0, n - 2) / BLOCK) * BLOCK; j >= 0 && n > 1; j -= BLOCK) {
    yield { j, b: Math.min(BLOCK, n - 1 - j), m: n - j };
  }
}

/**
 * The same matrix as `orthogonal`, computed in chunks: yields the multiply-adds done so far (of
 * `orthogonalWork(n)`) after each chunk, returns the matrix.
 */
export function* orthogonalSteps(n: number, rng: Rng): Steps<Float64Array, number> {
  const y = new Float64Array(n * n);   // Qᵀ, starting as D
  y[n * n - 1] = rng.normal() < 0 ? -1 : 1;
  const vt = new Float64Array(BLOCK * n), t = new Float64Array(BLOCK * BLOCK);
  const yv = new Float64Array(CHUNK_ROWS * BLOCK), z = new Float64Array(CHUNK_ROWS * BLOCK);
  let done = 0;
  for (const { j, b, m } of blocks(n)) {
    drawReflections(rng, y, n, j, b, m, vt);
    blockFactor(vt, b, m, t);
    // rows above j are rows of D: zero on the coordinates ≥ j the block acts on
    for (let r0 = j; r0 < n; r0 += CHUNK_ROWS) {
      const rows = Math.min(CHUNK_ROWS, n - r0);
      rowDots(y, r0 * n + j, n, rows, vt, m, b, yv);
      timesTransposed(yv, t, rows, b, z);
      subtractCombinations(y, r0 * n + j, n, rows, vt, m, b, z);
      done += 2 * rows * b * m;
      yield done;
    }
  }
  return y;
}

/** Unit Householder vectors u_k (k = j … j+b−1) as rows of vt over coordinates j … n−1 (zero before k),
 *  each from a fresh standard normal vector x of length n − k: u ∝ x + sign(x_0)‖x‖e_0, which maps x to
 *  −sign(x_0)‖x‖e_0, so D_kk = sign(R_kk) = −sign(x_0) is written into Qᵀ's (still untouched) diagonal. */
function drawReflections(rng: Rng, y: Float64Array, n: number, j: number, b: number, m: number, vt: Float64Array): void {
  vt.fill(0, 0, b * m);
  for (let i = b - 1; i >= 0; i--) {
    const k = j + i, at = i * m + i, len = n - k;
    let sq = 0;
    for (let q = 0; q < len; q++) {
      const g = rng.normal();
      vt[at + q] = g;
      sq += g * g;
    }
    const s = vt[at] >= 0 ? 1 : -1;
    y[k * n + k] = -s;
    const x0 = vt[at];
    vt[at] += s * Math.sqrt(sq);
    // ‖x + s‖x‖e_0‖² = 2‖x‖² + 2|x_0|‖x‖
    const inv = 1 / Math.sqrt(2 * sq + 2 * Math.abs(x0) * Math.sqrt(sq));
    for (let q = 0; q < len; q++) vt[at + q] *= inv;
  }
}

/** T (upper triangular, b×b) with H_j ⋯ H_{j+b−1} = I − V T Vᵀ for H = I − 2uuᵀ:
 *  T_ii = 2, T[0:i, i] = −2 · T[0:i, 0:i] · (V[:, 0:i]ᵀ u_i). */
function blockFactor(vt: Float64Array, b: number, m: number, t: Float64Array): void {
  t.fill(0);
  const w = new Float64Array(b);
  for (let i = 0; i < b; i++) {
    t[i * b + i] = 2;
    for (let l = 0; l < i; l++) {
      let s = 0;
      for (let q = 0; q < m; q++) s += vt[l * m + q] * vt[i * m + q];
      w[l] = s;
    }
    for (let r = 0; r < i; r++) {
      let s = 0;
      for (let l = r; l < i; l++) s += t[r * b + l] * w[l];
      t[r * b + i] = -2 * s;
    }
  }
}

/** yv[r·b + k] = ⟨row r of a (from a0, stride as, len m), row k of vt⟩; two rows against four at a time
 *  (8 accumulators: more spill out of x64's 16 registers). */
function rowDots(a: Float64Array, a0: number, as: number, rows: number, vt: Float64Array, m: number, b: number, yv: Float64Array): void {
  let r = 0;
  for (; r + 2 <= rows; r += 2) {
    const x0 = a0 + r * as, x1 = x0 + as;
    let k = 0;
    for (; k + 4 <= b; k += 4) {
      const v0 = k * m, v1 = v0 + m, v2 = v1 + m, v3 = v2 + m;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      for (let q = 0; q < m; q++) {
        const p0 = a[x0 + q], p1 = a[x1 + q];
        const u0 = vt[v0 + q], u1 = vt[v1 + q], u2 = vt[v2 + q], u3 = vt[v3 + q];
        s00 += p0 * u0; s01 += p0 * u1; s02 += p0 * u2; s03 += p0 * u3;
        s10 += p1 * u0; s11 += p1 * u1; s12 += p1 * u2; s13 += p1 * u3;
      }
      const o0 = r * b + k, o1 = o0 + b;
      yv[o0] = s00; yv[o0 + 1] = s01; yv[o0 + 2] = s02; yv[o0 + 3] = s03;
      yv[o1] = s10; yv[o1 + 1] = s11; yv[o1 + 2] = s12; yv[o1 + 3] = s13;
    }
    for (; k < b; k++) {
      yv[r * b + k] = dot(a, x0, vt, k * m, m);
      yv[(r + 1) * b + k] = dot(a, x1, vt, k * m, m);
    }
  }
  for (; r < rows; r++) for (let k = 0; k < b; k++) yv[r * b + k] = dot(a, a0 + r * as, vt, k * m, m);
}

function dot(a: Float64Array, x: number, v: Float64Array, y: number, m: number): number {
  let s = 0;
  for (let q = 0; q < m; q++) s += a[x + q] * v[y + q];
  return s;
}

/** z = yv · Tᵀ ([rows, b]), T upper triangular. */
function timesTransposed(yv: Float64Array, t: Float64Array, rows: number, b: number, z: Float64Array): void {
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < b; k++) {
      let s = 0;
      for (let l = k; l < b; l++) s += yv[r * b + l] * t[k * b + l];
      z[r * b + k] = s;
    }
  }
}

/** Row r of a −= Σ_k z[r·b + k] · row k of vt, eight rows of vt per pass over the row. */
function subtractCombinations(a: Float64Array, a0: number, as: number, rows: number, vt: Float64Array, m: number, b: number, z: Float64Array): void {
  for (let r = 0; r < rows; r++) {
    const x = a0 + r * as, zr = r * b;
    let k = 0;
    for (; k + 8 <= b; k += 8) {
      const o = zr + k;
      const c0 = z[o], c1 = z[o + 1], c2 = z[o + 2], c3 = z[o + 3], c4 = z[o + 4], c5 = z[o + 5], c6 = z[o + 6], c7 = z[o + 7];
      const v0 = k * m, v1 = v0 + m, v2 = v1 + m, v3 = v2 + m, v4 = v3 + m, v5 = v4 + m, v6 = v5 + m, v7 = v6 + m;
      for (let q = 0; q < m; q++) {
        a[x + q] -= c0 * vt[v0 + q] + c1 * vt[v1 + q] + c2 * vt[v2 + q] + c3 * vt[v3 + q] + c4 * vt[v4 + q] + c5 * vt[v5 + q] + c6 * vt[v6 + q] + c7 * vt[v7 + q];
      }
    }
    for (; k < b; k++) {
      const c = z[zr + k], v = k * m;
      for (let q = 0; q < m; q++) a[x + q] -= c * vt[v + q];
    }
  }
}
