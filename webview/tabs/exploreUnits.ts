// The Explore tab's main view (LSTMVis): the chosen units' states over the probe as lines, the tokens under
// them; which units (top k by variance, top k for a feature of the unit finder, or listed), which layer and
// state; the values under the cursor in a readout; a dragged range of timesteps and a threshold make the
// pattern, whose matches in the validation text the engine finds.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { StatesResult } from '../../src/shared/explorerProtocol';
import { formatNumber } from '../../src/shared/format';
import { MAX_PX, UnitLinesChart } from '../charts/unitLinesChart';
import type { UnitChoice } from '../model/explorerSession';
import { tokenLabel } from '../model/hiddenStates';
import { runColor } from '../model/palette';
import { parseUnitList, selectionPattern, type StatesMatrix, statesOf, unitsToPlot, valueRange, valuesAt } from '../model/unitPlots';
import { control, h, select } from '../views/dom';
import { RANKED } from './exploreFeatures';
import type { ExploreContext, ExploreSection } from './exploreSection';

/** What the plot shows now, for the readout and the pattern. */
interface Shown {
  m: StatesMatrix;
  tokens: readonly string[];
  units: number[];
  colors: string[];
  r?: Map<number, number>;
}

export class ExploreUnits implements ExploreSection {
  readonly el = h('section', { class: 'ex-section ex-units', 'aria-label': 'Units over the text' });
  private readonly controls = h('div', { class: 'toolbar' });
  private readonly why = h('p', { id: 'ex-units-why', class: 'hint' });
  private readonly readout = h('div', { id: 'ex-readout', class: 'ex-readout', 'aria-live': 'polite' });
  private readonly chartHost = h('div', { id: 'ex-lines', class: 'ex-lines', 'aria-label': 'Unit states over the text. Drag to select timesteps; Ctrl + wheel or + and − zoom; arrow keys scroll.' });
  private readonly selectionRow = h('div', { class: 'toolbar ex-selection-row' });
  private readonly threshold = h('input', { id: 'ex-threshold', type: 'number', step: 0.05, class: 'number', 'aria-label': 'Threshold: a unit is on at or above it' });
  private readonly offBeforeBox = h('vscode-checkbox', { id: 'ex-off-before', label: 'off just before it' });
  private readonly patternText = h('span', { id: 'ex-pattern', class: 'ex-pattern' });
  private readonly matchButton = h('vscode-button', { id: 'ex-match' }, 'Find matches');
  private readonly plotPattern = h('vscode-button', { id: 'ex-plot-pattern', secondary: true, title: 'Plot the units of the pattern' }, 'Plot these units');
  /** What the controls were built for: they are rebuilt only when it changes (an open drop-down survives an answer). */
  private controlsKey = '';
  private readonly empty = h('p', { class: 'empty' }, 'No states yet: show the states of a probe above.');
  readonly chart: UnitLinesChart;
  private shown: Shown | undefined;
  private result: StatesResult | undefined;
  private hoverT: number | undefined;
  /** Pattern units must also be off just before the selection (LSTMVis's left boundary). */
  private offBefore = false;

  constructor(private readonly ctx: ExploreContext) {
    this.el.append(h('h3', {}, 'Units over the text'), this.controls, this.why, this.empty, this.readout, this.chartHost, this.selectionRow,
      h('p', { class: 'hint' }, 'Drag across the plot to select timesteps: the units on (≥ the threshold) over the whole selection are its pattern, drawn bold. Ctrl + wheel zooms, the scroll bar moves along the text.'));
    this.chart = new UnitLinesChart(this.chartHost, ctx.store.theme);
    this.chart.canvas.id = 'ex-lines-canvas';
    this.chart.onHover = (t) => {
      this.hoverT = t;
      this.renderReadout();
    };
    this.chart.onSelect = (range) => {
      ctx.session.setView({ range });
      this.renderSelection();
      this.draw();
    };
    this.chart.onZoom = (px) => ctx.session.setView({ pxPerToken: px });
    this.selectionRow.append(control('Threshold', this.threshold), this.offBeforeBox, this.patternText, this.plotPattern, this.matchButton);
    this.plotPattern.addEventListener('click', () => {
      const v = ctx.session.view;
      const units = this.shown && v.range ? selectionPattern(this.shown.m, v.range, v.threshold) : [];
      if (units.length === 0) return;
      ctx.session.setView({ choice: { kind: 'listed', units: units.slice(0, 32) } });
      this.render();
    });
    this.threshold.addEventListener('change', () => {
      const x = Number(this.threshold.value);
      if (Number.isFinite(x)) ctx.session.setView({ threshold: x });
      this.draw();
      this.renderSelection();
    });
    this.offBeforeBox.addEventListener('change', () => (this.offBefore = this.offBeforeBox.checked));
    this.matchButton.addEventListener('click', () => this.askMatch());
  }

