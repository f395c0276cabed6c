// The decoding trace (TranslateRequest.trace): asking for it changes no result; each step's candidates are the
// model's own most probable tokens (checked against a teacher-forced step), sorted, a sub-distribution; greedy
// takes the first; each final hypothesis's steps, and its path in the beam's tree, give back its tokens and its
// log-probability exactly; the beam keeps at most its width at each depth.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TraceNode, TracedStep } from '../../src/trainer/seq2seq/decodingTrace';
import { type Hypothesis, Seq2seqDecoder } from '../../src/trainer/seq2seq/seq2seqDecoder';
import { Rng } from '../../src/trainer/rng';
import { kernelFor, type Seq2seqCase, tinySeq2seqCase } from './seq2seqCases';

const cases = [
  tinySeq2seqCase({ encoderCell: 'gru', attention: 'additive', bidirectional: true }),
  tinySeq2seqCase({ encoderCell: 'lstm', attention: 'general', inputFeeding: true, reverseSource: true }),
  tinySeq2seqCase({ encoderCell: 'rnn', decoderCell: 'lstm', attention: 'none' }),
];
const MAX_LENGTH = 6;

function decoderFor(c: Seq2seqCase, params: Float32Array, rows: number): Seq2seqDecoder {
  const d = Seq2seqDecoder.create({ spec: c.spec, rows, sourceLength: c.sourceLength, relaxedSimd: false });
  d.params().set(params);
  return d;
}

/** The hypothesis without its trace, to compare with an untraced one. */
const untraced = ({ tokens, logProb, score, finished, attention }: Hypothesis) => ({ tokens, logProb, score, finished, attention });

/** The ids a hypothesis emitted: its tokens, and </s> when it finished. */
const emitted = (c: Seq2seqCase, h: Hypothesis): number[] => (h.finished ? [...h.tokens, c.spec.eosId] : h.tokens);

/** Sum in emission order, as the decoder accumulates: equal to its logProb to the last bit. */
const sumOf = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

/** The log-probabilities of each step along `ids`, by stepping the decoder on them (row 0 of a 1-row decoder). */
function teacherForced(c: Seq2seqCase, params: Float32Array, source: Int32Array, ids: number[]): Float32Array[] {
  const d = decoderFor(c, params, 1);
  let state = d.encode(source);
  const out: Float32Array[] = [];
  let input = c.spec.bosId;
  for (const id of ids) {
    const step = d.step(Int32Array.of(input), state);
    out.push(step.logProbs);
    state = step.state;
    input = id;
  }
  d.dispose();
  return out;
}

/** A step's candidates: K of them, sorted, <pad> never, a sub-distribution, equal to the model's top K at that step. */
function checkCandidates(st: TracedStep, k: number, lp: Float32Array, where: string): void {
  const V = lp.length;
  assert.equal(st.candidates.length, Math.min(k, V - 1), where);
  for (let i = 1; i < st.candidates.length; i++) assert.ok(st.candidates[i - 1].logProb >= st.candidates[i].logProb, `${where}: sorted`);
  assert.ok(st.candidates.every((cd) => cd.id !== 0), `${where}: no <pad>`);
  assert.ok(sumOf(st.candidates.map((cd) => Math.exp(cd.logProb))) <= 1 + 1e-6, `${where}: Σp ≤ 1`);
  // a decoder of other rows computes the same distribution to float rounding, not bit for bit
  const near = (x: number, y: number) => Math.abs(x - y) < 1e-5;
  const model = Array.from(lp.subarray(1), (logProb, i) => ({ id: i + 1, logProb })).sort((a, b) => b.logProb - a.logProb || a.id - b.id).slice(0, k);
  assert.deepEqual(st.candidates.map((cd) => cd.id), model.map((cd) => cd.id), `${where}: the model's own top ${k}`);
  st.candidates.forEach((cd, i) => assert.ok(near(cd.logProb, model[i].logProb), `${where}: log p of ${cd.id}: ${cd.logProb} vs ${model[i].logProb}`));
  const rank = model.findIndex((m) => m.id === st.taken.id);
  if (rank >= 0) assert.equal(st.taken.rank, rank, `${where}: rank of the taken token`);
  else assert.ok(st.taken.rank >= k, `${where}: a token outside the top ${k} ranks past it`);
  if (rank >= 0) assert.equal(st.taken.logProb, st.candidates[rank].logProb, `${where}: the taken token's log p is its candidate's`);
  assert.ok(near(st.taken.logProb, lp[st.taken.id]), `${where}: taken log p`);
}

/** The hypothesis's steps give back its tokens and its log-probability, and each step's candidates are the model's. */
function checkSteps(c: Seq2seqCase, params: Float32Array, source: Int32Array, h: Hypothesis, k: number, where: string): void {
  const ids = emitted(c, h);
  assert.ok(h.steps, `${where}: traced`);
  assert.deepEqual(h.steps.map((st) => st.taken.id), ids, `${where}: taken tokens`);
  assert.equal(sumOf(h.steps.map((st) => st.taken.logProb)), h.logProb, `${where}: Σ log p of the taken tokens`);
  const forced = teacherForced(c, params, source, ids);
  h.steps.forEach((st, t) => checkCandidates(st, k, forced[t], `${where} step ${t}`));
}

