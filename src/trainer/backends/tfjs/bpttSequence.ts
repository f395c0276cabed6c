// One recurrent layer's whole sequence as one differentiable tfjs op (tf.customGrad) with a hand-written BPTT
// backward, for every cell: the training path of the tfjs backend wherever TensorFlow has no fused op for it
// (every cell on the tfjs wasm and cpu engines; RNN and GRU on tfjs-node, whose GRUBlockCell is not Keras's reset_after).
// The math is unrolled()'s in tfjsModel.ts and the kernels' (kernels/cells.ts, docs/kernel-contract.md):
// RNN h = tanh(z); LSTM in Keras's gate order i, f, g, o; GRU Keras reset_after, gates z, r, n, recurrent bias bh.
//
// Forward: x·Wx + b for all timesteps at once, then per step h_{t-1}·Wh and the cell's elementwise ops. What the
// backward needs is saved as whole-sequence [T·B, H] tensors.
// Backward: the gate pre-activation gradients dZ_t are linear in ∂L/∂h_t (and ∂L/∂c_t) with coefficients that
// depend only on the forward, so those are computed for all timesteps at once first; a step is then a concat,
// a product, one matmul with Whᵀ and the sum with ∂L/∂h_{t-1} from above. Whᵀ is an explicit transposed copy
// made once (transposed matmuls are 5–10× slower on tfjs-wasm). ∂Wx, ∂Wh, ∂b and ∂x are matmuls over all
// T·B rows afterwards, as in the kernels (kernels/seqlab.ts) and blockLstm.ts.
//
// The forward works per gate ([B, H] blocks, G matmuls with Wh's gate blocks), not on [B, G·H] rows cut into
// gates: the cpu engine copies a column slice ~30× slower than it multiplies elementwise (cutting a [32, 512]
// step into four gates took longer than the [32, 128]·[128, 512] matmul), while G matmuls of [H, H] cost what
// one of [H, G·H] does. Wx and Wh are cut into gate blocks once per call through a transpose, and the
// backward puts dZ_t together in Keras's column order with a concat, which is cheap. On the wasm engine one
// matmul per step and a column split was no faster (LSTM at the benchmark shape, 3 interleaved pairs: medians
// 229–284 ms against 243–328 ms per gate, minima 198–224 against 158–188 ms), so all engines share this path.
// What the wasm engine does need of its own is the cut of a [T·B, n] tensor into its timesteps (steps()).

import type * as TF from '@tensorflow/tfjs';
import type { CellKind } from '../../../shared/config';
import type { LayerSequence } from './tfjsModel';
import type { Tf } from './tfjsRuntime';

type Tensor = TF.Tensor;
type Save = (ts: Tensor[]) => void;

/** The hand-BPTT sequence op of a cell: x [T, B, in] → h_1..h_T [T, B, H] from a zero state. */
export function bpttSequence(tf: Tf, cell: CellKind): LayerSequence {
  switch (cell) {
    case 'rnn': return rnnSequence(tf);
    case 'lstm': return lstmSequence(tf);
    case 'gru': return gruSequence(tf);
  }
}

function rnnSequence(tf: Tf): LayerSequence {
  const op = tf.customGrad((...args: unknown[]) => {
    const [x, Wx, Wh, b, save] = args as [Tensor, Tensor, Tensor, Tensor, Save];
    const [T, B, I] = x.shape, H = Wh.shape[0]!;
    const X = tf.reshape(x, [T * B, I]);
    const xw = steps(tf, tf.add(tf.matMul(X, Wx), b), T);   // per t, [B, H]
    const hs: Tensor[] = [];
    let hPrev: Tensor = tf.zeros([B, H]);
    for (let t = 0; t < T; t++) {
      hPrev = tf.tanh(tf.add(xw[t], tf.matMul(hPrev, Wh)));
      hs.push(hPrev);
    }
    const Hs = tf.concat(hs, 0);   // [T·B, H]
    save([X, Wx, Wh, Hs]);
    return {
      value: tf.reshape(Hs, [T, B, H]),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [X, Wx, Wh, Hs] = saved;
        // dZ_t = ∂L/∂h_t ⊙ (1 − h_t²)
        const K = steps(tf, tf.sub(tf.scalar(1), tf.square(Hs)), T);
        const dZ = recurrence(tf, dy, T, B, H, Wh, (dh, t) => tf.mul(dh, K[t]));
        const dZall = tf.concat(dZ, 0);
        return inputAndWeightGrads(tf, x.shape, X, Wx, dZall, shiftDown(tf, Hs, T, B), dZall);
      },
    };
  });
  return (x, p) => op(x, p.Wx, p.Wh, p.b);
}

