// `data.kind: "synthetic-pairs"`: generated source/target pairs, character level on both sides.
//
//   task      source → target            vocabulary (after the 4 specials)   longest S / T (with </s>)
//   addition  "535+61" → "596"           source + 0–9, target 0–9            2·digits + 1 / digits + 2
//   copy      "gbfad" → "gbfad"          the first alphabetSize of a–z       maxLength / maxLength + 1
//   reverse   "gbfad" → "dafbg"          the first alphabetSize of a–z       maxLength / maxLength + 1
//   sort      "gbfad" → "abdfg"          the first alphabetSize of a–z       maxLength / maxLength + 1
//
// addition follows the Keras example (addition_rnn, after Zaremba & Sutskever 2014, "Learning to
// execute"): each operand gets 1 to `digits` digits (uniform), each digit uniform, read as a number
// (so "042" is 42). With `reverseSource` the encoder reads the source backwards ("16+535"), which
// they found to train faster. copy, reverse and sort draw a length uniformly in [minLength, maxLength]
// and each letter uniformly. copy is the task with the longest distances between a target token and its
// source token, the one model.reverseSource shortens (Sutskever et al. 2014); reverse is the opposite.
//
// Pair i of a split is a pure function of (seed, split, i), as in synthetic.ts. The splits never
// share a source: a source belongs to validation when a hash of it under the seed falls below
// validationSplit, and each split redraws until it gets one of its own. So validation measures
// pairs never seen in training, even where the source space is small (1-digit addition has 100).
// Sizes: samples training pairs, round(samples · validationSplit) validation pairs.

import type { PairTask, SyntheticPairsDataConfig } from '../../shared/pairsConfig';
import { formatCount } from '../../shared/format';
import { DataError } from './dataError';
import { checkValidationSplit, checkWholeNumber, type Split } from './dataset';
import { pairBaselines } from './pairBaseline';
import { pairsDataset, type PairExample, type PairsDataset } from './pairDataset';
import { pairVocabulary, type PairVocabulary } from './pairVocabulary';
import { exampleRng, randInt, type Rng } from './random';

export interface SyntheticPairsDataset extends PairsDataset {
  task: PairTask;
  /** The paper or example the task follows. */
  citation: string;
  seed: number;
}

export interface SyntheticPairsOptions {
  validationSplit: number;
}

interface GeneratedPair {
  /** The source before any reversal: what decides the pair's split. */
  key: string;
  source: string;
  target: string;
}

interface PairGenerator {
  title: string;
  citation: string;
  sourceTokens: string[];
  targetTokens: string[];
  longestSource: number;
  longestTarget: number;
  draw(rng: Rng): GeneratedPair;
}

const STREAM: Record<Split, number> = { train: 1, validation: 2 };
/** Stream of the split hash (pairs.ts's file split uses 3). */
const PARTITION_STREAM = 4;
/** Draws before a split gives up finding a source of its own: only a tiny source space runs out. */
const MAX_DRAWS = 100_000;
/** Pairs the baselines are fitted on (training) and scored on (validation), at most. */
const BASELINE_FIT = 20_000;
const BASELINE_SCORE = 2_000;

export function loadSyntheticPairsDataset(data: SyntheticPairsDataConfig, opts: SyntheticPairsOptions): SyntheticPairsDataset {
  const split = opts.validationSplit;
  checkValidationSplit(split);
  checkWholeNumber(data.samples, 1, 'data.samples');
  if (!Number.isSafeInteger(data.seed)) {
    throw new DataError(`data.seed is ${data.seed}`, 'Set data.seed to a whole number', { field: 'data.seed' });
  }
  const g = generator(data);
  const sourceVocabulary = pairVocabulary('char', false, g.sourceTokens);
  const targetVocabulary = pairVocabulary('char', false, g.targetTokens);
  const size: Record<Split, number> = { train: data.samples, validation: Math.round(data.samples * split) };

  const isValidationSource = (key: string) => split > 0 && exampleRng(data.seed, PARTITION_STREAM, fnv1a(key))() < split;
  const example = (which: Split, index: number): PairExample => {
    const rng = exampleRng(data.seed, STREAM[which], index);
    for (let draw = 0; draw < MAX_DRAWS; draw++) {
      const pair = g.draw(rng);
      if (isValidationSource(pair.key) === (which === 'validation')) return { source: pair.source, target: pair.target };
    }
    throw new DataError(
      `${g.title} has too few distinct sources to keep validation sources out of training: ${MAX_DRAWS} draws found no ${which} source`,
      'Allow more sources (more digits, a longer maxLength or a larger alphabetSize), or set validationSplit to 0',
      { field: 'data.task' },
    );
  };
  const encode = (vocabulary: PairVocabulary, text: string) => Int32Array.from(text, (ch) => vocabulary.idOf(ch));
  const ids = (which: Split, index: number) => {
    const { source, target } = example(which, index);
    return { source: encode(sourceVocabulary, source), target: encode(targetVocabulary, target) };
  };
  const targets = (which: Split, count: number) => Array.from({ length: count }, (_, i) => ids(which, i).target);
  const scored: Split = size.validation > 0 ? 'validation' : 'train';
  const baselines = pairBaselines(
    targetVocabulary.size,
    targets('train', Math.min(size.train, BASELINE_FIT)),
    targets(scored, Math.min(size[scored], BASELINE_SCORE)),
  );

  return {
    ...pairsDataset({
      task: data.task,
      title: g.title,
      trainSize: size.train,
      validationSize: size.validation,
      sourceVocabulary,
      targetVocabulary,
      sourceSteps: g.longestSource,
      targetSteps: g.longestTarget + 1,
      baseline: baselines.xent,
      baselines,
      ids,
      example,
      describe() {
        return `${g.title} (${g.citation}), seed ${data.seed}: ${formatCount(size.train)} train / ${formatCount(size.validation)} validation pairs ` +
          `(no validation source in training); source ≤ ${g.longestSource} chars, vocab ${sourceVocabulary.size}; ` +
          `target ≤ ${g.longestTarget} chars + </s>, vocab ${targetVocabulary.size} (each incl. <pad> <s> </s> <unk>); ` +
          `baseline ${baselines.xent.label}: xent ${baselines.xent.value.toPrecision(3)}, token accuracy ${baselines.accuracy.value.toPrecision(3)}`;
      },
    }),
    task: data.task,
    citation: g.citation,
    seed: data.seed,
  };
}

