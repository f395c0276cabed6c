// `seqlab export --format tfjs` end to end, as a web page meets the result: tiny runs trained for a few
// steps (text: tokens + head every + xent; CSV: features + head last + mse; RNN, LSTM, GRU; 1 and 2 layers)
// are exported, the folder is served over http, tf.loadLayersModel loads model.json from the server (the
// path a browser takes: fetch, relative weights path, userDefinedMetadata), and its predictions on a
// batch are compared with SeqLab's own wasm forward on the same weights and inputs. The metadata is
// checked by using it as a page would: encode text with its vocabulary, z-score raw CSV rows with its
// mean/std, read forecasts back in the data's units.
// Runs on tfjs's cpu backend; needs neither tfjs-node nor a build.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import * as vm from 'node:vm';
import type * as TF from '@tensorflow/tfjs';
import type { CellKind } from '../../src/shared/config';
import type { ExportResult } from '../../src/shared/modelExport';
import { RUN_FILES } from '../../src/runs/runFiles';
import { isSequenceWeights, readBestWeights, readWeights } from '../../src/runs/runReader';
import { resolveRun } from '../../src/runs/runReference';
import { createBackend } from '../../src/trainer/backends/createBackend';
import { loadTfjs, type Tf } from '../../src/trainer/backends/tfjs/tfjsRuntime';
import { type CsvDataset, loadDataset, type SingleStreamDataset } from '../../src/trainer/data';
import { ExportError, exportRun } from '../../src/trainer/export/exportRun';
import { GRU_CELL_CLASS } from '../../src/trainer/export/gruCellScript';
import { type ExportMetadata, TFJS_FILES } from '../../src/trainer/export/tfjsFormat';
import { type ModelSpec, paramLayout } from '../../src/trainer/model';
import { train } from '../../src/trainer/training';

const fixtures = path.resolve(__dirname, '..', 'fixtures', 'data');
const TOL = 1e-5;

const worst = new Map<string, number>();
function close(what: string, got: ArrayLike<number>, want: ArrayLike<number>, tol = TOL): number {
  assert.equal(got.length, want.length, `${what}: ${got.length} values, expected ${want.length}`);
  let max = 0;
  for (let i = 0; i < got.length; i++) max = Math.max(max, Math.abs(got[i] - want[i]));
  worst.set(what, Math.max(worst.get(what) ?? 0, max));
  assert.ok(max < tol, `${what}: max |difference| ${max.toExponential(2)} ≥ ${tol}`);
  return max;
}
after(() => {
  for (const [what, max] of worst) console.log(`# max |tfjs export − wasm|, ${what}: ${max.toExponential(2)}`);
});

type Kind = 'text' | 'csv';

function config(kind: Kind, cell: CellKind, layers: number): object {
  const common = { model: { cell, layers, hiddenSize: 8, embeddingSize: 5 }, diagnostics: { enabled: false } };
  const training = { maxSteps: 4, batchSize: 4, validateEvery: 2, checkpointEvery: 0, learningRate: 0.05, threads: 1 };
  return kind === 'text'
    ? { name: `export text ${cell} ${layers}`, data: { kind: 'text', path: path.join(fixtures, 'corpus.txt') }, training: { ...training, sequenceLength: 12 }, ...common }
    : { name: `export csv ${cell} ${layers}`, data: { kind: 'csv', path: path.join(fixtures, 'weather.csv'), targets: ['temp'], lookback: 6 }, validationSplit: 0.3, training, ...common };
}

interface TrainedRun {
  runsDir: string;
  runDir: string;
  runId: string;
  configPath: string;
}

async function trainRun(kind: Kind, cell: CellKind, layers: number): Promise<TrainedRun> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-export-'));
  const configPath = path.join(dir, 'exp.seqlab.json');
  fs.writeFileSync(configPath, JSON.stringify(config(kind, cell, layers), null, 2));
  const runsDir = path.join(dir, '.seqlab', 'runs');
  const out = await train({ configPath, runsDir });
  assert.equal(out.kind, 'finished');
  return { runsDir, runDir: out.runDir, runId: out.runId, configPath };
}

async function datasetOf(run: TrainedRun): Promise<SingleStreamDataset> {
  const c = (await readWeights(run.runDir))!.meta.config;
  const data = loadDataset(c.data, { configDir: path.dirname(run.configPath), validationSplit: c.validationSplit, sequenceLength: c.training.sequenceLength });
  if (data.kind === 'pairs') throw new Error('the export tests train single-stream models only');
  return data;
}

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
  return { url: `http://127.0.0.1:${port}/${TFJS_FILES.model}`, close: () => new Promise((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }) };
}

