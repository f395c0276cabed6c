// The dashboard webview's store and message handling (webview/state): what each message from the host does
// to the state, which views it marks out of date, and the user's choices the store keeps and persists.
// Pure: no DOM, no browser.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { recordsToColumns } from '../../src/shared/metricColumns';
import type { MetricRecord } from '../../src/shared/metrics';
import type { HostToWebview, PendingRunView, RunView } from '../../src/shared/webviewProtocol';
import { stateLayers, stateMatrix, stateOptions, unitOrder } from '../../webview/model/hiddenStates';
import { gradientLayers } from '../../webview/model/gradientLayers';
import { isGradientHistoryArray } from '../../src/shared/metrics';
import { liveFacts, pendingText, statusText } from '../../webview/model/runFacts';
import { TAB_KEYS } from '../../webview/state/effects';
import { applyHostMessage } from '../../webview/state/messages';
import { DashboardStore } from '../../webview/state/store';
import { DEFAULT_UI, restoreUi, type UiState } from '../../webview/state/uiState';
import type { Theme } from '../../webview/model/theme';

const theme: Theme = { kind: 'dark', foreground: '#ccc', muted: '#999', background: '#1f1f1f', grid: '#333', border: '#2b2b2b', charts: ['#111111', '#222222', '#333333'], font: 'sans-serif' };

function run(id: string, colorIndex: number, over: Partial<RunView> = {}, cell: 'rnn' | 'lstm' | 'gru' = 'lstm'): RunView {
  return {
    id, colorIndex, seconds: 10, snapshotSteps: [], status: { kind: 'running', pid: 1, step: 100 },
    info: { id, name: 'char', configPath: '/ws/char.seqlab.json', cell, backend: 'wasm', device: 'wasm', seed: 1, paramCount: 10, totalSteps: 1000, dataSummary: '', task: 'text', gateNames: cell === 'lstm' ? ['i', 'f', 'g', 'o'] : [] },
    ...over,
  };
}

function setup(ui: Partial<UiState> = {}) {
  const saved: UiState[] = [];
  const store = new DashboardStore({ ...DEFAULT_UI, ...ui }, theme, (s) => saved.push(s));
  const send = (msg: HostToWebview) => applyHostMessage(store, msg);
  return { store, saved, send };
}

const step = (s: number, time: number, loss = 1): MetricRecord => ({ kind: 'step', step: s, epoch: 0, time, loss, gradNorm: 1, clipped: false, learningRate: 0.01 });

test('init: the panel\'s runs, ready, every view out of date; the run ids are persisted', () => {
  const { store, saved, send } = setup();
  assert.equal(store.ready, false);
  const fx = send({ type: 'init', panelKind: 'comparison', runs: [run('a', 0), run('b', 1)], pending: [] });
  assert.equal(store.ready, true);
  assert.deepEqual(fx, { header: 'rows', controls: TAB_KEYS, redraw: TAB_KEYS });
  assert.deepEqual(saved.at(-1)?.runIds, ['a', 'b']);
  assert.equal(store.hiddenStatesRun()?.id, 'a', 'the first run until one is picked');
  assert.equal(store.runName(store.runs[1]), 'char · LSTM', 'a comparison names runs by config and cell');
});

test('a comparison names its runs by what sets them apart: the cell, the swept values; a run panel by its config', () => {
  const { store, send } = setup();
  const swept = (id: string, k: number, hidden: number) => {
    const r = run(id, k);
    return { ...r, info: { ...r.info, name: 'sweep-lstm', sweep: { id: 's1', index: k, count: 2, values: { 'model.hiddenSize': hidden }, label: `hidden ${hidden}` } } };
  };
  send({ type: 'init', panelKind: 'comparison', runs: [swept('a', 0, 6), swept('b', 1, 12), run('c', 2, {}, 'gru')], pending: [] });
  assert.deepEqual(store.runs.map((r) => store.runName(r)), ['sweep · LSTM · hidden 6', 'sweep · LSTM · hidden 12', 'char · GRU']);
  send({ type: 'init', panelKind: 'run', runs: [swept('a', 0, 6)], pending: [] });
  assert.equal(store.runName(store.runs[0]), 'sweep-lstm', 'one run: its config\'s name (the header shows the cell)');
});

