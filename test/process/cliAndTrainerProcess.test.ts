// The built programs as a user and the extension meet them: `dist/cli.js` end to end, and
// `dist/trainer.js` forked with IPC, stopped with SIGTERM and killed with SIGKILL.
// Needs `npm run build` first (the test command does it).

import assert from 'node:assert/strict';
import { type ChildProcess, fork, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { TrainerToHost } from '../../src/shared/protocol';
import { RUN_FILES } from '../../src/runs/runFiles';
import { listRuns, readMetrics } from '../../src/runs/runReader';
import { resolveRun } from '../../src/runs/runReference';

const root = path.resolve(__dirname, '..', '..');
const cli = path.join(root, 'dist', 'cli.js');
const trainer = path.join(root, 'dist', 'trainer.js');

function workspace(config: object): { dir: string; configPath: string; runsDir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-cli-'));
  const configPath = path.join(dir, 'tiny.seqlab.json');
  fs.writeFileSync(configPath, JSON.stringify(config, null, 2));
  return { dir, configPath, runsDir: path.join(dir, '.seqlab', 'runs') };
}

const tiny = (maxSteps: number) => ({
  name: 'tiny',
  data: { kind: 'synthetic', task: 'adding', length: 10, samples: 256 },
  model: { cell: 'gru', hiddenSize: 12 },
  training: { maxSteps, epochs: 100000, batchSize: 16, validateEvery: 25, checkpointEvery: 25, threads: 2 },
  diagnostics: { every: 25 },
});

const run = (args: string[], cwd: string) => spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });

test('seqlab train: a 50-step synthetic run produces a complete run folder', async () => {
  const ws = workspace(tiny(50));
  const r = run(['train', ws.configPath, '--runs-dir', ws.runsDir], ws.dir);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Finished 50 steps/);
  const folder = /Run folder: (.+)/.exec(r.stdout)![1].trim();
  for (const f of [RUN_FILES.config, RUN_FILES.meta, RUN_FILES.metrics, RUN_FILES.diagnosticsBin, RUN_FILES.diagnosticsIndex, RUN_FILES.weightsBin]) {
    assert.ok(fs.existsSync(path.join(folder, f)), `missing ${f}`);
  }
  assert.equal((await readMetrics(folder)).filter((m) => m.kind === 'step').length, 50);

  const list = run(['runs', '--runs-dir', ws.runsDir], ws.dir);
  assert.equal(list.status, 0);
  assert.match(list.stdout, /tiny-gru.*finished.*50\/50/);
  const show = run(['show', 'tiny', '--runs-dir', ws.runsDir, '--json'], ws.dir);
  assert.equal(show.status, 0, show.stderr);
  assert.equal(JSON.parse(show.stdout).status.kind, 'finished');
  assert.equal(run(['show', 'nope', '--runs-dir', ws.runsDir], ws.dir).status, 4);
});

test('seqlab train --json: stdout is one JSON event a line, evaluations typed as the others are, the outcome last', () => {
  const ws = workspace(tiny(50));
  const r = run(['train', ws.configPath, '--runs-dir', ws.runsDir, '--json'], ws.dir);
  assert.equal(r.status, 0, r.stderr);
  const events = r.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; kind?: string; step?: number; text?: string; runDir?: string });
  assert.deepEqual(events.filter((e) => e.type === 'eval').map((e) => [e.kind, e.step]), [['eval', 25], ['eval', 50]]);
  const last = events.at(-1)!;
  assert.deepEqual([last.type, last.step], ['finished', 50]);
  assert.match(last.text!, /^Finished 50 steps in [\d.]+ s.*\nRun folder: /s);
  assert.ok(fs.existsSync(path.join(last.runDir!, RUN_FILES.meta)));
});

test('seqlab --version prints package.json\'s version, built into the bundle', () => {
  const { version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
  const r = run(['--version'], root);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), version);
});