function lstmSequence(tf: Tf): LayerSequence {
  const op = tf.customGrad((...args: unknown[]) => {
    const [x, Wx, Wh, b, save] = args as [Tensor, Tensor, Tensor, Tensor, Save];
    const [T, B, I] = x.shape, H = Wh.shape[0]!;
    const X = tf.reshape(x, [T * B, I]);
    const [xi, xf, xg, xo] = gateProjections(tf, X, Wx, tf.split(b, 4), T);   // [gate][t] → [B, H]
    const [Whi, Whf, Whg, Who] = gateBlocks(tf, Wh, 4);
    const is: Tensor[] = [], fs: Tensor[] = [], gs: Tensor[] = [], os: Tensor[] = [], cs: Tensor[] = [], tanhCs: Tensor[] = [], hs: Tensor[] = [];
    let hPrev: Tensor = tf.zeros([B, H]), cPrev = hPrev;
    for (let t = 0; t < T; t++) {
      const i = tf.sigmoid(tf.add(xi[t], tf.matMul(hPrev, Whi)));
      const f = tf.sigmoid(tf.add(xf[t], tf.matMul(hPrev, Whf)));
      const g = tf.tanh(tf.add(xg[t], tf.matMul(hPrev, Whg)));
      const o = tf.sigmoid(tf.add(xo[t], tf.matMul(hPrev, Who)));
      const c = tf.add(tf.mul(f, cPrev), tf.mul(i, g));
      const tanhC = tf.tanh(c);
      const h = tf.mul(o, tanhC);
      is.push(i); fs.push(f); gs.push(g); os.push(o); cs.push(c); tanhCs.push(tanhC); hs.push(h);
      hPrev = h;
      cPrev = c;
    }
    const Hs = tf.concat(hs, 0);
    save([X, Wx, Wh, ...[is, fs, gs, os, cs, tanhCs].map((s) => tf.concat(s, 0)), Hs]);   // each [T·B, H]
    return {
      value: tf.reshape(Hs, [T, B, H]),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [X, Wx, Wh, Is, Fs, Gs, Os, Cs, TanhCs, Hs] = saved;
        const one = tf.scalar(1);
        const dSigmoid = (s: Tensor) => tf.mul(s, tf.sub(one, s));
        // ∂L/∂c_t = ∂L/∂h_t ⊙ A_t + ∂L/∂c_{t+1} ⊙ f_{t+1}, A = o ⊙ (1 − tanh² c)
        const A = steps(tf, tf.mul(Os, tf.sub(one, tf.square(TanhCs))), T);
        const f = steps(tf, Fs, T);
        // dZ_t = [∂c_t, ∂c_t, ∂c_t, ∂h_t] ⊙ K_t: di = ∂c ⊙ g ⊙ σ'(i), df = ∂c ⊙ c_{t-1} ⊙ σ'(f), dg = ∂c ⊙ i ⊙ (1 − g²), do = ∂h ⊙ tanh c ⊙ σ'(o)
        const K = steps(tf, tf.concat([
          tf.mul(Gs, dSigmoid(Is)),
          tf.mul(shiftDown(tf, Cs, T, B), dSigmoid(Fs)),
          tf.mul(Is, tf.sub(one, tf.square(Gs))),
          tf.mul(TanhCs, dSigmoid(Os)),
        ], 1), T);
        let dc: Tensor | undefined;   // ∂L/∂c_{t+1} on entry to step t
        const dZ = recurrence(tf, dy, T, B, H, Wh, (dh, t) => {
          dc = dc ? tf.add(tf.mul(dh, A[t]), tf.mul(dc, f[t + 1])) : tf.mul(dh, A[t]);
          return tf.mul(tf.concat([dc, dc, dc, dh], 1), K[t]);
        });
        const dZall = tf.concat(dZ, 0);   // [T·B, 4H]
        return inputAndWeightGrads(tf, x.shape, X, Wx, dZall, shiftDown(tf, Hs, T, B), dZall);
      },
    };
  });
  return (x, p) => op(x, p.Wx, p.Wh, p.b);
}

