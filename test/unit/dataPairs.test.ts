import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import type { PairsDataConfig } from '../../src/shared/pairsConfig';
import { pairBatch } from '../../src/trainer/data/pairDataset';
import { loadPairsDataset, pairsFromText } from '../../src/trainer/data/pairs';
import { BOS_ID, EOS_ID, PAD_ID, PAIR_SPECIALS, PAIR_UNK_ID, pairVocabulary, tokenizePairText } from '../../src/trainer/data/pairVocabulary';

const fixtures = resolve(__dirname, '../fixtures/data');
const config = (over: Partial<PairsDataConfig> = {}): PairsDataConfig => ({
  kind: 'pairs', path: 'pairs.tsv', format: 'auto', sourceColumn: 0, targetColumn: 1, sourceLevel: 'char', targetLevel: 'char',
  lowercase: false, maxSourceLength: 0, maxTargetLength: 0, maxPairs: 0, skipMalformed: false, seed: 1, ...over,
});
const load = (over: Partial<PairsDataConfig> = {}, validationSplit = 0.25) => loadPairsDataset(config(over), { configDir: fixtures, validationSplit });
/** The fixture's pairs as written: column 0 and 1 of every non-blank line. */
const fixturePairs = readFileSync(resolve(fixtures, 'pairs.tsv'), 'utf8').split('\n').filter((l) => l !== '').map((l) => l.split('\t'));

const allExamples = (ds: ReturnType<typeof load>) => (['train', 'validation'] as const).flatMap((split) =>
  Array.from({ length: split === 'train' ? ds.trainSize : ds.validationSize }, (_, i) => ds.example(split, i)));

test('TSV: columns 0 and 1 of source<TAB>target<TAB>attribution, quotes kept as characters, every pair once', () => {
  const ds = load();
  assert.equal(ds.task, 'pairs');
  assert.equal(ds.counts.rows, 12);
  assert.equal(ds.counts.pairs, 12);
  assert.equal(ds.trainSize + ds.validationSize, 12);
  const got = allExamples(ds).map((e) => [e.source, e.target]).sort();
  assert.deepEqual(got, fixturePairs.map(([s, t]) => [s, t]).sort());
  assert.ok(got.some(([s]) => s === '"Stop," he said.'), 'TSV does not treat quotes as quoting');
  const help = allExamples(ds).find((e) => e.source === 'Help!')!;
  assert.equal(help.line, 11, 'file lines count the blank line');
});

test('CSV with a header: columns by name, a quoted field with a comma or a line break, lines of the record end', () => {
  const ds = load({ path: 'pairs-header.csv', sourceColumn: 'word', targetColumn: 'phonemes', targetLevel: 'word' }, 0);
  assert.equal(ds.counts.rows, 4);
  const examples = allExamples(ds);
  assert.deepEqual(examples.map((e) => [e.source, e.target, e.line]), [
    ['hello', 'HH AH0 L OW1', 2], ['cat', 'K AE1 T', 3], ['multi\nline', 'M AH1 L T IY0', 5], ['dog', 'D AO1 G', 6],
  ]);
  assert.deepEqual(ds.targetVocabulary.tokenize('HH AH0 L OW1'), ['HH', 'AH0', 'L', 'OW1'], 'phonemes are word tokens');
  // The same columns by index, header row skipped explicitly.
  const byIndex = load({ path: 'pairs-header.csv', header: true, sourceColumn: 1, targetColumn: 0 }, 0);
  assert.deepEqual(byIndex.example('train', 0), { source: 'HH AH0 L OW1', target: 'hello', line: 2 });
  // format "csv" forced on a file whose name says otherwise, and "tsv" on a .csv.
  const text = readFileSync(resolve(fixtures, 'pairs-header.csv'), 'utf8');
  const asCsv = pairsFromText(text, config({ format: 'csv', sourceColumn: 'word', targetColumn: 'phonemes' }), 0, '/x/data.txt');
  assert.equal(asCsv.trainSize, 4);
  const asTsv = () => pairsFromText(text, config({ format: 'tsv', sourceColumn: 'word' }), 0, '/x/data.csv');
  assert.throws(asTsv, /header does not have/);
});

