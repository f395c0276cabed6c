// An LSTM layer's whole recurrence on TensorFlow's own LSTM kernels (tensorflow/core/kernels/rnn/lstm_ops.cc),
// called through tfjs-node's op binding, as one differentiable tfjs op (tf.customGrad): the LSTM's training path
// on tfjs-node (other cells and engines: the hand-BPTT op of bpttSequence.ts). The unrolled graph of
// tfjsModel.ts makes ~15 tfjs ops per timestep each way, each paying tfjs-node's ~24 µs call overhead.
//
// Forward: BlockLSTMV2, the whole sequence in one call. V2, not BlockLSTM: V2 takes Keras's gate layout
// i, f, c, o and has no forget_bias attribute, so Wx, Wh and b go in as stored (the forget bias is in b,
// as in Keras). No peepholes (their weights are zeros), no cell clipping (cell_clip 0 = off in V2).
//
// Backward: BPTT by hand, as the kernels do it (kernels/seqlab.ts, backward): per timestep only the recurrent part,
// LSTMBlockCellGrad (the gate gradients from ∂L/∂h_t and ∂L/∂c_t) and ∂L/∂h_{t-1} += dGates_t · Whᵀ; then
// ∂Wx, ∂Wh, ∂b and ∂x as three matmuls and a sum over all T·B rows at once. BlockLSTMGradV2 does the whole
// backward in one call but accumulates ∂W per timestep with B-row matmuls: 2–4× slower than this at
// hidden 512 (587–1049 ms against 243–306 ms for T 64, B 32 on the shared 2-core dev machine), about
// even at 128.
// LSTMBlockCellGrad exists only in the i, c, f, o layout: Wh and the gate gradients are permuted around it.
// ∂L/∂h_t is in hand inside the loop, but diagnostics also want ∂L_T/∂h_t and ∂L/∂c_t of every layer:
// they, and sampling (which carries a state), run the unrolled graph.

import type * as TF from '@tensorflow/tfjs';
import type { LayerSequence } from './tfjsModel';
import type { Tf } from './tfjsRuntime';

type Tensor = TF.Tensor;

/** h_1..h_T of one LSTM layer from a zero state, differentiable: x [T, B, in], Wx [in, 4H], Wh [H, 4H], b [4H] → [T, B, H]. */
type LstmOp = (x: Tensor, Wx: Tensor, Wh: Tensor, b: Tensor) => Tensor;

interface OpAttr {
  name: string;
  type: number;
  value: number | boolean;
}

/** The part of tfjs-node's NodeJSKernelBackend (tfjs-node/dist/nodejs_kernel_backend.js) used here. */
interface NodeBackend {
  binding: { TF_ATTR_BOOL: number; TF_ATTR_FLOAT: number; TF_ATTR_TYPE: number; TF_FLOAT: number; TF_INT32: number; TF_INT64: number };
  executeSingleOutput(name: string, attrs: OpAttr[], inputs: Tensor[]): Tensor;
  executeMultipleOutputs(name: string, attrs: OpAttr[], inputs: Tensor[], outputs: number): Tensor[];
}

function nodeBackend(tf: Tf): NodeBackend | undefined {
  if (tf.getBackend() !== 'tensorflow') return undefined;
  const be = tf.backend() as unknown as Partial<NodeBackend>;
  return typeof be.executeMultipleOutputs === 'function' && typeof be.executeSingleOutput === 'function' && be.binding ? (be as NodeBackend) : undefined;
}

/** Keras's i, f, c, o gate blocks (last axis) ↔ the cell ops' i, c, f, o: the same swap both ways. */
function swapFC(tf: Tf, m: Tensor): Tensor {
  const [i, f, c, o] = tf.split(m, 4, -1);
  return tf.concat([i, c, f, o], -1);
}

export class BlockLstm {
  /** seq_len_max scalars (int64) by sequence length, made once and kept: one per length a run sees. */
  private readonly seqLens = new Map<number, Tensor>();
  readonly sequence: LayerSequence;

