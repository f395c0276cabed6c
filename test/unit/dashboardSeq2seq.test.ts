// The Seq2seq tab's pure parts: which runs it is for, the attention matrix with its tokens and colour
// range, the encoder's and decoder's states on one time axis, the step-through's stops and words, the
// gradient-norm series, the "try it" box's requests and stale answers, the host's check of `translate`
// messages, and the panel's translator (answers under the request id, unknown runs refused, a newer
// request replacing the one in flight, dispose cancelling).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PanelTranslator } from '../../src/extension/dashboard/panelTranslator';
import type { RequestOutcome } from '../../src/extension/engine/engineProcess';
import type { DiagnosticsSnapshot, RunInfo } from '../../src/shared/metrics';
import type { TranslateRequest, TranslateResult } from '../../src/shared/translation';
import { type HostToWebview, parseWebviewMessage } from '../../src/shared/webviewProtocol';
import { attentionFromRows, attentionOf, attentionScale, encoderDecoderLayers, encoderDecoderStates, gradientNorms, isEncoderDecoder, walkCaption, walkColumn, walkLength, walkStop, wideRange } from '../../webview/model/seq2seqViews';
import { probabilityText, type TranslationState } from '../../webview/model/translationTry';
import { RunData } from '../../webview/model/runData';
import { recordsToColumns } from '../../src/shared/metricColumns';
import { applyHostMessage } from '../../webview/state/messages';
import { DashboardStore } from '../../webview/state/store';
import { DEFAULT_UI } from '../../webview/state/uiState';

const info = (over: Partial<RunInfo> = {}): RunInfo => ({
  id: 'r', name: 'rev', configPath: '/c', cell: 'gru', backend: 'wasm', device: 'wasm', seed: 1, paramCount: 1, totalSteps: 1, dataSummary: '', task: 'reverse', gateNames: [],
  probeTokens: ['a', 'b', 'c'], probeTargetTokens: ['c', 'b', 'a', '</s>'], errorRateName: 'CER', ...over,
});

const f32 = (xs: number[]) => Float32Array.from(xs);

test('the tab is for encoder–decoder runs: their info names the error rate or the probe\'s target tokens', () => {
  assert.equal(isEncoderDecoder(info()), true);
  assert.equal(isEncoderDecoder(info({ errorRateName: undefined })), true);
  assert.equal(isEncoderDecoder(info({ errorRateName: undefined, probeTargetTokens: undefined, task: 'text' })), false);
});

test('attention: [T, S] with the probe\'s tokens on both axes (numbers where the run has none); a translation\'s rows likewise', () => {
  const att = f32([0.1, 0.2, 0.7, 0.2, 0.6, 0.2, 0.9, 0.05, 0.05, 0.3, 0.3, 0.4]);
  const m = attentionOf(info(), { step: 5, arrays: { att: { data: att, shape: [4, 3] } } })!;
  assert.deepEqual([m.T, m.S, m.sourceTokens, m.targetTokens], [4, 3, ['a', 'b', 'c'], ['c', 'b', 'a', '</s>']]);
  assert.equal(m.weights[1 * 3 + 1], att[4]);
  assert.deepEqual(attentionOf(info({ probeTokens: undefined }), { step: 5, arrays: { att: { data: att, shape: [4, 3] } } })!.sourceTokens, ['s0', 's1', 's2']);
  assert.equal(attentionOf(info(), { step: 5, arrays: {} }), undefined, 'attention "none" records no att');
  const t = attentionFromRows([[0.9, 0.1], [0.2, 0.8]], ['x', 'y'], ['Y']);
  assert.deepEqual([...t.weights].map((v) => Number(v.toFixed(2))), [0.9, 0.1, 0.2, 0.8]);
  assert.deepEqual(t.targetTokens, ['Y', 't1'], 'a row past the emitted tokens is numbered');
});

test('attention colours: 0…1, or 0 up to the largest weight (float32 0.85 reads 0.85)', () => {
  assert.deepEqual(attentionScale(f32([0.2, 0.5]), 'unit').scale, { kind: 'sequential', lo: 0, hi: 1 });
  const data = attentionScale(f32([0.2, 0.85, 0.1]), 'data');
  assert.deepEqual(data.scale, { kind: 'sequential', lo: 0, hi: 0.85 });
  assert.match(data.caption, /0…0\.85 \(the largest weight\)/);
  assert.equal(attentionScale(f32([0.432]), 'data').scale.hi, 0.44, 'rounded up: nothing clips');
  assert.equal(attentionScale(f32([0, 0]), 'data').scale.hi, 1);
});

