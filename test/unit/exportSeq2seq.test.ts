// `seqlab export --format tfjs` of an encoder–decoder, as a web page meets it: the models of tiny specs with
// random weights are written, served over http, loaded by the written seqlab-decode.js (after seqlab-gru.js
// for a GRU) in TensorFlow.js's cpu backend, and its greedy decoding of a padded batch is compared with the
// engine's (Seq2seqDecoder over the wasm kernels) token for token, with every step's probabilities and
// attention row to 1e-5. Then the export command itself on seq2seq run folders: what it writes and prints,
// and what it refuses.
// Needs neither tfjs-node nor a build.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import * as vm from 'node:vm';
import type { ExperimentConfig } from '../../src/shared/config';
import { applyDefaults } from '../../src/shared/configValidation';
import { seq2seqLayout, seq2seqParamCount, type Seq2seqSpec } from '../../src/shared/seq2seqSpec';
import type { PairSide, SavedWeights } from '../../src/runs/runFiles';
import { RunWriter } from '../../src/runs/runWriter';
import { loadTfjs, type Tf } from '../../src/trainer/backends/tfjs/tfjsRuntime';
import { pairVocabulary } from '../../src/trainer/data/pairVocabulary';
import { ExportError, exportRun } from '../../src/trainer/export/exportRun';
import { GRU_CELL_CLASS, GRU_LAYER_CLASS } from '../../src/trainer/export/gruCellScript';
import type { DecodedText, Seq2seqDecodeModule, Seq2seqTranslator } from '../../src/trainer/export/seq2seqDecodeScript';
import { type Seq2seqExportMetadata, SEQ2SEQ_TFJS_FILES, seq2seqExportMetadata, seq2seqTensorNames } from '../../src/trainer/export/seq2seqTfjsFormat';
import { writeSeq2seqTfjs } from '../../src/trainer/export/seq2seqTfjsExport';
import { Seq2seqDecoder } from '../../src/trainer/seq2seq/seq2seqDecoder';
import { extraCases, fillSeq2seqParams, gridCases, type Seq2seqCase } from './seq2seqCases';

const TOL = 1e-5;
const worst = new Map<string, number>();
function close(what: string, got: ArrayLike<number>, want: ArrayLike<number>): void {
  assert.equal(got.length, want.length, `${what}: ${got.length} values, expected ${want.length}`);
  let max = 0;
  for (let i = 0; i < got.length; i++) max = Math.max(max, Math.abs(got[i] - want[i]));
  worst.set(what.split(':')[0], Math.max(worst.get(what.split(':')[0]) ?? 0, max));
  assert.ok(max < TOL, `${what}: max |difference| ${max.toExponential(2)} ≥ ${TOL}`);
}
after(() => {
  for (const [what, max] of worst) console.log(`# max |tfjs export − wasm|, ${what}: ${max.toExponential(2)}`);
});

const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-export-s2s-'));

/** Token strings for a tiny spec's vocabularies: the four specials, then letters. */
const vocabulary = (size: number, first: string): string[] => ['<pad>', '<s>', '</s>', '<unk>', ...Array.from({ length: size - 4 }, (_, i) => String.fromCharCode(first.charCodeAt(0) + i))];

/** How the config's data cuts one side's text, as the trainer saves it beside the vocabulary. */
function sideOf(config: ExperimentConfig, side: 'source' | 'target'): Omit<PairSide, 'tokens'> {
  const data = config.data;
  return data.kind === 'pairs' ? { level: side === 'source' ? data.sourceLevel : data.targetLevel, lowercase: data.lowercase } : { level: 'char', lowercase: false };
}

function savedWeights(spec: Seq2seqSpec, config: ExperimentConfig, step = 7): SavedWeights {
  return {
    step, epoch: 0, spec, config, paramCount: seq2seqParamCount(spec),
    pairs: {
      source: { tokens: vocabulary(spec.sourceVocab, 'a'), ...sideOf(config, 'source') },
      target: { tokens: vocabulary(spec.targetVocab, 'p'), ...sideOf(config, 'target') },
      reverseSourceText: false, sourceSteps: 4, targetSteps: 5,
    },
  };
}

