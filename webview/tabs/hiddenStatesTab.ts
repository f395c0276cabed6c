// Hidden states tab: a snapshot's hidden state, cell state or a gate as a units × timesteps heatmap over
// the probe text, with a snapshot-step slider, unit orders, a hover readout, and the probe text coloured by
// the activation of a clicked unit.
import type { DiagnosticsSnapshot } from '../../src/shared/metrics';
import { formatNumber } from '../../src/shared/format';
import type { RunView } from '../../src/shared/webviewProtocol';
import { HeatmapView } from '../charts/heatmapView';
import { cssRgb, diverging } from '../model/colorScales';
import { unitsByTimeRgba } from '../model/heatmap';
import { layersOf, type StateMatrix, stateMatrix, stateOptions, tokenLabel, unitOrder } from '../model/hiddenStates';
import { tooltipPlacement } from '../model/tooltipPlacement';
import type { Theme } from '../model/theme';
import { control, h, select } from '../views/dom';
import { scaleLegend } from '../views/scaleLegend';
import type { TabContext, TabView } from './tabView';

export class HiddenStatesTab implements TabView {
  readonly key = 'hidden';
  readonly label = 'Hidden states';
  readonly className = 'tab-hidden';
  private panel: HTMLElement | undefined;
  private readonly controls = h('div', { class: 'toolbar' });
  private readonly stepSlider = h('input', { id: 'snapshot-step', type: 'range', min: 0, max: 0, step: 1, value: 0, 'aria-label': 'Training step of the snapshot' });
  private readonly stepLabel = h('span', { id: 'snapshot-label', class: 'control-value' }, '–');
  private readonly heatWrap = h('div', { class: 'heatmap-wrap' });
  private readonly tooltip = h('div', { id: 'heatmap-tooltip', class: 'tooltip', hidden: true, role: 'status' });
  private readonly unitText = h('div', { id: 'unit-text', class: 'unit-text', 'aria-live': 'polite' });
  private readonly empty = h('p', { class: 'empty', hidden: true }, 'No diagnostics snapshot yet. Enable diagnostics in the config to see hidden states.');
  private heatmap: HeatmapView | undefined;
  private theme: Theme | undefined;
  /** What the heatmap shows now: the matrix and its row order (hover and click read them). */
  private shown: { m: StateMatrix; order: number[] } | undefined;
  /** Milliseconds the last heatmap draw took (benchmark hook). */
  lastDrawMs = 0;

  constructor(private readonly ctx: TabContext) {}

  mount(panel: HTMLElement): void {
    this.panel = panel;
    panel.append(this.controls, h('div', { class: 'toolbar' }, h('label', { class: 'control grow' }, h('span', { class: 'control-label' }, 'Snapshot'), this.stepSlider, this.stepLabel)),
      this.empty, this.heatWrap, this.tooltip, this.unitText, scaleLegend('diverging'));
    this.theme = this.ctx.store.theme;
    this.heatmap = new HeatmapView(this.heatWrap, 'heatmap-canvas', this.theme.foreground);
    this.heatmap.onHover = (cell, ev) => this.hover(cell, ev);
    this.heatmap.onClick = (cell) => {
      if (!this.shown) return;
      this.ctx.store.selectUnit(this.shown.order[cell.row]);
      this.renderUnitText();
    };
    this.stepSlider.addEventListener('input', () => this.pickStep(Number(this.stepSlider.value)));
  }

  /** Run, layer, state and unit order of the heatmap. */
  renderControls(): void {
    const { store } = this.ctx;
    const r = store.hiddenStatesRun();
    if (!r) return;
    const items: HTMLElement[] = [];
    if (store.runs.length > 1) items.push(select('hs-run', 'Run', store.runs.map((x) => [x.id, store.runName(x)]), r.id, (v) => this.pickRun(v)));
    items.push(select('hs-layer', 'Layer', layersOf(this.snapshot(r)).map((l) => [String(l), `layer ${l}`]), String(store.ui.layer), (v) => { store.setUi({ layer: Number(v) }); this.update(); }));
    const states = stateOptions(r);
    if (!states.some(([v]) => v === store.ui.state)) store.setUi({ state: 'h' });
    items.push(select('hs-state', 'State', states, store.ui.state, (v) => { store.setUi({ state: v }); this.update(); }));
    items.push(select('hs-sort', 'Sort units', [['none', 'by index'], ['variance', 'by variance'], ['activation', 'by activation at t']], store.ui.sort, (v) => {
      store.setUi({ sort: v as typeof store.ui.sort });
      this.update();
    }));
    const sortT = h('input', { id: 'hs-sort-t', type: 'number', min: 0, value: store.ui.sortT, class: 'number', 'aria-label': 'Timestep for sorting' });
    sortT.addEventListener('change', () => { store.setUi({ sortT: Math.max(0, Math.floor(Number(sortT.value) || 0)) }); this.update(); });
    items.push(control('t', sortT));
    this.controls.replaceChildren(...items);
  }

