// The network as TensorFlow.js ops: the same cells, head and losses as the wasm kernels (kernels/cells.ts,
// kernels/seqlab.ts). A layer's recurrence is either the explicit time loop of unrolled(), whose per-step
// states diagnostics and sampling read and through which autodiff gives the gradients docs/kernel-contract.md
// defines, or one differentiable op over the whole sequence (a LayerSequence: TensorFlow's fused LSTM on
// tfjs-node, blockLstm.ts, or hand-written BPTT, bpttSequence.ts) under the same head, losses and dropout.
// Everything here builds tensors and must run inside the caller's tf.tidy.
// Rows are time-major (r = t·B + b) as in the kernels; parameters are paramLayout's tensors in order.

import { paramLayout, type ModelSpec } from '../../model';
import type { Batch } from '../../batch';
import type { Tf } from './tfjsRuntime';
import type * as TF from '@tensorflow/tfjs';

type Tensor = TF.Tensor;

/** One layer's parameters, Keras layout: Wx [in, G·H], Wh [H, G·H], b [G·H], GRU's recurrent bias bh [G·H]. */
export interface LayerParams { Wx: Tensor; Wh: Tensor; b: Tensor; bh?: Tensor }
export interface NetParams { E?: Tensor; layers: LayerParams[]; Wy: Tensor; by: Tensor }

/** paramLayout's flat list of tensors → named parts. */
export function unpack(spec: ModelSpec, ps: Tensor[]): NetParams {
  const byName = new Map(paramLayout(spec).map((p, i) => [p.name, ps[i]]));
  const get = (n: string) => byName.get(n)!;
  const layers: LayerParams[] = [];
  for (let l = 0; l < spec.layers; l++) {
    layers.push({ Wx: get(`l${l}.Wx`), Wh: get(`l${l}.Wh`), b: get(`l${l}.b`), bh: spec.cell === 'gru' ? get(`l${l}.bh`) : undefined });
  }
  return { E: spec.input === 'tokens' ? (get('embedding')) : undefined, layers, Wy: get('head.Wy'), by: get('head.by') };
}

/** A batch turned time-major, as plain arrays (no tensors yet). */
export interface TimeMajor {
  B: number;
  T: number;
  /** tokens [T·B] ids, or dense [T·B·inputSize] */
  x: Int32Array | Float32Array;
  /** xent [rows] class ids, or mse [rows·outputSize]; rows = T·B ('every') or B ('last') */
  y: Int32Array | Float32Array;
}

export function timeMajor(spec: ModelSpec, batch: Batch): TimeMajor {
  const B = batch.size;
  const I = spec.input === 'tokens' ? 1 : spec.inputSize;
  const T = batch.x.length / (B * I);
  if (!Number.isInteger(T) || T < 1) throw new RangeError(`x has ${batch.x.length} values, not a whole [${B}, T${I > 1 ? `, ${I}` : ''}]`);
  const x = spec.input === 'tokens' ? new Int32Array(T * B) : new Float32Array(T * B * I);
  for (let b = 0; b < B; b++)
    for (let t = 0; t < T; t++) x.set(batch.x.subarray((b * T + t) * I, (b * T + t + 1) * I), (t * B + b) * I);
  if (spec.input === 'tokens') checkIds('x', x as Int32Array, spec.inputSize);
  const O = spec.loss === 'mse' ? spec.outputSize : 1;
  const rows = spec.head === 'every' ? T * B : B;
  if (batch.y.length !== rows * O) throw new RangeError(`y has ${batch.y.length} values, expected ${rows * O}`);
  let y = batch.y;
  if (spec.head === 'every') {
    y = spec.loss === 'xent' ? new Int32Array(rows) : new Float32Array(rows * O);
    for (let b = 0; b < B; b++)
      for (let t = 0; t < T; t++) y.set(batch.y.subarray((b * T + t) * O, (b * T + t + 1) * O), (t * B + b) * O);
  }
  if (spec.loss === 'xent') checkIds('y', y as Int32Array, spec.outputSize);
  return { B, T, x, y };
}

function checkIds(name: string, ids: Int32Array, limit: number): void {
  for (let i = 0; i < ids.length; i++)
    if (!(ids[i] >= 0 && ids[i] < limit)) throw new RangeError(`${name}[${i}] = ${ids[i]} is outside 0..${limit - 1}`);
}