const taskConfig = (name: string): ExperimentConfig => applyDefaults({ name, data: { kind: 'synthetic-pairs', task: 'reverse', maxLength: 4 } });

/** The export folder over http, as a page's server would serve it. */
async function serve(dir: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const file = path.join(dir, path.basename(new URL(req.url ?? '/', 'http://localhost').pathname));
    fs.readFile(file, (err, data) => {
      res.writeHead(err ? 404 : 200);
      res.end(err ? undefined : data);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }) };
}

/** A page: seqlab-decode.js, and for a GRU model seqlab-gru.js before it, run as classic scripts with the global tf. */
async function loadAsPage(tf: Tf, dir: string, gru: boolean): Promise<Seq2seqTranslator> {
  const page: { tf: Tf; seqlabDecode?: Seq2seqDecodeModule } = { tf };
  const run = (file: string) => vm.runInNewContext(fs.readFileSync(path.join(dir, file), 'utf8'), page);
  const server = await serve(dir);
  try {
    run(SEQ2SEQ_TFJS_FILES.decodeScript);
    if (gru) {
      const classes = tf.serialization.SerializationMap.getMap().classNameMap as Record<string, unknown>;
      for (const name of [GRU_CELL_CLASS, GRU_LAYER_CLASS]) delete classes[name];
      await assert.rejects(page.seqlabDecode!.load(server.url), new RegExp(GRU_LAYER_CLASS), 'a GRU export must not load without seqlab-gru.js');
      run(SEQ2SEQ_TFJS_FILES.gruCell);
    }
    return await page.seqlabDecode!.load(server.url);
  } finally {
    await server.close();
  }
}

/** The source rows of the comparison: lengths S, S−2, S−1, as ids 1..Vs−1 (some <s>, </s>, <unk>, as a user may type). */
function sources(spec: Seq2seqSpec, S: number, seed: number): number[][] {
  const p = new Float32Array(3 * S);
  fillSeq2seqParams(p, seed, 1);
  return [S, S - 2, S - 1].map((n, b) => Array.from({ length: n }, (_, s) => 1 + Math.floor(((p[b * S + s] + 1) / 2) * (spec.sourceVocab - 1) * 0.999)));
}

/** The engine's greedy decoding, step by step from the same state the kernels keep: log-probabilities and attention per step. */
function engineSteps(spec: Seq2seqSpec, params: Float32Array, rows: number[][], S: number, maxLength: number) {
  const d = Seq2seqDecoder.create({ spec, rows: rows.length, sourceLength: S, relaxedSimd: false });
  d.params().set(params);
  const source = new Int32Array(rows.length * S);
  rows.forEach((r, b) => source.set(r, b * S));
  const greedy = d.greedy(source, maxLength);
  let state = d.encode(source);
  const tokens = new Int32Array(rows.length).fill(spec.bosId);
  const steps: { logProbs: Float32Array; attention: Float32Array }[] = [];
  for (let t = 0; t < maxLength; t++) {
    const step = d.step(tokens, state);
    steps.push({ logProbs: step.logProbs, attention: step.attention });
    state = step.state;
    for (let b = 0; b < rows.length; b++) {
      const lp = step.logProbs.subarray(b * spec.targetVocab, (b + 1) * spec.targetVocab);
      tokens[b] = 1 + lp.subarray(1).indexOf(Math.max(...lp.subarray(1)));   // every id but <pad>, as greedy decoding does
    }
  }
  d.dispose();
  return { greedy, steps };
}

