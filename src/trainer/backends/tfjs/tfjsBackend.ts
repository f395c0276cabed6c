// The TensorFlow.js backend: the same model, losses, optimizers and diagnostics as the wasm backend
// (its reference is src/trainer/backends/wasm/wasmBackend.ts and the kernel contract), on the best tfjs
// engine there is (tfjsRuntime.ts: tfjs-node, else tfjs's wasm engine, else its cpu engine). Training steps and
// evaluations run each layer's recurrence as one op with its own gradient: TensorFlow's fused LSTM on
// tfjs-node (blockLstm.ts), hand-written BPTT for every other cell and engine (bpttSequence.ts); `path:
// 'unrolled'` asks for the unrolled tfjs graph with autodiff instead. Diagnostics and sampling always run the
// unrolled graph, which has the per-step states they read. Parameters and optimizer slots are tf.Variables in
// paramLayout order; every step runs inside tf.tidy so `tensorCount()` stays flat. Every method that runs ops
// first makes this backend's engine tfjs's current one (the wasm and cpu engines share one tfjs).

import { paramCount, paramLayout, type ModelSpec, type ParamTensor } from '../../model';
import type { Backend, Batch, DiagnoseResult, EvalResult, LayerTrace, StepResult, Stepper } from '../backend';
import { checkOptimizerState, KERAS_ADAM, KERAS_RMSPROP, OPTIMIZER_SLOTS, type OptimizerSettings, type OptimizerState } from '../optimizer';
import { BlockLstm } from './blockLstm';
import { bpttSequence } from './bpttSequence';
import { forward, losses, rowLosses, timeMajor, unpack, type LayerSequence, type TimeMajor } from './tfjsModel';
import { loadTfjs, type Tf, type TfEngine, type TfEngineRequest, type TfRuntime } from './tfjsRuntime';
import type { NativePackage } from '../../../shared/nativeEngine';
import type * as TF from '@tensorflow/tfjs';

export interface TfjsBackendOptions {
  spec: ModelSpec;
  /** 'auto' (the default): tfjs-node when installed, else the wasm engine, else cpu; 'wasm' ignores an installed
   *  tfjs-node; 'cpu': TensorFlow.js's pure-JS engine. */
  engine?: TfEngineRequest;
  /**
   * How training steps and evaluations run a layer's recurrence. 'fused' (the default): TensorFlow's fused
   * LSTM where there is one (an LSTM on tfjs-node), hand BPTT elsewhere; 'bptt': hand BPTT for every cell and
   * engine; 'unrolled': the unrolled graph with autodiff.
   */
  path?: SequencePath;
}

export type SequencePath = 'fused' | 'bptt' | 'unrolled';

const PATH_LABEL: Record<SequencePath, string> = { fused: 'fused LSTM', bptt: 'hand BPTT', unrolled: 'unrolled autodiff' };


export class TfjsBackend implements Backend {
  readonly name = 'tfjs';
  readonly device: string;
  readonly paramCount: number;
  readonly engine: TfEngine;
  /** The native package behind the 'tensorflow' engine (tfjs-node or tfjs-node-gpu); undefined on the others. */
  readonly native: NativePackage | undefined;
  /** How training steps and evaluations run a layer's recurrence (what `path` asked for, where available). */
  readonly path: SequencePath;
  private readonly blockLstm?: BlockLstm;
  /** The recurrence of training steps and evaluations; undefined on the unrolled path. */
  private readonly sequence?: LayerSequence;
  private readonly layout: ParamTensor[];
  private readonly vars: TF.Variable[];
  /** slots[k][i]: optimizer slot k of parameter i (Adam m, v; RMSprop v; SGD velocity). */
  private slots: TF.Variable[][] = [];
  private slotCount = 0;
  private optStep = 0;
  private steppers = new Set<() => void>();
  private readonly tf: Tf;
  /** Makes this backend's engine the one tfjs runs ops on. */
  private readonly activate: () => void;

  private constructor(rt: TfRuntime, readonly spec: ModelSpec, path: SequencePath) {
    const { tf, engine, native, label } = rt;
    this.tf = tf;
    this.activate = rt.activate;
    this.activate();
    this.engine = engine;
    this.native = native;
    this.blockLstm = spec.cell === 'lstm' && path === 'fused' ? BlockLstm.on(tf) : undefined;
    this.path = this.blockLstm ? 'fused' : path === 'unrolled' ? 'unrolled' : 'bptt';
    this.sequence = this.blockLstm?.sequence ?? (this.path === 'bptt' ? bpttSequence(tf, spec.cell) : undefined);
    this.device = `${label} · ${PATH_LABEL[this.path]}`;
    this.layout = paramLayout(spec);
    this.paramCount = paramCount(spec);
    this.vars = this.layout.map((p) => tf.variable(tf.zeros(p.shape), true));
  }

