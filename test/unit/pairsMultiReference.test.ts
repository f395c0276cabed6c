// A source with several targets in a pairs file (Tatoeba's "Go." → "Va !", "Marche.", "Bouge !"; a word
// with two pronunciations) is decoded and scored once, against all of its targets: right when the output
// matches any of them, its error rate and chrF against the nearest, BLEU with all of them as references.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DecodingConfig, DiagnosticsConfig } from '../../src/shared/config';
import type { PairsDataConfig } from '../../src/shared/pairsConfig';
import type { PairBatch, PairsDataset } from '../../src/trainer/data';
import { pairsFromText } from '../../src/trainer/data/pairs';
import { corpusBleu } from '../../src/trainer/metrics/bleu';
import { corpusChrF } from '../../src/trainer/metrics/chrF';
import type { Seq2seqBackend } from '../../src/trainer/seq2seq/seq2seqBackend';
import type { Hypothesis } from '../../src/trainer/seq2seq/seq2seqDecoder';
import { type Decoded, decodingScores, pairsKind } from '../../src/trainer/training/pairsEvaluation';

const data = (over: Partial<PairsDataConfig> = {}): PairsDataConfig => ({
  kind: 'pairs', path: 'g2p.tsv', format: 'auto', sourceColumn: 0, targetColumn: 1, sourceLevel: 'char', targetLevel: 'word',
  lowercase: false, maxSourceLength: 0, maxTargetLength: 0, maxPairs: 0, skipMalformed: false, seed: 3, ...over,
});

const decoded = (hypothesis: string, references: string[], sourceLength = 4): Decoded =>
  ({ hypothesis: hypothesis.split(' '), references: references.map((r) => r.split(' ')), finished: true, sourceLength });

test('scores: right when the output is any of the references; error rate and chrF against the nearest; BLEU against all', () => {
  const both = [decoded('R IY D', ['R EH D', 'R IY D']), decoded('L IY D', ['L EH D']), decoded('T AH M EY T OW', ['T AH M EY T OW', 'T AH M AA T OW'])];
  const s = decodingScores(both, true);
  assert.equal(s.pairs, 3);
  assert.equal(s.exactMatch, 2 / 3);
  // the nearest reference of each: 0 edits of 3, 1 of 3, 0 of 6
  assert.equal(s.tokenErrorRate, 1 / 12);
  assert.equal(s.bleu, corpusBleu(both.map((d) => d.hypothesis), both.map((d) => d.references)).score);
  assert.equal(s.chrF, corpusChrF(['R IY D', 'L IY D', 'T AH M EY T OW'], ['R IY D', 'L EH D', 'T AH M EY T OW']));
  // with the first reference alone, the first word would be wrong
  const firstOnly = decodingScores(both.map((d) => ({ ...d, references: [d.references[0]] })), true);
  assert.equal(firstOnly.exactMatch, 1 / 3);
  assert.equal(firstOnly.tokenErrorRate, 2 / 12);
  assert.ok(firstOnly.bleu! < s.bleu!);
});

test('the nearest reference is the one of fewest edits, the first of equals', () => {
  assert.equal(decodingScores([decoded('A B', ['A B X Y Z', 'A C'])], false).tokenErrorRate, 1 / 2);
  assert.equal(decodingScores([decoded('A B', ['A C', 'A B X'])], false).tokenErrorRate, 1 / 2);
  assert.equal(decodingScores([decoded('A B', ['A B X', 'A C'])], false).tokenErrorRate, 1 / 3);
});

/** Every word of `words` three times a line apart, some with a second pronunciation. */
function g2pText(): string {
  const lines: string[] = [];
  for (let i = 0; i < 60; i++) {
    const word = `w${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`;
    lines.push(`${word}\tP${i % 7} Q`);
    if (i % 3 === 0) lines.push(`${word}\tP${i % 7} R`);
  }
  return lines.join('\n') + '\n';
}

test('a file\'s validation pairs of one source point at the first of them; each source is decoded and scored once', () => {
  const ds = pairsFromText(g2pText(), data(), 0.3, '/ws/g2p.tsv');
  const sources = new Map<string, string[]>();
  for (let i = 0; i < ds.validationSize; i++) {
    const e = ds.example('validation', i);
    sources.set(e.source, [...(sources.get(e.source) ?? []), e.target]);
    const first = ds.firstWithSource!(i);
    assert.equal(ds.example('validation', first).source, e.source);
    assert.ok(first <= i);
  }
  assert.ok([...sources.values()].some((targets) => targets.length === 2), 'the split holds a word with two pronunciations');
  assert.ok(ds.validationSize > sources.size);

  // a model that always writes "P0 R": right for the sources with that among their targets
  const out = ['P0', 'R'].map((t) => ds.targetVocabulary.idOf(t));
  const hypothesis = (): Hypothesis => ({ tokens: [...out], logProb: 0, score: 0, finished: true, attention: [] });
  const model = {
    evaluate: (b: PairBatch) => ({ loss: 1, tokens: b.size, correct: 0, argmax: new Int32Array(b.size * b.targetSteps) }),
    decoder: (rows: number) => ({ greedy: () => Array.from({ length: rows }, hypothesis), beam: () => [hypothesis()] }),
  } as unknown as Seq2seqBackend;
  const decoding = { beamWidth: 2, beamPairs: ds.validationSize, lengthPenalty: 0, maxLength: 0 } as unknown as DecodingConfig;
  const evaluation = pairsKind.evaluation(ds as PairsDataset, model, { batchSize: 8, decoding, diagnostics: {} as DiagnosticsConfig });
  const m = evaluation.metrics()!;
  const right = [...sources.values()].filter((targets) => targets.includes('P0 R')).length;
  assert.ok(right > 0);
  for (const scores of [m.greedy!, m.beam!]) {
    assert.equal(scores.pairs, sources.size, 'one score per source');
    assert.equal(scores.exactMatch, right / sources.size);
  }
});

