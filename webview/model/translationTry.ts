// The Seq2seq tab's "try it" box: what was typed, how to decode it, the request in flight and its answer.
// One request at a time: asking again replaces the earlier one, whose answer is dropped when it comes.
// Pure: no DOM; the tab posts the message `ask` returns.
import type { TranslateResult } from '../../src/shared/translation';
import { type HostToWebview, TRANSLATE_LIMITS, type WebviewToHost } from '../../src/shared/webviewProtocol';

export type TranslationState =
  | { kind: 'idle' }
  | { kind: 'asking'; id: number; source: string }
  | { kind: 'done'; source: string; result: TranslateResult }
  | { kind: 'failed'; source: string; message: string };

type Reply = Extract<HostToWebview, { type: 'translated' | 'translateFailed' }>;

/** What the box asks for: a source text, beam width (1 = greedy), hypotheses shown and candidates traced per step. */
export interface TranslationAsk {
  runId: string;
  source: string;
  beam: number;
  top: number;
  steps?: number;
}

export class TranslationTry {
  private _state: TranslationState = { kind: 'idle' };
  private nextId = 1;
  /** The hypothesis whose attention is drawn (its rank, 0 = best). */
  shownHypothesis = 0;

  get state(): TranslationState { return this._state; }

  /** The message to post, or why the ask cannot go (nothing typed, too long). */
  ask(a: TranslationAsk): { message: WebviewToHost } | { problem: string } {
    const source = a.source.replace(/\r?\n$/, '');
    if (source.trim() === '') return { problem: 'Type a source text to translate.' };
    if (source.length > TRANSLATE_LIMITS.sourceLength) return { problem: `The source has ${source.length} characters; the box takes at most ${TRANSLATE_LIMITS.sourceLength}.` };
    // greedy decoding has one hypothesis; a beam returns at most its width
    const beam = clampWhole(a.beam), top = beam === 1 ? 1 : Math.min(clampWhole(a.top), beam);
    const id = this.nextId++;
    this._state = { kind: 'asking', id, source };
    this.shownHypothesis = 0;
    return { message: { type: 'translate', id, runId: a.runId, source, beam, top, ...(a.steps !== undefined && { steps: clampWhole(a.steps) }) } };
  }

  /** Back to nothing asked (the text was cleared): an answer still on its way is dropped. */
  clear(): void {
    this._state = { kind: 'idle' };
    this.shownHypothesis = 0;
  }

  /** The host's answer; false when it is for a request that was replaced (nothing changes). */
  receive(reply: Reply): boolean {
    const s = this._state;
    if (s.kind !== 'asking' || s.id !== reply.id) return false;
    this._state = reply.type === 'translated' ? { kind: 'done', source: s.source, result: reply.result } : { kind: 'failed', source: s.source, message: reply.message };
    return true;
  }
}

const clampWhole = (v: number): number => Math.max(1, Math.min(TRANSLATE_LIMITS.beam, Math.floor(Number.isFinite(v) ? v : 1)));

/** A log-probability as the probability it is, readable at a glance: 0.93, 2.1e-3. */
export function probabilityText(logProb: number): string {
  const p = Math.exp(logProb);
  if (!Number.isFinite(p)) return '–';
  if (p === 0) return '0';
  return p >= 0.01 ? p.toFixed(2) : p.toExponential(1);
}