function snapshot(): DiagnosticsSnapshot {
  // S = 2 source positions, bidirectional He = 2; T = 3 decoder steps, Hd = 3
  return {
    step: 10,
    arrays: {
      'enc.l0.fwd.h': { data: f32([1, 2, 3, 4]), shape: [2, 2] },
      'enc.l0.bwd.h': { data: f32([5, 6, 7, 8]), shape: [2, 2] },
      'enc.l0.fwd.dh': { data: f32([0.1, 0.2]), shape: [2] },
      'enc.l0.bwd.dh': { data: f32([0.3, 0.4]), shape: [2] },
      'dec.l0.h': { data: f32([-1, -2, -3, -4, -5, -6, -7, -8, -9]), shape: [3, 3] },
      'dec.l0.dh': { data: f32([1, 0.01, 0.001]), shape: [3] },
    },
  };
}

test('states on one time axis: source positions, the hand-over column, decoder steps; units of the wider side, NaN where a side has none', () => {
  const snap = snapshot();
  assert.deepEqual(encoderDecoderLayers(snap), [0]);
  const st = encoderDecoderStates(info({ probeTokens: ['a', 'b'], probeTargetTokens: ['b', 'a', '</s>'] }), snap, 0)!;
  assert.deepEqual([st.S, st.T, st.U, st.cols, st.encoderUnits, st.decoderUnits], [2, 3, 4, 6, 4, 3]);
  assert.deepEqual(st.rowLabels, ['f0', 'f1', 'b0', 'b1']);
  assert.deepEqual(st.colLabels, ['a', 'b', '⇒', 'b', 'a', '</s>']);
  const col = (c: number) => Array.from(st.values.subarray(c * st.U, (c + 1) * st.U));
  assert.deepEqual(col(0), [1, 2, 5, 6], 'forward units, then backward ones');
  assert.deepEqual(col(1), [3, 4, 7, 8]);
  assert.ok(col(2).every(Number.isNaN), 'the hand-over has no values');
  assert.deepEqual(col(3).slice(0, 3), [-1, -2, -3]);
  assert.ok(Number.isNaN(col(3)[3]), 'the decoder has 3 units');
  assert.equal(encoderDecoderStates(info(), { step: 1, arrays: {} }, 0), undefined);
  assert.equal(st.reversed, false);
  assert.equal(encoderDecoderStates(info({ probeTokens: ['a', 'b'], reverseSource: true }), snap, 0)!.reversed, true, 'the run\'s info says the encoder read backwards');
});

test('the walk with reverseSource: the encoder\'s stops go back to front, each lighting its own column, and the captions say so', () => {
  const stops = [0, 1, 2, 3, 4].map((i) => walkStop(i, 3, true));
  assert.deepEqual(stops, [{ kind: 'encode', s: 2 }, { kind: 'encode', s: 1 }, { kind: 'encode', s: 0 }, { kind: 'handOver' }, { kind: 'decode', t: 0 }]);
  assert.deepEqual(stops.map((s) => walkColumn(s, 3)), [2, 1, 0, 3, 4]);
  assert.deepEqual([0, 3, 4].map((i) => walkColumn(walkStop(i, 3), 3)), [0, 3, 4], 'front to back: stop i is column i');
  const src = ['a', 'b', 'c'];
  assert.equal(walkCaption(stops[0], src, ['c'], true), 'Encoder reads “c” (source position 2, read 1 of 3: it reads back to front) → its state h_2');
  assert.equal(walkCaption(stops[3], src, ['c'], true), 'The encoder\'s final state h_0 is handed to the decoder as its initial state');
});

test('the walk: S reads, the hand-over, T emissions, each said in words with its tokens', () => {
  assert.equal(walkLength(3, 4), 8);
  assert.deepEqual([0, 2, 3, 4, 7].map((i) => walkStop(i, 3)), [{ kind: 'encode', s: 0 }, { kind: 'encode', s: 2 }, { kind: 'handOver' }, { kind: 'decode', t: 0 }, { kind: 'decode', t: 3 }]);
  const src = ['a', 'b', 'c'], tgt = ['c', 'b', 'a', '</s>'];
  assert.equal(walkCaption({ kind: 'encode', s: 1 }, src, tgt), 'Encoder reads “b” (source position 1) → its state h_1');
  assert.equal(walkCaption({ kind: 'handOver' }, src, tgt), 'The encoder\'s final state h_2 is handed to the decoder as its initial state');
  assert.equal(walkCaption({ kind: 'decode', t: 0 }, src, tgt), 'Decoder step 0 reads “<s>” → state s_0 → emits “c”');
  assert.equal(walkCaption({ kind: 'decode', t: 3 }, src, tgt), 'Decoder step 3 reads “a” → state s_3 → emits “</s>”');
});