/** A fresh page: SeqLab's GRU cell is not registered until seqlab-gru.js has run. */
function forgetGruCell(tf: Tf): void {
  delete (tf.serialization.SerializationMap.getMap().classNameMap as Record<string, unknown>)[GRU_CELL_CLASS];
}

/** What a page gets: the model loaded over http (GRU: after seqlab-gru.js ran as a classic script with the global tf). */
async function loadAsPage(tf: Tf, result: ExportResult, cell: CellKind): Promise<TF.LayersModel> {
  const server = await serve(result.dir);
  try {
    if (cell === 'gru') {
      forgetGruCell(tf);
      await assert.rejects(tf.loadLayersModel(server.url), new RegExp(GRU_CELL_CLASS), 'a GRU export must not load without seqlab-gru.js');
      vm.runInNewContext(fs.readFileSync(path.join(result.dir, TFJS_FILES.gruCell), 'utf8'), { tf });
    }
    return await tf.loadLayersModel(server.url);
  } finally {
    await server.close();
  }
}

/** SeqLab's forward (wasm kernels) on the run's weights: outputs batch-major, like the exported model's. */
async function wasmForward(spec: ModelSpec, params: Float32Array, x: Int32Array | Float32Array, B: number): Promise<Float32Array> {
  const T = x.length / B / (spec.input === 'tokens' ? 1 : spec.inputSize);
  const { backend } = await createBackend('wasm', { spec, batch: B, steps: T, threads: 1 });
  try {
    backend.setParams(params);
    const rows = spec.head === 'every' ? T : 1;
    const y = spec.loss === 'xent' ? new Int32Array(B * rows) : new Float32Array(B * rows * spec.outputSize);
    const timeMajor = backend.evaluate({ x, y, size: B }).outputs;   // [rows, B, O]
    const O = spec.outputSize;
    const out = new Float32Array(timeMajor.length);
    for (let t = 0; t < rows; t++) for (let b = 0; b < B; b++) out.set(timeMajor.subarray((t * B + b) * O, (t * B + b + 1) * O), (b * rows + t) * O);
    return out;
  } finally {
    await backend.dispose();
  }
}

function predict(tf: Tf, model: TF.LayersModel, spec: ModelSpec, x: Int32Array | Float32Array, B: number): Float32Array {
  return tf.tidy(() => {
    const T = x.length / B / (spec.input === 'tokens' ? 1 : spec.inputSize);
    const input = spec.input === 'tokens' ? tf.tensor2d(Array.from(x), [B, T]) : tf.tensor3d(x as Float32Array, [B, T, spec.inputSize]);
    return (model.predict(input) as TF.Tensor).dataSync() as Float32Array;
  });
}

/** The first `T` timesteps of each of the B examples of a batch-major x. */
function prefix(x: Int32Array | Float32Array, B: number, steps: number, T: number, perStep: number): Int32Array | Float32Array {
  const out = x instanceof Int32Array ? new Int32Array(B * T * perStep) : new Float32Array(B * T * perStep);
  for (let b = 0; b < B; b++) out.set(x.subarray(b * steps * perStep, (b * steps + T) * perStep), b * T * perStep);
  return out;
}

const cases: [Kind, CellKind, number][] = [];
for (const kind of ['text', 'csv'] as const) for (const cell of ['rnn', 'lstm', 'gru'] as const) for (const layers of [1, 2]) cases.push([kind, cell, layers]);

