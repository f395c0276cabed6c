// A float64 reference of the encoder–decoder (src/shared/seq2seqSpec.ts; equations in kernels/seq2seq.ts),
// written one batch row at a time as plain loops that read like the equations: no SIMD, no GEMM, no
// time-major buffers. The seq2seq kernel tests compare against it; it is itself checked against central
// finite differences (seq2seqReference.test.ts) and against TensorFlow (seq2seqTfReference.test.ts).
// Every per-position output is indexed by *source position* (reverseSource only changes the order in
// which the encoder reads) and is batch-major: attention [B, T, S], hidden states [B, S|T, H].
import type { CellKind } from '../../src/shared/config';
import { gatesOf } from '../../src/shared/modelSpec';
import {
  directionsOf, encoderPrefixes, feedsInput, handsOverCell, isBridged, memoryWidth, seq2seqLayout, type Seq2seqSpec,
} from '../../src/shared/seq2seqSpec';

export interface Seq2seqReferenceInput {
  spec: Seq2seqSpec;
  batch: number;
  sourceLength: number;
  targetLength: number;
  params: ArrayLike<number>;
  /** [B, S] source ids, 0 = <pad>. */
  source: Int32Array;
  /** [B, T] targets y_1 … y_n </s>, 0 = <pad>; the decoder reads <s> y_1 … y_n. */
  target: Int32Array;
  /** Adds delta to one element of an encoder state (at a source position) or decoder state right after it is
   *  computed (LSTM c before h reads it), for finite differences on ‖∂L/∂h‖ and ‖∂L/∂c‖. */
  perturb?: { side: 'enc' | 'dec'; state?: 'h' | 'c'; layer: number; dir: number; t: number; b: number; j: number; delta: number };
  /** [B, T, Hd] dropout keep-mask on the output layer's input o_t (0 or 1/(1−p)); absent: no dropout. */
  outputMask?: ArrayLike<number>;
}

export interface Seq2seqReferenceResult {
  loss: number;
  grads: Float64Array;
  /** [layer][dir][source position] ‖∂L/∂h‖ over the batch. */
  encDhNorm: number[][][];
  /** [layer][t] ‖∂L/∂h_t‖ over the batch. */
  decDhNorm: number[][];
  /** LSTM only (else []): ‖∂L/∂c‖ by [layer][dir][source position] and [layer][t], c's total gradient. */
  encDcNorm: number[][][];
  decDcNorm: number[][];
  /** [B, T, S] attention weights α_ts (empty without attention). */
  attention: Float64Array;
  /** [layer][dir] [B, S, He] and [layer] [B, T, Hd]. */
  encHidden: Float64Array[][];
  decHidden: Float64Array[];
  /** [B, T] argmax of the output distribution; counted: real target tokens, correct: those whose argmax is the target. */
  argmax: Int32Array;
  tokens: number;
  correct: number;
}

type Vec = Float64Array<ArrayBufferLike>;
type Params = Record<string, Vec>;
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const zeros = (n: number) => new Float64Array(n);
const concat = (...vs: Vec[]): Vec => { const out = zeros(vs.reduce((n, v) => n + v.length, 0)); let o = 0; for (const v of vs) { out.set(v, o); o += v.length; } return out; };
const dot = (a: Vec, b: Vec) => a.reduce((s, v, i) => s + v * b[i], 0);
const sq = (v: Vec) => dot(v, v);

/** x·W + bias for W [x.length, cols] row-major. */
function affine(x: Vec, W: Vec, cols: number, bias?: Vec): Vec {
  const out = bias ? Float64Array.from(bias) : zeros(cols);
  for (let i = 0; i < x.length; i++) if (x[i] !== 0) for (let j = 0; j < cols; j++) out[j] += x[i] * W[i * cols + j];
  return out;
}
/** W·d (the gradient through x·W with respect to x), for W [rows, d.length]. */
function backAffine(W: Vec, d: Vec, rows: number): Vec {
  const out = zeros(rows);
  for (let i = 0; i < rows; i++) { let s = 0; for (let j = 0; j < d.length; j++) s += W[i * d.length + j] * d[j]; out[i] = s; }
  return out;
}
function addOuter(dW: Vec, x: Vec, d: Vec): void {
  for (let i = 0; i < x.length; i++) for (let j = 0; j < d.length; j++) dW[i * d.length + j] += x[i] * d[j];
}
function addTo(acc: Vec, v: Vec, offset = 0): void { for (let i = 0; i < v.length; i++) acc[offset + i] += v[i]; }

