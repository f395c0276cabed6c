// Axis ticks for the SVG charts (the dashboards' exports and the gallery's figures; uPlot picks its own on
// screen and borrows formatTick for a log axis): "nice" linear steps of 1, 2 or 5 × 10^k, and decades on a
// log axis (thinned when there are many, with 2 and 5, then every mantissa, between them when few). Pure.

export function linearTicks(lo: number, hi: number, target = 6): number[] {
  if (!(hi > lo) || !Number.isFinite(lo) || !Number.isFinite(hi)) return Number.isFinite(lo) ? [lo] : [];
  const raw = (hi - lo) / Math.max(1, target);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  return out;
}

/** Most decades a log axis labels; beyond it every 2nd (3rd, …) power of ten, aligned to exponents. */
const MAX_DECADES = 8;

export function logTicks(lo: number, hi: number, target = 6): number[] {
  if (!(lo > 0) || !(hi > lo)) return linearTicks(lo, hi, target);
  const e0 = Math.floor(Math.log10(lo));
  const e1 = Math.ceil(Math.log10(hi));
  const within = (v: number) => v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9);
  const stride = Math.max(1, Math.ceil((e1 - e0 + 1) / MAX_DECADES));
  for (const mantissas of [[1], [1, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]]) {
    const out: number[] = [];
    for (let e = e0; e <= e1; e++) {
      if (mantissas.length === 1 && e % stride !== 0) continue;
      for (const m of mantissas) {
        const v = Number((m * 10 ** e).toPrecision(12));
        if (within(v)) out.push(v);
      }
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