  private constructor(private readonly tf: Tf, private readonly be: NodeBackend) {
    const { binding: n } = be;
    const common: OpAttr[] = [
      { name: 'use_peephole', type: n.TF_ATTR_BOOL, value: false },
      { name: 'T', type: n.TF_ATTR_TYPE, value: n.TF_FLOAT },
    ];
    const forwardAttrs: OpAttr[] = [{ name: 'cell_clip', type: n.TF_ATTR_FLOAT, value: 0 }, ...common];
    // the per-step product and sum as single TF ops: tf.matMul is BatchMatMulV2 between reshapes, and the
    // saved calls are a quarter of the backward loop at hidden 128
    const float: OpAttr = { name: 'T', type: n.TF_ATTR_TYPE, value: n.TF_FLOAT };
    const matMulAttrs: OpAttr[] = [{ name: 'transpose_a', type: n.TF_ATTR_BOOL, value: false }, { name: 'transpose_b', type: n.TF_ATTR_BOOL, value: false }, float];
    const matMul = (a: Tensor, b: Tensor) => be.executeSingleOutput('MatMul', matMulAttrs, [a, b]);
    const add = (a: Tensor, b: Tensor) => be.executeSingleOutput('AddV2', [float], [a, b]);
    const op = tf.customGrad((...args: unknown[]) => {
      const [x, Wx, Wh, b, save] = args as [Tensor, Tensor, Tensor, Tensor, (ts: Tensor[]) => void];
      const [T, B, I] = x.shape, H = Wh.shape[0];
      const W = tf.concat([Wx, Wh], 0);   // [in + H, 4H]: the op multiplies [x_t, h_{t-1}] by one matrix
      const state = tf.zeros([B, H]), peephole = tf.zeros([H]);   // zero c_0 and h_0; unused peephole weights
      // i, cs (= c_t), f, o, ci (= g_t), co (= tanh c_t), h: each [T, B, H]
      const acts = be.executeMultipleOutputs('BlockLSTMV2', forwardAttrs, [this.seqLen(T), x, state, state, W, peephole, peephole, peephole, b], 7);
      save([x, Wx, Wh, ...acts]);
      return {
        value: acts[6],
        gradFunc: (dy: Tensor, saved: Tensor[]) => {
          const [xs, Wxs, Whs, ...actsSaved] = saved;
          const [i, c, f, o, g, tanhC, h] = actsSaved.map((a) => tf.unstack(a));   // per t, [B, H]
          const dhOut = tf.unstack(dy);   // ∂L/∂h_t from above (head or next layer), per t [B, H]
          const zero = tf.zeros([B, H]), peepholes = tf.zeros([H]), bias = tf.zeros([4 * H]);
          const WhIcfo = swapFC(tf, Whs);   // [H, 4H] in the cell op's layout
          const WhIcfoT = tf.transpose(WhIcfo);   // [4H, H]: tfjs-node's transposed matmul is ~3× slower on B-row shapes
          // x reaches the loss only through ∂x and ∂Wx below: the op gets a 0-wide input, so its w is Wh alone
          const noInput = tf.zeros([B, 0]);
          const dGates: Tensor[] = new Array(T);   // [B, 4H] per t, i, c, f, o
          let dc = zero;   // ∂L/∂c_t through c_{t+1} (the op adds the path through h_t)
          let dh = dhOut[T - 1];   // total ∂L/∂h_t
          for (let t = T - 1; t >= 0; t--) {
            const cPrev = t > 0 ? c[t - 1] : zero, hPrev = t > 0 ? h[t - 1] : zero;
            // ∂c_{t-1}, dGates_t, ∂wci, ∂wcf, ∂wco
            const [dcPrev, dGate] = be.executeMultipleOutputs('LSTMBlockCellGrad', common,
              [noInput, cPrev, hPrev, WhIcfo, peepholes, peepholes, peepholes, bias, i[t], c[t], f[t], o[t], g[t], tanhC[t], dc, dh], 5);
            dGates[t] = dGate;
            dc = dcPrev;
            if (t > 0) dh = add(dhOut[t - 1], matMul(dGate, WhIcfoT));
          }
          const dZ = swapFC(tf, tf.concat(dGates, 0));   // [T·B, 4H], Keras order
          const X = tf.reshape(xs, [T * B, I]);
          const hPrevs = T > 1 ? tf.concat([zero, tf.reshape(tf.slice(actsSaved[6], 0, T - 1), [(T - 1) * B, H])], 0) : zero;   // h_0..h_{T-1}
          const dx = tf.reshape(tf.matMul(dZ, tf.transpose(Wxs)), [T, B, I]);
          return [dx, tf.matMul(X, dZ, true, false), tf.matMul(hPrevs, dZ, true, false), tf.sum(dZ, 0)];
        },
      };
    }) as LstmOp;
    this.sequence = (x, p) => op(x, p.Wx, p.Wh, p.b);
  }

  /** The fused path when tfjs runs on tfjs-node's 'tensorflow' backend, else undefined. */
  static on(tf: Tf): BlockLstm | undefined {
    const be = nodeBackend(tf);
    return be && new BlockLstm(tf, be);
  }

  private seqLen(T: number): Tensor {
    let s = this.seqLens.get(T);
    if (!s) {
      const { binding: n } = this.be;
      const t32 = this.tf.scalar(T, 'int32');
      // tfjs-node warns on every int64 result ("stored as BigInt64Array"); this one only feeds seq_len_max
      const warn = console.warn;
      console.warn = () => {};
      try {
        s = this.be.executeSingleOutput('Cast', [
          { name: 'SrcT', type: n.TF_ATTR_TYPE, value: n.TF_INT32 },
          { name: 'DstT', type: n.TF_ATTR_TYPE, value: n.TF_INT64 },
          { name: 'Truncate', type: n.TF_ATTR_BOOL, value: false },
        ], [t32]);
      } finally {
        console.warn = warn;
        t32.dispose();
      }
      this.seqLens.set(T, this.tf.keep(s));
    }
    return s;
  }

  dispose(): void {
    this.tf.dispose([...this.seqLens.values()]);
    this.seqLens.clear();
  }
}
