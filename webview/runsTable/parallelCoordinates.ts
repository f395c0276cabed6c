// The sweep's parallel coordinates as numbers: one axis per swept setting and one for the chosen result,
// each run a line through its values, each axis scaled to what the runs hold (log when positive values
// span a decade or more, categories evenly spaced), the brushes that filter lines, and which line is under
// the pointer. Positions are fractions: t = 0 at an axis' bottom, 1 at its top. Pure; sweepView.ts draws.
import { linearTicks, logTicks } from '../../src/shared/chart/ticks';
import { columnOf, formatCell, type CellValue, type RunRow } from '../../src/shared/runsTable';
import { formatSweepValue, shortSettingName } from '../../src/shared/sweep';

export type AxisScale =
  | { kind: 'linear' | 'log'; lo: number; hi: number }
  | { kind: 'category'; values: string[] };

export interface PcAxis {
  /** `setting:<path>` or the result's column key. */
  key: string;
  label: string;
  scale: AxisScale;
  ticks: { t: number; label: string }[];
}

export interface PcLine {
  runId: string;
  label: string;
  /** Position on each axis; undefined where the run has no value. */
  ts: (number | undefined)[];
  values: (CellValue | undefined)[];
  /** The result, which colours the line. */
  metric?: number;
}

export interface PcModel {
  axes: PcAxis[];
  lines: PcLine[];
  /** The result axis' scale, which is also the colour scale. */
  metricScale?: AxisScale;
}

