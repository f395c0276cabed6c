// TensorBoard's scalar smoothing, exactly as its line charts compute it (tensorboard/components/
// vz_line_chart2/line-chart.ts `resmoothDataset`): a debiased exponential moving average.
// Non-finite values are passed through and do not touch the average; a constant series is left as is.
// GrowingEma smooths a series that only grows (a run's loss as records arrive) by continuing the average
// over the new values instead of starting again: a million-step run's first load arrives in chunks.

/** Where the average stands after the values smoothed so far. */
interface EmaState {
  last: number;
  /** Finite values averaged. */
  count: number;
  /** weight^count, the debiasing term, kept as a running product. */
  power: number;
}

/** Smooths ys[from…) into `out`, continuing from `state` (updated). */
function continueEma(ys: ArrayLike<number>, from: number, weight: number, state: EmaState, out: Float64Array): void {
  let { last, count, power } = state;
  for (let i = from; i < ys.length; i++) {
    const next = ys[i];
    if (!Number.isFinite(next)) {
      out[i] = next;
      continue;
    }
    last = last * weight + (1 - weight) * next;
    count++;
    // once 1 − power rounds to 1 the debiasing is done; stopping there keeps the product out of the
    // subnormal range, where each multiplication costs a hundred times more
    power = power < 1e-20 ? 0 : power * weight;
    out[i] = weight === 1 ? last : last / (1 - power);
  }
  Object.assign(state, { last, count, power });
}

/** Whether ys[from…to) all equal `first` (NaN never does, as TensorBoard's `!==` test has it). */
function allEqual(ys: ArrayLike<number>, from: number, to: number, first: number): boolean {
  for (let i = from; i < to; i++) if (ys[i] !== first) return false;
  return true;
}

export function emaSmooth(ys: ArrayLike<number>, weight: number, out?: Float64Array): Float64Array {
  const n = ys.length;
  const smoothed = out && out.length >= n ? out : new Float64Array(n);
  if (allEqual(ys, 1, n, ys[0])) {
    for (let i = 0; i < n; i++) smoothed[i] = ys[i];
    return smoothed;
  }
  continueEma(ys, 0, weight, { last: 0, count: 0, power: 1 }, smoothed);
  return smoothed;
}

/** emaSmooth of a series that only grows; anything else (another weight, a shorter series) starts again. */
export class GrowingEma {
  private out = new Float64Array(0);
  private n = 0;
  private weight = NaN;
  private constant = true;
  private readonly state: EmaState = { last: 0, count: 0, power: 1 };

  /** The smoothed series, `ys.length` long (a view of a buffer that grows by doubling). */
  smooth(ys: ArrayLike<number>, weight: number): Float64Array {
    const n = ys.length;
    if (weight !== this.weight || n < this.n) this.reset(weight);
    if (n > this.out.length) {
      const next = new Float64Array(Math.max(n, this.out.length * 2, 1024));
      next.set(this.out.subarray(0, this.n));
      this.out = next;
    }
    if (this.constant && allEqual(ys, Math.max(1, this.n), n, ys[0])) {
      for (let i = this.n; i < n; i++) this.out[i] = ys[i];
    } else {
      // a series that was constant is smoothed from its start once it is not
      if (this.constant) this.reset(weight);
      this.constant = false;
      continueEma(ys, this.n, weight, this.state, this.out);
    }
    this.n = n;
    return this.out.subarray(0, n);
  }

  private reset(weight: number): void {
    this.weight = weight;
    this.n = 0;
    this.constant = true;
    Object.assign(this.state, { last: 0, count: 0, power: 1 });
  }
}
