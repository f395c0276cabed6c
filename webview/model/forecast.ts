// What the Output tab draws of a forecast: each run's predictions against the actual values of the
// validation examples (and the baselines', where the snapshot carries them as `forecast.baseline` and `forecast.ar`), in the
// data's own units, with each one's RMSE. Windows of one series are drawn in time order as lines;
// independent examples (the adding problem, sines) as predicted-against-actual points, sorted by the
// actual value, since their order means nothing. Pure.
import type { DiagnosticsSnapshot } from '../../src/shared/metrics';

export interface ForecastArrays {
  actual: Float32Array;
  pred: Float32Array;
  /** The task's baseline predictions for the same examples (persistence, predict 0.5), when sent. */
  baseline?: Float32Array;
  /** AR(p)'s predictions for the same examples (CSV series), when sent as `forecast.ar`. */
  ar?: Float32Array;
}

export function forecastOf(snap: DiagnosticsSnapshot | undefined): ForecastArrays | undefined {
  const actual = snap?.arrays['forecast.actual']?.data;
  const pred = snap?.arrays['forecast.pred']?.data;
  if (!actual || !pred) return undefined;
  const baseline = snap?.arrays['forecast.baseline']?.data;
  const ar = snap?.arrays['forecast.ar']?.data;
  return { actual, pred, ...(baseline && baseline.length === actual.length && { baseline }), ...(ar && ar.length === actual.length && { ar }) };
}

/** Root mean squared error of `pred` against `actual` over their common length (NaN pairs skipped). */
export function rmse(pred: ArrayLike<number>, actual: ArrayLike<number>): number {
  const n = Math.min(pred.length, actual.length);
  let sq = 0;
  let k = 0;
  for (let i = 0; i < n; i++) {
    const d = pred[i] - actual[i];
    if (!Number.isFinite(d)) continue;
    sq += d * d;
    k++;
  }
  return k > 0 ? Math.sqrt(sq / k) : NaN;
}

/** The examples' indices ordered by their actual value (ties by index): the x order of a predicted-vs-actual plot. */
export function orderByActual(actual: ArrayLike<number>): number[] {
  return Array.from({ length: actual.length }, (_, i) => i).sort((a, b) => actual[a] - actual[b] || a - b);
}

/** `values` at `order`, as an array to plot. */
export const pick = (values: ArrayLike<number>, order: readonly number[]): Float64Array => Float64Array.from(order, (i) => values[i]);
