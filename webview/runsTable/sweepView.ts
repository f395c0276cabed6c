// The sweep tab: the parallel coordinates of one sweep's runs (parallelCoordinates.ts) on a canvas, one
// axis per swept setting and one for the chosen result, lines coloured by the result (viridis, the better
// end bright) with a numeric colour legend. Drag along an axis to brush a range (lines outside it turn grey; a click on the axis clears it);
// the line or axis value under the pointer is read out in a tooltip.
import { cssRgb, lookup, type RGB, SEQUENTIAL_LUT } from '../model/colorScales';
import { tooltipPlacement } from '../model/tooltipPlacement';
import { readTheme } from '../theme';
import { columnOf, primaryMetric, type RunRow } from '../../src/shared/runsTable';
import { h, select } from '../views/dom';
import { axisTicks, axisX, type Brushes, insideBrushes, lineReadout, nearestLine, parallelModel, type PcLine, type PcModel, type PlotBox, position, sweepsIn, tOf, valueAt, yOf } from './parallelCoordinates';
import type { RunsUi } from './runsUi';
import { sizedContext } from '../charts/canvasSize';

const HEIGHT = 380;
const MARGIN = { left: 70, right: 130, top: 40, bottom: 24 };
/** How near an axis (px) a press starts a brush, and a line counts as under the pointer. */
const AXIS_GRAB = 12;
const LINE_HOVER = 6;

/** Viridis at t ∈ [0, 1] (the dashboards' sequential table). */
const viridis = (t: number): RGB => lookup(SEQUENTIAL_LUT, Math.max(0, Math.min(255, Math.round(t * 255))));

export interface SweepActions {
  change(patch: Partial<RunsUi>): void;
}

/** What the tests read of the last drawing (window.seqlabRunsTable.parcoords()). */
export interface ParcoordsLayout {
  plot: PlotBox;
  axes: { key: string; label: string; x: number }[];
  /** Runs inside the brushes. */
  inside: string[];
}

export class SweepTab {
  readonly el = h('div', { class: 'sweep-tab' });
  private readonly controls = h('div', { class: 'toolbar' });
  private readonly canvas = h('canvas', { id: 'parcoords', class: 'parcoords', 'aria-label': 'Parallel coordinates of the sweep' });
  private readonly tooltip = h('div', { id: 'parcoords-tooltip', class: 'tooltip', hidden: true });
  private readonly summary = h('div', { id: 'sweep-summary', class: 'sweep-summary' });
  private readonly empty = h('p', { id: 'sweep-empty', class: 'empty', hidden: true }, 'No sweep among the runs shown. Add a "sweep" to a config (learning rate × hidden size, say) and Train it: its runs appear here, one line each.');
  private model: PcModel = { axes: [], lines: [] };
  private plot: PlotBox = { left: 0, top: 0, width: 0, height: 0 };
  private ui!: RunsUi;
  private hovered: PcLine | undefined;
  private drag: { axis: string; t0: number; t1: number; y0: number } | undefined;

  constructor(private readonly actions: SweepActions) {
    this.el.append(this.controls, this.empty, h('div', { class: 'parcoords-wrap' }, this.canvas, this.tooltip), this.summary);
    this.canvas.addEventListener('pointerdown', (e) => this.pointerDown(e));
    this.canvas.addEventListener('pointermove', (e) => this.pointerMove(e));
    this.canvas.addEventListener('pointerup', (e) => this.pointerUp(e));
    this.canvas.addEventListener('pointerleave', () => {
      this.tooltip.hidden = true;
      if (this.hovered) {
        this.hovered = undefined;
        this.draw();
      }
    });
  }