for (const [kind, cell, layers] of cases) {
  test(`tfjs export predicts what the run predicts: ${kind}, ${cell}, ${layers} layer${layers > 1 ? 's' : ''}`, async () => {
    const { tf } = await loadTfjs('cpu');
    const run = await trainRun(kind, cell, layers);
    const result = await exportRun({ runsDir: run.runsDir, run: run.runId, format: 'tfjs', weights: 'last', force: false });
    assert.equal(result.dir, path.join(run.runDir, 'export', 'tfjs'));
    const names = fs.readdirSync(result.dir).sort();
    assert.deepEqual(names, [TFJS_FILES.model, TFJS_FILES.weights, ...(cell === 'gru' ? [TFJS_FILES.gruCell] : [])].sort());

    const weights = (await readWeights(run.runDir))!;
    assert.ok(isSequenceWeights(weights));
    const spec = weights.meta.spec;
    const model = await loadAsPage(tf, result, cell);
    const tensorsBefore = tf.memory().numTensors;
    try {
      const meta = model.getUserDefinedMetadata() as ExportMetadata;
      assert.equal(meta.run.id, run.runId);
      assert.equal(meta.run.cell, cell);
      assert.equal(meta.run.step, 4);

      const data = await datasetOf(run);
      const B = 4;
      const split = data.validationSize >= B ? 'validation' : 'train';
      const { x } = data.batch(split, [0, 1, 2, 3]);
      const perStep = spec.input === 'tokens' ? 1 : spec.inputSize;
      const group = `${kind} ${spec.loss} head ${spec.head}`;
      close(group, predict(tf, model, spec, x, B), await wasmForward(spec, weights.params, x, B));
      // any number of timesteps, as the metadata promises
      const short = prefix(x, B, data.steps, 3, perStep);
      close(`${group}, 3 timesteps`, predict(tf, model, spec, short, B), await wasmForward(spec, weights.params, short, B));

      if (kind === 'text') {
        assert.equal(meta.input.kind, 'tokens');
        if (meta.input.kind !== 'tokens') return;
        assert.equal(meta.input.sequenceLength, 12);
        assert.deepEqual(meta.input.tokenizer, { level: 'char' });
        assert.equal(meta.output.kind, 'probabilities');
        // the page's encoding (the README's line) is the trainer's, unknown characters included
        const text = 'The keeper’s lamp ✨';
        const vocabulary = meta.input.vocabulary;
        const pageIds = [...text].map((t) => Math.max(0, vocabulary.indexOf(t)));
        assert.equal(data.kind, 'text');
        if (data.kind !== 'text') return;
        assert.deepEqual(pageIds, Array.from(data.encode(text)));
      } else {
        assert.equal(meta.input.kind, 'features');
        assert.equal(meta.output.kind, 'values');
        if (meta.input.kind !== 'features' || meta.output.kind !== 'values') return;
        const csv = data as CsvDataset;
        assert.deepEqual(meta.input.features, ['temp', 'humidity', 'pressure']);
        assert.equal(meta.input.sequenceLength, 6);
        // raw rows of the file → the page's z-scores → forecast in °C, against the run's own forecast in °C
        const rows = fs.readFileSync(path.join(fixtures, 'weather.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
        const raw = (r: string[]) => [Number(r[1]), Number(r[2]), Number(r[3])];
        const mean = meta.input.mean!, std = meta.input.std!;
        const window = rows.slice(csv.rows.train, csv.rows.train + 6).map((r) => raw(r).map((v, j) => (v - mean[j]) / std[j]));
        const z = predict(tf, model, spec, Float32Array.from(window.flat()), 1);
        const out = meta.output;
        const pageForecast = Array.from(z, (v, k) => v * out.std![k] + out.mean![k]);
        const first = csv.batch('validation', [0]);
        const runForecast = csv.denormalize(await wasmForward(spec, weights.params, first.x, 1), 0);
        close('csv forecast in the data\'s units (page encoding)', pageForecast, runForecast, 1e-4);
      }
    } finally {
      assert.equal(tf.memory().numTensors, tensorsBefore, 'predictions leave no tensors behind');
      model.dispose();
    }
  });
}

test('the comparison catches the usual porting mistakes: hard-sigmoid LSTM gates, a reset-before GRU', async () => {
  const { tf } = await loadTfjs('cpu');
  for (const cell of ['lstm', 'gru'] as const) {
    const run = await trainRun('text', cell, 1);
    const weights = (await readWeights(run.runDir))!;
    assert.ok(isSequenceWeights(weights));
    const spec = weights.meta.spec;
    const { x } = (await datasetOf(run)).batch('train', [0, 1]);
    const want = await wasmForward(spec, weights.params, x, 2);
    let model: TF.LayersModel;
    if (cell === 'lstm') {
      // the export with tf.layers.lstm's default recurrent activation
      const result = await exportRun({ runsDir: run.runsDir, run: run.runId, format: 'tfjs', weights: 'last', force: false });
      const json = JSON.parse(fs.readFileSync(result.modelJson, 'utf8')) as TF.io.ModelJSON;
      const layers = (json.modelTopology as { config: { layers: { config: Record<string, unknown> }[] } }).config.layers;
      layers.find((l) => l.config.name === 'lstm_1')!.config.recurrent_activation = 'hard_sigmoid';
      const bin = fs.readFileSync(path.join(result.dir, TFJS_FILES.weights));
      model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: new Uint8Array(bin).buffer }));
    } else {
      // tf.layers.gru (reset_after = false) on the same kernels, its one bias the sum of the two
      const layout = new Map(paramLayout(spec).map((p) => [p.name, p]));
      const part = (name: string) => weights.params.subarray(layout.get(name)!.offset, layout.get(name)!.offset + layout.get(name)!.size);
      const H = spec.hiddenSize;
      const gru = tf.layers.gru({ units: H, recurrentActivation: 'sigmoid', returnSequences: true, inputShape: [null, spec.embedSize] });
      model = tf.sequential({ layers: [tf.layers.embedding({ inputDim: spec.inputSize, outputDim: spec.embedSize, inputShape: [null] }), gru, tf.layers.dense({ units: spec.outputSize, activation: 'softmax' })] });
      const b = part('l0.b'), bh = part('l0.bh');
      const values = [
        tf.tensor2d(part('embedding'), [spec.inputSize, spec.embedSize]),
        tf.tensor2d(part('l0.Wx'), [spec.embedSize, 3 * H]),
        tf.tensor2d(part('l0.Wh'), [H, 3 * H]),
        tf.tensor1d(b.map((v, i) => v + bh[i])),
        tf.tensor2d(part('head.Wy'), [H, spec.outputSize]),
        tf.tensor1d(part('head.by')),
      ];
      model.setWeights(values);
      tf.dispose(values);
    }
    const got = predict(tf, model, spec, x, 2);
    model.dispose();
    let max = 0;
    for (let i = 0; i < got.length; i++) max = Math.max(max, Math.abs(got[i] - want[i]));
    console.log(`# ${cell}: the wrong port differs from the run by up to ${max.toExponential(2)}`);
    assert.ok(max > 100 * TOL, `${cell}: the wrong port differs by only ${max.toExponential(2)}; the comparison would not catch it`);
  }
});