for (const c of cases) {
  test(`greedy decoding traced: the same outputs; each step takes its first candidate; the steps give back tokens and log p: ${c.name}`, () => {
    const { m, source } = kernelFor(c, 21);
    const params = m.params().slice();
    const S = c.sourceLength;
    const plain = decoderFor(c, params, c.batch).greedy(source, MAX_LENGTH);
    const traced = decoderFor(c, params, c.batch).greedy(source, MAX_LENGTH, 3);
    assert.deepEqual(traced.map(untraced), plain);
    assert.ok(plain.every((h) => h.steps === undefined), 'no trace unless asked');
    traced.forEach((h, r) => {
      assert.ok(h.steps!.every((st) => st.taken.rank === 0 && st.taken.id === st.candidates[0].id), `row ${r}: greedy takes the argmax`);
      checkSteps(c, params, source.subarray(r * S, (r + 1) * S), h, 3, `row ${r}`);
    });
    m.dispose();
  });

  for (const k of [2, 6]) {
    test(`beam search traced (${k} candidates, width 4): the same outputs; at most the width kept per depth; each final hypothesis's path gives it back: ${c.name}`, () => {
      const { m, source } = kernelFor(c, 33);
      const params = m.params().slice();
      const row = source.subarray(0, c.sourceLength);
      const opts = { maxLength: MAX_LENGTH, alpha: 0.6 };
      const plain = decoderFor(c, params, 4).beamSearch(row, opts);
      const traced = decoderFor(c, params, 4).beamSearch(row, { ...opts, trace: k });
      assert.equal(plain.tree, undefined);
      assert.deepEqual(traced.hypotheses.map(untraced), plain.hypotheses);
      const tree: TraceNode[] = traced.tree!;
      assert.deepEqual([tree[0].parent, tree[0].depth, tree[0].status], [-1, 0, 'kept']);
      const depths = Math.max(...tree.map((n) => n.depth));
      for (let d = 1; d <= depths; d++) {
        const at = tree.filter((n) => n.depth === d);
        const taken = at.filter((n) => n.status !== 'pruned').length;
        assert.ok(taken >= 1 && taken <= 4, `depth ${d}: ${taken} taken`);
        assert.ok(at.filter((n) => n.status === 'kept').length <= 4);
        // each expanded node offers its k most probable extensions (and whatever the beam took beyond them)
        for (const p of new Set(at.map((n) => n.parent))) assert.ok(at.filter((n) => n.parent === p).length >= Math.min(k, c.spec.targetVocab - 1));
        assert.ok(at.every((n) => tree[n.parent].status === 'kept' && tree[n.parent].depth === d - 1), `depth ${d}: parents are kept nodes a step back`);
      }
      for (const [i, h] of traced.hypotheses.entries()) {
        const path: TraceNode[] = [];
        for (let n = h.node!; n > 0; n = tree[n].parent) path.unshift(tree[n]);
        const node = tree[h.node!];
        assert.deepEqual(path.map((n) => n.token), emitted(c, h), `hypothesis ${i}: tokens along its path`);
        assert.equal(sumOf(path.map((n) => n.tokenLogProb)), h.logProb, `hypothesis ${i}: Σ token log p`);
        assert.deepEqual([node.logProb, node.score, node.status], [h.logProb, h.score, h.finished ? 'finished' : 'kept'], `hypothesis ${i}`);
        checkSteps(c, params, row, h, k, `hypothesis ${i}`);
      }
      m.dispose();
    });
  }

  test(`sampling traced: the same draws for the same seed; a drawn token outside the top K ranks past it: ${c.name}`, () => {
    const { m, source } = kernelFor(c, 8);
    const params = m.params().slice();
    const row = source.subarray(0, c.sourceLength);
    const draw = (trace?: number) => decoderFor(c, params, 3).sample(row, { maxLength: MAX_LENGTH, temperature: 2, rng: new Rng(5), ...(trace && { trace }) });
    const plain = draw(), traced = draw(2);
    assert.deepEqual(traced.map(untraced), plain);
    traced.forEach((h, i) => checkSteps(c, params, row, h, 2, `sample ${i}`));
    m.dispose();
  });
}

test('beam search of width 1 traced is greedy decoding traced', () => {
  const c = cases[0];
  const { m, source } = kernelFor(c, 12);
  const row = source.subarray(0, c.sourceLength);
  const greedy = decoderFor(c, m.params(), 1).greedy(row, MAX_LENGTH, 4)[0];
  const beam = decoderFor(c, m.params(), 1).beamSearch(row, { maxLength: MAX_LENGTH, trace: 4 });
  assert.deepEqual(beam.hypotheses[0].steps!.map((st) => st.candidates.map((cd) => cd.id)), greedy.steps!.map((st) => st.candidates.map((cd) => cd.id)));
  assert.equal(beam.tree!.filter((n) => n.status !== 'pruned').length, 1 + greedy.steps!.length);
  m.dispose();
});
