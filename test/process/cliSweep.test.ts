// `seqlab train` of a config with a sweep, end to end on dist/cli.js: a 2 × 2 grid of a tiny synthetic
// task trains four runs one after another, each run folder records the sweep and its values in meta.json
// and has the swept config as its snapshot, and the summary lists the four runs with the best marked;
// `--no-sweep` trains the config alone; `--compare` trains what Compare Cells / Compare Attention do. Also the tail reader of the last evaluation. Needs `npm run build`.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { parseConfig } from '../../src/shared/configValidation';
import { RUN_FILES } from '../../src/runs/runFiles';
import { listRuns, readConfigSnapshot, readMetrics } from '../../src/runs/runReader';
import { readLastEvaluation, readRunResults } from '../../src/runs/runResults';

const root = path.resolve(__dirname, '..', '..');
const cli = path.join(root, 'dist', 'cli.js');

const config = {
  name: 'tiny-sweep',
  // a comment-free config; the sweep varies a training and a model setting
  data: { kind: 'synthetic', task: 'adding', length: 8, samples: 128 },
  model: { cell: 'gru', hiddenSize: 8 },
  training: { maxSteps: 12, epochs: 1000, batchSize: 16, validateEvery: 4, threads: 1 },
  diagnostics: { enabled: false },
  sweep: { parameters: { 'training.learningRate': [0.001, 0.01], 'model.hiddenSize': [6, 10] } },
};

function workspace(): { dir: string; configPath: string; runsDir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-cli-sweep-'));
  const configPath = path.join(dir, 'tiny-sweep.seqlab.json');
  fs.writeFileSync(configPath, JSON.stringify(config, null, 2));
  return { dir, configPath, runsDir: path.join(dir, '.seqlab', 'runs') };
}

