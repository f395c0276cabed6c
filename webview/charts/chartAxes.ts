// The axes and y scale SeqLab's uPlot charts share: ticks from src/shared/chart/ticks.ts (whole numbers on
// an axis that counts, log majors with minor ticks between them), one label format per axis, a y range
// that refits to what is on screen, and axis titles drawn with real subscripts (uPlot's own title is a
// plain fillText, so it is left empty and the title is drawn in the drawAxes hook in its place).
import type uPlot from 'uplot';
import { integerTicks, linearTicks, logAxisTicks, tickFormatter } from '../../src/shared/chart/ticks';
import { paddedRange } from '../model/align';
import type { Theme } from '../model/theme';
import { drawRichText } from './richText';

export interface AxisSetup {
  xLabel: string;
  yLabel: string;
  /** The x axis counts (steps, timesteps): whole-number ticks only. */
  xInteger: boolean;
  logY: boolean;
  theme: Theme;
}

/** Tick labels last drawn on each axis (what a person reads; tests check them). */
export interface AxisLabels {
  x: string[];
  y: string[];
}

/** CSS pixels per labelled tick, about. */
const X_SPACING = 90;
const Y_SPACING = 40;
const LABEL_PX = 12;

export function chartAxes(s: AxisSetup, shown: AxisLabels): uPlot.Axis[] {
  const t = s.theme;
  const base = (): uPlot.Axis => ({
    label: '',
    labelSize: 26,
    stroke: t.muted,
    font: `11px ${t.font}`,
    grid: { stroke: t.grid, width: 1 },
    ticks: { stroke: t.grid, width: 1 },
    // every split is labelled: uPlot's own filter on a log axis would blank all but its 1-2-5 choice
    filter: (_u, splits) => splits,
  });
  const dim = (u: uPlot, horizontal: boolean) => (horizontal ? u.bbox.width : u.bbox.height) / (devicePixelRatio || 1);
  return [
    {
      ...base(),
      splits: (u, _i, min, max) => (s.xInteger ? integerTicks : linearTicks)(min, max, Math.max(2, Math.round(dim(u, true) / X_SPACING))),
      values: (_u, splits) => (shown.x = splits.map(tickFormatter(splits))),
    },
    {
      ...base(),
      splits: (u, _i, min, max) => {
        const target = Math.max(2, Math.round(dim(u, false) / Y_SPACING));
        return s.logY ? logAxisTicks(min, max, target).major : linearTicks(min, max, target);
      },
      // a log axis' decades read 0.001, 0.01, 0.1; its linear labels inside one decade 1.90, 1.95, 2.00
      values: (_u, splits) => (shown.y = splits.map(tickFormatter(splits, s.logY && !evenlySpaced(splits) ? 'compact' : 'aligned'))),
    },
  ];
}

/**
 * The y scale: log or linear, ranged over the data in view (uPlot passes the visible min and max) and the
 * values `also` returns (the reference lines while the whole run is shown: a baseline above every curve
 * stays in sight; a zoom refits to the curves alone).
 */
export function yScale(logY: boolean, also: () => readonly number[]): uPlot.Scale {
  return {
    distr: logY ? 3 : 1,
    auto: true,
    range: (_u, min, max) => {
      let lo = min;
      let hi = max;
      for (const v of also()) {
        if (!Number.isFinite(v) || (logY && v <= 0)) continue;
        lo = lo === null ? v : Math.min(lo, v);
        hi = hi === null ? v : Math.max(hi, v);
      }
      return paddedRange(lo, hi, logY);
    },
  };
}

/** drawAxes hook: the axis titles with subscripts, and the minor ticks of a log y axis. */
export function drawAxisExtras(u: uPlot, s: AxisSetup): void {
  const ctx = u.ctx;
  const dpr = devicePixelRatio || 1;
  const { left, top, width, height } = u.bbox;
  const style = { size: Math.round(LABEL_PX * dpr), family: s.theme.font, color: s.theme.muted };
  // uPlot keeps where it placed each axis' title (CSS pixels) in `_lpos`
  const lpos = (i: number) => (u.axes[i] as { _lpos?: number })._lpos;
  const xl = lpos(0);
  if (xl !== undefined) drawRichText(ctx, s.xLabel, left + width / 2, Math.round(xl * dpr) + 4 * dpr, { ...style, align: 'center', baseline: 'top' });
  const yl = lpos(1);
  if (yl !== undefined) {
    ctx.save();
    // `_lpos` is the label band's inner edge; turned a quarter left, a subscript drops towards the plot
    ctx.translate(Math.round(yl * dpr) - 5 * dpr, top + height / 2);
    ctx.rotate(-Math.PI / 2);
    drawRichText(ctx, s.yLabel, 0, 0, { ...style, align: 'center', baseline: 'bottom' });
    ctx.restore();
  }
  if (!s.logY) return;
  const y = u.scales.y;
  if (y.min == null || y.max == null) return;
  ctx.save();
  ctx.strokeStyle = s.theme.muted;
  ctx.lineWidth = Math.max(1, dpr);
  ctx.globalAlpha = 0.7;
  ctx.beginPath();
  for (const v of logAxisTicks(y.min, y.max, Math.max(2, Math.round(height / dpr / Y_SPACING))).minor) {
    const py = Math.round(u.valToPos(v, 'y', true)) + 0.5;
    ctx.moveTo(left - 3 * dpr, py);
    ctx.lineTo(left, py);
  }
  ctx.stroke();
  ctx.restore();
}

/** Whether ticks step evenly (linear labels), as opposed to decades or 1-2-5 on a log axis. */
function evenlySpaced(ticks: readonly number[]): boolean {
  if (ticks.length < 3) return true;
  const step = ticks[1] - ticks[0];
  return ticks.every((v, i) => i === 0 || Math.abs(v - ticks[i - 1] - step) <= Math.abs(step) * 1e-6);
}