test('tokens: NFC, lowercase on either level, words split off punctuation as the Keras tutorial does', () => {
  assert.deepEqual(tokenizePairText('"Stop," he said.', 'word', false), ['"', 'Stop', ',', '"', 'he', 'said', '.']);
  assert.deepEqual(tokenizePairText("I'm here.", 'word', true), ["i'm", 'here', '.']);
  assert.deepEqual(tokenizePairText('Ça', 'char', true), ['ç', 'a']);
  assert.deepEqual(tokenizePairText('e\u0301t\u00e9', 'char', false), ['é', 't', 'é'], 'decomposed and composed é are one token');
  assert.deepEqual(tokenizePairText('a b', 'char', false), ['a', ' ', 'b'], 'spaces are characters');
});

test('vocabularies: <pad> <s> </s> <unk> first, then the training tokens in order; per side; unseen validation tokens → <unk>', () => {
  assert.deepEqual(PAIR_SPECIALS, ['<pad>', '<s>', '</s>', '<unk>']);
  assert.deepEqual([PAD_ID, BOS_ID, EOS_ID, PAIR_UNK_ID], [0, 1, 2, 3]);
  const ds = load({ sourceLevel: 'word', targetLevel: 'char', lowercase: true });
  const trainSources = Array.from({ length: ds.trainSize }, (_, i) => ds.example('train', i).source);
  const trainTargets = Array.from({ length: ds.trainSize }, (_, i) => ds.example('train', i).target);
  const expectedSource = [...new Set(trainSources.flatMap((s) => tokenizePairText(s, 'word', true)))].sort();
  const expectedTarget = [...new Set(trainTargets.flatMap((s) => Array.from(s.toLowerCase())))].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
  assert.deepEqual(ds.sourceVocabulary.tokens, [...PAIR_SPECIALS, ...expectedSource]);
  assert.deepEqual(ds.targetVocabulary.tokens, [...PAIR_SPECIALS, ...expectedTarget]);
  assert.equal(ds.sourceVocabulary.level, 'word');
  assert.equal(ds.targetVocabulary.level, 'char');

  let unknownSource = 0, unknownTarget = 0;
  for (let i = 0; i < ds.validationSize; i++) {
    const { source, target } = ds.example('validation', i);
    const ids = ds.ids('validation', i);
    const sourceTokens = tokenizePairText(source, 'word', true);
    const targetTokens = Array.from(target.toLowerCase());
    sourceTokens.forEach((t, k) => assert.equal(ids.source[k], expectedSource.includes(t) ? ds.sourceVocabulary.idOf(t) : PAIR_UNK_ID));
    unknownSource += sourceTokens.filter((t) => !expectedSource.includes(t)).length;
    unknownTarget += targetTokens.filter((t) => !expectedTarget.includes(t)).length;
  }
  assert.ok(unknownSource > 0, 'fixture: some validation words are unseen');
  assert.equal(ds.counts.unknownSourceTokens, unknownSource);
  assert.equal(ds.counts.unknownTargetTokens, unknownTarget);
  assert.match(ds.describe(), new RegExp(`${unknownSource + unknownTarget} validation tokens unseen in training → <unk>`));
});

