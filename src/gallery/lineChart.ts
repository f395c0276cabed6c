// The gallery's figures: a line chart described in data units (points, an optional log y axis, reference
// lines), given ranges that fit its data and the colours of a printed figure, then written by the one SVG
// chart writer the dashboards' exports use (src/shared/chart/svgChart.ts).
import { buildChartSvg, type ChartSvgSpec } from '../shared/chart/svgChart';

export interface Series {
  label: string;
  /** [x, y] points in data units; non-finite y (and y ≤ 0 on a log axis) break the line. */
  points: [number, number][];
  dashed?: boolean;
}

export interface ReferenceLine {
  label: string;
  y: number;
}

export interface LineChart {
  title: string;
  xLabel: string;
  yLabel: string;
  yLog?: boolean;
  series: Series[];
  references?: ReferenceLine[];
  width?: number;
  height?: number;
}

/** Colour-blind-safe palette (Okabe & Ito 2008), in series order. */
const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];
const REFERENCE_COLOUR = '#666666';
const COLOURS = { background: '#ffffff', foreground: '#000000', muted: '#333333', grid: '#e5e5e5' };

/** Ranges that hold every usable point and reference line, padded: 5 % on a linear y axis, a factor on a log one. */
export function figureRanges(chart: LineChart): { x: [number, number]; y: [number, number] } {
  const usable = (y: number) => Number.isFinite(y) && (!chart.yLog || y > 0);
  const xs: number[] = [];
  const ys: number[] = [];
  for (const s of chart.series) for (const [x, y] of s.points) if (Number.isFinite(x) && usable(y)) (xs.push(x), ys.push(y));
  for (const r of chart.references ?? []) if (usable(r.y)) ys.push(r.y);
  let [x0, x1] = xs.length ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
  if (x1 === x0) x1 = x0 + 1;
  let [y0, y1] = ys.length ? [Math.min(...ys), Math.max(...ys)] : chart.yLog ? [0.1, 1] : [0, 1];
  if (chart.yLog) {
    const f = y1 / y0 < 10 ? 1.5 : 1.1;
    [y0, y1] = [y0 / f, y1 * f];
  } else {
    const pad = (y1 - y0 || Math.abs(y1) || 1) * 0.05;
    [y0, y1] = [y0 - pad, y1 + pad];
  }
  return { x: [x0, x1], y: [y0, y1] };
}

export function figureSpec(chart: LineChart): ChartSvgSpec {
  const colour = (i: number) => PALETTE[i % PALETTE.length];
  const ranges = figureRanges(chart);
  return {
    width: chart.width ?? 640,
    height: chart.height ?? 400,
    title: chart.title,
    legend: chart.series.map((s, i) => ({ label: s.label, color: colour(i), ...(s.dashed && { dash: [6, 3] }) })),
    xLabel: chart.xLabel,
    yLabel: chart.yLabel + (chart.yLog ? ' (log scale)' : ''),
    xRange: ranges.x,
    yRange: ranges.y,
    logY: chart.yLog === true,
    series: chart.series.map((s, i) => ({
      label: s.label,
      color: colour(i),
      x: s.points.map((p) => p[0]),
      y: s.points.map((p) => p[1]),
      width: 1.5,
      ...(s.dashed && { dash: [6, 3] }),
    })),
    refs: (chart.references ?? []).map((r) => ({ label: r.label, value: r.y, color: REFERENCE_COLOUR })),
    colors: COLOURS,
    font: 'Helvetica, Arial, sans-serif',
    gaps: 'break',
  };
}

export function renderLineChart(chart: LineChart): string {
  return buildChartSvg(figureSpec(chart)) + '\n';
}
