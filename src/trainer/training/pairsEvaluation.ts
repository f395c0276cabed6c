// How an encoder–decoder is judged on source/target pairs (a file or a generated task). At every
// evaluation, on the validation pairs the loss reads (evaluation.ts's validationBatchesWithRest: all of them
// up to 64 batches' worth, or up to beamPairs when that is more, so that a beam over the whole split is
// compared with greedy decoding on the same pairs):
//   loss, accuracy   teacher-forced: the mean cross-entropy and the fraction of right argmax tokens over
//                    the real target steps (tokens and </s>), the units of the dataset's baselines
//   greedy           decoding each source token by token: exact match, token error rate (CER / PER) and,
//                    for word-level targets, corpus BLEU-4 and chrF (src/trainer/metrics); exact match
//                    per source length too (how a model copes as sources grow: the gallery's experiment 10).
//                    A source with several targets in a file (firstWithSource) is scored once, against all
//                    of them: right when it matches any, its error rate and chrF against the nearest (fewest
//                    edits), BLEU against all (multi-reference BLEU)
//   beam             the same by beam search (decoding.beamWidth, lengthPenalty) over the first
//                    decoding.beamPairs validation pairs only: a beam costs beamWidth decodes per pair
// Samples: a few validation pairs, evenly spread and the same at every evaluation, with the source, the
// reference and what greedy and beam search write. Probe: validation pair diagnostics.probe.validationIndex,
// its source tokens on one axis and its target tokens (</s> last) on the other.

import type { DecodingConfig, DiagnosticsConfig, ProbeConfig } from '../../shared/config';
import type { DecodingScores, LengthScore, SampleRecord } from '../../shared/metrics';
import type { PairBatch, PairsDataset } from '../data';
import { EOS } from '../data/pairVocabulary';
import { corpusBleu } from '../metrics/bleu';
import { corpusChrF } from '../metrics/chrF';
import { editDistance, tokenErrorRate } from '../metrics/editDistance';
import type { Seq2seqBackend } from '../seq2seq/seq2seqBackend';
import { decodingMaxLength, type Hypothesis } from '../seq2seq/seq2seqDecoder';
import { MAX_EVAL_BATCHES, validationBatchesWithRest } from './evaluation';
import type { PairKind } from './seq2seqTask';
import type { EvalMetrics, Evaluation, Probe } from './task';

/** Validation pairs written out as samples at each sampling evaluation. */
const SAMPLE_PAIRS = 4;

export interface PairEvaluationContext {
  /** The training batch size: validation batches are at most this large. */
  batchSize: number;
  decoding: DecodingConfig;
  diagnostics: DiagnosticsConfig;
}

/**
 * One decoded source: the hypothesis's target tokens, the references' (every target of its source, one
 * for most), and the source's length in tokens.
 */
export interface Decoded {
  hypothesis: string[];
  references: string[][];
  finished: boolean;
  sourceLength: number;
}

function pairsEvaluation(data: PairsDataset, model: Seq2seqBackend, ctx: PairEvaluationContext): Evaluation {
  const maxLength = decodingMaxLength(ctx.decoding.maxLength, data.targetSteps);
  const target = data.targetVocabulary;
  const sameSource = sourceGroups(data);
  /** Whether validation pair `index` is scored (the first pair of its source). */
  const scored = (index: number): boolean => data.firstWithSource === undefined || data.firstWithSource(index) === index;
  const decodedOf = (h: Hypothesis, index: number): Decoded => {
    const references = (sameSource.get(index) ?? [index]).map((j) => target.tokensOf(data.ids('validation', j).target));
    return { hypothesis: target.tokensOf(h.tokens), references, finished: h.finished, sourceLength: data.ids('validation', index).source.length };
  };
  const beamOf = (index: number): Hypothesis => {
    const { source } = data.batch('validation', [index]);
    return model.decoder(ctx.decoding.beamWidth, data.sourceSteps).beam(source, { maxLength, alpha: ctx.decoding.lengthPenalty })[0];
  };

  return {
    metrics(): EvalMetrics | undefined {
      const beamPairs = Math.min(ctx.decoding.beamPairs, data.validationSize);
      const batches = validationBatchesWithRest(data.validationSize, ctx.batchSize, Math.max(MAX_EVAL_BATCHES, Math.ceil(beamPairs / ctx.batchSize)));
      if (batches.length === 0) return undefined;
      let nats = 0, tokens = 0, correct = 0;
      const greedy: Decoded[] = [];
      for (const indices of batches) {
        const batch = data.batch('validation', indices);
        const r = model.evaluate(batch);
        nats += r.loss * r.tokens;
        tokens += r.tokens;
        correct += r.correct;
        const hyps = model.decoder(batch.size, batch.sourceSteps).greedy(batch.source, maxLength);
        hyps.forEach((h, b) => {
          if (scored(indices[b])) greedy.push(decodedOf(h, indices[b]));
        });
      }
      const beam = Array.from({ length: beamPairs }, (_, i) => i).filter(scored).map((i) => decodedOf(beamOf(i), i));
      const wordLevel = target.level === 'word';
      return {
        loss: nats / tokens,
        accuracy: correct / tokens,
        greedy: decodingScores(greedy, wordLevel),
        ...(beam.length > 0 && { beam: { ...decodingScores(beam, wordLevel), beamWidth: ctx.decoding.beamWidth } }),
      };
    },
    samples(step: number): SampleRecord[] {
      const n = Math.min(SAMPLE_PAIRS, data.validationSize);
      const indices = Array.from({ length: n }, (_, i) => Math.floor((i * data.validationSize) / n));
      if (indices.length === 0) return [];
      const batch = data.batch('validation', indices);
      const greedy = model.decoder(batch.size, batch.sourceSteps).greedy(batch.source, maxLength);
      return indices.map((index, i) => {
        const example = data.example('validation', index);
        return {
          kind: 'sample' as const, step, temperature: 0, prime: example.source, reference: example.target,
          text: target.decode(greedy[i].tokens),
          ...(ctx.decoding.beamPairs > 0 && { beam: target.decode(beamOf(index).tokens) }),
        };
      });
    },
    snapshotArrays: () => ({}),
  };
}

