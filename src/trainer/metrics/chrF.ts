// chrF (Popović 2015, "chrF: character n-gram F-score for automatic MT evaluation") at corpus level, as
// sacrebleu computes it by default (Post 2018; chrF with char_order 6, word_order 0, whitespace removed):
// character n-grams of n = 1..6 of each sentence with its whitespace removed; hypothesis, reference and
// matched (clipped) counts summed over the corpus per order; precision and recall of each order averaged
// over the orders that both sides have n-grams of; then F_β = (1 + β²)·P·R / (β²·P + R), on a 0–100
// scale. β = 2 weighs recall twice as much as precision (the paper's best-correlating choice).

export const CHRF_ORDER = 6;
export const CHRF_BETA = 2;

/** Per order n = 1..6 (index n − 1): hypothesis n-grams, reference n-grams, matched n-grams. Summable. */
export interface ChrFStats {
  hypothesis: number[];
  reference: number[];
  matched: number[];
}

function charNgrams(text: string, n: number): Map<string, number> {
  const chars = Array.from(text.replace(/\s+/gu, ''));
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= chars.length; i++) {
    const g = chars.slice(i, i + n).join('');
    counts.set(g, (counts.get(g) ?? 0) + 1);
  }
  return counts;
}

/** The statistics of one hypothesis against one reference (texts; whitespace is ignored). */
export function sentenceChrFStats(hypothesis: string, reference: string): ChrFStats {
  const s: ChrFStats = { hypothesis: [], reference: [], matched: [] };
  for (let n = 1; n <= CHRF_ORDER; n++) {
    const hyp = charNgrams(hypothesis, n), ref = charNgrams(reference, n);
    let h = 0, r = 0, m = 0;
    for (const c of hyp.values()) h += c;
    for (const [g, c] of ref) {
      r += c;
      m += Math.min(c, hyp.get(g) ?? 0);
    }
    s.hypothesis.push(h);
    s.reference.push(r);
    s.matched.push(m);
  }
  return s;
}

/** chrF (0–100) of summed statistics. */
export function chrFFromStats(s: ChrFStats, beta = CHRF_BETA): number {
  let precision = 0, recall = 0, orders = 0;
  for (let n = 0; n < CHRF_ORDER; n++) {
    if (s.hypothesis[n] === 0 || s.reference[n] === 0) continue;
    precision += s.matched[n] / s.hypothesis[n];
    recall += s.matched[n] / s.reference[n];
    orders++;
  }
  if (orders === 0) return 0;
  precision /= orders;
  recall /= orders;
  if (precision + recall === 0) return 0;
  const b2 = beta * beta;
  return (100 * (1 + b2) * precision * recall) / (b2 * precision + recall);
}

/** Corpus chrF of hypotheses against one reference each. */
export function corpusChrF(hypotheses: readonly string[], references: readonly string[], beta = CHRF_BETA): number {
  if (hypotheses.length !== references.length) throw new RangeError(`${hypotheses.length} hypotheses but ${references.length} references`);
  const sum: ChrFStats = { hypothesis: new Array(CHRF_ORDER).fill(0), reference: new Array(CHRF_ORDER).fill(0), matched: new Array(CHRF_ORDER).fill(0) };
  hypotheses.forEach((h, i) => {
    const s = sentenceChrFStats(h, references[i]);
    for (let n = 0; n < CHRF_ORDER; n++) {
      sum.hypothesis[n] += s.hypothesis[n];
      sum.reference[n] += s.reference[n];
      sum.matched[n] += s.matched[n];
    }
  });
  return chrFFromStats(sum, beta);
}
