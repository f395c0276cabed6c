// `dist/cli.js` on damaged and unfinished run folders, as a user meets them: `runs` and `show` list a
// damaged run and what it still holds, `repair` rebuilds it once, `train --resume` takes the run's own
// config and data (from any folder) and refuses with the reason when it cannot resume, `export` explains
// missing weights. Every process is awaited to its exit. Needs `npm run build` first.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { RUN_FILES } from '../../src/runs/runFiles';
import { listRuns, readMetrics } from '../../src/runs/runReader';
import { writeMeta } from '../../src/runs/runWriter';

const root = path.resolve(__dirname, '..', '..');
const cli = path.join(root, 'dist', 'cli.js');

const run = (args: string[], cwd: string) => spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });

function workspace(name: string, config: object): { dir: string; configPath: string; runsDir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-cli-folders-'));
  const configPath = path.join(dir, name);
  fs.mkdirSync(path.dirname(configPath), { recursive: true });
  fs.writeFileSync(configPath, JSON.stringify(config, null, 2));
  return { dir, configPath, runsDir: path.join(dir, '.seqlab', 'runs') };
}

const tiny = (maxSteps: number, checkpointEvery: number) => ({
  name: 'tiny',
  data: { kind: 'synthetic', task: 'adding', length: 10, samples: 256 },
  model: { cell: 'gru', hiddenSize: 12 },
  training: { maxSteps, epochs: 100000, batchSize: 16, validateEvery: 25, checkpointEvery, threads: 1 },
});

