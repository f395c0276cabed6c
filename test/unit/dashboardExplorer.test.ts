// The Explore tab's pure parts: the queries a webview may send (and the host's check of them), the
// session that keeps one request per kind in flight and drops stale answers, what the unit plot shows
// (units by variance, by a feature, listed; the y range; the readout; the pattern), and label thinning.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ExplorerResult, StatesResult, UnitFeaturesResult } from '../../src/shared/explorerProtocol';
import { MAX_QUERY_TEXT, parseExplorerQuery, parseWeightsChoice, withRun } from '../../src/shared/explorerQuery';
import { parseWebviewMessage } from '../../src/shared/webviewProtocol';
import { ExplorerSession } from '../../webview/model/explorerSession';
import { spreadPriority, thinLabels } from '../../webview/model/labelThinning';
import { parseUnitList, selectionPattern, statesOf, unitsToPlot, valueRange, valuesAt } from '../../webview/model/unitPlots';
import { DashboardStore } from '../../webview/state/store';
import { applyHostMessage } from '../../webview/state/messages';
import { DEFAULT_UI } from '../../webview/state/uiState';

const slice = { validationSlice: { start: 10, length: 200 } };

test('queries: each kind read with only the fields the engine takes; malformed ones refused', () => {
  assert.deepEqual(parseExplorerQuery({ kind: 'states', request: { input: { text: 'hi' }, gates: false, runDir: '/etc' } }), { kind: 'states', request: { input: { text: 'hi' }, gates: false } });
  assert.deepEqual(parseExplorerQuery({ kind: 'unitFeatures', request: { input: slice, top: 5 } }), { kind: 'unitFeatures', request: { input: slice, top: 5 } });
  assert.deepEqual(parseExplorerQuery({ kind: 'match', request: { selection: { input: slice, layer: 1, state: 'c' }, t0: 3, t1: 5, threshold: 0.3, offBefore: true, limit: 20, context: 8 } }),
    { kind: 'match', request: { selection: { input: slice, layer: 1, state: 'c' }, t0: 3, t1: 5, threshold: 0.3, offBefore: true, limit: 20, context: 8 } });
  assert.deepEqual(parseExplorerQuery({ kind: 'embedding', request: { method: 'umap', seed: 7 } }), { kind: 'embedding', request: { method: 'umap', seed: 7 } });
  assert.deepEqual(parseExplorerQuery({ kind: 'neighbours', request: { token: 'the', k: 5 } }), { kind: 'neighbours', request: { token: 'the', k: 5 } });
  for (const bad of [
    { kind: 'states', request: { input: { validationSlice: { start: -1, length: 5 } } } },
    { kind: 'states', request: { input: { validationSlice: { start: 0, length: 0 } } } },
    { kind: 'states', request: { input: { text: 'x'.repeat(MAX_QUERY_TEXT + 1) } } },
    { kind: 'states', request: { input: { text: 3 } } },
    { kind: 'unitFeatures', request: { input: slice, minAbsR: 2 } },
    { kind: 'match', request: { selection: { input: slice, layer: 0 }, t0: 1, t1: 2, threshold: NaN } },
    { kind: 'match', request: { selection: { input: slice, layer: 0, state: 'gates' }, t0: 1, t1: 2, threshold: 0 } },
    { kind: 'embedding', request: { method: 'tsne' } },
    { kind: 'neighbours', request: { token: 'x'.repeat(201) } },
    { kind: 'train', request: {} },
    null,
  ]) assert.equal(parseExplorerQuery(bad), undefined, JSON.stringify(bad)?.slice(0, 80));
  assert.deepEqual(parseWeightsChoice({ checkpoint: 500 }), { checkpoint: 500 });
  assert.equal(parseWeightsChoice('first'), undefined);
  assert.deepEqual(withRun({ kind: 'neighbours', request: { token: 'a' } }, { runDir: '/r', weights: 'best' }), { token: 'a', runDir: '/r', weights: 'best' });
});