function compareDecoding(c: Seq2seqCase, got: DecodedText[], want: ReturnType<typeof engineSteps>, rows: number[][], S: number): void {
  const V = c.spec.targetVocab;
  rows.forEach((row, b) => {
    const g = got[b], w = want.greedy[b];
    assert.deepEqual(Array.from(g.ids), w.tokens, `row ${b}: tfjs decodes ${g.ids}, the engine ${w.tokens}`);
    assert.equal(g.finished, w.finished, `row ${b}: finished`);
    assert.ok(Math.abs(g.logProb - w.logProb) < 1e-4, `row ${b}: log-probability ${g.logProb} vs ${w.logProb}`);
    g.steps.forEach((step, t) => {
      close(`probabilities: row ${b} step ${t}`, step.probabilities, Array.from(want.steps[t].logProbs.subarray(b * V, (b + 1) * V), Math.exp));
      if (c.spec.attention === 'none') return;
      const engineRow = want.steps[t].attention.subarray(b * S, (b + 1) * S);
      close(`attention: row ${b} step ${t}`, g.attention[t], engineRow.subarray(0, row.length));
      assert.ok(engineRow.subarray(row.length).every((a) => a === 0), 'the engine gives padding no attention');
    });
  });
}

// Every cell × attention × bidirectional, input feeding with and without, and the extra cases (mixed cells, a
// bridge between sizes, the reversed source, two layers): 49 cases of a few hundred milliseconds each.
const cases = [...gridCases(), ...extraCases()];
for (const c of cases) {
  test(`the tfjs export decodes as the engine does: ${c.name}`, async () => {
    const { tf } = await loadTfjs('cpu');
    const spec = c.spec, S = 5, maxLength = 6;
    const params = new Float32Array(seq2seqParamCount(spec));
    fillSeq2seqParams(params, 17, 1);
    // a </s> less likely than random weights make it: most rows decode several tokens, some stop early
    params[seq2seqLayout(spec).find((p) => p.name === 'out.by')!.offset + spec.eosId] = -1.5;
    const weights = savedWeights(spec, taskConfig(`export ${c.name}`));
    const metadata = seq2seqExportMetadata('run-1', { meta: weights, params }, spec, 'last');
    const dir = tmp();
    const files = await writeSeq2seqTfjs(dir, spec, params, metadata);
    const gru = spec.encoder.cell === 'gru' || spec.decoder.cell === 'gru';
    const F = SEQ2SEQ_TFJS_FILES;
    assert.deepEqual(files.map((f) => path.basename(f.path)), [F.encoder, F.decoder, F.decodeScript, ...(gru ? [F.gruCell] : []), F.decoderWeights, F.encoderWeights]);
    assert.deepEqual(fs.readdirSync(dir).sort(), files.map((f) => path.basename(f.path)).sort());

    const translator = await loadAsPage(tf, dir, gru);
    const t = translator as Seq2seqTranslator & { encoder: { inputNames: string[]; outputNames: string[] }; decoder: { inputNames: string[]; outputNames: string[] } };
    const names = seq2seqTensorNames(spec);
    assert.deepEqual(Array.from(t.encoder.outputNames), names.encoderOutputs);
    assert.deepEqual(Array.from(t.decoder.inputNames), names.decoderInputs);
    assert.deepEqual(Array.from(t.decoder.outputNames), names.decoderOutputs);
    const rows = sources(spec, S, 5);
    const tensorsBefore = tf.memory().numTensors;
    const got = await translator.greedy(rows, { maxLength });
    assert.equal(tf.memory().numTensors, tensorsBefore, 'decoding leaves no tensors behind');
    compareDecoding(c, got, engineSteps(spec, params, rows, S, maxLength), rows, S);
    assert.ok(got.some((g) => g.steps.length > 2), 'the comparison covers more than two steps');
    fs.rmSync(dir, { recursive: true, force: true });
  });
}

// ---------------------------------------------------------------- the export command on seq2seq run folders
interface Seq2seqRun { runsDir: string; runDir: string; id: string; spec: Seq2seqSpec; params: Float32Array; config: ExperimentConfig }

