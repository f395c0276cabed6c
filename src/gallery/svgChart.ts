// A small line-chart writer for the gallery's figures: axes, ticks, an optional log-scaled y axis,
// lines, dashed reference lines and a legend, as a standalone SVG string. No DOM, no dependencies,
// so a figure is a pure function of its data and a test can read it as text.

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
/** The bottom margin holds tick labels, the x label and two legend rows. */
const MARGIN = { left: 64, right: 16, top: 32, bottom: 92 };

/** Linear ticks at 1, 2 or 5 × 10^k, about `count` of them, covering [lo, hi]. */
export function linearTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

/** Log ticks: every power of ten in [lo, hi]; with fewer than three of them, 2× and 5× as well. */
export function logTicks(lo: number, hi: number): number[] {
  const a = Math.floor(Math.log10(lo)), b = Math.ceil(Math.log10(hi));
  const within = (v: number) => v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9);
  const decades: number[] = [];
  for (let k = a; k <= b; k++) decades.push(10 ** k);
  // many decades: thin them out to at most about eight labels
  const stride = Math.max(1, Math.ceil(decades.length / 8));
  const powers = decades.filter((_, i) => (i + a) % stride === 0).filter(within);
  if (powers.length >= 3) return powers;
  const out: number[] = [];
  for (const d of decades) for (const m of [1, 2, 5]) if (within(d * m)) out.push(d * m);
  return out.length > 0 ? out : [lo, hi];
}

export function formatTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) {
    const [m, e] = v.toExponential(1).split('e');
    const mant = Number(m);
    return `${mant === 1 ? '' : `${mant}·`}10${superscript(Number(e))}`;
  }
  if (a >= 1000) return `${Number((v / 1000).toPrecision(3))}k`;
  return String(Number(v.toPrecision(3)));
}

const SUPERSCRIPT: Record<string, string> = { '-': '⁻', 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹' };
const superscript = (n: number) => String(n).split('').map((c) => SUPERSCRIPT[c] ?? c).join('');

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const fmt = (v: number) => (Math.round(v * 10) / 10).toString();

export function renderLineChart(chart: LineChart): string {
  const W = chart.width ?? 640, H = chart.height ?? 400;
  const plotW = W - MARGIN.left - MARGIN.right, plotH = H - MARGIN.top - MARGIN.bottom;
  const usable = (y: number) => Number.isFinite(y) && (!chart.yLog || y > 0);
  const xs: number[] = [], ys: number[] = [];
  for (const s of chart.series) for (const [x, y] of s.points) if (Number.isFinite(x) && usable(y)) (xs.push(x), ys.push(y));
  for (const r of chart.references ?? []) if (usable(r.y)) ys.push(r.y);

  let [x0, x1] = xs.length ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
  if (x1 === x0) x1 = x0 + 1;
  let [y0, y1] = ys.length ? [Math.min(...ys), Math.max(...ys)] : chart.yLog ? [0.1, 1] : [0, 1];
  if (chart.yLog) {
    if (y1 / y0 < 10) [y0, y1] = [y0 / 1.5, y1 * 1.5];
    else [y0, y1] = [y0 / 1.1, y1 * 1.1];
  } else {
    const pad = (y1 - y0 || Math.abs(y1) || 1) * 0.05;
    [y0, y1] = [y0 - pad, y1 + pad];
  }
  const sx = (x: number) => MARGIN.left + ((x - x0) / (x1 - x0)) * plotW;
  const sy = chart.yLog
    ? (y: number) => MARGIN.top + (1 - (Math.log(y) - Math.log(y0)) / (Math.log(y1) - Math.log(y0))) * plotH
    : (y: number) => MARGIN.top + (1 - (y - y0) / (y1 - y0)) * plotH;

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  out.push(`<text x="${W / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(chart.title)}</text>`);

  // grid and ticks
  const xTicks = linearTicks(x0, x1, 6);
  const yTicks = chart.yLog ? logTicks(y0, y1) : linearTicks(y0, y1, 5);
  for (const v of xTicks) {
    const x = fmt(sx(v));
    out.push(`<line x1="${x}" y1="${MARGIN.top}" x2="${x}" y2="${MARGIN.top + plotH}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${x}" y="${MARGIN.top + plotH + 16}" text-anchor="middle">${escapeXml(formatTick(v))}</text>`);
  }
  for (const v of yTicks) {
    const y = fmt(sy(v));
    out.push(`<line x1="${MARGIN.left}" y1="${y}" x2="${MARGIN.left + plotW}" y2="${y}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${MARGIN.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${escapeXml(formatTick(v))}</text>`);
  }
  out.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333333"/>`);
  out.push(`<text x="${MARGIN.left + plotW / 2}" y="${MARGIN.top + plotH + 36}" text-anchor="middle">${escapeXml(chart.xLabel)}</text>`);
  out.push(`<text transform="translate(16 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(chart.yLabel + (chart.yLog ? ' (log scale)' : ''))}</text>`);

  // data, clipped to the plot area
  out.push(`<clipPath id="plot"><rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}"/></clipPath>`);
  out.push('<g clip-path="url(#plot)">');
  for (const r of chart.references ?? []) {
    if (!usable(r.y)) continue;
    const y = fmt(sy(r.y));
    out.push(`<line x1="${MARGIN.left}" y1="${y}" x2="${MARGIN.left + plotW}" y2="${y}" stroke="${REFERENCE_COLOUR}" stroke-dasharray="2 3"/>`);
  }
  chart.series.forEach((s, i) => {
    const colour = PALETTE[i % PALETTE.length];
    const d: string[] = [];
    let pen = false;
    for (const [x, y] of s.points) {
      if (!Number.isFinite(x) || !usable(y)) {
        pen = false;
        continue;
      }
      d.push(`${pen ? 'L' : 'M'}${fmt(sx(x))} ${fmt(sy(y))}`);
      pen = true;
    }
    if (d.length > 0) out.push(`<path d="${d.join('')}" fill="none" stroke="${colour}" stroke-width="1.5"${s.dashed ? ' stroke-dasharray="6 3"' : ''}/>`);
  });
  out.push('</g>');

  // legend below the x label, left to right
  const legend: { label: string; colour: string; dash?: string }[] = [
    ...chart.series.map((s, i) => ({ label: s.label, colour: PALETTE[i % PALETTE.length], ...(s.dashed && { dash: '6 3' }) })),
    ...(chart.references ?? []).map((r) => ({ label: r.label, colour: REFERENCE_COLOUR, dash: '2 3' })),
  ];
  let lx = MARGIN.left, ly = MARGIN.top + plotH + 56;
  for (const item of legend) {
    const w = 28 + item.label.length * 6.5;
    if (lx + w > W - MARGIN.right && lx > MARGIN.left) {
      lx = MARGIN.left;
      ly += 16;
    }
    out.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 20}" y2="${ly}" stroke="${item.colour}" stroke-width="2"${item.dash ? ` stroke-dasharray="${item.dash}"` : ''}/>`);
    out.push(`<text x="${lx + 24}" y="${ly}" dominant-baseline="middle">${escapeXml(item.label)}</text>`);
    lx += w;
  }
  out.push('</svg>');
  return out.join('\n') + '\n';
}