function gruSequence(tf: Tf): LayerSequence {
  const op = tf.customGrad((...args: unknown[]) => {
    const [x, Wx, Wh, b, bh, save] = args as [Tensor, Tensor, Tensor, Tensor, Tensor, Save];
    const [T, B, I] = x.shape, H = Wh.shape[0]!;
    const X = tf.reshape(x, [T * B, I]);
    // bh's z and r blocks add to z and r just as b's do; its n block sits inside r ⊙ (h_{t-1}·Wh_n + bh_n)
    const [bz, br, bn] = tf.split(b, 3), [bhz, bhr, bhn] = tf.split(bh, 3);
    const [xz, xr, xn] = gateProjections(tf, X, Wx, [tf.add(bz, bhz), tf.add(br, bhr), bn], T);   // [gate][t] → [B, H]
    const [Whz, Whr, Whn] = gateBlocks(tf, Wh, 3);
    const zs: Tensor[] = [], rs: Tensor[] = [], ns: Tensor[] = [], hns: Tensor[] = [], hs: Tensor[] = [];
    let hPrev: Tensor = tf.zeros([B, H]);
    for (let t = 0; t < T; t++) {
      const z = tf.sigmoid(tf.add(xz[t], tf.matMul(hPrev, Whz)));
      const r = tf.sigmoid(tf.add(xr[t], tf.matMul(hPrev, Whr)));
      const hn = tf.add(tf.matMul(hPrev, Whn), bhn);
      const n = tf.tanh(tf.add(xn[t], tf.mul(r, hn)));
      const h = tf.add(n, tf.mul(z, tf.sub(hPrev, n)));   // z ⊙ h_prev + (1 − z) ⊙ n
      zs.push(z); rs.push(r); ns.push(n); hns.push(hn); hs.push(h);
      hPrev = h;
    }
    const Hs = tf.concat(hs, 0);
    save([X, Wx, Wh, ...[zs, rs, ns, hns].map((s) => tf.concat(s, 0)), Hs]);   // each [T·B, H]
    return {
      value: tf.reshape(Hs, [T, B, H]),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [X, Wx, Wh, Zs, Rs, Ns, HNs, Hs] = saved;
        const one = tf.scalar(1);
        const HPrev = shiftDown(tf, Hs, T, B);
        // per unit of ∂L/∂h_t: the pre-activation gradients of z, r and n (a_n = xn + r ⊙ hn), and of hn
        const Kn = tf.mul(tf.sub(one, Zs), tf.sub(one, tf.square(Ns)));
        const Kz = tf.mul(tf.sub(HPrev, Ns), tf.mul(Zs, tf.sub(one, Zs)));
        const Kr = tf.mul(tf.mul(Kn, HNs), tf.mul(Rs, tf.sub(one, Rs)));
        const Khn = tf.mul(Kn, Rs);
        // recurrent side, h_{t-1}·Wh + bh: dZh_t = [∂h_t, ∂h_t, ∂h_t] ⊙ [Kz, Kr, Khn]; ∂h_{t-1} also gets ∂h_t ⊙ z_t directly
        const Kh = steps(tf, tf.concat([Kz, Kr, Khn], 1), T);
        const z = steps(tf, Zs, T);
        const dhs: Tensor[] = new Array(T);
        const dZh = recurrence(tf, dy, T, B, H, Wh, (dh, t) => {
          dhs[t] = dh;
          return tf.mul(tf.concat([dh, dh, dh], 1), Kh[t]);
        }, (dh, t) => tf.mul(dh, z[t]));
        // input side, x·Wx + b: [∂h_t, ∂h_t, ∂h_t] ⊙ [Kz, Kr, Kn] for all t at once
        const dHs = tf.concat(dhs, 0);
        const dZx = tf.mul(tf.concat([dHs, dHs, dHs], 1), tf.concat([Kz, Kr, Kn], 1));
        const dZhAll = tf.concat(dZh, 0);
        return [...inputAndWeightGrads(tf, x.shape, X, Wx, dZx, HPrev, dZhAll), columnSums(tf, dZhAll)];
      },
    };
  });
  return (x, p) => op(x, p.Wx, p.Wh, p.b, p.bh!);
}

