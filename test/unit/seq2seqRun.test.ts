// The encoder–decoder as a model kind of train(): a tiny reverse task learnt to a high greedy exact match with
// its metrics, samples, weights and run info recorded; the diagnostics arrays under their documented names and
// shapes; a stopped run resumed equals a straight one; a word-level pairs file gets BLEU and chrF; tfjs refused.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { EvalRecord, SampleRecord, StepRecord } from '../../src/shared/metrics';
import { isSeq2seqSpec } from '../../src/shared/seq2seqSpec';
import { readDiagnosticsIndex, readDiagnosticsSnapshot, readMetrics, readWeights } from '../../src/runs/runReader';
import { resolveRun } from '../../src/runs/runReference';
import { TrainError } from '../../src/trainer/errors';
import { train } from '../../src/trainer/training';

function workspace(config: object, files: Record<string, string> = {}): { configPath: string; runsDir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-s2s-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  const configPath = path.join(dir, 'exp.seqlab.json');
  fs.writeFileSync(configPath, JSON.stringify(config, null, 2));
  return { configPath, runsDir: path.join(dir, 'runs') };
}

/** Reverse 3 to 5 letters of a–f: with attention a small LSTM learns it in a few hundred steps. */
const reverse = (model: object = {}, training: object = {}) => ({
  name: 'tiny reverse',
  data: { kind: 'synthetic-pairs', task: 'reverse', minLength: 3, maxLength: 5, alphabetSize: 6, samples: 2000 },
  validationSplit: 0.1,
  model: { kind: 'seq2seq', cell: 'lstm', hiddenSize: 32, embeddingSize: 16, ...model },
  training: { maxSteps: 200, batchSize: 32, learningRate: 0.01, validateEvery: 100, checkpointEvery: 100, threads: 1, ...training },
  decoding: { beamPairs: 40, beamWidth: 3 },
  diagnostics: { every: 100 },
});

const records = async (dir: string) => readMetrics(dir);

test('a tiny reverse task trains through train() to a high greedy exact match, with beam scores, pair samples and its vocabularies saved', async () => {
  const ws = workspace(reverse());
  const out = await train({ configPath: ws.configPath, runsDir: ws.runsDir });
  assert.equal(out.kind, 'finished');
  const metrics = await records(out.runDir!);
  const evals = metrics.filter((m): m is EvalRecord => m.kind === 'eval');
  assert.deepEqual(evals.map((e) => e.step), [100, 200]);
  const last = evals.at(-1)!;
  assert.ok(last.greedy!.exactMatch > 0.9, `greedy exact match ${last.greedy!.exactMatch}`);
  assert.ok(last.greedy!.tokenErrorRate < 0.05, `CER ${last.greedy!.tokenErrorRate}`);
  assert.equal(last.greedy!.pairs, 200, 'every validation pair (6 batches of 32 and the 8 after them)');
  assert.deepEqual([last.beam!.pairs, last.beam!.beamWidth], [40, 3]);
  assert.ok(last.beam!.exactMatch > 0.9);
  assert.equal(last.greedy!.bleu, undefined, 'BLEU and chrF are for word-level targets');
  assert.ok(last.accuracy! > 0.95 && last.loss < 0.2, `token accuracy ${last.accuracy}, loss ${last.loss}`);

  const samples = metrics.filter((m): m is SampleRecord => m.kind === 'sample');
  assert.equal(samples.length, 4);
  for (const s of samples) {
    assert.equal(s.reference, [...s.prime].reverse().join(''));
    assert.equal(typeof s.text, 'string');
    assert.equal(typeof s.beam, 'string');
  }
  assert.ok(samples.filter((s) => s.text === s.reference).length >= 3);

  const run = await resolveRun(ws.runsDir, out.runId!);
  const info = run.meta.info;
  assert.equal(info.errorRateName, 'CER');
  assert.match(info.backendReason!, /auto: wasm kernels/);
  assert.deepEqual(info.probeTargetTokens, [...[...info.probeTokens!].reverse(), '</s>']);
  assert.equal(info.baselines?.[0]?.metric, 'xent');
  assert.equal(info.reverseSource, undefined, 'the encoder reads front to back');

  const weights = (await readWeights(out.runDir!))!;
  assert.ok(isSeq2seqSpec(weights.meta.spec));
  assert.equal(weights.meta.spec.attention, 'additive');
  assert.equal(weights.meta.spec.attentionSize, 32, 'attentionSize 0 takes the decoder\'s hidden size');
  const pairs = weights.meta.pairs!;
  assert.deepEqual(pairs.source.tokens, ['<pad>', '<s>', '</s>', '<unk>', 'a', 'b', 'c', 'd', 'e', 'f']);
  assert.deepEqual([pairs.source.level, pairs.target.level, pairs.reverseSourceText, pairs.sourceSteps, pairs.targetSteps], ['char', 'char', false, 5, 6]);
});