// ---------------------------------------------------------------- one recurrent step, forward and backward
interface Step { x: Vec; hPrev: Vec; cPrev: Vec; h: Vec; c: Vec; gates: Vec; hn: Vec; live: boolean }

/** A live step runs the cell; a padded one carries h and c through unchanged. onC sees an LSTM's c before h reads it. */
function cellForward(cell: CellKind, P: Params, prefix: string, H: number, x: Vec, hPrev: Vec, cPrev: Vec, live: boolean, onC: (c: Vec) => void): Step {
  const GH = gatesOf(cell) * H;
  const s: Step = { x, hPrev, cPrev, h: Float64Array.from(hPrev), c: Float64Array.from(cPrev), gates: zeros(GH), hn: zeros(H), live };
  if (!live) { onC(s.c); return s; }
  const Wx = P[`${prefix}.Wx`], Wh = P[`${prefix}.Wh`], b = P[`${prefix}.b`];
  if (cell === 'gru') {
    const ax = affine(x, Wx, GH, b), ah = affine(hPrev, Wh, GH, P[`${prefix}.bh`]);
    for (let j = 0; j < H; j++) {
      const z = sigmoid(ax[j] + ah[j]), r = sigmoid(ax[H + j] + ah[H + j]), n = Math.tanh(ax[2 * H + j] + r * ah[2 * H + j]);
      s.gates[j] = z; s.gates[H + j] = r; s.gates[2 * H + j] = n; s.hn[j] = ah[2 * H + j];
      s.h[j] = z * hPrev[j] + (1 - z) * n;
    }
    return s;
  }
  const a = affine(x, Wx, GH, b);
  addTo(a, affine(hPrev, Wh, GH));
  for (let j = 0; j < H; j++) {
    if (cell === 'rnn') { s.h[j] = s.gates[j] = Math.tanh(a[j]); continue; }
    const i = sigmoid(a[j]), f = sigmoid(a[H + j]), g = Math.tanh(a[2 * H + j]), o = sigmoid(a[3 * H + j]);
    s.gates[j] = i; s.gates[H + j] = f; s.gates[2 * H + j] = g; s.gates[3 * H + j] = o;
    s.c[j] = f * cPrev[j] + i * g;
  }
  if (cell === 'lstm') {
    onC(s.c);
    for (let j = 0; j < H; j++) s.h[j] = s.gates[3 * H + j] * Math.tanh(s.c[j]);
  }
  return s;
}