  static async create(opts: TfjsBackendOptions): Promise<TfjsBackend> {
    const rt = await loadTfjs(opts.engine ?? 'auto');
    return new TfjsBackend(rt, opts.spec, opts.path ?? 'fused');
  }

  /** Live tensors in the tfjs engine (all backends of this process share it). */
  tensorCount(): number {
    return this.tf.memory().numTensors;
  }

  getParams(): Float32Array {
    return this.flatten(this.vars);
  }

  setParams(p: Float32Array): void {
    if (p.length !== this.paramCount) throw new Error(`expected ${this.paramCount} parameters, got ${p.length}`);
    this.activate();
    this.assignFlat(this.vars, p);
  }

  getOptimizerState(): OptimizerState {
    return { step: this.optStep, slots: this.slots.slice(0, this.slotCount).map((s) => this.flatten(s)) };
  }

  setOptimizerState(s: OptimizerState): void {
    checkOptimizerState(s, this.paramCount);
    this.activate();
    s.slots.forEach((slot, k) => {
      this.assignFlat(this.slotVars(k), slot);
    });
    this.optStep = s.step;
    this.slotCount = s.slots.length;
  }

  async trainStep(batch: Batch, opt: OptimizerSettings, dropoutSeed: number): Promise<StepResult> {
    const { tf } = this;
    let result: StepResult = { loss: NaN, gradNorm: NaN, clipped: false };
    this.activate();
    tf.tidy(() => {
      const { value, grads } = this.lossAndGrads(batch, dropoutSeed);
      const sumSq = tf.addN(grads.map((g) => tf.sum(tf.square(g))));
      const [loss, sq] = tf.stack([value, sumSq]).dataSync();
      const gradNorm = Math.sqrt(sq);
      result = { loss, gradNorm, clipped: false };
      if (!Number.isFinite(gradNorm)) return;
      let g = grads;
      if (opt.clipNorm > 0 && gradNorm > opt.clipNorm) {
        const s = tf.scalar(opt.clipNorm / gradNorm);
        g = g.map((x) => tf.mul(x, s));
        result.clipped = true;
      }
      if (opt.clipValue > 0) g = g.map((x) => tf.clipByValue(x, -opt.clipValue, opt.clipValue));
      this.applyOptimizer(g, opt);
    });
    return result;
  }

  /** The loss and parameter gradients a training step with this dropout seed computes (flat, paramLayout order). */
  gradients(batch: Batch, dropoutSeed = 0): { loss: number; grads: Float32Array } {
    let out!: { loss: number; grads: Float32Array };
    this.activate();
    // assigned, not returned: tidy walks what it returns element by element, a million floats included
    this.tf.tidy(() => {
      const { value, grads } = this.lossAndGrads(batch, dropoutSeed);
      out = { loss: value.dataSync()[0], grads: this.flatten(grads) };
    });
    return out;
  }

  /** Inside the caller's tidy: L and ∂L/∂θ for every parameter, on the training path (`path`). */
  private lossAndGrads(batch: Batch, dropoutSeed: number): { value: TF.Scalar; grads: TF.Tensor[] } {
    const { tf, spec } = this;
    const data = timeMajor(spec, batch);
    const masks = spec.dropout > 0 && spec.layers > 1
      ? dropoutMasks(spec, data.T * data.B, dropoutSeed).map((m) => tf.tensor2d(m, [data.T * data.B, spec.hiddenSize]))
      : undefined;
    return tf.valueAndGrads((...ps: TF.Tensor[]) => {
      const r = forward(tf, spec, unpack(spec, ps), data, { masks, sequence: this.sequence });
      return losses(tf, spec, r.logits, data).all;
    })(this.vars) as { value: TF.Scalar; grads: TF.Tensor[] };
  }

