// The explorer's requests on runs trained here by train(): a small char LSTM on the fixture corpus and a
// small CSV forecaster. The states must be the ones the diagnostics snapshot recorded for the same
// probe, the validation slices the data the run validated on, and every bad request a specific error.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, test } from 'node:test';
import type { ExplorerRequest, ExplorerRequestKind, ExplorerRequests, StatesResult } from '../../src/shared/explorerProtocol';
import { RUN_FILES } from '../../src/runs/runFiles';
import { isSequenceWeights, readDiagnosticsIndex, readDiagnosticsSnapshot, readWeights } from '../../src/runs/runReader';
import { ExplorerError } from '../../src/trainer/explore/explorerError';
import { handleExplorerRequest } from '../../src/trainer/explore/explorerRequests';
import { computeStates } from '../../src/trainer/explore/states';
import { train } from '../../src/trainer/training';

const fixtures = path.join(__dirname, '..', 'fixtures', 'data');
const PROBE = 'The keeper "lit" the lamp (twice).\nÆ';

async function trainRun(config: object, file: string): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-explore-'));
  fs.copyFileSync(path.join(fixtures, file), path.join(dir, file));
  const configPath = path.join(dir, 'exp.seqlab.json');
  fs.writeFileSync(configPath, JSON.stringify(config));
  const out = await train({ configPath, runsDir: path.join(dir, 'runs') });
  assert.equal(out.kind, 'finished');
  return out.runDir;
}

let charRun: string, csvRun: string, addingRun: string;
before(async () => {
  charRun = await trainRun({
    name: 'explore char',
    data: { kind: 'text', path: 'corpus.txt', level: 'char' },
    validationSplit: 0.2,
    model: { cell: 'lstm', hiddenSize: 16, embeddingSize: 8, layers: 2 },
    training: { maxSteps: 40, batchSize: 8, sequenceLength: 16, validateEvery: 20, checkpointEvery: 20, threads: 1 },
    diagnostics: { every: 20, probe: { text: PROBE } },
  }, 'corpus.txt');
  csvRun = await trainRun({
    name: 'explore csv',
    data: { kind: 'csv', path: 'weather.csv', targets: ['temp'], dateColumns: ['date'], dateHandling: 'parse', lookback: 5 },
    validationSplit: 0.2,
    model: { cell: 'gru', hiddenSize: 8 },
    training: { maxSteps: 20, batchSize: 4, validateEvery: 10, threads: 1 },
    diagnostics: { every: 10, probe: { validationIndex: 0 } },
  }, 'weather.csv');
  addingRun = await trainRun({
    name: 'explore adding',
    data: { kind: 'synthetic', task: 'adding', length: 8, samples: 64 },
    model: { cell: 'rnn', hiddenSize: 4 },
    training: { maxSteps: 2, batchSize: 8, threads: 1 },
  }, 'short.txt');
});

async function ask<K extends ExplorerRequestKind>(kind: K, request: ExplorerRequests[K]['request']): Promise<ExplorerRequests[K]['result']> {
  const answer = await handleExplorerRequest({ kind, request } as ExplorerRequest);
  assert.equal(answer.kind, kind);
  return answer.result as ExplorerRequests[K]['result'];
}

async function lastSnapshot(runDir: string) {
  const index = await readDiagnosticsIndex(runDir);
  return readDiagnosticsSnapshot(runDir, index[index.length - 1]);
}

function assertClose(actual: Float32Array, expected: Float32Array, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  assert.ok(worst <= 1e-6, `${what}: max |difference| ${worst}`);
}

async function rejects(promise: Promise<unknown>, problem: string, message: RegExp): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof ExplorerError, String(e));
    assert.equal(e.problem, problem);
    assert.match(e.message, message);
    return true;
  });
}

