// Initial weights, as Keras initialises the same layers: Glorot-uniform input and output kernels,
// orthogonal recurrent kernels (one orthogonal H×H block per gate), zero biases, LSTM forget-gate
// bias `forgetBias` (Keras unit_forget_bias), embeddings U(-0.05, 0.05). With `chronoInit` T > 0 the
// LSTM gate biases follow Tallec & Ollivier 2018 instead: forget bias log U(1, T − 1) per unit, input
// bias its negative, so unit j starts out with a memory of about e^{b_f} steps, spread up to T. A recurrent spectral radius r > 0
// scales each orthogonal block (all its eigenvalues have modulus 1) to radius r: the knob that makes a
// tanh RNN's gradients vanish (r < 1) or explode (r > 1) on purpose.
//
// Drawing is a generator (initSteps) that yields its progress every few million operations: `initParams`
// runs it through, `initParamsAsync` hands each step to the caller, who reports it, lets signals in and
// may stop (a hidden size of 4096 is 4 orthogonal 4096×4096 blocks per layer).

import { gatesOf, type ModelSpec, paramLayout } from './model';
import { orthogonalSteps, orthogonalWork } from './orthogonal';
import type { Rng } from './rng';
import { runSteps, runStepsAsync, type Steps } from './steps';

export { orthogonal } from './orthogonal';

export interface InitOptions {
  forgetBias: number;
  recurrentSpectralRadius: number;
  /** Chrono initialisation's longest lag T (0 = off, use forgetBias). */
  chronoInit?: number;
}

/** How far initialisation is: the tensor being drawn, its layer, and the work done of the whole. */
export interface InitProgress {
  /** The tensor's name in paramLayout ('l1.Wh'). */
  tensor: string;
  /** The tensor's layer, 0-based; undefined for the embedding and the head. */
  layer?: number;
  layers: number;
  /** Operations done and in all: multiply-adds of the orthogonal blocks, one per value elsewhere. */
  done: number;
  total: number;
}

/** Values drawn between two progress reports of a large tensor. */
const VALUES_PER_STEP = 1 << 20;

export function initParams(spec: ModelSpec, rng: Rng, opts: InitOptions): Float32Array {
  return runSteps(initSteps(spec, rng, opts));
}

/** The same parameters as `initParams`; `step` is awaited after every chunk of work (it may throw to stop). */
export function initParamsAsync(spec: ModelSpec, rng: Rng, opts: InitOptions, step: (p: InitProgress) => Promise<void>): Promise<Float32Array> {
  return runStepsAsync(initSteps(spec, rng, opts), step);
}

export function* initSteps(spec: ModelSpec, rng: Rng, opts: InitOptions): Steps<Float32Array, InitProgress> {
  const layout = paramLayout(spec);
  const p = new Float32Array(layout[layout.length - 1].offset + layout[layout.length - 1].size);
  const H = spec.hiddenSize, G = gatesOf(spec.cell);
  const total = layout.reduce((sum, t) => sum + (kindOf(t.name) === 'Wh' ? G * orthogonalWork(H) : t.size), 0);
  let done = 0;
  for (const t of layout) {
    const view = p.subarray(t.offset, t.offset + t.size);
    const kind = kindOf(t.name);
    const at = (work: number): InitProgress => ({ tensor: t.name, ...layerOf(t.name), layers: spec.layers, done: done + work, total });
    if (t.name === 'embedding' || kind === 'Wx' || kind === 'Wy') {
      // embeddings U(-0.05, 0.05); kernels Glorot-uniform
      const limit = t.name === 'embedding' ? 0.05 : Math.sqrt(6 / (t.shape[0] + t.shape[1]));
      for (let i0 = 0; i0 < view.length; i0 += VALUES_PER_STEP) {
        const i1 = Math.min(view.length, i0 + VALUES_PER_STEP);
        for (let i = i0; i < i1; i++) view[i] = rng.uniform(-limit, limit);
        yield at(i1);
      }
    } else if (kind === 'Wh') {
      const scale = opts.recurrentSpectralRadius > 0 ? opts.recurrentSpectralRadius : 1;
      for (let g = 0; g < G; g++) {
        const gate = orthogonalSteps(H, rng);
        let r = gate.next();
        for (; !r.done; r = gate.next()) yield at(g * orthogonalWork(H) + r.value);
        const q = r.value;
        for (let row = 0; row < H; row++) for (let c = 0; c < H; c++) view[row * G * H + g * H + c] = q[row * H + c] * scale;
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
    done += kind === 'Wh' ? G * orthogonalWork(H) : t.size;
    yield at(0);
  }
  return p;
}

const kindOf = (name: string): string | undefined => name.split('.').pop();

function layerOf(name: string): { layer?: number } {
  const m = /^l(\d+)\./.exec(name);
  return m ? { layer: Number(m[1]) } : {};
}
