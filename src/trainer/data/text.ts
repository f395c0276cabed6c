// Text corpora for next-token prediction, after karpathy's char-rnn / min-char-rnn: the corpus is one
// token stream; the first (1 − validationSplit) of it trains, the tail validates. With `validationFrom:
// "blocks"` the stream is cut into 50 equal blocks and the tail of each validates instead, as char-rnn's
// loader does (it reshapes the corpus into batch-size rows and validates the last columns): validation
// text is then spread through the work rather than being its last act.
//
// Tokens: by default Unicode code points (not UTF-16 units, so an emoji is one token). Word level
// splits into runs of letters, marks and digits (keeping inner apostrophes: "don't") and makes every
// other non-space character a token of its own; whitespace, newlines included, is dropped.
// Line endings are normalised to "\n" first, so a Windows file has no "\r" token.
//
// Vocabulary: `<unk>` is always id 0 (so `encode` can map an unseen prompt character to something
// even when the validation tail holds none), followed by the tokens of the training part only,
// sorted by code point (char) or by string order (word). Validation tokens outside it become `<unk>`.
//
// Examples: windows x = tok[s, s+T), y = tok[s+1, s+T+1) with s = i·T from the start of their part,
// entirely inside it.
// Training windows of epoch e > 0 start `shift(e)` tokens later, 0 ≤ shift ≤ the tokens the last window
// leaves over (up to T − 1): each epoch cuts the corpus at other places, so a long run does not see the
// same 100 characters, with the same empty state before them, 50 times. Validation windows never move.

import { basename } from 'node:path';
import type { TextDataConfig } from '../../shared/config';
import { readDataFile } from './dataFile';
import { DataError } from './dataError';
import { allocateBatch } from '../batch';
import { type Baseline, checkIndex, checkValidationSplit, checkWholeNumber, type Split, type TokenDataset } from './dataset';
import { formatCount } from '../../shared/format';
import { ELEMENTS_PER_STEP, runSteps, type Steps } from '../steps';

export const UNK = '<unk>';
export const UNK_ID = 0;

export interface TextDataset extends TokenDataset {
  kind: 'text';
  task: 'text';
  head: 'every';
  level: 'char' | 'word';
  /** Tokens in the training part and in the validation tail. */
  trainTokens: number;
  validationTokens: number;
  /** Validation tokens that were not in the training vocabulary (mapped to `<unk>`). */
  unknownValidationTokens: number;
  /** A unigram model's cross-entropy. */
  baseline: Baseline;
  /** Prompt → token ids, unknown tokens → the `<unk>` id. */
  encode(text: string): Int32Array;
}

export interface TextOptions {
  configDir: string;
  validationSplit: number;
  sequenceLength: number;
}

export function loadTextDataset(data: TextDataConfig, opts: TextOptions): TextDataset {
  return runSteps(loadTextDatasetSteps(data, opts));
}

/** `loadTextDataset` in chunks (steps.ts): a corpus of 50 MB takes seconds to tokenise. */
export function* loadTextDatasetSteps(data: TextDataConfig, opts: TextOptions): Steps<TextDataset> {
  const { file, text } = readDataFile(data.path, opts.configDir);
  yield;
  return yield* textDatasetSteps(text, data, opts, file);
}

type TextSource = Pick<TextDataConfig, 'level' | 'lowercase'> & Partial<Pick<TextDataConfig, 'validationFrom'>>;

/** The dataset of a corpus already in memory; `file` only names it in errors and describe(). */
export function textDataset(corpus: string, data: TextSource, opts: Pick<TextOptions, 'validationSplit' | 'sequenceLength'>, file?: string): TextDataset {
  return runSteps(textDatasetSteps(corpus, data, opts, file));
}