test('the host reads explore and cancelExplore messages from a webview', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'explore', id: 4, runId: 'r', weights: 'last', query: { kind: 'embedding', request: { method: 'pca' } } }),
    { type: 'explore', id: 4, runId: 'r', weights: 'last', query: { kind: 'embedding', request: { method: 'pca' } } });
  assert.equal(parseWebviewMessage({ type: 'explore', id: -1, runId: 'r', weights: 'last', query: { kind: 'embedding', request: { method: 'pca' } } }), undefined);
  assert.equal(parseWebviewMessage({ type: 'explore', id: 1, runId: 'r', weights: 'latest', query: { kind: 'embedding', request: { method: 'pca' } } }), undefined);
  assert.deepEqual(parseWebviewMessage({ type: 'cancelExplore', id: 9 }), { type: 'cancelExplore', id: 9 });
});

test('session: one request per kind in flight; asking again cancels the one before; stale answers are dropped', () => {
  const s = new ExplorerSession();
  assert.deepEqual(s.select('run-a'), []);
  const [first] = s.ask({ kind: 'states', request: { input: { text: 'ab' } } });
  assert.equal(first.type, 'explore');
  const firstId = (first as { id: number }).id;
  const again = s.ask({ kind: 'states', request: { input: { text: 'abc' } } });
  assert.deepEqual(again[0], { type: 'cancelExplore', id: firstId });
  const secondId = (again[1] as { id: number }).id;
  const result = { kind: 'states', result: { tokens: ['a'] } } as never;
  assert.equal(s.receive({ type: 'explored', id: firstId, runId: 'run-a', result }), undefined, 'the replaced request');
  assert.equal(s.answer('states').kind, 'loading');
  assert.equal(s.receive({ type: 'explored', id: secondId, runId: 'run-b', result }), undefined, 'another run');
  assert.equal(s.receive({ type: 'explored', id: secondId, runId: 'run-a', result }), 'states');
  assert.deepEqual(s.result('states'), { tokens: ['a'] });
  const [emb] = s.ask({ kind: 'embedding', request: { method: 'pca' } });
  assert.equal(s.receive({ type: 'exploreFailed', id: (emb as { id: number }).id, runId: 'run-a', problem: 'unsupported', message: 'Run x has no embedding.' }), 'embedding');
  assert.deepEqual(s.answer('embedding'), { kind: 'failed', query: { kind: 'embedding', request: { method: 'pca' } }, problem: 'unsupported', message: 'Run x has no embedding.' });
  // another run: what is in flight is cancelled, the answers and the view's choices forgotten
  s.setView({ layer: 1 });
  const [pending] = s.ask({ kind: 'match', request: { selection: { input: slice, layer: 0 }, t0: 0, t1: 1, threshold: 0 } });
  assert.deepEqual(s.select('run-b'), [{ type: 'cancelExplore', id: (pending as { id: number }).id }]);
  assert.equal(s.answer('states').kind, 'idle');
  assert.equal(s.view.layer, 0);
});

test('store: an answer the session waits for redraws the Explore tab; any other changes nothing', () => {
  const store = new DashboardStore({ ...DEFAULT_UI }, { kind: 'dark', foreground: '#ccc', muted: '#999', background: '#111', grid: '#222', border: '#333', charts: [], font: 'sans-serif' });
  store.explorer.select('r');
  const [msg] = store.explorer.ask({ kind: 'neighbours', request: { token: 'a' } });
  const id = (msg as { id: number }).id;
  const result: ExplorerResult = { kind: 'neighbours', result: { id: 1, token: 'a', neighbours: [], weights: { kind: 'final', step: 1 } } };
  assert.deepEqual(applyHostMessage(store, { type: 'explored', id: id + 1, runId: 'r', result }), {});
  assert.deepEqual(applyHostMessage(store, { type: 'explored', id, runId: 'r', result }), { controls: ['explore'], redraw: ['explore'] });
});

/** States of 2 layers × 4 units over 6 tokens: unit 2 of layer 0 swings widely, unit 1 turns on at t 2..4. */
function states(): StatesResult {
  const T = 6, H = 4;
  const h0 = new Float32Array(T * H);
  for (let t = 0; t < T; t++) {
    h0[t * H + 0] = 0.1;
    h0[t * H + 1] = t >= 2 && t <= 4 ? 0.9 : -0.2;
    h0[t * H + 2] = t % 2 === 0 ? 0.95 : -0.95;
    h0[t * H + 3] = 0.3 + 0.01 * t;
  }
  const c0 = h0.map((v) => v * 3);
  return {
    weights: { kind: 'final', step: 10 }, cell: 'lstm', hiddenSize: H, gateNames: ['i', 'f', 'g', 'o'],
    layers: [{ h: h0, c: c0 }, { h: new Float32Array(T * H), c: new Float32Array(T * H) }],
    tokens: ['a', 'b', ' ', 'c', 'd', '\n'], offsets: Int32Array.from({ length: T }, (_, t) => t), unknown: { positions: new Int32Array(0), tokens: [] },
  };
}