const isNumber = (v: CellValue | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

export function axisScale(values: readonly (CellValue | undefined)[]): AxisScale {
  const present = values.filter((v): v is CellValue => v !== undefined);
  if (present.length > 0 && present.every(isNumber)) {
    const lo = Math.min(...present);
    const hi = Math.max(...present);
    return { kind: lo > 0 && hi / lo >= 10 ? 'log' : 'linear', lo, hi };
  }
  const distinct = [...new Set(present.map(String))].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  return { kind: 'category', values: distinct };
}

/** Where `v` sits on the axis (0 bottom … 1 top); undefined when it is not on it. */
export function position(scale: AxisScale, v: CellValue | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (scale.kind === 'category') {
    const i = scale.values.indexOf(String(v));
    if (i < 0) return undefined;
    return scale.values.length === 1 ? 0.5 : 0.1 + (0.8 * i) / (scale.values.length - 1);
  }
  if (!isNumber(v)) return undefined;
  if (scale.hi === scale.lo) return 0.5;
  if (scale.kind === 'log') return (Math.log(v) - Math.log(scale.lo)) / (Math.log(scale.hi) - Math.log(scale.lo));
  return (v - scale.lo) / (scale.hi - scale.lo);
}

/** The axis' value at position t, as a readout: the number there, or the nearest category. */
export function valueAt(scale: AxisScale, t: number): string {
  if (scale.kind === 'category') {
    let best = 0;
    scale.values.forEach((_, i) => {
      if (Math.abs((position(scale, scale.values[i]) ?? 0) - t) < Math.abs((position(scale, scale.values[best]) ?? 0) - t)) best = i;
    });
    return scale.values[best] ?? '';
  }
  if (scale.hi === scale.lo) return formatSweepValue(scale.lo);
  const v = scale.kind === 'log' ? Math.exp(Math.log(scale.lo) + t * (Math.log(scale.hi) - Math.log(scale.lo))) : scale.lo + t * (scale.hi - scale.lo);
  return formatSweepValue(v);
}

export function axisTicks(scale: AxisScale): { t: number; label: string }[] {
  if (scale.kind === 'category') return scale.values.map((v) => ({ t: position(scale, v)!, label: v }));
  if (scale.hi === scale.lo) return [{ t: 0.5, label: formatSweepValue(scale.lo) }];
  const values = scale.kind === 'log' ? logTicks(scale.lo, scale.hi, 5) : linearTicks(scale.lo, scale.hi, 5);
  return values.map((v) => ({ t: position(scale, v)!, label: formatSweepValue(v) }));
}

/** The sweep ids among `rows`, newest sweep first, with their runs' count and config. */
export function sweepsIn(rows: readonly RunRow[]): { id: string; count: number; config: string }[] {
  const out = new Map<string, { id: string; count: number; config: string; newest: string }>();
  for (const r of rows) {
    if (!r.sweep) continue;
    const s = out.get(r.sweep.id) ?? { id: r.sweep.id, count: 0, config: r.config, newest: r.createdAt };
    s.count++;
    if (r.createdAt > s.newest) s.newest = r.createdAt;
    out.set(r.sweep.id, s);
  }
  return [...out.values()].sort((a, b) => b.newest.localeCompare(a.newest)).map(({ id, count, config }) => ({ id, count, config }));
}

/** The parallel coordinates of one sweep's runs among `rows`: its settings' axes, then the result's. */
export function parallelModel(rows: readonly RunRow[], sweepId: string, metricKey: string | undefined): PcModel {
  const runs = rows.filter((r) => r.sweep?.id === sweepId);
  const paths = [...new Set(runs.flatMap((r) => Object.keys(r.sweep!.values)))];
  const columns = paths.map((p) => ({ key: `setting:${p}`, label: shortSettingName(p), value: (r: RunRow) => r.sweep!.values[p] as CellValue | undefined }));
  if (metricKey) columns.push({ key: metricKey, label: columnOf(metricKey).label, value: (r: RunRow) => r.metrics[metricKey.slice(7)] });
  const axes = columns.map((c): PcAxis => {
    const scale = axisScale(runs.map(c.value));
    return { key: c.key, label: c.label, scale, ticks: axisTicks(scale) };
  });
  const lines = runs.map((r): PcLine => {
    const values = columns.map((c) => c.value(r));
    const metric = metricKey ? r.metrics[metricKey.slice(7)] : undefined;
    return { runId: r.id, label: r.label, values, ts: values.map((v, i) => position(axes[i].scale, v)), ...(isNumber(metric) && { metric }) };
  });
  return { axes, lines, ...(metricKey && { metricScale: axes[axes.length - 1].scale }) };
}

/** An interval of one axis, as fractions (lo ≤ hi). */
export type Brushes = Record<string, [number, number]>;

/** Whether the line passes through every brush (a line without a value on a brushed axis does not). */
export function insideBrushes(model: PcModel, line: PcLine, brushes: Brushes): boolean {
  return model.axes.every((axis, i) => {
    const b = brushes[axis.key];
    if (!b) return true;
    const t = line.ts[i];
    return t !== undefined && t >= b[0] - 1e-9 && t <= b[1] + 1e-9;
  });
}

/** The plot area in CSS pixels; axis i of n stands at axisX(i). */
export interface PlotBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

export const axisX = (plot: PlotBox, i: number, n: number): number => plot.left + (n === 1 ? plot.width / 2 : (plot.width * i) / (n - 1));
export const yOf = (plot: PlotBox, t: number): number => plot.top + (1 - t) * plot.height;
export const tOf = (plot: PlotBox, y: number): number => Math.max(0, Math.min(1, 1 - (y - plot.top) / plot.height));

/** The line nearest to (x, y) within `maxDistance` pixels, among those `eligible`; undefined if none. */
export function nearestLine(model: PcModel, plot: PlotBox, x: number, y: number, maxDistance: number, eligible: (l: PcLine) => boolean = () => true): PcLine | undefined {
  const n = model.axes.length;
  let best: PcLine | undefined;
  let bestD = maxDistance;
  for (const line of model.lines) {
    if (!eligible(line)) continue;
    for (let i = 0; i + 1 < n; i++) {
      const [t0, t1] = [line.ts[i], line.ts[i + 1]];
      if (t0 === undefined || t1 === undefined) continue;
      const d = segmentDistance(x, y, axisX(plot, i, n), yOf(plot, t0), axisX(plot, i + 1, n), yOf(plot, t1));
      if (d < bestD) {
        bestD = d;
        best = line;
      }
    }
  }
  return best;
}

function segmentDistance(px: number, py: number, x0: number, y0: number, x1: number, y1: number): number {
  const dx = x1 - x0;
  const dy = y1 - y0;
  const len2 = dx * dx + dy * dy;
  const u = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - x0) * dx + (py - y0) * dy) / len2));
  return Math.hypot(px - (x0 + u * dx), py - (y0 + u * dy));
}

/** A line's values in words for the readout: "lr 0.003 · hidden 128 · best val loss 0.0431". */
export function lineReadout(model: PcModel, line: PcLine): string {
  return model.axes.map((a, i) => `${a.label} ${a.key.startsWith('metric:') ? formatCell(a.key, line.values[i]) || '–' : line.values[i] === undefined ? '–' : formatSweepValue(line.values[i]!)}`).join(' · ');
}
