import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readFileSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import type { TextDataConfig } from '../../src/shared/config';
import { DataError, loadDataset, MAX_DATA_FILE_BYTES, UNK, UNK_ID } from '../../src/trainer/data';
import { firstInvalidUtf8 } from '../../src/trainer/data/dataFile';
import { loadTextDataset, textDataset, tokenizeWords, type TextDataset, windowShift } from '../../src/trainer/data/text';

const fixtures = resolve(__dirname, '../fixtures/data');
const config = (path: string, level: 'char' | 'word' = 'char', lowercase = false): TextDataConfig => ({ kind: 'text', path, level, lowercase, validationFrom: 'tail' });
const opts = { configDir: fixtures, validationSplit: 0.1, sequenceLength: 16 };
const load = (path: string, o: Partial<typeof opts> = {}) => loadTextDataset(config(path), { ...opts, ...o });

/** The code points of the fixture corpus, as the reader sees them. */
const corpus = Array.from(readFileSync(join(fixtures, 'corpus.txt'), 'utf8'));

function dataError(fn: () => unknown): DataError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof DataError, `expected a DataError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a DataError');
}

test('char level: code points, contiguous split, vocabulary of the training part with <unk> at 0', () => {
  const ds = load('corpus.txt');
  const n = corpus.length;
  const nTrain = Math.floor(n * 0.9);
  assert.equal(ds.trainTokens, nTrain);
  assert.equal(ds.validationTokens, n - nTrain);
  assert.equal(ds.vocabulary[UNK_ID], UNK);
  const expected = [...new Set(corpus.slice(0, nTrain))].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
  assert.deepEqual(ds.vocabulary.slice(1), expected);
  assert.ok(ds.vocabulary.includes('🌊'), 'an astral character is one token, not two surrogates');
  assert.ok(!ds.vocabulary.includes('§'), '§ appears only in the validation tail');
  assert.equal(ds.unknownValidationTokens, 1);
  assert.equal(ds.inputSize, ds.vocabulary.length);
  assert.equal(ds.outputSize, ds.vocabulary.length);
  assert.deepEqual([ds.input, ds.head, ds.loss, ds.steps], ['tokens', 'every', 'xent', 16]);
});

test('windows: stride T, targets shifted by one, validation from the tail only', () => {
  const T = 16;
  const ds = load('corpus.txt');
  const nTrain = ds.trainTokens;
  assert.equal(ds.trainSize, Math.floor((nTrain - 1) / T));
  assert.equal(ds.validationSize, Math.floor((ds.validationTokens - 1) / T));

  const { x, y } = ds.batch('train', [2, 0]);
  assert.ok(x instanceof Int32Array && y instanceof Int32Array);
  assert.equal(x.length, 2 * T);
  assert.equal(y.length, 2 * T);
  assert.equal(ds.decode(x.subarray(0, T)), corpus.slice(2 * T, 3 * T).join(''));
  assert.equal(ds.decode(y.subarray(0, T)), corpus.slice(2 * T + 1, 3 * T + 1).join(''));
  assert.equal(ds.decode(x.subarray(T)), corpus.slice(0, T).join(''));

  // The last training window's last target is still a training token.
  const last = ds.trainSize - 1;
  assert.ok(last * T + T + 1 <= nTrain);
  assert.equal(ds.decode(ds.batch('train', [last]).y), corpus.slice(last * T + 1, last * T + T + 1).join(''));

  const v = ds.batch('validation', [0]);
  assert.equal(ds.decode(v.x), corpus.slice(nTrain, nTrain + T).join(''));
  // § occurs once, in the tail: it is the <unk> target of the validation window that covers it.
  const p = corpus.indexOf('§') - nTrain;
  const j = Math.floor((p - 1) / T);
  assert.ok(p > 0 && j < ds.validationSize, 'fixture: § lies in a validation window');
  const covering = ds.batch('validation', [j]).y;
  assert.equal(covering[p - 1 - j * T], UNK_ID);
  assert.equal(covering.filter((id) => id === UNK_ID).length, 1);
  assert.throws(() => ds.batch('validation', [ds.validationSize]), RangeError);
  assert.throws(() => ds.batch('train', [-1]), RangeError);
});

test('encode and decode round-trip; unseen characters become <unk>', () => {
  const ds = load('corpus.txt');
  const ids = ds.encode('The keeper 🌊');
  assert.equal(ids.length, 12);
  assert.equal(ds.decode(ids), 'The keeper 🌊');
  assert.deepEqual(Array.from(ds.encode('a§')), [ds.vocabulary.indexOf('a'), UNK_ID]);
  assert.equal(ds.decode(ds.encode('§')), '\uFFFD');
});

test('unigram baseline lies between 0 and ln(vocab) and describe() gives counts', () => {
  const ds = load('corpus.txt');
  assert.equal(ds.baseline?.metric, 'xent');
  assert.ok(ds.baseline!.value > 1 && ds.baseline!.value < Math.log(ds.vocabulary.length), String(ds.baseline!.value));
  const line = ds.describe();
  assert.match(line, new RegExp(`${corpus.length.toLocaleString('en-US').replace(/,/g, ' ')} chars`));
  assert.match(line, /vocab \d+ incl\. <unk>/);
  assert.match(line, /1 unseen → <unk>/);
});

test('Windows line endings are read as "\\n"', () => {
  const ds = textDataset('ab\r\ncd\r\n'.repeat(20), { level: 'char', lowercase: false }, { validationSplit: 0.1, sequenceLength: 4 });
  assert.ok(!ds.vocabulary.includes('\r'));
  assert.equal(ds.decode(ds.batch('train', [0]).x), 'ab\ncd'.slice(0, 4));
});

test('word level: words, punctuation as tokens, optional lowercase', () => {
  assert.deepEqual(tokenizeWords("Don't stop, Mr. Smith!\nGo", false), ["Don't", 'stop', ',', 'Mr', '.', 'Smith', '!', 'Go']);
  assert.deepEqual(tokenizeWords('Café CAFÉ', true), ['café', 'café']);
  const ds = loadTextDataset(config('corpus.txt', 'word', true), { ...opts, sequenceLength: 8 });
  assert.equal(ds.level, 'word');
  assert.ok(ds.vocabulary.includes('keeper'));
  assert.ok(!ds.vocabulary.includes('The'), 'lowercased');
  assert.ok(ds.vocabulary.includes(','));
  const words = tokenizeWords(readFileSync(join(fixtures, 'corpus.txt'), 'utf8'), true);
  assert.equal(ds.trainTokens + ds.validationTokens, words.length);
  assert.equal(ds.decode(ds.batch('train', [0]).x), 'the lighthouse keeper the keeper climbed the stairs');
  assert.equal(ds.decode(ds.encode('he told them, the sea never sleeps.')), 'he told them, the sea never sleeps.');
  assert.equal(ds.decode(ds.encode('the sea whispered')), 'the sea <unk>');
  const brackets = textDataset('one (two) three, four. '.repeat(10), { level: 'word', lowercase: false }, { validationSplit: 0.1, sequenceLength: 4 });
  assert.equal(brackets.decode(brackets.batch('train', [0]).y), '(two) three');
});

test('a file that is not UTF-8 names the byte offset and line', () => {
  const e = dataError(() => load('latin1.txt'));
  assert.equal(e.file, join(fixtures, 'latin1.txt'));
  assert.equal(e.offset, 31);
  assert.equal(e.line, 2);
  assert.match(e.message, /latin1\.txt:2 \(byte 31\): the file is not valid UTF-8: byte 0xe9 at byte offset 31/);
  assert.match(e.message, /Re-save the file as UTF-8/);
});

test('a binary file (NUL in the first 8 KB) is refused with the offset', () => {
  const e = dataError(() => load('binary.txt'));
  assert.equal(e.offset, 4);
  assert.match(e.message, /binary\.txt:1 \(byte 4\): the file looks binary: a NUL byte at byte offset 4/);
});

test('too-short and empty corpora say how many tokens are needed', () => {
  const short = dataError(() => load('short.txt', { sequenceLength: 10 }));
  assert.match(short.message, /short\.txt: the corpus has 5 characters; with sequenceLength 10 and validationSplit 0\.1 it needs at least 101/);
  assert.match(short.message, /lower training\.sequenceLength/);
  const empty = dataError(() => load('empty.txt'));
  assert.match(empty.message, /empty\.txt: the corpus holds no characters\. Put text in it: at least \d+ characters/);
  // Without a validation split, T + 1 tokens suffice.
  assert.equal(textDataset('hello', { level: 'char', lowercase: false }, { validationSplit: 0, sequenceLength: 4 }).trainSize, 1);
});

test('a missing file and a file over the size limit are errors before reading', () => {
  const missing = dataError(() => load('no-such-file.txt'));
  assert.match(missing.message, /no-such-file\.txt: file not found\. Check data\.path/);
  const dir = mkdtempSync(join(tmpdir(), 'seqlab-data-'));
  const big = join(dir, 'big.txt');
  const fd = openSync(big, 'w');
  ftruncateSync(fd, MAX_DATA_FILE_BYTES + 1); // sparse: no 50 MB written
  closeSync(fd);
  const e = dataError(() => loadDataset(config('big.txt'), { ...opts, configDir: dir }));
  assert.match(e.message, /big\.txt: the file is 50\.0 MiB, over the 50\.0 MiB limit/);
});

test('firstInvalidUtf8 finds overlong, surrogate, truncated and stray bytes', () => {
  const at = (...b: number[]) => firstInvalidUtf8(Uint8Array.from(b));
  assert.equal(at(0x61, 0xf0, 0x9f, 0x8c, 0x8a, 0xc3, 0xa9), -1);
  assert.equal(at(0x61, 0xc0, 0x80), 1);
  assert.equal(at(0xed, 0xa0, 0x80), 0);
  assert.equal(at(0x61, 0x62, 0xe2, 0x82), 2);
  assert.equal(at(0x80), 0);
  assert.equal(at(0xf4, 0x90, 0x80, 0x80), 0);
});

test('a bad sequenceLength or validationSplit is a DataError on the config field', () => {
  assert.equal(dataError(() => load('corpus.txt', { sequenceLength: 0 })).field, 'training.sequenceLength');
  assert.equal(dataError(() => load('corpus.txt', { validationSplit: 1 })).field, 'validationSplit');
});

test('loading is deterministic', () => {
  const a: TextDataset = load('corpus.txt'), b = load('corpus.txt');
  assert.deepEqual(a.vocabulary, b.vocabulary);
  assert.deepEqual(a.batch('validation', [1, 0]), b.batch('validation', [1, 0]));
});

test('training windows start elsewhere each epoch, inside the training part; validation windows never move', () => {
  // 1 000 code points, T 7, split 0.1: 900 train tokens → 128 windows, the last leaves 899 − 896 = 3 over
  const corpus = Array.from({ length: 1000 }, (_, i) => String.fromCharCode(0x4e00 + i)).join('');
  const ds = textDataset(corpus, { level: 'char', lowercase: false }, { validationSplit: 0.1, sequenceLength: 7 });
  assert.equal(ds.trainSize, 128);
  const first = (epoch: number) => ds.decode(ds.batch('train', [0], epoch).x).codePointAt(0)! - 0x4e00 + 1;   // ids: <unk> is 0
  assert.equal(first(0), 1, 'the first epoch is unshifted');
  const shifts = new Set(Array.from({ length: 40 }, (_, e) => first(e) - 1));
  assert.deepEqual([...shifts].sort(), [0, 1, 2, 3], 'every shift 0..3 occurs, none beyond the slack');
  for (let e = 0; e < 40; e++) {
    const { x, y } = ds.batch('train', [127], e);
    assert.ok(ds.decode(y).codePointAt(6)! - 0x4e00 < 900, `epoch ${e}: the last target stays in the training part`);
    assert.equal(ds.decode(x).slice(1), ds.decode(y).slice(0, 6), 'y is x moved by one');
    assert.deepEqual(ds.batch('validation', [0], e).x, ds.batch('validation', [0]).x);
  }
  assert.equal(windowShift(3, 0), 0, 'no slack, no shift');
});

test('validationFrom "blocks": the tail of each of 50 blocks validates, as char-rnn does; windows stay inside their part', () => {
  // 10 000 distinct code points: a token's id - 1 is its position, so every window says where it came from
  const corpus = Array.from({ length: 10_000 }, (_, i) => String.fromCodePoint(0x4e00 + i)).join('');
  const opts = { validationSplit: 0.1, sequenceLength: 9 };
  const tail = textDataset(corpus, { level: 'char', lowercase: false }, opts);
  const ds = textDataset(corpus, { level: 'char', lowercase: false, validationFrom: 'blocks' }, opts);
  // blocks of 200: 180 train (19 windows of 9 + 1), 20 validate (2 windows)
  assert.equal(ds.trainTokens, 9000);
  assert.equal(ds.validationTokens, 1000);
  assert.equal(ds.trainSize, 50 * 19);
  assert.equal(ds.validationSize, 50 * 2);
  assert.match(ds.describe(), /validation from the tail of each of 50 blocks/);
  assert.doesNotMatch(tail.describe(), /blocks/);
  const pos = (w: string) => Array.from(w, (c) => c.codePointAt(0)! - 0x4e00);
  const inTrain = (p: number) => p % 200 < 180;
  for (let e = 0; e < 20; e++) {
    for (let i = 0; i < ds.trainSize; i++) {
      const { x, y } = ds.batch('train', [i], e);
      const px = pos(ds.decode(x)), py = pos(ds.decode(y));
      assert.ok([...px, ...py].every(inTrain), `epoch ${e} window ${i}: ${px[0]}…${py.at(-1)} leaves its training part`);
      assert.ok(Math.floor(px[0] / 200) === Math.floor(py.at(-1)! / 200), 'one block per window');
    }
  }
  // every character occurs once, so the 1000 validation characters are exactly those outside the training
  // parts: none of them is in the vocabulary, and every validation window reads only them
  assert.equal(ds.unknownValidationTokens, 1000);
  assert.equal(ds.vocabulary.length, 9001);
  for (let i = 0; i < ds.validationSize; i++) assert.ok(ds.batch('validation', [i]).y.every((id) => id === UNK_ID));
});

test('validationFrom "blocks" on a corpus too short for its blocks says what to change', () => {
  assert.throws(
    () => textDataset('abcdefgh'.repeat(100), { level: 'char', lowercase: false, validationFrom: 'blocks' }, { validationSplit: 0.1, sequenceLength: 8 }),
    (e: unknown) => e instanceof DataError && /50 blocks of about 16/.test(e.message) && /"validationFrom": "tail"/.test(e.message) && e.field === 'data.validationFrom',
  );
});