/** dh: total ∂L/∂h_t; dcNext: ∂L/∂c_t through step t+1. Returns ∂L/∂x_t, ∂L/∂h_{t−1}, ∂L/∂c_{t−1} and (LSTM) the total ∂L/∂c_t. */
function cellBackward(cell: CellKind, P: Params, D: Params, prefix: string, H: number, s: Step, dh: Vec, dcNext: Vec): { dx: Vec; dhPrev: Vec; dcPrev: Vec; dc: Vec } {
  if (!s.live) return { dx: zeros(s.x.length), dhPrev: Float64Array.from(dh), dcPrev: Float64Array.from(dcNext), dc: dcNext };
  const GH = gatesOf(cell) * H;
  const da = zeros(GH), dah = zeros(GH), dhPrev = zeros(H), dcPrev = zeros(H), dcTotal = zeros(H);
  for (let j = 0; j < H; j++) {
    if (cell === 'rnn') {
      da[j] = dah[j] = dh[j] * (1 - s.h[j] ** 2);
    } else if (cell === 'lstm') {
      const i = s.gates[j], f = s.gates[H + j], g = s.gates[2 * H + j], o = s.gates[3 * H + j], tc = Math.tanh(s.c[j]);
      const dc = dcTotal[j] = dcNext[j] + dh[j] * o * (1 - tc * tc);
      da[j] = dc * g * i * (1 - i); da[H + j] = dc * s.cPrev[j] * f * (1 - f);
      da[2 * H + j] = dc * i * (1 - g * g); da[3 * H + j] = dh[j] * tc * o * (1 - o);
      for (let k = 0; k < 4; k++) dah[k * H + j] = da[k * H + j];
      dcPrev[j] = dc * f;
    } else {
      const z = s.gates[j], r = s.gates[H + j], n = s.gates[2 * H + j];
      const dn = dh[j] * (1 - z) * (1 - n * n), dz = dh[j] * (s.hPrev[j] - n) * z * (1 - z), dr = dn * s.hn[j] * r * (1 - r);
      da[j] = dah[j] = dz; da[H + j] = dah[H + j] = dr; da[2 * H + j] = dn; dah[2 * H + j] = dn * r;
      dhPrev[j] = dh[j] * z;
    }
  }
  addOuter(D[`${prefix}.Wx`], s.x, da);
  addOuter(D[`${prefix}.Wh`], s.hPrev, dah);
  addTo(D[`${prefix}.b`], da);
  if (cell === 'gru') addTo(D[`${prefix}.bh`], dah);
  addTo(dhPrev, backAffine(P[`${prefix}.Wh`], dah, H));
  return { dx: backAffine(P[`${prefix}.Wx`], da, s.x.length), dhPrev, dcPrev, dc: dcTotal };
}

// ---------------------------------------------------------------- one batch row
interface Ctx { inp: Seq2seqReferenceInput; spec: Seq2seqSpec; P: Params; D: Params; S: number; T: number; N: number }
interface Attend { alpha: Vec; ctx: Vec; cat: Vec; ht: Vec; pre: Vec[] }
interface Row {
  ids: number[]; live: boolean[];
  enc: Step[][][];        // [layer][dir][processing step s]
  memory: Vec[];          // [s] top layer, directions concatenated
  keys: Vec[];            // [s] general: m_s·Wk; additive: m_s·Wk
  final: Vec[]; finalC: Vec[]; s0: Vec[]; c0: Vec[];
  dec: Step[][];          // [layer][t]
  att: Attend[];          // [t]
  inputs: number[]; dLogits: Vec[]; argmax: number[];
}

function perturbed(c: Ctx, side: 'enc' | 'dec', state: 'h' | 'c', layer: number, dir: number, t: number, b: number, v: Vec): void {
  const p = c.inp.perturb;
  if (p && p.side === side && (p.state ?? 'h') === state && p.layer === layer && p.dir === dir && p.t === t && p.b === b) v[p.j] += p.delta;
}

function encoderForward(c: Ctx, b: number, row: Row): void {
  const { spec, P, S } = c, He = spec.encoder.hiddenSize;
  let inputs: Vec[] = row.ids.map((id) => P['src.embedding'].slice(id * spec.sourceEmbed, (id + 1) * spec.sourceEmbed));
  for (let l = 0; l < spec.encoder.layers; l++) {
    const layer: Step[][] = [];
    encoderPrefixes(spec, l).forEach((prefix, d) => {
      const steps: Step[] = new Array(S);
      let h: Vec = zeros(He), cs: Vec = zeros(He);
      for (let k = 0; k < S; k++) {
        const s = d === 0 ? k : S - 1 - k;
        const p = sourcePosition(c, s);
        const st = cellForward(spec.encoder.cell, P, prefix, He, inputs[s], h, cs, row.live[s], (cv) => perturbed(c, 'enc', 'c', l, d, p, b, cv));
        perturbed(c, 'enc', 'h', l, d, p, b, st.h);
        steps[s] = st; h = st.h; cs = st.c;
      }
      layer.push(steps);
    });
    row.enc.push(layer);
    inputs = [...Array(S).keys()].map((s) => concat(...layer.map((steps) => steps[s].h)));
    const ends = layer.map((steps, d) => steps[d === 0 ? S - 1 : 0]);
    row.final.push(concat(...ends.map((st) => st.h)));
    row.finalC.push(concat(...ends.map((st) => st.c)));
  }
  row.memory = inputs;
  if (spec.attention === 'additive') row.keys = inputs.map((m) => affine(m, P['att.Wk'], spec.attentionSize));
  if (spec.attention === 'general') row.keys = inputs.map((m) => affine(m, P['att.Wk'], spec.decoder.hiddenSize));
  if (spec.attention === 'dot') row.keys = inputs;
}

