// What the "try it" box draws from a traced translation (TranslateRequest.trace): the candidates table of one
// hypothesis (a column per decoder step, its K most probable tokens best first, the taken one marked) and the
// beam's tree laid out by depth (a column per step, children grouped under their parents in the order of
// those, best first), with the path of the hypothesis in view. Pure.
import type { BeamNode, Hypothesis } from '../../src/shared/translation';

export interface CandidateCell {
  token: string;
  logProb: number;
  /** exp(logProb): the bar's length and the percent shown. */
  p: number;
  taken: boolean;
}

export interface CandidateColumn {
  /** Decoder step t (0-based). */
  step: number;
  cells: CandidateCell[];
  /** The taken token when it was not among the candidates (a draw outside the top K), with its rank (1-based). */
  takenOutside?: CandidateCell & { rank: number };
}

/** One column per decoder step of the hypothesis; none without a trace. */
export function candidateColumns(h: Hypothesis | undefined): CandidateColumn[] {
  return (h?.steps ?? []).map((st, step) => {
    const cells = st.candidates.map((c, i) => ({ token: c.token, logProb: c.logProb, p: Math.exp(c.logProb), taken: i === st.taken.rank }));
    const outside = st.taken.rank >= st.candidates.length;
    return { step, cells, ...(outside && { takenOutside: { token: st.taken.token, logProb: st.taken.logProb, p: Math.exp(st.taken.logProb), taken: true, rank: st.taken.rank + 1 } }) };
  });
}

/** A percentage for a probability: one decimal, fewer digits than a bar needs no more. */
export const percentText = (p: number): string => `${(100 * p).toFixed(1)} %`;

export interface LaidNode {
  node: BeamNode;
  /** Column: the node's depth. */
  col: number;
  /** Row within the tallest column's height (columns centred). */
  row: number;
  /** A final hypothesis ends here (its rank, 0 = best). */
  finalRank?: number;
  /** On the path of the hypothesis in view. */
  onPath: boolean;
}

export interface TreeLayout {
  nodes: LaidNode[];
  /** Columns (depths 0 … deepest) and rows (the most nodes at one depth). */
  cols: number;
  rows: number;
}

/**
 * The tree by depth: at each depth the nodes ordered by their parent's row, then by rank among the parent's
 * extensions; each column centred on the tallest. `finals` are the hypotheses' last nodes, best first;
 * `shown` the one whose path is marked.
 */
export function beamTreeLayout(tree: readonly BeamNode[], finals: readonly number[], shown: number): TreeLayout {
  const byDepth: BeamNode[][] = [];
  for (const n of tree) (byDepth[n.depth] ??= []).push(n);
  const order = new Map<number, number>();
  for (const column of byDepth) {
    column.sort((a, b) => (order.get(a.parent) ?? 0) - (order.get(b.parent) ?? 0) || a.rank - b.rank || a.id - b.id);
    column.forEach((n, i) => order.set(n.id, i));
  }
  const rows = Math.max(1, ...byDepth.map((c) => c.length));
  const path = new Set<number>();
  for (let n = finals[shown] ?? -1; n >= 0; n = tree[n]?.parent ?? -1) path.add(n);
  const nodes = byDepth.flatMap((column, col) => column.map((node, i): LaidNode => {
    const finalRank = finals.indexOf(node.id);
    return { node, col, row: i + (rows - column.length) / 2, ...(finalRank >= 0 && { finalRank }), onPath: path.has(node.id) };
  }));
  return { nodes, cols: byDepth.length, rows };
}
