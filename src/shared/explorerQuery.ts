// An explorer request as a dashboard asks it (the webview's `explore` message): the request of
// explorerProtocol.ts without the run folder and weights, which the host adds for a run of its panel (a
// webview never names a path). The host checks every query from a webview here before it reaches the
// engine: shapes, types and bounds; what depends on the run (a slice inside its validation data, a layer
// it has) the engine checks and words. Pure.

import type { ExplorerInput, ExplorerRequestKind, ExplorerRequests, RunWeightsRef, WeightsChoice } from './explorerProtocol';

export type ExplorerQuery = { [K in ExplorerRequestKind]: { kind: K; request: Omit<ExplorerRequests[K]['request'], keyof RunWeightsRef> } }[ExplorerRequestKind];

/** The engine request of a query, for the run and weights the host chose. */
export function withRun<K extends ExplorerRequestKind>(query: { kind: K; request: Omit<ExplorerRequests[K]['request'], keyof RunWeightsRef> }, ref: RunWeightsRef): ExplorerRequests[K]['request'] {
  // the query is the request less exactly these two fields
  return { ...query.request, ...ref } as ExplorerRequests[K]['request'];
}

/** Longest text a dashboard may send (a message bound; the engine bounds the timesteps it computes). */
export const MAX_QUERY_TEXT = 200_000;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): v is number => Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max;
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
/** An optional field: absent, or valid by `ok`. */
const optional = (v: unknown, ok: (v: unknown) => boolean): boolean => v === undefined || ok(v);
/** Only the fields that are present. */
const defined = <T extends Obj>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

export function parseWeightsChoice(v: unknown): WeightsChoice | undefined {
  if (v === 'last' || v === 'best') return v;
  return isObj(v) && isInt(v.checkpoint, 0) ? { checkpoint: v.checkpoint } : undefined;
}

function parseInput(v: unknown): ExplorerInput | undefined {
  if (!isObj(v)) return undefined;
  if (typeof v.text === 'string') return v.text.length <= MAX_QUERY_TEXT ? { text: v.text } : undefined;
  const s = v.validationSlice;
  return isObj(s) && isInt(s.start, 0) && isInt(s.length, 1) ? { validationSlice: { start: s.start, length: s.length } } : undefined;
}

function parseRange(v: unknown): { start: number; length: number } | undefined {
  return isObj(v) && isInt(v.start, 0) && isInt(v.length, 1) ? { start: v.start, length: v.length } : undefined;
}

/** A well-formed query from an untrusted message, with only the fields the engine reads; undefined otherwise. */
export function parseExplorerQuery(q: unknown): ExplorerQuery | undefined {
  if (!isObj(q) || !isObj(q.request)) return undefined;
  const r = q.request;
  switch (q.kind) {
    case 'states': {
      const input = parseInput(r.input);
      if (!input || !optional(r.gates, (g) => typeof g === 'boolean')) return undefined;
      return { kind: 'states', request: defined({ input, gates: r.gates as boolean | undefined }) };
    }
    case 'unitFeatures': {
      const input = parseInput(r.input);
      if (!input || !optional(r.top, (t) => isInt(t, 1, 100)) || !optional(r.minAbsR, (m) => isNum(m) && m >= 0 && m <= 1)) return undefined;
      return { kind: 'unitFeatures', request: defined({ input, top: r.top as number | undefined, minAbsR: r.minAbsR as number | undefined }) };
    }
    case 'match':
      return parseMatch(r);
    case 'embedding':
      if (!(r.method === 'pca' || r.method === 'umap') || !optional(r.seed, (s) => isInt(s, 0, 2 ** 32 - 1)) || !optional(r.neighbours, (n) => isInt(n, 2, 200))) return undefined;
      return { kind: 'embedding', request: defined({ method: r.method, seed: r.seed as number | undefined, neighbours: r.neighbours as number | undefined }) };
    case 'neighbours':
      if (typeof r.token !== 'string' || r.token.length > 200 || !optional(r.k, (k) => isInt(k, 1, 200))) return undefined;
      return { kind: 'neighbours', request: defined({ token: r.token, k: r.k as number | undefined }) };
    default:
      return undefined;
  }
}

function parseMatch(r: Obj): ExplorerQuery | undefined {
  const sel = r.selection;
  if (!isObj(sel)) return undefined;
  const input = parseInput(sel.input);
  const search = r.search === undefined ? undefined : parseRange(r.search);
  const ok =
    input !== undefined && isInt(sel.layer, 0, 64) && optional(sel.state, (s) => s === 'h' || s === 'c') &&
    isInt(r.t0, 0) && isInt(r.t1, 0) && isNum(r.threshold) && optional(r.offBefore, (b) => typeof b === 'boolean') &&
    (r.search === undefined || search !== undefined) && optional(r.limit, (l) => isInt(l, 1, 1000)) && optional(r.context, (c) => isInt(c, 0, 200));
  if (!ok) return undefined;
  return {
    kind: 'match',
    request: defined({
      selection: defined({ input, layer: sel.layer as number, state: sel.state as 'h' | 'c' | undefined }),
      t0: r.t0 as number, t1: r.t1 as number, threshold: r.threshold as number,
      offBefore: r.offBefore as boolean | undefined, search, limit: r.limit as number | undefined, context: r.context as number | undefined,
    }),
  };
}