  /** `rows`: the runs the table's filters let through. */
  render(rows: readonly RunRow[], ui: RunsUi): void {
    this.ui = ui;
    const sweeps = sweepsIn(rows);
    const sweepId = sweeps.some((s) => s.id === ui.sweepId) ? ui.sweepId! : sweeps[0]?.id;
    this.empty.hidden = sweeps.length > 0;
    this.canvas.hidden = sweeps.length === 0;
    if (!sweepId) {
      this.controls.replaceChildren();
      this.summary.replaceChildren();
      this.model = { axes: [], lines: [] };
      return;
    }
    const runs = rows.filter((r) => r.sweep?.id === sweepId);
    const metrics = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].map((k) => `metric:${k}`);
    const metric = ui.metric && metrics.includes(ui.metric) ? ui.metric : primaryMetric(runs) ?? metrics[0];
    this.controls.replaceChildren(
      select('sweep-select', 'Sweep', sweeps.map((s) => [s.id, `${s.config} · ${s.count} runs · ${s.id}`]), sweepId, (v) => this.actions.change({ sweepId: v, brushes: {} })),
      select('sweep-metric', 'Colour by', metrics.map((m) => [m, columnOf(m).label]), metric ?? '', (v) => this.actions.change({ metric: v })),
      this.clearButton(),
    );
    this.model = parallelModel(rows, sweepId, metric);
    this.draw();
  }

  private clearButton(): HTMLElement {
    const b = h('vscode-button', { id: 'clear-brushes', secondary: true, disabled: Object.keys(this.ui.brushes).length === 0, title: 'Remove every brush' }, 'Clear Brushes');
    b.addEventListener('click', () => this.actions.change({ brushes: {} }));
    return b;
  }

  layout(): ParcoordsLayout {
    const n = this.model.axes.length;
    return {
      plot: this.plot,
      axes: this.model.axes.map((a, i) => ({ key: a.key, label: a.label, x: axisX(this.plot, i, n) })),
      inside: this.model.lines.filter((l) => insideBrushes(this.model, l, this.brushes())).map((l) => l.runId),
    };
  }

  private brushes(): Brushes {
    const b = { ...this.ui.brushes };
    if (this.drag) b[this.drag.axis] = [Math.min(this.drag.t0, this.drag.t1), Math.max(this.drag.t0, this.drag.t1)];
    return b;
  }

  private draw(): void {
    const width = Math.max(480, this.el.clientWidth || 800);
    this.plot = { left: MARGIN.left, top: MARGIN.top, width: width - MARGIN.left - MARGIN.right, height: HEIGHT - MARGIN.top - MARGIN.bottom };
    const ctx = sizedContext(this.canvas, width, HEIGHT);
    const theme = readTheme();
    const brushes = this.brushes();
    const inside = this.model.lines.filter((l) => insideBrushes(this.model, l, brushes));
    const outside = this.model.lines.filter((l) => !inside.includes(l));
    for (const l of outside) this.line(ctx, l, 'rgba(128, 128, 128, 0.35)', 1);
    for (const l of inside) this.line(ctx, l, this.colorOf(l, theme.muted), 2);
    if (this.hovered) this.line(ctx, this.hovered, this.colorOf(this.hovered, theme.muted), 4);
    this.axes(ctx, theme.foreground, theme.font, brushes);
    this.legend(ctx, width, theme.foreground, theme.font);
    this.summary.replaceChildren(this.summaryText(inside));
  }

  private colorOf(l: PcLine, none: string): string {
    const t = this.model.metricScale && l.metric !== undefined ? position(this.model.metricScale, l.metric) : undefined;
    return t === undefined ? none : cssRgb(viridis(this.brightness(t)));
  }

  /** Where on the colour scale a position of the result axis falls: the better end is the bright one. */
  private brightness(t: number): number {
    const metric = this.model.axes[this.model.axes.length - 1]?.key;
    return metric && columnOf(metric).better === 'lower' ? 1 - t : t;
  }

  private line(ctx: CanvasRenderingContext2D, l: PcLine, color: string, width: number): void {
    const n = this.model.axes.length;
    ctx.strokeStyle = color;
    ctx.lineWidth = width;
    ctx.lineJoin = 'round';
    ctx.beginPath();
    let drawing = false;
    l.ts.forEach((t, i) => {
      if (t === undefined) {
        drawing = false;
        return;
      }
      const [x, y] = [axisX(this.plot, i, n), yOf(this.plot, t)];
      if (drawing) ctx.lineTo(x, y);
      else ctx.moveTo(x, y);
      drawing = true;
    });
    ctx.stroke();
  }

  private axes(ctx: CanvasRenderingContext2D, fg: string, font: string, brushes: Brushes): void {
    const n = this.model.axes.length;
    ctx.font = `11px ${font}`;
    this.model.axes.forEach((axis, i) => {
      const x = axisX(this.plot, i, n);
      const b = brushes[axis.key];
      if (b) {
        ctx.fillStyle = 'rgba(0, 120, 212, 0.25)';
        ctx.fillRect(x - 7, yOf(this.plot, b[1]), 14, yOf(this.plot, b[0]) - yOf(this.plot, b[1]));
      }
      ctx.strokeStyle = fg;
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(x + 0.5, this.plot.top);
      ctx.lineTo(x + 0.5, this.plot.top + this.plot.height);
      ctx.stroke();
      ctx.fillStyle = fg;
      ctx.textAlign = 'right';
      ctx.textBaseline = 'middle';
      for (const tick of axis.ticks) {
        const y = yOf(this.plot, tick.t);
        ctx.fillRect(x - 4, Math.round(y), 4, 1);
        ctx.fillText(tick.label, x - 6, y);
      }
      ctx.textAlign = 'center';
      ctx.textBaseline = 'bottom';
      ctx.font = `600 12px ${font}`;
      ctx.fillText(axis.label, x, this.plot.top - 14);
      ctx.font = `11px ${font}`;
    });
  }

  /** The colour bar of the result beside its axis, with the axis' ticks: each value in the colour of its lines. */
  private legend(ctx: CanvasRenderingContext2D, width: number, fg: string, font: string): void {
    const scale = this.model.metricScale;
    if (!scale || scale.kind === 'category') return;
    const x = width - MARGIN.right + 50;
    for (let y = 0; y < this.plot.height; y++) {
      ctx.fillStyle = cssRgb(viridis(this.brightness(1 - y / Math.max(1, this.plot.height - 1))));
      ctx.fillRect(x, this.plot.top + y, 14, 1);
    }
    ctx.fillStyle = fg;
    ctx.font = `11px ${font}`;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    for (const tick of axisTicks(scale)) ctx.fillText(tick.label, x + 18, yOf(this.plot, tick.t));
    ctx.textBaseline = 'top';
    ctx.fillText('colour', x - 4, this.plot.top + this.plot.height + 6);
  }

  private summaryText(inside: PcLine[]): HTMLElement {
    const total = this.model.lines.length;
    const brushed = Object.keys(this.ui.brushes).length > 0;
    const text = brushed ? `${inside.length} of ${total} runs inside the brushes` : `${total} runs · drag along an axis to brush a range, click an axis to clear it`;
    const selectThem = h('vscode-button', { id: 'select-brushed', secondary: true, disabled: inside.length === 0, title: 'Select these runs in the table' }, 'Select These Runs');
    selectThem.addEventListener('click', () => this.actions.change({ selected: inside.map((l) => l.runId) }));
    return h('div', { class: 'toolbar' }, h('span', { class: 'count' }, text), selectThem);
  }

  private local(e: PointerEvent): { x: number; y: number } {
    const r = this.canvas.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  }

  private axisNear(x: number): number {
    const n = this.model.axes.length;
    let best = -1;
    let bestD = AXIS_GRAB;
    for (let i = 0; i < n; i++) {
      const d = Math.abs(axisX(this.plot, i, n) - x);
      if (d < bestD) {
        bestD = d;
        best = i;
      }
    }
    return best;
  }

  private pointerDown(e: PointerEvent): void {
    const { x, y } = this.local(e);
    const i = this.axisNear(x);
    if (i < 0) return;
    const t = tOf(this.plot, y);
    this.drag = { axis: this.model.axes[i].key, t0: t, t1: t, y0: y };
    this.canvas.setPointerCapture(e.pointerId);
  }

  private pointerMove(e: PointerEvent): void {
    const { x, y } = this.local(e);
    if (this.drag) {
      this.drag.t1 = tOf(this.plot, y);
      this.draw();
      return;
    }
    const line = nearestLine(this.model, this.plot, x, y, LINE_HOVER, (l) => insideBrushes(this.model, l, this.ui.brushes));
    const axis = line ? -1 : this.axisNear(x);
    if (line !== this.hovered) {
      this.hovered = line;
      this.draw();
    }
    const text = line ? lineReadout(this.model, line) : axis >= 0 ? `${this.model.axes[axis].label} ${valueAt(this.model.axes[axis].scale, tOf(this.plot, y))}` : '';
    this.tooltip.hidden = text === '';
    if (!text) return;
    this.tooltip.textContent = text;
    const box = this.canvas.getBoundingClientRect();
    const bounds = { left: Math.max(0, box.left), top: Math.max(0, box.top), right: Math.min(document.documentElement.clientWidth, box.right), bottom: Math.min(document.documentElement.clientHeight, box.bottom) };
    const at = tooltipPlacement({ x: e.clientX, y: e.clientY }, { width: this.tooltip.offsetWidth, height: this.tooltip.offsetHeight }, bounds);
    this.tooltip.style.setProperty('left', `${at.left - box.left}px`);
    this.tooltip.style.setProperty('top', `${at.top - box.top}px`);
  }

  private pointerUp(e: PointerEvent): void {
    const drag = this.drag;
    if (!drag) return;
    this.drag = undefined;
    if (this.canvas.hasPointerCapture(e.pointerId)) this.canvas.releasePointerCapture(e.pointerId);
    const brushes = { ...this.ui.brushes };
    // a click (no drag) on an axis clears its brush
    if (Math.abs(this.local(e).y - drag.y0) < 3) delete brushes[drag.axis];
    else brushes[drag.axis] = [Math.min(drag.t0, drag.t1), Math.max(drag.t0, drag.t1)];
    this.actions.change({ brushes });
  }
}
