// TensorBoard's scalar smoothing, exactly as its line charts compute it (tensorboard/components/
// vz_line_chart2/line-chart.ts `resmoothDataset`): a debiased exponential moving average.
// Non-finite values are passed through and do not touch the average; a constant series is left as is.

export function emaSmooth(ys: ArrayLike<number>, weight: number, out?: Float64Array): Float64Array {
  const n = ys.length;
  const smoothed = out && out.length >= n ? out : new Float64Array(n);
  let last = n > 0 ? 0 : NaN;
  let numAccum = 0;
  let isConstant = true;
  for (let i = 1; i < n; i++) if (ys[i] !== ys[0]) { isConstant = false; break; }
  for (let i = 0; i < n; i++) {
    const next = ys[i];
    if (isConstant || !Number.isFinite(next)) {
      smoothed[i] = next;
    } else {
      last = last * weight + (1 - weight) * next;
      numAccum++;
      const debias = weight === 1 ? 1 : 1 - Math.pow(weight, numAccum);
      smoothed[i] = last / debias;
    }
  }
  return smoothed;
}
