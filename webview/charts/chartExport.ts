// A line chart as a file: PNG (the plot's canvas, axes included, under a title and the legend) and SVG
// (rebuilt from the data and the scales on screen by the one SVG writer of src/shared/chart).
import type uPlot from 'uplot';
import { buildChartSvg, type SvgRefLine, type SvgSeries } from '../../src/shared/chart/svgChart';
import type { Theme } from '../model/theme';

/** What an export adds around the plot: a title and the legend (the legend on screen is HTML). */
export interface ExportDecor {
  title: string;
  legend: Array<{ label: string; color: string; dash?: number[]; points?: boolean }>;
}

/** The chart as a PNG data URL. */
export function chartPng(plot: uPlot, theme: Theme, decor: ExportDecor): string {
  const src = plot.ctx.canvas;
  const dpr = src.width / Math.max(1, plot.width);
  const measure = document.createElement('canvas').getContext('2d')!;
  measure.font = `12px ${theme.font}`;
  // lay the legend out in CSS pixels first, to know the header's height
  const cssW = plot.width;
  const items: Array<{ x: number; y: number } & ExportDecor['legend'][number]> = [];
  let x = 12;
  let y = 44;
  for (const it of decor.legend) {
    const w = 16 + measure.measureText(it.label).width + 16;
    if (x > 12 && x + w > cssW - 12) {
      x = 12;
      y += 18;
    }
    items.push({ x, y, ...it });
    x += w;
  }
  const headerH = (items.length ? y : 26) + 12;
  const out = document.createElement('canvas');
  out.width = src.width;
  out.height = src.height + Math.round(headerH * dpr);
  const ctx = out.getContext('2d')!;
  ctx.fillStyle = theme.background;
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.scale(dpr, dpr);
  ctx.textBaseline = 'alphabetic';
  ctx.fillStyle = theme.foreground;
  ctx.font = `600 14px ${theme.font}`;
  ctx.fillText(decor.title, 12, 22);
  ctx.font = `12px ${theme.font}`;
  for (const it of items) {
    if (it.dash !== undefined || it.points) {
      ctx.strokeStyle = ctx.fillStyle = it.color;
      ctx.lineWidth = 2;
      ctx.setLineDash(it.dash ?? []);
      ctx.beginPath();
      ctx.moveTo(it.x - 2, it.y - 4);
      ctx.lineTo(it.x + 12, it.y - 4);
      ctx.stroke();
      ctx.setLineDash([]);
      if (it.points) ctx.fillRect(it.x + 3, it.y - 6, 4, 4);
    } else {
      ctx.fillStyle = it.color;
      ctx.fillRect(it.x, it.y - 9, 10, 10);
    }
    ctx.fillStyle = theme.foreground;
    ctx.fillText(it.label, it.x + 16, it.y);
  }
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.drawImage(src, 0, Math.round(headerH * dpr));
  return out.toDataURL('image/png');
}

export interface SvgSource {
  width: number;
  plotHeight: number;
  xLabel: string;
  yLabel: string;
  xInteger: boolean;
  logY: boolean;
  xRange: [number, number];
  yRange: [number, number];
  series: SvgSeries[];
  refs: SvgRefLine[];
}

/** The chart as an SVG document, colours resolved to concrete values (a file has no --vscode-* variables). */
export function chartSvg(c: SvgSource, theme: Theme, decor: ExportDecor): string {
  const probe = document.createElement('canvas').getContext('2d')!;
  // the canvas normalises any CSS colour (named, hsl(), a theme's value) to #rrggbb or rgba()
  const resolve = (color: string) => {
    probe.fillStyle = '#000000';
    probe.fillStyle = color;
    return String(probe.fillStyle);
  };
  const headerRows = Math.max(1, Math.ceil(decor.legend.reduce((w, it) => w + 34 + it.label.length * 7.2, 0) / Math.max(1, c.width - 24)));
  return buildChartSvg({
    width: c.width,
    height: c.plotHeight + 26 + headerRows * 18,
    title: decor.title,
    legend: decor.legend.map((it) => ({ ...it, color: resolve(it.color) })),
    xLabel: c.xLabel,
    yLabel: c.yLabel,
    xInteger: c.xInteger,
    xRange: c.xRange,
    yRange: c.yRange,
    logY: c.logY,
    series: c.series.map((s) => ({ ...s, color: resolve(s.color), width: s.width ?? 1.5 })),
    refs: c.refs.map((r) => ({ ...r, color: resolve(r.color) })),
    colors: { background: resolve(theme.background), foreground: resolve(theme.foreground), muted: resolve(theme.muted), grid: resolve(theme.grid) },
    font: theme.font,
  });
}
