// Seq2seqTrainer splits a batch across worker threads (backends/wasm/parallelPlan.ts's protocol). The loss is
// a mean over real target tokens, so ranks with more tokens weigh more: two threads on a batch whose halves
// hold very different token counts give the one-thread loss, gradients and Adam step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/trainer/rng';
import { initSeq2seqParams } from '../../src/trainer/seq2seq/seq2seqInit';
import { Seq2seqTrainer } from '../../src/trainer/seq2seq/seq2seqTrainer';
import { tinySpec } from './seq2seqCases';

test('two threads train exactly as one, weighting each half by its target tokens', async () => {
  const spec = tinySpec({ encoderCell: 'lstm', attention: 'additive', bidirectional: true, inputFeeding: true });
  const B = 8, S = 4, T = 5;
  const source = new Int32Array(B * S), target = new Int32Array(B * T);
  const r = new Rng(4);
  for (let b = 0; b < B; b++) {
    for (let s = 0; s < 1 + (b % S); s++) source[b * S + s] = 1 + r.int(spec.sourceVocab - 1);
    const n = b < 4 ? T : 1;   // the first half: 5 tokens a row; the second: only </s>
    for (let t = 0; t < n - 1; t++) target[b * T + t] = 3 + r.int(spec.targetVocab - 3);
    target[b * T + n - 1] = spec.eosId;
  }
  const params = initSeq2seqParams(spec, new Rng(1));
  const opt = { kind: 'adam' as const, learningRate: 0.01, momentum: 0, clipNorm: 1, clipValue: 0 };
  const runs = await Promise.all([1, 2].map(async (threads) => {
    const t = await Seq2seqTrainer.create({ spec, batch: B, sourceLength: S, targetLength: T, threads, relaxedSimd: false });
    t.setParams(params);
    const steps = [await t.trainStep(source, target, opt), await t.trainStep(source, target, opt)];
    const out = { device: t.device, steps, params: t.getParams() };
    await t.dispose();
    return out;
  }));
  const [one, two] = runs;
  assert.match(two.device, /2 threads/);
  for (let i = 0; i < 2; i++) {
    assert.ok(Math.abs(one.steps[i].loss - two.steps[i].loss) < 1e-6 * one.steps[i].loss, `step ${i}: loss ${one.steps[i].loss} vs ${two.steps[i].loss}`);
    assert.ok(Math.abs(one.steps[i].gradNorm - two.steps[i].gradNorm) < 1e-5 * one.steps[i].gradNorm);
  }
  let worst = 0;
  for (let i = 0; i < params.length; i++) worst = Math.max(worst, Math.abs(one.params[i] - two.params[i]));
  assert.ok(worst < 1e-5, `parameters differ by ${worst} after two steps`);
});

test('evaluation, diagnostics and decoding see the trained parameters', async () => {
  const spec = tinySpec({ encoderCell: 'gru', attention: 'dot' });
  const t = await Seq2seqTrainer.create({ spec, batch: 4, sourceLength: 3, targetLength: 3, threads: 1, relaxedSimd: false });
  t.setParams(initSeq2seqParams(spec, new Rng(2)));
  const source = Int32Array.of(1, 2, 3, 4, 5, 0, 1, 0, 0, 2, 2, 2), target = Int32Array.of(3, 4, 2, 5, 2, 0, 2, 0, 0, 6, 6, 2);
  const before = t.evaluate(source, target);
  await t.trainStep(source, target, { kind: 'sgd', learningRate: 0.5, momentum: 0, clipNorm: 0, clipValue: 0 });
  const after = t.evaluate(source, target);
  assert.equal(after.tokens, 9);
  assert.ok(after.loss < before.loss, `one SGD step lowers the loss: ${before.loss} → ${after.loss}`);
  const d = t.diagnose(source.subarray(0, 3), target.subarray(0, 3));
  assert.equal(d.attention.length, 3 * 3);
  assert.equal(d.encDhNorm[0][0].length, 3);
  const dec = t.decoder(2, 3);
  assert.deepEqual(dec.params(), t.getParams());
  await t.dispose();
});