function* textDatasetSteps(corpus: string, data: TextSource, opts: Pick<TextOptions, 'validationSplit' | 'sequenceLength'>, file?: string): Steps<TextDataset> {
  const T = opts.sequenceLength;
  const split = opts.validationSplit;
  checkWholeNumber(T, 1, 'training.sequenceLength');
  checkValidationSplit(split);
  const level = data.level;
  const unit = level === 'char' ? 'characters' : 'words';

  // Raw tokens: code points (char) or strings (word); mapped to ids once the vocabulary is known.
  const raw = level === 'char' ? yield* codePoints(normaliseNewlines(corpus)) : yield* wordsOf(corpus, data.lowercase);
  const n = raw.length;
  const blocks = data.validationFrom === 'blocks' && split > 0;
  const parts = blocks ? blockParts(n, split) : { train: [[0, Math.floor(n * (1 - split))]], validation: split === 0 ? [] : [[Math.floor(n * (1 - split)), n]] } as Parts;
  const nTrain = tokensIn(parts.train);
  const nValidation = tokensIn(parts.validation);
  const fits = (count: number) => {
    const train = Math.floor(count * (1 - split));
    return train >= T + 1 && (split === 0 || count - train >= T + 1);
  };
  if (n === 0) {
    throw new DataError(`the corpus holds no ${unit}`, `Put text in it: at least ${minimumTokens(T, split, fits)} ${unit} for sequenceLength ${T}`, { file, field: 'data.path' });
  }
  if (!blocks && !fits(n)) {
    const needed = minimumTokens(T, split, fits);
    // Name every part that is too short, with its size: the validation tail is often the one.
    const short = [
      ...(nTrain < T + 1 ? [{ part: 'the training part', size: nTrain }] : []),
      ...(split > 0 && nValidation < T + 1 ? [{ part: 'the validation tail', size: nValidation }] : []),
    ];
    const which = short.length === 1
      ? `${short[0].part} must hold one window of ${T + 1} and has ${formatCount(short[0].size)}`
      : `the training part and the validation tail must each hold one window of ${T + 1}; they have ${formatCount(nTrain)} and ${formatCount(nValidation)}`;
    const longest = Math.min(nTrain, split > 0 ? nValidation : Infinity) - 1;
    throw new DataError(
      `the corpus has ${formatCount(n)} ${unit}; with sequenceLength ${T} and validationSplit ${split} it needs at least ${formatCount(needed)} (${which})`,
      `Use a longer text or lower training.sequenceLength${longest >= 1 ? ` to ${formatCount(longest)} or less` : ''}${short.some((s) => s.part === 'the validation tail') ? ', or raise validationSplit' : ''}`,
      { file, field: 'training.sequenceLength' },
    );
  }
  const trainWindows = windowsIn(parts.train, T);
  const validationWindows = windowsIn(parts.validation, T);
  if (blocks && (trainWindows.starts.length === 0 || validationWindows.starts.length === 0)) {
    const part = trainWindows.starts.length === 0 ? 'training' : 'validation';
    throw new DataError(
      `with validationFrom "blocks" the corpus's ${formatCount(n)} ${unit} make ${BLOCKS} blocks of about ${formatCount(Math.floor(n / BLOCKS))}, and no block's ${part} part holds a window of ${T + 1} (sequenceLength ${T}, validationSplit ${split})`,
      `Use "validationFrom": "tail", a longer text, a lower training.sequenceLength${part === 'validation' ? ' or a higher validationSplit' : ''}`,
      { file, field: 'data.validationFrom' },
    );
  }

  const { ids, vocabulary, unknown } = yield* vocabularyOf(raw, level, parts.train);
  const V = vocabulary.length;
  const tokenId = new Map(vocabulary.map((token, id) => [token, id]));

  const trainSize = trainWindows.starts.length;
  const validationSize = validationWindows.starts.length;
  const slack = trainWindows.slack;   // how far every training window can move and stay in its part

  const unigram = yield* unigramLoss(ids, V, parts, split === 0);

  const shape = { input: 'tokens', inputSize: V, outputSize: V, head: 'every', loss: 'xent', steps: T } as const;
  const name = file !== undefined ? basename(file) : 'text';
  return {
    kind: 'text',
    task: 'text',
    ...shape,
    level,
    trainSize,
    validationSize,
    vocabulary,
    trainTokens: nTrain,
    validationTokens: nValidation,
    unknownValidationTokens: unknown,
    baseline: { value: unigram, metric: 'xent', label: 'unigram (token frequencies, no context)' },
    batch(which: Split, indices: ArrayLike<number>, epoch = 0) {
      const size = which === 'train' ? trainSize : validationSize;
      const starts = which === 'train' ? trainWindows.starts : validationWindows.starts;
      const shift = which === 'train' ? windowShift(epoch, slack) : 0;
      const out = allocateBatch(shape, indices.length);
      for (let b = 0; b < indices.length; b++) {
        checkIndex(indices[b], size, which);
        const start = starts[indices[b]] + shift;
        out.x.set(ids.subarray(start, start + T), b * T);
        out.y.set(ids.subarray(start + 1, start + T + 1), b * T);
      }
      return out;
    },
    decode(tokenIds: ArrayLike<number>) {
      const parts = Array.from(tokenIds, (id) => (id === UNK_ID && level === 'char' ? '\uFFFD' : (vocabulary[id] ?? '\uFFFD')));
      return level === 'char' ? parts.join('') : joinWords(parts);
    },
    encode(prompt: string) {
      const tokens = level === 'char'
        ? Array.from(normaliseNewlines(prompt))
        : tokenizeWords(prompt, data.lowercase);
      return Int32Array.from(tokens, (t) => tokenId.get(t) ?? UNK_ID);
    },
    describe() {
      const u = level === 'char' ? 'chars' : 'words';
      const unk = unknown > 0 ? ` (${formatCount(unknown)} unseen → <unk>)` : '';
      return `${name}: ${formatCount(n)} ${u}, vocab ${formatCount(V)} incl. <unk>, ` +
        `${formatCount(nTrain)} train / ${formatCount(nValidation)} validation${unk}; ` +
        `${formatCount(trainSize)} train / ${formatCount(validationSize)} validation windows of ${T}` +
        (blocks ? `; validation from the tail of each of ${BLOCKS} blocks` : '');
    },
  };
}

