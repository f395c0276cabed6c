// SIGINT and SIGTERM reach `seqlab train` in every phase: a real `dist/cli.js train --json` on a config
// that makes the phase long, signalled when it announces the phase on stdout; then the exit code
// (130), what the CLI says, and what the run folder keeps. No clocks: every wait is on an event
// (a line of output, the process's exit). Needs `npm run build` first (the test command does it).

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { RUN_FILES } from '../../src/runs/runFiles';
import { listRuns, readMetrics } from '../../src/runs/runReader';

const root = path.resolve(__dirname, '..', '..');
const cli = path.join(root, 'dist', 'cli.js');

interface Event {
  type: string;
  phase?: string;
  step?: number;
  text?: string;
}

function workspace(config: object): { dir: string; configPath: string; runsDir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-signal-'));
  const configPath = path.join(dir, 'long.seqlab.json');
  fs.writeFileSync(configPath, JSON.stringify(config, null, 2));
  return { dir, configPath, runsDir: path.join(dir, 'runs') };
}

/** Runs `seqlab train --json`, sends `signal` at the first event `when` accepts, and resolves at exit. */
function trainUntil(ws: { dir: string; configPath: string; runsDir: string }, when: (e: Event) => boolean, signal: NodeJS.Signals) {
  const child = spawn(process.execPath, [cli, 'train', ws.configPath, '--runs-dir', ws.runsDir, '--json'], { cwd: ws.dir });
  const events: Event[] = [];
  let stdout = '', stderr = '', signalled = false;
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  createInterface({ input: child.stdout }).on('line', (line) => {
    stdout += line + '\n';
    const e = JSON.parse(line) as Event;   // --json: every stdout line is an event
    events.push(e);
    if (!signalled && when(e)) {
      signalled = true;
      child.kill(signal);
    }
  });
  return new Promise<{ code: number | null; events: Event[]; outcome: string; stderr: string; signalled: boolean }>((resolve) => {
    // the last event says how the run ended, in the words `seqlab train` prints without --json
    child.on('close', (code) => resolve({ code, events, outcome: String(events.find((e) => e.type === 'cancelled' || e.type === 'finished')?.text ?? stdout), stderr, signalled }));
  });
}

const atPhase = (phase: string, step?: number) => (e: Event) => e.type === 'phase' && e.phase === phase && (step === undefined || e.step === step);

test('SIGINT while loading the data: exit 130, no run folder, said so', async () => {
  // 4 million Mackey-Glass samples: 40 million integration steps
  const ws = workspace({ name: 'long data', data: { kind: 'synthetic', task: 'mackey-glass', length: 20, samples: 4_000_000 }, model: { hiddenSize: 8 } });
  const r = await trainUntil(ws, atPhase('data'), 'SIGINT');
  assert.ok(r.signalled, r.stderr);
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.outcome, /Cancelled while loading the data: no run folder was created/);
  assert.equal(fs.existsSync(ws.runsDir), false);
});

test('SIGINT while the backend starts its worker threads: exit 130, no run folder', async () => {
  // eight threads, each with its own copy of an LSTM of hidden size 1024 to allocate
  const ws = workspace({
    name: 'long backend', data: { kind: 'synthetic', task: 'copy', length: 100, samples: 64 },
    model: { cell: 'lstm', hiddenSize: 1024 }, training: { batchSize: 64, threads: 8, maxSteps: 1 }, diagnostics: { enabled: false },
  });
  const r = await trainUntil(ws, atPhase('backend'), 'SIGINT');
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.outcome, /Cancelled while starting the backend: no run folder was created/);
  assert.equal(fs.existsSync(ws.runsDir), false);
});

test('SIGTERM while initialising the weights: exit 130, a run folder that says cancelled with nothing to resume', async () => {
  // a tanh RNN of hidden size 2048: one orthogonal 2048×2048 block
  const ws = workspace({
    name: 'long init', data: { kind: 'synthetic', task: 'adding', length: 10, samples: 64 },
    model: { cell: 'rnn', hiddenSize: 2048 }, training: { batchSize: 8, threads: 1, maxSteps: 5 }, diagnostics: { enabled: false },
  });
  const r = await trainUntil(ws, atPhase('init'), 'SIGTERM');
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.outcome, /Cancelled while initialising the weights at step 0: no checkpoint was written: nothing to resume or export from/);
  const [run] = await listRuns(ws.runsDir);
  assert.equal(run.status.kind, 'cancelled');
  assert.deepEqual(run.meta.end, { by: 'stop', step: 0, phase: 'init' });
  assert.deepEqual(fs.readdirSync(path.join(run.dir, RUN_FILES.checkpoints)), []);
  assert.ok(fs.existsSync(path.join(run.dir, RUN_FILES.config)), 'the config snapshot is kept');
});

test('SIGINT while training: exit 130, the steps taken and a checkpoint of the last one are kept', async () => {
  const ws = workspace({
    name: 'long training', data: { kind: 'synthetic', task: 'adding', length: 10, samples: 256 },
    model: { cell: 'gru', hiddenSize: 12 }, training: { maxSteps: 1_000_000, epochs: 100_000, batchSize: 16, threads: 1, validateEvery: 100, checkpointEvery: 0 },
    diagnostics: { enabled: false },
  });
  const r = await trainUntil(ws, (e) => e.type === 'progress', 'SIGINT');
  assert.equal(r.code, 130, r.stderr);
  const [run] = await listRuns(ws.runsDir);
  assert.equal(run.status.kind, 'cancelled');
  const step = run.status.step;
  assert.ok(step >= 50, `stopped at step ${step}, after the first progress event (step 50)`);
  assert.deepEqual(run.meta.end, { by: 'stop', step, phase: 'training' });
  assert.match(r.outcome, new RegExp(`Cancelled while training at step ${step}: the checkpoint of step ${step} is kept \\(resume with: seqlab train --resume ${run.id}\\)\\.$`, 'm'));
  assert.equal((await readMetrics(run.dir)).filter((m) => m.kind === 'step').length, step);
  assert.ok(fs.existsSync(path.join(run.dir, RUN_FILES.checkpoints, `ckpt-${step}.json`)));
});

test('SIGINT while writing a checkpoint: exit 130, the half-written checkpoint is dropped, the one before kept', async () => {
  // a word model with 60 000 words: embedding and output layer make a checkpoint of ~370 MB (Adam: 3 copies)
  const ws = workspace({
    name: 'long checkpoint', data: { kind: 'text', path: 'words.txt', level: 'word' },
    model: { cell: 'gru', hiddenSize: 256, embeddingSize: 256 },
    training: { batchSize: 2, sequenceLength: 4, threads: 1, maxSteps: 10, checkpointEvery: 1, validateEvery: 1000 },
    diagnostics: { enabled: false },
  });
  const words = Array.from({ length: 60_000 }, (_, i) => `w${i}`);
  fs.writeFileSync(path.join(ws.dir, 'words.txt'), [...words, ...words].join(' '));
  const r = await trainUntil(ws, atPhase('checkpoint', 2), 'SIGINT');
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.outcome, /Cancelled while writing a checkpoint at step 2: the checkpoint of step 1 is kept/);
  const [run] = await listRuns(ws.runsDir);
  assert.deepEqual(run.meta.end, { by: 'stop', step: 2, phase: 'checkpoint' });
  const files = fs.readdirSync(path.join(run.dir, RUN_FILES.checkpoints)).sort();
  assert.deepEqual(files, ['ckpt-1.bin', 'ckpt-1.json'], 'no temp file, no half checkpoint');
});
