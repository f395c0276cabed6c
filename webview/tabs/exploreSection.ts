// What the Explore tab's sections share: the store and the explorer session, the run they explore, a way
// to ask the engine and to have every section follow a change; and the status line each section shows for
// its request (computing…, what answered, or the engine's own words when it could not).
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import type { ExplorerRequestKind, WeightsUsed } from '../../src/shared/explorerProtocol';
import type { ExplorerQuery } from '../../src/shared/explorerQuery';
import { formatCount } from '../../src/shared/format';
import type { RunView } from '../../src/shared/webviewProtocol';
import type { Answer, ExplorerSession } from '../model/explorerSession';
import type { DashboardStore } from '../state/store';
import { h } from '../views/dom';

export interface ExploreContext {
  readonly store: DashboardStore;
  readonly session: ExplorerSession;
  /** The run the tab explores. */
  run(): RunView | undefined;
  ask(query: ExplorerQuery): void;
  /** A section changed what others show (the units, the selection): every section renders again. */
  changed(): void;
}

export interface ExploreSection {
  readonly el: HTMLElement;
  /** Follow the session: controls, answers, charts. */
  render(): void;
  dispose(): void;
}

/** "step 1 500, final weights" */
export function weightsText(w: WeightsUsed): string {
  const which = w.kind === 'final' ? 'final weights' : w.kind === 'best' ? 'best validation weights' : 'latest checkpoint';
  return `step ${formatCount(w.step)}, ${which}`;
}

/**
 * A section's status line for its latest request: nothing asked (`idle`), a spinner and what is being
 * computed, the engine's message when it failed, or `done`'s text. Returns the answer's kind.
 */
export function renderStatus<K extends ExplorerRequestKind>(el: HTMLElement, answer: Answer<K>, texts: { idle: string; loading: string; done: (a: Extract<Answer<K>, { kind: 'done' }>) => string }): Answer<K>['kind'] {
  el.classList.toggle('status-error', answer.kind === 'failed');
  el.dataset.state = answer.kind;
  switch (answer.kind) {
    case 'idle':
      el.replaceChildren(texts.idle);
      break;
    case 'loading':
      el.replaceChildren(h('vscode-progress-ring', { class: 'ring', 'aria-label': 'Computing' }), texts.loading);
      break;
    case 'failed':
      el.replaceChildren(answer.message);
      break;
    case 'done':
      el.replaceChildren(texts.done(answer as Extract<Answer<K>, { kind: 'done' }>));
      break;
  }
  return answer.kind;
}