test('a beam over more pairs than 64 batches hold: greedy decoding scores the same pairs, so the two compare on the same words', async () => {
  const config = reverse({ hiddenSize: 8, embeddingSize: 4, attention: 'none' }, { maxSteps: 1, batchSize: 2, validateEvery: 1, checkpointEvery: 0 });
  const ws = workspace({ ...config, data: { ...config.data, samples: 3000 }, decoding: { beamPairs: 1000, beamWidth: 2 }, diagnostics: { enabled: false } });
  const out = await train({ configPath: ws.configPath, runsDir: ws.runsDir });
  const last = (await records(out.runDir!)).filter((m): m is EvalRecord => m.kind === 'eval').at(-1)!;
  // 300 validation pairs at batch size 2 are 150 batches, over the 64 the loss reads on its own
  assert.deepEqual([last.greedy!.pairs, last.beam!.pairs], [300, 300]);
});

test('the diagnostics snapshot holds the probe pair\'s attention, states and gradient norms under their documented names and shapes', async () => {
  const ws = workspace(reverse({ encoder: { bidirectional: true, hiddenSize: 12 }, hiddenSize: 20, attention: 'general' }, { maxSteps: 20, validateEvery: 20, checkpointEvery: 0 }));
  const out = await train({ configPath: ws.configPath, runsDir: ws.runsDir });
  const info = (await resolveRun(ws.runsDir, out.runId!)).meta.info;
  const S = info.probeTokens!.length, T = info.probeTargetTokens!.length;
  assert.equal(T, S + 1);
  const index = await readDiagnosticsIndex(out.runDir!);
  assert.deepEqual(index.map((e) => e.step), [0, 20]);
  const snap = await readDiagnosticsSnapshot(out.runDir!, index[1]);
  const shapes = Object.fromEntries(Object.entries(snap.arrays).map(([name, a]) => [name, a.shape]));
  assert.deepEqual(shapes, {
    att: [T, S],
    'enc.l0.fwd.h': [S, 12], 'enc.l0.fwd.dh': [S], 'enc.l0.fwd.dc': [S],
    'enc.l0.bwd.h': [S, 12], 'enc.l0.bwd.dh': [S], 'enc.l0.bwd.dc': [S],
    'dec.l0.h': [T, 20], 'dec.l0.dh': [T], 'dec.l0.dc': [T],
  });
  // each decoder step's attention is a distribution over the source positions
  const att = snap.arrays.att.data;
  for (let t = 0; t < T; t++) {
    const row = att.subarray(t * S, (t + 1) * S);
    assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-4, `attention row ${t}`);
  }
  assert.ok(snap.arrays['enc.l0.bwd.dh'].data.every((v) => Number.isFinite(v) && v > 0));
  assert.ok(snap.gradNorms!['att.Wk'] > 0 && snap.gradNorms!['bridge.l0.Wh'] > 0 && snap.weightNorms!['src.embedding'] > 0);
});

