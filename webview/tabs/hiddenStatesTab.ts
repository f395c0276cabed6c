// Hidden states tab: a snapshot's hidden state, cell state or a gate as a units × timesteps heatmap over
// the probe, on the state's own colour scale (h and c: diverging around 0 over the data's range; sigmoid
// gates: 0…1) with a numeric legend and a note when cells are clipped; a snapshot-step slider, unit
// orders, a hover readout in the legend's colours; a clicked unit's row outlined, the probe text coloured
// by it and its values over time in a small line chart. The column axis stays in view under the rows.
import type { DiagnosticsSnapshot } from '../../src/shared/metrics';
import { integerTicks } from '../../src/shared/chart/ticks';
import { formatNumber } from '../../src/shared/format';
import type { RunView } from '../../src/shared/webviewProtocol';
import { HeatmapView } from '../charts/heatmapView';
import { SeriesChart } from '../charts/seriesChart';
import { type ColorScale, cssRgb, scaleColor } from '../model/colorScales';
import { unitsByTimeRgba } from '../model/heatmap';
import { clipNote, clippedShare, RANGE_PERCENTILES, stateScale } from '../model/heatmapScales';
import { parseTimestep, type StateLayer, stateLayers, type StateMatrix, stateMatrix, stateOptions, tokenLabel, unitOrder } from '../model/hiddenStates';
import type { Readout } from '../model/readout';
import { flaggedPositions, type TimeAxis, timeAxisOf } from '../model/taskViews';
import type { Theme } from '../model/theme';
import { tooltipPlacement } from '../model/tooltipPlacement';
import { control, h, select } from '../views/dom';
import { ScaleLegend } from '../views/scaleLegend';
import type { TabContext, TabView } from './tabView';

/** What the heatmap shows now (hover, click and the unit chart read it). */
interface Shown {
  m: StateMatrix;
  order: number[];
  scale: ColorScale;
  axis: TimeAxis;
  tokens: readonly string[];
  marked: readonly number[];
  layer: StateLayer;
}

export class HiddenStatesTab implements TabView {
  readonly key = 'hidden';
  readonly label = 'Hidden states';
  readonly className = 'tab-hidden';
  private panel: HTMLElement | undefined;
  private readonly controls = h('div', { class: 'toolbar' });
  private readonly sortT = h('input', { id: 'hs-sort-t', type: 'number', min: 0, step: 1, class: 'number', 'aria-label': 'Timestep t for sorting', 'aria-describedby': 'hs-sort-t-error' });
  private readonly sortTError = h('p', { id: 'hs-sort-t-error', class: 'field-error', role: 'alert', hidden: true });
  private readonly stepSlider = h('input', { id: 'snapshot-step', type: 'range', min: 0, max: 0, step: 1, value: 0, 'aria-label': 'Training step of the snapshot' });
  private readonly stepLabel = h('span', { id: 'snapshot-label', class: 'control-value' }, '–');
  private readonly heatWrap = h('div', { class: 'heatmap-main' });
  private readonly legend = new ScaleLegend('hs-legend');
  private readonly frame = h('div', { class: 'heatmap-frame' }, this.heatWrap, this.legend.el);
  private readonly markedHint = h('p', { id: 'marked-hint', class: 'hint', hidden: true });
  private readonly tooltip = h('div', { id: 'heatmap-tooltip', class: 'tooltip', hidden: true, role: 'status' });
  private readonly unitText = h('div', { id: 'unit-text', class: 'unit-text', 'aria-live': 'polite' });
  private readonly unitChartEl = h('div', { id: 'unit-chart', class: 'chart unit-chart', hidden: true });
  private readonly empty = h('p', { class: 'empty', hidden: true }, 'No diagnostics snapshot yet. Enable diagnostics in the config to see hidden states.');
  private heatmap: HeatmapView | undefined;
  private unitChart: SeriesChart | undefined;
  private theme: Theme | undefined;
  private shown: Shown | undefined;
  /** The scale, legend caption and clipping note of the values last drawn (a slider drag redraws the same values). */
  private scaleOf: { values: Float32Array; key: string; scale: ColorScale; caption: string; clip: string | undefined } | undefined;
  /** Milliseconds the last heatmap draw took (benchmark hook). */
  lastDrawMs = 0;