/**
 * The backward time loop shared by the cells: ∂L/∂h_t is ∂L/∂y_t from above plus dZ_{t+1}·Whᵀ (plus `direct`,
 * a path from h_t to h_{t+1} outside the matmul: GRU's z ⊙ h_prev). `gates` turns ∂L/∂h_t into dZ_t.
 * Returns dZ_t per t, [B, G·H] in Keras's column order.
 */
function recurrence(
  tf: Tf, dy: Tensor, T: number, B: number, H: number, Wh: Tensor,
  gates: (dh: Tensor, t: number) => Tensor, direct?: (dh: Tensor, t: number) => Tensor,
): Tensor[] {
  const dyt = steps(tf, tf.reshape(dy, [T * B, H]), T);   // per t, [B, H]
  const WhT = tf.transpose(Wh);   // [G·H, H]
  const dZ: Tensor[] = new Array(T);
  let dh = dyt[T - 1];
  for (let t = T - 1; t >= 0; t--) {
    dZ[t] = gates(dh, t);
    if (t > 0) dh = tf.addN(direct ? [dyt[t - 1], tf.matMul(dZ[t], WhT), direct(dh, t)] : [dyt[t - 1], tf.matMul(dZ[t], WhT)]);
  }
  return dZ;
}

/**
 * What every cell's backward ends with, over all T·B rows at once: from the input side's pre-activation
 * gradients dZx (of x·Wx + b) ∂x, ∂Wx, ∂b; from the recurrent side's dZh (of h_{t-1}·Wh) ∂Wh.
 * In customGrad's input order: x, Wx, Wh, b.
 */
function inputAndWeightGrads(tf: Tf, xShape: number[], X: Tensor, Wx: Tensor, dZx: Tensor, HPrev: Tensor, dZh: Tensor): Tensor[] {
  return [
    tf.reshape(tf.matMul(dZx, tf.transpose(Wx)), xShape),
    tf.matMul(tf.transpose(X), dZx),
    tf.matMul(tf.transpose(HPrev), dZh),
    columnSums(tf, dZx),
  ];
}

/** Σ over rows, [rows, n] → [n], as 1ᵀ·M: on the cpu engine a reduction over rows costs ~15× that matmul. */
function columnSums(tf: Tf, M: Tensor): Tensor {
  const [rows, n] = M.shape;
  return tf.reshape(tf.matMul(tf.ones([1, rows]), M), [n!]);
}

/** [rows, G·H] → G blocks [rows, H]. Through a transpose of the [rows, G, H] view: rows slice fast, columns don't. */
function gateBlocks(tf: Tf, w: Tensor, G: number): Tensor[] {
  const [rows, cols] = w.shape;
  return tf.unstack(tf.transpose(tf.reshape(w, [rows, G, cols! / G]), [1, 0, 2]));
}

/** x_t·Wx_k + b_k for every gate k and timestep t, as [k][t] → [B, H]: one matmul per gate over all T·B rows. */
function gateProjections(tf: Tf, X: Tensor, Wx: Tensor, b: Tensor[], T: number): Tensor[][] {
  return gateBlocks(tf, Wx, b.length).map((w, k) => steps(tf, tf.add(tf.matMul(X, w), b[k]), T));
}

/**
 * M's rows cut into T consecutive blocks, [T·B, n] → T × [B, n]: tf.split, except on the wasm engine, whose
 * Slice kernel copies its whole input out of wasm memory for every piece (T² work: 330 of 870 ms of an LSTM
 * step at the benchmark shape; its Gather copies element by element, no better). There M is read out once
 * and each block written back: two copies of M in all.
 */
function steps(tf: Tf, M: Tensor, T: number): Tensor[] {
  if (tf.getBackend() !== 'wasm') return tf.split(M, T, 0);
  const [rows, n] = M.shape, B = rows / T, size = B * n!;
  const data = M.dataSync() as Float32Array;
  return Array.from({ length: T }, (_, t) => tf.tensor2d(data.subarray(t * size, (t + 1) * size), [B, n!]));
}

/** Rows of s_0..s_{T-1} from rows of s_1..s_T ([T·B, H]), with s_0 = 0. */
function shiftDown(tf: Tf, S: Tensor, T: number, B: number): Tensor {
  const zero = tf.zeros([B, S.shape[1]!]);
  return T > 1 ? tf.concat([zero, tf.slice(S, 0, (T - 1) * B)], 0) : zero;
}
