// A line chart as a standalone SVG document: title, legend, axes with ticks, lines (optionally dashed and
// with points), dashed reference lines with their labels. One writer for the dashboards' "Export SVG"
// (series already downsampled to the visible range, the scales on screen) and the gallery's figures.
// Pure, no DOM: the caller resolves colours to concrete values (a file has no --vscode-* variables) and
// picks the ranges; a test reads the result as text.
import { labelPieces } from './richLabel';
import { integerTicks, linearTicks, logAxisTicks, tickFormatter } from './ticks';

export interface SvgSeries {
  label: string;
  color: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  width?: number;
  dash?: number[];
  points?: boolean;
  /** false: points only, no line between them (independent examples, not a series over time). */
  line?: boolean;
}

/** A dashed reference line: across the plot at y = value (a baseline), or up it at x = value (a marked position). */
export interface SvgRefLine {
  value: number;
  label: string;
  color: string;
  axis?: 'x' | 'y';
}

export interface ChartSvgSpec {
  /** Size of the whole image in CSS pixels; the plot takes what the title and legend leave. */
  width: number;
  height: number;
  title: string;
  /** Legend entries: a square swatch, or a line of the series' dash (and a dot) where `dash`/`points` say so. */
  legend: Array<{ label: string; color: string; dash?: number[]; points?: boolean }>;
  /** Axis titles; `_x` and `_{…}` are subscripts (richLabel.ts). */
  xLabel: string;
  yLabel: string;
  /** The x axis counts (steps, timesteps): whole-number ticks only. */
  xInteger?: boolean;
  xRange: [number, number];
  yRange: [number, number];
  logY: boolean;
  series: SvgSeries[];
  refs?: SvgRefLine[];
  colors: { background: string; foreground: string; muted: string; grid: string };
  font: string;
  /**
   * What a missing point (NaN, or ≤ 0 on a log axis) does to its line: `span` joins its neighbours, as
   * the dashboards' canvas does; `break` starts a new segment (a figure shows where a run diverged).
   */
  gaps?: 'span' | 'break';
}

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/**
 * `fill="…"`/`stroke="…"` for a CSS colour; an alpha (rgba(), hsla(), #rrggbbaa) goes to `*-opacity`,
 * which every SVG reader understands, unlike rgba() inside a presentation attribute.
 */
export function paint(attr: 'fill' | 'stroke', color: string): string {
  const c = color.trim();
  const fn = /^(rgb|hsl)a?\(\s*([^,\s]+)[,\s]+([^,\s]+)[,\s]+([^,\s/)]+)\s*(?:[,/]\s*([^\s)]+)\s*)?\)$/i.exec(c);
  if (fn) {
    const base = `${fn[1].toLowerCase()}(${fn[2]}, ${fn[3]}, ${fn[4]})`;
    const a = fn[5] === undefined ? 1 : fn[5].endsWith('%') ? Number(fn[5].slice(0, -1)) / 100 : Number(fn[5]);
    return a < 1 ? `${attr}="${escapeXml(base)}" ${attr}-opacity="${round(a, 3)}"` : `${attr}="${escapeXml(base)}"`;
  }
  const hex8 = /^#([0-9a-f]{6})([0-9a-f]{2})$/i.exec(c);
  if (hex8) return `${attr}="#${hex8[1]}" ${attr}-opacity="${round(parseInt(hex8[2], 16) / 255, 3)}"`;
  return `${attr}="${escapeXml(c)}"`;
}

const round = (v: number, digits = 1) => Number(v.toFixed(digits));

/** Rough text width for layout (no DOM to measure with): ~0.6 em per character. */
const textWidth = (s: string, px: number) => s.length * px * 0.6;

