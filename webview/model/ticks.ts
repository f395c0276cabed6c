// Axis ticks for the charts' exports (uPlot picks its own on screen): "nice" linear steps of 1, 2 or 5
// × 10^k, and decades (with 2 and 5 in between when the range spans little) on a log axis.

export function linearTicks(lo: number, hi: number, target = 6): number[] {
  if (!(hi > lo) || !Number.isFinite(lo) || !Number.isFinite(hi)) return Number.isFinite(lo) ? [lo] : [];
  const raw = (hi - lo) / Math.max(1, target);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

export function logTicks(lo: number, hi: number, target = 6): number[] {
  if (!(lo > 0) || !(hi > lo)) return linearTicks(lo, hi, target);
  const e0 = Math.floor(Math.log10(lo));
  const e1 = Math.ceil(Math.log10(hi));
  for (const mantissas of [[1], [1, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]]) {
    const out: number[] = [];
    for (let e = e0; e <= e1; e++) for (const m of mantissas) {
      const v = Number((m * 10 ** e).toPrecision(12));
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push(v);
    }
    if (out.length >= 3 || mantissas.length === 9) return out.length >= 2 ? out : linearTicks(lo, hi, target);
  }
  return linearTicks(lo, hi, target);
}

/** A linear axis' tick: as written, exponent form only for very small or large magnitudes. */
export function formatLinearTick(v: number): string {
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-4 || a >= 1e6) ? v.toExponential(1) : String(Number(v.toPrecision(6)));
}

/** A log axis' tick: powers of ten from 1e3 up (or 1e-3 down) as 1eN. */
export function formatTick(v: number): string {
  if (v === 0) return '0';
  const e = Math.log10(Math.abs(v));
  if (Number.isInteger(Math.round(e * 1e6) / 1e6) && Math.abs(e) >= 3) return `1e${Math.round(e)}`;
  return Math.abs(v) < 1e-3 || Math.abs(v) >= 1e4 ? v.toExponential(0) : String(Number(v.toPrecision(3)));
}
