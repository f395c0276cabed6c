// Reference lines on a uPlot canvas: dashed, across the plot at a y value (a task's baseline, the clipping
// threshold) or up it at an x value (a position the probe flags), each with its label in a halo of the
// background colour where the curves cover the least of it (measured on the plot's data, not read back
// from the canvas: a readback stalls the GPU canvas, 4–7 ms a redraw with a baseline).
import type uPlot from 'uplot';
import type { SvgRefLine } from '../../src/shared/chart/svgChart';
import { lengthInside } from '../model/segmentClip';
import type { Theme } from '../model/theme';

export function drawRefs(u: uPlot, refs: readonly SvgRefLine[], logY: boolean, theme: Theme): void {
  const ctx = u.ctx;
  const dpr = devicePixelRatio || 1;
  const { left, top, width, height } = u.bbox;
  // the drawn series as canvas points, once per draw for all the labels that need them
  let curves: Float64Array[] | undefined;
  const drawn = () => (curves ??= drawnCurves(u));
  for (const r of refs) {
    const upright = r.axis === 'x';
    if (!upright && logY && r.value <= 0) continue;
    const p = u.valToPos(r.value, upright ? 'x' : 'y', true);
    if (!Number.isFinite(p) || (upright ? p < left || p > left + width : p < top || p > top + height)) continue;
    ctx.save();
    ctx.strokeStyle = r.color;
    ctx.lineWidth = Math.max(1, dpr);
    ctx.setLineDash([6 * dpr, 4 * dpr]);
    ctx.beginPath();
    if (upright) {
      ctx.moveTo(p, top);
      ctx.lineTo(p, top + height);
    } else {
      ctx.moveTo(left, p);
      ctx.lineTo(left + width, p);
    }
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.font = `${11 * dpr}px ${theme.font}`;
    const textWidth = ctx.measureText(r.label).width;
    const at = upright ? { x: Math.min(p + 4 * dpr, left + width - textWidth - 2 * dpr), y: top + 12 * dpr } : labelSpot(u, drawn, p, textWidth, dpr);
    // a halo in the background colour keeps the label readable where a curve still crosses it
    ctx.textAlign = 'left';
    ctx.lineJoin = 'round';
    ctx.lineWidth = 3 * dpr;
    ctx.strokeStyle = theme.background;
    ctx.strokeText(r.label, at.x, at.y);
    ctx.fillStyle = r.color;
    ctx.fillText(r.label, at.x, at.y);
    ctx.restore();
  }
}

/**
 * Where a horizontal line's label goes: above the line at its left end, unless the curves cover more of
 * it there than at the other candidates (left below, right above, right below): the length of the drawn
 * series' segments inside each candidate's box. Canvas pixels throughout.
 */
function labelSpot(u: uPlot, drawn: () => Float64Array[], y: number, textWidth: number, dpr: number): { x: number; y: number } {
  const bbox = u.bbox;
  const left = bbox.left + 6 * dpr;
  const right = bbox.left + bbox.width - 6 * dpr - textWidth;
  const above = y - 5 * dpr;
  const below = y + 14 * dpr;
  const h = 12 * dpr;
  const candidates = [{ x: left, y: above }, { x: left, y: below }, { x: right, y: above }, { x: right, y: below }]
    .filter((c) => c.y - h >= bbox.top && c.y + 2 * dpr <= bbox.top + bbox.height);
  let best = candidates[0] ?? { x: left, y: above };
  if (candidates.length < 2) return best;
  const curves = drawn();
  let bestInk = Infinity;
  for (const c of candidates) {
    const box = { x0: c.x, y0: c.y - h + 2 * dpr, x1: c.x + textWidth, y1: c.y + 2 * dpr };
    let ink = 0;
    for (const pts of curves) for (let i = 2; i < pts.length; i += 2) ink += lengthInside(pts[i - 2], pts[i - 1], pts[i], pts[i + 1], box);
    if (ink < bestInk * 0.8) {
      best = c;
      bestInk = ink;
    }
  }
  return best;
}

/** The shown series as canvas points (x, y pairs); a gap (null, non-finite) ends a piece. */
function drawnCurves(u: uPlot): Float64Array[] {
  const xs = u.data[0];
  const out: Float64Array[] = [];
  for (let s = 1; s < u.series.length; s++) {
    if (u.series[s].show === false) continue;
    const ys = u.data[s];
    const scale = u.series[s].scale ?? 'y';
    let piece: number[] = [];
    const flush = () => {
      if (piece.length >= 4) out.push(Float64Array.from(piece));
      piece = [];
    };
    for (let i = 0; i < xs.length; i++) {
      const v = ys[i];
      if (v == null || !Number.isFinite(v)) {
        flush();
        continue;
      }
      piece.push(u.valToPos(xs[i], 'x', true), u.valToPos(v, scale, true));
    }
    flush();
  }
  return out;
}
