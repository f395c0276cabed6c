// The encoder–decoder's metrics against published values: edit distance on textbook pairs, corpus BLEU on
// sacrebleu's own test cases (test/test_bleu.py of sacrebleu 2.x: the README example with tokenize='none',
// the statistics and scoring cases), chrF on sacrebleu's published cases for β = 3 (test/test_chrf.py,
// effective-order mode, which is sacrebleu's default) and, for β = 2, values sacrebleu 2.6.0 computes.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bleuFromStats, corpusBleu, sentenceBleuStats } from '../../src/trainer/metrics/bleu';
import { corpusChrF } from '../../src/trainer/metrics/chrF';
import { editDistance, tokenErrorRate } from '../../src/trainer/metrics/editDistance';

const words = (s: string) => s.split(/\s+/).filter(Boolean);
const close = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) < tolerance, `${what}: ${actual} vs ${expected}`);

describe('edit distance and token error rate', () => {
  test('textbook distances', () => {
    assert.equal(editDistance([...'kitten'], [...'sitting']), 3);
    assert.equal(editDistance([...'flaw'], [...'lawn']), 2);
    assert.equal(editDistance([...'intention'], [...'execution']), 5);
    assert.equal(editDistance([], [...'abc']), 3);
    assert.equal(editDistance([...'abc'], []), 3);
    assert.equal(editDistance(words('HH AH0 L OW1'), words('HH EH0 L OW1')), 1);
  });

  test('the error rate is summed over the corpus, not averaged per pair', () => {
    const rate = tokenErrorRate([
      { hypothesis: [...'abc'], reference: [...'abd'] },
      { hypothesis: [...'a'], reference: [...'abcdefghi'] },
    ]);
    assert.equal(rate, (1 + 8) / (3 + 9));
    assert.equal(tokenErrorRate([{ hypothesis: [], reference: [] }]), 0);
  });
});

describe('corpus BLEU-4', () => {
  // sacrebleu's README example: three hypotheses, two reference sets
  const hyps = ['The dog bit the man.', "It wasn't surprising.", 'The man had just bitten him.'];
  const refs = [
    ['The dog bit the man.', 'It was not unexpected.', 'The man bit him first.'],
    ['The dog had bit the man.', 'No one was surprised.', 'The man had bitten the dog.'],
  ];

  test('sacrebleu\'s README example with tokenize="none": 49.1919566', () => {
    const score = corpusBleu(hyps.map(words), hyps.map((_, i) => refs.map((r) => words(r[i]))));
    close(score.score, 49.1919566, 1e-6, 'BLEU');
    assert.deepEqual([score.matches, score.totals, score.hypothesisLength, score.referenceLength], [[10, 6, 4, 2], [14, 11, 8, 5], 14, 15]);
    close(score.brevityPenalty, Math.exp(1 - 15 / 14), 1e-12, 'brevity penalty');
  });

  test('empty hypotheses score 0 and are not dropped', () => {
    assert.equal(corpusBleu([[], [], []], hyps.map((_, i) => refs.map((r) => words(r[i])))).score, 0);
  });

  test('sacrebleu\'s statistics case: clipped counts [4, 2, 1, 0] of totals [6, 5, 4, 3]', () => {
    const s = sentenceBleuStats(words('am I am a character sequence'), [words('I am a symbol string sequence a a')]);
    assert.deepEqual([s.matches, s.totals], [[4, 2, 1, 0], [6, 5, 4, 3]]);
  });

  test('sacrebleu\'s scoring case: statistics [9, 7, 5, 3] / [10, 8, 6, 4], lengths 11 and 11 give 0.8375922397', () => {
    close(bleuFromStats({ matches: [9, 7, 5, 3], totals: [10, 8, 6, 4], hypothesisLength: 11, referenceLength: 11 }).score / 100, 0.8375922397, 1e-8, 'BLEU');
  });

  test('exp smoothing: a missing 4-gram match halves instead of zeroing (sacrebleu 2.6.0: 59.4603558)', () => {
    close(corpusBleu([words('this is a fest')], [[words('this is a test')]]).score, 59.460355750136046, 1e-9, 'BLEU');
    // a hypothesis without 4-grams at all has no 4-gram precision: 0, as in sacrebleu
    assert.equal(corpusBleu([words('the cat sat')], [[words('the cat sat on the mat')]]).score, 0);
    close(corpusBleu([words('this is a test')], [[words('this is a test')]]).score, 100, 1e-9, 'identical');
  });
});

describe('chrF', () => {
  test('sacrebleu\'s published effective-order cases (β = 3, char order 6)', () => {
    const cases: [string[], string[], number][] = [
      [['a'], ['a'], 100], [[''], ['reference'], 0], [['a b c'], ['a b c'], 100], [['a b c'], ['abc'], 100],
      [[''], ['c'], 0], [['a', 'b'], ['a', 'c'], 50], [['aa'], ['ab'], 25],
    ];
    for (const [h, r, expected] of cases) close(corpusChrF(h, r, 3), expected, 1e-4, `${JSON.stringify(h)} vs ${JSON.stringify(r)}`);
  });

  test('β = 2 (the default), as sacrebleu 2.6.0 computes it', () => {
    close(corpusChrF(['Die Beziehung zwischen Obama und Netanjahu ist nicht gerade freundlich.'], ['Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich.']), 64.818123726097, 1e-9, 'German');
    close(corpusChrF(
      ['risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists .'],
      ['risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists .'],
    ), 63.43165368117263, 1e-9, 'English');
    close(corpusChrF(['The dog bit the man.', "It wasn't surprising.", 'The man had just bitten him.'], ['The dog bit the man.', 'It was not unexpected.', 'The man bit him first.']), 50.043063606582294, 1e-9, 'corpus');
  });
});
