// Corpus BLEU (Papineni et al. 2002) over token sequences, as sacrebleu computes it (Post 2018): clipped
// n-gram matches and n-gram counts summed over the corpus for n = 1..4, their geometric mean times the
// brevity penalty exp(1 − r/c) when the corpus's hypotheses (c tokens) are shorter than its references
// (r tokens: per hypothesis, the reference length closest to it, the shorter on a tie).
// Smoothing: sacrebleu's default, 'exp' (NIST mteval-v13a; Chen & Cherry 2014's method 3): an order with
// no match counts as precision 1 / (2^k · total), k = 1, 2, … over such orders, so one missing 4-gram
// match does not zero the score. With no match at any order the score is 0. Tokens are what the caller
// gives (our target vocabulary's words), not sacrebleu's 13a tokenizer: the same as sacrebleu with
// tokenize='none' on the tokens joined by spaces.

export const BLEU_ORDER = 4;

/** The sufficient statistics, summable over sentences. */
export interface BleuStats {
  /** Clipped matches of each order n = 1..4 (index n − 1). */
  matches: number[];
  /** Hypothesis n-grams of each order. */
  totals: number[];
  hypothesisLength: number;
  referenceLength: number;
}

/** BLEU-4 on a 0–100 scale, with the statistics it came from. */
export interface BleuScore extends BleuStats {
  score: number;
  /** Percent precision of each order, after smoothing. */
  precisions: number[];
  brevityPenalty: number;
}

function ngramCounts(tokens: readonly string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  // \u0001 cannot occur in a token read from text: n-grams of different splits never collide
  for (let i = 0; i + n <= tokens.length; i++) {
    const key = tokens.slice(i, i + n).join('\u0001');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** The statistics of one hypothesis against its references (at least one). */
export function sentenceBleuStats(hypothesis: readonly string[], references: readonly (readonly string[])[]): BleuStats {
  if (references.length === 0) throw new RangeError('BLEU needs at least one reference per hypothesis');
  const matches: number[] = [], totals: number[] = [];
  for (let n = 1; n <= BLEU_ORDER; n++) {
    const hyp = ngramCounts(hypothesis, n);
    const refMax = new Map<string, number>();
    for (const ref of references) for (const [g, c] of ngramCounts(ref, n)) refMax.set(g, Math.max(refMax.get(g) ?? 0, c));
    let matched = 0;
    for (const [g, c] of hyp) matched += Math.min(c, refMax.get(g) ?? 0);
    matches.push(matched);
    totals.push(Math.max(0, hypothesis.length - n + 1));
  }
  const c = hypothesis.length;
  let r = references[0].length;
  for (const ref of references) {
    const d = Math.abs(ref.length - c), best = Math.abs(r - c);
    if (d < best || (d === best && ref.length < r)) r = ref.length;
  }
  return { matches, totals, hypothesisLength: c, referenceLength: r };
}

export function addBleuStats(a: BleuStats, b: BleuStats): BleuStats {
  return {
    matches: a.matches.map((m, i) => m + b.matches[i]),
    totals: a.totals.map((t, i) => t + b.totals[i]),
    hypothesisLength: a.hypothesisLength + b.hypothesisLength,
    referenceLength: a.referenceLength + b.referenceLength,
  };
}

/** BLEU from summed statistics. */
export function bleuFromStats(s: BleuStats): BleuScore {
  const c = s.hypothesisLength, r = s.referenceLength;
  const brevityPenalty = c < r ? (c > 0 ? Math.exp(1 - r / c) : 0) : 1;
  const precisions = new Array<number>(BLEU_ORDER).fill(0);
  const result = (score: number): BleuScore => ({ ...s, score, precisions, brevityPenalty });
  if (s.matches.every((m) => m === 0)) return result(0);
  let smooth = 1;
  for (let n = 0; n < BLEU_ORDER; n++) {
    // no n-grams of this order at all (every hypothesis shorter than n + 1): the order stays at 0, so the score is 0
    if (s.totals[n] === 0) break;
    if (s.matches[n] === 0) {
      smooth *= 2;
      precisions[n] = 100 / (smooth * s.totals[n]);
    } else {
      precisions[n] = (100 * s.matches[n]) / s.totals[n];
    }
  }
  if (precisions.some((p) => p === 0)) return result(0);
  const logMean = precisions.reduce((sum, p) => sum + Math.log(p), 0) / BLEU_ORDER;
  return result(brevityPenalty * Math.exp(logMean));
}

/** Corpus BLEU-4 of hypotheses, each with its references (`references[i]` belongs to `hypotheses[i]`). */
export function corpusBleu(hypotheses: readonly (readonly string[])[], references: readonly (readonly (readonly string[])[])[]): BleuScore {
  if (hypotheses.length !== references.length) throw new RangeError(`${hypotheses.length} hypotheses but ${references.length} reference sets`);
  let stats: BleuStats = { matches: [0, 0, 0, 0], totals: [0, 0, 0, 0], hypothesisLength: 0, referenceLength: 0 };
  hypotheses.forEach((h, i) => (stats = addBleuStats(stats, sentenceBleuStats(h, references[i]))));
  return bleuFromStats(stats);
}