test('runs and show list damaged runs with what they hold; repair rebuilds each once and keeps the damaged file', async () => {
  const ws = workspace('tiny.seqlab.json', tiny(50, 25));
  assert.equal(run(['train', ws.configPath, '--runs-dir', ws.runsDir], ws.dir).status, 0);
  const [{ id, dir }] = await listRuns(ws.runsDir);
  // four copies of the finished run, each damaged another way
  const copy = (suffix: string) => {
    const to = path.join(ws.runsDir, id.replace(/[0-9a-f]{4}$/, suffix));
    fs.cpSync(dir, to, { recursive: true });
    return to;
  };
  const missing = copy('aaa1'), empty = copy('aaa2'), garbage = copy('aaa3'), stripped = copy('aaa4');
  fs.rmSync(path.join(missing, RUN_FILES.meta));
  fs.writeFileSync(path.join(empty, RUN_FILES.meta), '');
  fs.writeFileSync(path.join(garbage, RUN_FILES.meta), '{"info": {"name": ');
  // no meta, no snapshot, no checkpoints, and a torn last metrics line: the final weights carry the config
  fs.rmSync(path.join(stripped, RUN_FILES.meta));
  fs.rmSync(path.join(stripped, RUN_FILES.config));
  fs.rmSync(path.join(stripped, RUN_FILES.checkpoints), { recursive: true });
  fs.appendFileSync(path.join(stripped, RUN_FILES.metrics), '{"kind":"step","step":5');

  const list = run(['runs', '--runs-dir', ws.runsDir], ws.dir);
  assert.equal(list.status, 0, list.stderr);
  for (const [folder, problem] of [[missing, 'meta.json is missing'], [empty, 'meta.json is empty'], [garbage, 'meta.json is not valid JSON']]) {
    const damagedId = path.basename(folder);
    assert.match(list.stdout, new RegExp(`^${damagedId}\\s+damaged`, 'm'));
    assert.match(list.stdout, new RegExp(`^${damagedId}: damaged: ${problem}.*seqlab show ${damagedId}; rebuild it: seqlab repair ${damagedId}`, 'm'));
  }
  assert.match(list.stdout, new RegExp(`^${id}\\s+finished`, 'm'));

  const show = run(['show', 'aaa3', '--runs-dir', ws.runsDir], ws.dir);
  assert.equal(show.status, 0, show.stderr);
  assert.match(show.stdout, /status {4}damaged: meta\.json is not valid JSON/);
  assert.match(show.stdout, /config {4}config\.seqlab\.json: "tiny", GRU 12 hidden × 1, synthetic data/);
  assert.match(show.stdout, /metrics {3}50 steps \(last 50, loss [\d.]+\), 2 evaluations \(best [\d.]+ at step \d+\)/);
  assert.match(show.stdout, /checkpts  ckpt-25, ckpt-50, best-\d+/);
  assert.match(show.stdout, /weights {3}final weights of step 50/);
  assert.match(show.stdout, /repair {4}seqlab repair \S+aaa3 rebuilds meta\.json from the files above: status finished at step 50\./);
  assert.match(show.stdout, /Nothing is deleted; the damaged meta\.json is kept as meta\.json\.damaged-\d{8}-\d{6}/);
  const shownJson = JSON.parse(run(['show', 'aaa4', '--runs-dir', ws.runsDir, '--json'], ws.dir).stdout);
  assert.equal(shownJson.status.kind, 'damaged');
  assert.deepEqual([shownJson.contents.snapshot.kind, shownJson.contents.checkpoints.length, shownJson.contents.metrics.badLines.length], ['missing', 0, 1]);
  const strippedShow = run(['show', 'aaa4', '--runs-dir', ws.runsDir], ws.dir).stdout;
  assert.match(strippedShow, /config {4}no config\.seqlab\.json \(weights\.json carries the config\)/);
  assert.match(strippedShow, /checkpts  none/);
  assert.match(strippedShow, /line \d+ not JSON \(torn or damaged\)/);

  for (const command of [['export', 'aaa2'], ['sample', 'aaa2'], ['train', '--resume', 'aaa2']]) {
    const r = run([...command, '--runs-dir', ws.runsDir], ws.dir);
    assert.equal(r.status, 4, `${command.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /is damaged: meta\.json is empty\. Its folder .* is left as it is\. .*seqlab repair \S+aaa2/);
  }

  for (const folder of [missing, empty, garbage, stripped]) {
    const r = run(['repair', path.basename(folder), '--runs-dir', ws.runsDir], ws.dir);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Rebuilt meta\.json:\n {2}name, seed, task and config/);
    assert.match(r.stdout, /Status: finished at step 50\. It finished; nothing to resume\./);
    assert.match(r.stdout, /configPath \(.*tiny\.seqlab\.json\) +from a config file with the same content \(found under /);
    const kept = fs.readdirSync(folder).filter((f) => f.startsWith(`${RUN_FILES.meta}.damaged-`));
    assert.equal(kept.length, folder === missing || folder === stripped ? 0 : 1, folder);
    const again = run(['repair', path.basename(folder), '--runs-dir', ws.runsDir], ws.dir);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /needs no repair: its meta\.json is readable \(status finished\)\. Nothing was written\./);
  }
  assert.equal(fs.readFileSync(path.join(garbage, `${RUN_FILES.meta}.damaged-${fs.readdirSync(garbage).find((f) => f.startsWith('meta.json.damaged-'))!.slice(-15)}`), 'utf8'), '{"info": {"name": ');
  assert.ok(fs.existsSync(path.join(stripped, RUN_FILES.config)), 'the snapshot is restored from the final weights');
  const repaired = run(['show', 'aaa3', '--runs-dir', ws.runsDir], ws.dir);
  assert.match(repaired.stdout, /status {4}finished at step 50/);
  assert.match(repaired.stdout, /repaired  .*: meta\.json rebuilt from config\.seqlab\.json/);
  assert.equal(run(['export', 'aaa3', '--runs-dir', ws.runsDir], ws.dir).status, 0, 'a repaired run exports');
  assert.equal(run(['repair', 'nope', '--runs-dir', ws.runsDir], ws.dir).status, 4);
});

/** Starts `seqlab train --json` and resolves once the run folder exists (its `started` line). */
function startTraining(args: string[], cwd: string): Promise<{ kill: () => Promise<number | null>; runDir: string }> {
  const child = spawn(process.execPath, [cli, 'train', ...args, '--json'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const started = out.split('\n').map((l) => (l.startsWith('{') ? (JSON.parse(l) as { type: string; runDir?: string }) : undefined)).find((m) => m?.type === 'started');
      if (started?.runDir) resolve({ runDir: started.runDir, kill: () => (child.kill('SIGKILL'), exited) });
    });
    void exited.then((code) => reject(new Error(`train exited (${code}) before it started: ${out}`)));
  });
}

test('a run killed before its first checkpoint: show and runs say why it cannot resume; --resume and export refuse with the reason', async () => {
  const ws = workspace('tiny.seqlab.json', tiny(1_000_000, 1_000_000));
  const training = await startTraining([ws.configPath, '--runs-dir', ws.runsDir], ws.dir);
  await training.kill();
  const id = path.basename(training.runDir);

  const show = run(['show', id, '--runs-dir', ws.runsDir], ws.dir);
  assert.equal(show.status, 0, show.stderr);
  assert.match(show.stdout, /status {4}interrupted at step \d+ \(the trainer stopped without finishing\)/);
  assert.doesNotMatch(show.stdout, /--resume/);
  assert.match(show.stdout, /resume {4}not possible: the trainer stopped without finishing \(killed, or a second Ctrl-C\) at step \d+, before its first checkpoint \(due at step 1000000\); no checkpoint was written/);
  assert.match(show.stdout, new RegExp(`Start a new run of its config; the metrics of this one stay readable\\. \\(seqlab train ${ws.configPath.replace(/[.\\]/g, '\\$&')}\\)`));
  assert.equal(JSON.parse(run(['show', id, '--runs-dir', ws.runsDir, '--json'], ws.dir).stdout).resume.reason, 'noCheckpoint');
  assert.match(run(['runs', '--runs-dir', ws.runsDir], ws.dir).stdout, new RegExp(`^${id}: cannot be resumed: the trainer stopped`, 'm'));

  const resume = run(['train', '--resume', id, '--runs-dir', ws.runsDir], ws.dir);
  assert.equal(resume.status, 4, resume.stderr);
  assert.match(resume.stderr, new RegExp(`Run ${id} cannot be resumed: the trainer stopped .* before its first checkpoint`));
  const exported = run(['export', id, '--runs-dir', ws.runsDir], ws.dir);
  assert.equal(exported.status, 4);
  assert.match(exported.stderr, new RegExp(`Run ${id} has no weights: no final weights \\(a run writes them when it finishes\\) and no checkpoint in .*checkpoints\\. Why: the trainer stopped .*before its first checkpoint.*\\. Start a new run of its config`));

  // the same folder as a divergence at step 9 leaves it
  const meta = JSON.parse(fs.readFileSync(path.join(training.runDir, RUN_FILES.meta), 'utf8'));
  writeMeta(training.runDir, { ...meta, status: { kind: 'failed', failure: 'diverged', message: 'Training diverged at step 9', step: 9 } });
  const diverged = run(['export', id, '--runs-dir', ws.runsDir], ws.dir);
  assert.equal(diverged.status, 4);
  assert.match(diverged.stderr, /Why: it diverged at step 9, before its first checkpoint \(due at step 1000000\); no checkpoint was written, so there are no weights to continue from\. Start a new run with a lower learning rate/);
  assert.match(run(['show', id, '--runs-dir', ws.runsDir], ws.dir).stdout, /resume {4}not possible: it diverged at step 9, before its first checkpoint/);

  // a run whose process is alive is never resumed beside it
  writeMeta(training.runDir, { ...meta, status: { kind: 'running', pid: process.pid, step: 3 } });
  const running = run(['train', '--resume', id, '--runs-dir', ws.runsDir], ws.dir);
  assert.equal(running.status, 2);
  assert.match(running.stderr, /cannot be resumed: it is still running \(pid \d+, step 3\)\. Wait for it to finish, or stop it first\./);
});

test('--resume trains the run\'s own config and reads its data beside the original config, from any folder; a differing config is named and not used', async () => {
  const ws = workspace(path.join('configs', 'chars.seqlab.json'), {
    name: 'chars',
    data: { kind: 'text', path: 'c.txt' },
    model: { cell: 'lstm', hiddenSize: 16, embeddingSize: 8 },
    training: { maxSteps: 40, batchSize: 4, sequenceLength: 16, checkpointEvery: 10, threads: 1 },
  });
  fs.writeFileSync(path.join(ws.dir, 'configs', 'c.txt'), 'abcabcabd '.repeat(60));
  assert.equal(run(['train', ws.configPath, '--runs-dir', ws.runsDir, '--max-steps', '10'], ws.dir).status, 0);
  const [{ id, dir }] = await listRuns(ws.runsDir);

  // from another folder, with no config: the data file is found beside the config the run started from
  const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-elsewhere-'));
  const plain = run(['train', '--resume', id.slice(-4), '--runs-dir', ws.runsDir, '--max-steps', '20'], elsewhere);
  assert.equal(plain.status, 0, plain.stderr);
  assert.match(plain.stdout, /Finished 20 steps/);
  // (the tiny corpus's small validation split is warned about; nothing about the config or the data file)
  assert.doesNotMatch(plain.stderr, /warning: (?!the validation split)/);

  // a config of the same name elsewhere with another hidden size: were it used, the checkpoint would not fit it
  const other = path.join(elsewhere, 'chars.seqlab.json');
  fs.writeFileSync(other, JSON.stringify({ name: 'chars', data: { kind: 'text', path: 'c.txt' }, model: { cell: 'lstm', hiddenSize: 32, embeddingSize: 8 }, training: { maxSteps: 40, batchSize: 4, sequenceLength: 16, checkpointEvery: 10, threads: 1 } }));
  fs.appendFileSync(path.join(ws.dir, 'configs', 'c.txt'), 'abcd');
  const differing = run(['train', other, '--resume', id, '--runs-dir', ws.runsDir, '--max-steps', '30'], elsewhere);
  assert.equal(differing.status, 0, differing.stderr);
  assert.match(differing.stdout, /Finished 30 steps/);
  assert.match(differing.stderr, new RegExp(`warning: .*chars\\.seqlab\\.json differs from the config run ${id} started with \\(its config\\.seqlab\\.json\\) in model\\.hiddenSize \\(16 → 32\\)\\. The run resumes with its own config; to train with the changed one, start a new run: seqlab train .*chars\\.seqlab\\.json`));
  assert.match(differing.stderr, /warning: The run's data paths resolve against .*configs, the folder of the config it started from, not against /);
  assert.match(differing.stderr, /warning: The data file .*c\.txt changed since the run started \(600 → 604 bytes, modified .*\): the resumed run trains on the changed data/);
  assert.deepEqual((await listRuns(ws.runsDir)).map((r) => r.id), [id]);
  assert.equal((await readMetrics(dir)).filter((m) => m.kind === 'step').length, 30);
  const meta = (await listRuns(ws.runsDir))[0].meta;
  assert.equal(meta.info.configPath, ws.configPath);
  assert.equal(meta.info.totalSteps, 30, 'the resumed session sets the step limit');

  const neither = run(['train', '--runs-dir', ws.runsDir], elsewhere);
  assert.equal(neither.status, 2);
  assert.match(neither.stderr, /seqlab train needs a config \(seqlab train <config>\), or a run to continue \(seqlab train --resume <run>\)/);
});