test('init replaces the records of an earlier init and forgets a Gradients run that is gone', () => {
  const { store, send } = setup();
  send({ type: 'init', panelKind: 'comparison', runs: [run('a', 0), run('b', 1)], pending: [] });
  send({ type: 'metrics', runId: 'a', columns: recordsToColumns([step(101, 11)]) });
  store.selectGradientsRun('b');
  const before = store.dataOf('a');
  send({ type: 'init', panelKind: 'run', runs: [run('a', 0)], pending: [] });
  assert.notEqual(store.dataOf('a'), before);
  assert.equal(store.dataOf('a').step.step.length, 0);
  assert.equal(store.gradientsFollowHiddenStates, true);
  assert.equal(store.runName(store.runs[0]), 'char', 'a single run is named by its config');
});

test('runs: known runs take the new view, queued runs that started join in their slot, a deleted run stays', () => {
  const { store, saved, send } = setup();
  const pending: PendingRunView[] = [{ key: 'job-2', name: 'char', cell: 'gru', state: 'queued', position: 1, colorIndex: 2 }];
  send({ type: 'init', panelKind: 'comparison', runs: [run('a', 0), run('b', 1)], pending });
  const persisted = saved.length;
  // only statuses changed: the header rows, nothing else
  const quiet = send({ type: 'runs', runs: [run('b', 1, { status: { kind: 'finished', step: 1000 } })], pending });
  assert.deepEqual(quiet, { header: 'rows' });
  assert.deepEqual(store.runs.map((r) => [r.id, r.status.kind]), [['a', 'running'], ['b', 'finished']]);
  assert.equal(saved.length, persisted, 'nothing to persist');
  // the queued run started: it joins after the others, in colour order, and leaves the pending rows
  const joined = send({ type: 'runs', runs: [run('c', 2), run('a', 0)], pending: [] });
  assert.deepEqual(joined, { header: 'rows', controls: TAB_KEYS, redraw: TAB_KEYS });
  assert.deepEqual(store.runs.map((r) => r.id), ['a', 'b', 'c']);
  assert.deepEqual(store.pending, []);
  assert.deepEqual(saved.at(-1)?.runIds, ['a', 'b', 'c']);
});

test('metrics: records join the run\'s data; a running run\'s step and time follow them; loss, gradients and output redraw', () => {
  const { store, send } = setup();
  send({ type: 'init', panelKind: 'run', runs: [run('a', 0)], pending: [] });
  const fx = send({ type: 'metrics', runId: 'a', columns: recordsToColumns([step(101, 12), step(102, 14), { kind: 'eval', step: 102, epoch: 0, time: 14, loss: 0.5 }]) });
  assert.deepEqual(fx, { header: { liveRunId: 'a' }, redraw: ['loss', 'gradients', 'output'] });
  const r = store.runById('a')!;
  assert.deepEqual(r.status, { kind: 'running', pid: 1, step: 102 });
  assert.equal(r.seconds, 14);
  assert.equal(store.dataOf('a').step.step.length, 2);
  assert.equal(liveFacts(r, store.dataOf('a')).bestValidationLoss, 0.5);
  // replayed (older) records change neither the data nor the status
  send({ type: 'metrics', runId: 'a', columns: recordsToColumns([step(50, 3)]) });
  assert.equal(store.dataOf('a').step.step.length, 2);
  assert.equal(store.runById('a')!.status.kind === 'running' && store.runById('a')!.status, r.status);
  // records of a run not listed yet are kept for when it joins
  send({ type: 'metrics', runId: 'later', columns: recordsToColumns([step(1, 0.1)]) });
  assert.equal(store.dataOf('later').step.step.length, 1);
});

