// `dist/cli.js train` against the faults of the disk and of the data underneath a run: a checkpoint that
// meets a full disk (a temp file pointed at /dev/full), a runs folder that cannot be written, a data file
// changed while the run trains, and two trainers writing into one runs folder. Each says what went wrong,
// naming the file, and what the run keeps; none prints a stack trace. Every wait is on an event (a line
// of output, the process's exit).
// Needs `npm run build` first.

import assert from 'node:assert/strict';
import { spawn, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { RUN_FILES } from '../../src/runs/runFiles';
import { listRuns, readMetrics } from '../../src/runs/runReader';

const root = path.resolve(__dirname, '..', '..');
const cli = path.join(root, 'dist', 'cli.js');

const run = (args: string[], cwd: string, options: SpawnSyncOptions = {}) =>
  spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout: 120_000, ...options }) as { status: number | null; stdout: string; stderr: string };

function workspace(config: object, files: Record<string, string> = {}): { dir: string; configPath: string; runsDir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-storage-'));
  const configPath = path.join(dir, 'faults.seqlab.json');
  fs.writeFileSync(configPath, JSON.stringify(config, null, 2));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return { dir, configPath, runsDir: path.join(dir, 'runs') };
}

const tiny = (maxSteps: number) => ({
  name: 'faults',
  data: { kind: 'synthetic', task: 'adding', length: 10, samples: 256 },
  model: { cell: 'gru', hiddenSize: 12 },
  training: { maxSteps, epochs: 100000, batchSize: 16, validateEvery: 10, checkpointEvery: 10, threads: 1 },
});

const STACK_LINE = /^\s+at .*\(.*:\d+:\d+\)$/m;

test('a checkpoint that meets a full disk: exit 1 naming the file and ENOSPC, the previous checkpoint kept, the run failed (storage)', { skip: !fs.existsSync('/dev/full') && 'no /dev/full on this system' }, async () => {
  const ws = workspace(tiny(10));
  assert.equal(run(['train', ws.configPath, '--runs-dir', ws.runsDir], ws.dir).status, 0);
  const [{ id, dir }] = await listRuns(ws.runsDir);
  const checkpoints = path.join(dir, RUN_FILES.checkpoints);
  const ckpts = () => fs.readdirSync(checkpoints).filter((f) => f.includes('ckpt')).sort();
  const before = ckpts();
  // the resumed session's checkpoint of step 20 is written to .ckpt-20.bin.<pid>.tmp first: that name, made
  // by the shell that then becomes the CLI (exec keeps the pid), leads to a device on which every write is ENOSPC
  const r = spawnSync('/bin/sh', ['-c', 'ln -s /dev/full "$0/.ckpt-20.bin.$$.tmp" && exec "$@"', checkpoints, process.execPath, cli, 'train', '--resume', id, '--runs-dir', ws.runsDir, '--max-steps', '20'], { cwd: ws.dir, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`Cannot write .*ckpt-20\\.bin: the disk is full \\(ENOSPC\\)\\. The checkpoint of step 10 is kept \\(resume with: seqlab train --resume ${id}\\)\\. Free space on that disk \\(or move the runs folder\\), then resume\\.`));
  assert.doesNotMatch(r.stderr, STACK_LINE);
  assert.deepEqual(ckpts(), before, 'the checkpoint of step 10 as it was; no temp file');
  assert.deepEqual(before, ['ckpt-10.bin', 'ckpt-10.json']);
  const show = run(['show', id, '--runs-dir', ws.runsDir], ws.dir);
  assert.match(show.stdout, /failed \(storage\) at step 20: Cannot write .*ckpt-20\.bin: the disk is full/);
  // with space again, the run goes on from step 10
  const again = run(['train', '--resume', id, '--runs-dir', ws.runsDir, '--max-steps', '20'], ws.dir);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, /Finished 20 steps/);
});

