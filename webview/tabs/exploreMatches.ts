// The Explore tab's match view (LSTMVis): the positions in the validation text where the selected
// pattern's units are on again, best first, each with its context and the matched tokens marked. Clicking
// one shows it in the main view: the states of the validation slice around it, the match selected.
import type { MatchPosition, MatchResult } from '../../src/shared/explorerProtocol';
import { formatCount } from '../../src/shared/format';
import { h } from '../views/dom';
import { type ExploreContext, type ExploreSection, renderStatus, weightsText } from './exploreSection';

/** Tokens of context shown around a clicked match in the main view. */
const AROUND = 40;

/** Tokens as running text: characters joined, words with spaces; a newline shown as ⏎ (the line stays one). */
export function tokensText(tokens: readonly string[]): string {
  const chars = tokens.every((t) => [...t].length <= 1);
  return tokens.map((t) => (t === '\n' ? '⏎' : t)).join(chars ? '' : ' ');
}

export class ExploreMatches implements ExploreSection {
  readonly el = h('section', { class: 'ex-section ex-matches', 'aria-label': 'Matches' });
  private readonly status = h('div', { id: 'ex-match-status', class: 'ex-status', role: 'status' });
  private readonly list = h('ol', { id: 'ex-matches', class: 'ex-match-list' });
  private shown: MatchResult | undefined;

  constructor(private readonly ctx: ExploreContext) {
    this.el.append(h('h3', {}, 'Matches in the validation text'), this.status, this.list);
  }

  render(): void {
    const answer = this.ctx.session.answer('match');
    renderStatus(this.status, answer, {
      idle: 'Select a range of timesteps in the plot, then Find matches: the positions where the same units are on.',
      loading: 'Searching the validation text for the pattern…',
      done: ({ result: r }) =>
        r.pattern.length === 0
          ? 'No unit is on over the whole selection at this threshold: lower the threshold or select fewer timesteps.'
          : `Pattern: ${r.pattern.length} unit(s) on over ${r.length} timestep(s) (${r.pattern.slice(0, 16).join(', ')}${r.pattern.length > 16 ? ', …' : ''}). ` +
            `${r.matches.length === 0 ? 'No match' : `${r.matches.length} match(es), best first,`} in validation tokens ${formatCount(r.searched.start)}–${formatCount(r.searched.start + r.searched.length - 1)} · ${weightsText(r.weights)}.`,
    });
    const result = answer.kind === 'done' ? answer.result : undefined;
    if (result === this.shown) return;
    this.shown = result;
    this.list.replaceChildren(...(result?.matches ?? []).map((m, i) => this.item(m, i, result!)));
  }

  private item(m: MatchPosition, i: number, r: MatchResult): HTMLElement {
    const before = m.tokens.slice(0, m.matchFrom), hit = m.tokens.slice(m.matchFrom, m.matchFrom + r.length), after = m.tokens.slice(m.matchFrom + r.length);
    const li = h('li', { class: 'ex-match', 'data-start': m.start, tabindex: 0, role: 'button', title: 'Show this match in the plot' },
      h('span', { class: 'ex-match-meta' }, `#${i + 1} · token ${formatCount(m.start)} · score ${m.score} (${m.patternOn} of ${r.pattern.length} pattern units on, ${m.extraOn} other${m.extraOn === 1 ? '' : 's'})`),
      h('span', { class: 'ex-match-context tokens' }, tokensText(before), h('mark', {}, tokensText(hit)), tokensText(after)));
    const open = () => this.open(m, r);
    li.addEventListener('click', open);
    li.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        open();
      }
    });
    return li;
  }

  /** The validation slice around a match in the main view, the match selected. */
  private open(m: MatchPosition, r: MatchResult): void {
    const { session } = this.ctx;
    const answer = session.answer('match');
    if (answer.kind !== 'done') return;
    const end = Math.min(r.searched.start + r.searched.length, m.start + r.length + AROUND);
    const start = Math.max(0, m.start - AROUND);
    const sel = answer.query.request.selection;
    session.setProbe({ mode: 'slice', start, length: end - start });
    session.setView({ layer: sel.layer, state: sel.state ?? 'h', range: [m.start - start, m.start - start + r.length - 1] });
    session.revealAfterStates = m.start - start;
    this.ctx.ask({ kind: 'states', request: { input: { validationSlice: { start, length: end - start } }, gates: false } });
    this.ctx.changed();
  }

  dispose(): void {}
}
