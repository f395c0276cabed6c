// An axis title on a canvas with real subscripts (‖∂L_T/∂h_t‖ → L with T below): each piece of
// richLabel.ts drawn in turn, subscripts smaller and lowered. Used by the uPlot charts and the heatmaps.
import { labelPieces } from '../../src/shared/chart/richLabel';

export interface RichTextStyle {
  /** Font size in canvas pixels (already scaled by the device pixel ratio). */
  size: number;
  family: string;
  weight?: string;
  color: string;
  /** Where `x` is: the start, the middle or the end of the text. */
  align: 'left' | 'center' | 'right';
  baseline: CanvasTextBaseline;
}

/** Draw `label` at (x, y) in the context's current transform; returns its width in canvas pixels. */
export function drawRichText(ctx: CanvasRenderingContext2D, label: string, x: number, y: number, style: RichTextStyle): number {
  const pieces = labelPieces(label);
  const subSize = Math.round(style.size * 0.75);
  const font = (px: number) => `${style.weight ? `${style.weight} ` : ''}${px}px ${style.family}`;
  ctx.save();
  ctx.fillStyle = style.color;
  ctx.textBaseline = style.baseline;
  ctx.textAlign = 'left';
  const widths = pieces.map((p) => {
    ctx.font = font(p.sub ? subSize : style.size);
    return ctx.measureText(p.text).width;
  });
  const total = widths.reduce((a, b) => a + b, 0);
  let at = style.align === 'left' ? x : style.align === 'center' ? x - total / 2 : x - total;
  const drop = Math.round(style.size * 0.3);
  pieces.forEach((p, i) => {
    ctx.font = font(p.sub ? subSize : style.size);
    ctx.fillText(p.text, at, p.sub ? y + drop : y);
    at += widths[i];
  });
  ctx.restore();
  return total;
}
