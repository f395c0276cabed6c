// The run manager against the real trainer (dist/trainer.js): a tiny synthetic run finishes, Stop
// cancels, a SIGKILL'd trainer gives a failed run with its log, the queue honours the maximum.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { listRuns } from '../../src/runs/runReader';
import { RUN_FILES } from '../../src/runs/runFiles';
import { EngineClient } from '../../src/extension/engine/engineClient';
import { RunManager } from '../../src/extension/training/runManager';

const root = path.resolve(__dirname, '../..');
const trainerPath = path.join(root, 'dist/trainer.js');
const skip = !fs.existsSync(trainerPath) && 'dist/trainer.js is not built';

function setup(maxSteps: number, max = 2) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-manager-'));
  const configPath = path.join(dir, 'tiny.seqlab.json');
  fs.writeFileSync(configPath, JSON.stringify({
    name: 'tiny',
    data: { kind: 'synthetic', task: 'adding', length: 8, samples: 256 },
    model: { cell: 'lstm', hiddenSize: 8 },
    training: { maxSteps, epochs: 100000, batchSize: 8, validateEvery: 10, checkpointEvery: 20, threads: 1 },
    diagnostics: { every: 10 },
  }));
  const events: string[] = [];
  let metrics = 0;
  /** Resolvers waiting for a run's first step record. */
  const stepWaiters = new Map<string, () => void>();
  const engine = new EngineClient({ trainerPath });
  const manager = new RunManager({
    engine,
    maxConcurrent: () => max,
    listener: {
      started: () => events.push('started'),
      metrics: (runId, records) => {
        metrics++;
        if (records.some((r) => r.kind === 'step' && r.step > 0)) stepWaiters.get(runId)?.();
      },
      ended: (_j, o) => events.push(`ended:${o.kind}`),
    },
  });
  /** The run's trainer has reported a training step. */
  const stepped = (runId: string) => new Promise<void>((resolve) => stepWaiters.set(runId, resolve));
  return { runsDir: path.join(dir, 'runs'), configPath, manager, engine, events, metrics: () => metrics, stepped };
}

test('a tiny run finishes and reports metrics', { skip }, async () => {
  const s = setup(20);
  const job = s.manager.enqueue({ configPath: s.configPath, runsDir: s.runsDir });
  const id = await s.manager.whenStarted(job.key);
  assert.ok(id);
  const outcome = await s.manager.whenDone(job.key);
  assert.equal(outcome?.kind, 'finished');
  assert.ok(s.metrics() > 0);
  assert.deepEqual(s.events, ['started', 'ended:finished']);
  assert.equal((await listRuns(s.runsDir))[0].status.kind, 'finished');
  assert.equal(s.manager.active().length, 0);
});

test('stop cancels a running run', { skip }, async () => {
  const s = setup(1_000_000);
  const job = s.manager.enqueue({ configPath: s.configPath, runsDir: s.runsDir });
  const id = await s.manager.whenStarted(job.key);
  await s.stepped(id!);
  await s.manager.stop(id!);
  const run = (await listRuns(s.runsDir))[0];
  assert.equal(run.status.kind, 'cancelled');
});

test('a trainer killed with SIGKILL gives a failed run, with its output in trainer.log', { skip }, async () => {
  const s = setup(1_000_000);
  const job = s.manager.enqueue({ configPath: s.configPath, runsDir: s.runsDir });
  const id = await s.manager.whenStarted(job.key);
  await s.stepped(id!);
  assert.equal(s.manager.kill(id!, 'SIGKILL'), true);
  const outcome = await s.manager.whenDone(job.key);
  assert.equal(outcome?.kind, 'failed');
  const run = (await listRuns(s.runsDir))[0];
  assert.equal(run.status.kind, 'failed');
  assert.match(run.status.kind === 'failed' ? run.status.message : '', /killed \(SIGKILL\)/);
  assert.ok(fs.existsSync(path.join(run.dir, RUN_FILES.log)));
});

test('the queue holds runs beyond the maximum; shutdown marks started runs interrupted', { skip }, async () => {
  const s = setup(1_000_000, 1);
  const a = s.manager.enqueue({ configPath: s.configPath, runsDir: s.runsDir });
  const b = s.manager.enqueue({ configPath: s.configPath, runsDir: s.runsDir, cell: 'gru' });
  assert.equal(b.state.kind, 'queued');
  await s.manager.whenStarted(a.key);
  assert.equal(s.manager.find(b.key)?.state.kind, 'queued');
  await s.manager.shutdown();
  const runs = await listRuns(s.runsDir);
  assert.equal(runs.length, 1, 'the queued run never started');
  assert.equal(runs[0].status.kind, 'interrupted');
  assert.equal(s.manager.active().length, 0);
  assert.equal(s.engine.alive, 0, 'no trainer outlives the shutdown');
});
