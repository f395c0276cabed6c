// Axis ticks, one home for the dashboards' canvas charts (uPlot is handed these splits) and the SVG
// writer (exports, the gallery's figures): "nice" linear steps of 1, 2 or 5 × 10^k, whole numbers only on
// an integer axis (steps, timesteps), decades on a log axis (1-3-10 or 1-2-5 where few decades show) with
// the mantissas between them as minor ticks, and one label format per axis (never 0.1 next to 1e-3). Pure.

export function linearTicks(lo: number, hi: number, target = 6): number[] {
  return niceTicks(lo, hi, target, 0);
}

/** Ticks of an axis that counts (steps, timesteps, positions): whole numbers, never 2.5. */
export function integerTicks(lo: number, hi: number, target = 6): number[] {
  return niceTicks(lo, hi, target, 1);
}

function niceTicks(lo: number, hi: number, target: number, minStep: number): number[] {
  if (!(hi > lo) || !Number.isFinite(lo) || !Number.isFinite(hi)) return Number.isFinite(lo) ? [minStep ? Math.round(lo) : lo] : [];
  const raw = (hi - lo) / Math.max(1, target);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const steps = [0.5, 1, 2, 5, 10].map((m) => m * mag);
  // the first nice step at least as wide as asked; a narrower one when that leaves fewer than two ticks
  for (let k = Math.max(1, steps.findIndex((s) => s >= raw)); k >= 0; k--) {
    const step = Math.max(minStep, steps[k]);
    const out: number[] = [];
    for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
    if (out.length >= 2 || k === 0 || step === minStep) return out;
  }
  return [];
}

/** Most decades a log axis labels; beyond it every 2nd (3rd, …) power of ten, aligned to exponents. */
const MAX_DECADES = 8;

export function logTicks(lo: number, hi: number, target = 6): number[] {
  if (!(lo > 0) || !(hi > lo)) return linearTicks(lo, hi, target);
  const e0 = Math.floor(Math.log10(lo));
  const e1 = Math.ceil(Math.log10(hi));
  const within = (v: number) => v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9);
  const stride = Math.max(1, Math.ceil((e1 - e0 + 1) / MAX_DECADES));
  for (const mantissas of [[1], [1, 3], [1, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]]) {
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

/**
 * A log axis' labelled (major) and unlabelled (minor) ticks. A range that spans decades gets decades (or
 * 1-2-5) as majors and every other mantissa between them as minors; a range inside one decade (a loss
 * zoomed to 0.8…1.5) gets linear majors there rather than one lonely label (`linear`: label them as a
 * linear axis, with aligned decimals), and the mantissas as minors.
 */
export function logAxisTicks(lo: number, hi: number, target = 6): { major: number[]; minor: number[]; linear: boolean } {
  if (!(lo > 0) || !(hi > lo)) return { major: linearTicks(lo, hi, target), minor: [], linear: true };
  let major = hi / lo < 10 ? [] : logTicks(lo, hi, target);
  const linear = major.length < 3;
  if (linear) major = linearTicks(lo, hi, target).filter((v) => v > 0);
  const e0 = Math.floor(Math.log10(lo));
  const e1 = Math.ceil(Math.log10(hi));
  const minor: number[] = [];
  // many decades: the minors are the decades left unlabelled (no 2…9 haze)
  const mantissas = e1 - e0 > MAX_DECADES ? [1] : [1, 2, 3, 4, 5, 6, 7, 8, 9];
  const isMajor = new Set(major.map((v) => v.toPrecision(6)));
  for (let e = e0; e <= e1; e++) {
    for (const m of mantissas) {
      const v = Number((m * 10 ** e).toPrecision(12));
      if (v >= lo && v <= hi && !isMajor.has(v.toPrecision(6))) minor.push(v);
    }
  }
  return { major, minor, linear };
}

/**
 * One label format for all the ticks of an axis. Fixed notation while every tick is between 1e-3 and
 * 1e5, else exponent notation for every tick (1e-4, 2e-4, …; a mantissa times 10^0 is written plainly:
 * 1e-4 … 1). `aligned` gives every tick the same decimals (a linear axis: 0.5, 1.0, 1.5); `compact` gives
 * each its own (a log axis: 0.001, 0.01, 0.1, 1; a colour legend's ends and ticks). Counts from 10 000 up
 * are grouped with a space, as everywhere in SeqLab.
 */
export function tickFormatter(ticks: readonly number[], style: 'aligned' | 'compact' = 'aligned'): (v: number) => string {
  const compact = style === 'compact';
  const finite = ticks.filter((v) => Number.isFinite(v));
  const nonZero = finite.map(Math.abs).filter((a) => a > 0);
  const exponent = nonZero.some((a) => a < 1e-3 || a >= 1e5);
  if (exponent) {
    const digits = Math.max(0, ...finite.map((v) => mantissaDecimals(v)));
    return (v) => {
      if (v === 0) return '0';
      const [m, e] = v.toExponential(compact ? mantissaDecimals(v) : digits).split('e');
      return Number(e) === 0 ? m : `${m}e${Number(e)}`;
    };
  }
  const group = nonZero.some((a) => a >= 1e4);
  const decimals = Math.max(0, ...finite.map((v) => fixedDecimals(v)));
  return (v) => {
    const s = v.toFixed(compact ? fixedDecimals(v) : decimals);
    const out = group ? s.replace(/^(-?\d+)/, (d) => d.replace(/\B(?=(\d{3})+(?!\d))/g, ' ')) : s;
    return out === '-0' || /^-0\.0*$/.test(out) ? out.slice(1) : out;
  };
}

/** Decimals a tick needs in fixed notation (0.25 → 2), at most 6. */
function fixedDecimals(v: number): number {
  const s = String(Number(Math.abs(v).toPrecision(10)));
  if (s.includes('e')) return 6;
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : Math.min(6, s.length - dot - 1);
}

/** Decimals of a tick's mantissa in exponent notation (2.5e-4 → 1), at most 3. */
function mantissaDecimals(v: number): number {
  if (v === 0) return 0;
  const m = Number(v.toExponential(6).split('e')[0]);
  return Math.min(3, fixedDecimals(m));
}