test('a finished run\'s status is the host\'s, whatever records arrive', () => {
  const { store, send } = setup();
  send({ type: 'init', panelKind: 'run', runs: [run('a', 0, { status: { kind: 'finished', step: 100 } })], pending: [] });
  send({ type: 'metrics', runId: 'a', columns: recordsToColumns([step(101, 12)]) });
  assert.deepEqual(store.runById('a')!.status, { kind: 'finished', step: 100 });
  assert.equal(store.runById('a')!.seconds, 10);
});

test('diagnostics: the snapshot step joins the slider\'s stops, in order; the Hidden states and Gradients controls follow only for their run', () => {
  const { store, send } = setup();
  send({ type: 'init', panelKind: 'comparison', runs: [run('a', 0, { snapshotSteps: [100] }), run('b', 1)], pending: [] });
  const snapshot = (s: number) => ({ step: s, arrays: { 'l0.h': { data: new Float32Array(6), shape: [3, 2] } } });
  assert.deepEqual(send({ type: 'diagnostics', runId: 'a', snapshot: snapshot(50) }), { controls: ['hidden', 'gradients'], redraw: ['hidden', 'gradients', 'output', 'seq2seq'] });
  assert.deepEqual(store.runById('a')!.snapshotSteps, [50, 100]);
  send({ type: 'diagnostics', runId: 'a', snapshot: snapshot(100) });
  assert.deepEqual(store.runById('a')!.snapshotSteps, [50, 100], 'no step twice');
  assert.equal(store.dataOf('a').latestSnapshotStep, 100);
  assert.deepEqual(send({ type: 'diagnostics', runId: 'b', snapshot: snapshot(10) }).controls, []);
  store.selectHiddenStatesRun('b');
  assert.deepEqual(send({ type: 'diagnostics', runId: 'b', snapshot: snapshot(20) }).controls, ['hidden', 'gradients'], 'the Gradients tab follows the Hidden states run');
  store.selectGradientsRun('a');
  assert.deepEqual(send({ type: 'diagnostics', runId: 'b', snapshot: snapshot(30) }).controls, ['hidden']);
});

test('gradientHistory: rows of ‖∂L_T/∂h_t‖ per snapshot step; only the Gradients tab redraws, its layer menu follows', () => {
  const { store, send } = setup();
  send({ type: 'init', panelKind: 'run', runs: [run('a', 0)], pending: [] });
  const fx = send({ type: 'gradientHistory', runId: 'a', steps: [10, 20], arrays: { 'l0.dhLast': { data: Float32Array.from([1, 2, 3, 4, 5, 6]), shape: [2, 3] } } });
  assert.deepEqual(fx, { controls: ['gradients'], redraw: ['gradients'] });
  assert.deepEqual([...store.dataOf('a').gradientHistory.get(20)!['l0.dhLast']], [4, 5, 6]);
});

test('generation: waiting, then the text; an error ends the wait but leaves an earlier text and shows the error', () => {
  const { store, send } = setup();
  send({ type: 'init', panelKind: 'run', runs: [run('a', 0)], pending: [] });
  store.startGeneration();
  assert.deepEqual(send({ type: 'generated', runId: 'a', prime: 'The ', temperature: 0.8, text: 'cat' }), { controls: ['output'] });
  assert.deepEqual(store.generation, { kind: 'done', prime: 'The ', text: 'cat' });
  assert.deepEqual(send({ type: 'error', message: 'no checkpoint' }), { controls: ['output'] });
  assert.equal(store.error, 'no checkpoint');
  assert.deepEqual(store.generation, { kind: 'done', prime: 'The ', text: 'cat' });
  store.startGeneration();
  send({ type: 'error', message: 'sampling failed' });
  assert.deepEqual(store.generation, { kind: 'idle' });
  assert.equal(store.error, 'sampling failed');
});

test('an unknown message type is an error, not a silent no-op', () => {
  const { send } = setup();
  assert.throws(() => send({ type: 'bogus' } as unknown as HostToWebview), /Unexpected message from the host: \{"type":"bogus"\}/);
});

