// SGEMM on wasm SIMD128, ported from /work/shared/kernels/gemm_as.ts (measured at C speed there):
// B packed once into panels of 16 columns, a 2×16 micro-kernel with 8 accumulators (V8 on x64 has
// xmm0–15 only; more accumulators spill). C[M,N] (+)= A·B with A(i,k) = A[i*rsa + k*csa] in floats,
// so A^T is the same call with the strides swapped. Sizes are arbitrary: edge panels are zero padded
// and edge tiles go through a small buffer.
import { madd } from './vecmath';

const NR: i32 = 16;   // columns per packed panel
const KC: i32 = 128;  // k-block of every packed B
const MC: i32 = 128;  // row block of A

// Every buffer gets 64 bytes of slack: full-width loads of an edge tile may read past the last row.
export function alloc(bytes: i32): usize {
  const p = heap.alloc(<usize>bytes + 64);
  memory.fill(p, 0, <usize>bytes + 64);
  return p;
}
export function allocF32(n: i32): usize { return alloc(n << 2); }

// Packed layout: k-blocks of KC rows; inside a block, panels of NR columns, each [kc, NR], zero padded.
// A long K (4H in dh = dz·Whᵀ, the vocabulary in dy·Wyᵀ) thus never streams a panel larger than
// KC·NR floats (8 KB) past the micro-kernel.
export function packedSize(K: i32, N: i32): i32 { return K * ((N + NR - 1) / NR) * NR; }

// @ts-ignore: decorator
@inline function panelAt(Bp: usize, k0: i32, kc: i32, j: i32, N: i32): usize {
  const nPad = ((N + NR - 1) / NR) * NR;
  return Bp + (<usize>(k0 * nPad + (j / NR) * kc * NR) << 2);
}

// Bp ← B with B(k, j) = B[k*ldb + j]
export function packB(B: usize, K: i32, N: i32, ldb: i32, Bp: usize): void {
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = min(K - k0, KC);
    for (let j = 0; j < N; j += NR) {
      const nc = min(N - j, NR);
      const dst = panelAt(Bp, k0, kc, j, N);
      if (nc == NR) {
        for (let k = 0; k < kc; k++) {
          const s = B + (<usize>((k0 + k) * ldb + j) << 2), d = dst + (<usize>(k * NR) << 2);
          v128.store(d, v128.load(s)); v128.store(d, v128.load(s, 16), 16);
          v128.store(d, v128.load(s, 32), 32); v128.store(d, v128.load(s, 48), 48);
        }
      } else {
        for (let k = 0; k < kc; k++)
          for (let jj = 0; jj < NR; jj++)
            store<f32>(dst + (<usize>(k * NR + jj) << 2), jj < nc ? load<f32>(B + (<usize>((k0 + k) * ldb + j + jj) << 2)) : 0);
      }
    }
  }
}

// Bp ← Sᵀ, i.e. B(k, j) = S[j*lds + k] for S [N, K] (backward through a weight matrix).
// Full panels go 4×4 at a time through registers (transpose4); the scalar loop takes the edges.
export function packBT(S: usize, K: i32, N: i32, lds: i32, Bp: usize): void {
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = min(K - k0, KC), kc4 = kc & ~3;
    for (let j = 0; j < N; j += NR) {
      const nc = min(N - j, NR);
      const dst = panelAt(Bp, k0, kc, j, N);
      let jj = 0;
      if (nc == NR)
        for (; jj < NR; jj += 4) {
          const src = S + (<usize>((j + jj) * lds + k0) << 2), ls = <usize>lds << 2;
          for (let k = 0; k < kc4; k += 4)
            transpose4(src + (<usize>k << 2), ls, dst + (<usize>(k * NR + jj) << 2), <usize>NR << 2);
        }
      for (let c = 0; c < NR; c++) {
        const src = S + (<usize>((j + c) * lds + k0) << 2);
        for (let k = c < jj ? kc4 : 0; k < kc; k++)
          store<f32>(dst + (<usize>(k * NR + c) << 2), c < nc ? load<f32>(src + (<usize>k << 2)) : 0);
      }
    }
  }
}

// The 4×4 block at src (row stride ss bytes) transposed into dst (row stride ds bytes).
// @ts-ignore: decorator
@inline function transpose4(src: usize, ss: usize, dst: usize, ds: usize): void {
  const r0 = v128.load(src), r1 = v128.load(src + ss), r2 = v128.load(src + 2 * ss), r3 = v128.load(src + 3 * ss);
  const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
  const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5), t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
  v128.store(dst + ds, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
  v128.store(dst + 2 * ds, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * ds, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
}

const edge = memory.data(2 * 16 * 4, 16);

// @ts-ignore: decorator
@inline function tile2(K: i32, A: usize, rsa: i32, csa: i32, B: usize, C: usize, ldc: i32, acc: bool, ncols: i32): void {
  const C1 = C + (<usize>ldc << 2);
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c02 = f32x4.splat(0), c03 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0), c12 = f32x4.splat(0), c13 = f32x4.splat(0);
  if (acc) {
    c00 = v128.load(C); c01 = v128.load(C, 16); c02 = v128.load(C, 32); c03 = v128.load(C, 48);
    c10 = v128.load(C1); c11 = v128.load(C1, 16); c12 = v128.load(C1, 32); c13 = v128.load(C1, 48);
  }
  let a0 = A, a1 = A + (<usize>rsa << 2);
  const cs = <usize>csa << 2;
  for (let k = 0; k < K; k++) {
    const b0 = v128.load(B), b1 = v128.load(B, 16), b2 = v128.load(B, 32), b3 = v128.load(B, 48);
    B += 64;
    let x = v128.load32_splat(a0);
    c00 = madd(x, b0, c00); c01 = madd(x, b1, c01); c02 = madd(x, b2, c02); c03 = madd(x, b3, c03);
    x = v128.load32_splat(a1);
    c10 = madd(x, b0, c10); c11 = madd(x, b1, c11); c12 = madd(x, b2, c12); c13 = madd(x, b3, c13);
    a0 += cs; a1 += cs;
  }
  if (ncols == 16) {
    v128.store(C, c00); v128.store(C, c01, 16); v128.store(C, c02, 32); v128.store(C, c03, 48);
    v128.store(C1, c10); v128.store(C1, c11, 16); v128.store(C1, c12, 32); v128.store(C1, c13, 48);
  } else {
    v128.store(edge, c00); v128.store(edge, c01, 16); v128.store(edge, c02, 32); v128.store(edge, c03, 48);
    v128.store(edge, c10, 64); v128.store(edge, c11, 80); v128.store(edge, c12, 96); v128.store(edge, c13, 112);
    for (let j = 0; j < ncols; j++) {
      store<f32>(C + (<usize>j << 2), load<f32>(edge + (<usize>j << 2)));
      store<f32>(C1 + (<usize>j << 2), load<f32>(edge + (<usize>(16 + j) << 2)));
    }
  }
}