test('encode and decode per side: words rejoined without a space before punctuation, chars joined, stop at </s>', () => {
  const words = pairVocabulary('word', true, ['hello', ',', 'world', '!']);
  const ids = words.encode('Hello, World! Again');
  assert.deepEqual(Array.from(ids), [words.idOf('hello'), words.idOf(','), words.idOf('world'), words.idOf('!'), PAIR_UNK_ID]);
  assert.equal(words.decode(ids), 'hello, world! <unk>');
  assert.equal(words.decode([BOS_ID, ...ids.subarray(0, 2), EOS_ID, words.idOf('world'), PAD_ID]), 'hello,');
  assert.deepEqual(words.tokensOf([BOS_ID, words.idOf('world'), EOS_ID, words.idOf('!')]), ['world']);
  const chars = pairVocabulary('char', false, ['a', 'b']);
  assert.equal(chars.decode([...chars.encode('abz'), EOS_ID, chars.idOf('a')]), 'ab\uFFFD');
});

test('batch layout: source padded with 0 and its lengths; <s> y… and y… </s> padded, target lengths count </s>', () => {
  const pairs = [
    { source: Int32Array.of(5, 6, 7), target: Int32Array.of(8) },
    { source: Int32Array.of(9), target: Int32Array.of(10, 11, 12) },
  ];
  const b = pairBatch(pairs, 4, 5);
  assert.deepEqual([b.size, b.sourceSteps, b.targetSteps], [2, 4, 5]);
  assert.deepEqual(Array.from(b.source), [5, 6, 7, 0, /**/ 9, 0, 0, 0]);
  assert.deepEqual(Array.from(b.sourceLengths), [3, 1]);
  assert.deepEqual(Array.from(b.decoderInput), [1, 8, 0, 0, 0, /**/ 1, 10, 11, 12, 0]);
  assert.deepEqual(Array.from(b.target), [8, 2, 0, 0, 0, /**/ 10, 11, 12, 2, 0]);
  assert.deepEqual(Array.from(b.targetLengths), [2, 4]);
  const tight = pairBatch(pairs);
  assert.deepEqual([tight.sourceSteps, tight.targetSteps], [3, 4]);
  assert.throws(() => pairBatch(pairs, 2, 5), RangeError);
  assert.throws(() => pairBatch(pairs, 4, 3), RangeError);
});

test('dataset batches: one shape from the dataset\'s longest pair, or the batch\'s own longest; indices checked', () => {
  const ds = load({ sourceLevel: 'word', targetLevel: 'word' });
  const all = allExamples(ds);
  assert.equal(ds.sourceSteps, Math.max(...all.map((e) => tokenizePairText(e.source, 'word', false).length)));
  assert.equal(ds.targetSteps, Math.max(...all.map((e) => tokenizePairText(e.target, 'word', false).length)) + 1);
  const b = ds.batch('train', [1, 0]);
  assert.deepEqual([b.size, b.sourceSteps, b.targetSteps], [2, ds.sourceSteps, ds.targetSteps]);
  const first = ds.example('train', 1);
  assert.equal(ds.sourceVocabulary.decode(b.source.subarray(0, ds.sourceSteps)), ds.sourceVocabulary.decode(ds.sourceVocabulary.encode(first.source)));
  assert.equal(ds.targetVocabulary.decode(b.target.subarray(0, ds.targetSteps)), ds.targetVocabulary.decode(ds.targetVocabulary.encode(first.target)));
  for (let k = 0; k < b.size; k++) {
    for (let t = 0; t < b.targetSteps; t++) {
      assert.equal(b.target[k * b.targetSteps + t] !== PAD_ID, t < b.targetLengths[k], 'mask = t < targetLengths = target ≠ <pad>');
    }
  }
  const tight = ds.batchToLongest('train', [1, 0]);
  assert.equal(tight.sourceSteps, Math.max(...tight.sourceLengths));
  assert.equal(tight.targetSteps, Math.max(...tight.targetLengths));
  assert.throws(() => ds.batch('validation', [ds.validationSize]), RangeError);
  assert.throws(() => ds.batchToLongest('train', [0.5]), RangeError);
  assert.throws(() => ds.example('train', -1), RangeError);
  assert.throws(() => ds.ids('train', ds.trainSize), RangeError);
});

