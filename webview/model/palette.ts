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
