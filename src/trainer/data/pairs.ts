// `data.kind: "pairs"`: source/target pairs from a TSV or CSV file (pairsFile.ts reads it), for an
// encoder–decoder (batch layout in pairDataset.ts).
//
// In order: every well-formed pair is cut into tokens per side (pairVocabulary.ts); pairs with more
// source tokens than maxSourceLength or more target tokens than maxTargetLength are dropped and
// counted per limit (a pair over both counts in both); the first maxPairs of the rest are kept.
//
// Split: pairs with the same source (as tokens) stay together, so validation never scores a source
// the model was trained on (Tatoeba gives "Go." four French targets). The distinct sources are
// shuffled with data.seed and taken into validation until round(pairs · validationSplit) pairs are
// there (it may overshoot by the last source's other targets). Each split keeps file order. The same
// file, settings and seed give the same split; changing maxPairs or a length limit changes the pool
// and so the split. Decoding scores a validation source with several targets once, against all of them
// (firstWithSource), as G2P benchmarks score a word with several pronunciations.
//
// Vocabularies hold the training pairs' tokens only; a validation token outside them is <unk> and
// counted, as the text kind does.

import { basename } from 'node:path';
import type { PairsDataConfig } from '../../shared/pairsConfig';
import { formatCount } from '../../shared/format';
import { readDataFile } from './dataFile';
import { DataError } from './dataError';
import { checkValidationSplit, type Split } from './dataset';
import { pairBaselines } from './pairBaseline';
import { pairsDataset, type PairIds, type PairsDataset } from './pairDataset';
import { parsePairsFile, type PairsFile, type RawPair, type ShortLines } from './pairsFile';
import { PAIR_UNK_ID, pairVocabulary, tokenizePairText } from './pairVocabulary';
import { exampleRng, randInt } from './random';

export interface PairsCounts {
  /** Data rows read (blank lines and the header not counted). */
  rows: number;
  /** Malformed lines skipped (skipMalformed), by reason. */
  skipped: PairsFile['skipped'];
  /** Well-formed pairs. */
  wellFormed: number;
  /** Pairs with more source tokens than maxSourceLength, and with more target tokens than maxTargetLength. */
  overSourceLength: number;
  overTargetLength: number;
  /** Pairs over either limit. */
  dropped: number;
  /** Pairs within the limits that maxPairs left out. */
  overMaxPairs: number;
  /** Pairs used: train + validation. */
  pairs: number;
  train: number;
  validation: number;
  /** Validation tokens that the training pairs do not hold (→ <unk>), per side. */
  unknownSourceTokens: number;
  unknownTargetTokens: number;
}

export interface PairsFileDataset extends PairsDataset {
  task: 'pairs';
  /** Absolute path of the file. */
  file: string;
  counts: PairsCounts;
  /** What the file holds that trains but may not be meant to (the run's warnings). */
  warnings: string[];
}

export interface PairsOptions {
  configDir: string;
  validationSplit: number;
}

/** Random stream of the split (random.ts); the synthetic tasks use 1 and 2. */
const SPLIT_STREAM = 3;

export function loadPairsDataset(data: PairsDataConfig, opts: PairsOptions): PairsFileDataset {
  checkValidationSplit(opts.validationSplit);
  const { file, text } = readDataFile(data.path, opts.configDir);
  return pairsFromText(text, data, opts.validationSplit, file);
}

interface Tokenized {
  pair: RawPair;
  source: string[];
  target: string[];
}

