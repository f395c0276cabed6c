// Colour scales for heatmaps, as 256-entry RGB lookup tables.
// Diverging: ColorBrewer RdBu (11 classes), blue for -1, near-white for 0, red for +1 (colour-blind safe).
// Sequential: viridis (matplotlib), perceptually uniform and colour-blind safe.

export type RGB = [number, number, number];

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

/** LUT index of v on [lo, hi] (clamped); NaN maps to -1. */
export function lutIndex(v: number, lo: number, hi: number): number {
  if (!Number.isFinite(v)) return -1;
  const t = (v - lo) / (hi - lo);
  return Math.max(0, Math.min(255, Math.round(t * 255)));
}

export function lookup(table: Uint8Array, i: number): RGB {
  return [table[i * 3], table[i * 3 + 1], table[i * 3 + 2]];
}

/** Diverging colour of a value on [-1, 1]. */
export function diverging(v: number): RGB {
  const i = lutIndex(v, -1, 1);
  return i < 0 ? [128, 128, 128] : lookup(DIVERGING_LUT, i);
}

/** Sequential colour of t on [0, 1]. */
export function sequential(t: number): RGB {
  const i = lutIndex(t, 0, 1);
  return i < 0 ? [128, 128, 128] : lookup(SEQUENTIAL_LUT, i);
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
