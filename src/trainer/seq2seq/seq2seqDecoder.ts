// Decoding with the encoder–decoder kernels one step at a time: an instance for `rows` hypotheses (T = 1),
// encode once (memory and the decoder's initial state stay in the instance), then step(token, state) →
// log-probabilities, the new state and the attention row. Greedy decoding over a batch of sources and beam
// search over one source are built on it. Rows are independent: a beam of K over one source encodes K copies.
import type { Seq2seqSpec } from '../../shared/seq2seqSpec';
import type { Rng } from '../rng';
import { drawToken } from '../sampling';
import { BeamTree, type TraceNode, type TracedStep, tracedStep } from './decodingTrace';
import { checkIds, checkSourceRows, instantiateSeq2seq, type Seq2seqExports } from './seq2seqModel';

/** Target id 0 (pairVocabulary.ts): never a decoder's output. */
const PAD_ID = 0;

/** The decoder's state for each row: h (and LSTM c) per layer [rows, Hd], and h̃ of the last step (input feeding). */
export interface DecoderState { h: Float32Array[]; c: Float32Array[] | null; feed: Float32Array | null }

export interface DecoderStep {
  /** [rows, V] log p(token | source, prefix) */
  logProbs: Float32Array;
  /** [rows, S] attention weights by source position; empty without attention */
  attention: Float32Array;
  state: DecoderState;
}

export interface Hypothesis {
  /** Target ids without <s> and </s>. */
  tokens: number[];
  logProb: number;
  /** logProb / lengthPenalty (the ranking score). */
  score: number;
  /** Reached </s> within maxLength. */
  finished: boolean;
  /** One attention row [S] per emitted token (the </s> step included when finished); empty without attention. */
  attention: Float32Array[];
  /** Traced: one step per emitted token (</s> included when finished). */
  steps?: TracedStep[];
  /** Traced beam search: the hypothesis's last node in the tree. */
  node?: number;
}

/** A hypothesis before its first token; `traced`: with its steps to record. */
const emptyHypothesis = (traced: boolean): Hypothesis => ({ tokens: [], logProb: 0, score: 0, finished: false, attention: [], ...(traced && { steps: [] }) });

/** Beam search's hypotheses and, traced, its tree (decodingTrace.ts). */
export interface BeamResult { hypotheses: Hypothesis[]; tree?: TraceNode[] }

/** decoding.maxLength, or when 0 twice the decoder steps of the longest training target (`targetSteps`, </s> included). */
export const decodingMaxLength = (maxLength: number, targetSteps: number): number => (maxLength > 0 ? maxLength : 2 * targetSteps);

export class Seq2seqDecoder {
  private kernel: Seq2seqExports | null;
  readonly paramCount: number;

  private constructor(readonly spec: Seq2seqSpec, readonly rows: number, readonly sourceLength: number, k: Seq2seqExports) {
    this.kernel = k;
    this.paramCount = k.paramCount();
  }

  static create(opts: { spec: Seq2seqSpec; rows: number; sourceLength: number; relaxedSimd?: boolean }): Seq2seqDecoder {
    const { k } = instantiateSeq2seq(opts.spec, { batch: opts.rows, sourceLength: opts.sourceLength, targetLength: 1 }, opts.relaxedSimd);
    return new Seq2seqDecoder(opts.spec, opts.rows, opts.sourceLength, k);
  }

  private get k(): Seq2seqExports {
    if (!this.kernel) throw new Error('Seq2seqDecoder used after dispose()');
    return this.kernel;
  }
  private f32(ptr: number, n: number): Float32Array { return new Float32Array(this.k.memory.buffer, ptr, n); }
  private i32(ptr: number, n: number): Int32Array { return new Int32Array(this.k.memory.buffer, ptr, n); }
  private get stateSize(): number { return this.rows * this.spec.decoder.hiddenSize; }

  /** Live view of the parameters (seq2seqLayout order): set it from a training instance before encoding. */
  params(): Float32Array { return this.f32(this.k.paramsPtr(), this.paramCount); }

  /** source [rows, S] ids (0 = <pad>). Returns the decoder's initial state; the memory stays in the instance. */
  encode(source: Int32Array): DecoderState {
    checkIds('source', source, this.rows * this.sourceLength, this.spec.sourceVocab);
    checkSourceRows(source, this.rows, this.sourceLength);
    this.i32(this.k.sourcePtr(), source.length).set(source);
    this.k.encode();
    return this.state();
  }

  /** One step from `state` (that of the last encode's memory) on tokens [rows]. */
  step(tokens: Int32Array, state: DecoderState): DecoderStep {
    this.setState(state);
    this.advance(tokens);
    return { logProbs: this.logProbs().slice(), attention: this.attentionRow(), state: this.state() };
  }