function bridgeForward(c: Ctx, row: Row): void {
  const { spec, P } = c, Hd = spec.decoder.hiddenSize;
  for (let l = 0; l < spec.decoder.layers; l++) {
    const bridged = isBridged(spec);
    row.s0.push(bridged ? affine(row.final[l], P[`bridge.l${l}.Wh`], Hd, P[`bridge.l${l}.bh`]).map(Math.tanh) : Float64Array.from(row.final[l]));
    if (!handsOverCell(spec)) row.c0.push(zeros(Hd));
    else row.c0.push(bridged ? affine(row.finalC[l], P[`bridge.l${l}.Wc`], Hd, P[`bridge.l${l}.bc`]).map(Math.tanh) : Float64Array.from(row.finalC[l]));
  }
}

function attend(c: Ctx, row: Row, h: Vec): Attend {
  const { spec, P } = c, Hd = spec.decoder.hiddenSize;
  const scores = zeros(c.S).fill(-Infinity), pre: Vec[] = [];
  const q = spec.attention === 'additive' ? affine(h, P['att.Wq'], spec.attentionSize) : h;
  for (let s = 0; s < c.S; s++) {
    if (spec.attention === 'additive') {
      pre[s] = row.keys[s].map((k, a) => Math.tanh(q[a] + k));
      if (row.live[s]) scores[s] = dot(P['att.v'], pre[s]);
    } else if (row.live[s]) scores[s] = dot(q, row.keys[s]);
  }
  const mx = Math.max(...scores);
  const e = scores.map((v) => (v === -Infinity ? 0 : Math.exp(v - mx))), sum = e.reduce((a, v) => a + v, 0);
  const alpha = e.map((v) => v / sum);
  const ctx = zeros(row.memory[0].length);
  for (let s = 0; s < c.S; s++) addTo(ctx, row.memory[s].map((m) => m * alpha[s]));
  const cat = concat(ctx, h);
  return { alpha, ctx, cat, ht: affine(cat, P['att.Wc'], Hd).map(Math.tanh), pre };
}

/** v ⊙ the dropout mask of row b at step t (v itself without one). */
function dropped(c: Ctx, b: number, t: number, v: Vec): Vec {
  const m = c.inp.outputMask;
  if (!m) return v;
  const Hd = c.spec.decoder.hiddenSize, at = (b * c.T + t) * Hd;
  return v.map((x, j) => x * m[at + j]);
}

function decoderForward(c: Ctx, b: number, row: Row): number {
  const { spec, P, T } = c, Hd = spec.decoder.hiddenSize, V = spec.targetVocab, Dt = spec.targetEmbed;
  let h = row.s0, cs = row.c0, feed: Vec = zeros(Hd), loss = 0;
  for (let t = 0; t < T; t++) {
    const id = t === 0 ? spec.bosId : c.inp.target[b * T + t - 1];
    row.inputs.push(id);
    let x: Vec = P['tgt.embedding'].slice(id * Dt, (id + 1) * Dt);
    if (feedsInput(spec)) x = concat(x, feed);
    const nh: Vec[] = [], nc: Vec[] = [];
    for (let l = 0; l < spec.decoder.layers; l++) {
      const st = cellForward(spec.decoder.cell, P, `dec.l${l}`, Hd, x, h[l], cs[l], true, (cv) => perturbed(c, 'dec', 'c', l, 0, t, b, cv));
      perturbed(c, 'dec', 'h', l, 0, t, b, st.h);
      row.dec[l].push(st); nh.push(st.h); nc.push(st.c); x = st.h;
    }
    h = nh; cs = nc;
    let o = x;
    if (spec.attention !== 'none') {
      const a = attend(c, row, x);
      row.att.push(a); o = feed = a.ht;
    }
    o = dropped(c, b, t, o);
    const logits = affine(o, P['out.Wy'], V, P['out.by']);
    const mx = Math.max(...logits), e = logits.map((v) => Math.exp(v - mx)), sum = e.reduce((a, v) => a + v, 0);
    const y = c.inp.target[b * T + t], d = zeros(V);
    row.argmax.push(logits.indexOf(mx));
    if (y !== 0) {
      loss += (Math.log(sum) - (logits[y] - mx)) / c.N;
      for (let v = 0; v < V; v++) d[v] = (e[v] / sum - (v === y ? 1 : 0)) / c.N;
    }
    row.dLogits.push(d);
  }
  return loss;
}

