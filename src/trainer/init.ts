// Initial weights, as Keras initialises the same layers: Glorot-uniform input and output kernels,
// orthogonal recurrent kernels (one orthogonal H×H block per gate), zero biases, LSTM forget-gate
// bias `forgetBias` (Keras unit_forget_bias), embeddings U(-0.05, 0.05). With `chronoInit` T > 0 the
// LSTM gate biases follow Tallec & Ollivier 2018 instead: forget bias log U(1, T − 1) per unit, input
// bias its negative, so unit j starts out with a memory of about e^{b_f} steps, spread up to T. A recurrent spectral radius r > 0
// scales each orthogonal block (all its eigenvalues have modulus 1) to radius r: the knob that makes a
// tanh RNN's gradients vanish (r < 1) or explode (r > 1) on purpose.

import { gatesOf, type ModelSpec, paramLayout } from './model';
import type { Rng } from './rng';

export interface InitOptions {
  forgetBias: number;
  recurrentSpectralRadius: number;
  /** Chrono initialisation's longest lag T (0 = off, use forgetBias). */
  chronoInit?: number;
}

export function initParams(spec: ModelSpec, rng: Rng, opts: InitOptions): Float32Array {
  const layout = paramLayout(spec);
  const total = layout[layout.length - 1].offset + layout[layout.length - 1].size;
  const p = new Float32Array(total);
  const H = spec.hiddenSize, G = gatesOf(spec.cell);
  for (const t of layout) {
    const view = p.subarray(t.offset, t.offset + t.size);
    const kind = t.name.split('.').pop();
    if (t.name === 'embedding') {
      for (let i = 0; i < view.length; i++) view[i] = rng.uniform(-0.05, 0.05);
    } else if (kind === 'Wx' || kind === 'Wy') {
      const [fanIn, fanOut] = t.shape;
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      for (let i = 0; i < view.length; i++) view[i] = rng.uniform(-limit, limit);
    } else if (kind === 'Wh') {
      const scale = opts.recurrentSpectralRadius > 0 ? opts.recurrentSpectralRadius : 1;
      for (let g = 0; g < G; g++) {
        const q = orthogonal(H, rng);
        for (let r = 0; r < H; r++) for (let c = 0; c < H; c++) view[r * G * H + g * H + c] = q[r * H + c] * scale;
      }
    } else if (kind === 'b' && spec.cell === 'lstm') {
      const T = opts.chronoInit ?? 0;
      for (let j = 0; j < H; j++) {
        // Keras gate order i, f, c, o: view[j] is unit j's input gate, view[H + j] its forget gate.
        const forget = T > 2 ? Math.log(rng.uniform(1, T - 1)) : opts.forgetBias;
        view[H + j] = forget;
        if (T > 2) view[j] = -forget;
      }
    }
  }
  return p;
}

/** A random n×n orthogonal matrix: QR of a Gaussian matrix by modified Gram-Schmidt in f64 (row-major). */
export function orthogonal(n: number, rng: Rng): Float64Array {
  const a = new Float64Array(n * n);
  for (let i = 0; i < a.length; i++) a[i] = rng.normal();
  // Gram–Schmidt on the columns of a, done on the rows of its transpose: the same operations in the same
  // order (so the same matrix, bit for bit), but walking memory contiguously. Column by column it took
  // minutes at n = 2048, each access a stride of n doubles.
  const t = transpose(a, n);
  for (let j = 0; j < n; j++) {
    const cj = j * n;
    for (let k = 0; k < j; k++) {
      const ck = k * n;
      let dot = 0;
      for (let i = 0; i < n; i++) dot += t[cj + i] * t[ck + i];
      for (let i = 0; i < n; i++) t[cj + i] -= dot * t[ck + i];
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += t[cj + i] ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < n; i++) t[cj + i] /= norm;
  }
  return transpose(t, n);
}

function transpose(m: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) out[c * n + r] = m[r * n + c];
  return out;
}
