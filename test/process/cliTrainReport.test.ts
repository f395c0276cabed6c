// What `seqlab train` and `seqlab show` say about a run beyond its losses: which limit ended it, the
// size estimate, the verdict against the baselines (persistence and AR(p) for a forecast), a run
// without a validation split (no NaN anywhere), a model too large for the machine, and runs written
// before any of this existed. Needs `npm run build` first (the test command does it).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { RUN_FILES, type RunMeta } from '../../src/runs/runFiles';
import { listRuns, readMetrics } from '../../src/runs/runReader';

const root = path.resolve(__dirname, '..', '..');
const cli = path.join(root, 'dist', 'cli.js');
const weather = path.resolve(__dirname, '../fixtures/data/weather.csv');

function workspace(config: object): { dir: string; configPath: string; runsDir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-report-'));
  const configPath = path.join(dir, 'run.seqlab.json');
  fs.writeFileSync(configPath, JSON.stringify(config, null, 2));
  return { dir, configPath, runsDir: path.join(dir, 'runs') };
}
const seqlab = (ws: { dir: string; runsDir: string }, ...args: string[]) =>
  spawnSync(process.execPath, [cli, ...args, '--runs-dir', ws.runsDir], { cwd: ws.dir, encoding: 'utf8', timeout: 120_000 });

const adding = (over: object = {}, validationSplit = 0.1) => ({
  name: 'adding', validationSplit,
  data: { kind: 'synthetic', task: 'adding', length: 10, samples: 256 },
  model: { cell: 'gru', hiddenSize: 12 },
  training: { epochs: 3, batchSize: 16, validateEvery: 10, checkpointEvery: 20, threads: 1, ...over },
});

test('validationSplit 0 trains, shows and judges without a NaN anywhere', async () => {
  const ws = workspace(adding({}, 0));
  const t = seqlab(ws, 'train', ws.configPath);
  assert.equal(t.status, 0, t.stderr);
  assert.doesNotMatch(t.stdout + t.stderr, /NaN|null/);
  assert.match(t.stdout, /Verdict: no validation split \(validationSplit 0\): nothing to compare with the baselines\./);
  const [run] = await listRuns(ws.runsDir);
  assert.deepEqual(run.meta.verdict, { kind: 'noValidation' });
  assert.equal(run.meta.bestValidationLoss, undefined);
  assert.deepEqual((await readMetrics(run.dir)).filter((m) => m.kind === 'eval'), []);
  assert.ok(!fs.readdirSync(path.join(run.dir, RUN_FILES.checkpoints)).some((f) => f.startsWith('best-')));
  const show = seqlab(ws, 'show', 'adding');
  assert.equal(show.status, 0, show.stderr);
  assert.doesNotMatch(show.stdout, /NaN|null/);
  assert.match(show.stdout, /verdict   no validation split/);
  const json = seqlab(ws, 'show', 'adding', '--json');
  assert.equal(json.status, 0, json.stderr);
  assert.doesNotMatch(json.stdout, /NaN|null/);
});

test('the limit that ended the run is said at the end and by show: epochs before --max-steps, or --max-steps', async () => {
  const ws = workspace(adding());
  const byEpochs = seqlab(ws, 'train', ws.configPath, '--max-steps', '3000');
  assert.equal(byEpochs.status, 0, byEpochs.stderr);
  assert.match(byEpochs.stderr, /plan: 48 steps: 3 epochs of 16 \(--max-steps 3 000 comes later\)/);
  assert.match(byEpochs.stdout, /Finished 48 steps .*; ended by epochs: 3 epochs done at step 48 \(--max-steps 3 000 not reached\)\./);
  assert.match(byEpochs.stderr, /size: memory ≈ \d+(\.\d+)? MB \(model copies .*\); checkpoint .*; wasm kernels, 1 thread \+ \d evaluation cop/);
  const bySteps = seqlab(ws, 'train', ws.configPath, '--max-steps', '20');
  assert.match(bySteps.stdout, /ended by --max-steps 20 at step 20\./);
  const runs = await listRuns(ws.runsDir);
  assert.deepEqual(runs.map((r) => r.meta.end).sort((a, b) => a!.step - b!.step), [
    { by: 'maxSteps', step: 20, maxSteps: 20, from: 'override' },
    { by: 'epochs', step: 48, epochs: 3 },
  ]);
  const show = seqlab(ws, 'show', runs.find((r) => r.meta.end?.by === 'epochs')!.id);
  assert.match(show.stdout, /plan      48 steps: 3 epochs of 16 \(--max-steps 3 000 comes later\)/);
  assert.match(show.stdout, /ended     ended by epochs: 3 epochs done at step 48/);
  // a resume of the epoch-ended run points at more epochs, not at a step limit that its epochs would stop anyway
  const byEpochsId = runs.find((r) => r.meta.end?.by === 'epochs')!.id;
  const resumed = seqlab(ws, 'train', '--resume', byEpochsId);
  assert.equal(resumed.status, 2);
  assert.ok(resumed.stderr.includes(`Run ${byEpochsId} finished at step 48. Nothing to resume; its 3 epochs are done, and a resume keeps its config: to train longer, start a new run with more training.epochs (seqlab train ${ws.configPath}).`), resumed.stderr);
  assert.match(show.stdout, /size      memory ≈/);
  assert.match(show.stdout, /verdict   validation mse against predict 0\.5 .*\(0\.04167\): best .* at step \d+ (beats it|is worse) by/);
});

