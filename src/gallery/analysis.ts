// Numbers the gallery reads off finished runs: the geometric decay rate of a gradient curve, gradient
// spikes, the training sequences needed to solve a task. Pure functions of arrays.

export interface DecayFit {
  /** Factor per timestep by which ‖∂L_T/∂h_t‖ shrinks going back from T (1 = no decay). */
  perStep: number;
  /** Timesteps over which the norm falls tenfold (Infinity when it does not fall). */
  stepsPerDecade: number;
  /** Coefficient of determination of the log-linear fit. */
  r2: number;
}

/**
 * Least-squares fit of ln g_t = a − λ·(T−1−t) over t < T−1 (the last step carries the output's
 * direct gradient, so it is left out), ignoring zero and non-finite entries.
 */
export function fitGeometricDecay(g: ArrayLike<number>): DecayFit {
  const xs: number[] = [], ys: number[] = [];
  const T = g.length;
  for (let t = 0; t < T - 1; t++) {
    const v = g[t];
    if (Number.isFinite(v) && v > 0) {
      xs.push(T - 1 - t);
      ys.push(Math.log(v));
    }
  }
  const n = xs.length;
  if (n < 2) return { perStep: NaN, stepsPerDecade: NaN, r2: NaN };
  const mx = xs.reduce((a, b) => a + b, 0) / n, my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  const slope = sxy / sxx; // d ln g / d distance; negative when g decays going back
  const r2 = syy > 0 ? (sxy * sxy) / (sxx * syy) : 1;
  return { perStep: Math.exp(slope), stepsPerDecade: slope < 0 ? Math.LN10 / -slope : Infinity, r2 };
}

/** Steps whose gradient norm exceeds `factor` × the median of all steps. */
export function gradientSpikes(gradNorms: readonly number[], factor = 10): number {
  const finite = gradNorms.filter(Number.isFinite).sort((a, b) => a - b);
  if (finite.length === 0) return 0;
  const median = finite[finite.length >> 1];
  return gradNorms.filter((g) => !Number.isFinite(g) || g > factor * median).length;
}

/** The first evaluation step at which `score` reaches `threshold`, or undefined. */
export function firstStepReaching<T extends { step: number }>(records: readonly T[], score: (r: T) => number | undefined, threshold: number, below = false): number | undefined {
  for (const r of records) {
    const v = score(r);
    if (v !== undefined && Number.isFinite(v) && (below ? v <= threshold : v >= threshold)) return r.step;
  }
  return undefined;
}

/** Mean of the last `n` values (a noisy training loss read at the end of a run). */
export function tailMean(values: readonly number[], n: number): number {
  const tail = values.slice(-n).filter(Number.isFinite);
  return tail.length ? tail.reduce((a, b) => a + b, 0) / tail.length : NaN;
}

/** Moving average over a window of `w` points, for plotting noisy step losses. */
export function smooth(points: readonly [number, number][], w: number): [number, number][] {
  if (w <= 1) return points.slice();
  const out: [number, number][] = [];
  let sum = 0;
  for (let i = 0; i < points.length; i++) {
    sum += points[i][1];
    if (i >= w) sum -= points[i - w][1];
    if (i >= w - 1 && (i - (w - 1)) % Math.max(1, Math.floor(w / 4)) === 0) out.push([points[i][0], sum / w]);
  }
  return out;
}

/**
 * How anti-diagonal an attention map of a reversal is: for each of the first `cols` rows t (decoder
 * step t writes source letter cols − 1 − t; later rows, such as </s>, are left out), the weight within
 * `width` positions of column cols − 1 − t, averaged over those rows. `uniform` is the same mass under
 * attention spread evenly over the source, the number a map that ignores position scores.
 */
export function antiDiagonalMass(att: ArrayLike<number>, rows: number, cols: number, width = 1): { mass: number; uniform: number } {
  if (att.length !== rows * cols) throw new Error(`attention map of ${att.length} values is not ${rows} × ${cols}`);
  const used = Math.min(rows, cols);
  let mass = 0, uniform = 0;
  for (let t = 0; t < used; t++) {
    const s0 = Math.max(0, cols - 1 - t - width), s1 = Math.min(cols - 1, cols - 1 - t + width);
    for (let s = s0; s <= s1; s++) mass += att[t * cols + s];
    uniform += (s1 - s0 + 1) / cols;
  }
  return used > 0 ? { mass: mass / used, uniform: uniform / used } : { mass: NaN, uniform: NaN };
}

/** Exact match pooled over the source lengths lo..hi of a per-length record (EvalRecord.greedy.bySourceLength). */
export function exactMatchOver(byLength: readonly { length: number; pairs: number; exactMatch: number }[], lo: number, hi: number): { pairs: number; exactMatch: number } {
  let pairs = 0, exact = 0;
  for (const b of byLength) {
    if (b.length < lo || b.length > hi) continue;
    pairs += b.pairs;
    exact += b.exactMatch * b.pairs;
  }
  return { pairs, exactMatch: pairs > 0 ? exact / pairs : NaN };
}
