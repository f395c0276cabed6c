// Min/max bucket downsampling: the visible x range is cut into equal-width buckets (about one per pixel)
// and each bucket keeps its first, minimum, maximum and last point in x order, so no spike disappears
// and lines still join correctly from bucket to bucket. One point beyond each edge keeps lines reaching the border.

export interface XY {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
}

export interface Downsampled {
  x: Float64Array;
  y: Float64Array;
}

/** First index with x[i] >= v (x ascending). */
export function lowerBound(x: ArrayLike<number>, v: number): number {
  let lo = 0;
  let hi = x.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index with x[i] > v (x ascending). */
export function upperBound(x: ArrayLike<number>, v: number): number {
  let lo = 0;
  let hi = x.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function minMaxDownsample(s: XY, xMin: number, xMax: number, buckets: number): Downsampled {
  const n = s.x.length;
  const start = Math.max(0, lowerBound(s.x, xMin) - 1);
  const end = Math.min(n, upperBound(s.x, xMax) + 1);
  const count = end - start;
  if (count <= buckets * 4 || !(xMax > xMin)) {
    return { x: Float64Array.from({ length: count }, (_, i) => s.x[start + i]), y: Float64Array.from({ length: count }, (_, i) => s.y[start + i]) };
  }
  const ox = new Float64Array(buckets * 4 + 4);
  const oy = new Float64Array(buckets * 4 + 4);
  let k = 0;
  const width = (xMax - xMin) / buckets;
  let i = start;
  while (i < end) {
    const b = Math.min(buckets - 1, Math.max(0, Math.floor((s.x[i] - xMin) / width)));
    // points left of xMin fall in bucket 0 and right of xMax in the last one; both are kept whole below
    const bucketEnd = s.x[i] < xMin || s.x[i] > xMax ? i + 1 : Math.min(end, lowerBound(s.x, xMin + (b + 1) * width));
    const last = Math.max(i + 1, bucketEnd);
    let iMin = -1;
    let iMax = -1;
    for (let j = i; j < last; j++) {
      const v = s.y[j];
      if (!Number.isFinite(v)) continue;
      if (iMin < 0 || v < s.y[iMin]) iMin = j;
      if (iMax < 0 || v > s.y[iMax]) iMax = j;
    }
    const keep = [i, iMin, iMax, last - 1].filter((j) => j >= 0).sort((a, b2) => a - b2);
    let prev = -1;
    for (const j of keep) {
      if (j === prev) continue;
      prev = j;
      if (k >= ox.length) break;
      ox[k] = s.x[j];
      oy[k] = s.y[j];
      k++;
    }
    i = last;
  }
  return { x: ox.subarray(0, k), y: oy.subarray(0, k) };
}
