// Which colour scale each heatmap draws with, and what its legend says. h and c: diverging, centred on 0,
// symmetric over the data (max |v| or a percentile of |v|, rounded up to two significant digits so the
// legend reads ±2.5, not ±2.4137); sigmoid gates: sequential 0…1; tanh gates (LSTM g, GRU n): diverging
// ±1; ‖∂L_T/∂h_t‖: log over its positive range, per run or shared by the runs of a comparison. Pure.
import { integerTicks, linearTicks, logAxisTicks, tickFormatter } from '../../src/shared/chart/ticks';
import type { ColorScale } from './colorScales';

/** The range choice of the Hidden states tab: a percentile of |v| (100 = the largest). */
export const RANGE_PERCENTILES = [99, 99.9, 100] as const;
export type RangePercentile = (typeof RANGE_PERCENTILES)[number];

/** The p-th percentile (0 < p ≤ 100, nearest rank) of |v| over the finite values; 0 when there are none.
 *  Quickselect, not a sort: a 512 × 1000 heatmap is redrawn while its slider moves. */
export function absPercentile(values: ArrayLike<number>, p: number): number {
  const a = new Float32Array(values.length);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) a[n++] = Math.abs(v);
  }
  if (n === 0) return 0;
  const rank = Math.min(n, Math.max(1, Math.ceil((p / 100) * n)));
  return select(a.subarray(0, n), rank - 1);
}

/** The k-th smallest of `a` (0-based), reordering `a` (Hoare's quickselect, middle pivot). */
function select(a: Float32Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >>> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}

/** Rounded up to two significant digits (2.4137 → 2.5, 0.0312 → 0.032); 0 stays 0. */
export function ceilTwoDigits(m: number): number {
  if (!(m > 0) || !Number.isFinite(m)) return 0;
  const unit = 10 ** (Math.floor(Math.log10(m)) - 1);
  return Number((Math.ceil(m / unit - 1e-9) * unit).toPrecision(2));
}

/** A diverging scale centred on 0 over ±(the p-th percentile of |v|); ±1 when every value is 0. */
export function symmetricScale(values: ArrayLike<number>, p: number): ColorScale {
  const m = ceilTwoDigits(absPercentile(values, p)) || 1;
  return { kind: 'diverging', lo: -m, hi: m };
}

/** A log scale over the smallest and largest positive finite value of all `arrays`, widened to 1, 2 or 5
 *  × 10^k at both ends (the legend reads 1e-4 … 1); undefined without any positive value. */
export function logScaleOf(arrays: ReadonlyArray<ArrayLike<number>>): ColorScale | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      if (!(v > 0) || !Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (!(lo <= hi)) return undefined;
  const [a, b] = [niceBelow(lo), niceAbove(hi)];
  return { kind: 'log', lo: a, hi: b > a ? b : niceAbove(a * 1.01) };
}

const MANTISSAS = [1, 2, 5, 10];
/** The largest 1, 2 or 5 × 10^k at or below v (v > 0). */
function niceBelow(v: number): number {
  const e = Math.floor(Math.log10(v));
  const m = [...MANTISSAS].reverse().find((k) => Number((k * 10 ** e).toPrecision(12)) <= v * (1 + 1e-12)) ?? 1;
  return Number((m * 10 ** e).toPrecision(12));
}
/** The smallest 1, 2 or 5 × 10^k at or above v (v > 0). */
function niceAbove(v: number): number {
  const e = Math.floor(Math.log10(v));
  const m = MANTISSAS.find((k) => Number((k * 10 ** e).toPrecision(12)) >= v * (1 - 1e-12)) ?? 10;
  return Number((m * 10 ** e).toPrecision(12));
}

/** Share of the finite values beyond the scale's range (drawn in the end colours). */
export function clippedShare(values: ArrayLike<number>, scale: ColorScale): number {
  let n = 0;
  let out = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    n++;
    if (v < scale.lo || v > scale.hi) out++;
  }
  return n > 0 ? out / n : 0;
}

/** How the gate `name` squashes: i, f, o (LSTM) and z, r (GRU) are sigmoids; g and n are tanh. */
export const gateSquash = (name: string): 'sigmoid' | 'tanh' => (name === 'g' || name === 'n' ? 'tanh' : 'sigmoid');

/** A state's scale and the words its legend uses for it. `state` is UiState.state: h, c or gate:<i>. */
export function stateScale(state: string, gateNames: readonly string[], values: ArrayLike<number>, p: RangePercentile): { scale: ColorScale; caption: string } {
  if (state.startsWith('gate:')) {
    const name = gateNames[Number(state.slice(5))] ?? '?';
    return gateSquash(name) === 'tanh'
      ? { scale: { kind: 'diverging', lo: -1, hi: 1 }, caption: `gate ${name} (tanh): diverging, −1…1` }
      : { scale: { kind: 'sequential', lo: 0, hi: 1 }, caption: `gate ${name} (sigmoid): sequential, 0…1` };
  }
  const scale = symmetricScale(values, p);
  const basis = p === 100 ? `max |${state}|` : `${p}th percentile of |${state}|`;
  return { scale, caption: `${state}: diverging around 0, ±${formatRange(scale.hi)} (${basis})` };
}

/** The sentence under a heatmap when values are clipped; undefined when none are. */
export function clipNote(share: number, scale: ColorScale): string | undefined {
  if (!(share > 0)) return undefined;
  const pct = share * 100;
  const text = pct < 0.1 ? '< 0.1' : pct.toFixed(1);
  const range = scale.kind === 'diverging' && scale.lo === -scale.hi ? `±${formatRange(scale.hi)}` : `${formatRange(scale.lo)}…${formatRange(scale.hi)}`;
  return `${text} % of cells beyond ${range}, drawn at the ends`;
}

const formatRange = (v: number): string => String(Number(v.toPrecision(3)));

/** Legend ticks of a scale: its two ends, and nice values between them not crowding the ends. */
export function legendTicks(scale: ColorScale): Array<{ value: number; label: string }> {
  const { lo, hi } = scale;
  let inner: number[];
  if (scale.kind === 'log') inner = logAxisTicks(lo, hi, 5).major;
  else if (scale.kind === 'sequential' && lo === 0 && hi === 1) inner = [0.25, 0.5, 0.75];
  else inner = (Number.isInteger(lo) && Number.isInteger(hi) && hi - lo <= 4 ? integerTicks : linearTicks)(lo, hi, 5);
  const at = (v: number) => (scale.kind === 'log' ? (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo) || 1) : (v - lo) / (hi - lo || 1));
  // ends read as the range (±2.5, 1e-4 … 1) and no tick crowds them
  const values = [lo, ...inner.filter((v) => at(v) > 0.12 && at(v) < 0.88), hi];
  const text = tickFormatter(values, 'compact');
  return values.map((value) => ({ value, label: text(value) }));
}
