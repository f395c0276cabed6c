// A float64 reference of the wasm kernels' forward and backward, written as plain loops that read like
// the equations (no SIMD, no GEMM, no fused buffers). The wasm tests compare against it; it is itself
// checked against central finite differences (float64 makes those exact to ~1e-8).
// Semantics: docs/kernel-contract.md; parameter layout: src/trainer/model.ts (Keras).
import { gatesOf, paramLayout, type ModelSpec } from '../../src/trainer/model';

export interface ReferenceInput {
  spec: ModelSpec;
  batch: number;
  steps: number;
  params: ArrayLike<number>;
  x: Int32Array | Float32Array; // batch-major, as in the contract
  y: Int32Array | Float32Array;
  /** Per layer (l < layers−1) dropout mask on its output, [T, B, H]; null/absent: no dropout. */
  masks?: (ArrayLike<number> | null)[];
  /** Per layer initial h (and c) [B, H]; absent: zero. */
  h0?: ArrayLike<number>[];
  c0?: ArrayLike<number>[];
  /** Adds delta to one element of h_t or c_t right after it is computed (finite differences on states). */
  perturb?: { state: 'h' | 'c'; layer: number; t: number; b: number; j: number; delta: number };
}

export interface ReferenceResult {
  loss: number;
  grads: Float64Array;
  dhNorm: number[][]; // [layer][t]
  dcNorm: number[][]; // LSTM
  hidden: Float64Array[]; // [layer] [T, B, H]
  cell: Float64Array[]; // LSTM [layer] [T, B, H]
  outputs: Float64Array; // [rows, O] probabilities or predictions
  correct: number;
}

type Vec = Float64Array;
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const zeros = (n: number) => new Float64Array(n);

/** y = x·W for W [rows(x), cols] row-major, added into out. */
function addVecMat(out: Vec, x: ArrayLike<number>, W: Vec, cols: number): void {
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    if (xi !== 0) for (let j = 0; j < cols; j++) out[j] += xi * W[i * cols + j];
  }
}
/** out += W·d for W [n, cols]: the gradient through x·W with respect to x. */
function addMatVec(out: Vec, W: Vec, d: Vec, cols: number): void {
  for (let i = 0; i < out.length; i++) {
    let s = 0;
    for (let j = 0; j < cols; j++) s += W[i * cols + j] * d[j];
    out[i] += s;
  }
}
/** dW += xᵀ·d */
function addOuter(dW: Vec, x: ArrayLike<number>, d: Vec, cols: number): void {
  for (let i = 0; i < x.length; i++) for (let j = 0; j < cols; j++) dW[i * cols + j] += x[i] * d[j];
}
const norm = (vs: Vec[]) => Math.sqrt(vs.reduce((s, v) => s + v.reduce((a, x) => a + x * x, 0), 0));

interface StepCache {
  x: Vec; hPrev: Vec; cPrev: Vec; h: Vec; c: Vec;
  gates: Vec; // post-activation: RNN [h]; LSTM [i f g o]; GRU [z r n]
  hn: Vec;    // GRU: zh_n = h_prev·Wh_n + bh_n
}