test('gradient norms per encoder layer and direction and per decoder layer; a log axis when they span 100×', () => {
  const { encoder, decoder } = gradientNorms(snapshot());
  assert.deepEqual(encoder.map((s) => s.label), ['layer 0 backward', 'layer 0 forward']);
  assert.deepEqual(decoder.map((s) => [s.label, Array.from(s.values)]), [['layer 0', [1, Math.fround(0.01), Math.fround(0.001)]]]);
  assert.equal(wideRange(decoder.map((s) => s.values)), true);
  assert.equal(wideRange(encoder.map((s) => s.values)), false);
  assert.equal(wideRange([f32([0, 0])]), false);
  assert.deepEqual(gradientNorms(undefined), { encoder: [], decoder: [] });
});

const result = (source: string): TranslateResult => ({
  runId: 'r', step: 3, decoding: { method: 'greedy', beamWidth: 1, lengthPenalty: 0.6, maxLength: 10 },
  translations: [{ source, sourceTokens: [...source], unknown: [], hypotheses: [{ text: 'x', tokens: ['x'], logProb: -0.1, score: -0.1, finished: true }] }],
});

test('try it: one request at a time, a replaced one\'s answer dropped; greedy asks one hypothesis; empty or long text refused', () => {
  const store = new DashboardStore({ ...DEFAULT_UI }, { kind: 'dark', foreground: '#ccc', muted: '#999', background: '#000', grid: '#333', border: '#444', charts: [], font: 'x' });
  const t = store.translation;
  assert.deepEqual(t.ask({ runId: 'r', source: '  ', beam: 1, top: 1 }), { problem: 'Type a source text to translate.' });
  assert.match((t.ask({ runId: 'r', source: 'x'.repeat(2001), beam: 1, top: 1 }) as { problem: string }).problem, /at most 2000/);
  assert.equal(t.state.kind, 'idle');
  const first = t.ask({ runId: 'r', source: 'abc', beam: 1, top: 3 });
  assert.deepEqual(first, { message: { type: 'translate', id: 1, runId: 'r', source: 'abc', beam: 1, top: 1 } });
  const second = t.ask({ runId: 'r', source: 'abd', beam: 5, top: 10 });
  assert.deepEqual(second, { message: { type: 'translate', id: 2, runId: 'r', source: 'abd', beam: 5, top: 5 } }, 'a beam returns at most its width');
  assert.deepEqual(applyHostMessage(store, { type: 'translated', id: 1, runId: 'r', result: result('abc') }), {}, 'the replaced request\'s answer changes nothing');
  assert.equal(t.state.kind, 'asking');
  assert.deepEqual(applyHostMessage(store, { type: 'translated', id: 2, runId: 'r', result: result('abd') }), { controls: ['seq2seq'] });
  const done = t.state as TranslationState;
  assert.equal(done.kind === 'done' && done.result.translations[0].source, 'abd');
  t.ask({ runId: 'r', source: 'q', beam: 1, top: 1 });
  applyHostMessage(store, { type: 'translateFailed', id: 3, runId: 'r', problem: 'noWeights', message: 'no weights' });
  assert.deepEqual(t.state, { kind: 'failed', source: 'q', message: 'no weights' });
  assert.deepEqual([Math.log(0.934), Math.log(0.0021), -Infinity].map(probabilityText), ['0.93', '2.1e-3', '0']);
});

test('the host reads a translate message only with its fields in range', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'translate', id: 3, runId: 'r', source: 'hi', beam: 5, top: 2, extra: 1 }), { type: 'translate', id: 3, runId: 'r', source: 'hi', beam: 5, top: 2 });
  for (const bad of [
    { type: 'translate', id: -1, runId: 'r', source: 'hi', beam: 1, top: 1 },
    { type: 'translate', id: 1, runId: 'r', source: 'x'.repeat(2001), beam: 1, top: 1 },
    { type: 'translate', id: 1, runId: 'r', source: 'hi', beam: 0, top: 1 },
    { type: 'translate', id: 1, runId: 'r', source: 'hi', beam: 65, top: 1 },
    { type: 'translate', id: 1, runId: 'r', source: 'hi', beam: 2, top: 1.5 },
    { type: 'translate', id: 1, runId: 3, source: 'hi', beam: 1, top: 1 },
  ]) assert.equal(parseWebviewMessage(bad), undefined, JSON.stringify(bad).slice(0, 90));
});

