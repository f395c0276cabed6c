// A traced translation small enough to read (TranslateRequest.trace 3, beam width 2, length penalty 0), for
// the dashboard's tests of the "try it" trace (unit and browser). Tokens a, b, </s>; the beam's tree:
//
//   0 <s> ─┬─ 1 a .6 kept ─┬─ 4 b .7 kept ─┬─ 10 </s> .9 finished   ← best: "ab", p .378
//          │               │               ├─ 11 a .06 pruned
//          │               │               └─ 12 b .04 pruned
//          │               ├─ 5 a .2 pruned
//          │               └─ 6 </s> .1 pruned
//          ├─ 2 b .3 kept ─┬─ 7 </s> .5 finished                  ← second: "b", p .15
//          │               ├─ 8 a .3 pruned
//          │               └─ 9 b .2 pruned
//          └─ 3 </s> .1 pruned
import type { BeamNode, DecodingStep, Hypothesis, TranslateResult } from '../../src/shared/translation';

type Spec = [id: number, parent: number, token: string, p: number, status: BeamNode['status']];
const SPECS: Spec[] = [
  [1, 0, 'a', 0.6, 'kept'], [2, 0, 'b', 0.3, 'kept'], [3, 0, '</s>', 0.1, 'pruned'],
  [4, 1, 'b', 0.7, 'kept'], [5, 1, 'a', 0.2, 'pruned'], [6, 1, '</s>', 0.1, 'pruned'],
  [7, 2, '</s>', 0.5, 'finished'], [8, 2, 'a', 0.3, 'pruned'], [9, 2, 'b', 0.2, 'pruned'],
  [10, 4, '</s>', 0.9, 'finished'], [11, 4, 'a', 0.06, 'pruned'], [12, 4, 'b', 0.04, 'pruned'],
];

export function traceTree(): BeamNode[] {
  const tree: BeamNode[] = [{ id: 0, parent: -1, depth: 0, token: '<s>', tokenLogProb: 0, rank: 0, logProb: 0, score: 0, status: 'kept' }];
  for (const [id, parent, token, p, status] of SPECS) {
    const up = tree[parent], rank = SPECS.filter((s) => s[1] === parent).findIndex((s) => s[0] === id);
    const logProb = up.logProb + Math.log(p);
    tree.push({ id, parent, depth: up.depth + 1, token, tokenLogProb: Math.log(p), rank, logProb, score: logProb, status });
  }
  return tree;
}

/** The hypothesis ending at `node`: its tokens, log p and steps (its ancestors' three extensions each). */
function hypothesisAt(tree: BeamNode[], node: number, withNode: boolean): Hypothesis {
  const path: BeamNode[] = [];
  for (let n = node; n > 0; n = tree[n].parent) path.unshift(tree[n]);
  const steps: DecodingStep[] = path.map((n) => ({
    candidates: tree.filter((c) => c.parent === n.parent).sort((a, b) => a.rank - b.rank).map((c) => ({ token: c.token, logProb: c.tokenLogProb })),
    taken: { token: n.token, logProb: n.tokenLogProb, rank: n.rank },
  }));
  const tokens = path.map((n) => n.token).filter((t) => t !== '</s>');
  return { text: tokens.join(''), tokens, logProb: tree[node].logProb, score: tree[node].score, finished: true, steps, ...(withNode && { node }) };
}

/** The trace of `source`: beam search (width 2: "ab", then "b", with the tree) or greedy decoding ("ab", steps only). */
export function tracedTranslation(source: string, method: 'beam' | 'greedy'): TranslateResult {
  const tree = traceTree();
  const beam = method === 'beam';
  const hypotheses = (beam ? [10, 7] : [10]).map((n) => hypothesisAt(tree, n, beam));
  return {
    runId: 'rev', step: 200, decoding: { method, beamWidth: beam ? 2 : 1, lengthPenalty: 0, maxLength: 10 },
    translations: [{ source, sourceTokens: [...source], unknown: [], hypotheses, ...(beam && { beamTree: tree }) }],
  };
}