export function referenceLossAndGrads(inp: ReferenceInput, opts: { lastStepOnly?: boolean } = {}): ReferenceResult {
  const { spec, batch: B, steps: T } = inp;
  const H = spec.hiddenSize, O = spec.outputSize, G = gatesOf(spec.cell), GH = G * H, L = spec.layers;
  const layout = paramLayout(spec);
  const P: Record<string, Vec> = {};
  for (const p of layout) P[p.name] = Float64Array.from(Array.prototype.slice.call(inp.params, p.offset, p.offset + p.size));
  const D: Record<string, Vec> = {};
  for (const p of layout) D[p.name] = zeros(p.size);
  const inSize = spec.input === 'tokens' ? spec.embedSize : spec.inputSize;

  // ---- forward
  const xs: Vec[][] = []; // [t][b]
  for (let t = 0; t < T; t++) {
    xs.push([]);
    for (let b = 0; b < B; b++) {
      if (spec.input === 'tokens') {
        const id = (inp.x as Int32Array)[b * T + t];
        xs[t].push(P.embedding.slice(id * inSize, (id + 1) * inSize));
      } else xs[t].push(Float64Array.from((inp.x as Float32Array).subarray((b * T + t) * inSize, (b * T + t + 1) * inSize)));
    }
  }
  const caches: StepCache[][][] = []; // [layer][t][b]
  let layerIn = xs;
  for (let l = 0; l < L; l++) {
    const Wx = P[`l${l}.Wx`], Wh = P[`l${l}.Wh`], bias = P[`l${l}.b`], bh = P[`l${l}.bh`];
    const cl: StepCache[][] = [];
    const hPrev: Vec[] = [], cPrev: Vec[] = [];
    for (let b = 0; b < B; b++) {
      hPrev.push(inp.h0 ? Float64Array.from(Array.prototype.slice.call(inp.h0[l], b * H, (b + 1) * H)) : zeros(H));
      cPrev.push(inp.c0 ? Float64Array.from(Array.prototype.slice.call(inp.c0[l], b * H, (b + 1) * H)) : zeros(H));
    }
    for (let t = 0; t < T; t++) {
      cl.push([]);
      for (let b = 0; b < B; b++) {
        const x = layerIn[t][b], hp = hPrev[b], cp = cPrev[b];
        const h = zeros(H), c = zeros(H), gates = zeros(GH), hn = zeros(H);
        if (spec.cell === 'gru') {
          const ax = Float64Array.from(bias), ah = Float64Array.from(bh);
          addVecMat(ax, x, Wx, GH); addVecMat(ah, hp, Wh, GH);
          for (let j = 0; j < H; j++) {
            const z = sigmoid(ax[j] + ah[j]), r = sigmoid(ax[H + j] + ah[H + j]);
            const n = Math.tanh(ax[2 * H + j] + r * ah[2 * H + j]);
            gates[j] = z; gates[H + j] = r; gates[2 * H + j] = n; hn[j] = ah[2 * H + j];
            h[j] = z * hp[j] + (1 - z) * n;
          }
        } else {
          const a = Float64Array.from(bias);
          addVecMat(a, x, Wx, GH); addVecMat(a, hp, Wh, GH);
          for (let j = 0; j < H; j++) {
            if (spec.cell === 'rnn') { h[j] = gates[j] = Math.tanh(a[j]); continue; }
            const i = sigmoid(a[j]), f = sigmoid(a[H + j]), g = Math.tanh(a[2 * H + j]), o = sigmoid(a[3 * H + j]);
            gates[j] = i; gates[H + j] = f; gates[2 * H + j] = g; gates[3 * H + j] = o;
            c[j] = f * cp[j] + i * g;
          }
          const pc = inp.perturb;
          if (pc && pc.state === 'c' && pc.layer === l && pc.t === t && pc.b === b) c[pc.j] += pc.delta;
          if (spec.cell === 'lstm') for (let j = 0; j < H; j++) h[j] = gates[3 * H + j] * Math.tanh(c[j]);
        }
        const ph = inp.perturb;
        if (ph && ph.state === 'h' && ph.layer === l && ph.t === t && ph.b === b) h[ph.j] += ph.delta;
        cl[t].push({ x, hPrev: hp, cPrev: cp, h, c, gates, hn });
        hPrev[b] = h; cPrev[b] = c;
      }
    }
    caches.push(cl);
    const mask = inp.masks?.[l];
    layerIn = cl.map((row, t) => row.map((s, b) => (mask ? s.h.map((v, j) => v * mask[(t * B + b) * H + j]) : s.h)));
  }

  // ---- head and loss
  const top = caches[L - 1];
  const headTimes = spec.head === 'every' ? [...Array(T).keys()] : [T - 1];
  const lossTimes = opts.lastStepOnly ? [T - 1] : headTimes;
  const perPosition = spec.loss === 'mse' ? O : 1;
  const Wy = P['head.Wy'], by = P['head.by'];
  const outputs = zeros(headTimes.length * B * O);
  let correct = 0, loss = 0;
  const dOut: Map<number, Vec[]> = new Map(); // t → [b] ∂L/∂logits
  headTimes.forEach((t, ti) => {
    const perB: Vec[] = [];
    for (let b = 0; b < B; b++) {
      const logits = Float64Array.from(by);
      addVecMat(logits, top[t][b].h, Wy, O);
      const counted = lossTimes.includes(t), scale = 1 / (lossTimes.length * B * perPosition);
      const d = zeros(O);
      const yRow = spec.head === 'every' ? b * T + t : b;
      if (spec.loss === 'xent') {
        const mx = Math.max(...logits);
        const e = logits.map((v) => Math.exp(v - mx)), s = e.reduce((a, v) => a + v, 0);
        const target = (inp.y as Int32Array)[yRow];
        for (let o = 0; o < O; o++) outputs[(ti * B + b) * O + o] = e[o] / s;
        if (logits.indexOf(mx) === target) correct++;
        if (counted) {
          loss += -(logits[target] - mx - Math.log(s)) * scale;
          for (let o = 0; o < O; o++) d[o] = (e[o] / s - (o === target ? 1 : 0)) * scale;
        }
      } else {
        for (let o = 0; o < O; o++) {
          outputs[(ti * B + b) * O + o] = logits[o];
          const diff = logits[o] - (inp.y as Float32Array)[yRow * O + o];
          if (counted) { loss += diff * diff * scale; d[o] = 2 * diff * scale; }
        }
      }
      perB.push(d);
    }
    dOut.set(t, perB);
  });

  // ---- backward
  let dAbove: Vec[][] = []; // [t][b] ∂L/∂h_t from the head (top) or the layer above
  for (let t = 0; t < T; t++) {
    dAbove.push([]);
    for (let b = 0; b < B; b++) {
      const dh = zeros(H), d = dOut.get(t)?.[b];
      if (d) { addMatVec(dh, Wy, d, O); addOuter(D['head.Wy'], top[t][b].h, d, O); for (let o = 0; o < O; o++) D['head.by'][o] += d[o]; }
      dAbove[t].push(dh);
    }
  }
  const dhNorm: number[][] = [], dcNorm: number[][] = [];
  for (let l = L - 1; l >= 0; l--) {
    const Wx = P[`l${l}.Wx`], Wh = P[`l${l}.Wh`];
    const dWx = D[`l${l}.Wx`], dWh = D[`l${l}.Wh`], db = D[`l${l}.b`], dbh = D[`l${l}.bh`];
    const cl = caches[l], I = l === 0 ? inSize : H;
    const dhNext: Vec[] = [], dcNext: Vec[] = [];
    for (let b = 0; b < B; b++) { dhNext.push(zeros(H)); dcNext.push(zeros(H)); }
    const dIn: Vec[][] = [...Array(T)].map(() => [...Array(B)].map(() => zeros(I)));
    const nh: number[] = [], nc: number[] = [];
    for (let t = T - 1; t >= 0; t--) {
      const dhs: Vec[] = [], dcs: Vec[] = [];
      for (let b = 0; b < B; b++) {
        const s = cl[t][b];
        const dh = dAbove[t][b].map((v, j) => v + dhNext[b][j]); // total ∂L/∂h_t
        dhs.push(dh);
        const da = zeros(GH), dah = zeros(GH); // ∂ pre-activations (input side; GRU: recurrent side)
        const dhPrev = zeros(H);
        if (spec.cell === 'rnn') {
          for (let j = 0; j < H; j++) da[j] = dh[j] * (1 - s.h[j] ** 2);
          da.forEach((v, j) => (dah[j] = v));
        } else if (spec.cell === 'lstm') {
          const dc = zeros(H);
          for (let j = 0; j < H; j++) {
            const i = s.gates[j], f = s.gates[H + j], g = s.gates[2 * H + j], o = s.gates[3 * H + j], tc = Math.tanh(s.c[j]);
            dc[j] = dcNext[b][j] + dh[j] * o * (1 - tc * tc); // total ∂L/∂c_t
            da[j] = dc[j] * g * i * (1 - i);
            da[H + j] = dc[j] * s.cPrev[j] * f * (1 - f);
            da[2 * H + j] = dc[j] * i * (1 - g * g);
            da[3 * H + j] = dh[j] * tc * o * (1 - o);
            dcNext[b][j] = dc[j] * f;
          }
          dcs.push(dc);
          da.forEach((v, j) => (dah[j] = v));
        } else {
          for (let j = 0; j < H; j++) {
            const z = s.gates[j], r = s.gates[H + j], n = s.gates[2 * H + j];
            const dn = dh[j] * (1 - z) * (1 - n * n);
            const dz = dh[j] * (s.hPrev[j] - n) * z * (1 - z);
            const dr = dn * s.hn[j] * r * (1 - r);
            da[j] = dz; da[H + j] = dr; da[2 * H + j] = dn;
            dah[j] = dz; dah[H + j] = dr; dah[2 * H + j] = dn * r;
            dhPrev[j] = dh[j] * z;
          }
        }
        addOuter(dWx, s.x, da, GH);
        addOuter(dWh, s.hPrev, dah, GH);
        for (let j = 0; j < GH; j++) db[j] += da[j];
        if (spec.cell === 'gru') for (let j = 0; j < GH; j++) dbh[j] += dah[j];
        addMatVec(dIn[t][b], Wx, da, GH);
        addMatVec(dhPrev, Wh, dah, GH);
        dhNext[b] = dhPrev;
      }
      nh[t] = norm(dhs);
      if (spec.cell === 'lstm') nc[t] = norm(dcs);
    }
    dhNorm[l] = nh; dcNorm[l] = nc;
    if (l > 0) {
      const mask = inp.masks?.[l - 1];
      dAbove = dIn.map((row, t) => row.map((v, b) => (mask ? v.map((x, j) => x * mask[(t * B + b) * H + j]) : v)));
    } else if (spec.input === 'tokens') {
      for (let t = 0; t < T; t++)
        for (let b = 0; b < B; b++) {
          const id = (inp.x as Int32Array)[b * T + t];
          for (let k = 0; k < inSize; k++) D.embedding[id * inSize + k] += dIn[t][b][k];
        }
    }
  }

  const grads = zeros(layout.reduce((n, p) => n + p.size, 0));
  for (const p of layout) grads.set(D[p.name], p.offset);
  const hidden = caches.map((cl) => { const out = zeros(T * B * H); cl.forEach((row, t) => row.forEach((s, b) => out.set(s.h, (t * B + b) * H))); return out; });
  const cell = caches.map((cl) => { const out = zeros(T * B * H); cl.forEach((row, t) => row.forEach((s, b) => out.set(s.c, (t * B + b) * H))); return out; });
  return { loss, grads, dhNorm, dcNorm, hidden, cell, outputs, correct };
}