/** A finished seq2seq run folder as the trainer leaves it: meta.json, config, weights.json/.bin (modelKind 'seq2seq'). */
function seq2seqRun(c: Seq2seqCase, config: ExperimentConfig, edit: (w: SavedWeights) => object = (w) => w): Seq2seqRun {
  const runsDir = path.join(tmp(), 'runs'), id = `20261201-120000-${c.name.replace(/[^a-z0-9]+/g, '-')}-beef`;
  const params = new Float32Array(seq2seqParamCount(c.spec));
  fillSeq2seqParams(params, 3, 1);
  const w = RunWriter.create(runsDir, {
    id, name: config.name, configPath: path.join(runsDir, 'exp.seqlab.json'), cell: c.spec.encoder.cell, backend: 'wasm', device: 'wasm simd', seed: 1,
    paramCount: params.length, totalSteps: 7, dataSummary: 'reverse', task: 'reverse', gateNames: [],
  }, JSON.stringify(config));
  w.saveWeights(edit(savedWeights(c.spec, config)) as SavedWeights, params);
  w.update({ status: { kind: 'finished', step: 7 } });
  w.close();
  return { runsDir, runDir: w.dir, id, spec: c.spec, params, config };
}

test('seqlab export writes both models and the decode script for a seq2seq run; the script translates text as the engine does', async () => {
  const { tf } = await loadTfjs('cpu');
  const c = extraCases().find((x) => x.spec.reverseSource && x.spec.encoder.bidirectional)!;   // additive, input feeding, reversed source
  const config = applyDefaults({ name: 'translate words', data: { kind: 'pairs', path: 'pairs.tsv', sourceLevel: 'char', targetLevel: 'word', lowercase: true, maxTargetLength: 5 } });
  const run = seq2seqRun(c, config);
  const result = await exportRun({ runsDir: run.runsDir, run: run.id, format: 'tfjs', weights: 'last', force: false });
  assert.equal(result.dir, path.join(run.runDir, 'export', 'tfjs'));
  assert.equal(result.modelJson, path.join(result.dir, SEQ2SEQ_TFJS_FILES.encoder));
  assert.equal(result.step, 7);
  assert.match(result.usage, /<script src="seqlab-decode\.js"><\/script>/);
  assert.match(result.usage, /seqlabDecode\.load\(\)/);
  assert.doesNotMatch(result.usage, /seqlab-gru\.js/);

  const translator = await loadAsPage(tf, result.dir, false);
  const meta = translator.meta as Seq2seqExportMetadata;
  assert.equal(meta.run.id, run.id);
  assert.deepEqual(meta.source.tokenizer, { level: 'char', lowercase: true });
  assert.equal(meta.target.tokenizer.level, 'word');
  assert.equal(meta.target.maxLength, 6, 'maxTargetLength tokens and </s>');
  // text → ids as the pairs data does it: NFC, lower case, one token per character, unknown → <unk>
  const texts = ['ABBa', 'b', 'Cé'];
  const ids = texts.map((t) => translator.sourceIds(t));
  assert.deepEqual(ids.map((r) => Array.from(r)), [[4, 5, 5, 4], [5], [3, 3]]);
  const got = await translator.greedy(texts);
  const want = engineSteps(run.spec, run.params, ids, 4, meta.target.maxLength).greedy;
  got.forEach((g, b) => {
    assert.deepEqual(Array.from(g.ids), want[b].tokens);
    assert.deepEqual(Array.from(g.tokens), want[b].tokens.map((id) => meta.target.vocabulary[id]));
    assert.equal(g.text, joinTarget(g.tokens));
    assert.equal(g.attention.length, g.steps.length);
  });
});

const joinTarget = (tokens: string[]): string => pairVocabulary('word', false, tokens).decode(tokens.map((_, i) => i + 4));

