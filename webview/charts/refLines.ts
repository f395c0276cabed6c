// Reference lines on a uPlot canvas: dashed, across the plot at a y value (a task's baseline, the clipping
// threshold) or up it at an x value (a position the probe flags), each with its label in a halo of the
// background colour where the curves cover the least of it.
import type uPlot from 'uplot';
import type { SvgRefLine } from '../../src/shared/chart/svgChart';
import type { Theme } from '../model/theme';

export function drawRefs(u: uPlot, refs: readonly SvgRefLine[], logY: boolean, theme: Theme): void {
  const ctx = u.ctx;
  const dpr = devicePixelRatio || 1;
  const { left, top, width, height } = u.bbox;
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
    const at = upright ? { x: Math.min(p + 4 * dpr, left + width - textWidth - 2 * dpr), y: top + 12 * dpr } : labelSpot(ctx, u.bbox, p, textWidth, dpr);
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
 * Where a horizontal line's label goes: above the line at its left end, unless the curves already drawn
 * there cover more of it than at the other candidates (left below, right above, right below); the
 * curves' ink is read back from the canvas under each candidate's box. Canvas pixels throughout.
 */
function labelSpot(ctx: CanvasRenderingContext2D, bbox: { left: number; top: number; width: number; height: number }, y: number, textWidth: number, dpr: number): { x: number; y: number } {
  const left = bbox.left + 6 * dpr;
  const right = bbox.left + bbox.width - 6 * dpr - textWidth;
  const above = y - 5 * dpr;
  const below = y + 14 * dpr;
  const h = 12 * dpr;
  const candidates = [{ x: left, y: above }, { x: left, y: below }, { x: right, y: above }, { x: right, y: below }]
    .filter((c) => c.y - h >= bbox.top && c.y + 2 * dpr <= bbox.top + bbox.height);
  let best = candidates[0] ?? { x: left, y: above };
  let bestInk = Infinity;
  for (const c of candidates) {
    let ink = 0;
    try {
      const d = ctx.getImageData(Math.round(c.x), Math.round(c.y - h + 2 * dpr), Math.max(1, Math.round(textWidth)), Math.round(h)).data;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 96) ink++;
    } catch {
      return best;
    }
    if (ink < bestInk * 0.8) {
      best = c;
      bestInk = ink;
    }
  }
  return best;
}
