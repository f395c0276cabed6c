// uPlot wants one shared, ascending x array and every series aligned to it: merge the runs' x values
// (each run ascending) and put null where a run has no point at that x.

export type AlignedData = [number[], ...(number | null)[][]];

export function alignSeries(series: Array<{ x: ArrayLike<number>; y: ArrayLike<number> }>): AlignedData {
  const xs: number[] = [];
  const idx = series.map(() => 0);
  for (;;) {
    let next = Infinity;
    for (let s = 0; s < series.length; s++) if (idx[s] < series[s].x.length && series[s].x[idx[s]] < next) next = series[s].x[idx[s]];
    if (next === Infinity) break;
    xs.push(next);
    for (let s = 0; s < series.length; s++) while (idx[s] < series[s].x.length && series[s].x[idx[s]] === next) idx[s]++;
  }
  const out: AlignedData = [xs];
  for (const s of series) {
    const ys: (number | null)[] = new Array(xs.length).fill(null);
    let j = 0;
    for (let i = 0; i < s.x.length; i++) {
      while (xs[j] < s.x[i]) j++;
      const v = s.y[i];
      ys[j] = Number.isFinite(v) ? v : null;
    }
    out.push(ys);
  }
  return out;
}

/** For a log axis: non-positive (and non-finite) values cannot be drawn, so they become gaps. */
export function logSafe(ys: ArrayLike<number | null>): (number | null)[] {
  const out: (number | null)[] = new Array(ys.length);
  for (let i = 0; i < ys.length; i++) {
    const v = ys[i];
    out[i] = v !== null && Number.isFinite(v) && v > 0 ? v : null;
  }
  return out;
}

/** Smallest and largest positive finite value (for a log range); undefined when there is none. */
export function positiveRange(ys: ArrayLike<number | null>): [number, number] | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < ys.length; i++) {
    const v = ys[i];
    if (v === null || !(v > 0) || !Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : undefined;
}

/**
 * The y range of what is on screen, padded so no curve touches the frame: 5 % of the span on a linear
 * axis, 5 % of the decades on a log one (at least ×1.02) — not widened to whole decades, so a zoom
 * refits the axis to the curves it shows. null (no data) gives a unit range.
 */
export function paddedRange(lo: number | null, hi: number | null, log: boolean): [number, number] {
  if (log) {
    if (lo === null || hi === null || !(lo > 0) || !(hi > 0)) return [0.1, 1];
    const f = Math.max(1.02, (hi / lo) ** 0.05);
    return [lo / f, hi * f];
  }
  if (lo === null || hi === null || !Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  const pad = (hi - lo || Math.abs(hi) || 1) * 0.05;
  return [lo - pad, hi + pad];
}