  render(): void {
    const result = this.ctx.session.result('states');
    const fresh = result !== this.result;
    this.result = result;
    this.empty.hidden = !!result;
    this.chartHost.hidden = this.readout.hidden = this.selectionRow.hidden = !result;
    if (!result) {
      this.controls.replaceChildren();
      this.why.textContent = '';
      return;
    }
    if (fresh) this.fitView(result);
    this.renderControls(result);
    this.draw();
    this.renderSelection();
    this.renderReadout();
    const reveal = this.ctx.session.revealAfterStates;
    if (fresh && reveal !== undefined) {
      this.chart.reveal(reveal);
      this.ctx.session.revealAfterStates = undefined;
    }
  }

  /** New states: the layer and state are kept where the model has them; the selection goes, unless a
   *  clicked match set it for these states. */
  private fitView(result: StatesResult): void {
    const { session } = this.ctx;
    const v = session.view;
    const layer = Math.min(v.layer, result.layers.length - 1);
    const state = v.state === 'c' && !result.layers[layer].c ? 'h' : v.state;
    const range = v.range && v.range[1] < result.tokens.length && session.revealAfterStates !== undefined ? v.range : undefined;
    // a short text fills the width (up to the widest zoom); a long one keeps the zoom chosen
    const fit = this.chart.plotWidth() / result.tokens.length;
    const px = fit > v.pxPerToken ? Math.min(MAX_PX, fit) : v.pxPerToken;
    session.setView({ layer, state, range, pxPerToken: px });
    this.chart.setZoom(px);
  }

  private renderControls(result: StatesResult): void {
    const { session } = this.ctx;
    const v = session.view;
    const features = session.result('unitFeatures');
    const key = JSON.stringify([result.layers.length, !!result.layers[v.layer].c, result.hiddenSize, v, features?.features.map((f) => f.feature), session.answer('unitFeatures').kind]);
    if (key === this.controlsKey) return;
    this.controlsKey = key;
    const set = (patch: Parameters<typeof session.setView>[0]) => {
      session.setView(patch);
      this.render();
    };
    const items: HTMLElement[] = [
      select('ex-layer', 'Layer', result.layers.map((_, l) => [String(l), `layer ${l}`]), String(v.layer), (x) => set({ layer: Number(x) })),
      select('ex-state', 'State', result.layers[v.layer].c ? [['h', 'h (hidden state)'], ['c', 'c (cell state)']] : [['h', 'h (hidden state)']], v.state, (x) => set({ state: x as 'h' | 'c' })),
      select('ex-fit', 'y axis', [['text', 'the whole text'], ['view', 'what is in view']], v.fit, (x) => set({ fit: x as 'text' | 'view' })),
      select('ex-rank', 'Units', [['variance', 'top k by variance'], ['feature', 'top k for a feature'], ['listed', 'the units I list']], v.choice.kind, (x) => set({ choice: this.choiceOf(x) })),
    ];
    if (v.choice.kind !== 'listed') {
      const k = h('input', { id: 'ex-k', type: 'number', min: 1, max: 32, step: 1, value: v.k, class: 'number', 'aria-label': 'How many units' });
      k.addEventListener('change', () => set({ k: Math.max(1, Math.min(32, Math.floor(Number(k.value) || 8))) }));
      items.push(control('k', k));
    }
    if (v.choice.kind === 'feature') items.push(this.featurePicker(v.choice.feature));
    if (v.choice.kind === 'listed') {
      const field = h('vscode-textfield', { id: 'ex-units', value: v.choice.units.join(', '), placeholder: 'e.g. 3, 17, 42', 'aria-label': 'Units to plot' });
      field.addEventListener('change', () => {
        const parsed = parseUnitList(field.value, result.hiddenSize);
        if ('error' in parsed) {
          this.why.textContent = parsed.error;
          this.why.classList.add('status-error');
        } else set({ choice: { kind: 'listed', units: parsed.units } });
      });
      items.push(control('Units', field));
    }
    const zoom = (f: number, id: string, text: string, label: string) => {
      const b = h('vscode-button', { id, secondary: true, title: `${label} (Ctrl + wheel, + and −)`, 'aria-label': label }, text);
      b.addEventListener('click', () => {
        this.chart.setZoom(this.chart.pxPerToken * f);
        session.setView({ pxPerToken: this.chart.pxPerToken });
      });
      return b;
    };
    items.push(h('span', { class: 'spacer' }), zoom(0.8, 'ex-zoom-out', '−', 'Zoom out'), zoom(1.25, 'ex-zoom-in', '+', 'Zoom in'));
    this.controls.replaceChildren(...items);
  }

  private choiceOf(kind: string): UnitChoice {
    const { session } = this.ctx;
    if (kind === 'listed') return { kind: 'listed', units: this.shown?.units ?? [] };
    if (kind === 'feature') {
      const features = session.result('unitFeatures');
      // the ranking is of the probe's input: without it, ask for it
      if (!features && session.answer('unitFeatures').kind !== 'loading') this.askFeatures();
      return { kind: 'feature', feature: features?.features.find((f) => !f.constant)?.feature ?? '' };
    }
    return { kind: 'variance' };
  }

