// Explore tab: what the units of a run do, after LSTMVis (Strobelt et al. 2017), inside the editor. A probe
// (any text, or a slice of the validation data) → the engine's states from the run's last or best weights
// → the units' states as lines over the tokens, a selected range's pattern and its matches in the
// validation text, the units that follow simple features of the text, and the embedding's map. Every
// answer comes from the engine (the host holds no tensor code); this tab asks and draws.
import type { ExplorerQuery } from '../../src/shared/explorerQuery';
import type { RunView } from '../../src/shared/webviewProtocol';
import { h, select } from '../views/dom';
import { ExploreEmbedding } from './exploreEmbedding';
import { ExploreFeatures } from './exploreFeatures';
import { ExploreMatches } from './exploreMatches';
import { ExploreProbe } from './exploreProbe';
import type { ExploreContext, ExploreSection } from './exploreSection';
import { ExploreUnits } from './exploreUnits';
import type { TabContext, TabView } from './tabView';

export class ExploreTab implements TabView {
  readonly key = 'explore';
  readonly label = 'Explore';
  readonly className = 'tab-explore';
  private readonly toolbar = h('div', { class: 'toolbar' });
  private sections: ExploreSection[] = [];
  private units: ExploreUnits | undefined;
  private embedding: ExploreEmbedding | undefined;
  private toolbarKey = '';

  constructor(private readonly ctx: TabContext) {}

  /** The line chart and the embedding map (test hooks). */
  get charts(): { lines: ExploreUnits['chart']; map: ExploreEmbedding['map'] } {
    if (!this.units || !this.embedding) throw new Error('the Explore tab is not mounted');
    return { lines: this.units.chart, map: this.embedding.map };
  }

  mount(panel: HTMLElement): void {
    const { store } = this.ctx;
    const ectx: ExploreContext = {
      store,
      session: store.explorer,
      run: () => this.run(),
      ask: (q) => this.ask(q),
      changed: () => this.update(),
    };
    this.units = new ExploreUnits(ectx);
    this.embedding = new ExploreEmbedding(ectx);
    this.sections = [new ExploreProbe(ectx), this.units, new ExploreMatches(ectx), new ExploreFeatures(ectx), this.embedding];
    panel.append(this.toolbar, ...this.sections.map((s) => s.el));
  }

  /** The run and weights asked about; a run that left the panel gives way to the first. */
  renderControls(): void {
    const { store, post } = this.ctx;
    const session = store.explorer;
    const r = this.run();
    if (!r) return;
    for (const m of session.select(r.id)) post(m);
    const key = `${store.runs.map((x) => x.id).join()}|${session.runId}|${session.weights}`;
    if (key !== this.toolbarKey) {
      this.toolbarKey = key;
      const pick = (runId: string, weights: 'last' | 'best') => {
        for (const m of session.select(runId, weights)) post(m);
        this.renderControls();
      };
      this.toolbar.replaceChildren(
        ...(store.runs.length > 1 ? [select('ex-run-pick', 'Run', store.runs.map((x) => [x.id, store.runName(x)]), r.id, (v) => pick(v, session.weights))] : []),
        // a training run's own trainer answers between its steps; each status line says which step answered
        select('ex-weights', 'Weights', [['last', 'last (final, or the newest checkpoint while training)'], ['best', 'best validation loss']], session.weights, (v) => pick(r.id, v as 'last' | 'best')),
      );
    }
    for (const s of this.sections) s.render();
  }

  update(): void {
    for (const s of this.sections) s.render();
  }

  dispose(): void {
    for (const s of this.sections) s.dispose();
    this.sections = [];
  }

  private run(): RunView | undefined {
    const { store } = this.ctx;
    return store.runById(store.explorer.runId) ?? store.runs[0];
  }

  private ask(query: ExplorerQuery): void {
    for (const m of this.ctx.store.explorer.ask(query)) this.ctx.post(m);
    this.update();
  }
}