test('length limits drop pairs, counted per limit (a pair over both counts in both); maxPairs keeps the first that fit', () => {
  const text = 'a\tx\nab\txy\nabc\txyz\nabcd\tx\na\twxyz\n';
  const file = '/data/limits.tsv';
  const ds = pairsFromText(text, config({ maxSourceLength: 2, maxTargetLength: 2 }), 0, file);
  assert.deepEqual(
    [ds.counts.wellFormed, ds.counts.overSourceLength, ds.counts.overTargetLength, ds.counts.dropped, ds.counts.pairs],
    [5, 2, 2, 3, 2],
  );
  assert.deepEqual(Array.from({ length: ds.trainSize }, (_, i) => ds.example('train', i).source), ['a', 'ab']);
  assert.match(ds.describe(), /^limits\.tsv: 2 pairs of 5 TSV rows \(dropped 3: 2 over maxSourceLength 2, 2 over maxTargetLength 2\), 2 train \/ 0 validation/);
  const capped = pairsFromText(text, config({ maxSourceLength: 3, maxPairs: 2 }), 0, file);
  assert.deepEqual([capped.counts.overSourceLength, capped.counts.overMaxPairs, capped.counts.pairs], [1, 2, 2]);
  assert.deepEqual([capped.example('train', 0).source, capped.example('train', 1).source], ['a', 'ab']);
  assert.match(capped.describe(), /2 past maxPairs 2/);
});

test('split: seeded, deterministic, file order kept; pairs with the same source stay on one side', () => {
  const sources = (ds: ReturnType<typeof load>, split: 'train' | 'validation') =>
    Array.from({ length: split === 'train' ? ds.trainSize : ds.validationSize }, (_, i) => ds.example(split, i).source);
  const a = load({ seed: 7 }), b = load({ seed: 7 });
  assert.deepEqual(sources(a, 'validation'), sources(b, 'validation'));
  assert.deepEqual(sources(a, 'train'), sources(b, 'train'));
  const lines = (ds: ReturnType<typeof load>, split: 'train' | 'validation') =>
    Array.from({ length: split === 'train' ? ds.trainSize : ds.validationSize }, (_, i) => ds.example(split, i).line!);
  for (const split of ['train', 'validation'] as const) {
    const l = lines(a, split);
    assert.deepEqual(l, [...l].sort((x, y) => x - y), `${split} keeps file order`);
  }
  const splits = new Set<string>();
  for (let seed = 0; seed < 20; seed++) {
    const ds = load({ seed });
    const validation = sources(ds, 'validation');
    assert.ok(ds.validationSize >= Math.round(12 * 0.25), 'at least round(n · split) validate');
    const goes = ['train', 'validation'].filter((s) => sources(ds, s as 'train' | 'validation').includes('Go.'));
    assert.equal(goes.length, 1, `seed ${seed}: both "Go." pairs on one side`);
    assert.equal(sources(ds, goes[0] as 'train' | 'validation').filter((s) => s === 'Go.').length, 2);
    splits.add(validation.join('|'));
  }
  assert.ok(splits.size >= 10, `the seed changes the split (${splits.size} different splits of 20 seeds)`);
});

test('the summary line names the file, counts, levels, vocabularies and the computed baseline', () => {
  const ds = load({ sourceLevel: 'word', targetLevel: 'word', lowercase: true });
  const line = ds.describe();
  assert.match(line, /^pairs\.tsv: 12 pairs of 12 TSV rows, \d+ train \/ \d+ validation \(split by source, seed 1\)/);
  assert.match(line, new RegExp(`source words ≤ ${ds.sourceSteps}, vocab ${ds.sourceVocabulary.size}; target words ≤ ${ds.targetSteps - 1} \\+ </s>, vocab ${ds.targetVocabulary.size}`));
  assert.match(line, new RegExp(`xent ${ds.baselines.xent.value.toPrecision(3)}, token accuracy ${ds.baselines.accuracy.value.toPrecision(3)}`));
  assert.equal(ds.baseline, ds.baselines.xent);
});