test('a forecast is judged against persistence and AR(p) on the same windows, best and final, with RMSE in the data\'s units', async () => {
  const ws = workspace({
    name: 'weather', validationSplit: 0.3,
    data: { kind: 'csv', path: weather, targets: ['temp'], dateColumns: ['date'], lookback: 5, horizon: 1 },
    model: { cell: 'gru', hiddenSize: 8 },
    training: { epochs: 5, batchSize: 4, validateEvery: 5, threads: 1 },
  });
  const t = seqlab(ws, 'train', ws.configPath);
  assert.equal(t.status, 0, t.stderr);
  const [run] = await listRuns(ws.runsDir);
  const verdict = run.meta.verdict!;
  assert.equal(verdict.kind, 'judged');
  assert.ok(verdict.kind === 'judged');
  assert.deepEqual(verdict.baselines.map((b) => b.baseline.name), ['persistence', `AR(${/AR\((\d+)\)/.exec(verdict.baselines[1].baseline.name!)![1]})`]);
  for (const b of verdict.baselines) {
    assert.ok(b.best.step <= b.final.step);
    assert.equal(b.final.beats, b.final.value < b.baseline.value);
    assert.ok(Math.abs(b.final.relative - (b.baseline.value - b.final.value) / b.baseline.value) < 1e-12);
    assert.ok(b.final.rmse && b.final.rmse.baseline === b.baseline.rmse, 'RMSE in °C beside the loss');
  }
  // the baselines read the windows the validation pass reads: 15 rows → 10 windows, whole batches of 4 → 8
  assert.match(verdict.baselines[0].baseline.label, /on 8 validation windows/);
  assert.match(t.stdout, /Verdict: validation mse against persistence \(\d\.\d+\): best .*RMSE .* against .*; final .*\.\nVerdict: validation mse against AR\(\d+\)/);
  const show = seqlab(ws, 'show', 'weather');
  assert.match(show.stdout, /baseline  \d\.\d+ mse \(persistence .*\)\nbaseline  \d\.\d+ mse \(AR\(\d+\), least squares on the training part, order by AIC/);
  assert.match(show.stdout, /verdict   validation mse against persistence/);
  assert.match(show.stdout, /verdict   validation mse against AR\(\d+\)/);
});

test('hidden 4096 × 8 layers is refused at once with the numbers and what to lower (exit 2), before any run folder', () => {
  const ws = workspace({ ...adding(), model: { cell: 'lstm', hiddenSize: 4096, layers: 8 } });
  const t = seqlab(ws, 'train', ws.configPath);
  assert.equal(t.status, 2, t.stderr);
  assert.match(t.stderr, /This run's model copy takes \d+(\.\d+)? GB, and the wasm kernels address at most 4\.00 GB per copy\. Lower model\.hiddenSize \(4096\) or model\.layers \(8\)/);
  assert.equal(fs.existsSync(ws.runsDir), false);
});

test('show reads runs written before verdicts: one `baseline`, evaluations with a null loss, no plan or end', async () => {
  const ws = workspace(adding());
  assert.equal(seqlab(ws, 'train', ws.configPath).status, 0);
  const [run] = await listRuns(ws.runsDir);
  // rewrite it as an older SeqLab left it
  const metaFile = path.join(run.dir, RUN_FILES.meta);
  const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as RunMeta & Record<string, unknown>;
  const { baselines, plan, estimate, validationExamples, ...info } = meta.info;
  void plan, void estimate, void validationExamples;
  const old = { ...meta, info: { ...info, baseline: baselines![0] } } as Record<string, unknown>;
  delete old.verdict;
  delete old.end;
  fs.writeFileSync(metaFile, JSON.stringify(old));
  fs.appendFileSync(path.join(run.dir, RUN_FILES.metrics), JSON.stringify({ kind: 'eval', step: 48, epoch: 2, time: 1, loss: null }) + '\n');
  const show = seqlab(ws, 'show', 'adding');
  assert.equal(show.status, 0, show.stderr);
  assert.match(show.stdout, /baseline  0\.0417 mse \(predict 0\.5/);
  assert.match(show.stdout, /verdict   validation mse against predict 0\.5/);
  assert.doesNotMatch(show.stdout, /^(plan|ended|size) /m);
});