  /** Keras update rules, written as kernels/seqlab.ts writes them (same order of f32 operations). */
  private applyOptimizer(grads: TF.Tensor[], opt: OptimizerSettings): void {
    const { tf } = this;
    this.slotCount = OPTIMIZER_SLOTS[opt.kind];
    this.optStep++;
    const lr = tf.scalar(opt.learningRate);
    switch (opt.kind) {
      case 'adam': {
        const { beta1, beta2, epsilon: eps } = KERAS_ADAM;
        const t = this.optStep;
        const alpha = tf.scalar((opt.learningRate * Math.sqrt(1 - Math.pow(beta2, t))) / (1 - Math.pow(beta1, t)));
        const b1 = tf.scalar(beta1), b2 = tf.scalar(beta2), c1 = tf.scalar(1 - beta1), c2 = tf.scalar(1 - beta2), e = tf.scalar(eps);
        const ms = this.slotVars(0), vs = this.slotVars(1);
        grads.forEach((g, i) => {
          const m = tf.add(tf.mul(b1, ms[i]), tf.mul(c1, g));
          const v = tf.add(tf.mul(b2, vs[i]), tf.mul(c2, tf.mul(g, g)));
          ms[i].assign(m);
          vs[i].assign(v);
          this.vars[i].assign(tf.sub(this.vars[i], tf.div(tf.mul(alpha, m), tf.add(tf.sqrt(v), e))));
        });
        break;
      }
      case 'rmsprop': {
        const { rho, epsilon: eps } = KERAS_RMSPROP;
        const r = tf.scalar(rho), c = tf.scalar(1 - rho), e = tf.scalar(eps);
        const vs = this.slotVars(0);
        grads.forEach((g, i) => {
          const v = tf.add(tf.mul(r, vs[i]), tf.mul(c, tf.mul(g, g)));
          vs[i].assign(v);
          this.vars[i].assign(tf.sub(this.vars[i], tf.div(tf.mul(lr, g), tf.sqrt(tf.add(v, e)))));
        });
        break;
      }
      case 'sgd': {
        const mom = tf.scalar(opt.momentum);
        const vel = this.slotVars(0);
        grads.forEach((g, i) => {
          const v = tf.sub(tf.mul(mom, vel[i]), tf.mul(lr, g));
          vel[i].assign(v);
          this.vars[i].assign(tf.add(this.vars[i], v));
        });
        break;
      }
    }
  }

  evaluate(batch: Batch): EvalResult {
    const { tf, spec } = this;
    const data = timeMajor(spec, batch);
    let out!: EvalResult;
    this.activate();
    tf.tidy(() => {
      const { logits } = forward(tf, spec, unpack(spec, this.vars), data, { sequence: this.sequence });
      const loss = tf.mean(rowLosses(tf, spec, logits, data));
      const outputs = spec.loss === 'xent' ? tf.softmax(logits) : logits;
      const correct = spec.loss === 'xent'
        ? tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.tensor1d(data.y as Int32Array, 'int32')), 'int32'))
        : tf.scalar(0, 'int32');
      out = { loss: loss.dataSync()[0], correct: correct.dataSync()[0], positions: logits.shape[0], outputs: outputs.dataSync() as Float32Array };
    });
    return out;
  }

  diagnose(batch: Batch): DiagnoseResult {
    const { tf, spec } = this;
    const data = timeMajor(spec, batch);
    const { B, T } = data, H = spec.hiddenSize, L = spec.layers, lstm = spec.cell === 'lstm';
    let out!: DiagnoseResult;
    this.activate();
    tf.tidy(() => {
      // a zero probe added to every h_t (and c_t): ∂L/∂probe is the total gradient w.r.t. that state
      const probes = (): TF.Tensor[][] => Array.from({ length: L }, () => Array.from({ length: T }, () => tf.zeros([B, H]) as TF.Tensor));
      const pH = probes(), pC = lstm ? probes() : [];
      const nH = L * T;
      const run = (ps: TF.Tensor[], probeTensors: TF.Tensor[], keepGates: boolean) => {
        const probesH = regroup(probeTensors.slice(0, nH) as TF.Tensor[], L, T);
        const probesC = lstm ? regroup(probeTensors.slice(nH) as TF.Tensor[], L, T) : undefined;
        return forward(tf, spec, unpack(spec, ps), data, { probesH, probesC, keepGates });
      };
      const flatProbes = [...pH.flat(), ...pC.flat()];

      // ‖∂L_T/∂h_t‖: the gradient of the final step's loss only
      const lastGrads = tf.grads((...pr: TF.Tensor[]) => losses(tf, spec, run(this.vars, pr, false).logits, data).last)(flatProbes);
      const dhLast = this.norms(lastGrads.slice(0, nH), L, T);

      // full loss: parameter gradients, ‖∂L/∂h_t‖, ‖∂L/∂c_t‖, and the traces (read inside: the tape disposes them)
      const traces: { hidden: Float32Array; cell?: Float32Array; gates?: Float32Array }[] = [];
      const nP = this.vars.length;
      const { value, grads } = tf.valueAndGrads((...args: TF.Tensor[]) => {
        const r = run(args.slice(0, nP), args.slice(nP), spec.cell !== 'rnn');
        for (let l = 0; l < L; l++) {
          traces.push({
            hidden: tf.concat(r.hs[l], 0).dataSync() as Float32Array,
            cell: lstm ? (tf.concat(r.cs[l], 0).dataSync() as Float32Array) : undefined,
            gates: spec.cell !== 'rnn' ? (r.gates[l].dataSync() as Float32Array) : undefined,
          });
        }
        return losses(tf, spec, r.logits, data).all;
      })([...this.vars, ...flatProbes]);
      const dh = this.norms(grads.slice(nP, nP + nH), L, T);
      const dc = lstm ? this.norms(grads.slice(nP + nH), L, T) : [];
      const layers: LayerTrace[] = traces.map((tr, l) => {
        const t: LayerTrace = { hidden: tr.hidden, dh: dh[l], dhLast: dhLast[l] };
        if (tr.gates) t.gates = tr.gates;
        if (lstm) {
          t.cell = tr.cell;
          t.dc = dc[l];
        }
        return t;
      });
      out = { loss: value.dataSync()[0], layers, grads: this.flatten(grads.slice(0, nP)) };
    });
    return out;
  }

  /** Frobenius norms of [L·T] gradients of [B, H] states, as L rows of T. */
  private norms(gs: TF.Tensor[], L: number, T: number): Float32Array[] {
    const sq = this.tf.stack(gs.map((g) => this.tf.sum(this.tf.square(g)))).dataSync();
    return Array.from({ length: L }, (_, l) => Float32Array.from(sq.subarray(l * T, (l + 1) * T), Math.sqrt));
  }

  stepper(): Stepper {
    const { tf, spec } = this;
    if (spec.input !== 'tokens') throw new TypeError('sampling needs a token model');
    let state: { h: TF.Tensor[]; c: TF.Tensor[] } | null = null;
    const reset = () => {
      if (state) tf.dispose([...state.h, ...state.c]);
      state = null;
    };
    this.steppers.add(reset);
    return {
      reset,
      step: (token: number) => {
        const data: TimeMajor = { B: 1, T: 1, x: Int32Array.of(token), y: new Int32Array(0) };
        if (!(token >= 0 && token < spec.inputSize)) throw new RangeError(`token ${token} is outside 0..${spec.inputSize - 1}`);
        const prev = state;
        this.activate();
        const r = tf.tidy(() => {
          const f = forward(tf, spec, unpack(spec, this.vars), data, { h0: prev?.h, c0: prev?.c.length ? prev.c : undefined });
          return {
            y: spec.loss === 'xent' ? tf.softmax(f.logits) : f.logits,
            h: f.hs.map((l) => l[0]),
            c: f.cs.filter((l) => l.length > 0).map((l) => l[0]),
          };
        });
        reset();
        state = { h: r.h as TF.Tensor[], c: r.c as TF.Tensor[] };
        const y = r.y.dataSync() as Float32Array;
        r.y.dispose();
        return y;
      },
    };
  }

  async dispose(): Promise<void> {
    for (const reset of this.steppers) reset();
    this.steppers.clear();
    this.tf.dispose([...this.vars, ...this.slots.flat()]);
    this.slots = [];
    this.blockLstm?.dispose();
  }

  private slotVars(k: number): TF.Variable[] {
    while (this.slots.length <= k) this.slots.push(this.layout.map((p) => this.tf.variable(this.tf.zeros(p.shape), false)));
    return this.slots[k];
  }

  private flatten(ts: TF.Tensor[]): Float32Array {
    const out = new Float32Array(this.paramCount);
    this.layout.forEach((p, i) => out.set(ts[i].dataSync() as Float32Array, p.offset));
    return out;
  }

  private assignFlat(vars: TF.Variable[], flat: Float32Array): void {
    this.tf.tidy(() => this.layout.forEach((p, i) => vars[i].assign(this.tf.tensor(flat.subarray(p.offset, p.offset + p.size), p.shape))));
  }
}

