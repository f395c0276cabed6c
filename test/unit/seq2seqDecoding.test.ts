// The one-step decoder API (Seq2seqDecoder over kernels/seq2seq.ts's encode/decodeStep): fed the teacher's
// tokens it reproduces the training forward's distributions and attention; states are values (stepping twice
// from one state gives one answer); greedy and beam search agree where they must.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Seq2seqDecoder } from '../../src/trainer/seq2seq/seq2seqDecoder';
import { extraCases, gridCases, kernelFor, tinySeq2seqCase, type Seq2seqCase } from './seq2seqCases';

function decoderFor(c: Seq2seqCase, params: Float32Array, rows = c.batch): Seq2seqDecoder {
  const d = Seq2seqDecoder.create({ spec: c.spec, rows, sourceLength: c.sourceLength, relaxedSimd: false });
  d.params().set(params);
  return d;
}

const cases = [...gridCases().filter((c) => c.spec.encoder.cell !== 'rnn'), ...extraCases()];
for (const c of cases) {
  test(`decoding step by step on the teacher's tokens gives the training forward's outputs: ${c.name}`, () => {
    const { m, source, target } = kernelFor(c, 31);
    m.forward();
    const probs = m.probabilities(), att = m.attention();
    const d = decoderFor(c, m.params());
    const { batch: B, sourceLength: S, targetLength: T } = c, V = c.spec.targetVocab;
    let state = d.encode(source);
    for (let t = 0; t < T; t++) {
      const tokens = Int32Array.from({ length: B }, (_, b) => (t === 0 ? c.spec.bosId : target[b * T + t - 1]));
      const step = d.step(tokens, state);
      for (let b = 0; b < B; b++) {
        for (let v = 0; v < V; v++) {
          const want = Math.log(probs[(b * T + t) * V + v]);
          assert.ok(Math.abs(step.logProbs[b * V + v] - want) < 2e-5, `row ${b} step ${t} token ${v}: ${step.logProbs[b * V + v]} vs ${want}`);
        }
        for (let s = 0; s < S && att.length > 0; s++) assert.ok(Math.abs(step.attention[b * S + s] - att[(b * T + t) * S + s]) < 1e-6);
      }
      state = step.state;
    }
    m.dispose(); d.dispose();
  });
}

test('a decoder state is a value: stepping twice from it gives the same result, and selectRows reorders rows', () => {
  const c = tinySeq2seqCase({ encoderCell: 'lstm', attention: 'general', inputFeeding: true, layers: 2 });
  const { m, source } = kernelFor(c, 5);
  const d = decoderFor(c, m.params());
  const s0 = d.encode(source);
  const tokens = Int32Array.of(3, 4);
  const a = d.step(tokens, s0);
  d.step(Int32Array.of(5, 6), a.state);   // move the instance's own state on
  const b = d.step(tokens, s0);
  assert.deepEqual(b.logProbs, a.logProbs);
  assert.deepEqual(b.state.h, a.state.h);
  const swapped = d.selectRows(a.state, [1, 0]);
  const Hd = c.spec.decoder.hiddenSize;
  assert.deepEqual(swapped.h[1].subarray(0, Hd), a.state.h[1].subarray(Hd, 2 * Hd));
  assert.throws(() => d.step(Int32Array.of(3), s0), /tokens has 1 ids, expected 2/);
  assert.throws(() => d.encode(new Int32Array(2 * c.sourceLength)), /source row 0 is all <pad>/);
});

test('beam search of width 1 is greedy, and a wider beam finds a hypothesis at least as probable', () => {
  const c = tinySeq2seqCase({ encoderCell: 'gru', attention: 'additive', bidirectional: true });
  const { m, source } = kernelFor(c, 12);
  const S = c.sourceLength, row = source.subarray(0, S);
  const greedy = decoderFor(c, m.params(), 1).greedy(row, 6)[0];
  const one = decoderFor(c, m.params(), 1).beam(row, { maxLength: 6 })[0];
  assert.deepEqual(one.tokens, greedy.tokens);
  assert.ok(Math.abs(one.logProb - greedy.logProb) < 1e-5);
  const four = decoderFor(c, m.params(), 4).beam(row, { maxLength: 6 });
  assert.ok(four.length >= 1 && four.length <= 4);
  const finished = (h: typeof greedy) => h.finished;
  if (greedy.finished) assert.ok(four.filter(finished)[0].logProb >= greedy.logProb - 1e-6, `beam ${four[0].logProb} vs greedy ${greedy.logProb}`);
  for (const h of four) assert.equal(h.attention.length, h.tokens.length + (h.finished ? 1 : 0));
});
