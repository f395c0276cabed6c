// Theme colours from VS Code's CSS variables; a change of the body class (vscode-light / vscode-dark /
// vscode-high-contrast) or of the html style means a new theme, and charts are recreated (uPlot fixes
// colours at creation).
import { THEME_CHART_VARS } from './model/palette';
import type { Theme } from './model/theme';

const cssVar = (name: string, fallback: string): string => getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;

export function readTheme(): Theme {
  const cl = document.body.classList;
  const kind = cl.contains('vscode-high-contrast-light') ? 'high-contrast-light' : cl.contains('vscode-high-contrast') ? 'high-contrast' : cl.contains('vscode-light') ? 'light' : 'dark';
  const light = kind === 'light' || kind === 'high-contrast-light';
  return {
    kind,
    foreground: cssVar('--vscode-foreground', light ? '#3b3b3b' : '#cccccc'),
    muted: cssVar('--vscode-descriptionForeground', light ? '#717171' : '#9d9d9d'),
    background: cssVar('--vscode-editor-background', light ? '#ffffff' : '#1f1f1f'),
    grid: light ? 'rgba(0,0,0,0.08)' : 'rgba(255,255,255,0.08)',
    border: cssVar('--vscode-panel-border', light ? '#e5e5e5' : '#2b2b2b'),
    charts: THEME_CHART_VARS.map((v) => cssVar(v, '')),
    font: cssVar('--vscode-font-family', 'system-ui, sans-serif'),
  };
}

export function watchTheme(onChange: () => void): void {
  // two themes of the same kind differ only in the CSS variables VS Code writes on <html>
  const key = () => document.body.className + '|' + (document.documentElement.getAttribute('style') ?? '');
  let last = key();
  const obs = new MutationObserver(() => {
    if (key() === last) return;
    last = key();
    onChange();
  });
  obs.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  obs.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
}