test('unit plot: units by variance, by a feature of the same layer and state, or listed; range, readout, pattern', () => {
  const m = statesOf(states(), 0, 'h')!;
  assert.equal(statesOf(states(), 2, 'h'), undefined);
  assert.deepEqual(unitsToPlot(m, { choice: { kind: 'variance' }, k: 2, layer: 0, state: 'h' }).units, [2, 1]);
  const features: UnitFeaturesResult = {
    weights: { kind: 'final', step: 10 }, tokens: [], offsets: new Int32Array(0), unknown: { positions: new Int32Array(0), tokens: [] },
    features: [{ feature: 'space', description: '', positions: 6, constant: false, units: [{ layer: 1, state: 'h', unit: 0, r: 0.99 }, { layer: 0, state: 'h', unit: 3, r: -0.7 }, { layer: 0, state: 'c', unit: 1, r: 0.6 }] }],
  };
  const byFeature = unitsToPlot(m, { choice: { kind: 'feature', feature: 'space' }, k: 5, layer: 0, state: 'h' }, features);
  assert.deepEqual(byFeature.units, [3]);
  assert.equal(byFeature.r?.get(3), -0.7);
  assert.match(unitsToPlot(m, { choice: { kind: 'feature', feature: 'space' }, k: 5, layer: 0, state: 'h' }).why, /find the interpretable units first/);
  assert.deepEqual(unitsToPlot(m, { choice: { kind: 'listed', units: [3, 9, 0] }, k: 1, layer: 0, state: 'h' }).units, [3, 0]);
  assert.deepEqual(parseUnitList('3, 1 3;0', 4), { units: [3, 1, 0] });
  assert.match((parseUnitList('2, 4', 4) as { error: string }).error, /4 is not a unit: this layer has units 0…3/);
  assert.deepEqual(valueRange(m, [1, 2]), { range: [-1, 1], clipped: false });
  const c = statesOf(states(), 0, 'c')!;
  assert.deepEqual(valueRange(c, [2]).range.map((v) => Number(v.toFixed(4))), [-2.85, 2.85]);
  // one spike among many values: the range holds 99 % of them, and says it clips
  const spiky = { values: Float32Array.from({ length: 400 }, (_, i) => (i === 7 ? 40 : Math.sin(i) * 3)), T: 400, H: 1 };
  const r = valueRange(spiky, [0]);
  assert.ok(r.clipped && r.range[1] < 3.01 && r.range[1] > 2.9, JSON.stringify(r));
  assert.deepEqual(valuesAt(m, [0, 1, 2], 3).map((x) => x.unit), [1, 0, 2]);
  assert.deepEqual(selectionPattern(m, [2, 4], 0.5), [1]);
  assert.deepEqual(selectionPattern(m, [2, 2], 0.5), [1, 2]);
  assert.deepEqual(selectionPattern(m, [4, 9], 0.5), [], 'a range past the text');
});

test('label thinning: of overlapping labels the more important stays; apart, all stay', () => {
  const kept = thinLabels([
    { id: 1, x: 0, y: 0, w: 40, h: 12, priority: 0.2 },
    { id: 2, x: 30, y: 5, w: 40, h: 12, priority: 0.9 },
    { id: 3, x: 100, y: 0, w: 40, h: 12, priority: 0.1 },
    { id: 4, x: 0, y: 20, w: 40, h: 12, priority: 0.5 },
  ]);
  assert.deepEqual(kept, [2, 4, 3]);
  const grid = Array.from({ length: 400 }, (_, i) => ({ id: i, x: (i % 20) * 50, y: Math.floor(i / 20) * 20, w: 45, h: 14, priority: spreadPriority(i) }));
  assert.equal(thinLabels(grid).length, 400);
  const p = Array.from({ length: 1000 }, (_, i) => spreadPriority(i));
  assert.ok(p.every((x) => x >= 0 && x < 1));
  assert.equal(spreadPriority(7), spreadPriority(7));
  assert.ok(Math.abs(p.filter((x) => x < 0.5).length - 500) < 60, 'spread evenly');
});