  constructor(private readonly ctx: TabContext) {}

  mount(panel: HTMLElement): void {
    this.panel = panel;
    this.sortT.value = String(this.ctx.store.ui.sortT);
    panel.append(this.controls, this.sortTError,
      h('div', { class: 'toolbar' }, h('label', { class: 'control grow' }, h('span', { class: 'control-label' }, 'Snapshot'), this.stepSlider, this.stepLabel)),
      this.empty, this.frame, this.markedHint, this.tooltip, this.unitText, this.unitChartEl);
    const theme = (this.theme = this.ctx.store.theme);
    this.heatmap = new HeatmapView(this.heatWrap, 'heatmap-canvas', theme.foreground, true);
    this.heatmap.onHover = (cell, ev) => this.hover(cell, ev);
    this.heatmap.onClick = (cell) => this.pickUnit(cell.row);
    this.unitChart = new SeriesChart(this.unitChartEl, { xLabel: 'timestep t', xInteger: true, yLabel: 'h', logY: false, height: 160, readout: (x) => this.unitReadout(x) }, theme);
    this.stepSlider.addEventListener('input', () => this.pickStep(Number(this.stepSlider.value)));
    this.sortT.addEventListener('change', () => {
      const t = Number(this.sortT.value);
      if (this.sortT.value.trim() !== '' && Number.isFinite(t)) this.ctx.store.setUi({ sortT: t });
      this.update();
    });
  }

  /** Run, layer, state, colour range and unit order of the heatmap. */
  renderControls(): void {
    const { store } = this.ctx;
    const r = store.hiddenStatesRun();
    if (!r) return;
    const items: HTMLElement[] = [];
    if (store.runs.length > 1) items.push(select('hs-run', 'Run', store.runs.map((x) => [x.id, store.runName(x)]), r.id, (v) => this.pickRun(v)));
    const snap = this.snapshot(r);
    const layers = stateLayers(snap);
    items.push(select('hs-layer', 'Layer', layers.map((l, i) => [String(i), l.label]), String(store.layerIndex(layers.length)), (v) => { store.setUi({ layer: Number(v) }); this.renderControls(); this.update(); }));
    const states = stateOptions(r, snap, layers[store.layerIndex(layers.length)]);
    if (!states.some(([v]) => v === store.ui.state)) store.setUi({ state: 'h' });
    items.push(select('hs-state', 'State', states, store.ui.state, (v) => { store.setUi({ state: v }); this.update(); }));
    items.push(select('hs-range', 'Colour range (h, c)', RANGE_PERCENTILES.map((p) => [String(p), p === 100 ? 'max |v|' : `${p}th percentile of |v|`]), String(store.ui.rangePercentile), (v) => {
      store.setUi({ rangePercentile: RANGE_PERCENTILES.find((p) => String(p) === v) ?? 99 });
      this.update();
    }));
    items.push(select('hs-sort', 'Sort units', [['none', 'by index'], ['variance', 'by variance'], ['activation', 'by activation at t']], store.ui.sort, (v) => {
      store.setUi({ sort: v as typeof store.ui.sort });
      this.update();
    }));
    items.push(control('t', this.sortT));
    this.controls.replaceChildren(...items);
  }