test('states of a text equal what the diagnostics snapshot recorded for the same probe', async () => {
  const snap = await lastSnapshot(charRun);
  const states = await ask('states', { runDir: charRun, weights: 'last', input: { text: PROBE } });
  assert.deepEqual(states.weights, { kind: 'final', step: 40 });
  assert.equal(snap.step, 40);
  assert.deepEqual(states.gateNames, ['i', 'f', 'g', 'o']);
  // the probe feeds every token but the last (its target); the states of the first T − 1 tokens are causal
  const T = snap.arrays['l0.h'].shape[0], H = 16;
  assert.equal(T, Array.from(PROBE).length - 1);
  for (let l = 0; l < 2; l++) {
    assertClose(states.layers[l].h.subarray(0, T * H), snap.arrays[`l${l}.h`].data, `l${l}.h`);
    assertClose(states.layers[l].c!.subarray(0, T * H), snap.arrays[`l${l}.c`].data, `l${l}.c`);
    assertClose(states.layers[l].gates!.subarray(0, T * 4 * H), snap.arrays[`l${l}.gates`].data, `l${l}.gates`);
  }
  // brackets and Æ are not in the corpus's training part: fed as <unk>, reported with their positions
  assert.deepEqual(Array.from(states.unknown.positions), [PROBE.indexOf('('), PROBE.indexOf(')'), T]);
  assert.deepEqual(states.unknown.tokens, ['(', ')', 'Æ']);
  assert.equal(states.tokens[4], 'k');
  assert.equal(states.offsets[T], PROBE.length - 1);
});

test('a long input computed in short carried-state chunks equals one forward', async () => {
  const weights = (await readWeights(charRun))!;
  assert.ok(isSequenceWeights(weights));
  const { meta, params } = weights;
  const x = Int32Array.from({ length: 53 }, (_, i) => (i * 7) % meta.spec.inputSize);
  const whole = await computeStates(meta.spec, params, x, { gates: true });
  const chunked = await computeStates(meta.spec, params, x, { gates: true, chunk: 8 });
  for (let l = 0; l < 2; l++) {
    assertClose(chunked[l].h, whole[l].h, `l${l}.h`);
    assertClose(chunked[l].c!, whole[l].c!, `l${l}.c`);
    assertClose(chunked[l].gates!, whole[l].gates!, `l${l}.gates`);
  }
});

test('a validation slice is the corpus tail the run validated on, states and all', async () => {
  const corpus = Array.from(fs.readFileSync(path.join(fixtures, 'corpus.txt'), 'utf8'));
  const tail = corpus.slice(Math.floor(corpus.length * 0.8));
  const slice = await ask('states', { runDir: charRun, weights: 'best', input: { validationSlice: { start: 5, length: 60 } } });
  assert.equal(slice.weights.kind, 'best');
  const expected = tail.slice(5, 65);
  assert.deepEqual(slice.tokens.map((t, i) => (t === '<unk>' ? expected[i] : t)), expected);
  assert.deepEqual(Array.from(slice.offsets.subarray(0, 3)), [5, 6, 7]);
  // the same text typed in gives the same states (this part of the tail has only characters the training part has)
  assert.equal(slice.unknown.positions.length, 0);
  const typed = await ask('states', { runDir: charRun, weights: 'best', input: { text: expected.join('') } });
  assertClose(typed.layers[1].h, slice.layers[1].h, 'typed vs slice');
  // further on, the tail holds two characters the training part lacks: they arrive as <unk>
  const whole = await ask('states', { runDir: charRun, weights: 'best', input: { validationSlice: { start: 0, length: 400 } } });
  assert.deepEqual(Array.from(whole.unknown.positions), tail.flatMap((ch, i) => (i < 400 && !corpus.slice(0, corpus.length - tail.length).includes(ch) ? [i] : [])));
  assert.deepEqual(whole.unknown.tokens, whole.unknown.positions.length > 0 ? ['<unk>'] : []);
});