/** Token ids of the corpus, with the vocabulary of the training ranges (`<unk>` first, then sorted by
 *  code point or string) and the count of tokens outside it (mapped to `<unk>`). */
function* vocabularyOf(raw: Int32Array | string[], level: 'char' | 'word', train: [number, number][]): Steps<{ ids: Int32Array; vocabulary: string[]; unknown: number }> {
  const n = raw.length;
  const ids = new Int32Array(n);
  let vocabulary: string[];
  let unknown = 0;
  if (level === 'char') {
    const cps = raw as Int32Array;
    const seen = new Set<number>();
    for (const [a, b] of train) {
      for (let i = a; i < b; i++) {
        seen.add(cps[i]);
        if (i % ELEMENTS_PER_STEP === 0) yield;
      }
    }
    const sorted = [...seen].sort((a, b) => a - b);
    const idOf = new Map<number, number>(sorted.map((cp, k) => [cp, k + 1]));
    vocabulary = [UNK, ...sorted.map((cp) => String.fromCodePoint(cp))];
    for (let i = 0; i < n; i++) {
      const id = idOf.get(cps[i]);
      if (id === undefined) unknown++;
      ids[i] = id ?? UNK_ID;
      if (i % ELEMENTS_PER_STEP === 0) yield;
    }
  } else {
    const words = raw as string[];
    const seen = new Set<string>();
    for (const [a, b] of train) {
      for (let i = a; i < b; i++) {
        seen.add(words[i]);
        if (i % ELEMENTS_PER_STEP === 0) yield;
      }
    }
    const sorted = [...seen].sort();
    const idOf = new Map<string, number>(sorted.map((w, k) => [w, k + 1]));
    vocabulary = [UNK, ...sorted];
    for (let i = 0; i < n; i++) {
      const id = idOf.get(words[i]);
      if (id === undefined) unknown++;
      ids[i] = id ?? UNK_ID;
      if (i % ELEMENTS_PER_STEP === 0) yield;
    }
  }
  return { ids, vocabulary, unknown };
}

/** The reference: a unigram model (token frequencies of the training part, add-one smoothed), no
 *  context, scored on the validation targets (the training targets without a validation split). */
function* unigramLoss(ids: Int32Array, V: number, parts: Parts, onTraining: boolean): Steps<number> {
  const counts = new Float64Array(V);
  let nTrain = 0;
  for (const [a, b] of parts.train) {
    for (let i = a; i < b; i++) counts[ids[i]]++;
    nTrain += b - a;
    yield;
  }
  let unigram = 0, scored = 0;
  for (const [a, b] of onTraining ? parts.train : parts.validation) {
    for (let i = a + 1; i < b; i++) {
      unigram -= Math.log((counts[ids[i]] + 1) / (nTrain + V));
      if (i % ELEMENTS_PER_STEP === 0) yield;
    }
    scored += b - a - 1;
  }
  return unigram / scored;
}

/** char-rnn's loader splits the corpus into as many rows as its batch size, 50 by default. */
const BLOCKS = 50;

