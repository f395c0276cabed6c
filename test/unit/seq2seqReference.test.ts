// The float64 encoder–decoder reference (referenceSeq2seq.ts) against central finite differences: a sample
// of every parameter tensor, and ‖∂L/∂h‖ at every encoder position (each direction) and decoder step
// through perturbations of the states themselves; then what masking promises, on every case.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seq2seqLayout, seq2seqParamCount, seq2seqSpecProblems, type Seq2seqSpec } from '../../src/shared/seq2seqSpec';
import { referenceSeq2seq, type Seq2seqReferenceInput } from './referenceSeq2seq';
import { extraCases, fillSeq2seqParams, gridCases, makeSeq2seqBatch, rng, tinySpec, type Seq2seqCase } from './seq2seqCases';

const EPS = 1e-5;
const PER_TENSOR = 6;

function inputFor(c: Seq2seqCase, seed: number): Seq2seqReferenceInput {
  const params = new Float64Array(seq2seqParamCount(c.spec));
  fillSeq2seqParams(params, seed);
  const { source, target } = makeSeq2seqBatch(c, seed + 1);
  return { spec: c.spec, batch: c.batch, sourceLength: c.sourceLength, targetLength: c.targetLength, params, source, target };
}

function checkParams(input: Seq2seqReferenceInput, grads: Float64Array, seed: number): void {
  const r = rng(seed);
  for (const p of seq2seqLayout(input.spec)) {
    const picks = p.size <= PER_TENSOR ? [...Array(p.size).keys()] : [...Array(PER_TENSOR)].map(() => Math.floor(r() * p.size));
    for (const k of picks) {
      const i = p.offset + k;
      const at = (d: number) => { const q = Float64Array.from(input.params); q[i] += d; return referenceSeq2seq({ ...input, params: q }).loss; };
      const num = (at(EPS) - at(-EPS)) / (2 * EPS);
      const err = Math.abs(num - grads[i]) / Math.max(Math.abs(grads[i]), 1e-3);
      assert.ok(err < 1e-5, `${p.name}[${k}]: finite difference ${num} vs ${grads[i]}`);
    }
  }
}

function fdNorm(input: Seq2seqReferenceInput, side: 'enc' | 'dec', state: 'h' | 'c', layer: number, dir: number, t: number, H: number): number {
  let sq = 0;
  for (let b = 0; b < input.batch; b++)
    for (let j = 0; j < H; j++) {
      const at = (delta: number) => referenceSeq2seq({ ...input, perturb: { side, state, layer, dir, t, b, j, delta } }).loss;
      sq += ((at(EPS) - at(-EPS)) / (2 * EPS)) ** 2;
    }
  return Math.sqrt(sq);
}

function checkStateNorms(c: Seq2seqCase, input: Seq2seqReferenceInput): void {
  const ref = referenceSeq2seq(input), s = c.spec;
  const close = (fd: number, analytic: number, what: string) =>
    assert.ok(Math.abs(fd - analytic) <= 1e-6 * Math.max(analytic, 1e-3), `${what}: finite difference ${fd} vs ${analytic}`);
  const encStates = s.encoder.cell === 'lstm' ? (['h', 'c'] as const) : (['h'] as const);
  const decStates = s.decoder.cell === 'lstm' ? (['h', 'c'] as const) : (['h'] as const);
  for (const l of new Set([0, s.encoder.layers - 1])) {
    for (const state of encStates)
      for (let d = 0; d < (s.encoder.bidirectional ? 2 : 1); d++)
        for (let p = 0; p < c.sourceLength; p++) {
          const analytic = state === 'h' ? ref.encDhNorm[l][d][p] : ref.encDcNorm[l][d][p];
          close(fdNorm(input, 'enc', state, l, d, p, s.encoder.hiddenSize), analytic, `encoder ‖∂L/∂${state}‖ layer ${l} dir ${d} position ${p}`);
        }
    for (const state of decStates)
      for (let t = 0; t < c.targetLength; t++) {
        const analytic = state === 'h' ? ref.decDhNorm[l][t] : ref.decDcNorm[l][t];
        close(fdNorm(input, 'dec', state, l, 0, t, s.decoder.hiddenSize), analytic, `decoder ‖∂L/∂${state}‖ layer ${l} step ${t}`);
      }
  }
}

for (const c of [...gridCases(), ...extraCases()]) {
  test(`seq2seq reference matches finite differences: ${c.name}`, () => {
    assert.deepEqual(seq2seqSpecProblems(c.spec), []);
    const input = inputFor(c, 17);
    const ref = referenceSeq2seq(input);
    assert.ok(ref.loss > 0 && Number.isFinite(ref.loss));
    checkParams(input, ref.grads, 5);
    checkStateNorms(c, input);
    if (c.spec.attention !== 'none') checkAttentionRows(c, input.source, ref.attention);
  });
}