/** The dataset of a pairs file already in memory; `file` is its absolute path (errors, describe()). */
export function pairsFromText(text: string, data: PairsDataConfig, validationSplit: number, file: string): PairsFileDataset {
  checkValidationSplit(validationSplit);
  const parsed = parsePairsFile(text, data, file);
  const { fitting, overSourceLength, overTargetLength } = lengthLimits(parsed, data, file);
  const used = data.maxPairs > 0 ? fitting.slice(0, data.maxPairs) : fitting;

  const split = splitBySource(used, validationSplit, data.seed, file);
  const sourceVocabulary = pairVocabulary(data.sourceLevel, data.lowercase, split.train.flatMap((t) => t.source));
  const targetVocabulary = pairVocabulary(data.targetLevel, data.lowercase, split.train.flatMap((t) => t.target));
  const store = {
    train: encodeSplit(split.train, sourceVocabulary.idOf, targetVocabulary.idOf),
    validation: encodeSplit(split.validation, sourceVocabulary.idOf, targetVocabulary.idOf),
  };
  const counts: PairsCounts = {
    rows: parsed.rows,
    skipped: parsed.skipped,
    wellFormed: parsed.pairs.length,
    overSourceLength,
    overTargetLength,
    dropped: parsed.pairs.length - fitting.length,
    overMaxPairs: fitting.length - used.length,
    pairs: used.length,
    train: split.train.length,
    validation: split.validation.length,
    unknownSourceTokens: store.validation.unknownSource,
    unknownTargetTokens: store.validation.unknownTarget,
  };

  const ids = (which: Split, index: number): PairIds => store[which].ids(index);
  const targets = (which: Split) => Array.from({ length: store[which].size }, (_, i) => store[which].ids(i).target);
  const baselines = pairBaselines(targetVocabulary.size, targets('train'), targets(counts.validation > 0 ? 'validation' : 'train'));
  const sourceSteps = used.reduce((m, t) => Math.max(m, t.source.length), 0);
  const targetSteps = used.reduce((m, t) => Math.max(m, t.target.length), 0) + 1;
  const name = basename(file);
  const members = { train: split.train, validation: split.validation };
  const firstWithSource = firstOfEachSource(split.validation);

  return {
    ...pairsDataset({
      task: 'pairs',
      title: name,
      trainSize: counts.train,
      validationSize: counts.validation,
      sourceVocabulary,
      targetVocabulary,
      sourceSteps,
      targetSteps,
      baseline: baselines.xent,
      baselines,
      ids,
      firstWithSource: (index) => firstWithSource[index],
      example(which, index) {
        const { pair } = members[which][index];
        return { source: pair.source, target: pair.target, line: pair.line };
      },
      describe() {
        const unknown = counts.unknownSourceTokens + counts.unknownTargetTokens;
        return `${name}: ${formatCount(counts.pairs)} pairs of ${formatCount(counts.rows)} ${parsed.format.toUpperCase()} rows` +
          `${droppedText(counts, data)}, ${formatCount(counts.train)} train / ${formatCount(counts.validation)} validation (split by source, seed ${data.seed}); ` +
          `source ${units(data.sourceLevel)} ≤ ${sourceSteps}, vocab ${formatCount(sourceVocabulary.size)}; ` +
          `target ${units(data.targetLevel)} ≤ ${targetSteps - 1} + </s>, vocab ${formatCount(targetVocabulary.size)} (each incl. <pad> <s> </s> <unk>)` +
          `${unknown > 0 ? `; ${formatCount(unknown)} validation tokens unseen in training → <unk>` : ''}; ` +
          `baseline ${baselines.xent.label}: xent ${baselines.xent.value.toPrecision(3)}, token accuracy ${baselines.accuracy.value.toPrecision(3)}`;
      },
    }),
    task: 'pairs',
    file,
    counts,
    warnings: parsed.shortLines ? [shortLinesWarning(parsed.shortLines, name)] : [],
  };
}

function shortLinesWarning(s: ShortLines, name: string): string {
  const clip = (t: string) => JSON.stringify(t.length > 40 ? `${t.slice(0, 40)}…` : t);
  return `${name}: ${formatCount(s.count)} ${s.count === 1 ? 'line has' : 'lines have'} ${s.fields} fields where ${formatCount(s.usualLines)} have ${s.usualFields} ` +
    `(first at line ${s.firstLine}, read as source ${clip(s.example.source)} → target ${clip(s.example.target)}). ` +
    `A separator lost there moves a later column into the pair: check ${name}:${s.firstLine}; the pairs are trained as read.`;
}