// ---------------------------------------------------------------- backward of one row
interface Norms { enc: Vec[][]; dec: Vec[]; encC: Vec[][]; decC: Vec[] }

/** dht: ∂L/∂h̃_t. Accumulates ∂L/∂keys and ∂L/∂memory; returns the attention's part of ∂L/∂h_t. */
function attendBackward(c: Ctx, row: Row, a: Attend, h: Vec, dht: Vec, dMem: Vec[], dKeys: Vec[]): Vec {
  const { spec, P, D } = c, Hd = spec.decoder.hiddenSize, Dm = memoryWidth(spec);
  const da = dht.map((g, j) => g * (1 - a.ht[j] ** 2));
  addOuter(D['att.Wc'], a.cat, da);
  const dcat = backAffine(P['att.Wc'], da, Dm + Hd);
  const dctx = dcat.slice(0, Dm), dh = dcat.slice(Dm);
  const dAlpha = Float64Array.from(row.memory, (m) => dot(dctx, m));
  const mean = dot(a.alpha, dAlpha);
  const dq = zeros(spec.attention === 'additive' ? spec.attentionSize : Hd);
  for (let s = 0; s < c.S; s++) {
    addTo(dMem[s], dctx.map((g) => g * a.alpha[s]));
    const dScore = a.alpha[s] * (dAlpha[s] - mean);
    if (spec.attention === 'additive') {
      const dPre = a.pre[s].map((u, k) => dScore * P['att.v'][k] * (1 - u * u));
      addTo(D['att.v'], a.pre[s].map((u) => u * dScore));
      addTo(dq, dPre); addTo(dKeys[s], dPre);
    } else {
      addTo(dq, row.keys[s].map((k) => k * dScore));
      addTo(dKeys[s], h.map((v) => v * dScore));
    }
  }
  if (spec.attention === 'additive') {
    addOuter(D['att.Wq'], h, dq);
    addTo(dh, backAffine(P['att.Wq'], dq, Hd));
  } else addTo(dh, dq);
  return dh;
}

function decoderBackward(c: Ctx, b: number, row: Row, norms: Norms): { ds0: Vec[]; dc0: Vec[]; dMem: Vec[] } {
  const { spec, P, D, T } = c, Hd = spec.decoder.hiddenSize, Dt = spec.targetEmbed, L = spec.decoder.layers;
  const dMem = row.memory.map((m) => zeros(m.length));
  const dKeys = spec.attention === 'none' ? [] : row.keys.map((k) => zeros(k.length));
  const dhNext: Vec[] = [...Array(L)].map(() => zeros(Hd)), dcNext: Vec[] = [...Array(L)].map(() => zeros(Hd));
  let dFeed: Vec = zeros(Hd);
  for (let t = T - 1; t >= 0; t--) {
    const top = row.dec[L - 1][t], o = dropped(c, b, t, spec.attention === 'none' ? top.h : row.att[t].ht);
    addOuter(D['out.Wy'], o, row.dLogits[t]);
    addTo(D['out.by'], row.dLogits[t]);
    const dO = dropped(c, b, t, backAffine(P['out.Wy'], row.dLogits[t], Hd));
    let dAbove: Vec = spec.attention === 'none' ? dO : attendBackward(c, row, row.att[t], top.h, dO.map((g, j) => g + dFeed[j]), dMem, dKeys);
    for (let l = L - 1; l >= 0; l--) {
      const dh = dAbove.map((g, j) => g + dhNext[l][j]);
      norms.dec[l][t] += sq(dh);
      const r = cellBackward(spec.decoder.cell, P, D, `dec.l${l}`, Hd, row.dec[l][t], dh, dcNext[l]);
      if (spec.decoder.cell === 'lstm') norms.decC[l][t] += sq(r.dc);
      dhNext[l] = r.dhPrev; dcNext[l] = r.dcPrev; dAbove = r.dx;
    }
    addTo(D['tgt.embedding'], dAbove.slice(0, Dt), row.inputs[t] * Dt);   // layer 0's input is [u_t; h̃_{t−1}]
    dFeed = feedsInput(spec) ? dAbove.slice(Dt) : zeros(Hd);
  }
  if (spec.attention === 'additive' || spec.attention === 'general')
    for (let s = 0; s < c.S; s++) {
      addOuter(D['att.Wk'], row.memory[s], dKeys[s]);
      addTo(dMem[s], backAffine(P['att.Wk'], dKeys[s], memoryWidth(spec)));
    }
  else if (spec.attention === 'dot') dKeys.forEach((dk, s) => addTo(dMem[s], dk));
  return { ds0: dhNext, dc0: dcNext, dMem };
}

