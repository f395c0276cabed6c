import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SyntheticPairsDataConfig } from '../../src/shared/pairsConfig';
import { DataError } from '../../src/trainer/data/dataError';
import type { Split } from '../../src/trainer/data/dataset';
import { pairBaselines } from '../../src/trainer/data/pairBaseline';
import { EOS_ID, PAIR_SPECIALS } from '../../src/trainer/data/pairVocabulary';
import { loadSyntheticPairsDataset, type SyntheticPairsDataset } from '../../src/trainer/data/pairTasks';

const config = (over: Partial<SyntheticPairsDataConfig>): SyntheticPairsDataConfig => ({
  kind: 'synthetic-pairs', task: 'addition', digits: 3, reverseSource: false, minLength: 5, maxLength: 10, alphabetSize: 26, samples: 2000, seed: 1, ...over,
});
const load = (over: Partial<SyntheticPairsDataConfig>, validationSplit = 0.1) => loadSyntheticPairsDataset(config(over), { validationSplit });
const examples = (ds: SyntheticPairsDataset, split: Split, count = split === 'train' ? ds.trainSize : ds.validationSize) =>
  Array.from({ length: count }, (_, i) => ds.example(split, i));

test('addition: "535+61" → "596": every pair sums right, operands of 1 to `digits` digits', () => {
  const ds = load({ task: 'addition', digits: 3 });
  assert.equal(ds.task, 'addition');
  const all = [...examples(ds, 'train'), ...examples(ds, 'validation')];
  const digitCounts = new Set<number>();
  for (const { source, target } of all) {
    const m = /^(\d+)\+(\d+)$/.exec(source);
    assert.ok(m, `source ${source}`);
    assert.equal(target, String(Number(m[1]) + Number(m[2])), source);
    for (const operand of [m[1], m[2]]) {
      assert.ok(operand.length <= 3 && (operand === '0' || !operand.startsWith('0')), `operand ${operand} is a number as written`);
      digitCounts.add(operand.length);
    }
  }
  assert.deepEqual([...digitCounts].sort(), [1, 2, 3]);
  assert.deepEqual(ds.sourceVocabulary.tokens, [...PAIR_SPECIALS, '+', ...'0123456789']);
  assert.deepEqual(ds.targetVocabulary.tokens, [...PAIR_SPECIALS, ...'0123456789']);
  assert.deepEqual([ds.sourceSteps, ds.targetSteps], [7, 5]);
  const b = ds.batch('train', Array.from({ length: ds.trainSize }, (_, i) => i));
  assert.equal(b.size, ds.trainSize, 'every pair fits the declared S and T');
  const widest = load({ digits: 15, samples: 200 });
  for (const { source, target } of examples(widest, 'train')) {
    const [a, c] = source.split('+').map(BigInt);
    assert.equal(target, String(a + c), 'exact up to 15 digits');
  }
});

test('addition with reverseSource: the same pairs, the source written backwards', () => {
  const plain = load({ task: 'addition' }), reversed = load({ task: 'addition', reverseSource: true });
  for (const split of ['train', 'validation'] as const) {
    examples(plain, split, 200).forEach((p, i) => {
      const r = reversed.example(split, i);
      assert.equal(r.source, [...p.source].reverse().join(''));
      assert.equal(r.target, p.target);
    });
  }
  assert.match(reversed.describe(), /^addition of numbers up to 3 digits, source reversed \(Zaremba & Sutskever 2014; the Keras addition_rnn example\), seed 1: 2 000 train \/ 200 validation pairs/);
});

test('reverse: the target is the source backwards; lengths span [minLength, maxLength]; letters from the alphabet', () => {
  const ds = load({ task: 'reverse', minLength: 3, maxLength: 6, alphabetSize: 5 });
  const lengths = new Set<number>();
  for (const { source, target } of [...examples(ds, 'train'), ...examples(ds, 'validation')]) {
    assert.equal(target, [...source].reverse().join(''));
    assert.match(source, /^[a-e]+$/);
    lengths.add(source.length);
  }
  assert.deepEqual([...lengths].sort(), [3, 4, 5, 6]);
  assert.deepEqual(ds.sourceVocabulary.tokens.slice(4), ['a', 'b', 'c', 'd', 'e']);
  assert.deepEqual([ds.sourceSteps, ds.targetSteps], [6, 7]);
  // Reversal in the batch: decoder targets are the source ids backwards, then </s>.
  const b = ds.batch('train', [0]);
  const n = b.sourceLengths[0];
  assert.deepEqual(Array.from(b.target.subarray(0, n + 1)), [...Array.from(b.source.subarray(0, n)).reverse(), EOS_ID]);
});