test('choices: picking a Hidden states run resets the step and unit; Gradients follow it until a run is picked there', () => {
  const { store, send } = setup();
  send({ type: 'init', panelKind: 'comparison', runs: [run('a', 0), run('b', 1)], pending: [] });
  store.pinStep(50);
  store.selectUnit(3);
  assert.equal(store.gradientsRun()?.id, 'a');
  store.selectHiddenStatesRun('b');
  assert.equal(store.pinnedStep, undefined);
  assert.equal(store.selectedUnit, undefined);
  assert.equal(store.gradientsRun()?.id, 'b', 'follows the Hidden states tab');
  store.selectGradientsRun('a');
  assert.equal(store.gradientsFollowHiddenStates, false);
  store.selectHiddenStatesRun('b');
  assert.equal(store.gradientsRun()?.id, 'a');
  store.toggleShown('a');
  assert.equal(store.isShown('a'), false);
  store.toggleShown('a');
  assert.equal(store.isShown('a'), true);
});

test('UI state: persisted on every change, restored over the defaults', () => {
  const { store, saved } = setup();
  store.setUi({ smoothing: 0.9, tab: 2 });
  assert.deepEqual(saved.at(-1), { ...DEFAULT_UI, smoothing: 0.9, tab: 2 });
  assert.deepEqual(restoreUi({ logY: true }), { ...DEFAULT_UI, logY: true });
  assert.deepEqual(restoreUi(undefined), DEFAULT_UI);
  assert.equal(store.colorOf({ colorIndex: 1 }), '#222222', 'run colours come from the theme');
  store.setTheme({ ...theme, charts: ['#aaaaaa', '#bbbbbb'] });
  assert.equal(store.colorOf({ colorIndex: 1 }), '#bbbbbb');
});

test('header texts: status of a run, place of a queued one', () => {
  assert.equal(statusText(run('a', 0)), 'running · step 100');
  assert.equal(statusText(run('a', 0, { status: { kind: 'failed', failure: 'diverged', message: 'loss is NaN' } })), 'failed: loss is NaN');
  assert.equal(pendingText({ key: 'k', name: 'n', state: 'queued', position: 2, colorIndex: 0 }), 'queued · #2 in queue');
  assert.equal(pendingText({ key: 'k', name: 'n', state: 'starting', colorIndex: 0 }), 'starting…');
});

test('hidden states: states of the cell, layers of the snapshot, a gate\'s slice, unit orders', () => {
  const lstm = run('a', 0);
  const l0 = { prefix: 'l0', label: 'layer 0', tokens: 'probe' } as const;
  assert.deepEqual(stateOptions(lstm, undefined, l0).map(([v]) => v), ['h', 'c', 'gate:0', 'gate:1', 'gate:2', 'gate:3'], 'before a snapshot: what the cell has');
  assert.deepEqual(stateOptions(run('r', 0, {}, 'rnn'), undefined, l0).map(([v]) => v), ['h']);
  // T = 2, H = 2, 4 gates: gates [T, 4H]
  const gates = Float32Array.from({ length: 16 }, (_, i) => i);
  const snap = { step: 1, arrays: { 'l1.h': { data: Float32Array.from([0, 5, 0, -5]), shape: [2, 2] }, 'l0.h': { data: new Float32Array(4), shape: [2, 2] }, 'l1.gates': { data: gates, shape: [2, 8] } } };
  const layers = stateLayers(snap);
  assert.deepEqual(layers.map((l) => [l.prefix, l.label]), [['l0', 'layer 0'], ['l1', 'layer 1']]);
  assert.deepEqual(stateLayers(undefined).map((l) => l.prefix), ['l0']);
  assert.deepEqual(stateOptions(lstm, snap, layers[1]).map(([v]) => v), ['h', 'gate:0', 'gate:1', 'gate:2', 'gate:3'], 'the snapshot holds no c: not offered');
  assert.deepEqual(stateOptions(lstm, snap, layers[0]).map(([v]) => v), ['h']);
  const forget = stateMatrix(lstm, snap, layers[1], 'gate:1')!;
  assert.deepEqual({ T: forget.T, H: forget.H, values: [...forget.values] }, { T: 2, H: 2, values: [2, 3, 10, 11] });
  assert.equal(stateMatrix(lstm, snap, layers[0], 'c'), undefined);
  const h = stateMatrix(lstm, snap, layers[1], 'h')!;
  assert.deepEqual(unitOrder(h, 'none', 0), [0, 1]);
  assert.deepEqual(unitOrder(h, 'variance', 0), [1, 0]);
});

