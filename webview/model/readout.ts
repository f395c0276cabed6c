// The readout of a line chart, TensorBoard's tooltip table: at the x under the cursor, per run (and series)
// the nearest point's step, raw and smoothed value and wall time since the run started. Built from the full
// data (not the downsampled points on screen), so the numbers are the records'. Pure.
import { formatCount, formatDuration, formatNumber } from '../../src/shared/format';
import { lowerBound } from './downsample';

/** How a row's swatch is drawn: the series' line style on the chart. */
export type SwatchStyle = 'line' | 'dashed' | 'faint';

export interface ReadoutRow {
  label: string;
  color: string;
  swatch: SwatchStyle;
  /** Whether the swatch carries a point marker (a series drawn with points). */
  points?: boolean;
  /** One text per column after the swatch and the label. */
  cells: string[];
}

export interface Readout {
  /** Column heads after the swatch and the label column (whose head is `labelHead`). */
  labelHead: string;
  columns: string[];
  rows: ReadoutRow[];
}

/** Index of the x nearest to `x` (x ascending; ties go left); -1 when there is none. */
export function nearestIndex(xs: ArrayLike<number>, x: number): number {
  const n = xs.length;
  if (n === 0 || !Number.isFinite(x)) return -1;
  const i = lowerBound(xs, x);
  if (i <= 0) return 0;
  if (i >= n) return n - 1;
  return x - xs[i - 1] <= xs[i] - x ? i - 1 : i;
}

/** A scalar series of one run: x in the chart's axis units, and per point its step and wall time (s). */
export interface ScalarSeries {
  x: ArrayLike<number>;
  step: ArrayLike<number>;
  time: ArrayLike<number>;
  raw: ArrayLike<number>;
  /** The smoothed curve, aligned with `raw`; absent where the chart does not smooth this series. */
  smoothed?: ArrayLike<number>;
}

export interface ScalarRun {
  name: string;
  color: string;
  main: ScalarSeries;
  /** A second series of the run (validation), drawn in its own shade. */
  extra?: ScalarSeries & { label: string; color: string };
}

export const SCALAR_COLUMNS = ['Smoothed', 'Value', 'Step', 'Relative'];

/** TensorBoard's columns for each run at x: smoothed, value, step, relative wall time. */
export function scalarReadout(runs: readonly ScalarRun[], x: number): Readout {
  const rows: ReadoutRow[] = [];
  const row = (label: string, color: string, s: ScalarSeries, swatch: SwatchStyle, points: boolean) => {
    const i = nearestIndex(s.x, x);
    if (i < 0) return;
    rows.push({
      label, color, swatch, points,
      cells: [s.smoothed ? formatNumber(s.smoothed[i]) : '–', formatNumber(s.raw[i]), formatCount(s.step[i]), formatDuration(s.time[i])],
    });
  };
  for (const r of runs) {
    row(r.name, r.color, r.main, 'line', false);
    if (r.extra) row(`${r.name} · ${r.extra.label}`, r.extra.color, r.extra, 'dashed', true);
  }
  return { labelHead: 'Run', columns: SCALAR_COLUMNS, rows };
}
