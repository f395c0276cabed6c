// A matrix as a standalone SVG heatmap: one cell per value, the row and column labels (tokens) beside
// it, and a colour bar with the range's ends. For figures in files (the gallery's attention maps), so it
// writes concrete colours: each cell's is the linear mix of `low` and `high` at the value's place in
// `range` (a two-colour scale reads well in print and in grey, as Bahdanau et al.'s attention figures).
// Pure, no DOM; each cell carries its value in a <title> (a browser shows it on hover).
import { escapeXml, paint, writeSvgHead } from './svgChart';

export interface HeatmapSvgSpec {
  title: string;
  /** Axis titles: across (columns) and down (rows). */
  xLabel: string;
  yLabel: string;
  /** One label per column and per row (tokens); `values` is row-major [rows.length, columns.length]. */
  columns: readonly string[];
  rows: readonly string[];
  values: ArrayLike<number>;
  /** Values at or beyond the ends take the end colours; non-finite values are drawn as `missing`. */
  range: [number, number];
  /** Side of a cell in CSS pixels (default 16). */
  cell?: number;
  colors: { background: string; foreground: string; muted: string; low: string; high: string; missing: string };
  font: string;
}

const round = (v: number) => Number(v.toFixed(1));
const textWidth = (s: string, px: number) => s.length * px * 0.6;

/** `#rrggbb` → [r, g, b]. */
function rgbOf(hex: string): [number, number, number] {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex.trim());
  if (!m) throw new Error(`heatmap colours are #rrggbb, got ${JSON.stringify(hex)}`);
  return [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)];
}

const hex = (rgb: number[]) => `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;

/** The colour of `v`: low at range[0], high at range[1], clamped; `missing` where v is not finite. */
export function heatmapColor(spec: Pick<HeatmapSvgSpec, 'range' | 'colors'>, v: number): string {
  if (!Number.isFinite(v)) return spec.colors.missing;
  const [lo, hi] = spec.range;
  const p = hi > lo ? Math.max(0, Math.min(1, (v - lo) / (hi - lo))) : 0.5;
  const a = rgbOf(spec.colors.low), b = rgbOf(spec.colors.high);
  return hex(a.map((c, i) => c + (b[i] - c) * p));
}

const formatValue = (v: number) => (Number.isFinite(v) ? (Math.abs(v) >= 100 || v === 0 ? String(round(v)) : v.toPrecision(3)) : '–');

export function buildHeatmapSvg(spec: HeatmapSvgSpec): string {
  const { columns, rows, values, colors } = spec;
  if (values.length !== rows.length * columns.length) {
    throw new Error(`heatmap "${spec.title}": ${values.length} values for ${rows.length} rows × ${columns.length} columns`);
  }
  const cell = spec.cell ?? 16;
  const labelPx = 11;
  const rowLabelWidth = Math.max(0, ...rows.map((r) => textWidth(r, labelPx))) + 8;
  const columnLabelHeight = Math.max(0, ...columns.map((c) => textWidth(c, labelPx))) + 8;
  const left = 34 + rowLabelWidth;
  const top = 34 + 18 + columnLabelHeight;
  const plotW = columns.length * cell, plotH = rows.length * cell;
  const barX = left + plotW + 24, barW = 12;
  const width = Math.ceil(Math.max(barX + barW + 12 + textWidth(formatValue(spec.range[1]), labelPx) + 8, textWidth(spec.title, 14) + 24));
  const height = Math.ceil(top + plotH + 40);
  const out: string[] = [];
  writeSvgHead(out, { width, height, font: spec.font, title: spec.title, colors });
  out.push(`<g class="cells" stroke="none">`);
  for (let r = 0; r < rows.length; r++) {
    for (let c = 0; c < columns.length; c++) {
      const v = values[r * columns.length + c];
      out.push(`<rect x="${left + c * cell}" y="${top + r * cell}" width="${cell}" height="${cell}" ${paint('fill', heatmapColor(spec, v))}><title>${escapeXml(`${rows[r]} ← ${columns[c]}: ${formatValue(v)}`)}</title></rect>`);
    }
  }
  out.push(`</g>`);
  out.push(`<g class="labels" font-size="${labelPx}" ${paint('fill', colors.muted)}>`);
  out.push(`<g class="column-labels">`);
  columns.forEach((label, c) => {
    const x = round(left + (c + 0.5) * cell + labelPx * 0.35);
    out.push(`<text transform="translate(${x} ${top - 6}) rotate(-90)">${escapeXml(label)}</text>`);
  });
  out.push(`</g>`);
  out.push(`<g class="row-labels" text-anchor="end">`);
  rows.forEach((label, r) => out.push(`<text x="${left - 6}" y="${round(top + (r + 0.5) * cell + labelPx * 0.35)}">${escapeXml(label)}</text>`));
  out.push(`</g>`);
  out.push(`<text class="axis-label" x="${round(left + plotW / 2)}" y="${34 + 12}" text-anchor="middle" font-size="12">${escapeXml(spec.xLabel)}</text>`);
  out.push(`<text class="axis-label" transform="translate(18 ${round(top + plotH / 2)}) rotate(-90)" text-anchor="middle" font-size="12">${escapeXml(spec.yLabel)}</text>`);
  out.push(`</g>`);
  writeColorBar(out, spec, { x: barX, y: top, w: barW, h: Math.max(plotH, 60), labelPx });
  out.push(`</svg>`);
  return out.join('\n');
}

/** A vertical gradient from low (bottom) to high (top), the range's ends written beside it. */
function writeColorBar(out: string[], spec: HeatmapSvgSpec, bar: { x: number; y: number; w: number; h: number; labelPx: number }): void {
  const { colors } = spec;
  out.push(`<defs><linearGradient id="heatmap-scale" x1="0" y1="1" x2="0" y2="0"><stop offset="0" stop-color="${heatmapColor(spec, spec.range[0])}"/><stop offset="1" stop-color="${heatmapColor(spec, spec.range[1])}"/></linearGradient></defs>`);
  out.push(`<g class="color-bar" font-size="${bar.labelPx}" ${paint('fill', colors.muted)}>`);
  out.push(`<rect x="${bar.x}" y="${bar.y}" width="${bar.w}" height="${bar.h}" fill="url(#heatmap-scale)" ${paint('stroke', colors.muted)} stroke-width="0.5"/>`);
  out.push(`<text x="${bar.x + bar.w + 4}" y="${bar.y + bar.labelPx * 0.8}">${escapeXml(formatValue(spec.range[1]))}</text>`);
  out.push(`<text x="${bar.x + bar.w + 4}" y="${bar.y + bar.h}">${escapeXml(formatValue(spec.range[0]))}</text>`);
  out.push(`</g>`);
}