export interface ForwardOptions {
  /** Per layer below the top: inverted-dropout mask on its output, [T·B, H]. */
  masks?: Tensor[];
  /** Zero tensors added to every h_t (and LSTM c_t): the gradient w.r.t. them is the total ∂L/∂h_t. */
  probesH?: Tensor[][];
  probesC?: Tensor[][];
  /** Initial state per layer (sampling); zero when absent. */
  h0?: Tensor[];
  c0?: Tensor[];
  /** Keep post-activation gates (diagnostics). */
  keepGates?: boolean;
  /** Every layer's whole recurrence as one differentiable op (blockLstm.ts, bpttSequence.ts) instead of the
   *  unrolled loop; used unless probes, gates or an initial state ask for the loop's per-step states. */
  sequence?: LayerSequence;
}

/** One layer's recurrence from a zero state as one differentiable op: x [T, B, in] → h_1..h_T [T, B, H]. */
export type LayerSequence = (x: Tensor, p: LayerParams) => Tensor;

export interface ForwardResult {
  /** [rows, O] */
  logits: Tensor;
  /** per layer, h_1..h_T, each [B, H]; empty for a layer run by `sequence` */
  hs: Tensor[][];
  cs: Tensor[][];
  /** per layer [T·B, G·H] in Keras gate order (LSTM i, f, g, o; GRU z, r, n; RNN h) */
  gates: Tensor[];
}

export function forward(tf: Tf, spec: ModelSpec, net: NetParams, data: TimeMajor, opts: ForwardOptions = {}): ForwardResult {
  const { B, T } = data;
  const H = spec.hiddenSize;
  let input: Tensor;   // [T·B, in]
  if (net.E) input = product(tf, tf.oneHot(tf.tensor1d(data.x as Int32Array, 'int32'), spec.inputSize), net.E);   // one-hot × E: no gather gradient (no UnsortedSegmentSum on wasm)
  else input = tf.tensor2d(data.x as Float32Array, [T * B, spec.inputSize]);

  const sequence = opts.sequence && !opts.probesH && !opts.probesC && !opts.keepGates && !opts.h0 && !opts.c0 ? opts.sequence : undefined;
  const hs: Tensor[][] = [], cs: Tensor[][] = [], gates: Tensor[] = [];
  let out!: Tensor;   // the current layer's h_1..h_T as rows, [T·B, H]
  for (let l = 0; l < spec.layers; l++) {
    const p = net.layers[l];
    if (sequence) {
      out = tf.reshape(sequence(tf.reshape(input, [T, B, input.shape[1]!]), p), [T * B, H]);
      hs.push([]);
      cs.push([]);
    } else {
      const r = unrolled(tf, spec, p, input, data, opts, l);
      hs.push(r.hs);
      cs.push(r.cs);
      if (opts.keepGates) gates.push(tf.concat(r.gates, 0));
      out = tf.concat(r.hs, 0);
    }
    input = opts.masks?.[l] ? tf.mul(out, opts.masks[l]) : out;
  }
  const headIn = spec.head === 'every' ? input : tf.slice(out, (T - 1) * B, B);   // h_T of the top layer
  const logits = tf.add(product(tf, headIn, net.Wy), net.by);
  return { logits, hs, cs, gates };
}

