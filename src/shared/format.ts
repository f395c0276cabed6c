// Short human-readable numbers and times, one home for the tree, lenses, status bar, CLI, data summaries and
// the dashboards (the webview bundles this pure module). Pure.

/** `12 s ago`, `4 min ago`, `3 h ago`, `2 days ago`; `just now` under 5 s; future times read as `just now`. */
export function timeAgo(then: Date | string, now: Date = new Date()): string {
  const t = typeof then === 'string' ? Date.parse(then) : then.getTime();
  if (!Number.isFinite(t)) return 'unknown time';
  const s = Math.floor((now.getTime() - t) / 1000);
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h} h ago`;
  const d = Math.floor(h / 24);
  if (d < 60) return d === 1 ? '1 day ago' : `${d} days ago`;
  return new Date(t).toISOString().slice(0, 10);
}

/** `42 s`, `3 min 05 s`, `2 h 04 min`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '-';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** Step counts with a space as thousands separator (`1 200`), as in the mock-ups. */
export function formatCount(n: number): string {
  return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

/** Chart values to `digits` significant digits, very small or large ones in exponent form (`3.2e-4`). */
export function formatNumber(v: number | undefined, digits = 4): string {
  if (v === undefined || !Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(2);
  return Number(v.toPrecision(digits)).toString();
}

/** Losses to 3 significant digits (`1.83`, `0.0412`). */
export function formatLoss(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '-';
  return x >= 100 ? x.toFixed(0) : x.toPrecision(3);
}

export const cellLabel = (cell: string): string => cell.toUpperCase();

/** A token as it is drawn: a newline and a space made visible. */
export const tokenLabel = (t: string): string => (t === '\n' ? '⏎' : t === ' ' ? '␣' : t);
