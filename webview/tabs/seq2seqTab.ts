// Seq2seq tab (encoder–decoder runs only; its header is hidden for the others): the probe pair's attention
// matrix with both token strings on the axes; the encoder's and the decoder's hidden states on one time
// axis with a step-through of the pair; ‖∂L/∂h‖ over the source positions and over the decoder steps; and
// the "try it" box. All follow the snapshot the slider picks (the same stop as the Hidden states tab's).
import './seq2seq.css';
import type { DiagnosticsSnapshot } from '../../src/shared/metrics';
import { formatNumber } from '../../src/shared/format';
import type { RunView } from '../../src/shared/webviewProtocol';
import { SeriesChart } from '../charts/seriesChart';
import { tokenLabel } from '../model/hiddenStates';
import type { Readout } from '../model/readout';
import { type AttentionRange, attentionOf, encoderDecoderLayers, encoderDecoderStates, gradientNorms, isEncoderDecoder, type NormSeries, wideRange } from '../model/seq2seqViews';
import type { Theme } from '../model/theme';
import { AttentionMap } from '../views/attentionMap';
import { h, select } from '../views/dom';
import { Seq2seqStatesSection } from './seq2seqStates';
import { Seq2seqTryIt } from './seq2seqTryIt';
import type { TabContext, TabView } from './tabView';

const DH = '‖∂L/∂h‖';

export class Seq2seqTab implements TabView {
  readonly key = 'seq2seq';
  readonly label = 'Seq2seq';
  readonly className = 'tab-seq2seq';
  private readonly controls = h('div', { class: 'toolbar' });
  private readonly stepSlider = h('input', { id: 's2s-step', type: 'range', min: 0, max: 0, step: 1, value: 0, 'aria-label': 'Training step of the snapshot' });
  private readonly stepLabel = h('span', { id: 's2s-step-label', class: 'control-value' }, '–');
  private readonly empty = h('p', { id: 's2s-empty', class: 'empty' });
  private readonly attNote = h('p', { id: 's2s-att-note', class: 'hint', hidden: true });
  private readonly body = h('div', { class: 's2s-body' });
  private readonly gradEl = h('div', { class: 's2s-grads' });
  private attention: AttentionMap | undefined;
  private states: Seq2seqStatesSection | undefined;
  private tryIt: Seq2seqTryIt | undefined;
  private grads: { enc: SeriesChart; dec: SeriesChart } | undefined;
  private theme: Theme | undefined;
  private range: AttentionRange = 'unit';
  private layer = 0;
  /** The layers the layer picker offers (joined), to notice a snapshot with others. */
  private layersListed = '';
  /** What the gradient charts show (their readouts read it). */
  private norms: { encoder: NormSeries[]; decoder: NormSeries[]; source: string[]; target: string[] } = { encoder: [], decoder: [], source: [], target: [] };

  constructor(private readonly ctx: TabContext) {}

  mount(panel: HTMLElement): void {
    const theme = (this.theme = this.ctx.store.theme);
    this.attention = new AttentionMap('s2s-att', theme.foreground);
    this.states = new Seq2seqStatesSection(theme.foreground);
    this.states.onStop = (stop) => this.attention?.highlight(stop?.kind === 'decode' ? stop.t : undefined);
    this.tryIt = new Seq2seqTryIt(this.ctx, () => this.run());
    const encEl = h('div', { id: 's2s-grad-enc', class: 'chart', 'aria-label': `${DH} over the source positions` });
    const decEl = h('div', { id: 's2s-grad-dec', class: 'chart', 'aria-label': `${DH} over the decoder steps` });
    this.gradEl.append(h('div', { class: 's2s-grad' }, h('h4', {}, 'Encoder: over the source positions'), encEl), h('div', { class: 's2s-grad' }, h('h4', {}, 'Decoder: over its steps'), decEl));
    this.body.append(
      h('h3', {}, 'Attention of the probe pair: where each decoder step looks in the source'), this.attNote, this.attention.el,
      h('h3', {}, 'Encoder and decoder hidden states on one time axis'), this.states.el,
      h('h3', {}, `Gradient norms ${DH} of the probe pair’s loss at each timestep`), this.gradEl,
    );
    panel.append(this.controls,
      h('div', { class: 'toolbar' }, h('label', { class: 'control grow' }, h('span', { class: 'control-label' }, 'Snapshot'), this.stepSlider, this.stepLabel)),
      this.empty, this.body, this.tryIt.el);
    const chart = (el: HTMLElement, xLabel: string, side: 'encoder' | 'decoder') =>
      new SeriesChart(el, { xLabel, xInteger: true, yLabel: DH, logY: false, height: 220, readout: (x) => this.gradReadout(side, x) }, theme);
    this.grads = { enc: chart(encEl, 'source position s', 'encoder'), dec: chart(decEl, 'decoder step t', 'decoder') };
    this.stepSlider.addEventListener('input', () => this.pickStep(Number(this.stepSlider.value)));
  }