function generator(data: SyntheticPairsDataConfig): PairGenerator {
  switch (data.task) {
    case 'addition': return addition(data);
    case 'copy': return letters(data, 'copy', (s) => s);
    case 'reverse': return letters(data, 'reverse', (s) => [...s].reverse().join(''));
    case 'sort': return letters(data, 'sort', (s) => [...s].sort().join(''));
    default: {
      const unknown: never = data.task;
      throw new DataError(`data.task is "${String(unknown)}"`, 'Use one of addition, copy, reverse, sort', { field: 'data.task' });
    }
  }
}

const DIGITS = '0123456789';

function addition({ digits, reverseSource }: SyntheticPairsDataConfig): PairGenerator {
  // Sums of two operands under 10^15 stay exact in a double.
  if (!Number.isInteger(digits) || digits < 1 || digits > 15) {
    throw new DataError(`data.digits is ${digits}`, 'Set data.digits to a whole number from 1 to 15', { field: 'data.digits' });
  }
  const operand = (rng: Rng) => {
    let text = '';
    for (let n = 1 + randInt(rng, digits); n > 0; n--) text += DIGITS[randInt(rng, 10)];
    return Number(text);
  };
  return {
    title: `addition of numbers up to ${digits} digits${reverseSource ? ', source reversed' : ''}`,
    citation: 'Zaremba & Sutskever 2014; the Keras addition_rnn example',
    sourceTokens: [...DIGITS, '+'],
    targetTokens: [...DIGITS],
    longestSource: 2 * digits + 1,
    longestTarget: digits + 1,
    draw(rng) {
      const a = operand(rng), b = operand(rng);
      const key = `${a}+${b}`;
      return { key, source: reverseSource ? [...key].reverse().join('') : key, target: String(a + b) };
    },
  };
}

function letters({ minLength, maxLength, alphabetSize }: SyntheticPairsDataConfig, task: 'copy' | 'reverse' | 'sort', transform: (s: string) => string): PairGenerator {
  if (!Number.isInteger(alphabetSize) || alphabetSize < 2 || alphabetSize > 26) {
    throw new DataError(`data.alphabetSize is ${alphabetSize}`, 'Set data.alphabetSize to a whole number from 2 to 26', { field: 'data.alphabetSize' });
  }
  checkWholeNumber(minLength, 1, 'data.minLength');
  checkWholeNumber(maxLength, 1, 'data.maxLength');
  if (minLength > maxLength) {
    throw new DataError(`data.minLength (${minLength}) is above data.maxLength (${maxLength})`, 'Lower minLength or raise maxLength', { field: 'data.minLength' });
  }
  const alphabet = 'abcdefghijklmnopqrstuvwxyz'.slice(0, alphabetSize);
  const lengths = minLength === maxLength ? `${minLength}` : `${minLength}–${maxLength}`;
  return {
    title: `${task} ${lengths} letters of a–${alphabet[alphabetSize - 1]}`,
    citation: {
      copy: 'sequence copying, Sutskever, Vinyals & Le 2014 (source reversal); diagonal attention',
      reverse: 'sequence reversal, Grefenstette et al. 2015; anti-diagonal attention',
      sort: 'sorting, Vinyals, Bengio & Kudlur 2016',
    }[task],
    sourceTokens: [...alphabet],
    targetTokens: [...alphabet],
    longestSource: maxLength,
    longestTarget: maxLength,
    draw(rng) {
      let source = '';
      for (let n = minLength + randInt(rng, maxLength - minLength + 1); n > 0; n--) source += alphabet[randInt(rng, alphabetSize)];
      return { key: source, source, target: transform(source) };
    },
  };
}

/** FNV-1a over UTF-16 code units: a source's index into the partition stream. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