/** Each row of α sums to 1 over the real source positions and is exactly 0 on the padding. */
function checkAttentionRows(c: Seq2seqCase, source: Int32Array, attention: Float64Array): void {
  const { batch: B, sourceLength: S, targetLength: T } = c;
  for (let b = 0; b < B; b++)
    for (let t = 0; t < T; t++) {
      let sum = 0;
      for (let p = 0; p < S; p++) {
        const a = attention[(b * T + t) * S + p];
        if (source[b * S + p] === 0) assert.equal(a, 0, `α at padded position ${p}`);
        sum += a;
      }
      assert.ok(Math.abs(sum - 1) < 1e-12, `row ${b} step ${t} sums to ${sum}`);
    }
}

test('padding changes nothing: extra padded source columns and target steps leave loss and gradients as they were', () => {
  for (const reverseSource of [false, true])
    for (const attention of ['none', 'additive'] as const) {
      const c: Seq2seqCase = { name: 'pad', spec: tinySpec({ attention, bidirectional: true, reverseSource, inputFeeding: true }), batch: 2, sourceLength: 4, targetLength: 4 };
      const input = inputFor(c, 3);
      const wide = (a: Int32Array, from: number, to: number) => {
        const out = new Int32Array(c.batch * to);
        for (let b = 0; b < c.batch; b++) out.set(a.subarray(b * from, (b + 1) * from), b * to);
        return out;
      };
      const padded = { ...input, sourceLength: 6, targetLength: 7, source: wide(input.source, 4, 6), target: wide(input.target, 4, 7) };
      const a = referenceSeq2seq(input), b = referenceSeq2seq(padded);
      assert.ok(Math.abs(a.loss - b.loss) < 1e-12, `loss ${a.loss} vs ${b.loss} (reverse ${reverseSource}, ${attention})`);
      let worst = 0;
      for (let i = 0; i < a.grads.length; i++) worst = Math.max(worst, Math.abs(a.grads[i] - b.grads[i]));
      assert.ok(worst < 1e-12, `gradients differ by ${worst}`);
      assert.deepEqual(b.decDhNorm[0].slice(4), [0, 0, 0], 'decoder steps after every target have no gradient');
    }
});

test('the loss is the mean over real target tokens, and reversing the source reverses nothing the caller sees', () => {
  const c: Seq2seqCase = { name: 'mean', spec: tinySpec({ attention: 'dot' }), batch: 2, sourceLength: 4, targetLength: 4 };
  const input = inputFor(c, 9);
  const both = referenceSeq2seq(input);
  const one = (b: number) => referenceSeq2seq({ ...input, batch: 1, source: input.source.slice(b * 4, b * 4 + 4), target: input.target.slice(b * 4, b * 4 + 4) });
  const n = [0, 1].map((b) => input.target.slice(b * 4, b * 4 + 4).filter((y) => y !== 0).length);
  assert.ok(Math.abs(both.loss - (one(0).loss * n[0] + one(1).loss * n[1]) / (n[0] + n[1])) < 1e-12);
  assert.equal(both.tokens, n[0] + n[1]);
  // a source and its reversal read by a reversing encoder give the same model output
  const rev: Seq2seqSpec = { ...c.spec, reverseSource: true };
  const flipped = new Int32Array(input.source.length);
  for (let b = 0; b < 2; b++) for (let p = 0; p < 4; p++) flipped[b * 4 + p] = input.source[b * 4 + 3 - p];
  const r = referenceSeq2seq({ ...input, spec: rev, source: flipped });
  assert.ok(Math.abs(r.loss - both.loss) < 1e-12);
  for (let b = 0; b < 2; b++)
    for (let t = 0; t < 4; t++)
      for (let p = 0; p < 4; p++) assert.equal(r.attention[(b * 4 + t) * 4 + p], both.attention[(b * 4 + t) * 4 + 3 - p]);
});

test('spec problems name their field', () => {
  const s = tinySpec({ attention: 'dot', bidirectional: true, decoderHidden: 5 });
  assert.match(seq2seqSpecProblems(s).join('\n'), /attention 'dot'.*memory width \(6/);
  assert.match(seq2seqSpecProblems({ ...s, attention: 'none', decoder: { ...s.decoder, layers: 2 } }).join('\n'), /decoder\.layers \(2\) must equal encoder\.layers \(1\)/);
  assert.match(seq2seqSpecProblems({ ...s, attention: 'none', bosId: 0 }).join('\n'), /bosId must be a target id in 1\.\.6/);
});