test('the unit finder ranks units of h and c for every text feature', async () => {
  const result = await ask('unitFeatures', { runDir: charRun, weights: 'last', input: { validationSlice: { start: 0, length: 200 } }, top: 3, minAbsR: 0.1 });
  const names = result.features.map((f) => f.feature);
  assert.ok(names.includes('inQuotes') && names.includes('linePosition') && names.includes('charsLeftInWord'));
  for (const f of result.features) {
    assert.equal(f.positions, 200);
    assert.ok(f.units.length <= 3);
    for (const u of f.units) assert.ok(Math.abs(u.r) >= 0.1 && Math.abs(u.r) <= 1 && ['h', 'c'].includes(u.state) && u.layer < 2 && u.unit < 16);
    for (let i = 1; i < f.units.length; i++) assert.ok(Math.abs(f.units[i - 1].r) >= Math.abs(f.units[i].r));
  }
  // a line-position unit exists in any LSTM that reads newlines; here at least something correlates
  assert.ok(result.features.some((f) => f.units.length > 0));
});

test('match: the pattern units are on over every match, and the selection itself is no match', async () => {
  const selection = { input: { validationSlice: { start: 20, length: 30 } }, layer: 1 };
  const threshold = 0;
  const m = await ask('match', { runDir: charRun, weights: 'last', selection, t0: 10, t1: 12, threshold, search: { start: 0, length: 300 }, limit: 20, context: 4 });
  const sel: StatesResult = await ask('states', { runDir: charRun, weights: 'last', input: selection.input });
  const H = 16;
  for (const u of m.pattern) for (let t = 10; t <= 12; t++) assert.ok(sel.layers[1].h[t * H + u] >= threshold);
  assert.ok(m.pattern.length > 0, 'some unit of 16 is ≥ 0 over 3 steps');
  const searched = await ask('states', { runDir: charRun, weights: 'last', input: { validationSlice: { start: 0, length: 300 } } });
  assert.ok(m.matches.length > 0);
  for (const match of m.matches) {
    assert.ok(match.start + 2 < 30 || match.start > 32, `the selection (30..32) is excluded, got ${match.start}`);
    assert.equal(match.patternOn, m.pattern.length);
    for (const u of m.pattern) for (let t = match.start; t < match.start + 3; t++) assert.ok(searched.layers[1].h[t * H + u] >= threshold);
    assert.deepEqual(match.tokens.slice(match.matchFrom, match.matchFrom + 3), searched.tokens.slice(match.start, match.start + 3));
  }
  for (let i = 1; i < m.matches.length; i++) assert.ok(m.matches[i - 1].score >= m.matches[i].score);
});

test('embedding maps and neighbours of the character embedding', async () => {
  const pca = await ask('embedding', { runDir: charRun, weights: 'last', method: 'pca' });
  const V = pca.tokens.length;
  assert.equal(pca.tokens[0], '<unk>');
  assert.equal(pca.points.length, V * 2);
  assert.ok(pca.explained![0] >= pca.explained![1] && pca.explained![0] + pca.explained![1] <= 1 + 1e-9);
  const a = await ask('embedding', { runDir: charRun, weights: 'last', method: 'umap', seed: 3 });
  const b = await ask('embedding', { runDir: charRun, weights: 'last', method: 'umap', seed: 3 });
  assert.deepEqual(a.points, b.points);
  const near = await ask('neighbours', { runDir: charRun, weights: 'last', token: 'E', k: 4 });
  assert.equal(near.token, 'E');
  assert.equal(near.neighbours.length, 4);
  assert.ok(near.neighbours.every((n) => n.token !== 'E' && n.similarity <= 1 + 1e-6));
});