  /** Shown only while the panel has an encoder–decoder run. */
  available(): boolean {
    return this.ctx.store.runs.some((r) => isEncoderDecoder(r.info));
  }

  /** Its run (a comparison's encoder–decoders), layer and attention range pickers, and the "try it" box. */
  renderControls(): void {
    const { store } = this.ctx;
    const runs = store.runs.filter((r) => isEncoderDecoder(r.info));
    const r = this.run();
    if (!r) return;
    const items: HTMLElement[] = [];
    if (runs.length > 1) items.push(select('s2s-run', 'Run', runs.map((x) => [x.id, store.runName(x)]), r.id, (v) => {
      store.selectHiddenStatesRun(v);
      this.ctx.apply({ controls: ['hidden', 'seq2seq'], redraw: ['hidden', 'seq2seq'] });
    }));
    const layers = encoderDecoderLayers(this.snapshot(r));
    this.layersListed = layers.join();
    if (layers.length > 1) items.push(select('s2s-layer', 'Layer', layers.map((l) => [String(l), `layer ${l}`]), String(this.layer), (v) => { this.layer = Number(v); this.update(); }));
    items.push(select('s2s-att-range', 'Attention colours', [['unit', '0…1'], ['data', '0…largest weight']], this.range, (v) => { this.range = v as AttentionRange; this.update(); }));
    this.controls.replaceChildren(...items);
    this.tryIt?.render();
  }

  update(): void {
    const { store } = this.ctx;
    if (!this.attention || !this.states || !this.grads) return;
    if (this.theme !== store.theme) {
      const theme = (this.theme = store.theme);
      this.attention.setForeground(theme.foreground);
      this.states.setForeground(theme.foreground);
      this.tryIt?.setForeground(theme.foreground);
      this.grads.enc.setTheme(theme);
      this.grads.dec.setTheme(theme);
    }
    const r = this.run();
    const snap = r && this.snapshot(r);
    this.empty.hidden = !!snap;
    this.body.hidden = !snap;
    this.empty.textContent = r ? 'No diagnostics snapshot yet: the attention, states and gradients show the probe pair at each snapshot (diagnostics.every).' : 'This panel has no encoder–decoder run.';
    if (!r || !snap) return;
    const steps = r.snapshotSteps.length ? r.snapshotSteps : [snap.step];
    this.stepSlider.max = String(steps.length - 1);
    const idx = steps.indexOf(snap.step);
    this.stepSlider.value = String(idx >= 0 ? idx : steps.length - 1);
    this.stepLabel.textContent = `step ${snap.step}${store.pinnedStep === undefined ? ' (latest)' : ''}`;
    const att = attentionOf(r.info, snap);
    this.attNote.hidden = !!att;
    this.attNote.textContent = 'This model has no attention (model.attention "none"): the decoder sees the source only through the encoder’s final state.';
    this.attention.el.hidden = !att;
    if (att) this.attention.show(att, this.range);
    const layers = encoderDecoderLayers(snap);
    // the layer picker appears with a snapshot of several layers (the first snapshot may come after the controls)
    if (layers.join() !== this.layersListed) this.renderControls();
    const st = encoderDecoderStates(r.info, snap, layers.includes(this.layer) ? this.layer : layers[0] ?? 0);
    this.states.el.hidden = !st;
    if (st) this.states.show(st, att);
    this.drawGradients(r, snap);
  }

