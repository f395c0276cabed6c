// The reference lines of a pairs dataset's charts: what a decoder gets that never looks at the source.
//
// It knows only the position t of the target step (0 = the first token; the step after the last
// token is </s>). Fitted on training targets, scored on validation targets (on the training targets
// when there is no validation split), over exactly the steps the loss counts (tokens and </s>):
//   loss      p_t(y) = (c_t(y) + u(y)) / (N_t + 1): the counts of token y at step t, smoothed
//             towards the add-one unigram u(y) = (c(y) + 1) / (N + V) of all steps (a Dirichlet
//             prior of weight one), so an unseen token or a step past the longest training target
//             costs a finite amount; the cross-entropy −ln p_t(y) averaged over the scored steps.
//   accuracy  the most frequent token at step t (the unigram's most frequent past the longest
//             training target; ties to the lower id), as token accuracy over the scored steps.
// Why per position rather than the plain unigram: it is the stronger of the two source-blind
// references (unsmoothed, never worse than the unigram on the targets it is fitted on) and the one
// an encoder–decoder reaches first: it learns the output lengths, the leading "1" of 4-digit sums
// and that a sorted string starts with early letters before it learns to read the source. A loss
// curve that stalls at this line means the encoder contributes nothing yet.

import type { Baseline } from './dataset';
import { EOS_ID } from './pairVocabulary';

export interface PairBaselines {
  /** Cross-entropy per counted target step (nats), the loss's units. */
  xent: Baseline;
  /** Token accuracy over counted target steps, a fraction. */
  accuracy: Baseline;
}

const LABEL = 'per-position target frequencies (never reads the source)';

/**
 * `fit` and `score` are target token ids without </s>; `V` is the target vocabulary size (the
 * output layer's width, specials included).
 */
export function pairBaselines(V: number, fit: Iterable<ArrayLike<number>>, score: Iterable<ArrayLike<number>>): PairBaselines {
  const byStep: Map<number, number>[] = [];
  const stepTotals: number[] = [];
  const unigramCounts = new Float64Array(V);
  let total = 0;
  const count = (t: number, y: number) => {
    while (byStep.length <= t) {
      byStep.push(new Map());
      stepTotals.push(0);
    }
    byStep[t].set(y, (byStep[t].get(y) ?? 0) + 1);
    stepTotals[t]++;
    unigramCounts[y]++;
    total++;
  };
  for (const target of fit) {
    for (let t = 0; t < target.length; t++) count(t, target[t]);
    count(target.length, EOS_ID);
  }
  if (total === 0) throw new RangeError('pairBaselines: no target to fit');
  const unigram = (y: number) => (unigramCounts[y] + 1) / (total + V);
  const unigramBest = argmax(Array.from(unigramCounts.entries()));
  const best = byStep.map((counts) => argmax([...counts]));

  let nats = 0, right = 0, steps = 0;
  const scoreStep = (t: number, y: number) => {
    const c = byStep[t]?.get(y) ?? 0;
    const n = stepTotals[t] ?? 0;
    nats -= Math.log((c + unigram(y)) / (n + 1));
    if (y === (best[t] ?? unigramBest)) right++;
    steps++;
  };
  for (const target of score) {
    for (let t = 0; t < target.length; t++) scoreStep(t, target[t]);
    scoreStep(target.length, EOS_ID);
  }
  if (steps === 0) throw new RangeError('pairBaselines: no target to score');
  return {
    xent: { value: nats / steps, metric: 'xent', label: LABEL },
    accuracy: { value: right / steps, metric: 'accuracy', label: `most frequent token per position (never reads the source)` },
  };
}

/** The key of the largest count; ties go to the lower key. */
function argmax(entries: [number, number][]): number {
  let bestKey = -1, bestCount = -1;
  for (const [key, c] of entries) {
    if (c > bestCount || (c === bestCount && key < bestKey)) [bestKey, bestCount] = [key, c];
  }
  return bestKey;
}