function bridgeBackward(c: Ctx, row: Row, ds0: Vec[], dc0: Vec[]): { dFinal: Vec[]; dFinalC: Vec[] } {
  const { spec, P, D } = c, Dm = memoryWidth(spec);
  const through = (l: number, which: 'h' | 'c', d: Vec, out: Vec, input: Vec): Vec => {
    const W = which === 'h' ? 'Wh' : 'Wc', bias = which === 'h' ? 'bh' : 'bc';
    const da = d.map((g, j) => g * (1 - out[j] ** 2));
    addOuter(D[`bridge.l${l}.${W}`], input, da);
    addTo(D[`bridge.l${l}.${bias}`], da);
    return backAffine(P[`bridge.l${l}.${W}`], da, Dm);
  };
  const dFinal: Vec[] = [], dFinalC: Vec[] = [];
  for (let l = 0; l < spec.decoder.layers; l++) {
    dFinal.push(isBridged(spec) ? through(l, 'h', ds0[l], row.s0[l], row.final[l]) : ds0[l]);
    if (!handsOverCell(spec)) dFinalC.push(zeros(Dm));
    else dFinalC.push(isBridged(spec) ? through(l, 'c', dc0[l], row.c0[l], row.finalC[l]) : dc0[l]);
  }
  return { dFinal, dFinalC };
}

function encoderBackward(c: Ctx, row: Row, dMem: Vec[], dFinal: Vec[], dFinalC: Vec[], norms: Norms): void {
  const { spec, P, D, S } = c, He = spec.encoder.hiddenSize, Ds = spec.sourceEmbed;
  let dAbove = dMem;
  for (let l = spec.encoder.layers - 1; l >= 0; l--) {
    const dIn = [...Array(S)].map(() => zeros(l === 0 ? Ds : memoryWidth(spec)));
    encoderPrefixes(spec, l).forEach((prefix, d) => {
      let dhNext: Vec = dFinal[l].slice(d * He, (d + 1) * He), dcNext: Vec = dFinalC[l].slice(d * He, (d + 1) * He);
      for (let k = 0; k < S; k++) {
        const s = d === 0 ? S - 1 - k : k;   // the reverse of the order the direction read in
        const dh = dAbove[s].slice(d * He, (d + 1) * He).map((g, j) => g + dhNext[j]);
        norms.enc[l][d][sourcePosition(c, s)] += sq(dh);
        const r = cellBackward(spec.encoder.cell, P, D, prefix, He, row.enc[l][d][s], dh, dcNext);
        if (spec.encoder.cell === 'lstm') norms.encC[l][d][sourcePosition(c, s)] += sq(r.dc);
        addTo(dIn[s], r.dx);
        dhNext = r.dhPrev; dcNext = r.dcPrev;
      }
    });
    dAbove = dIn;
  }
  for (let s = 0; s < S; s++) addTo(D['src.embedding'], dAbove[s], row.ids[s] * Ds);
}

