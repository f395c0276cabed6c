// Levenshtein distance between two token sequences: the fewest insertions, deletions and substitutions
// that turn one into the other. The token error rate of an encoder–decoder (CER over characters, PER
// over phonemes or words) is Σ distance(hypothesis, reference) / Σ |reference| over a corpus.
// Plain Levenshtein, as CER/WER/PER are defined: not src/shared/didYouMean.ts's distance for typos, which
// counts a swap of neighbours as one edit.

/** Edit distance between `a` and `b` (tokens compared with ===), in O(|a|·|b|) time and O(|b|) memory. */
export function editDistance<T>(a: readonly T[], b: readonly T[]): number {
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  // row[j]: distance between a[0, i) and b[0, j), one row of the dynamic-programming table at a time
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  let next = new Array<number>(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    next[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const substitute = row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      next[j] = Math.min(substitute, row[j] + 1, next[j - 1] + 1);
    }
    [row, next] = [next, row];
  }
  return row[b.length];
}

/** Σ edit distance / Σ reference length over hypothesis/reference pairs; 0 when every reference is empty and so is every hypothesis. */
export function tokenErrorRate<T>(pairs: Iterable<{ hypothesis: readonly T[]; reference: readonly T[] }>): number {
  let errors = 0, length = 0;
  for (const { hypothesis, reference } of pairs) {
    errors += editDistance(hypothesis, reference);
    length += reference.length;
  }
  if (length === 0) return errors === 0 ? 0 : Infinity;
  return errors / length;
}
