// Run colours: the theme's chart colours first (--vscode-charts-*), then Paul Tol's colour-blind-safe
// "bright"/"muted" sets, then golden-angle hues, so any number of runs gets a distinct, stable colour.

export const THEME_CHART_VARS = ['--vscode-charts-blue', '--vscode-charts-orange', '--vscode-charts-green', '--vscode-charts-purple', '--vscode-charts-red', '--vscode-charts-yellow'];
const THEME_FALLBACK = ['#3794ff', '#d18616', '#89d185', '#b180d7', '#f14c4c', '#cca700'];
const TOL = ['#44aa99', '#cc6677', '#88ccee', '#ddcc77', '#aa4499', '#117733', '#999933', '#882255', '#332288', '#bbbbbb'];

export function runColor(index: number, themeColors: string[] = []): string {
  const theme = THEME_FALLBACK.map((c, i) => (themeColors[i] && themeColors[i].trim()) || c);
  if (index < theme.length) return theme[index];
  const j = index - theme.length;
  if (j < TOL.length) return TOL[j];
  const hue = Math.round(((j - TOL.length) * 137.508) % 360);
  return `hsl(${hue}, 65%, 55%)`;
}

/** `#rrggbb` or `rgb(…)`/`hsl(…)` with an alpha, for the faint raw curve under a smoothed one. */
export function withAlpha(color: string, alpha: number): string {
  const hex = /^#([0-9a-f]{6})$/i.exec(color.trim());
  if (hex) {
    const n = parseInt(hex[1], 16);
    return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
  }
  const m = /^(rgb|hsl)\((.*)\)$/i.exec(color.trim());
  if (m) return `${m[1]}a(${m[2]}, ${alpha})`;
  return color;
}

/** `#rrggbb`, `rgb(…)`/`rgba(…)` or `hsl(…)` as [r, g, b] (0…255); undefined for anything else. */
export function parseColor(color: string): [number, number, number] | undefined {
  const c = color.trim();
  const hex = /^#([0-9a-f]{6})$/i.exec(c);
  if (hex) {
    const n = parseInt(hex[1], 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  }
  const rgb = /^rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)/i.exec(c);
  if (rgb) return [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])];
  const hsl = /^hsla?\(\s*([\d.]+)(?:deg)?[,\s]+([\d.]+)%[,\s]+([\d.]+)%/i.exec(c);
  if (hsl) {
    const [h, s, l] = [Number(hsl[1]) / 360, Number(hsl[2]) / 100, Number(hsl[3]) / 100];
    const q = l < 0.5 ? l * (1 + s) : l + s - l * s;
    const p = 2 * l - q;
    const ch = (t: number) => {
      const u = t < 0 ? t + 1 : t > 1 ? t - 1 : t;
      const v = u < 1 / 6 ? p + (q - p) * 6 * u : u < 1 / 2 ? q : u < 2 / 3 ? p + (q - p) * (2 / 3 - u) * 6 : p;
      return Math.round(v * 255);
    };
    return [ch(h + 1 / 3), ch(h), ch(h - 1 / 3)];
  }
  return undefined;
}

/**
 * A run's second shade, for its validation curve: mixed towards white on a dark background and towards
 * black on a light one, so it stands apart from the training curve and stays readable on that background.
 */
export function validationShade(color: string, background: 'dark' | 'light', amount = 0.45): string {
  const rgb = parseColor(color);
  if (!rgb) return color;
  const target = background === 'dark' ? 255 : 0;
  const mix = rgb.map((c) => Math.round(c + (target - c) * amount));
  return `#${mix.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}