  private featurePicker(current: string): HTMLElement {
    const features = this.ctx.session.result('unitFeatures');
    if (!features) return h('span', { class: 'hint' }, this.ctx.session.answer('unitFeatures').kind === 'loading' ? 'Ranking the units…' : 'Find the interpretable units below to rank by a feature.');
    return select('ex-feature', 'Feature', features.features.map((f) => [f.feature, f.constant ? `${f.feature} (constant here)` : f.feature]), current, (x) => {
      this.ctx.session.setView({ choice: { kind: 'feature', feature: x } });
      this.render();
    });
  }

  private askFeatures(): void {
    const states = this.ctx.session.answer('states');
    if (states.kind === 'done') this.ctx.ask({ kind: 'unitFeatures', request: { input: states.query.request.input, top: RANKED } });
  }

  /** The plot from the session: its matrix, units, colours, selection and pattern. */
  private draw(): void {
    const { session, store } = this.ctx;
    const result = this.result;
    const v = session.view;
    const m = result && statesOf(result, v.layer, v.state);
    if (!result || !m) {
      this.shown = undefined;
      this.chart.setData(undefined);
      return;
    }
    const plotted = unitsToPlot(m, v, session.result('unitFeatures'));
    const colors = plotted.units.map((_, i) => runColor(i, store.theme.charts));
    this.shown = { m, tokens: result.tokens, units: plotted.units, colors, ...(plotted.r && { r: plotted.r }) };
    const y = valueRange(m, plotted.units);
    this.why.classList.remove('status-error');
    const clipNote = v.fit === 'text' && y.clipped ? ` The y axis holds 99 % of their values (±${formatNumber(y.range[1], 3)}); the rest are drawn at its edge, the readout has them all.` : '';
    this.why.textContent = `Plotted: ${plotted.why}.${clipNote}`;
    this.chart.setTheme(store.theme);
    this.chart.setData({
      values: m.values, T: m.T, H: m.H, tokens: result.tokens, units: plotted.units, colors,
      yTitle: `${v.state} · layer ${v.layer}`, yRange: y.range, fit: v.fit, threshold: v.threshold,
      ...(v.range && { selection: v.range }), pattern: new Set(selectionPattern(m, v.range, v.threshold)),
      ...(this.isSlice() && { positions: result.offsets, positionTitle: 'token (position in the validation data)' }),
    });
  }

  /** The values of the plotted units at the hovered timestep (else the selection's first), largest first. */
  private renderReadout(): void {
    const s = this.shown;
    const t = this.hoverT ?? this.ctx.session.view.range?.[0];
    if (!s || t === undefined || t >= s.m.T) {
      this.readout.replaceChildren(h('span', { class: 'hint' }, 'Hover the plot to read each unit’s value at a token.'));
      return;
    }
    const items = valuesAt(s.m, s.units, t).map(({ unit, value }) => {
      const sw = h('span', { class: 'swatch', 'aria-hidden': 'true' });
      sw.style.setProperty('background-color', s.colors[s.units.indexOf(unit)]);
      const r = s.r?.get(unit);
      return h('span', { class: 'ex-reading', 'data-unit': unit }, sw, `unit ${unit} `, h('b', { class: 'num' }, formatNumber(value, 3)), r === undefined ? '' : h('span', { class: 'hint' }, ` r ${formatNumber(r, 2)}`));
    });
    const where = this.isSlice() && this.result ? ` (validation token ${this.result.offsets[t]})` : '';
    this.readout.replaceChildren(h('span', { class: 'ex-readout-head' }, `t ${t}${where} · “${tokenLabel(s.tokens[t] ?? '')}”`), ...items);
  }

  private renderSelection(): void {
    const v = this.ctx.session.view;
    const s = this.shown;
    if (document.activeElement !== this.threshold) this.threshold.value = String(v.threshold);
    this.matchButton.toggleAttribute('disabled', !v.range);
    const pattern = s && v.range ? selectionPattern(s.m, v.range, v.threshold) : [];
    this.plotPattern.toggleAttribute('disabled', pattern.length === 0);
    this.patternText.textContent = !v.range || !s
      ? 'Drag across the plot to select a range of timesteps.'
      : `Selected t ${v.range[0]}–${v.range[1]} (“${s.tokens.slice(v.range[0], v.range[1] + 1).map(tokenLabel).join('')}”): ${pattern.length} unit(s) of ${v.state} on throughout${pattern.length > 0 ? `: ${pattern.slice(0, 24).join(', ')}${pattern.length > 24 ? ', …' : ''}` : ''}.`;
  }

  /** Whether the states shown are of a validation slice (their offsets are positions in the validation data). */
  private isSlice(): boolean {
    const states = this.ctx.session.answer('states');
    return states.kind === 'done' && 'validationSlice' in states.query.request.input;
  }

  private askMatch(): void {
    const { session } = this.ctx;
    const v = session.view;
    const states = session.answer('states');
    if (!v.range || states.kind !== 'done') return;
    this.ctx.ask({
      kind: 'match',
      request: { selection: { input: states.query.request.input, layer: v.layer, state: v.state }, t0: v.range[0], t1: v.range[1], threshold: v.threshold, offBefore: this.offBefore, limit: 30, context: 14 },
    });
  }

  dispose(): void {
    this.chart.dispose();
  }
}