for (const [bucketByLength, dropout] of [[false, 0], [true, 0.3]] as const) {
  test(`a stopped seq2seq run resumes from its checkpoint and continues the straight run's losses and weights${bucketByLength ? ', with batches bucketed by length and dropout' : ''}`, async () => {
    const cfg = reverse({ cell: 'gru', dropout }, { maxSteps: 24, validateEvery: 8, checkpointEvery: 0, bucketByLength });
    const straight = workspace(cfg);
    const full = await train({ configPath: straight.configPath, runsDir: straight.runsDir });
    const losses = async (dir: string) => (await records(dir)).filter((m): m is StepRecord => m.kind === 'step').map((m) => m.loss);
    const fullLosses = await losses(full.runDir!);

    const ws = workspace(cfg);
    let steps = 0;
    const first = await train({ configPath: ws.configPath, runsDir: ws.runsDir }, { progress: (p) => (steps = p.step) }, () => steps >= 11);
    assert.deepEqual([first.kind, first.step], ['cancelled', 11]);
    const second = await train({ configPath: ws.configPath, runsDir: ws.runsDir, resumeRunId: first.runId });
    assert.deepEqual([second.kind, second.runId], ['finished', first.runId]);
    const resumed = await losses(second.runDir!);
    assert.equal(resumed.length, 24);
    for (let i = 0; i < 24; i++) assert.ok(Math.abs(resumed[i] - fullLosses[i]) <= 1e-6 * Math.abs(fullLosses[i]), `step ${i + 1}: ${resumed[i]} vs ${fullLosses[i]}`);
    assert.deepEqual((await readWeights(second.runDir!))!.params, (await readWeights(full.runDir!))!.params);
  });
}

test('model.dropout reaches the training steps: the first step\'s loss differs from the run without it, the evaluation does not use it', async () => {
  const first = async (dropout: number) => {
    const ws = workspace(reverse({ dropout }, { maxSteps: 1, validateEvery: 1, checkpointEvery: 0 }));
    const out = await train({ configPath: ws.configPath, runsDir: ws.runsDir });
    const metrics = await records(out.runDir!);
    return { step: metrics.find((m): m is StepRecord => m.kind === 'step')!.loss, params: (await readWeights(out.runDir!))!.params };
  };
  const [plain, dropped] = await Promise.all([first(0), first(0.5)]);
  assert.notEqual(dropped.step, plain.step);
  assert.notDeepEqual(dropped.params, plain.params);
});

test('word-level targets get BLEU and chrF, and the error rate is called PER; the run\'s info says the encoder read backwards', async () => {
  const numbers = ['zero', 'one', 'two', 'three', 'four', 'five'];
  const lines = Array.from({ length: 120 }, (_, i) => {
    const words = [numbers[i % 6], numbers[(i * 7) % 6], numbers[(i * 5 + 1) % 6]];
    return `${words.join(' ')}\t${[...words].reverse().join(' ')}`;
  });
  const ws = workspace({
    name: 'word pairs',
    data: { kind: 'pairs', path: 'p.tsv', sourceLevel: 'word', targetLevel: 'word' },
    validationSplit: 0.2,
    model: { kind: 'seq2seq', cell: 'gru', hiddenSize: 16, embeddingSize: 8, reverseSource: true },
    training: { maxSteps: 10, batchSize: 8, validateEvery: 10, threads: 1 },
    decoding: { beamPairs: 5 },
  }, { 'p.tsv': lines.join('\n') + '\n' });
  const out = await train({ configPath: ws.configPath, runsDir: ws.runsDir });
  const last = (await records(out.runDir!)).filter((m): m is EvalRecord => m.kind === 'eval').at(-1)!;
  for (const scores of [last.greedy!, last.beam!]) {
    assert.ok(scores.bleu !== undefined && scores.bleu >= 0 && scores.bleu <= 100, `BLEU ${scores.bleu}`);
    assert.ok(scores.chrF !== undefined && scores.chrF >= 0 && scores.chrF <= 100, `chrF ${scores.chrF}`);
  }
  const info = (await resolveRun(ws.runsDir, out.runId!)).meta.info;
  assert.deepEqual([info.errorRateName, info.reverseSource], ['PER', true]);
});

test('the tfjs backend is refused, naming wasm', async () => {
  const ws = workspace(reverse());
  await assert.rejects(train({ configPath: ws.configPath, runsDir: ws.runsDir, backend: 'tfjs' }), (e: unknown) => {
    assert.ok(e instanceof TrainError);
    assert.equal(e.kind, 'config');
    assert.match(e.message, /trains on the wasm kernels only; the tfjs backend has no seq2seq model\. Use "backend": "wasm"/);
    return true;
  });
});
