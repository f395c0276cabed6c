// The colours and font a dashboard draws with, as theme.ts reads them from VS Code's CSS variables. Pure
// data, so the store and the tests need no DOM.

export interface Theme {
  kind: 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';
  foreground: string;
  muted: string;
  background: string;
  grid: string;
  border: string;
  /** Run colours of the theme (--vscode-charts-*), in palette order; empty where the theme has none. */
  charts: string[];
  font: string;
}
