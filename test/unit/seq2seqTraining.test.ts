// The encoder–decoder learns: the reverse task (a string of 5 letters → its reversal + </s>) trained with
// Adam on the kernels, then decoded greedily on fresh pairs. With attention the alignment it learns is the
// anti-diagonal. Also: a model restored from parameters and optimizer state continues step for step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AttentionKind, Seq2seqSpec } from '../../src/shared/seq2seqSpec';
import type { CellKind } from '../../src/shared/config';
import { Rng } from '../../src/trainer/rng';
import { Seq2seqDecoder } from '../../src/trainer/seq2seq/seq2seqDecoder';
import { initSeq2seqParams } from '../../src/trainer/seq2seq/seq2seqInit';
import { Seq2seqModel } from '../../src/trainer/seq2seq/seq2seqModel';

const L = 5, LETTERS = 8, B = 32;

function reverseSpec(cell: CellKind, attention: AttentionKind, reverseSource: boolean): Seq2seqSpec {
  return {
    sourceVocab: LETTERS + 1, sourceEmbed: 16, targetVocab: LETTERS + 3, targetEmbed: 16,
    encoder: { cell, layers: 1, hiddenSize: 32, bidirectional: false }, decoder: { cell, layers: 1, hiddenSize: 32 },
    attention, attentionSize: 32, inputFeeding: false, reverseSource, bosId: 1, eosId: 2,
  };
}

/** Source letters 1..8; target: the same letters reversed as ids 3..10, then </s> (2). */
function reversePairs(rng: Rng, n: number): { source: Int32Array; target: Int32Array } {
  const source = new Int32Array(n * L), target = new Int32Array(n * (L + 1));
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < L; i++) source[b * L + i] = 1 + rng.int(LETTERS);
    for (let i = 0; i < L; i++) target[b * (L + 1) + i] = source[b * L + L - 1 - i] + 2;
    target[b * (L + 1) + L] = 2;
  }
  return { source, target };
}

function train(spec: Seq2seqSpec, steps: number): { model: Seq2seqModel; first: number; last: number } {
  const rng = new Rng(7);
  const model = Seq2seqModel.create({ spec, batch: B, sourceLength: L, targetLength: L + 1 });
  model.params().set(initSeq2seqParams(spec, rng));
  let first = 0, last = 0;
  for (let s = 0; s < steps; s++) {
    const { source, target } = reversePairs(rng, B);
    model.setBatch(source, target);
    last = model.lossAndGrads();
    if (s === 0) first = last;
    model.optimizer.adam(0.01);
  }
  return { model, first, last };
}

function exactMatches(spec: Seq2seqSpec, params: Float32Array, n: number): { exact: number; attention: Float32Array[][] } {
  const d = Seq2seqDecoder.create({ spec, rows: n, sourceLength: L });
  d.params().set(params);
  const { source, target } = reversePairs(new Rng(99), n);
  const hyps = d.greedy(source, L + 3);
  let exact = 0;
  hyps.forEach((h, b) => {
    if (h.finished && h.tokens.join() === Array.from(target.subarray(b * (L + 1), b * (L + 1) + L)).join()) exact++;
  });
  d.dispose();
  return { exact, attention: hyps.map((h) => h.attention) };
}

test('LSTM with additive attention learns to reverse 5 letters in 200 Adam steps; its attention is anti-diagonal', () => {
  const spec = reverseSpec('lstm', 'additive', false);
  const { model, first, last } = train(spec, 200);
  const lnV = Math.log(spec.targetVocab);
  assert.ok(Math.abs(first - lnV) < 0.3, `the untrained loss ${first} is near ln V = ${lnV}`);
  assert.ok(last < 0.1, `loss after training ${last}`);
  const { exact, attention } = exactMatches(spec, model.params(), 100);
  assert.ok(exact >= 90, `greedy exact match ${exact}/100`);
  let diagonal = 0, rows = 0;
  for (const perStep of attention)
    perStep.slice(0, L).forEach((row, i) => {
      rows++;
      if (row.indexOf(Math.max(...row)) === L - 1 - i) diagonal++;
    });
  assert.ok(diagonal / rows > 0.9, `target step i attends most to source position L−1−i in ${diagonal}/${rows} rows`);
  model.dispose();
});

test('GRU without attention, reading the source reversed, learns the reverse task in 500 steps', () => {
  const spec = reverseSpec('gru', 'none', true);
  const { model, last } = train(spec, 500);
  assert.ok(last < 0.4, `loss after training ${last} (ln V = ${Math.log(spec.targetVocab).toFixed(2)})`);
  const { exact } = exactMatches(spec, model.params(), 100);
  assert.ok(exact >= 60, `greedy exact match ${exact}/100`);
  model.dispose();
});

test('a model restored from its parameters and Adam state continues step for step', () => {
  const spec = reverseSpec('lstm', 'general', false);
  const { model } = train(spec, 5);
  const twin = Seq2seqModel.create({ spec, batch: B, sourceLength: L, targetLength: L + 1 });
  twin.params().set(model.params());
  twin.setOptimizerState(model.optimizerState());
  const { source, target } = reversePairs(new Rng(3), B);
  for (const m of [model, twin]) {
    m.setBatch(source, target);
    m.lossAndGrads();
    m.optimizer.adam(0.01);
  }
  assert.deepEqual(twin.params(), model.params());
  assert.equal(twin.optimizerState().step, 6);
  model.dispose(); twin.dispose();
});