/** What pairs with the same source share: their source tokens, as one string. */
const sourceKey = (t: Tokenized): string => t.source.join('\u0000');

/** For each pair, the index of the first pair with the same source tokens (itself when it is the first). */
function firstOfEachSource(pairs: readonly Tokenized[]): Int32Array {
  const first = new Map<string, number>();
  return Int32Array.from(pairs, (t, i) => {
    const key = sourceKey(t);
    const seen = first.get(key);
    if (seen !== undefined) return seen;
    first.set(key, i);
    return i;
  });
}

/** Tokens of every well-formed pair, and those within the length limits (the counts of the file header). */
function lengthLimits(parsed: PairsFile, data: PairsDataConfig, file: string) {
  let overSourceLength = 0, overTargetLength = 0, shortestSource = Infinity, shortestTarget = Infinity;
  const fitting: Tokenized[] = [];
  for (const pair of parsed.pairs) {
    const t: Tokenized = {
      pair,
      source: tokenizePairText(pair.source, data.sourceLevel, data.lowercase),
      target: tokenizePairText(pair.target, data.targetLevel, data.lowercase),
    };
    shortestSource = Math.min(shortestSource, t.source.length);
    shortestTarget = Math.min(shortestTarget, t.target.length);
    const overSource = data.maxSourceLength > 0 && t.source.length > data.maxSourceLength;
    const overTarget = data.maxTargetLength > 0 && t.target.length > data.maxTargetLength;
    if (overSource) overSourceLength++;
    if (overTarget) overTargetLength++;
    if (!overSource && !overTarget) fitting.push(t);
  }
  if (parsed.pairs.length === 0) {
    throw new DataError(
      `the file holds no well-formed pair: all ${formatCount(parsed.rows)} lines were skipped (${skippedText(parsed.skipped)})`,
      `Check the format (${parsed.format === 'tsv' ? 'source<TAB>target' : 'CSV'}) and data.sourceColumn / data.targetColumn`,
      { file, field: 'data.path' },
    );
  }
  if (fitting.length === 0) {
    const limits: string[] = [];
    if (overSourceLength > 0) limits.push(`${formatCount(overSourceLength)} have more than maxSourceLength ${data.maxSourceLength} source ${units(data.sourceLevel)} (the shortest source has ${shortestSource})`);
    if (overTargetLength > 0) limits.push(`${formatCount(overTargetLength)}${limits.length === 0 ? ' have' : ''} more than maxTargetLength ${data.maxTargetLength} target ${units(data.targetLevel)} (the shortest target has ${shortestTarget})`);
    throw new DataError(
      `no pair is left after the length limits: of ${formatCount(parsed.pairs.length)} ${parsed.pairs.length === 1 ? 'pair' : 'pairs'}, ${limits.join(', and ')}`,
      'Raise data.maxSourceLength / data.maxTargetLength (0 = no limit)',
      { file, field: overSourceLength >= overTargetLength ? 'data.maxSourceLength' : 'data.maxTargetLength' },
    );
  }
  return { fitting, overSourceLength, overTargetLength };
}

const units = (level: PairsDataConfig['sourceLevel']): string => (level === 'char' ? 'characters' : 'words');