test('hidden states of an encoder–decoder: the encoder\'s layers (each direction) over the source, then the decoder\'s over its steps', () => {
  const s2s = run('s', 0);
  const arr = (T: number, H: number) => ({ data: Float32Array.from({ length: T * H }, (_, i) => i), shape: [T, H] });
  const snap = { step: 5, arrays: { 'dec.l0.h': arr(4, 3), 'enc.l0.bwd.h': arr(6, 2), 'enc.l0.fwd.h': arr(6, 2), 'att': arr(4, 6), 'enc.l0.fwd.dh': { data: new Float32Array(6), shape: [6] } } };
  const layers = stateLayers(snap);
  assert.deepEqual(layers.map((l) => [l.prefix, l.label, l.tokens]), [
    ['enc.l0.fwd', 'encoder layer 0 (forward)', 'probe'],
    ['enc.l0.bwd', 'encoder layer 0 (backward)', 'probe'],
    ['dec.l0', 'decoder layer 0', 'target'],
  ]);
  assert.deepEqual(stateOptions(s2s, snap, layers[2]).map(([v]) => v), ['h'], 'an encoder–decoder\'s snapshot holds h only');
  const dec = stateMatrix(s2s, snap, layers[2], 'h')!;
  assert.deepEqual([dec.T, dec.H], [4, 3]);
  assert.equal(stateMatrix(s2s, snap, layers[0], 'h')!.T, 6);
});

test('validation curves: their own switch in the legend, off with their run', () => {
  const { store, send } = setup();
  send({ type: 'init', panelKind: 'comparison', runs: [run('a', 0), run('b', 1)], pending: [] });
  assert.equal(store.isValidationShown('a'), true);
  store.toggleValidation('a');
  assert.equal(store.isValidationShown('a'), false);
  assert.equal(store.isShown('a'), true, 'the run\'s training curve stays');
  store.toggleValidation('a');
  store.toggleShown('b');
  assert.equal(store.isValidationShown('b'), false, 'a hidden run hides its validation too');
});

test('UI state of an older build gains the colour-range choices at their defaults', () => {
  const ui = restoreUi({ runIds: ['a'], tab: 2, smoothing: 0.9, logY: true, xAxis: 'step', layer: 0, state: 'c', sort: 'none', sortT: 3 });
  assert.equal(ui.rangePercentile, 99);
  assert.equal(ui.gradScale, 'run');
  assert.equal(ui.state, 'c');
});

test('gradient layers: a sequence model\'s ‖∂L_T/∂h_t‖ per layer; an encoder–decoder\'s over source positions (per direction) and decoder steps; other arrays are not followed', () => {
  const info = run('a', 0).info;
  assert.deepEqual(gradientLayers(info, ['l1.dhLast', 'l0.dhLast', 'l0.dh']).map((l) => [l.key, l.label, l.quantity]), [['l0.dhLast', 'layer 0', '‖∂L_T/∂h_t‖'], ['l1.dhLast', 'layer 1', '‖∂L_T/∂h_t‖']]);
  const s2s = gradientLayers(info, ['dec.l0.dh', 'enc.l1.dh', 'enc.l0.dh', 'dec.l1.dh']);
  assert.deepEqual(s2s.map((l) => [l.key, l.axis.title]), [['enc.l0.dh', 'source position s'], ['enc.l1.dh', 'source position s'], ['dec.l0.dh', 'decoder step t'], ['dec.l1.dh', 'decoder step t']]);
  assert.deepEqual(['l0.dhLast', 'enc.l0.fwd.dh', 'dec.l2.dh', 'l0.dh', 'enc.l0.fwd.dc', 'enc.l0.h', 'att'].filter(isGradientHistoryArray), ['l0.dhLast', 'enc.l0.fwd.dh', 'dec.l2.dh']);
});