/** Validation pairs by the first pair of their source, for the sources with more than one target. */
function sourceGroups(data: PairsDataset): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  if (!data.firstWithSource) return groups;
  for (let i = 0; i < data.validationSize; i++) {
    const first = data.firstWithSource(i);
    if (first === i) continue;
    const group = groups.get(first) ?? [first];
    group.push(i);
    groups.set(first, group);
  }
  return groups;
}

/** Exact match, token error rate and, for word-level targets, BLEU-4 and chrF of decoded sources. */
export function decodingScores(decoded: readonly Decoded[], wordLevel: boolean): DecodingScores {
  const exact = decoded.filter(isExact).length;
  const nearest = decoded.map((d) => ({ hypothesis: d.hypothesis, reference: nearestReference(d) }));
  const scores: DecodingScores = {
    pairs: decoded.length,
    exactMatch: decoded.length > 0 ? exact / decoded.length : 0,
    tokenErrorRate: tokenErrorRate(nearest),
    bySourceLength: exactMatchByLength(decoded),
  };
  if (!wordLevel) return scores;
  // chrF ignores whitespace, so the tokens joined by spaces read as the text
  return {
    ...scores,
    bleu: corpusBleu(decoded.map((d) => d.hypothesis), decoded.map((d) => d.references)).score,
    chrF: corpusChrF(nearest.map((d) => d.hypothesis.join(' ')), nearest.map((d) => d.reference.join(' '))),
  };
}

const isExact = (d: Decoded) => d.finished && d.references.some((r) => sameTokens(d.hypothesis, r));

/** The reference the hypothesis is fewest edits from (the first of equals). */
function nearestReference({ hypothesis, references }: Decoded): string[] {
  if (references.length === 1) return references[0];
  const edits = references.map((r) => editDistance(hypothesis, r));
  return references[edits.indexOf(Math.min(...edits))];
}

function exactMatchByLength(decoded: readonly Decoded[]): LengthScore[] {
  const byLength = new Map<number, { pairs: number; exact: number }>();
  for (const d of decoded) {
    const n = byLength.get(d.sourceLength) ?? { pairs: 0, exact: 0 };
    n.pairs++;
    if (isExact(d)) n.exact++;
    byLength.set(d.sourceLength, n);
  }
  return [...byLength].sort((a, b) => a[0] - b[0]).map(([length, n]) => ({ length, pairs: n.pairs, exactMatch: n.exact / n.pairs }));
}

function sameTokens(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((t, i) => t === b[i]);
}

/** The probe pair (clamped to the validation split) at its own lengths; undefined without validation pairs. */
function pairProbe(data: PairsDataset, probe: ProbeConfig): Probe<PairBatch> & { targetTokens: string[] } | undefined {
  if (data.validationSize === 0) return undefined;
  const index = Math.min(probe.validationIndex ?? 0, data.validationSize - 1);
  const ids = data.ids('validation', index);
  return {
    batch: data.batchToLongest('validation', [index]),
    tokens: data.sourceVocabulary.tokensOf(ids.source),
    targetTokens: [...data.targetVocabulary.tokensOf(ids.target), EOS],
  };
}

export const pairsKind: PairKind<PairsDataset> = { evaluation: pairsEvaluation, probe: pairProbe };