const sourcePosition = (c: Ctx, s: number) => (c.spec.reverseSource ? c.S - 1 - s : s);

// ---------------------------------------------------------------- entry point
export function referenceSeq2seq(inp: Seq2seqReferenceInput): Seq2seqReferenceResult {
  const { spec, batch: B, sourceLength: S, targetLength: T } = inp;
  const layout = seq2seqLayout(spec);
  const P: Params = {}, D: Params = {};
  for (const p of layout) {
    P[p.name] = Float64Array.from(Array.prototype.slice.call(inp.params, p.offset, p.offset + p.size) as number[]);
    D[p.name] = zeros(p.size);
  }
  const N = inp.target.reduce((n, y) => n + (y !== 0 ? 1 : 0), 0);
  const c: Ctx = { inp, spec, P, D, S, T, N };
  const He = spec.encoder.hiddenSize, Hd = spec.decoder.hiddenSize, dirs = directionsOf(spec);
  const L = spec.encoder.layers;
  const perLayerDir = () => [...Array(L)].map(() => [...Array(dirs)].map(() => zeros(S))), perLayer = () => [...Array(L)].map(() => zeros(T));
  const norms: Norms = { enc: perLayerDir(), dec: perLayer(), encC: perLayerDir(), decC: perLayer() };
  const res: Seq2seqReferenceResult = {
    loss: 0, grads: zeros(0), encDhNorm: [], decDhNorm: [], encDcNorm: [], decDcNorm: [],
    attention: zeros(spec.attention === 'none' ? 0 : B * T * S),
    encHidden: [...Array(L)].map(() => [...Array(dirs)].map(() => zeros(B * S * He))),
    decHidden: [...Array(L)].map(() => zeros(B * T * Hd)),
    argmax: new Int32Array(B * T), tokens: N, correct: 0,
  };
  for (let b = 0; b < B; b++) {
    const ids = [...Array(S).keys()].map((s) => inp.source[b * S + sourcePosition(c, s)]);
    const row: Row = {
      ids, live: ids.map((id) => id !== 0), enc: [], memory: [], keys: [], final: [], finalC: [], s0: [], c0: [],
      dec: [...Array(L)].map(() => []), att: [], inputs: [], dLogits: [], argmax: [],
    };
    encoderForward(c, b, row);
    bridgeForward(c, row);
    res.loss += decoderForward(c, b, row);
    const { ds0, dc0, dMem } = decoderBackward(c, b, row, norms);
    const { dFinal, dFinalC } = bridgeBackward(c, row, ds0, dc0);
    encoderBackward(c, row, dMem, dFinal, dFinalC, norms);
    for (let s = 0; s < S; s++) {
      const p = sourcePosition(c, s);
      for (let l = 0; l < L; l++) for (let d = 0; d < dirs; d++) res.encHidden[l][d].set(row.enc[l][d][s].h, (b * S + p) * He);
      for (let t = 0; t < T; t++) if (spec.attention !== 'none') res.attention[(b * T + t) * S + p] = row.att[t].alpha[s];
    }
    for (let t = 0; t < T; t++) {
      for (let l = 0; l < L; l++) res.decHidden[l].set(row.dec[l][t].h, (b * T + t) * Hd);
      res.argmax[b * T + t] = row.argmax[t];
      const y = inp.target[b * T + t];
      if (y !== 0 && row.argmax[t] === y) res.correct++;
    }
  }
  res.grads = zeros(layout.reduce((n, p) => n + p.size, 0));
  for (const p of layout) res.grads.set(D[p.name], p.offset);
  res.encDhNorm = norms.enc.map((perDir) => perDir.map((v) => Array.from(v, Math.sqrt)));
  res.decDhNorm = norms.dec.map((v) => Array.from(v, Math.sqrt));
  if (spec.encoder.cell === 'lstm') res.encDcNorm = norms.encC.map((perDir) => perDir.map((v) => Array.from(v, Math.sqrt)));
  if (spec.decoder.cell === 'lstm') res.decDcNorm = norms.decC.map((v) => Array.from(v, Math.sqrt));
  return res;
}