test('a runs folder that cannot be written: refused before the data loads, naming the folder and what to do', { skip: process.platform === 'win32' && 'POSIX permissions' }, () => {
  const ws = workspace(tiny(10));
  // root writes through any permission: the CLI then runs as nobody, for whom they hold
  const asRoot = process.getuid?.() === 0;
  const user: SpawnSyncOptions = asRoot ? { uid: 65534, gid: 65534 } : {};
  fs.chmodSync(ws.dir, 0o755);
  const readOnly = path.join(ws.dir, 'read-only');
  fs.mkdirSync(path.join(readOnly, 'runs'), { recursive: true });
  fs.chmodSync(path.join(readOnly, 'runs'), 0o555);
  fs.chmodSync(readOnly, 0o555);
  try {
    // an existing folder, and one that would have to be created in a read-only one
    for (const runsDir of [path.join(readOnly, 'runs'), path.join(readOnly, 'new-runs')]) {
      const r = run(['train', ws.configPath, '--runs-dir', runsDir], ws.dir, user);
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`Cannot write ${runsDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: permission denied \\(EACCES\\)\\. The run folder cannot be written there, so nothing was started\\. Choose a folder you can write to \\(seqlab train --runs-dir <dir>; in VS Code the seqlab\\.runsDirectory setting\\), or make this one writable\\.`));
      assert.doesNotMatch(r.stderr, /loading data/, 'refused before the data is loaded');
      assert.doesNotMatch(r.stderr, STACK_LINE);
    }
    assert.deepEqual(fs.readdirSync(readOnly), ['runs']);
    assert.deepEqual(fs.readdirSync(path.join(readOnly, 'runs')), [], 'no probe file left behind');
  } finally {
    fs.chmodSync(readOnly, 0o755);
    fs.chmodSync(path.join(readOnly, 'runs'), 0o755);
  }
});

test('a data file changed while a run trains: the run goes on with what it read; --resume names the change', async () => {
  const text = 'abcabcabd '.repeat(60);
  const ws = workspace({
    name: 'chars',
    data: { kind: 'text', path: 'c.txt' },
    model: { cell: 'lstm', hiddenSize: 16, embeddingSize: 8 },
    training: { maxSteps: 1_000_000, epochs: 100_000, batchSize: 4, sequenceLength: 16, checkpointEvery: 10, threads: 1 },
  }, { 'c.txt': text });
  const child = spawn(process.execPath, [cli, 'train', ws.configPath, '--runs-dir', ws.runsDir, '--json'], { cwd: ws.dir });
  let stderr = '', changed = false;
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (changed || !line.startsWith('{') || (JSON.parse(line) as { type: string }).type !== 'checkpoint') return;
    // a character the run's vocabulary has never seen
    changed = true;
    fs.appendFileSync(path.join(ws.dir, 'c.txt'), 'xyz\n');
    child.kill('SIGINT');
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 130, stderr);
  const [{ id, meta }] = await listRuns(ws.runsDir);
  assert.equal(meta.dataFile?.bytes, text.length, 'meta.json records the file as the run read it');

  const resumed = run(['train', '--resume', id, '--runs-dir', ws.runsDir, '--max-steps', String((meta.status.step ?? 0) + 10)], ws.dir);
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.match(resumed.stderr, /warning: The data file .*c\.txt changed since the run started \(600 → 604 bytes, modified .*\): the resumed run trains on the changed data, and its vocabulary or columns may no longer match the checkpoint\. To train on the new data from scratch, start a new run\./);
  // the checkpoint's vocabulary is kept: the new characters are read as <unk>
  assert.match(resumed.stderr, /vocab 6 incl\. <unk>.*\(4 unseen → <unk>\)/);
});

test('two trainers started at once into one runs folder: two runs, each whole, neither touching the other', async () => {
  const ws = workspace(tiny(20));
  const train = () =>
    new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [cli, 'train', ws.configPath, '--runs-dir', ws.runsDir], { cwd: ws.dir });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ code, stderr }));
    });
  const both = await Promise.all([train(), train()]);
  for (const r of both) assert.equal(r.code, 0, r.stderr);
  const runs = await listRuns(ws.runsDir);
  assert.equal(runs.length, 2, 'two run ids, even when started in the same second');
  for (const r of runs) {
    assert.equal(r.meta.status.kind, 'finished');
    const steps = (await readMetrics(r.dir)).filter((m) => m.kind === 'step').map((m) => m.step);
    assert.deepEqual(steps, Array.from({ length: 20 }, (_, i) => i + 1), `${r.id}: its own 20 steps, once each`);
  }
});