  update(): void {
    const { store } = this.ctx;
    const heatmap = this.heatmap;
    if (!heatmap) return;
    if (this.theme !== store.theme) {
      heatmap.setForeground((this.theme = store.theme).foreground);
      this.unitChart?.setTheme(store.theme);
    }
    const r = store.hiddenStatesRun();
    const snap = r && this.snapshot(r);
    this.empty.hidden = !!snap;
    this.frame.hidden = !snap;
    if (!r || !snap) return;
    const steps = r.snapshotSteps.length ? r.snapshotSteps : [snap.step];
    this.stepSlider.max = String(steps.length - 1);
    const idx = steps.indexOf(store.pinnedStep ?? store.dataOf(r.id).latestSnapshotStep);
    this.stepSlider.value = String(idx >= 0 ? idx : steps.length - 1);
    this.stepLabel.textContent = `step ${snap.step}${store.pinnedStep === undefined ? ' (latest)' : ''}`;
    const layers = stateLayers(snap);
    const index = this.ctx.store.layerIndex(layers.length);
    const layer = layers[index];
    // the Gradients tab shares the layer choice: the menus, built before it changed, must name the layer drawn
    const menu = this.controls.querySelector<HTMLElement & { value: string }>('#hs-layer');
    if (menu && menu.value !== String(index)) this.renderControls();
    const m = stateMatrix(r, snap, layer, store.ui.state);
    if (!m) return;
    const { scale, caption, clip } = this.scaleFor(m, r.info.gateNames);
    const target = layer.tokens === 'target';
    const axis: TimeAxis = target ? { kind: 'tokens', title: 'decoder step (token emitted)', unit: 't', base: 0 } : timeAxisOf(r.info);
    const tokens = (target ? r.info.probeTargetTokens : r.info.probeTokens) ?? [];
    const shown: Shown = { m, order: this.order(m), scale, axis, tokens, marked: target ? [] : flaggedPositions(r.info, snap), layer };
    this.shown = shown;
    const rgba = unitsByTimeRgba(m.values, m.T, m.H, shown.order, scale);
    const width = Math.max(300, this.heatWrap.clientWidth || 800);
    const height = Math.min(900, Math.max(160, m.H * 6 + 8));
    const base = shown.axis.base;
    this.lastDrawMs = heatmap.draw(rgba, {
      rows: m.H, cols: m.T,
      rowLabel: (row) => String(shown.order[row]), colLabel: (c) => this.colLabel(shown, c),
      rowTitle: 'unit', colTitle: shown.axis.title,
      highlightRow: this.highlightRow(), markedCols: shown.marked,
      ...(shown.axis.kind !== 'tokens' && { colTicks: integerTicks(base, m.T - 1 + base, Math.max(2, Math.round(width / 50))).map((v) => v - base) }),
    }, width, height);
    this.legend.update(scale, caption, clip, height);
    this.markedHint.hidden = shown.marked.length === 0;
    this.markedHint.textContent = `▲ ${shown.axis.unit}s ${shown.marked.map((t) => t + base).join(' and ')}: the inputs the probe marks (the target is the sum of the numbers there).`;
    this.renderUnit();
  }

  dispose(): void {
    if (this.heatmap) this.heatmap.onHover = this.heatmap.onClick = undefined;
    this.heatmap = undefined;
    this.unitChart?.destroy();
    this.unitChart = undefined;
    this.shown = undefined;
    this.scaleOf = undefined;
  }

  private scaleFor(m: StateMatrix, gateNames: readonly string[]): { scale: ColorScale; caption: string; clip: string | undefined } {
    const { state, rangePercentile } = this.ctx.store.ui;
    const key = `${state}|${rangePercentile}`;
    const c = this.scaleOf;
    if (c && c.values === m.values && c.key === key) return c;
    const { scale, caption } = stateScale(state, gateNames, m.values, rangePercentile);
    this.scaleOf = { values: m.values, key, scale, caption, clip: clipNote(clippedShare(m.values, scale), scale) };
    return this.scaleOf;
  }

  /** The units' order; "by activation at t" with a t outside the probe says so and keeps index order. */
  private order(m: StateMatrix): number[] {
    const { ui } = this.ctx.store;
    this.sortT.max = String(m.T - 1);
    this.sortT.disabled = ui.sort !== 'activation';
    let sort = ui.sort;
    let error: string | undefined;
    if (sort === 'activation') {
      const choice = parseTimestep(this.sortT.value, m.T);
      if (choice.ok) return this.setSortError(undefined, unitOrder(m, 'activation', choice.t));
      error = `${choice.message}; units stay in index order.`;
      sort = 'none';
    }
    return this.setSortError(error, unitOrder(m, sort, 0));
  }