test('seqlab train runs a 2 × 2 sweep headless and lists its four runs in a summary', async () => {
  const ws = workspace();
  const r = spawnSync(process.execPath, [cli, 'train', ws.configPath, '--runs-dir', ws.runsDir], { cwd: ws.dir, encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /Sweep sweep-\d{8}-\d{6}-[0-9a-f]{4}: 4 runs of tiny-sweep \(grid over training\.learningRate × model\.hiddenSize\)/);
  assert.match(r.stderr, /\[1\/4\] lr 0\.001 · hidden 6/);
  assert.match(r.stderr, /\[4\/4\] lr 0\.01 · hidden 10/);

  const runs = (await listRuns(ws.runsDir)).sort((a, b) => a.meta.info.sweep!.index - b.meta.info.sweep!.index);
  assert.equal(runs.length, 4);
  const sweepIds = new Set(runs.map((x) => x.meta.info.sweep?.id));
  assert.equal(sweepIds.size, 1, 'one sweep id for the four runs');
  assert.deepEqual(runs.map((x) => x.meta.info.sweep!.values), [
    { 'training.learningRate': 0.001, 'model.hiddenSize': 6 },
    { 'training.learningRate': 0.001, 'model.hiddenSize': 10 },
    { 'training.learningRate': 0.01, 'model.hiddenSize': 6 },
    { 'training.learningRate': 0.01, 'model.hiddenSize': 10 },
  ]);
  for (const x of runs) {
    assert.equal(x.status.kind, 'finished');
    // the snapshot is the run's own config: the values set, no sweep
    const snapshot = parseConfig((await readConfigSnapshot(x.dir))!, RUN_FILES.config).config!;
    assert.equal(snapshot.sweep, undefined);
    assert.equal(snapshot.training.learningRate, x.meta.info.sweep!.values['training.learningRate']);
    assert.equal(snapshot.model.hiddenSize, x.meta.info.sweep!.values['model.hiddenSize']);
  }
  // hidden size shows in the parameter count: 6 < 10 units
  assert.ok(runs[0].meta.info.paramCount < runs[1].meta.info.paramCount);

  // the summary table: a header, four rows with their values, status and run id, the best marked
  const lines = r.stdout.trim().split('\n');
  const head = lines.findIndex((l) => /^#\s+lr\s+hidden\s+STATUS\s+BEST VAL\s+AT STEP\s+TRAIN LOSS\s+SOLVED\s+TIME\s+RUN$/.test(l));
  assert.ok(head >= 0, r.stdout);
  const rows = lines.slice(head + 1, head + 5);
  for (const [i, x] of runs.entries()) {
    const v = x.meta.info.sweep!.values;
    assert.match(rows[i], new RegExp(`^${i + 1}\\*?\\s+${v['training.learningRate']}\\s+${v['model.hiddenSize']}\\s+finished\\s+\\d\\.\\d+\\s+\\d+\\s+\\d.*${x.id}$`));
  }
  assert.equal(rows.filter((l) => /^\d\*/.test(l)).length, 1, 'one best run');
  const best = runs.reduce((a, b) => (b.meta.bestValidationLoss! < a.meta.bestValidationLoss! ? b : a));
  assert.match(r.stdout, new RegExp(`Best \\(best validation loss [\\d.]+\\): ${best.meta.info.sweep!.label.replace(/\./g, '\\.')} → ${best.id}`));

  // the scores of the last evaluation, read from the end of metrics.jsonl, are those of the file's last eval line
  const evals = (await readMetrics(best.dir)).filter((m) => m.kind === 'eval');
  assert.deepEqual(await readLastEvaluation(best.dir), evals.at(-1));
  const results = await readRunResults(best);
  assert.equal(results.bestValidationLoss, best.meta.bestValidationLoss);
  assert.ok(typeof results.finalScores.solved === 'number');
});

test('--no-sweep trains the config alone', async () => {
  const ws = workspace();
  const r = spawnSync(process.execPath, [cli, 'train', ws.configPath, '--runs-dir', ws.runsDir, '--no-sweep', '--max-steps', '4'], { cwd: ws.dir, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  const runs = await listRuns(ws.runsDir);
  assert.equal(runs.length, 1);
  assert.equal(runs[0].meta.info.sweep, undefined);
  assert.doesNotMatch(r.stdout + r.stderr, /Sweep/);
});

test('--compare trains the config\'s compare cells one after another, --compare attention an encoder–decoder with and without attention', async () => {
  const ws = workspace();
  const cells = path.join(ws.dir, 'cells.seqlab.json');
  const { sweep: _s, ...plain } = config;
  fs.writeFileSync(cells, JSON.stringify({ ...plain, name: 'tiny-cells', compare: ['rnn', 'lstm'] }));
  const r = spawnSync(process.execPath, [cli, 'train', cells, '--runs-dir', ws.runsDir, '--compare', '--max-steps', '4'], { cwd: ws.dir, encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /Comparison sweep-[\d-]+[0-9a-f]{4}: 2 runs of tiny-cells \(RNN · LSTM\)/);
  assert.match(r.stderr, /\[1\/2\] rnn/);
  const runs = await listRuns(ws.runsDir);
  assert.deepEqual(runs.map((x) => x.meta.info.cell).sort(), ['lstm', 'rnn']);
  for (const x of runs) assert.match(r.stdout, new RegExp(`^\\d\\*?\\s+${x.meta.info.cell}\\s+finished.*${x.id}$`, 'm'));

  const pairs = path.join(ws.dir, 'rev.seqlab.json');
  fs.writeFileSync(pairs, JSON.stringify({
    name: 'tiny-rev', data: { kind: 'synthetic-pairs', task: 'reverse', minLength: 3, maxLength: 4, samples: 64 },
    model: { kind: 'seq2seq', cell: 'gru', hiddenSize: 8, embeddingSize: 4, attention: 'dot' },
    training: { maxSteps: 3, batchSize: 8, validateEvery: 3, threads: 1 }, diagnostics: { enabled: false },
  }));
  const a = spawnSync(process.execPath, [cli, 'train', pairs, '--runs-dir', path.join(ws.dir, 'att'), '--compare', 'attention', '--json'], { cwd: ws.dir, encoding: 'utf8', timeout: 300_000 });
  assert.equal(a.status, 0, a.stderr);
  const summary = a.stdout.trim().split('\n').map((l) => JSON.parse(l)).find((m) => m.type === 'comparison');
  assert.deepEqual(summary.runs.map((x: { run: { values: Record<string, unknown> } }) => x.run.values['model.attention']), ['none', 'additive', 'dot'], 'none, additive and the config\'s own');
  const attRuns = await listRuns(path.join(ws.dir, 'att'));
  assert.equal(new Set(attRuns.map((x) => x.meta.info.sweep?.id)).size, 1, 'one comparison id on the three runs');

  const refused = spawnSync(process.execPath, [cli, 'train', cells, '--runs-dir', ws.runsDir, '--compare', 'attention'], { cwd: ws.dir, encoding: 'utf8', timeout: 120_000 });
  assert.equal(refused.status, 2, refused.stderr);
  assert.match(refused.stderr, /Compare Attention trains encoder–decoders/);
});

test('the last evaluation is found across chunk boundaries, past a torn last line, and not in a file without one', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-tail-'));
  const file = path.join(dir, RUN_FILES.metrics);
  const step = (s: number) => JSON.stringify({ kind: 'step', step: s, epoch: 0, time: s, loss: 1, gradNorm: 1, clipped: false, learningRate: 0.1 });
  const evalLine = JSON.stringify({ kind: 'eval', step: 3, epoch: 0, time: 3, loss: 0.5, accuracy: 0.75, note: 'x'.repeat(70_000) });
  // the eval line is longer than one 64 KiB chunk, and 2 000 step lines (~250 KB) follow it
  fs.writeFileSync(file, [step(1), evalLine, ...Array.from({ length: 2000 }, (_, i) => step(i + 4))].join('\n') + '\n{"kind":"eval","step":9');
  const found = await readLastEvaluation(dir);
  assert.equal(found?.step, 3);
  assert.equal(found?.accuracy, 0.75);
  fs.writeFileSync(file, [step(1), step(2)].join('\n') + '\n');
  assert.equal(await readLastEvaluation(dir), undefined);
  assert.equal(await readLastEvaluation(path.join(dir, 'missing')), undefined);
});