function regroup<X>(flat: X[], L: number, T: number): X[][] {
  return Array.from({ length: L }, (_, l) => flat.slice(l * T, (l + 1) * T));
}

/**
 * Inverted-dropout masks on the outputs of every layer but the top, [T·B, H] each: the same xorshift32
 * stream, seeding and draw order as kernels/seqlab.ts (seedDropout, uniform, dropOutput), so a
 * single-threaded wasm step and a tfjs step with the same seed drop the same units.
 */
export function dropoutMasks(spec: ModelSpec, rows: number, seed: number): Float32Array[] {
  let s = (Math.imul(seed >>> 0, 0x9e3779b1) + 0x7f4a7c15) >>> 0;
  s = (s ^ (s >>> 16)) >>> 0;
  if (s === 0) s = 0x9e3779b9;
  const rate = Math.fround(spec.dropout), scale = Math.fround(1 / Math.fround(1 - rate));
  const masks: Float32Array[] = [];
  for (let l = 0; l < spec.layers - 1; l++) {
    const m = new Float32Array(rows * spec.hiddenSize);
    for (let i = 0; i < m.length; i++) {
      s = (s ^ (s << 13)) >>> 0;
      s = (s ^ (s >>> 17)) >>> 0;
      s = (s ^ (s << 5)) >>> 0;
      m[i] = (s >>> 8) / 16777216 < rate ? 0 : scale;
    }
    masks.push(m);
  }
  return masks;
}
