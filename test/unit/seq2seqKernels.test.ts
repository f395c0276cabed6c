// The encoder–decoder wasm kernels (kernels/seq2seq.ts through Seq2seqModel) against the float64 reference
// on every cell × attention × bidirectional × input feeding and the mixed cases: loss, every parameter
// gradient, ‖∂L/∂h‖ at every encoder position and decoder step, attention weights, hidden states.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seq2seqLayout } from '../../src/shared/seq2seqSpec';
import { referenceSeq2seq } from './referenceSeq2seq';
import { Seq2seqModel } from '../../src/trainer/seq2seq/seq2seqModel';
import { extraCases, fillSeq2seqParams, gridCases, kernelFor, makeSeq2seqBatch, tinySeq2seqCase, type Seq2seqCase } from './seq2seqCases';
import { compareWithFixture, scaledError, type Seq2seqTfFixture } from './seq2seqTfReference';
import { worstErrors } from './wasmCases';

const check = worstErrors('seq2seq kernels vs float64 reference');
// f32 against f64: 2e-5 of each tensor's scale, except the additive query weights. ∂Wq = Σ_t h_tᵀ·Σ_s ∂e_ts v ⊙ (1 − u_ts²)
// sums terms whose weights ∂e_ts add up to 0 over s, so it is small beside them and keeps their f32 round-off
// (up to ~7e-5 of its scale on these tiny random cases; still within 1e-4 of TensorFlow, seq2seqTfReference.test.ts).

for (const c of [...gridCases(), ...extraCases()]) {
  test(`seq2seq kernels match the reference: ${c.name}`, () => {
    const { m, source, target } = kernelFor(c, 21);
    const ref = referenceSeq2seq({ spec: c.spec, batch: c.batch, sourceLength: c.sourceLength, targetLength: c.targetLength, params: m.params(), source, target });
    const d = m.diagnose();
    // the reference in the fixture's shape: the comparison helper treats it as the truth
    const truth = { case: c.name, spec: c.spec, batch: c.batch, sourceLength: c.sourceLength, targetLength: c.targetLength, params: {}, source: [], target: [],
      loss: ref.loss, grads: namedGrads(c, ref.grads), encDhNorm: ref.encDhNorm, decDhNorm: ref.decDhNorm,
      encDcNorm: c.spec.encoder.cell === 'lstm' ? ref.encDcNorm : undefined, decDcNorm: c.spec.decoder.cell === 'lstm' ? ref.decDcNorm : undefined,
      attention: Array.from(ref.attention),
      encHidden: ref.encHidden.map((dirs) => dirs.map((h) => Array.from(h))), decHidden: ref.decHidden.map((h) => Array.from(h)) } as Seq2seqTfFixture;
    compareWithFixture(truth, d, (what, err, group) => check(what, err, what === 'gradient of att.Wq' ? 1e-4 : 2e-5, group));
    assert.equal(m.tokens(), ref.tokens);
    assert.equal(m.correct(), ref.correct);
    assert.deepEqual(Array.from(m.argmax()), Array.from(ref.argmax));
    m.dispose();
  });
}

// Layer 0 projects by token when the vocabulary is smaller than its rows (kernels/seq2seqTokens.ts), as in every case above
// (6 and 7 tokens, 8 rows); with 9 tokens on both sides it projects row by row. att.Wq is left out here: its f32 round-off
// (above) depends on the random draw, not on how layer 0 projects, and the cases above bound it.
for (const c of [...gridCases().filter((g) => g.spec.inputFeeding || g.spec.attention === 'none'), ...extraCases()]) {
  test(`seq2seq kernels match the reference, vocabularies past the rows (projected by row): ${c.name}`, () => {
    const wide: Seq2seqCase = { ...c, spec: { ...c.spec, sourceVocab: 9, targetVocab: 9 } };
    const { m, source, target } = kernelFor(wide, 22);
    const ref = referenceSeq2seq({ spec: wide.spec, batch: wide.batch, sourceLength: wide.sourceLength, targetLength: wide.targetLength, params: m.params(), source, target });
    const loss = m.lossAndGrads();
    assert.ok(Math.abs(loss - ref.loss) < 1e-5 * ref.loss, `loss ${loss} vs ${ref.loss}`);
    for (const p of seq2seqLayout(wide.spec).filter((q) => q.name !== 'att.Wq')) {
      const e = scaledError(m.grads().subarray(p.offset, p.offset + p.size), ref.grads.subarray(p.offset, p.offset + p.size));
      check(`${c.name} ${p.name}`, e, 2e-5, 'gradients (projected by row)');
    }
    m.dispose();
  });
}