  private setSortError(error: string | undefined, order: number[]): number[] {
    this.sortT.classList.toggle('invalid', error !== undefined);
    if (error !== undefined) this.sortT.setAttribute('aria-invalid', 'true');
    else this.sortT.removeAttribute('aria-invalid');
    this.sortTError.textContent = error ?? '';
    this.sortTError.hidden = error === undefined;
    return order;
  }


  private colLabel(s: Shown, c: number): string {
    return s.axis.kind === 'tokens' ? tokenLabel(s.tokens[c] ?? String(c)) : String(c + s.axis.base);
  }

  private highlightRow(): number | undefined {
    const unit = this.ctx.store.selectedUnit;
    const row = unit === undefined || !this.shown ? -1 : this.shown.order.indexOf(unit);
    return row >= 0 ? row : undefined;
  }

  /** The chosen snapshot of a run, else its latest. */
  private snapshot(r: RunView): DiagnosticsSnapshot | undefined {
    const { store } = this.ctx;
    const d = store.dataOf(r.id);
    return d.snapshots.get(store.pinnedStep ?? d.latestSnapshotStep) ?? d.snapshots.get(d.latestSnapshotStep);
  }

  private pickRun(id: string): void {
    const { store } = this.ctx;
    store.selectHiddenStatesRun(id);
    this.renderControls();
    this.update();
    if (store.gradientsFollowHiddenStates) this.ctx.apply({ controls: ['gradients'], redraw: ['gradients'] });
  }

  private pickUnit(row: number): void {
    if (!this.shown) return;
    this.ctx.store.selectUnit(this.shown.order[row]);
    this.heatmap?.relayout({ highlightRow: this.highlightRow() });
    this.renderUnit();
  }

  /** The slider's stop `i`: the last follows the latest snapshot; a snapshot not here yet is asked for. */
  private pickStep(i: number): void {
    const { store } = this.ctx;
    const r = store.hiddenStatesRun();
    if (!r) return;
    const steps = r.snapshotSteps;
    const step = steps[i];
    if (step === undefined) return;
    store.pinStep(i === steps.length - 1 ? undefined : step);
    this.stepLabel.textContent = `step ${step}`;
    if (!store.dataOf(r.id).snapshots.has(step)) this.ctx.post({ type: 'requestSnapshot', runId: r.id, step });
    else this.update();
  }

  /** The tooltip: where the pointer is, the value, a swatch of its colour on the legend's scale, and whether it is clipped. */
  private hover(cell: { row: number; col: number } | undefined, ev: MouseEvent): void {
    const panel = this.panel;
    const s = this.shown;
    if (!cell || !s || !panel) {
      this.tooltip.hidden = true;
      return;
    }
    const u = s.order[cell.row];
    const v = s.m.values[cell.col * s.m.H + u];
    const swatch = h('span', { class: 'tip-swatch', 'aria-hidden': 'true' });
    swatch.style.setProperty('background-color', cssRgb(scaleColor(s.scale, v)));
    const where = s.axis.kind === 'tokens'
      ? `t ${cell.col}${s.tokens[cell.col] !== undefined ? ` · “${tokenLabel(s.tokens[cell.col])}”` : ''}`
      : `${s.axis.unit} ${cell.col + s.axis.base}${s.marked.includes(cell.col) ? ' (marked)' : ''}`;
    const clipped = v < s.scale.lo || v > s.scale.hi;
    this.tooltip.replaceChildren(swatch, `unit ${u} · ${where} · `, h('b', { class: 'tip-value' }, formatNumber(v)),
      ...(clipped ? [h('span', { class: 'tip-note' }, ` beyond the scale’s ${v > 0 ? 'top' : 'bottom'}, drawn at its end`)] : []));
    this.tooltip.hidden = false;
    const box = panel.getBoundingClientRect();
    const bounds = { left: Math.max(0, box.left), top: Math.max(0, box.top), right: Math.min(document.documentElement.clientWidth, box.right), bottom: Math.min(document.documentElement.clientHeight, box.bottom) };
    const at = tooltipPlacement({ x: ev.clientX, y: ev.clientY }, { width: this.tooltip.offsetWidth, height: this.tooltip.offsetHeight }, bounds);
    this.tooltip.style.setProperty('left', `${at.left - box.left}px`);
    this.tooltip.style.setProperty('top', `${at.top - box.top}px`);
  }