test("seqlab-decode.js cuts and joins text as the pairs data does", async () => {
  const { tf } = await loadTfjs('cpu');
  const page: { tf: Tf; seqlabDecode?: Seq2seqDecodeModule } = { tf };
  const dir = tmp();
  fs.writeFileSync(path.join(dir, SEQ2SEQ_TFJS_FILES.decodeScript), (await import('../../src/trainer/export/seq2seqDecodeScript')).SEQ2SEQ_DECODE_SCRIPT);
  vm.runInNewContext(fs.readFileSync(path.join(dir, SEQ2SEQ_TFJS_FILES.decodeScript), 'utf8'), page);
  const script = page.seqlabDecode!;
  const texts = ['Hello, world!', "Don't  stop (now) — «vite» ça.", 'Cafe\u0301 NAÏVE', 'HH AH0 L OW1', '535+61', ''];
  for (const level of ['char', 'word'] as const)
    for (const lowercase of [false, true]) {
      const tokenizer = level === 'word' ? { level, lowercase, pattern: (await import('../../src/trainer/data/text')).WORD_TOKEN.source } : { level, lowercase };
      const side = { tokenizer, reverseText: false };
      for (const text of texts) {
        const tokens = Array.from(script.tokenize(side, text));
        const vocab = pairVocabulary(level, lowercase, tokens);
        assert.deepEqual(tokens, vocab.tokenize(text), `${level}, lowercase ${lowercase}: ${text}`);
        assert.equal(script.join(side, tokens), vocab.decode(Array.from(vocab.encode(text))), `${level} join: ${text}`);
      }
    }
  assert.deepEqual(Array.from(script.tokenize({ tokenizer: { level: 'char', lowercase: false }, reverseText: true }, '535+61')), [...'16+535']);
});

test('seq2seq export refusals say what is wrong and what to do', async () => {
  const c = gridCases().find((x) => x.spec.attention === 'general' && x.spec.encoder.cell === 'gru')!;
  const config = taskConfig('refusals');
  const problem = (p: string, text: RegExp) => (e: unknown) => e instanceof ExportError && e.problem === p && text.test(e.message);
  const base = { format: 'tfjs' as const, weights: 'last' as const, force: false };

  // no weights yet: the run folder as training leaves it before its first checkpoint
  const fresh = seq2seqRun(c, config);
  for (const f of ['weights.json', 'weights.bin']) fs.rmSync(path.join(fresh.runDir, f));
  await assert.rejects(exportRun({ ...base, runsDir: fresh.runsDir, run: fresh.id }), problem('noWeights', /has no weights: no final weights .* and no checkpoint/));
  await assert.rejects(exportRun({ ...base, runsDir: fresh.runsDir, run: fresh.id, weights: 'best' }), problem('noWeights', /no best weights.*--checkpoint last/));

  const refused = async (edit: (w: SavedWeights) => object, text: RegExp) => {
    const run = seq2seqRun(c, config, edit);
    await assert.rejects(exportRun({ ...base, runsDir: run.runsDir, run: run.id }), problem('unsupported', text));
    assert.ok(!fs.existsSync(path.join(run.runDir, 'export')), 'a refused export writes nothing');
  };
  await refused(({ pairs: _, ...w }) => w, /saved without its source and target vocabularies.*Train the config again \(refusals\)/);
  await refused((w) => ({ ...w, pairs: { ...w.pairs!, target: { ...w.pairs!.target, tokens: w.pairs!.target.tokens.slice(1) } } }), /target vocabulary has 6 tokens but its model 7/);
  await refused((w) => ({ ...w, spec: { ...w.spec, attention: 'dot', decoder: { ...(w.spec as unknown as Seq2seqSpec).decoder, hiddenSize: 9 } } }), /cannot be built: .*attention 'dot'.*must equal decoder\.hiddenSize/);
  await refused((w) => ({ ...w, spec: { ...w.spec, sourceVocab: 9 } }), /weights hold [\d,]+ parameters but its encoder–decoder needs [\d,]+: the weights file is damaged/);
});
