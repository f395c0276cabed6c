// A canvas heatmap: pixels built once per data change with putImageData on an offscreen canvas of the
// data's own size, then scaled onto the visible canvas without smoothing, row labels beside it. The
// column axis (tokens, positions, timesteps) is a canvas of its own under the rows, outside their scroll
// box, so it stays in view when 128 units make the rows taller than the window. A clicked row is outlined;
// flagged columns (the adding problem's marked positions) get a triangle on the axis and an outline.
import { drawRichText } from './richText';
import { sizedContext } from './canvasSize';

export interface HeatmapLayout {
  rows: number;
  cols: number;
  rowLabel: (r: number) => string;
  colLabel: (c: number) => string;
  /** Axis titles; `_x` is a subscript. */
  rowTitle: string;
  colTitle: string;
  highlightRow?: number;
  markedCols?: readonly number[];
  /** Columns whose label is drawn (whole-number ticks of a counting axis); else as many as fit. */
  colTicks?: readonly number[];
}

const FONT = 'system-ui, sans-serif';
/** The left margin for row labels of up to 4 digits (unit numbers) beside the rotated row title. */
const LEFT_MARGIN = 44;
/** Where the rotated row title's baseline runs: row labels must start to the right of it. */
const ROW_TITLE_X = 12;

export class HeatmapView {
  /** The heatmap's box: the rows' scroll box, then the column axis. */
  readonly el: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  readonly axis: HTMLCanvasElement;
  private readonly image = document.createElement('canvas');
  private layout: HeatmapLayout | undefined;
  private size = { width: 0, height: 0 };
  readonly margin = { left: LEFT_MARGIN, top: 4, right: 6, bottom: 4 };
  private static readonly AXIS_HEIGHT = 38;
  onHover?: (cell: { row: number; col: number } | undefined, ev: MouseEvent) => void;
  onClick?: (cell: { row: number; col: number }) => void;

  /** `scroll`: rows scroll in a box no taller than the window allows (CSS .heatmap-scroll.bounded). */
  constructor(parent: HTMLElement, id: string, private fg: string, scroll: boolean) {
    this.canvas = document.createElement('canvas');
    this.canvas.id = id;
    this.canvas.className = 'heatmap';
    this.canvas.tabIndex = 0;
    this.axis = document.createElement('canvas');
    this.axis.id = `${id}-axis`;
    this.axis.className = 'heatmap-axis';
    const box = document.createElement('div');
    box.className = scroll ? 'heatmap-scroll bounded' : 'heatmap-scroll';
    box.append(this.canvas);
    this.el = document.createElement('div');
    this.el.className = 'heatmap-view';
    this.el.append(box, this.axis);
    parent.append(this.el);
    this.canvas.addEventListener('mousemove', (e) => this.onHover?.(this.cellAt(e), e));
    this.canvas.addEventListener('mouseleave', (e) => this.onHover?.(undefined, e));
    this.canvas.addEventListener('click', (e) => {
      const c = this.cellAt(e);
      if (c) this.onClick?.(c);
    });
  }

  setForeground(fg: string): void {
    this.fg = fg;
  }

  /**
   * Widens the left margin to the widest of these row labels as drawn (the highlighted one bold, with its ▸), so
   * that words (an attention map's target tokens) do not run under the rotated row title. Call before sizing
   * the map from `margin`.
   */
  fitRowLabels(labels: readonly string[]): void {
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    ctx.font = `bold 11px ${FONT}`;
    const widest = Math.max(0, ...labels.map((l) => ctx.measureText(`▸ ${l}`).width));
    this.margin.left = Math.max(LEFT_MARGIN, Math.ceil(ROW_TITLE_X + 4 + widest + 4));
  }

  /** Draw rgba pixels (rows × cols) in a rows area of cssHeight, and the axis; returns the time it took in ms. */
  draw(rgba: Uint8ClampedArray, layout: HeatmapLayout, cssWidth: number, cssHeight: number): number {
    const t0 = performance.now();
    const { rows, cols } = layout;
    if (this.image.width !== cols || this.image.height !== rows) {
      this.image.width = cols;
      this.image.height = rows;
    }
    this.image.getContext('2d')!.putImageData(new ImageData(rgba as Uint8ClampedArray<ArrayBuffer>, cols, rows), 0, 0);
    this.layout = layout;
    this.size = { width: cssWidth, height: cssHeight };
    this.paint();
    return performance.now() - t0;
  }

  /** The same pixels with another highlighted row or flagged columns (no new image). */
  relayout(patch: Partial<Pick<HeatmapLayout, 'highlightRow' | 'markedCols'>>): void {
    if (!this.layout) return;
    this.layout = { ...this.layout, ...patch };
    this.paint();
  }

