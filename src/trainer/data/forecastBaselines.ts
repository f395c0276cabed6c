// The two references a forecast of a CSV series is judged against, scored on the windows its
// evaluation reads: persistence (the last observed value of each target) and AR(p) on each target's
// own past (autoregression.ts: least squares on the training windows, order by AIC). Both as MSE in
// z-score units averaged over targets, the units of the loss, and as RMSE in the file's units.

import type { Baseline } from '../../shared/metrics';
import { type ArFit, arForecast, fitAutoregression, type LagWindows } from './autoregression';

/** A z-scored target matrix [rows, O] and where each split's windows start. */
export interface ForecastSeries {
  targets: Float32Array;
  targetNames: string[];
  targetStd: Float64Array;
  lookback: number;
  horizon: number;
  trainSize: number;
  /** Row of the first window of the split. */
  firstRow: { train: number; validation: number };
}

/** Target `o`'s windows of a split, window i ending at row first + i + lookback − 1. */
function lagWindows(s: ForecastSeries, o: number, first: number, count: number): LagWindows {
  const O = s.targetNames.length, last = first + s.lookback - 1;
  return {
    count,
    lag: (i, k) => s.targets[(last + i - k) * O + o],
    target: (i) => s.targets[(last + i + s.horizon) * O + o],
  };
}

/** Each target's AR(p), fitted on the training windows; none when there are too few for one coefficient. */
function arFits(s: ForecastSeries): ArFit[] {
  // AR(p) needs more training windows than coefficients
  const maxOrder = Math.min(s.lookback, s.trainSize - 2);
  return maxOrder >= 1 ? s.targetNames.map((_, o) => fitAutoregression(lagWindows(s, o, s.firstRow.train, s.trainSize), maxOrder)) : [];
}

/** What persistence and AR(p) forecast for target 0 on the first `count` windows of `split`, in z-scores
 *  (the dashboard draws them beside the model's forecast). */
export function baselineForecasts(s: ForecastSeries, split: 'train' | 'validation', count: number): { persistence: Float32Array; ar?: Float32Array } {
  const fits = arFits(s);
  const w = lagWindows(s, 0, s.firstRow[split], count);
  const persistence = Float32Array.from({ length: count }, (_, i) => w.lag(i, 0));
  if (fits.length === 0) return { persistence };
  return { persistence, ar: Float32Array.from({ length: count }, (_, i) => arForecast(fits[0], w, i)) };
}

/** Persistence and AR(p) on `windows` of `split` (window indices, as the evaluation reads them). */
export function forecastBaselines(s: ForecastSeries, split: 'train' | 'validation', windows: readonly number[]): Baseline[] {
  const O = s.targetNames.length;
  const fits = arFits(s);
  const persistence = new Float64Array(O), ar = new Float64Array(O);
  for (let o = 0; o < O; o++) {
    const w = lagWindows(s, o, s.firstRow[split], Math.max(...windows) + 1);
    for (const i of windows) {
      const y = w.target(i);
      persistence[o] += (y - w.lag(i, 0)) ** 2;
      if (fits.length > 0) ar[o] += (y - arForecast(fits[o], w, i)) ** 2;
    }
  }
  const n = windows.length;
  const rmse = (sq: Float64Array) => Array.from(sq, (v, o) => Math.sqrt(v / n) * s.targetStd[o]);
  const score = (sq: Float64Array) => ({ value: sq.reduce((a, b) => a + b, 0) / (n * O), rmse: pooled(rmse(sq)) });
  const perTarget = (sq: Float64Array, extra: (o: number) => string = () => '') =>
    s.targetNames.map((name, o) => `${name}${extra(o)} ${formatValue(rmse(sq)[o])}`).join(', ');
  const orders = [...new Set(fits.map((f) => f.p))];
  const arName = orders.length === 1 ? `AR(${orders[0]})` : 'AR(p)';
  const where = `${n} ${split} windows`;
  const persistenceBaseline: Baseline = { ...score(persistence), metric: 'mse', name: 'persistence', label: `persistence (repeat the last observed value; RMSE ${perTarget(persistence)} on ${where})` };
  if (fits.length === 0) return [persistenceBaseline];
  return [
    persistenceBaseline,
    {
      ...score(ar), metric: 'mse', name: arName,
      label: `${arName}, least squares on the training part, order by AIC (RMSE ${perTarget(ar, (o) => (orders.length > 1 ? ` p ${fits[o].p}` : ''))} on ${where})`,
    },
  ];
}

/** One RMSE over targets, as an eval record pools the squared errors of all targets. */
const pooled = (rmse: number[]): number => Math.sqrt(rmse.reduce((a, r) => a + r * r, 0) / rmse.length);

const formatValue = (x: number): string => (Math.abs(x) >= 100 ? x.toFixed(1) : x.toPrecision(3));