test('export errors say what is wrong, where, and what to do', async () => {
  const run = await trainRun('csv', 'lstm', 1);
  const base = { runsDir: run.runsDir, format: 'tfjs' as const, weights: 'last' as const, force: false };
  const problem = (p: string, text: RegExp) => (e: unknown) => e instanceof ExportError && e.problem === p && text.test(e.message);

  await assert.rejects(exportRun({ ...base, run: 'no-such-run' }), problem('notFound', /No run 'no-such-run' in .*seqlab runs/));

  // a run with no checkpoint yet: its folder without weights
  const fresh = path.join(run.runsDir, 'fresh-run');
  fs.mkdirSync(path.join(fresh, RUN_FILES.checkpoints), { recursive: true });
  fs.copyFileSync(path.join(run.runDir, RUN_FILES.meta), path.join(fresh, RUN_FILES.meta));
  await assert.rejects(exportRun({ ...base, run: fresh }), problem('noWeights', /fresh-run has no weights: no final weights .* and no checkpoint in .*checkpoints\. Its status is finished/));
  await assert.rejects(exportRun({ ...base, run: fresh, weights: 'best' }), problem('noWeights', /no best weights.*--checkpoint last/));

  // the default folder already holds an export: refused without --force; with it, replaced and other files kept
  const first = await exportRun({ ...base, run: run.runId });
  fs.writeFileSync(path.join(first.dir, 'notes.txt'), 'mine');
  await assert.rejects(exportRun({ ...base, run: run.runId }), problem('outExists', /already holds 3 files\. Pass --force .*--out/));
  const again = await exportRun({ ...base, run: run.runId, force: true });
  assert.equal(fs.readFileSync(path.join(again.dir, 'notes.txt'), 'utf8'), 'mine');
  const file = path.join(run.runsDir, 'a-file');
  fs.writeFileSync(file, '');
  await assert.rejects(exportRun({ ...base, run: run.runId, out: file }), problem('outExists', /is a file, not a folder/));

  // best weights: those of the lowest validation loss, at an evaluation step
  const best = await exportRun({ ...base, run: run.runId, weights: 'best', out: path.join(run.runsDir, 'best') });
  const bestWeights = (await readBestWeights(run.runDir))!;
  assert.equal(best.step, bestWeights.meta.step);
  assert.equal(best.step, (await resolveRun(run.runsDir, run.runId)).meta.bestValidationStep);

  // a CSV run saved before SeqLab stored the normalisation
  const old = path.join(run.runsDir, 'old-run');
  fs.cpSync(run.runDir, old, { recursive: true });
  const wj = path.join(old, RUN_FILES.weightsJson);
  const { normalization: _, ...rest } = JSON.parse(fs.readFileSync(wj, 'utf8'));
  fs.writeFileSync(wj, JSON.stringify(rest));
  await assert.rejects(exportRun({ ...base, run: old, out: path.join(run.runsDir, 'old') }), problem('unsupported', /before SeqLab stored the CSV normalisation.*Train the config again/));
});