  private paint(): void {
    const layout = this.layout;
    if (!layout) return;
    const { width, height } = this.size;
    const m = this.margin;
    const pw = width - m.left - m.right;
    const ph = height - m.top - m.bottom;
    const ctx = this.sized(this.canvas, width, height);
    ctx.drawImage(this.image, m.left, m.top, pw, ph);
    const rowH = ph / layout.rows;
    const colW = pw / layout.cols;
    ctx.strokeStyle = this.fg;
    ctx.lineWidth = 1;
    ctx.setLineDash([3, 2]);
    for (const c of layout.markedCols ?? []) ctx.strokeRect(m.left + c * colW + 0.5, m.top + 0.5, Math.max(1, colW - 1), ph - 1);
    ctx.setLineDash([]);
    ctx.fillStyle = this.fg;
    ctx.font = `10px ${FONT}`;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    const rowStep = Math.max(1, Math.ceil(layout.rows / Math.max(1, ph / 12)));
    const hr = layout.highlightRow;
    // the highlighted row's label replaces its neighbours' where they would overlap
    const clear = (r: number) => hr === undefined || Math.abs(r - hr) * rowH >= 11;
    for (let r = 0; r < layout.rows; r += rowStep) if (clear(r)) ctx.fillText(layout.rowLabel(r), m.left - 4, m.top + (r + 0.5) * rowH);
    if (hr !== undefined && hr >= 0 && hr < layout.rows) {
      ctx.strokeStyle = this.fg;
      ctx.lineWidth = 2;
      ctx.strokeRect(m.left - 1, m.top + hr * rowH - 1, pw + 2, Math.max(2, rowH) + 2);
      ctx.font = `bold 11px ${FONT}`;
      ctx.fillText(`▸ ${layout.rowLabel(hr)}`, m.left - 4, m.top + (hr + 0.5) * rowH);
    }
    ctx.save();
    ctx.translate(ROW_TITLE_X, m.top + ph / 2);
    ctx.rotate(-Math.PI / 2);
    drawRichText(ctx, layout.rowTitle, 0, 0, { size: 10, family: FONT, color: this.fg, align: 'center', baseline: 'bottom' });
    ctx.restore();
    this.canvas.dataset.plot = [m.left, m.top, pw, ph].join(',');
    // the outlined columns, for the tests that read what is drawn
    this.canvas.dataset.markedCols = (layout.markedCols ?? []).join(',');
    this.paintAxis(layout, width, pw);
  }

  /** The column axis: labels as many as fit, the title, a triangle under each flagged column. */
  private paintAxis(layout: HeatmapLayout, width: number, pw: number): void {
    const m = this.margin;
    const ctx = this.sized(this.axis, width, HeatmapView.AXIS_HEIGHT);
    const colW = pw / layout.cols;
    ctx.font = `10px ${FONT}`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    const marked = new Set(layout.markedCols ?? []);
    const colStep = Math.max(1, Math.ceil(layout.cols / Math.max(1, pw / 14)));
    const labelled = layout.colTicks ? new Set(layout.colTicks) : undefined;
    for (let c = 0; c < layout.cols; c++) {
      const x = m.left + (c + 0.5) * colW;
      if (marked.has(c)) {
        ctx.fillStyle = this.fg;
        ctx.beginPath();
        ctx.moveTo(x, 1);
        ctx.lineTo(x - 4, 8);
        ctx.lineTo(x + 4, 8);
        ctx.closePath();
        ctx.fill();
        ctx.font = `bold 10px ${FONT}`;
        ctx.fillText(layout.colLabel(c), x, 10);
        ctx.font = `10px ${FONT}`;
      } else if (labelled ? labelled.has(c) : c % colStep === 0) {
        ctx.fillStyle = this.fg;
        ctx.fillText(layout.colLabel(c), x, 10);
      }
    }
    drawRichText(ctx, layout.colTitle, m.left + pw / 2, 23, { size: 11, family: FONT, color: this.fg, align: 'center', baseline: 'top' });
  }

  /** A canvas sized to CSS width × height at the device pixel ratio, cleared, drawing in CSS pixels. */
  private sized(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D {
    const ctx = sizedContext(canvas, width, height);
    ctx.imageSmoothingEnabled = false;
    return ctx;
  }

  cellAt(e: MouseEvent): { row: number; col: number } | undefined {
    if (!this.layout) return undefined;
    const rect = this.canvas.getBoundingClientRect();
    const m = this.margin;
    const pw = rect.width - m.left - m.right;
    const ph = rect.height - m.top - m.bottom;
    const x = e.clientX - rect.left - m.left;
    const y = e.clientY - rect.top - m.top;
    if (x < 0 || y < 0 || x >= pw || y >= ph) return undefined;
    return { row: Math.floor((y / ph) * this.layout.rows), col: Math.floor((x / pw) * this.layout.cols) };
  }
}
