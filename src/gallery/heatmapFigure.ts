// The gallery's heatmaps (attention maps): a matrix with its row and column tokens, given the colours of
// a printed figure (white for 0, the line charts' blue for the range's top) and written by the shared
// SVG heatmap writer (src/shared/chart/svgHeatmap.ts).
import { buildHeatmapSvg } from '../shared/chart/svgHeatmap';

export interface HeatmapFigure {
  title: string;
  xLabel: string;
  yLabel: string;
  columns: string[];
  rows: string[];
  /** Row-major [rows.length, columns.length]. */
  values: Float32Array | number[];
  range: [number, number];
}

const COLOURS = { background: '#ffffff', foreground: '#000000', muted: '#333333', low: '#ffffff', high: '#0072B2', missing: '#bbbbbb' };

export function renderHeatmap(h: HeatmapFigure): string {
  return buildHeatmapSvg({ ...h, colors: COLOURS, font: 'Helvetica, Arial, sans-serif' }) + '\n';
}
