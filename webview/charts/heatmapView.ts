// A canvas heatmap: pixels built once per data change with putImageData on an offscreen canvas of the
// data's own size, then scaled onto the visible canvas without smoothing; axis labels drawn around it.
export interface HeatmapLayout {
  rows: number;
  cols: number;
  rowLabel: (r: number) => string;
  colLabel: (c: number) => string;
  rowTitle: string;
  colTitle: string;
}

export class HeatmapView {
  readonly canvas: HTMLCanvasElement;
  private readonly image = document.createElement('canvas');
  private layout: HeatmapLayout | undefined;
  readonly margin = { left: 44, top: 6, right: 6, bottom: 34 };
  onHover?: (cell: { row: number; col: number } | undefined, ev: MouseEvent) => void;
  onClick?: (cell: { row: number; col: number }) => void;

  constructor(parent: HTMLElement, id: string, private fg: string) {
    this.canvas = document.createElement('canvas');
    this.canvas.id = id;
    this.canvas.className = 'heatmap';
    this.canvas.tabIndex = 0;
    parent.append(this.canvas);
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

  /** Draw rgba pixels (rows × cols) and return the time it took in ms. */
  draw(rgba: Uint8ClampedArray, layout: HeatmapLayout, cssWidth: number, cssHeight: number): number {
    const t0 = performance.now();
    this.layout = layout;
    const { rows, cols } = layout;
    if (this.image.width !== cols || this.image.height !== rows) {
      this.image.width = cols;
      this.image.height = rows;
    }
    const ictx = this.image.getContext('2d')!;
    ictx.putImageData(new ImageData(rgba as Uint8ClampedArray<ArrayBuffer>, cols, rows), 0, 0);
    const dpr = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(cssWidth * dpr);
    this.canvas.height = Math.round(cssHeight * dpr);
    this.canvas.style.setProperty('width', `${cssWidth}px`);
    this.canvas.style.setProperty('height', `${cssHeight}px`);
    const ctx = this.canvas.getContext('2d')!;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, cssWidth, cssHeight);
    ctx.imageSmoothingEnabled = false;
    const m = this.margin;
    const pw = cssWidth - m.left - m.right;
    const ph = cssHeight - m.top - m.bottom;
    ctx.drawImage(this.image, m.left, m.top, pw, ph);
    ctx.fillStyle = this.fg;
    ctx.font = '10px system-ui, sans-serif';
    ctx.textBaseline = 'top';
    ctx.textAlign = 'center';
    const colStep = Math.max(1, Math.ceil(cols / Math.max(1, pw / 14)));
    for (let c = 0; c < cols; c += colStep) ctx.fillText(layout.colLabel(c), m.left + ((c + 0.5) * pw) / cols, m.top + ph + 3);
    ctx.fillText(layout.colTitle, m.left + pw / 2, m.top + ph + 18);
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    const rowStep = Math.max(1, Math.ceil(rows / Math.max(1, ph / 12)));
    for (let r = 0; r < rows; r += rowStep) ctx.fillText(layout.rowLabel(r), m.left - 4, m.top + ((r + 0.5) * ph) / rows);
    ctx.save();
    ctx.translate(10, m.top + ph / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'center';
    ctx.fillText(layout.rowTitle, 0, 0);
    ctx.restore();
    return performance.now() - t0;
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
