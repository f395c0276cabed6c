// Counter-based randomness for the synthetic tasks: a generator is derived from (seed, stream, index),
// so example `index` of a split can be regenerated alone, in any order, on any thread.
// sfc32 (Chris Doty-Humphrey's PractRand "small fast chaotic" generator), seeded through the
// murmur3 finaliser so that neighbouring indices give unrelated sequences.

/** Uniform floats in [0, 1). */
export type Rng = () => number;

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A generator for example `index` of stream `stream` under `seed` (any integer; 53-bit seeds are folded). */
export function exampleRng(seed: number, stream: number, index: number): Rng {
  const seedLo = seed >>> 0;
  const seedHi = Math.floor(seed / 0x100000000) >>> 0;
  let a = fmix32(seedLo ^ 0x9e3779b9);
  let b = fmix32(seedHi ^ fmix32(stream + 0x6a09e667));
  let c = fmix32((index >>> 0) ^ 0xbb67ae85 ^ a);
  let d = fmix32(Math.floor(index / 0x100000000) ^ b ^ 0x3c6ef372);
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 0x100000000;
  };
  for (let i = 0; i < 12; i++) next();
  return next;
}

/** An integer in [0, n). */
export const randInt = (rng: Rng, n: number): number => Math.floor(rng() * n);