  dispose(): void {
    this.states?.dispose();
    this.tryIt?.dispose();
    this.grads?.enc.destroy();
    this.grads?.dec.destroy();
    this.grads = undefined;
  }

  /** The Hidden states tab's run when it is an encoder–decoder, else the panel's first one. */
  private run(): RunView | undefined {
    const { store } = this.ctx;
    const r = store.hiddenStatesRun();
    return r && isEncoderDecoder(r.info) ? r : store.runs.find((x) => isEncoderDecoder(x.info));
  }

  private snapshot(r: RunView): DiagnosticsSnapshot | undefined {
    const { store } = this.ctx;
    const d = store.dataOf(r.id);
    return d.snapshots.get(store.pinnedStep ?? d.latestSnapshotStep) ?? d.snapshots.get(d.latestSnapshotStep);
  }

  /** The slider's stop `i`, shared with the Hidden states tab: the last follows the latest snapshot; one not here yet is asked for. */
  private pickStep(i: number): void {
    const { store } = this.ctx;
    const r = this.run();
    const step = r?.snapshotSteps[i];
    if (!r || step === undefined) return;
    store.pinStep(i === r.snapshotSteps.length - 1 ? undefined : step);
    this.stepLabel.textContent = `step ${step}`;
    if (!store.dataOf(r.id).snapshots.has(step)) this.ctx.post({ type: 'requestSnapshot', runId: r.id, step });
    else this.update();
  }

  private drawGradients(r: RunView, snap: DiagnosticsSnapshot): void {
    const { encoder, decoder } = gradientNorms(snap);
    this.norms = { encoder, decoder, source: r.info.probeTokens ?? [], target: r.info.probeTargetTokens ?? [] };
    this.gradEl.hidden = encoder.length + decoder.length === 0;
    const palette = this.ctx.store.theme.charts;
    // each chart its own y scale: the decoder's norms may sit within a factor of 2 while the encoder's span 1000×
    const draw = (chart: SeriesChart, series: NormSeries[]) => {
      const logY = wideRange(series.map((s) => s.values));
      if (chart.options.logY !== logY) chart.setOptions({ logY, yLabel: logY ? `${DH} (log)` : DH });
      chart.setSeries(series.map((s, i) => ({
        label: s.label, color: palette[i % Math.max(1, palette.length)] ?? this.ctx.store.theme.foreground, width: 2, points: true,
        x: Float64Array.from(s.values, (_, k) => k), y: Float64Array.from(s.values),
      })));
    };
    if (this.grads) {
      draw(this.grads.enc, encoder);
      draw(this.grads.dec, decoder);
    }
  }

  private gradReadout(side: 'encoder' | 'decoder', x: number): Readout | undefined {
    const series = this.norms[side];
    const n = series[0]?.values.length ?? 0;
    if (n === 0) return undefined;
    const k = Math.max(0, Math.min(n - 1, Math.round(x)));
    const tokens = side === 'encoder' ? this.norms.source : this.norms.target;
    const palette = this.ctx.store.theme.charts;
    const where = side === 'encoder' ? `position ${k}` : `step ${k}`;
    return {
      labelHead: side === 'encoder' ? 'Encoder' : 'Decoder',
      columns: [DH, where, 'token'],
      rows: series.map((s, i) => ({ label: s.label, color: palette[i % Math.max(1, palette.length)] ?? this.ctx.store.theme.foreground, swatch: 'line' as const, points: true, cells: [formatNumber(s.values[k]), String(k), tokens[k] !== undefined ? `“${tokenLabel(tokens[k])}”` : ''] })),
    };
  }
}
