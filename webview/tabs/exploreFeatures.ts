// The Explore tab's interpretable-unit finder (after Karpathy, Johnson & Fei-Fei 2015): every unit of every
// layer (h, and c of an LSTM) correlated with simple features of the probe's text (inside quotes, position
// in the line, …; for a CSV run its input columns and targets), the best units per feature with their r.
// One click plots a unit in the main view.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { FeatureRanking, UnitCorrelation, UnitFeaturesResult } from '../../src/shared/explorerProtocol';
import { formatCount, formatNumber } from '../../src/shared/format';
import { h } from '../views/dom';
import { probeInput } from './exploreProbe';
import { type ExploreContext, type ExploreSection, renderStatus, weightsText } from './exploreSection';

/** Units listed per feature in the table. */
const TOP = 5;
/** Units ranked per feature (over every layer and state): enough for the main view's top k of one layer's h or c. */
export const RANKED = 64;

/** Features with the strongest unit first; constant ones last. */
export function byStrongest(features: readonly FeatureRanking[]): FeatureRanking[] {
  const best = (f: FeatureRanking) => (f.constant || f.units.length === 0 ? -1 : Math.abs(f.units[0].r));
  return [...features].sort((a, b) => best(b) - best(a));
}

export class ExploreFeatures implements ExploreSection {
  readonly el = h('section', { class: 'ex-section ex-features', 'aria-label': 'Interpretable units' });
  private readonly button = h('vscode-button', { id: 'ex-find-units' }, 'Find interpretable units');
  private readonly status = h('div', { id: 'ex-features-status', class: 'ex-status', role: 'status' });
  private readonly note = h('p', { class: 'hint' });
  private readonly table = h('table', { id: 'ex-features', class: 'norms ex-feature-table' });
  private shown: UnitFeaturesResult | undefined;

  constructor(private readonly ctx: ExploreContext) {
    this.el.append(h('h3', {}, 'Interpretable units'), h('div', { class: 'toolbar' }, this.button, this.note), this.status, this.table);
    this.button.addEventListener('click', () => this.find());
  }

  /** Rank the units for the input whose states are shown (else the probe editor's). */
  private find(): void {
    const r = this.ctx.run();
    if (!r) return;
    const states = this.ctx.session.answer('states');
    const input = states.kind === 'done' || states.kind === 'loading' ? states.query.request.input : probeInput(this.ctx.session.probe, r);
    this.ctx.ask({ kind: 'unitFeatures', request: { input, top: RANKED } });
  }

  render(): void {
    const r = this.ctx.run();
    this.note.textContent = r?.info.task === 'csv'
      ? 'CSV runs: the features are the input columns and the targets (at the row and the forecast horizon ahead).'
      : 'Each unit’s Pearson r over the probe with: inside quotes or brackets, position in the line, after a newline, vowel/consonant, place in the word.';
    const answer = this.ctx.session.answer('unitFeatures');
    renderStatus(this.status, answer, {
      idle: 'Correlate every unit with simple features of the probe’s text.',
      loading: 'Correlating every unit with every feature…',
      done: ({ result }) => `${result.features.length} features over ${formatCount(result.tokens.length)} tokens · ${weightsText(result.weights)}. Click a unit to plot it.`,
    });
    const result = answer.kind === 'done' ? answer.result : undefined;
    if (result === this.shown) return;
    this.shown = result;
    this.table.hidden = !result;
    if (!result) return this.table.replaceChildren();
    this.table.replaceChildren(
      h('thead', {}, h('tr', {}, h('th', {}, 'Feature'), h('th', {}, 'Positions'), h('th', {}, `Best units, |r| largest first (top ${TOP})`))),
      h('tbody', {}, ...byStrongest(result.features).map((f) => this.row(f))),
    );
  }

  private row(f: FeatureRanking): HTMLElement {
    const units = f.constant
      ? h('span', { class: 'hint' }, 'constant in this text: no unit can follow it')
      : f.units.length === 0 ? h('span', { class: 'hint' }, 'no unit') : h('span', { class: 'unit-chips' }, ...f.units.slice(0, TOP).map((u) => this.chip(u)));
    return h('tr', { 'data-feature': f.feature },
      h('td', { title: f.description }, h('div', { class: 'ex-feature-name' }, f.feature), h('div', { class: 'hint' }, f.description)),
      h('td', { class: 'num' }, formatCount(f.positions)),
      h('td', {}, units));
  }

  private chip(u: UnitCorrelation): HTMLElement {
    const b = h('button', { class: 'unit-chip', 'data-layer': u.layer, 'data-state': u.state, 'data-unit': u.unit, 'data-r': u.r, title: `Plot unit ${u.unit} of layer ${u.layer} ${u.state}` },
      `L${u.layer} ${u.state} ${u.unit}`, h('span', { class: 'unit-chip-r' }, `r ${formatNumber(u.r, 2)}`));
    b.classList.toggle('strong', Math.abs(u.r) >= 0.8);
    b.addEventListener('click', () => {
      const { session } = this.ctx;
      session.setView({ layer: u.layer, state: u.state, choice: { kind: 'listed', units: [u.unit] } });
      // the ranking's own input, when no states are shown for it yet
      const ranked = session.answer('unitFeatures');
      if (session.answer('states').kind === 'idle' && ranked.kind === 'done') this.ctx.ask({ kind: 'states', request: { input: ranked.query.request.input, gates: false } });
      this.ctx.changed();
      document.getElementById('ex-lines')?.scrollIntoView({ block: 'nearest' });
    });
    return b;
  }

  dispose(): void {}
}