  update(): void {
    const { store } = this.ctx;
    const heatmap = this.heatmap;
    if (!heatmap) return;
    if (this.theme !== store.theme) heatmap.setForeground((this.theme = store.theme).foreground);
    const r = store.hiddenStatesRun();
    const snap = r && this.snapshot(r);
    this.empty.hidden = !!snap;
    this.heatWrap.hidden = !snap;
    if (!r || !snap) return;
    const steps = r.snapshotSteps.length ? r.snapshotSteps : [snap.step];
    this.stepSlider.max = String(steps.length - 1);
    const idx = steps.indexOf(store.pinnedStep ?? store.dataOf(r.id).latestSnapshotStep);
    this.stepSlider.value = String(idx >= 0 ? idx : steps.length - 1);
    this.stepLabel.textContent = `step ${snap.step}${store.pinnedStep === undefined ? ' (latest)' : ''}`;
    const m = stateMatrix(r, snap, store.ui.layer, store.ui.state);
    if (!m) return;
    const order = unitOrder(m, store.ui.sort, store.ui.sortT);
    this.shown = { m, order };
    const rgba = unitsByTimeRgba(m.values, m.T, m.H, order);
    const tokens = r.info.probeTokens ?? [];
    const width = Math.max(300, this.heatWrap.clientWidth || 800);
    const height = Math.min(900, Math.max(200, m.H * 6 + 40));
    this.lastDrawMs = heatmap.draw(rgba, {
      rows: m.H, cols: m.T,
      rowLabel: (row) => String(order[row]), colLabel: (c) => tokenLabel(tokens[c] ?? String(c)),
      rowTitle: 'unit', colTitle: tokens.length ? 'probe token (timestep)' : 'timestep',
    }, width, height);
    this.renderUnitText();
  }

  dispose(): void {
    if (this.heatmap) this.heatmap.onHover = this.heatmap.onClick = undefined;
    this.heatmap = undefined;
    this.shown = undefined;
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

  private hover(cell: { row: number; col: number } | undefined, ev: MouseEvent): void {
    const r = this.ctx.store.hiddenStatesRun();
    const panel = this.panel;
    if (!cell || !this.shown || !r || !panel) {
      this.tooltip.hidden = true;
      return;
    }
    const { m, order } = this.shown;
    const u = order[cell.row];
    const v = m.values[cell.col * m.H + u];
    const tok = r.info.probeTokens?.[cell.col];
    this.tooltip.textContent = `unit ${u} · t ${cell.col}${tok !== undefined ? ` · “${tokenLabel(tok)}”` : ''} · ${formatNumber(v)}`;
    this.tooltip.hidden = false;
    const box = panel.getBoundingClientRect();
    const bounds = { left: Math.max(0, box.left), top: Math.max(0, box.top), right: Math.min(document.documentElement.clientWidth, box.right), bottom: Math.min(document.documentElement.clientHeight, box.bottom) };
    const at = tooltipPlacement({ x: ev.clientX, y: ev.clientY }, { width: this.tooltip.offsetWidth, height: this.tooltip.offsetHeight }, bounds);
    this.tooltip.style.setProperty('left', `${at.left - box.left}px`);
    this.tooltip.style.setProperty('top', `${at.top - box.top}px`);
  }

  /** The probe text, each token coloured by the selected unit's activation. */
  private renderUnitText(): void {
    const { store } = this.ctx;
    const r = store.hiddenStatesRun();
    const unit = store.selectedUnit;
    if (unit === undefined || !this.shown || !r) {
      this.unitText.replaceChildren(h('span', { class: 'hint' }, 'Click a unit (row) to colour the probe by its activation.'));
      return;
    }
    const { m } = this.shown;
    const tokens = r.info.probeTokens ?? Array.from({ length: m.T }, (_, t) => `${t} `);
    const spans = tokens.slice(0, m.T).map((tok, t) => {
      const v = m.values[t * m.H + unit];
      const s = h('span', { class: 'tok', title: `t ${t}: ${formatNumber(v)}`, 'data-t': t }, tok.length > 1 ? `${tok} ` : tok);
      const c = diverging(v);
      s.style.setProperty('background-color', cssRgb(c));
      s.style.setProperty('color', (c[0] * 299 + c[1] * 587 + c[2] * 114) / 1000 > 140 ? '#111' : '#fff');
      return s;
    });
    this.unitText.replaceChildren(h('div', { class: 'unit-title' }, `Unit ${unit} (${store.ui.state}, layer ${store.ui.layer})`), h('div', { class: 'tokens' }, ...spans));
  }
}