test('batches padded to their own longest pair: a trainer built for longer ones steps as one of their shape, on one thread and on two', async () => {
  const spec = tinySpec({ encoderCell: 'lstm', attention: 'additive', bidirectional: true });
  const B = 8, r = new Rng(9);
  /** A batch of lengths S × T whose rows end at varied places. */
  const batchOf = (S: number, T: number) => {
    const source = new Int32Array(B * S), target = new Int32Array(B * T);
    for (let b = 0; b < B; b++) {
      for (let s = 0; s < 1 + ((b + S) % S); s++) source[b * S + s] = 1 + r.int(spec.sourceVocab - 1);
      const n = 1 + ((b * 3) % T);
      for (let t = 0; t < n - 1; t++) target[b * T + t] = 3 + r.int(spec.targetVocab - 3);
      target[b * T + n - 1] = spec.eosId;
    }
    return { source, target };
  };
  const batches = [batchOf(7, 6), batchOf(3, 4), batchOf(5, 2), batchOf(7, 6)];
  const params = initSeq2seqParams(spec, new Rng(3));
  const opt = { kind: 'adam' as const, learningRate: 0.01, momentum: 0, clipNorm: 0, clipValue: 0 };
  const train = async (threads: number, shaped: boolean) => {
    const t = await Seq2seqTrainer.create({ spec, batch: B, sourceLength: 7, targetLength: 6, threads, relaxedSimd: false });
    t.setParams(params);
    const losses: number[] = [];
    for (const b of batches) {
      if (!shaped) { losses.push((await t.trainStep(b.source, b.target, opt)).loss); continue; }
      // the same pairs padded to the trainer's full lengths
      const S = b.source.length / B, T = b.target.length / B, source = new Int32Array(B * 7), target = new Int32Array(B * 6);
      for (let i = 0; i < B; i++) { source.set(b.source.subarray(i * S, (i + 1) * S), i * 7); target.set(b.target.subarray(i * T, (i + 1) * T), i * 6); }
      losses.push((await t.trainStep(source, target, opt)).loss);
    }
    const out = { losses, params: t.getParams() };
    await t.dispose();
    return out;
  };
  const [padded, own1, own2] = await Promise.all([train(1, true), train(1, false), train(2, false)]);
  for (const other of [own1, own2]) {
    other.losses.forEach((l, i) => assert.ok(Math.abs(l - padded.losses[i]) < 1e-6 * padded.losses[i], `step ${i}: loss ${l} vs ${padded.losses[i]} padded to the full lengths`));
    let worst = 0;
    for (let i = 0; i < params.length; i++) worst = Math.max(worst, Math.abs(other.params[i] - padded.params[i]));
    assert.ok(worst < 1e-5, `parameters differ by ${worst} after four steps`);
  }
  const t = await Seq2seqTrainer.create({ spec, batch: B, sourceLength: 7, targetLength: 6, threads: 1, relaxedSimd: false });
  await assert.rejects(t.trainStep(batchOf(8, 6).source, batchOf(7, 6).target, opt), /source \[8, 1\.\.7\]/);
  await t.dispose();
});

test('output dropout draws the masks of a row by its place in the batch: two threads train as one', async () => {
  const spec = tinySpec({ encoderCell: 'gru', attention: 'dot' });
  const B = 8, S = 4, T = 5, r = new Rng(12);
  const source = new Int32Array(B * S), target = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    for (let s = 0; s < 1 + (b % S); s++) source[b * S + s] = 1 + r.int(spec.sourceVocab - 1);
    for (let t = 0; t < T - 1; t++) target[b * T + t] = 3 + r.int(spec.targetVocab - 3);
    target[b * T + T - 1] = spec.eosId;
  }
  const params = initSeq2seqParams(spec, new Rng(5));
  const opt = { kind: 'adam' as const, learningRate: 0.01, momentum: 0, clipNorm: 0, clipValue: 0 };
  const [one, two, none] = await Promise.all([[1, 0.5], [2, 0.5], [1, 0]].map(async ([threads, dropout]) => {
    const t = await Seq2seqTrainer.create({ spec, batch: B, sourceLength: S, targetLength: T, threads, dropout, relaxedSimd: false });
    t.setParams(params);
    const losses = [(await t.trainStep(source, target, opt, 101)).loss, (await t.trainStep(source, target, opt, 102)).loss];
    const out = { losses, params: t.getParams() };
    await t.dispose();
    return out;
  }));
  one.losses.forEach((l, i) => assert.ok(Math.abs(l - two.losses[i]) < 1e-6 * l, `step ${i}: ${l} vs ${two.losses[i]}`));
  let worst = 0;
  for (let i = 0; i < params.length; i++) worst = Math.max(worst, Math.abs(one.params[i] - two.params[i]));
  assert.ok(worst < 1e-5, `parameters differ by ${worst}`);
  assert.notEqual(one.losses[0], none.losses[0], 'dropout changes the training loss');
});