test('copy: the target is the source itself, letters from the alphabet', () => {
  const ds = load({ task: 'copy', minLength: 4, maxLength: 8, alphabetSize: 6 });
  assert.match(ds.describe(), /^copy 4–8 letters of a–f \(sequence copying, Sutskever, Vinyals & Le 2014/);
  for (const { source, target } of [...examples(ds, 'train'), ...examples(ds, 'validation')]) {
    assert.equal(target, source);
    assert.match(source, /^[a-f]{4,8}$/);
  }
});

test('sort: the target is the source\'s letters in order', () => {
  const ds = load({ task: 'sort', minLength: 5, maxLength: 12, alphabetSize: 26 });
  for (const { source, target } of examples(ds, 'train')) {
    assert.equal(target, [...source].sort().join(''));
    assert.equal(target.length, source.length);
  }
});

test('determinism: pair i of a split depends on (seed, split, i) only; another seed gives other pairs', () => {
  const a = load({ task: 'reverse' }), b = load({ task: 'reverse' }), c = load({ task: 'reverse', seed: 2 });
  assert.deepEqual(a.example('train', 123), b.example('train', 123));
  assert.deepEqual([a.example('validation', 5), a.example('train', 7)], [b.example('validation', 5), b.example('train', 7)]);
  assert.notDeepEqual(examples(a, 'train', 20), examples(c, 'train', 20));
  assert.deepEqual(a.batch('validation', [3, 1]), b.batch('validation', [3, 1]));
});

test('no validation source occurs in training, even where sources repeat (2-digit addition has 10 000)', () => {
  const ds = load({ task: 'addition', digits: 2, samples: 20_000 }, 0.2);
  const train = new Set(examples(ds, 'train').map((e) => e.source));
  const validation = examples(ds, 'validation').map((e) => e.source);
  assert.equal(validation.length, 4000);
  assert.ok(train.size > 3000 && new Set(validation).size > 500, 'the space is small enough for repeats to be likely');
  assert.deepEqual(validation.filter((s) => train.has(s)), []);
  const noValidation = load({ task: 'addition' }, 0);
  assert.equal(noValidation.validationSize, 0);
});

test('a source space too small to split: a DataError naming the way out, never a hang', () => {
  let failed = 0, loaded = 0;
  for (let seed = 0; seed < 24; seed++) {
    try {
      load({ task: 'reverse', minLength: 1, maxLength: 1, alphabetSize: 2, seed }, 0.5);
      loaded++;
    } catch (e) {
      assert.ok(e instanceof DataError);
      assert.match(e.message, /has too few distinct sources to keep validation sources out of training.*set validationSplit to 0/);
      failed++;
    }
  }
  // Two sources, each on a side by its hash: about half the seeds put both on one side.
  assert.ok(failed > 0 && loaded > 0, `${failed} failed, ${loaded} loaded`);
});

test('settings out of range are DataErrors on their field', () => {
  const field = (over: Partial<SyntheticPairsDataConfig>) => {
    try {
      load(over);
    } catch (e) {
      assert.ok(e instanceof DataError);
      return e.field;
    }
    assert.fail('expected a DataError');
  };
  assert.equal(field({ digits: 16 }), 'data.digits');
  assert.equal(field({ task: 'sort', minLength: 8, maxLength: 4 }), 'data.minLength');
  assert.equal(field({ task: 'reverse', alphabetSize: 27 }), 'data.alphabetSize');
  assert.equal(field({ seed: 0.5 }), 'data.seed');
});

test('baseline by hand: per-position counts smoothed towards the unigram; the most frequent token per position', () => {
  // V = 6: specials 0–3, tokens 4 and 5. Fitted on [4] and [4 5]; scored on [5].
  // Step counts: t0 {4: 2}; t1 {</s>: 1, 5: 1}; t2 {</s>: 1}. Unigram: 4 ×2, 5 ×1, </s> ×2 of 5 → u(y) = (c + 1) / 11.
  // Scored: t0 y=5: (0 + 2/11) / 3 = 2/33; t1 y=</s>: (1 + 3/11) / 3 = 14/33.
  const b = pairBaselines(6, [[4], [4, 5]], [[5]]);
  assert.ok(Math.abs(b.xent.value - -(Math.log(2 / 33) + Math.log(14 / 33)) / 2) < 1e-12);
  // t0 predicts 4 (wrong), t1 ties </s> and 5 and takes the lower id, </s> (right).
  assert.equal(b.accuracy.value, 0.5);
  assert.deepEqual([b.xent.metric, b.accuracy.metric], ['xent', 'accuracy']);
  // Past the longest fitted target: the unigram alone.
  const past = pairBaselines(6, [[4]], [[4, 4]]);
  const u4 = 2 / 8, uEos = 2 / 8; // counts 4 ×1, </s> ×1 of 2, V 6
  const expected = -(Math.log((1 + u4) / 2) + Math.log((0 + u4) / 2) + Math.log(uEos)) / 3;
  assert.ok(Math.abs(past.xent.value - expected) < 1e-12);
  assert.throws(() => pairBaselines(6, [], [[4]]), RangeError);
});

test('task baselines are computed from the generated pairs, and tell the tasks apart', () => {
  const reverse = load({ task: 'reverse', samples: 3000 }), sorted = load({ task: 'sort', samples: 3000 });
  for (const ds of [reverse, sorted]) {
    const targets = (split: Split, n: number) => Array.from({ length: n }, (_, i) => ds.ids(split, i).target);
    const recomputed = pairBaselines(ds.targetVocabulary.size, targets('train', ds.trainSize), targets('validation', ds.validationSize));
    assert.deepEqual(ds.baselines, recomputed);
    assert.equal(ds.baseline, ds.baselines.xent);
  }
  // A reversed random string is uniform at every position; a sorted one starts early in the alphabet.
  assert.ok(sorted.baselines.xent.value < reverse.baselines.xent.value - 0.3, `${sorted.baselines.xent.value} vs ${reverse.baselines.xent.value}`);
  // Uniform letters over 26: no better than about ln 26 per letter step.
  assert.ok(reverse.baselines.xent.value > 0.8 * Math.log(26));
  assert.match(reverse.describe(), new RegExp(`xent ${reverse.baselines.xent.value.toPrecision(3)}, token accuracy`));
});