test('a CSV run: its validation rows give the diagnostics probe states, and its features are its columns', async () => {
  const snap = await lastSnapshot(csvRun);
  const probe = await ask('states', { runDir: csvRun, weights: 'last', input: { validationSlice: { start: 0, length: 5 } } });
  assertClose(probe.layers[0].h, snap.arrays['l0.h'].data, 'csv l0.h');
  assertClose(probe.layers[0].gates!, snap.arrays['l0.gates'].data, 'csv l0.gates');
  const ranked = await ask('unitFeatures', { runDir: csvRun, weights: 'last', input: { validationSlice: { start: 0, length: 9 } } });
  assert.deepEqual(ranked.features.map((f) => f.feature), ['temp', 'humidity', 'pressure', 'date:sin', 'date:cos', 'target temp', 'target temp +1']);
  // 10 validation rows, lookback 5, horizon 1: 5 windows, rows 0..8; the target is known at rows 5..8, +1 at rows 4..8
  assert.deepEqual(ranked.features.slice(5).map((f) => f.positions), [4, 5]);
  assert.deepEqual(ranked.tokens, Array.from({ length: 9 }, (_, i) => `row ${i}`));
});

test('requests the run cannot answer fail with the problem and what to do', async () => {
  await rejects(ask('states', { runDir: csvRun, weights: 'last', input: { text: 'hello' } }), 'unsupported', /rows of a CSV file, not text/);
  await rejects(ask('embedding', { runDir: csvRun, weights: 'last', method: 'pca' }), 'unsupported', /no embedding/);
  await rejects(ask('states', { runDir: charRun, weights: { checkpoint: 7 }, input: { text: 'a' } }), 'noWeights', /keeps no checkpoint of step 7; it keeps steps 20, 40/);
  await rejects(ask('states', { runDir: path.dirname(charRun), weights: 'last', input: { text: 'a' } }), 'notFound', /not a SeqLab run folder/);
  await rejects(ask('states', { runDir: charRun, weights: 'last', input: { validationSlice: { start: 0, length: 100_000 } } }), 'badInput', /not inside the validation data's \d+ timesteps/);
  await rejects(ask('states', { runDir: charRun, weights: 'last', input: { text: '' } }), 'badInput', /empty/);
  await rejects(ask('neighbours', { runDir: charRun, weights: 'last', token: 'zzz' }), 'badInput', /No token "zzz"/);
  await rejects(ask('match', { runDir: charRun, weights: 'last', selection: { input: { text: 'abc' }, layer: 2 }, t0: 0, t1: 1, threshold: 0 }), 'badInput', /no layer 2/);
  const csvNoBest = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-explore-copy-'));
  fs.cpSync(csvRun, csvNoBest, { recursive: true });
  fs.rmSync(path.join(csvNoBest, RUN_FILES.checkpoints), { recursive: true });
  fs.rmSync(path.join(csvNoBest, RUN_FILES.weightsJson));
  await rejects(ask('states', { runDir: csvNoBest, weights: 'best', input: { validationSlice: { start: 0, length: 5 } } }), 'noWeights', /no best weights/);
  await rejects(ask('states', { runDir: csvNoBest, weights: 'last', input: { validationSlice: { start: 0, length: 5 } } }), 'noWeights', /no weights yet/);
  await rejects(ask('states', { runDir: addingRun, weights: 'last', input: { validationSlice: { start: 0, length: 5 } } }), 'unsupported', /synthetic task adding: its validation examples are independent/);
  await rejects(ask('states', { runDir: addingRun, weights: 'last', input: { text: 'hi' } }), 'unsupported', /synthetic task adding, not text/);
  const cancelled = new AbortController();
  cancelled.abort();
  await rejects(handleExplorerRequest({ kind: 'states', request: { runDir: charRun, weights: 'last', input: { text: 'abc' } } }, cancelled.signal), 'cancelled', /cancelled/);
  // the checkpoint that is kept answers
  const at20 = await ask('states', { runDir: charRun, weights: { checkpoint: 20 }, input: { text: 'ab' } });
  assert.deepEqual(at20.weights, { kind: 'checkpoint', step: 20 });
});