  /** Rows of a state picked by parent index (beam search keeps the parents of the surviving hypotheses). */
  selectRows(state: DecoderState, parents: ArrayLike<number>): DecoderState {
    const Hd = this.spec.decoder.hiddenSize;
    const pick = (a: Float32Array): Float32Array => {
      const out = new Float32Array(a.length);
      for (let r = 0; r < parents.length; r++) out.set(a.subarray(parents[r] * Hd, (parents[r] + 1) * Hd), r * Hd);
      return out;
    };
    return { h: state.h.map(pick), c: state.c ? state.c.map(pick) : null, feed: state.feed ? pick(state.feed) : null };
  }

  /**
   * Greedy decoding of `rows` sources at once: each row takes its most probable token until </s> or maxLength.
   * Returns one hypothesis per row. The candidates are those of beam search (every id but <pad>), so greedy
   * decoding is beam search of width 1. With `trace` K, each step's K most probable tokens are recorded.
   */
  greedy(source: Int32Array, maxLength: number, trace = 0): Hypothesis[] {
    this.encode(source);
    const R = this.rows, V = this.spec.targetVocab;
    const out = Array.from({ length: R }, () => emptyHypothesis(trace > 0));
    const tokens = new Int32Array(R).fill(this.spec.bosId);
    for (let t = 0; t < maxLength && out.some((h) => !h.finished); t++) {
      this.advance(tokens);
      const lp = this.logProbs(), att = this.attentionRow();
      for (let r = 0; r < R; r++) {
        const h = out[r];
        if (h.finished) continue;
        let best = 1;
        for (let v = 2; v < V; v++) if (lp[r * V + v] > lp[r * V + best]) best = v;
        h.logProb += lp[r * V + best];
        h.steps?.push(tracedStep(lp, r * V, V, trace, best));
        if (att.length > 0) h.attention.push(att.slice(r * this.sourceLength, (r + 1) * this.sourceLength));
        if (best === this.spec.eosId) h.finished = true;
        else h.tokens.push(best);
        tokens[r] = best;
      }
    }
    for (const h of out) h.score = h.logProb;
    return out;
  }

  /**
   * Beam search over one source row [S] with `rows` beams: the `rows` best hypotheses ranked by
   * logProb / ((5 + length) / 6)^alpha (Wu et al. 2016's length penalty; alpha 0 = plain log-probability).
   */
  beam(source: Int32Array, opts: { maxLength: number; alpha?: number }): Hypothesis[] {
    return this.beamSearch(source, opts).hypotheses;
  }

  /** beam(), and with `trace` K its tree: each live hypothesis's K most probable extensions per step and all it took. */
  beamSearch(source: Int32Array, opts: { maxLength: number; alpha?: number; trace?: number }): BeamResult {
    const K = this.rows, V = this.spec.targetVocab, S = this.sourceLength, alpha = opts.alpha ?? 0;
    const copies = new Int32Array(K * S);
    for (let r = 0; r < K; r++) copies.set(source, r * S);
    let state = this.encode(copies);
    const penalty = (len: number) => Math.pow((5 + len) / 6, alpha);
    const tree = opts.trace ? new BeamTree(opts.trace, V) : undefined;
    let live: Hypothesis[] = [{ ...emptyHypothesis(false), ...(tree && { node: 0 }) }];
    const done: Hypothesis[] = [];
    for (let t = 0; t < opts.maxLength && live.length > 0; t++) {
      const tokens = new Int32Array(K).fill(this.spec.bosId);
      live.forEach((h, r) => (tokens[r] = h.tokens.length > 0 ? h.tokens[h.tokens.length - 1] : this.spec.bosId));
      const { logProbs, attention, state: next } = this.step(tokens, state);
      const cand: { parent: number; token: number; logProb: number }[] = [];
      live.forEach((h, r) => { for (let v = 1; v < V; v++) cand.push({ parent: r, token: v, logProb: h.logProb + logProbs[r * V + v] }); });
      cand.sort((a, b) => b.logProb - a.logProb);
      const kept: Hypothesis[] = [], parents: number[] = [];
      const taken: { row: number; token: number; finished: boolean; h: Hypothesis }[] = [];
      for (const c of cand) {
        if (kept.length + done.length >= K) break;
        const parent = live[c.parent];
        const att = attention.length > 0 ? [...parent.attention, attention.slice(c.parent * S, (c.parent + 1) * S)] : [];
        const finished = c.token === this.spec.eosId;
        const h: Hypothesis = { tokens: finished ? parent.tokens : [...parent.tokens, c.token], logProb: c.logProb, score: 0, finished, attention: att };
        h.score = h.logProb / penalty(h.tokens.length + (finished ? 1 : 0));
        if (finished) done.push(h);
        else { kept.push(h); parents.push(c.parent); }
        if (tree) taken.push({ row: c.parent, token: c.token, finished, h });
      }
      if (tree) {
        const nodes = tree.grow(live.map((h) => h.node!), logProbs, taken, (logProb, length) => logProb / penalty(length));
        taken.forEach((t, i) => (t.h.node = nodes[i]));
      }
      live = kept;
      state = this.selectRows(next, parents.concat(Array(K - parents.length).fill(0)));
    }
    const hypotheses = [...done, ...live].sort((a, b) => b.score - a.score).slice(0, K);
    if (!tree) return { hypotheses };
    for (const h of hypotheses) h.steps = tree.stepsTo(h.node!);
    return { hypotheses, tree: tree.nodes };
  }

