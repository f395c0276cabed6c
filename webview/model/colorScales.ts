// Colour scales for heatmaps: 256-entry RGB lookup tables and the one mapping from a value to its colour
// that the heatmap pixels, the hover tooltip, the probe text and the numeric legend all use.
// Diverging: ColorBrewer RdBu (11 classes), blue for the low end, near-white for 0, red for the high end
// (colour-blind safe). Sequential: viridis (matplotlib), perceptually uniform and colour-blind safe.
// Self-contained (no imports): the E2E test loads this file alone to check pixels against the legend.

export type RGB = [number, number, number];

/**
 * How values map onto colours. `diverging`: RdBu over [lo, hi] (the dashboards centre it: lo = −hi);
 * `sequential`: viridis over [lo, hi]; `log`: viridis over log10 of [lo, hi] (lo > 0). Values beyond the
 * range take the end colours; NaN (and values ≤ 0 on a log scale) are grey.
 */
export interface ColorScale {
  kind: 'diverging' | 'sequential' | 'log';
  lo: number;
  hi: number;
}

const RD_BU: RGB[] = [
  [5, 48, 97], [33, 102, 172], [67, 147, 195], [146, 197, 222], [209, 229, 240], [247, 247, 247],
  [253, 219, 199], [244, 165, 130], [214, 96, 77], [178, 24, 43], [103, 0, 31],
];

const VIRIDIS: RGB[] = [
  [68, 1, 84], [72, 36, 117], [65, 68, 135], [53, 95, 141], [42, 120, 142], [33, 145, 140],
  [34, 168, 132], [68, 191, 112], [122, 209, 81], [189, 223, 38], [253, 231, 37],
];

function lut(stops: RGB[]): Uint8Array {
  const out = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const p = (i / 255) * (stops.length - 1);
    const k = Math.min(stops.length - 2, Math.floor(p));
    const f = p - k;
    for (let c = 0; c < 3; c++) out[i * 3 + c] = Math.round(stops[k][c] + (stops[k + 1][c] - stops[k][c]) * f);
  }
  return out;
}

export const DIVERGING_LUT = lut(RD_BU);
export const SEQUENTIAL_LUT = lut(VIRIDIS);

/** Grey: a cell without a value. */
export const NO_VALUE: RGB = [128, 128, 128];

export function scaleTable(scale: Pick<ColorScale, 'kind'>): Uint8Array {
  return scale.kind === 'diverging' ? DIVERGING_LUT : SEQUENTIAL_LUT;
}

/** Position of v on the scale, 0 at lo and 1 at hi, not clamped; NaN where v has no colour. */
export function scalePosition(scale: ColorScale, v: number): number {
  if (!Number.isFinite(v)) return NaN;
  if (scale.kind === 'log') {
    if (!(v > 0)) return NaN;
    const a = Math.log10(scale.lo);
    const b = Math.log10(scale.hi);
    return b > a ? (Math.log10(v) - a) / (b - a) : 0.5;
  }
  return scale.hi > scale.lo ? (v - scale.lo) / (scale.hi - scale.lo) : 0.5;
}

/** LUT index of v on the scale, clamped to the ends; -1 where v has no colour. */
export function scaleIndex(scale: ColorScale, v: number): number {
  const p = scalePosition(scale, v);
  if (Number.isNaN(p)) return -1;
  return Math.max(0, Math.min(255, Math.round(p * 255)));
}

export function lookup(table: Uint8Array, i: number): RGB {
  return [table[i * 3], table[i * 3 + 1], table[i * 3 + 2]];
}

/** The colour of v on the scale (what its heatmap cell, tooltip and legend show). */
export function scaleColor(scale: ColorScale, v: number): RGB {
  const i = scaleIndex(scale, v);
  return i < 0 ? [...NO_VALUE] : lookup(scaleTable(scale), i);
}

/** Relative luminance (sRGB, WCAG). */
export function luminance([r, g, b]: RGB): number {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

export const cssRgb = ([r, g, b]: RGB): string => `rgb(${r}, ${g}, ${b})`;