  /** The selected unit: the probe text coloured by its values on the heatmap's scale, and its line over time. */
  private renderUnit(): void {
    const { store } = this.ctx;
    const unit = store.selectedUnit;
    const s = this.shown;
    const chart = this.unitChart;
    if (unit === undefined || !s || unit >= s.m.H || !chart) {
      this.unitText.replaceChildren(h('span', { class: 'hint' }, 'Click a unit (row) to outline it, colour the probe by its activation and plot it over time.'));
      this.unitChartEl.hidden = true;
      return;
    }
    const { m } = s;
    const texts = s.axis.kind === 'tokens' && s.tokens.length ? s.tokens : Array.from({ length: m.T }, (_, t) => `${t + s.axis.base} `);
    const spans = texts.slice(0, m.T).map((tok, t) => {
      const v = m.values[t * m.H + unit];
      const span = h('span', { class: `tok${s.marked.includes(t) ? ' marked' : ''}`, title: `${s.axis.unit} ${t + s.axis.base}: ${formatNumber(v)}`, 'data-t': t }, tok.length > 1 ? `${tok} ` : tok);
      const c = scaleColor(s.scale, v);
      span.style.setProperty('background-color', cssRgb(c));
      span.style.setProperty('color', (c[0] * 299 + c[1] * 587 + c[2] * 114) / 1000 > 140 ? '#111' : '#fff');
      return span;
    });
    const state = store.ui.state.startsWith('gate:') ? `gate ${store.hiddenStatesRun()?.info.gateNames[Number(store.ui.state.slice(5))] ?? ''}` : store.ui.state;
    this.unitText.replaceChildren(h('div', { class: 'unit-title' }, `Unit ${unit} (${state}, ${s.layer.label})`), h('div', { class: 'tokens' }, ...spans));
    this.unitChartEl.hidden = false;
    const xLabel = s.axis.kind === 'tokens' ? 'timestep t' : s.axis.title;
    const yLabel = `${state}, unit ${unit}`;
    if (chart.options.xLabel !== xLabel || chart.options.yLabel !== yLabel) chart.setOptions({ xLabel, yLabel });
    chart.setSeries([{
      label: `unit ${unit}`, color: store.colorOf(store.hiddenStatesRun() ?? { colorIndex: 0 }), width: 2, points: m.T <= 80,
      x: Float64Array.from({ length: m.T }, (_, t) => t + s.axis.base), y: Float64Array.from({ length: m.T }, (_, t) => m.values[t * m.H + unit]),
    }], s.scale.kind === 'diverging' ? [{ value: 0, label: '', color: store.theme.muted }] : []);
  }

  private unitReadout(x: number): Readout | undefined {
    const s = this.shown;
    const unit = this.ctx.store.selectedUnit;
    if (!s || unit === undefined) return undefined;
    const t = Math.max(0, Math.min(s.m.T - 1, Math.round(x - s.axis.base)));
    const v = s.m.values[t * s.m.H + unit];
    const tok = s.axis.kind === 'tokens' && s.tokens[t] !== undefined ? `“${tokenLabel(s.tokens[t])}”` : s.marked.includes(t) ? 'marked' : '';
    const color = this.ctx.store.colorOf(this.ctx.store.hiddenStatesRun() ?? { colorIndex: 0 });
    return { labelHead: 'Unit', columns: ['Value', s.axis.unit, ''], rows: [{ label: String(unit), color, swatch: 'line', cells: [formatNumber(v), String(t + s.axis.base), tok] }] };
  }
}