// A training batch padded to its own longest pair runs on an instance built for longer ones (setLengths): after a
// batch at the full lengths has left its states, attention and gradients in every buffer, the shorter batch gives
// exactly what an instance of its own shape gives (which the tests above hold to the reference): loss, gradients,
// norms, attention, states and argmax, bit for bit.
for (const c of [...gridCases(), ...extraCases()]) {
  test(`seq2seq kernels on a batch shorter than the instance equal an instance of its shape: ${c.name}`, () => {
    const long: Seq2seqCase = { ...c, sourceLength: c.sourceLength + 3, targetLength: c.targetLength + 2 };
    const m = Seq2seqModel.create({ spec: c.spec, batch: c.batch, sourceLength: long.sourceLength, targetLength: long.targetLength });
    fillSeq2seqParams(m.params(), 23);
    const first = makeSeq2seqBatch(long, 5);
    m.setBatch(first.source, first.target);
    m.lossAndGrads();
    m.setLengths(c.sourceLength, c.targetLength);
    assert.deepEqual(m.shape, { batch: c.batch, sourceLength: c.sourceLength, targetLength: c.targetLength });
    const { source, target } = makeSeq2seqBatch(c, 24);
    m.setBatch(source, target);
    const own = Seq2seqModel.create({ spec: c.spec, batch: c.batch, sourceLength: c.sourceLength, targetLength: c.targetLength });
    own.params().set(m.params());
    own.setBatch(source, target);
    assert.deepEqual(m.diagnose(), own.diagnose());
    assert.deepEqual(m.argmax(), own.argmax());
    m.dispose();
    own.dispose();
  });
}

// Dropout on the output layer's input: the kernel's masks read back and given to the reference, which applies them
// to o_t in its forward and to ∂o_t in its backward: loss and every gradient agree as without dropout.
for (const c of [...gridCases().filter((g) => g.spec.encoder.bidirectional && (g.spec.inputFeeding || g.spec.attention === 'none')), ...extraCases()]) {
  test(`seq2seq kernels with output dropout match the reference given the same masks: ${c.name}`, () => {
    const { m, source, target } = kernelFor(c, 25);
    m.setDropout(0.4, 77);
    const loss = m.lossAndGrads();
    const mask = m.dropoutMask();
    assert.ok(mask.some((v) => v === 0) && mask.some((v) => Math.abs(v - 1 / 0.6) < 1e-6), 'the mask drops some units and scales the others by 1/(1 − p)');
    const ref = referenceSeq2seq({ spec: c.spec, batch: c.batch, sourceLength: c.sourceLength, targetLength: c.targetLength, params: m.params(), source, target, outputMask: mask });
    assert.ok(Math.abs(loss - ref.loss) < 1e-5 * ref.loss, `loss ${loss} vs ${ref.loss}`);
    // att.Wq left out as in the test above: its f32 round-off depends on the draw, not on the masks
    for (const p of seq2seqLayout(c.spec).filter((q) => q.name !== 'att.Wq')) {
      const e = scaledError(m.grads().subarray(p.offset, p.offset + p.size), ref.grads.subarray(p.offset, p.offset + p.size));
      check(`${c.name} ${p.name}`, e, 2e-5, 'gradients with output dropout');
    }
    m.dispose();
  });
}

test('output dropout: masks drop p of the units, follow the seed, leave forward() (evaluation) alone, and p = 0 is no dropout', () => {
  const c = tinySeq2seqCase({ encoderCell: 'lstm', attention: 'additive', inputFeeding: true });
  const big: Seq2seqCase = { ...c, batch: 16, spec: { ...c.spec, decoder: { ...c.spec.decoder, hiddenSize: 64 }, attentionSize: 16 } };
  const { m } = kernelFor(big, 26);
  const plain = m.lossAndGrads(), plainGrads = m.grads().slice(), evaluated = m.forward();
  m.setDropout(0.3, 5);
  const dropped = m.lossAndGrads(), mask = m.dropoutMask();
  const zeros = mask.filter((v) => v === 0).length / mask.length;
  assert.ok(Math.abs(zeros - 0.3) < 0.03, `${(100 * zeros).toFixed(1)} % of ${mask.length} units dropped`);
  assert.notEqual(dropped, plain);
  assert.equal(m.forward(), evaluated, 'forward() runs without dropout');
  m.setDropout(0.3, 5);
  m.lossAndGrads();
  assert.deepEqual(m.dropoutMask(), mask, 'the same seed draws the same masks');
  m.setDropout(0.3, 6);
  m.lossAndGrads();
  assert.notDeepEqual(m.dropoutMask(), mask);
  m.setDropout(0, 6);
  assert.equal(m.lossAndGrads(), plain);
  assert.deepEqual(m.grads(), plainGrads);
  assert.throws(() => m.setDropout(1, 1), /dropout must be in \[0, 1\)/);
  m.dispose();
});

test('setLengths refuses lengths past the instance\'s and a batch of the old lengths afterwards', () => {
  const c = tinySeq2seqCase({ encoderCell: 'lstm', attention: 'additive' });
  const m = Seq2seqModel.create({ spec: c.spec, batch: c.batch, sourceLength: c.sourceLength, targetLength: c.targetLength });
  assert.throws(() => m.setLengths(c.sourceLength + 1, c.targetLength), /do not fit this instance/);
  assert.throws(() => m.setLengths(0, c.targetLength), /do not fit this instance/);
  m.setLengths(c.sourceLength - 1, c.targetLength);
  const { source, target } = makeSeq2seqBatch(c, 3);
  assert.throws(() => m.setBatch(source, target), /source has \d+ ids, expected/);
  m.dispose();
});