test('the panel\'s translator: the run folder and the attention asked for, answers under the id, unknown runs refused, a newer request replacing the older, dispose cancelling', async () => {
  const posted: HostToWebview[] = [];
  const asked: { request: TranslateRequest; signal: AbortSignal; resolve(o: RequestOutcome<TranslateResult>): void }[] = [];
  const translator = new PanelTranslator(
    { translate: (request, signal) => new Promise((resolve) => asked.push({ request, signal, resolve })) },
    (runId) => (runId === 'r' ? '/runs/r' : undefined),
    (m) => posted.push(m),
  );
  await translator.ask({ type: 'translate', id: 1, runId: 'elsewhere', source: 'a', beam: 1, top: 1 });
  assert.deepEqual(posted, [{ type: 'translateFailed', id: 1, runId: 'elsewhere', problem: 'notFound', message: 'Run elsewhere is not shown in this dashboard.' }]);
  const older = translator.ask({ type: 'translate', id: 2, runId: 'r', source: 'ab', beam: 3, top: 2 });
  assert.deepEqual(asked[0].request, { runsDir: '/runs', run: '/runs/r', sources: ['ab'], beam: 3, top: 2, attention: true });
  const newer = translator.ask({ type: 'translate', id: 3, runId: 'r', source: 'abc', beam: 1, top: 1 });
  assert.equal(asked[0].signal.aborted, true, 'the newer request cancels the older');
  asked[0].resolve({ kind: 'cancelled' });
  asked[1].resolve({ kind: 'done', result: result('abc') });
  await Promise.all([older, newer]);
  assert.deepEqual(posted.slice(1), [{ type: 'translated', id: 3, runId: 'r', result: result('abc') }]);
  assert.equal(translator.pending, false);
  const failing = translator.ask({ type: 'translate', id: 4, runId: 'r', source: 'x', beam: 1, top: 1 });
  asked[2].resolve({ kind: 'failed', problem: 'unsupported', message: 'Run r is not an encoder–decoder.' });
  await failing;
  assert.deepEqual(posted.at(-1), { type: 'translateFailed', id: 4, runId: 'r', problem: 'unsupported', message: 'Run r is not an encoder–decoder.' });
  const closing = translator.ask({ type: 'translate', id: 5, runId: 'r', source: 'x', beam: 1, top: 1 });
  assert.equal(translator.pending, true);
  translator.dispose();
  assert.equal(asked[3].signal.aborted, true);
  asked[3].resolve({ kind: 'cancelled' });
  await closing;
  assert.equal(posted.length, 3, 'nothing posted for a cancelled request');
});

test('decoding scores travel in the eval columns (greedy exact match, error rate, BLEU and chrF; NaN for other runs) and columns without them read as NaN', () => {
  const c = recordsToColumns([
    { kind: 'eval', step: 100, epoch: 0, time: 1, loss: 0.5, accuracy: 0.9, greedy: { pairs: 40, exactMatch: 0.75, tokenErrorRate: 0.05, bleu: 41.5, chrF: 63.25 } },
    { kind: 'eval', step: 200, epoch: 0, time: 2, loss: 0.4 },
  ]);
  assert.deepEqual(Array.from(c.evals.exactMatch), [0.75, NaN]);
  assert.deepEqual(Array.from(c.evals.errorRate), [0.05, NaN]);
  assert.deepEqual(Array.from(c.evals.bleu), [41.5, NaN]);
  assert.deepEqual(Array.from(c.evals.chrF), [63.25, NaN]);
  const d = new RunData();
  d.addColumns(c);
  const { exactMatch: _e, errorRate: _r, bleu: _b, chrF: _c, ...older } = c.evals;
  d.addColumns({ ...c, evals: { ...older, step: Float64Array.from([300]), epoch: Float64Array.from([1]), time: Float64Array.from([3]), loss: Float64Array.from([0.3]), accuracy: Float64Array.from([0.95]) } as typeof c.evals });
  assert.deepEqual(Array.from(d.eval.exactMatch.view()), [0.75, NaN, NaN]);
  assert.deepEqual(Array.from(d.eval.bleu.view()), [41.5, NaN, NaN]);
  assert.deepEqual(Array.from(d.eval.step.view()), [100, 200, 300]);
});