  /**
   * `rows` outputs for one source row [S], each drawn token by token from softmax(logits / temperature)
   * (sampling.ts's drawToken; <pad> never drawn) until </s> or maxLength; most probable first.
   */
  sample(source: Int32Array, opts: { maxLength: number; temperature: number; rng: Rng; trace?: number }): Hypothesis[] {
    const R = this.rows, V = this.spec.targetVocab, S = this.sourceLength;
    const copies = new Int32Array(R * S);
    for (let r = 0; r < R; r++) copies.set(source, r * S);
    let state = this.encode(copies);
    const out = Array.from({ length: R }, () => emptyHypothesis((opts.trace ?? 0) > 0));
    const tokens = new Int32Array(R).fill(this.spec.bosId);
    for (let t = 0; t < opts.maxLength && out.some((h) => !h.finished); t++) {
      const step = this.step(tokens, state);
      state = step.state;
      for (let r = 0; r < R; r++) {
        const h = out[r];
        if (h.finished) continue;
        const lp = step.logProbs.subarray(r * V, (r + 1) * V);
        const token = drawToken(lp.map(Math.exp), opts.temperature, opts.rng, PAD_ID);
        h.logProb += lp[token];
        h.steps?.push(tracedStep(step.logProbs, r * V, V, opts.trace!, token));
        if (step.attention.length > 0) h.attention.push(step.attention.slice(r * S, (r + 1) * S));
        if (token === this.spec.eosId) h.finished = true;
        else h.tokens.push(token);
        tokens[r] = token;
      }
    }
    for (const h of out) h.score = h.logProb;
    return out.sort((a, b) => b.logProb - a.logProb);
  }

  dispose(): void { this.kernel = null; }

  // ---------------------------------------------------------------- the state held in the instance
  private advance(tokens: Int32Array): void {
    checkIds('tokens', tokens, this.rows, this.spec.targetVocab);
    this.i32(this.k.stepTokensPtr(), this.rows).set(tokens);
    this.k.decodeStep();
  }
  private logProbs(): Float32Array { return this.f32(this.k.outputsPtr(), this.rows * this.spec.targetVocab); }
  private attentionRow(): Float32Array {
    if (this.spec.attention === 'none') return new Float32Array(0);
    const S = this.sourceLength, a = this.f32(this.k.attentionPtr(), this.rows * S), out = new Float32Array(this.rows * S);
    for (let r = 0; r < this.rows; r++)
      for (let s = 0; s < S; s++) out[r * S + (this.spec.reverseSource ? S - 1 - s : s)] = a[r * S + s];
    return out;
  }
  private state(): DecoderState {
    const L = this.spec.decoder.layers, n = this.stateSize, lstm = this.spec.decoder.cell === 'lstm';
    return {
      h: Array.from({ length: L }, (_, l) => this.f32(this.k.stateHPtr(l), n).slice()),
      c: lstm ? Array.from({ length: L }, (_, l) => this.f32(this.k.stateCPtr(l), n).slice()) : null,
      feed: this.spec.attention !== 'none' ? this.f32(this.k.feedPtr(), n).slice() : null,
    };
  }
  private setState(s: DecoderState): void {
    const n = this.stateSize, check = (a: Float32Array, what: string) => {
      if (a.length !== n) throw new RangeError(`decoder state ${what} has ${a.length} values, expected ${n} (rows × decoder.hiddenSize)`);
      return a;
    };
    if (s.h.length !== this.spec.decoder.layers) throw new RangeError(`decoder state has ${s.h.length} layers, expected ${this.spec.decoder.layers}`);
    s.h.forEach((h, l) => this.f32(this.k.stateHPtr(l), n).set(check(h, `h[${l}]`)));
    if (this.spec.decoder.cell === 'lstm') {
      if (!s.c) throw new RangeError('an LSTM decoder state needs c');
      s.c.forEach((c, l) => this.f32(this.k.stateCPtr(l), n).set(check(c, `c[${l}]`)));
    }
    if (this.spec.attention !== 'none') {
      if (!s.feed) throw new RangeError('an attention decoder state needs feed (h̃ of the last step)');
      this.f32(this.k.feedPtr(), n).set(check(s.feed, 'feed'));
    }
  }
}