interface PlotArea {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** The data → image mapping of the plot area. */
interface Scales {
  px(v: number): number;
  py(v: number): number;
  validY(v: number): boolean;
}

/** An SVG figure's opening: the document, its title, the background and the title text (charts and heatmaps alike). */
export function writeSvgHead(out: string[], f: { width: number; height: number; font: string; title: string; colors: { background: string; foreground: string } }): void {
  const { width, height, colors } = f;
  out.push(`<?xml version="1.0" encoding="UTF-8"?>`);
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${escapeXml(f.font)}">`);
  out.push(`<title>${escapeXml(f.title)}</title>`);
  out.push(`<rect class="background" x="0" y="0" width="${width}" height="${height}" ${paint('fill', colors.background)}/>`);
  out.push(`<text class="chart-title" x="12" y="22" font-size="14" font-weight="600" ${paint('fill', colors.foreground)}>${escapeXml(f.title)}</text>`);
}

export function buildChartSvg(spec: ChartSvgSpec): string {
  const { width, height, colors } = spec;
  const out: string[] = [];
  writeSvgHead(out, { width, height, font: spec.font, title: spec.title, colors });
  const legendBottom = writeLegend(out, spec);
  const plot = { left: 64, top: (spec.legend.length ? legendBottom : 26) + 14, right: width - 16, bottom: height - 44 };
  const scales = scalesOf(spec, plot);
  writeAxes(out, spec, plot, scales);
  writeSeries(out, spec, plot, scales);
  writeRefs(out, spec, plot, scales);
  out.push(`</svg>`);
  return out.join('\n');
}

/** Swatch + name per entry, wrapped onto as many rows as the width needs; returns the last row's baseline. */
function writeLegend(out: string[], spec: ChartSvgSpec): number {
  out.push(`<g class="legend" font-size="12">`);
  let lx = 12;
  let ly = 44;
  for (const item of spec.legend) {
    const w = 18 + textWidth(item.label, 12) + 16;
    if (lx > 12 && lx + w > spec.width - 12) {
      lx = 12;
      ly += 18;
    }
    const line = item.dash !== undefined || item.points;
    const swatch = line
      ? `<line x1="${lx - 2}" y1="${ly - 4}" x2="${lx + 12}" y2="${ly - 4}" ${paint('stroke', item.color)} stroke-width="2"${item.dash?.length ? ` stroke-dasharray="${item.dash.join(' ')}"` : ''}/>` +
        (item.points ? `<circle cx="${lx + 5}" cy="${ly - 4}" r="2.5" ${paint('fill', item.color)}/>` : '')
      : `<rect x="${lx}" y="${ly - 9}" width="10" height="10" rx="2" ${paint('fill', item.color)}/>`;
    out.push(`<g class="legend-entry">${swatch}<text x="${lx + 16}" y="${ly}" ${paint('fill', spec.colors.foreground)}>${escapeXml(item.label)}</text></g>`);
    lx += w;
  }
  out.push(`</g>`);
  return ly;
}

function scalesOf(spec: ChartSvgSpec, plot: PlotArea): Scales {
  const [x0, x1] = spec.xRange;
  const fy = spec.logY ? (v: number) => Math.log10(v) : (v: number) => v;
  const ly0 = fy(spec.yRange[0]);
  const ly1 = fy(spec.yRange[1]);
  const pw = Math.max(1, plot.right - plot.left);
  const ph = Math.max(1, plot.bottom - plot.top);
  return {
    px: (v) => plot.left + ((v - x0) / (x1 - x0 || 1)) * pw,
    py: (v) => plot.bottom - ((fy(v) - ly0) / (ly1 - ly0 || 1)) * ph,
    validY: (v) => Number.isFinite(v) && (!spec.logY || v > 0),
  };
}

/** Grid, axis lines, ticks with their labels (one format per axis), minor ticks of a log axis, axis titles. */
function writeAxes(out: string[], spec: ChartSvgSpec, plot: PlotArea, { px, py, validY }: Scales): void {
  const { colors } = spec;
  const pw = Math.max(1, plot.right - plot.left);
  const ph = Math.max(1, plot.bottom - plot.top);
  const [y0, y1] = spec.yRange;
  const xTarget = Math.max(2, Math.round(pw / 100));
  const xTicks = (spec.xInteger ? integerTicks : linearTicks)(spec.xRange[0], spec.xRange[1], xTarget);
  const yTarget = Math.max(2, Math.round(ph / 50));
  const yAxis = spec.logY ? logAxisTicks(y0, y1, yTarget) : { major: linearTicks(y0, y1, yTarget), minor: [], linear: true };
  const yTicks = yAxis.major.filter(validY);
  const xText = tickFormatter(xTicks);
  const yText = tickFormatter(yTicks, yAxis.linear ? 'aligned' : 'compact');
  out.push(`<g class="grid" ${paint('stroke', colors.grid)} stroke-width="1">`);
  for (const t of xTicks) out.push(`<line x1="${round(px(t))}" y1="${plot.top}" x2="${round(px(t))}" y2="${plot.bottom}"/>`);
  for (const t of yTicks) out.push(`<line x1="${plot.left}" y1="${round(py(t))}" x2="${plot.right}" y2="${round(py(t))}"/>`);
  out.push(`</g>`);
  out.push(`<g class="axes" font-size="11" ${paint('fill', colors.muted)}>`);
  out.push(`<path class="axis-line" d="M${plot.left} ${plot.top}V${plot.bottom}H${plot.right}" fill="none" ${paint('stroke', colors.muted)} stroke-width="1"/>`);
  out.push(`<g class="x-axis" text-anchor="middle">`);
  for (const t of xTicks) out.push(`<line x1="${round(px(t))}" y1="${plot.bottom}" x2="${round(px(t))}" y2="${plot.bottom + 4}" ${paint('stroke', colors.muted)}/><text x="${round(px(t))}" y="${plot.bottom + 16}">${escapeXml(xText(t))}</text>`);
  out.push(`<text class="axis-label" x="${round(plot.left + pw / 2)}" y="${spec.height - 8}" font-size="12">${richText(spec.xLabel, 12)}</text>`);
  out.push(`</g>`);
  out.push(`<g class="y-axis" text-anchor="end">`);
  for (const t of yTicks) out.push(`<line x1="${plot.left - 4}" y1="${round(py(t))}" x2="${plot.left}" y2="${round(py(t))}" ${paint('stroke', colors.muted)}/><text x="${plot.left - 6}" y="${round(py(t) + 4)}">${escapeXml(yText(t))}</text>`);
  for (const t of yAxis.minor.filter(validY)) out.push(`<line class="minor-tick" x1="${plot.left - 2}" y1="${round(py(t))}" x2="${plot.left}" y2="${round(py(t))}" ${paint('stroke', colors.muted)}/>`);
  out.push(`<text class="axis-label" transform="translate(16 ${round(plot.top + ph / 2)}) rotate(-90)" text-anchor="middle" font-size="12">${richText(spec.yLabel, 12)}</text>`);
  out.push(`</g>`);
  out.push(`</g>`);
}

/** An axis title's text content: subscripts as lowered, smaller <tspan>s (dy works in every SVG reader). */
function richText(label: string, px: number): string {
  const shift = Math.round(px * 0.3);
  const pieces = labelPieces(label);
  if (pieces.every((p) => !p.sub)) return escapeXml(label);
  let lowered = false;
  return pieces.map((p) => {
    const text = escapeXml(p.text);
    if (p.sub === lowered) return `<tspan>${text}</tspan>`;
    lowered = p.sub;
    return p.sub ? `<tspan class="sub" dy="${shift}" font-size="${Math.round(px * 0.75)}">${text}</tspan>` : `<tspan dy="-${shift}">${text}</tspan>`;
  }).join('');
}

/** One path per series (empty ones included, so a reader finds every label), clipped to the plot area. */
function writeSeries(out: string[], spec: ChartSvgSpec, plot: PlotArea, { px, py, validY }: Scales): void {
  out.push(`<defs><clipPath id="plot-area"><rect x="${plot.left}" y="${plot.top}" width="${Math.max(1, plot.right - plot.left)}" height="${Math.max(1, plot.bottom - plot.top)}"/></clipPath></defs>`);
  out.push(`<g class="series" clip-path="url(#plot-area)" fill="none" stroke-linejoin="round" stroke-linecap="round">`);
  const breakAtGaps = spec.gaps === 'break';
  for (const s of spec.series) {
    const d: string[] = [];
    const dots: string[] = [];
    let pen = false;
    for (let i = 0; i < s.x.length; i++) {
      const x = s.x[i];
      const y = s.y[i];
      if (!Number.isFinite(x) || !validY(y)) {
        if (breakAtGaps) pen = false;
        continue;
      }
      const X = round(px(x));
      const Y = round(py(y));
      d.push(`${pen ? 'L' : 'M'}${X} ${Y}`);
      pen = true;
      if (s.points) dots.push(`<circle cx="${X}" cy="${Y}" r="2.5"/>`);
    }
    const dash = s.dash?.length ? ` stroke-dasharray="${s.dash.join(' ')}"` : '';
    out.push(`<path class="series-line" data-label="${escapeXml(s.label)}" d="${s.line === false ? '' : d.join('')}" ${paint('stroke', s.color)} stroke-width="${s.width ?? 1.5}"${dash}/>`);
    if (dots.length) out.push(`<g class="series-points" ${paint('fill', s.color)} stroke="none">${dots.join('')}</g>`);
  }
  out.push(`</g>`);
}

/** Reference lines (a baseline, a clipping threshold, a marked position): dashed, labelled at one end. */
function writeRefs(out: string[], spec: ChartSvgSpec, plot: PlotArea, { px, py, validY }: Scales): void {
  const [y0, y1] = spec.yRange;
  const [x0, x1] = spec.xRange;
  const dashed = (color: string) => `${paint('stroke', color)} stroke-width="1" stroke-dasharray="6 4"`;
  const text = (r: SvgRefLine, x: number, y: number) =>
    `<text x="${x}" y="${y}" font-size="11" ${paint('fill', r.color)} ${paint('stroke', spec.colors.background)} stroke-width="3" paint-order="stroke">${escapeXml(r.label)}</text>`;
  for (const r of spec.refs ?? []) {
    if (r.axis === 'x') {
      if (!Number.isFinite(r.value) || r.value < Math.min(x0, x1) || r.value > Math.max(x0, x1)) continue;
      const x = round(px(r.value));
      out.push(`<g class="ref-line"><line x1="${x}" y1="${plot.top}" x2="${x}" y2="${plot.bottom}" ${dashed(r.color)}/>${text(r, x + 4, plot.top + 12)}</g>`);
      continue;
    }
    if (!validY(r.value) || r.value < Math.min(y0, y1) || r.value > Math.max(y0, y1)) continue;
    const y = round(py(r.value));
    const ty = y - 14 < plot.top ? y + 14 : y - 5;
    out.push(`<g class="ref-line"><line x1="${plot.left}" y1="${y}" x2="${plot.right}" y2="${y}" ${dashed(r.color)}/>${text(r, plot.left + 6, ty)}</g>`);
  }
}