/** One layer's explicit time loop: h_t (and c_t, gates) per step, each [B, H] (gates [B, G·H]). */
function unrolled(tf: Tf, spec: ModelSpec, p: LayerParams, input: Tensor, data: TimeMajor, opts: ForwardOptions, l: number): { hs: Tensor[]; cs: Tensor[]; gates: Tensor[] } {
  const { B, T } = data;
  const H = spec.hiddenSize;
  const { Wx, Wh, b, bh } = p;
  const xw = tf.split(tf.add(product(tf, input, Wx), b), T, 0);   // x_t·Wx + b for every t at once
  let hPrev: Tensor = opts.h0?.[l] ?? tf.zeros([B, H]);
  let cPrev: Tensor = opts.c0?.[l] ?? tf.zeros([B, H]);
  const hl: Tensor[] = [], cl: Tensor[] = [], gl: Tensor[] = [];
  for (let t = 0; t < T; t++) {
    let h: Tensor, c: Tensor | undefined, g: Tensor;
    switch (spec.cell) {
      case 'rnn': {
        h = tf.tanh(tf.add(xw[t], tf.matMul(hPrev, Wh)));
        g = h;
        break;
      }
      case 'lstm': {
        const [zi, zf, zg, zo] = tf.split(tf.add(xw[t], tf.matMul(hPrev, Wh)), 4, 1);
        const i = tf.sigmoid(zi), f = tf.sigmoid(zf), gg = tf.tanh(zg), o = tf.sigmoid(zo);
        c = tf.add(tf.mul(f, cPrev), tf.mul(i, gg));
        if (opts.probesC) c = tf.add(c, opts.probesC[l][t]);   // before h: ∂L/∂c_t includes the path through h_t
        h = tf.mul(o, tf.tanh(c));
        g = opts.keepGates ? tf.concat([i, f, gg, o], 1) : h;
        break;
      }
      case 'gru': {   // Keras reset_after: n = tanh(xn + r ⊙ (h_prev·Wh_n + bh_n))
        const [xz, xr, xn] = tf.split(xw[t], 3, 1);
        const [hz, hr, hn] = tf.split(tf.add(tf.matMul(hPrev, Wh), bh!), 3, 1);
        const z = tf.sigmoid(tf.add(xz, hz)), r = tf.sigmoid(tf.add(xr, hr));
        const n = tf.tanh(tf.add(xn, tf.mul(r, hn)));
        h = tf.add(n, tf.mul(z, tf.sub(hPrev, n)));   // z ⊙ h_prev + (1 − z) ⊙ n
        g = opts.keepGates ? tf.concat([z, r, n], 1) : h;
        break;
      }
    }
    if (opts.probesH) h = tf.add(h, opts.probesH[l][t]);
    hl.push(h);
    if (c) cl.push(c);
    if (opts.keepGates) gl.push(g);
    hPrev = h;
    if (c) cPrev = c;
  }
  return { hs: hl, cs: cl, gates: gl };
}

/**
 * a·b, [m, k]·[k, n]. On the wasm engine its gradient multiplies by explicit transposed copies, ∂a = ∂y·bᵀ and
 * ∂b = aᵀ·∂y: tf.matMul's own gradient passes transpose flags, which tfjs-wasm runs as a plain loop instead of
 * XNNPACK (the head's two took 38 and 30 ms of an LSTM step at the benchmark shape, 2–3 ms each this way).
 * tfjs-node and the cpu engine handle the flags at full speed, and the extra transposes cost them a little.
 */
function product(tf: Tf, a: Tensor, b: Tensor): Tensor {
  if (tf.getBackend() !== 'wasm') return tf.matMul(a, b);
  const op = tf.customGrad((...args: unknown[]) => {
    const [a, b, save] = args as [Tensor, Tensor, (ts: Tensor[]) => void];
    save([a, b]);
    return {
      value: tf.matMul(a, b),
      gradFunc: (dy: Tensor, [a, b]: Tensor[]) => [tf.matMul(dy, tf.transpose(b)), tf.matMul(tf.transpose(a), dy)],
    };
  });
  return op(a, b);
}

/** Per predicted row: −log softmax[target] (xent) or mean over outputs of (pred − y)² (mse); [rows]. */
export function rowLosses(tf: Tf, spec: ModelSpec, logits: Tensor, data: TimeMajor): Tensor {
  if (spec.loss === 'xent') {
    const target = tf.oneHot(tf.tensor1d(data.y as Int32Array, 'int32'), spec.outputSize);
    return tf.neg(tf.sum(tf.mul(tf.logSoftmax(logits), target), 1));
  }
  const y = tf.tensor2d(data.y as Float32Array, [logits.shape[0], spec.outputSize]);
  return tf.mean(tf.squaredDifference(logits, y), 1);
}

/** L (mean over predicted positions) and L_T (the final timestep's B positions), per the kernel contract. */
export function losses(tf: Tf, spec: ModelSpec, logits: Tensor, data: TimeMajor): { all: Tensor; last: Tensor } {
  const rows = rowLosses(tf, spec, logits, data);
  const all = tf.mean(rows);
  const last = spec.head === 'every' ? tf.mean(tf.slice(rows, rows.shape[0] - data.B, data.B)) : all;
  return { all, last };
}
