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
  const xs = s.x, ys = s.y;
  const ox = new Float64Array(buckets * 4 + 4);
  const oy = new Float64Array(buckets * 4 + 4);
  const keep = [0, 0, 0, 0];
  let k = 0;
  const width = (xMax - xMin) / buckets;
  let i = start;
  while (i < end) {
    const b = Math.min(buckets - 1, Math.max(0, Math.floor((xs[i] - xMin) / width)));
    // points left of xMin fall in bucket 0 and right of xMax in the last one; both are kept whole below
    const bucketEnd = xs[i] < xMin || xs[i] > xMax ? i + 1 : Math.min(end, lowerBound(xs, xMin + (b + 1) * width));
    const last = Math.max(i + 1, bucketEnd);
    // the first finite minimum and maximum (NaN and ±Infinity skipped: v − v is 0 only for a finite v)
    let iMin = -1, iMax = -1, vMin = Infinity, vMax = -Infinity;
    for (let j = i; j < last; j++) {
      const v = ys[j];
      if (v - v !== 0) continue;
      if (v < vMin) {
        vMin = v;
        iMin = j;
      }
      if (v > vMax) {
        vMax = v;
        iMax = j;
      }
    }
    keep[0] = i;
    keep[1] = iMin < 0 ? i : iMin;
    keep[2] = iMax < 0 ? i : iMax;
    keep[3] = last - 1;
    if (keep[1] > keep[2]) [keep[1], keep[2]] = [keep[2], keep[1]];
    let prev = -1;
    for (const j of keep) {
      if (j === prev) continue;
      prev = j;
      if (k >= ox.length) break;
      ox[k] = xs[j];
      oy[k] = ys[j];
      k++;
    }
    i = last;
  }
  return { x: ox.subarray(0, k), y: oy.subarray(0, k) };
}