function namedGrads(c: Seq2seqCase, g: Float64Array): Record<string, number[]> {
  return Object.fromEntries(seq2seqLayout(c.spec).map((p) => [p.name, Array.from(g.subarray(p.offset, p.offset + p.size))]));
}

test('the relaxed-SIMD build agrees with the plain one', () => {
  const c = tinySeq2seqCase({ encoderCell: 'lstm', attention: 'additive', bidirectional: true, inputFeeding: true });
  const plain = kernelFor(c, 4, false), fma = kernelFor(c, 4, true);
  assert.equal(fma.m.variant, 'relaxed-simd');
  const a = plain.m.lossAndGrads(), b = fma.m.lossAndGrads();
  assert.ok(Math.abs(a - b) < 1e-5 * a);
  const ga = plain.m.grads(), gb = fma.m.grads();
  let worst = 0, scale = 0;
  for (let i = 0; i < ga.length; i++) { worst = Math.max(worst, Math.abs(ga[i] - gb[i])); scale = Math.max(scale, Math.abs(ga[i])); }
  assert.ok(worst / scale < 1e-5, `gradients differ by ${worst / scale}`);
});

test('seq2seq kernels match the reference at a shape past the GEMM blocks (S·B, T·B > 128; widths past 16)', () => {
  for (const [cell, attention] of [['lstm', 'additive'], ['gru', 'general']] as const) {
    const base = tinySeq2seqCase({ encoderCell: cell, attention, bidirectional: true, inputFeeding: true, reverseSource: true, encoderHidden: 10, decoderHidden: 19 });
    const c: Seq2seqCase = { ...base, spec: { ...base.spec, sourceVocab: 23, targetVocab: 37, sourceEmbed: 9, targetEmbed: 7, attentionSize: 17 }, batch: 12, sourceLength: 11, targetLength: 13 };
    const { m, source, target } = kernelFor(c, 8);
    const ref = referenceSeq2seq({ spec: c.spec, batch: c.batch, sourceLength: c.sourceLength, targetLength: c.targetLength, params: m.params(), source, target });
    const loss = m.lossAndGrads();
    assert.ok(Math.abs(loss - ref.loss) < 1e-5 * ref.loss, `loss ${loss} vs ${ref.loss}`);
    for (const p of seq2seqLayout(c.spec)) {
      const e = scaledError(m.grads().subarray(p.offset, p.offset + p.size), ref.grads.subarray(p.offset, p.offset + p.size));
      check(`${cell} ${p.name}`, e, p.name === 'att.Wq' ? 1e-4 : 2e-5, 'gradients (medium shape)');
    }
    check(`${cell} attention`, scaledError(m.attention(), ref.attention), 2e-5, 'attention (medium shape)');
    check(`${cell} encoder ‖∂L/∂h‖`, scaledError(m.encoderDhNorm(0, 1), ref.encDhNorm[0][1]), 2e-5, 'encoder ‖∂L/∂h_t‖ (medium shape)');
    m.dispose();
  }
});

test('bad shapes and inputs get errors that say what is wrong', () => {
  const c = tinySeq2seqCase({ attention: 'dot', bidirectional: true });
  assert.throws(() => Seq2seqModel.create({ spec: { ...c.spec, decoder: { ...c.spec.decoder, hiddenSize: 5 } }, batch: 2, sourceLength: 4, targetLength: 4 }),
    /attention 'dot' scores h_t·m_s, so the memory width \(6 = 2×encoder\.hiddenSize\) must equal decoder\.hiddenSize \(5\)/);
  assert.throws(() => Seq2seqModel.create({ spec: c.spec, batch: 0, sourceLength: 4, targetLength: 4 }), /batch must be a positive integer, got 0/);
  const { m, source, target } = kernelFor(c, 1);
  assert.throws(() => m.setBatch(source.subarray(0, 7), target), /source has 7 ids, expected 8/);
  const bad = target.slice(); bad[3] = c.spec.targetVocab;
  assert.throws(() => m.setBatch(source, bad), /target\[3\] = 7 is outside 0\.\.6/);
  const empty = source.slice(); empty.fill(0, 4, 8);
  assert.throws(() => m.setBatch(empty, target), /source row 1 is all <pad>/);
  assert.throws(() => m.encoderHidden(0, 2), /direction 2: the encoder has 2/);
  m.dispose();
  assert.throws(() => m.forward(), /used after dispose/);
});

test('a diverged model (NaN weights) gives a NaN loss and returns: the kernels never search past a row', () => {
  const c = tinySeq2seqCase({ attention: 'additive' });
  const { m } = kernelFor(c, 2);
  m.params().fill(Number.NaN);
  assert.ok(Number.isNaN(m.lossAndGrads()));
  assert.ok(Number.isNaN(m.gradSumSquares()));
  m.dispose();
});