/** The group shuffle of the file header: validation and training pairs, each in file order. */
function splitBySource(pairs: Tokenized[], validationSplit: number, seed: number, file: string): { train: Tokenized[]; validation: Tokenized[] } {
  const wanted = Math.round(pairs.length * validationSplit);
  if (validationSplit > 0 && wanted === 0) {
    throw new DataError(
      `${formatCount(pairs.length)} pairs are too few to hold validationSplit ${validationSplit} of them out (that rounds to none)`,
      'Use more pairs (check the length limits and maxPairs), raise validationSplit, or set it to 0',
      { file, field: 'validationSplit' },
    );
  }
  const groups = new Map<string, number[]>();
  pairs.forEach((t, i) => {
    const key = sourceKey(t);
    const group = groups.get(key);
    if (group) group.push(i);
    else groups.set(key, [i]);
  });
  const order = [...groups.values()];
  const rng = exampleRng(seed, SPLIT_STREAM, 0);
  for (let i = order.length - 1; i > 0; i--) {
    const j = randInt(rng, i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const isValidation = new Uint8Array(pairs.length);
  let taken = 0;
  for (const group of order) {
    if (taken >= wanted) break;
    for (const i of group) isValidation[i] = 1;
    taken += group.length;
  }
  if (taken === pairs.length) {
    throw new DataError(
      `the ${formatCount(pairs.length)} pairs have ${order.length === 1 ? 'one source' : `only ${order.length} distinct sources`}, so holding validationSplit ${validationSplit} out leaves no training pair (pairs with the same source stay together)`,
      'Use more pairs with different sources, lower validationSplit, or set it to 0',
      { file, field: 'validationSplit' },
    );
  }
  return { train: pairs.filter((_, i) => !isValidation[i]), validation: pairs.filter((_, i) => isValidation[i]) };
}

/** One split's token ids, both sides concatenated (offsets per pair), with its <unk> counts. */
function encodeSplit(pairs: Tokenized[], sourceId: (t: string) => number, targetId: (t: string) => number) {
  const pack = (side: 'source' | 'target', idOf: (t: string) => number) => {
    const starts = new Int32Array(pairs.length + 1);
    pairs.forEach((t, i) => (starts[i + 1] = starts[i] + t[side].length));
    const ids = new Int32Array(starts[pairs.length]);
    let unknown = 0;
    pairs.forEach((t, i) => t[side].forEach((token, k) => {
      const id = idOf(token);
      if (id === PAIR_UNK_ID) unknown++;
      ids[starts[i] + k] = id;
    }));
    return { starts, ids, unknown };
  };
  const source = pack('source', sourceId), target = pack('target', targetId);
  return {
    size: pairs.length,
    unknownSource: source.unknown,
    unknownTarget: target.unknown,
    ids: (i: number): PairIds => ({
      source: source.ids.subarray(source.starts[i], source.starts[i + 1]),
      target: target.ids.subarray(target.starts[i], target.starts[i + 1]),
    }),
  };
}

const REASONS: Record<keyof PairsFile['skipped'], string> = {
  missingColumn: 'without the separator or a column',
  emptySource: 'with an empty source',
  emptyTarget: 'with an empty target',
};

function skippedText(skipped: PairsFile['skipped']): string {
  return (Object.keys(REASONS) as (keyof typeof REASONS)[])
    .filter((r) => skipped[r])
    .map((r) => `${formatCount(skipped[r]!.count)} ${REASONS[r]}, first at line ${skipped[r]!.firstLine}`)
    .join('; ');
}

function droppedText(counts: PairsCounts, data: PairsDataConfig): string {
  const parts: string[] = [];
  const skipped = skippedText(counts.skipped);
  if (skipped) parts.push(`skipped ${skipped}`);
  const over: string[] = [];
  if (counts.overSourceLength > 0) over.push(`${formatCount(counts.overSourceLength)} over maxSourceLength ${data.maxSourceLength}`);
  if (counts.overTargetLength > 0) over.push(`${formatCount(counts.overTargetLength)} over maxTargetLength ${data.maxTargetLength}`);
  if (over.length > 0) parts.push(`dropped ${formatCount(counts.dropped)}: ${over.join(', ')}`);
  if (counts.overMaxPairs > 0) parts.push(`${formatCount(counts.overMaxPairs)} past maxPairs ${data.maxPairs}`);
  return parts.length > 0 ? ` (${parts.join('; ')})` : '';
}
