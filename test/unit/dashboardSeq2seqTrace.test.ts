// The "try it" trace's pure parts: the candidates table's columns (the taken token marked, a draw outside the
// top K in its own cell), the beam tree's layout (children under their parents, columns centred, the path of
// the hypothesis in view, the final hypotheses ranked), and the trace asked for on the way to the engine (the
// box's message, the host's check of it, the panel translator's request).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PanelTranslator } from '../../src/extension/dashboard/panelTranslator';
import type { TranslateRequest } from '../../src/shared/translation';
import { parseWebviewMessage } from '../../src/shared/webviewProtocol';
import { beamTreeLayout, candidateColumns, percentText } from '../../webview/model/decodingTrace';
import { TranslationTry } from '../../webview/model/translationTry';
import { traceTree, tracedTranslation } from './seq2seqTraceCase';

test('candidates table: a column per step, the candidates best first with their probabilities, the taken one marked', () => {
  const [best, second] = tracedTranslation('ab', 'beam').translations[0].hypotheses;
  const cols = candidateColumns(best);
  assert.deepEqual(cols.map((c) => c.step), [0, 1, 2]);
  assert.deepEqual(cols.map((c) => c.cells.map((x) => x.token)), [['a', 'b', '</s>'], ['b', 'a', '</s>'], ['</s>', 'a', 'b']]);
  assert.deepEqual(cols.map((c) => c.cells.filter((x) => x.taken).map((x) => x.token)), [['a'], ['b'], ['</s>']]);
  assert.ok(Math.abs(cols[0].cells[0].p - 0.6) < 1e-12);
  assert.deepEqual(candidateColumns(second).map((c) => c.cells.find((x) => x.taken)!.token), ['b', '</s>'], 'the second hypothesis took b at rank 2');
  assert.deepEqual([percentText(0.6), percentText(0.0004)], ['60.0 %', '0.0 %']);
  // a sampled token outside the candidates gets its own cell with its rank
  const drawn = { ...best, steps: [{ candidates: [{ token: 'a', logProb: Math.log(0.6) }], taken: { token: 'b', logProb: Math.log(0.3), rank: 1 } }] };
  const [col] = candidateColumns(drawn);
  assert.deepEqual([col.cells[0].taken, col.takenOutside?.token, col.takenOutside?.rank], [false, 'b', 2]);
  assert.deepEqual(candidateColumns(undefined), []);
  assert.deepEqual(candidateColumns({ ...best, steps: undefined }), [], 'no trace, no columns');
});

test('beam tree layout: a column per depth, children under their parents best first, columns centred, the path in view and the finals marked', () => {
  const tree = traceTree();
  const layout = beamTreeLayout(tree, [10, 7], 0);
  assert.deepEqual([layout.nodes.length, layout.cols, layout.rows], [13, 4, 6]);
  const column = (d: number) => layout.nodes.filter((n) => n.col === d).sort((a, b) => a.row - b.row);
  assert.deepEqual(column(2).map((n) => n.node.id), [4, 5, 6, 7, 8, 9], "a's children, then b's");
  assert.deepEqual(column(2).map((n) => n.row), [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(column(1).map((n) => n.row), [1.5, 2.5, 3.5], 'centred on the tallest column');
  assert.deepEqual(column(3).map((n) => n.node.id), [10, 11, 12]);
  const ids = (l: typeof layout, f: (n: (typeof layout.nodes)[number]) => boolean) => l.nodes.filter(f).map((n) => n.node.id).sort((a, b) => a - b);
  assert.deepEqual(ids(layout, (n) => n.onPath), [0, 1, 4, 10]);
  assert.deepEqual(layout.nodes.filter((n) => n.finalRank !== undefined).map((n) => [n.node.id, n.finalRank]).sort(), [[10, 0], [7, 1]].sort());
  assert.deepEqual(ids(beamTreeLayout(tree, [10, 7], 1), (n) => n.onPath), [0, 2, 7], 'the second hypothesis\'s path');
});

test('the trace travels: the box asks for its candidates per step, the host reads them in range, the translator asks the engine for the trace', async () => {
  const t = new TranslationTry();
  assert.deepEqual(t.ask({ runId: 'r', source: 'ab', beam: 3, top: 2, steps: 5 }), { message: { type: 'translate', id: 1, runId: 'r', source: 'ab', beam: 3, top: 2, steps: 5 } });
  t.clear();
  assert.equal(t.state.kind, 'idle');
  assert.equal(t.receive({ type: 'translated', id: 1, runId: 'r', result: tracedTranslation('ab', 'beam') }), false, 'the cleared request\'s answer is dropped');
  const msg = { type: 'translate', id: 1, runId: 'r', source: 'ab', beam: 3, top: 2 };
  assert.deepEqual(parseWebviewMessage({ ...msg, steps: 5 }), { ...msg, steps: 5 });
  assert.deepEqual(parseWebviewMessage(msg), msg, 'steps may be left out');
  for (const steps of [0, 65, 2.5, '3']) assert.equal(parseWebviewMessage({ ...msg, steps }), undefined, `steps ${steps}`);
  const asked: TranslateRequest[] = [];
  const translator = new PanelTranslator({ translate: async (request) => { asked.push(request); return { kind: 'cancelled' }; } }, () => '/runs/r', () => undefined);
  await translator.ask({ type: 'translate', id: 2, runId: 'r', source: 'ab', beam: 3, top: 2, steps: 5 });
  await translator.ask({ type: 'translate', id: 3, runId: 'r', source: 'ab', beam: 1, top: 1 });
  assert.deepEqual(asked.map((r) => r.trace), [5, undefined]);
});
