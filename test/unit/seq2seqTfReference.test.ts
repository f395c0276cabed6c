// The float64 encoder–decoder reference against TensorFlow: the fixtures in test/fixtures/tf-reference/seq2seq
// were computed by an unrolled GradientTape that the script checks against a Keras functional model with the
// same weights. Same float32 weights here; the fixtures keep 6 significant digits, hence 1e-5.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ATTENTION_KINDS } from '../../src/shared/seq2seqSpec';
import { referenceSeq2seq } from './referenceSeq2seq';
import { Seq2seqModel } from '../../src/trainer/seq2seq/seq2seqModel';
import { compareWithFixture, loadSeq2seqTfFixtures, seq2seqFixtureParams } from './seq2seqTfReference';
import { CELLS, worstErrors } from './wasmCases';

const fixtures = loadSeq2seqTfFixtures();
const check = worstErrors('seq2seq reference vs TensorFlow');

test('there is a TensorFlow fixture for every cell × attention × bidirectional', () => {
  for (const cell of CELLS)
    for (const attention of ATTENTION_KINDS)
      for (const bi of [false, true])
        assert.ok(fixtures.some((f) => f.spec.encoder.cell === cell && f.spec.decoder.cell === cell && f.spec.attention === attention && f.spec.encoder.bidirectional === bi),
          `no fixture for ${cell} ${attention} ${bi ? 'bidirectional' : 'unidirectional'}`);
  assert.ok(fixtures.some((f) => f.spec.inputFeeding) && fixtures.some((f) => f.spec.reverseSource) && fixtures.some((f) => f.spec.encoder.layers > 1));
});

for (const f of fixtures) {
  test(`seq2seq reference matches TensorFlow: ${f.case}`, () => {
    const ref = referenceSeq2seq({
      spec: f.spec, batch: f.batch, sourceLength: f.sourceLength, targetLength: f.targetLength,
      params: seq2seqFixtureParams(f), source: Int32Array.from(f.source), target: Int32Array.from(f.target),
    });
    compareWithFixture(f, ref, (what, err, group) => check(what, err, 1e-5, group));
  });
}

// both builds: plain SIMD, and relaxed SIMD (fused multiply-add) as the trainer runs them where the engine allows
for (const relaxedSimd of [false, true]) {
  const checkKernels = worstErrors(`seq2seq kernels (${relaxedSimd ? 'relaxed SIMD' : 'SIMD'}) vs TensorFlow`);
  for (const f of fixtures) {
    test(`seq2seq kernels (${relaxedSimd ? 'relaxed SIMD' : 'SIMD'}) match TensorFlow: ${f.case}`, () => {
      const m = Seq2seqModel.create({ spec: f.spec, batch: f.batch, sourceLength: f.sourceLength, targetLength: f.targetLength, relaxedSimd });
      m.params().set(seq2seqFixtureParams(f));
      m.setBatch(Int32Array.from(f.source), Int32Array.from(f.target));
      compareWithFixture(f, m.diagnose(), (what, err, group) => checkKernels(what, err, 1e-4, group));
      m.dispose();
    });
  }
}
