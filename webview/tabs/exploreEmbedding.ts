// The Explore tab's embedding view, for any model with an embedding: the vocabulary's embedding matrix in
// 2-D (PCA, or UMAP from npm umap-js, both computed by the engine), points labelled with their tokens;
// clicking a point or searching a token lists its nearest neighbours by cosine similarity of the rows.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { EmbeddingResult, NeighboursResult } from '../../src/shared/explorerProtocol';
import { formatCount, formatNumber } from '../../src/shared/format';
import { EmbeddingMap } from '../charts/embeddingMap';
import { tokenLabel } from '../model/hiddenStates';
import { h, select } from '../views/dom';
import { type ExploreContext, type ExploreSection, renderStatus, weightsText } from './exploreSection';

/** Neighbours listed for a picked token. */
const NEIGHBOURS = 12;

/** Axis titles of a projection: a principal component's share of the variance; UMAP's axes have no unit. */
export function axisTitles(r: Pick<EmbeddingResult, 'method' | 'explained'>): [string, string] {
  if (r.method === 'pca') {
    const pct = (i: 0 | 1) => (r.explained ? ` · ${formatNumber(100 * r.explained[i], 3)}% of the variance` : '');
    return [`PC 1${pct(0)}`, `PC 2${pct(1)}`];
  }
  return ['UMAP 1 (no unit: only neighbourhoods mean something)', 'UMAP 2'];
}

export class ExploreEmbedding implements ExploreSection {
  readonly el = h('section', { class: 'ex-section ex-embedding', 'aria-label': 'Embedding' });
  private method: 'pca' | 'umap' = 'pca';
  private readonly search = h('vscode-textfield', { id: 'ex-embed-search', placeholder: 'a token, e.g. the', 'aria-label': 'Find a token' });
  private readonly status = h('div', { id: 'ex-embed-status', class: 'ex-status', role: 'status' });
  private readonly neighbourStatus = h('div', { id: 'ex-neighbours-status', class: 'ex-status', role: 'status' });
  private readonly neighbours = h('ol', { id: 'ex-neighbours', class: 'ex-neighbours' });
  private readonly hint = h('p', { id: 'ex-embed-hint', class: 'hint' });
  private readonly runButton = h('vscode-button', { id: 'ex-embed-run' }, 'Map the embedding');
  private readonly none = h('p', { id: 'ex-embed-none', class: 'empty', hidden: true });
  private readonly mapHost = h('div', { class: 'ex-map' });
  readonly map: EmbeddingMap;
  private shown: { map?: EmbeddingResult; near?: NeighboursResult } = {};

  constructor(private readonly ctx: ExploreContext) {
    const run = this.runButton;
    run.addEventListener('click', () => ctx.ask({ kind: 'embedding', request: { method: this.method } }));
    const find = h('vscode-button', { id: 'ex-embed-find', secondary: true }, 'Find');
    find.addEventListener('click', () => this.find(this.search.value));
    this.search.addEventListener('keydown', (e) => {
      if ((e as KeyboardEvent).key === 'Enter') this.find(this.search.value);
    });
    const method = select('ex-embed-method', 'Projection', [['pca', 'PCA'], ['umap', 'UMAP (umap-js, seed 42)']], this.method, (v) => (this.method = v as 'pca' | 'umap'));
    this.el.append(h('h3', {}, 'Embedding'), this.none, h('div', { class: 'toolbar' }, method, run, h('span', { class: 'spacer' }), this.search, find), this.status, this.mapHost, this.hint,
      this.neighbourStatus, this.neighbours);
    this.map = new EmbeddingMap(this.mapHost, ctx.store.theme);
    this.map.onPick = (id) => {
      const r = this.ctx.session.result('embedding');
      if (r) this.find(r.tokens[id]);
    };
    this.map.onDraw = () => this.renderHint();
  }

  private find(token: string): void {
    if (token === '') return;
    this.ctx.ask({ kind: 'neighbours', request: { token, k: NEIGHBOURS } });
  }

  render(): void {
    const { session, store } = this.ctx;
    // a CSV run's model reads its numbers directly (synthetic tasks may have either: the engine says)
    const csv = this.ctx.run()?.info.task === 'csv';
    this.none.hidden = !csv;
    this.none.textContent = csv ? 'This run has no embedding: a CSV run’s model reads the numeric columns of each row directly.' : '';
    this.runButton.toggleAttribute('disabled', csv);
    const mapAnswer = session.answer('embedding');
    renderStatus(this.status, mapAnswer, {
      idle: 'Map the rows of the model’s embedding matrix (one per token) in two dimensions.',
      loading: `Projecting the embedding (${mapAnswer.kind === 'loading' && mapAnswer.query.request.method === 'umap' ? 'UMAP takes a few seconds' : 'PCA'})…`,
      done: ({ result }) => `${formatCount(result.tokens.length)} tokens · ${result.method === 'pca' ? 'PCA' : 'UMAP'} · ${weightsText(result.weights)}. Drag to pan, Ctrl + wheel to zoom, double-click to see all; click a point for its neighbours.`,
    });
    renderStatus(this.neighbourStatus, session.answer('neighbours'), {
      idle: '',
      loading: 'Finding the nearest tokens…',
      done: ({ result }) => `Nearest to “${tokenLabel(result.token)}” (token ${result.id}) by cosine similarity of the embedding rows:`,
    });
    const map = session.result('embedding');
    const near = session.result('neighbours');
    this.mapHost.hidden = !map;
    this.map.setTheme(store.theme);
    if (map !== this.shown.map || near !== this.shown.near) {
      const [xTitle, yTitle] = map ? axisTitles(map) : ['', ''];
      this.map.setData(map && {
        points: map.points, tokens: map.tokens, xTitle, yTitle,
        ...(near && { picked: near.id }), neighbours: near?.neighbours.map((n) => n.id) ?? [], hits: [],
      }, map === this.shown.map);
      this.shown = { ...(map && { map }), ...(near && { near }) };
      this.renderNeighbours(near);
    }
  }

  private renderNeighbours(near: NeighboursResult | undefined): void {
    this.neighbours.replaceChildren(...(near?.neighbours ?? []).map((n, i) => {
      const li = h('li', { 'data-token-id': n.id, tabindex: 0, role: 'button', title: `The neighbours of “${tokenLabel(n.token)}”` },
        h('span', { class: 'hint' }, `${i + 1}.`), h('span', { class: 'ex-token' }, tokenLabel(n.token)), h('span', { class: 'num hint' }, `cos ${formatNumber(n.similarity, 3)}`));
      li.addEventListener('click', () => this.find(n.token));
      return li;
    }));
  }

  private renderHint(): void {
    const { shown, inView } = this.map.labelled;
    this.hint.textContent = inView === 0 ? '' : shown < inView ? `Labels: ${formatCount(shown)} of ${formatCount(inView)} tokens in view (the others would overlap; zoom in for more).` : `Labels: all ${formatCount(inView)} tokens in view.`;
  }

  dispose(): void {
    this.map.dispose();
  }
}