// @ts-ignore: decorator
@inline function tile1(K: i32, A: usize, csa: i32, B: usize, C: usize, acc: bool, ncols: i32): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c02 = f32x4.splat(0), c03 = f32x4.splat(0);
  if (acc) { c00 = v128.load(C); c01 = v128.load(C, 16); c02 = v128.load(C, 32); c03 = v128.load(C, 48); }
  const cs = <usize>csa << 2;
  for (let k = 0; k < K; k++) {
    const x = v128.load32_splat(A);
    c00 = madd(x, v128.load(B), c00); c01 = madd(x, v128.load(B, 16), c01);
    c02 = madd(x, v128.load(B, 32), c02); c03 = madd(x, v128.load(B, 48), c03);
    B += 64; A += cs;
  }
  v128.store(edge, c00); v128.store(edge, c01, 16); v128.store(edge, c02, 32); v128.store(edge, c03, 48);
  for (let j = 0; j < ncols; j++) store<f32>(C + (<usize>j << 2), load<f32>(edge + (<usize>j << 2)));
}

// C[M,N] (+)= A·Bp with Bp = packB(…, K, N, …) or packBT.
export function gemmPacked(M: i32, N: i32, K: i32, A: usize, rsa: i32, csa: i32, Bp: usize, C: usize, ldc: i32, acc: bool): void {
  if (K == 0) {
    if (!acc) for (let i = 0; i < M; i++) memory.fill(C + (<usize>(i * ldc) << 2), 0, <usize>N << 2);
    return;
  }
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = min(K - k0, KC), add = acc || k0 > 0;
    const Ak = A + (<usize>(k0 * csa) << 2);
    for (let i0 = 0; i0 < M; i0 += MC) {
      const i1 = min(i0 + MC, M);
      for (let j = 0; j < N; j += NR) {
        const nc = min(N - j, NR);
        const bp = panelAt(Bp, k0, kc, j, N);
        let i = i0;
        if (nc == NR) {
          for (; i + 2 <= i1; i += 2)
            tile2(kc, Ak + (<usize>(i * rsa) << 2), rsa, csa, bp, C + (<usize>(i * ldc + j) << 2), ldc, add, 16);
        } else {
          for (; i + 2 <= i1; i += 2)
            tile2(kc, Ak + (<usize>(i * rsa) << 2), rsa, csa, bp, C + (<usize>(i * ldc + j) << 2), ldc, add, nc);
        }
        for (; i < i1; i++) tile1(kc, Ak + (<usize>(i * rsa) << 2), csa, bp, C + (<usize>(i * ldc + j) << 2), add, nc);
      }
    }
  }
}

// Scratch for one k-block: B packed (widest N of the model) and A transposed (tallest M), set at init.
let panel: usize = 0, aBlock: usize = 0;
export function reserveGemmScratch(maxM: i32, maxN: i32): void {
  panel = allocF32(packedSize(KC, maxN));
  aBlock = allocF32(maxM * KC);
}

// C[M,N] (+)= Aᵀ·B with A [K, M] (lda) and B [K, N] (ldb): the weight gradients Σ_t x_tᵀ·dz_t.
// Each k-block of A is transposed first so the micro-kernel reads both A rows contiguously;
// read in place, every k would touch a new cache line (row stride lda).
export function gemmTN(M: i32, N: i32, K: i32, A: usize, lda: i32, B: usize, ldb: i32, C: usize, ldc: i32, acc: bool): void {
  if (K == 0) { gemmPacked(M, N, 0, A, 1, lda, panel, C, ldc, acc); return; }
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = min(K - k0, KC);
    const a = A + (<usize>(k0 * lda) << 2), kc4 = kc & ~3, M4 = M & ~3;
    for (let k = 0; k < kc4; k += 4)
      for (let i = 0; i < M4; i += 4)
        transpose4(a + (<usize>(k * lda + i) << 2), <usize>lda << 2, aBlock + (<usize>(i * kc + k) << 2), <usize>kc << 2);
    for (let k = 0; k < kc; k++) {
      const row = a + (<usize>(k * lda) << 2);
      for (let i = k < kc4 ? M4 : 0; i < M; i++) store<f32>(aBlock + (<usize>(i * kc + k) << 2), load<f32>(row + (<usize>i << 2)));
    }
    packB(B + (<usize>(k0 * ldb) << 2), kc, N, ldb, panel);
    gemmPacked(M, N, kc, aBlock, kc, 1, panel, C, ldc, acc || k0 > 0);
  }
}
