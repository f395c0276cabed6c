// What a traced decoding records (TranslateRequest.trace): at each decoder step the K most probable next
// tokens and the one taken, and for beam search the tree of every hypothesis it expanded. Ids here; the
// engine's answer (translateRun.ts) names the tokens. Nothing here runs unless a trace is asked for.

/** Target id 0 (pairVocabulary.ts): never a candidate, as it is never a decoder's output. */
const PAD_ID = 0;

export interface TracedToken { id: number; logProb: number }

/** One decoder step of one hypothesis: the K most probable next tokens, and the one taken with its rank (0 = most probable). */
export interface TracedStep {
  candidates: TracedToken[];
  taken: TracedToken & { rank: number };
}

export type TraceNodeStatus = 'kept' | 'finished' | 'pruned';

/** A node of the beam's tree; node 0 is the root (<s>, nothing emitted yet). */
export interface TraceNode {
  parent: number;
  /** Tokens from the root: a token emitted at decoder step t is at depth t + 1. */
  depth: number;
  token: number;
  tokenLogProb: number;
  /** Rank of the token among its parent's extensions (0 = most probable). */
  rank: number;
  logProb: number;
  score: number;
  status: TraceNodeStatus;
}

/** Candidates of the row `lp[offset … offset + V)` best first (ties: lower id first), <pad> left out. */
const better = (lp: ArrayLike<number>, offset: number) => (a: number, b: number): number => lp[offset + b] - lp[offset + a] || a - b;

/** The `k` most probable tokens of a row of V log-probabilities: one pass keeping the best k in order (V·k, not V log V, for word vocabularies). */
export function topCandidates(lp: ArrayLike<number>, offset: number, V: number, k: number): TracedToken[] {
  const cmp = better(lp, offset);
  const ids: number[] = [];
  for (let v = 0; v < V; v++) {
    if (v === PAD_ID || (ids.length === k && cmp(v, ids[k - 1]) >= 0)) continue;
    let i = Math.min(ids.length, k - 1);
    while (i > 0 && cmp(v, ids[i - 1]) < 0) i--;
    ids.splice(i, 0, v);
    if (ids.length > k) ids.pop();
  }
  return ids.map((id) => ({ id, logProb: lp[offset + id] }));
}

/** Where `id` ranks among the row's tokens in topCandidates' order. */
export function rankOf(lp: ArrayLike<number>, offset: number, V: number, id: number): number {
  const cmp = better(lp, offset);
  let rank = 0;
  for (let v = 0; v < V; v++) if (v !== PAD_ID && v !== id && cmp(v, id) < 0) rank++;
  return rank;
}

/** The step of row `offset / V` that took `id`. */
export function tracedStep(lp: ArrayLike<number>, offset: number, V: number, k: number, id: number): TracedStep {
  return { candidates: topCandidates(lp, offset, V, k), taken: { id, logProb: lp[offset + id], rank: rankOf(lp, offset, V, id) } };
}

/**
 * The beam's tree as it grows: each live hypothesis's K most probable extensions at each step and every
 * extension the beam took, with the candidates each expanded node offered (for its hypotheses' steps).
 */
export class BeamTree {
  readonly nodes: TraceNode[] = [{ parent: -1, depth: 0, token: -1, tokenLogProb: 0, rank: 0, logProb: 0, score: 0, status: 'kept' }];
  /** The K candidates node n offered when it was expanded. */
  private readonly offered = new Map<number, TracedToken[]>();

  constructor(readonly k: number, readonly V: number) {}

  /**
   * Record one step: `parents[r]` is live row r's node, `lp` the step's [rows, V] log-probabilities,
   * `taken` the extensions the beam took (row, token, finished or kept). Returns the node of each taken one, in order.
   */
  grow(parents: readonly number[], lp: ArrayLike<number>, taken: ReadonlyArray<{ row: number; token: number; finished: boolean }>, score: (logProb: number, length: number) => number): number[] {
    const out: number[] = new Array(taken.length);
    parents.forEach((parentId, r) => {
      const parent = this.nodes[parentId], offset = r * this.V;
      const offered = topCandidates(lp, offset, this.V, this.k);
      this.offered.set(parentId, offered);
      const ids = new Set(offered.map((c) => c.id));
      for (const t of taken) if (t.row === r) ids.add(t.token);
      for (const id of [...ids].sort(better(lp, offset))) {
        const i = taken.findIndex((t) => t.row === r && t.token === id);
        const tokenLogProb = lp[offset + id], logProb = parent.logProb + tokenLogProb;
        const status: TraceNodeStatus = i < 0 ? 'pruned' : taken[i].finished ? 'finished' : 'kept';
        if (i >= 0) out[i] = this.nodes.length;
        // a finished hypothesis's length counts its </s>, as its score does
        this.nodes.push({ parent: parentId, depth: parent.depth + 1, token: id, tokenLogProb, rank: rankOf(lp, offset, this.V, id), logProb, score: score(logProb, parent.depth + 1), status });
      }
    });
    return out;
  }

  /** The steps of the hypothesis ending at node `id`, root first. */
  stepsTo(id: number): TracedStep[] {
    const path: TraceNode[] = [];
    for (let n = id; n > 0; n = this.nodes[n].parent) path.push(this.nodes[n]);
    return path.reverse().map((n) => ({ candidates: this.offered.get(n.parent) ?? [], taken: { id: n.token, logProb: n.tokenLogProb, rank: n.rank } }));
  }
}