test('seqlab validate and train report config errors as file:line:col with exit code 2', async () => {
  const ws = workspace({ name: 'bad', data: { kind: 'synthetic', task: 'adding' }, model: { hiddenSise: 8 } });
  const v = run(['validate', ws.configPath], ws.dir);
  assert.equal(v.status, 2);
  assert.match(v.stderr, /tiny\.seqlab\.json:\d+:\d+: error: .*hiddenSize/);
  const t = run(['train', ws.configPath, '--runs-dir', ws.runsDir], ws.dir);
  assert.equal(t.status, 2);
  assert.match(t.stderr, /Did you mean "?hiddenSize/i);
  assert.equal((await listRuns(ws.runsDir)).length, 0);
});

test('seqlab train: a missing data file is a data error (exit 3) naming the file', () => {
  const ws = workspace({ name: 'text', data: { kind: 'text', path: 'nowhere.txt' } });
  const t = run(['train', ws.configPath, '--runs-dir', ws.runsDir], ws.dir);
  assert.equal(t.status, 3, t.stderr);
  assert.match(t.stderr, /nowhere\.txt/);
});

test('seqlab sample generates text from a trained char model', () => {
  const ws = workspace({
    name: 'chars',
    data: { kind: 'text', path: 'c.txt' },
    model: { cell: 'lstm', hiddenSize: 16, embeddingSize: 8 },
    training: { maxSteps: 20, batchSize: 4, sequenceLength: 16, threads: 1 },
  });
  fs.writeFileSync(path.join(ws.dir, 'c.txt'), 'abcabcabd '.repeat(60));
  assert.equal(run(['train', ws.configPath, '--runs-dir', ws.runsDir], ws.dir).status, 0);
  const s = run(['sample', 'chars', '--prime', 'ab', '--length', '30', '--runs-dir', ws.runsDir, '--seed', '3'], ws.dir);
  assert.equal(s.status, 0, s.stderr);
  assert.equal(s.stdout.trim().length, 32);
  assert.ok(s.stdout.startsWith('ab'));
});

test('seqlab export writes a TensorFlow.js model once, replaces it with --force, and names what is missing', async () => {
  const ws = workspace(tiny(20));
  assert.equal(run(['train', ws.configPath, '--runs-dir', ws.runsDir], ws.dir).status, 0);
  const e = run(['export', 'tiny', '--runs-dir', ws.runsDir], ws.dir);
  assert.equal(e.status, 0, e.stderr);
  const folder = (await resolveRun(ws.runsDir, 'tiny')).dir;
  const out = path.join(folder, 'export', 'tfjs');
  assert.deepEqual(fs.readdirSync(out).sort(), ['model.json', 'model.weights.bin', 'seqlab-gru.js']);
  assert.match(e.stdout, /model\.json .*\n.*seqlab-gru\.js .*\n.*model\.weights\.bin /);
  assert.match(e.stdout, /tf\.loadLayersModel\('model\.json'\)/);
  const model = JSON.parse(fs.readFileSync(path.join(out, 'model.json'), 'utf8'));
  assert.equal(model.format, 'layers-model');
  assert.deepEqual(model.weightsManifest[0].paths, ['model.weights.bin']);
  assert.equal(model.userDefinedMetadata.input.kind, 'features');

  const again = run(['export', 'tiny', '--runs-dir', ws.runsDir], ws.dir);
  assert.equal(again.status, 2);
  assert.match(again.stderr, /already holds 3 files\. Pass --force/);
  const forced = run(['export', 'tiny', '--runs-dir', ws.runsDir, '--force', '--json'], ws.dir);
  assert.equal(forced.status, 0, forced.stderr);
  assert.equal(JSON.parse(forced.stdout).modelJson, path.join(out, 'model.json'));
  assert.equal(run(['export', 'nope', '--runs-dir', ws.runsDir], ws.dir).status, 4);
  assert.equal(run(['export', 'tiny', '--runs-dir', ws.runsDir, '--format', 'onnx'], ws.dir).status, 2);
});

test('show, export and train --resume take the same run references: part of the id, the folder, the config', async () => {
  const ws = workspace(tiny(25));
  assert.equal(run(['train', ws.configPath, '--runs-dir', ws.runsDir], ws.dir).status, 0);
  const [{ id, dir }] = await listRuns(ws.runsDir);
  const short = id.slice(-8); // `gru-1a2b`: cell and random suffix
  for (const ref of [id, short, dir, 'tiny', 'tiny.seqlab.json']) {
    const show = run(['show', ref, '--runs-dir', ws.runsDir, '--json'], ws.dir);
    assert.equal(show.status, 0, `${ref}: ${show.stderr}`);
    assert.equal(JSON.parse(show.stdout).id, id, ref);
  }
  const exported = run(['export', short, '--runs-dir', ws.runsDir, '--json'], ws.dir);
  assert.equal(exported.status, 0, exported.stderr);
  assert.equal(JSON.parse(exported.stdout).runId, id);
  // the short id resumes the same run (it used to say "has no readable checkpoint")
  const resumed = run(['train', ws.configPath, '--resume', short, '--max-steps', '50', '--runs-dir', ws.runsDir], ws.dir);
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.match(resumed.stdout, /Finished 50 steps/);
  assert.deepEqual((await listRuns(ws.runsDir)).map((r) => r.id), [id]);
  assert.equal((await readMetrics(dir)).filter((m) => m.kind === 'step').length, 50);
  // a finished run is not trained again to the step it reached: it says so, and how to go further
  for (const extra of [[], ['--max-steps', '50'], ['--max-steps', '30']]) {
    const again = run(['train', '--resume', short, ...extra, '--runs-dir', ws.runsDir], ws.dir);
    assert.equal(again.status, 2, extra.join(' '));
    assert.equal(again.stdout, '');
    const why = extra.length === 0 ? 'Nothing to resume' : `--max-steps ${extra[1]} is not above it, so there is nothing to train`;
    assert.ok(again.stderr.includes(`Run ${id} finished at step 50. ${why}; to train it further, give a higher step limit: seqlab train --resume ${id} --max-steps 100.`), again.stderr);
  }
  assert.equal((await readMetrics(dir)).filter((m) => m.kind === 'step').length, 50);
  const unknown = run(['train', ws.configPath, '--resume', 'nope', '--runs-dir', ws.runsDir], ws.dir);
  assert.equal(unknown.status, 4);
  assert.match(unknown.stderr, /No run 'nope' in /);
});

/** Fork the trainer like the extension does and collect its messages. */
function startTrainer(configPath: string, runsDir: string): { child: ChildProcess; messages: TrainerToHost[]; waitFor: (pred: (m: TrainerToHost) => boolean) => Promise<TrainerToHost>; exited: Promise<number | null> } {
  const child = fork(trainer, [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], execArgv: [] });
  const messages: TrainerToHost[] = [];
  const waiters: { pred: (m: TrainerToHost) => boolean; resolve: (m: TrainerToHost) => void }[] = [];
  child.on('message', (m: TrainerToHost) => {
    messages.push(m);
    if (m.type === 'ready') child.send({ type: 'train', request: { configPath, runsDir } });
    for (const w of waiters.splice(0)) (w.pred(m) ? w.resolve(m) : waiters.push(w));
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = (pred: (m: TrainerToHost) => boolean) =>
    new Promise<TrainerToHost>((resolve, reject) => {
      const found = messages.find(pred);
      if (found) return resolve(found);
      waiters.push({ pred, resolve });
      setTimeout(() => reject(new Error(`timed out; got ${messages.map((m) => m.type).join(',')}`)), 60_000).unref();
    });
  return { child, messages, waitFor, exited };
}

test('the trainer process speaks the protocol and SIGTERM cancels after its step with valid metrics', async () => {
  const ws = workspace(tiny(1_000_000));
  const t = startTrainer(ws.configPath, ws.runsDir);
  const started = (await t.waitFor((m) => m.type === 'started')) as Extract<TrainerToHost, { type: 'started' }>;
  assert.equal(started.run.cell, 'gru');
  await t.waitFor((m) => m.type === 'metrics');
  await t.waitFor((m) => m.type === 'diagnostics');
  t.child.kill('SIGTERM');
  const cancelled = await t.waitFor((m) => m.type === 'cancelled');
  // exit code 0: it stopped by itself after its step; past its 2 s deadline it would have exited with 143
  assert.equal(await t.exited, 0);
  const summary = await resolveRun(ws.runsDir, started.run.id);
  assert.equal(summary.status.kind, 'cancelled');
  const steps = (await readMetrics(summary.dir)).filter((m) => m.kind === 'step');
  assert.ok(steps.length > 0 && steps.length <= (cancelled as { step: number }).step);
  assert.ok(steps.every((s) => s.kind === 'step' && Number.isFinite(s.loss)));
});

test('a trainer killed with SIGKILL leaves a readable run that reads as interrupted', async () => {
  const ws = workspace(tiny(1_000_000));
  const t = startTrainer(ws.configPath, ws.runsDir);
  const started = (await t.waitFor((m) => m.type === 'started')) as Extract<TrainerToHost, { type: 'started' }>;
  // a checkpoint: the run folder holds metrics and weights the reader must survive the kill with
  await t.waitFor((m) => m.type === 'checkpoint');
  t.child.kill('SIGKILL');
  await t.exited;
  const summary = await resolveRun(ws.runsDir, started.run.id);
  assert.equal(summary.status.kind, 'interrupted');
  assert.ok((await readMetrics(summary.dir)).length > 0);
});

test('the trainer exits when its parent disconnects', { timeout: 60_000 }, async () => {
  const ws = workspace(tiny(1_000_000));
  const t = startTrainer(ws.configPath, ws.runsDir);
  await t.waitFor((m) => m.type === 'metrics');
  t.child.disconnect();
  // it stops after its step, or at its 2 s deadline (exit 143); a trainer that ignored the parent hangs the test
  assert.ok([0, 143].includes((await t.exited)!));
});
