// The Explore tab's state: which run and weights it asks about, and for each kind of explorer request the
// latest one asked and its answer. One request per kind is in flight: asking again replaces (and cancels)
// the earlier one, and an answer that arrives for a replaced request is dropped. Also what the views
// chose: the layer and state plotted, the units, the zoom, the selected timesteps and the threshold.
// Pure: no DOM; the tab posts the messages it returns.

import type { ExplorerRequestKind, ExplorerRequests } from '../../src/shared/explorerProtocol';
import type { ExplorerQuery } from '../../src/shared/explorerQuery';
import type { ExploreProblem, HostToWebview, WebviewToHost } from '../../src/shared/webviewProtocol';

type QueryOf<K extends ExplorerRequestKind> = Extract<ExplorerQuery, { kind: K }>;

export type Answer<K extends ExplorerRequestKind> =
  | { kind: 'idle' }
  | { kind: 'loading'; id: number; query: QueryOf<K> }
  | { kind: 'done'; query: QueryOf<K>; result: ExplorerRequests[K]['result'] }
  | { kind: 'failed'; query: QueryOf<K>; problem: ExploreProblem; message: string };

type Answers = { [K in ExplorerRequestKind]: Answer<K> };

/** How the main view picks its units: the top k by variance, the top k for a feature, or the ones typed. */
export type UnitChoice = { kind: 'variance' } | { kind: 'feature'; feature: string } | { kind: 'listed'; units: number[] };

export interface UnitView {
  layer: number;
  state: 'h' | 'c';
  choice: UnitChoice;
  k: number;
  /** Horizontal zoom of the line plots. */
  pxPerToken: number;
  /** Selected timesteps, both included. */
  range?: [number, number];
  threshold: number;
  /** The y axis: fixed for the whole text (heights compare while scrolling), or fitted to what is in view. */
  fit: 'text' | 'view';
}

export const DEFAULT_VIEW: Readonly<UnitView> = { layer: 0, state: 'h', choice: { kind: 'variance' }, k: 8, pxPerToken: 14, threshold: 0.5, fit: 'text' };

/** What the probe editor holds: a text typed, or a slice of the validation data. */
export interface Probe {
  mode: 'text' | 'slice';
  /** undefined until the user types: the run's own probe text stands in. */
  text?: string;
  start: number;
  length: number;
}

export const DEFAULT_PROBE: Readonly<Probe> = { mode: 'text', start: 0, length: 2000 };

const idle = (): Answers => ({ states: { kind: 'idle' }, unitFeatures: { kind: 'idle' }, match: { kind: 'idle' }, embedding: { kind: 'idle' }, neighbours: { kind: 'idle' } });

export class ExplorerSession {
  private _runId = '';
  private _weights: 'last' | 'best' = 'last';
  private _answers: Answers = idle();
  private nextId = 1;
  view: UnitView = { ...DEFAULT_VIEW };
  probe: Probe = { ...DEFAULT_PROBE };
  /** A timestep to scroll into view once the next states arrive (a match that was clicked). */
  revealAfterStates: number | undefined;

  get runId(): string { return this._runId; }
  get weights(): 'last' | 'best' { return this._weights; }

  answer<K extends ExplorerRequestKind>(kind: K): Answer<K> {
    return this._answers[kind];
  }

  /** The result of the latest request of a kind, once it is in. */
  result<K extends ExplorerRequestKind>(kind: K): ExplorerRequests[K]['result'] | undefined {
    const a = this._answers[kind];
    return a.kind === 'done' ? a.result : undefined;
  }

  /**
   * A run and weights to ask about. Another run or weights than before forgets every answer and the view's
   * choices (a new run has other units); returns the cancellations of what was in flight.
   */
  select(runId: string, weights: 'last' | 'best' = this._weights): WebviewToHost[] {
    if (runId === this._runId && weights === this._weights) return [];
    const cancels = this.inFlight().map((id): WebviewToHost => ({ type: 'cancelExplore', id }));
    if (runId !== this._runId) {
      this.view = { ...DEFAULT_VIEW };
      this.probe = { ...DEFAULT_PROBE };
    }
    this._runId = runId;
    this._weights = weights;
    this._answers = idle();
    return cancels;
  }

  /** Ask the engine: the messages to post (the cancellation of the request this one replaces, then it). */
  ask(query: ExplorerQuery): WebviewToHost[] {
    const before = this._answers[query.kind];
    const out: WebviewToHost[] = before.kind === 'loading' ? [{ type: 'cancelExplore', id: before.id }] : [];
    const id = this.nextId++;
    (this._answers as Record<ExplorerRequestKind, unknown>)[query.kind] = { kind: 'loading', id, query };
    out.push({ type: 'explore', id, runId: this._runId, weights: this._weights, query });
    return out;
  }

  /** An answer from the host; the kind it settled, or undefined when nobody waits for it any more. */
  receive(msg: Extract<HostToWebview, { type: 'explored' | 'exploreFailed' }>): ExplorerRequestKind | undefined {
    if (msg.runId !== this._runId) return undefined;
    const kind = (Object.keys(this._answers) as ExplorerRequestKind[]).find((k) => {
      const a = this._answers[k];
      return a.kind === 'loading' && a.id === msg.id;
    });
    if (kind === undefined) return undefined;
    const { query } = this._answers[kind] as { query: ExplorerQuery };
    if (msg.type === 'explored') {
      if (msg.result.kind !== kind) return undefined;
      (this._answers as Record<ExplorerRequestKind, unknown>)[kind] = { kind: 'done', query, result: msg.result.result };
    } else {
      (this._answers as Record<ExplorerRequestKind, unknown>)[kind] = { kind: 'failed', query, problem: msg.problem, message: msg.message };
    }
    return kind;
  }

  setView(patch: Partial<UnitView>): void {
    this.view = { ...this.view, ...patch };
  }

  setProbe(patch: Partial<Probe>): void {
    this.probe = { ...this.probe, ...patch };
  }

  private inFlight(): number[] {
    return Object.values(this._answers).flatMap((a) => (a.kind === 'loading' ? [a.id] : []));
  }
}
