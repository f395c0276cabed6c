// LSTMVis's match (Strobelt et al. 2017): a selected range of timesteps and a threshold make a pattern,
// the units that are on (state ≥ threshold) over the whole range; optionally they must also be off just
// before it, so the pattern is "turns on here and stays on". The match finds the windows of the same
// length elsewhere where those units are on again.
//
// Ranking (ours, in LSTMVis's spirit of "the same cells and not many others"): a window starting at s
// scores patternOn − extraOn, where patternOn counts the pattern units on over the whole window (and, with
// offBefore, off at s − 1), and extraOn the other units on over the whole window. Windows with fewer than
// minOverlap · |pattern| pattern units on are dropped; overlapping windows keep only the best (ties: the
// earliest). A unit is on over a window when its run of consecutive on-steps ending at the window's last
// step is at least the window's length, so the search is one pass over [T, H]. The pattern itself
// (src/shared/unitPattern.ts) is shared with the dashboard, which shows it while the range is dragged.

import type { Pattern } from '../../shared/unitPattern';

export interface MatchOptions {
  threshold: number;
  offBefore: boolean;
  /** Fraction of the pattern's units that must be on over a match. Default 1: all of them. */
  minOverlap?: number;
  limit: number;
  /** Windows overlapping [from, to] are not matches (the selection itself, when it lies in the searched states). */
  exclude?: { from: number; to: number };
}

export interface Match {
  start: number;
  score: number;
  patternOn: number;
  extraOn: number;
}

export function findMatches(states: Float32Array, hiddenSize: number, pattern: Pattern, opts: MatchOptions): Match[] {
  const H = hiddenSize, T = states.length / H, L = pattern.length;
  if (pattern.units.length === 0 || L > T) return [];
  const inPattern = new Uint8Array(H);
  for (const u of pattern.units) inPattern[u] = 1;
  const need = Math.max(1, Math.ceil((opts.minOverlap ?? 1) * pattern.units.length));
  const run = new Int32Array(H);   // consecutive on-steps ending at t
  const candidates: Match[] = [];
  for (let t = 0; t < T; t++) {
    const row = t * H;
    for (let u = 0; u < H; u++) run[u] = states[row + u] >= opts.threshold ? run[u] + 1 : 0;
    const s = t - L + 1;
    if (s < 0) continue;
    if (opts.exclude && s <= opts.exclude.to && t >= opts.exclude.from) continue;
    let patternOn = 0, extraOn = 0;
    for (let u = 0; u < H; u++) {
      if (run[u] < L) continue;
      if (!inPattern[u]) extraOn++;
      // on since before s means it was on at s − 1: not a pattern unit turning on here
      else if (!(opts.offBefore && s > 0 && run[u] > L)) patternOn++;
    }
    if (patternOn >= need) candidates.push({ start: s, score: patternOn - extraOn, patternOn, extraOn });
  }
  candidates.sort((a, b) => b.score - a.score || a.start - b.start);
  const kept: Match[] = [];
  for (const c of candidates) {
    if (kept.length >= opts.limit) break;
    if (kept.every((k) => c.start + L <= k.start || k.start + L <= c.start)) kept.push(c);
  }
  return kept;
}