/** Token ranges [start, end) of each split. */
interface Parts {
  train: [number, number][];
  validation: [number, number][];
}

/** `validationFrom: "blocks"`: BLOCKS equal blocks, the last `split` of each validating. */
function blockParts(n: number, split: number): Parts {
  const parts: Parts = { train: [], validation: [] };
  for (let k = 0; k < BLOCKS; k++) {
    const a = Math.floor((k * n) / BLOCKS), b = Math.floor(((k + 1) * n) / BLOCKS);
    const cut = a + Math.floor((b - a) * (1 - split));
    parts.train.push([a, cut]);
    parts.validation.push([cut, b]);
  }
  return parts;
}

const tokensIn = (ranges: [number, number][]): number => ranges.reduce((sum, [a, b]) => sum + b - a, 0);

/** Window starts every T tokens from the start of each range (a window needs T + 1 tokens), and the
 *  fewest tokens any range's last window leaves over: how far all windows can shift and stay inside. */
function windowsIn(ranges: [number, number][], T: number): { starts: Int32Array; slack: number } {
  const starts: number[] = [];
  let slack = Infinity;
  for (const [a, b] of ranges) {
    const count = Math.floor((b - a - 1) / T);
    if (count <= 0) continue;
    for (let i = 0; i < count; i++) starts.push(a + i * T);
    slack = Math.min(slack, b - a - 1 - count * T);
  }
  return { starts: Int32Array.from(starts), slack: starts.length ? slack : 0 };
}

/** Where epoch `epoch`'s training windows start: 0 in the first epoch, then a hash of the epoch in [0, slack]. */
export function windowShift(epoch: number, slack: number): number {
  if (epoch === 0 || slack === 0) return 0;
  let h = Math.imul(epoch ^ 0x5bd1e995, 0x9e3779b1) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b) >>> 0;
  return ((h ^ (h >>> 13)) >>> 0) % (slack + 1);
}

/** One word-level token: a run of letters, marks and digits (inner apostrophes kept), or one other non-space character. */
export const WORD_TOKEN = /[\p{L}\p{M}\p{N}]+(?:['’][\p{L}\p{M}\p{N}]+)*|[^\s\p{L}\p{M}\p{N}]/gu;

/** Word-level tokens: letter/digit runs (inner apostrophes kept) and single punctuation characters. */
export function tokenizeWords(text: string, lowercase: boolean): string[] {
  const source = lowercase ? text.toLowerCase() : text;
  return source.match(WORD_TOKEN) ?? [];
}

/** Joins word tokens for display: a space between words, none before closing or after opening punctuation. */
export function joinWords(tokens: string[]): string {
  let out = '';
  let glue = false;
  for (const t of tokens) {
    if (out !== '' && !glue && !/^[.,;:!?%)\]}»”’]$/.test(t)) out += ' ';
    out += t;
    glue = /^[(\[{«“]$/.test(t);
  }
  return out;
}

const normaliseNewlines = (s: string): string => s.replace(/\r\n?/g, '\n');

function* codePoints(s: string): Steps<Int32Array> {
  const out = new Int32Array(s.length);
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const cp = s.codePointAt(i)!;
    out[n++] = cp;
    if (cp > 0xffff) i++;
    if (n % ELEMENTS_PER_STEP === 0) yield;
  }
  return out.subarray(0, n);
}

/** Characters of text tokenised per chunk: chunks end at whitespace, which no word token contains. */
const WORD_CHUNK_CHARS = 1 << 20;

/** tokenizeWords, a chunk of the text at a time. */
function* wordsOf(text: string, lowercase: boolean): Steps<string[]> {
  const words: string[] = [];
  for (let start = 0; start < text.length;) {
    let end = Math.min(text.length, start + WORD_CHUNK_CHARS);
    while (end < text.length && !/\s/.test(text[end])) end++;
    for (const w of tokenizeWords(text.slice(start, end), lowercase)) words.push(w);
    start = end;
    yield;
  }
  return words;
}

/** Smallest corpus length for which `fits` holds (fits is monotone up to floor effects). */
function minimumTokens(T: number, split: number, fits: (n: number) => boolean): number {
  let n = Math.ceil(Math.max((T + 1) / (1 - split), split > 0 ? (T + 1) / split : 0));
  while (!fits(n)) n++;
  while (n > 1 && fits(n - 1)) n--;
  return n;
}
