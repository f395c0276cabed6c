// A comparison whose runs wait in the queue (seqlab.maxConcurrentRuns = 1): the panel's slots start as
// jobs, show as queued or starting, and turn into runs, in order and keeping their colours, as the real
// trainer (dist/trainer.js) announces each run. The tree says which job is starting and which waits.
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { jobSlots, pendingView, resolveStarted, runSlots, type Slot, slotEnded, slotRunIds, slotStarted, startedView } from '../../src/extension/dashboard/panelSlots';
import type { ActiveRun } from '../../src/extension/training/activeRun';
import { EngineClient } from '../../src/extension/engine/engineClient';
import { RunManager } from '../../src/extension/training/runManager';
import { buildTree, type ConfigNode } from '../../src/extension/tree/treeModel';
import type { RunInfo } from '../../src/shared/metrics';
import type { PendingRunView } from '../../src/shared/webviewProtocol';

const root = path.resolve(__dirname, '../..');
const trainerPath = path.join(root, 'dist/trainer.js');
const skip = !fs.existsSync(trainerPath) && 'dist/trainer.js is not built';

const request = (cell: 'rnn' | 'lstm' | 'gru') => ({ configPath: '/ws/tiny.seqlab.json', runsDir: '/ws/.seqlab/runs', cell });
const info = (id: string): RunInfo => ({ id, name: 'tiny', configPath: '/ws/tiny.seqlab.json', cell: 'gru', backend: 'wasm', device: 'wasm', seed: 1, paramCount: 10, totalSteps: 20, dataSummary: '', task: 'adding', gateNames: [] });

test('slots: jobs become runs in place, keep their colour, and leave when dequeued', () => {
  const jobs: ActiveRun[] = [
    { key: 'job-1', request: request('rnn'), queuedAt: '', state: { kind: 'starting', pid: 7 } },
    { key: 'job-2', request: request('lstm'), queuedAt: '', state: { kind: 'queued' } },
    { key: 'job-3', request: request('gru'), queuedAt: '', state: { kind: 'queued' } },
  ];
  let slots: Slot[] = jobSlots(jobs.map((j) => j.key));
  assert.deepEqual(slots.map((s) => s.colorIndex), [0, 1, 2]);
  assert.deepEqual(pendingView(jobs[0], 0, jobs), { key: 'job-1', name: 'tiny', cell: 'rnn', state: 'starting', colorIndex: 0 });
  assert.deepEqual(pendingView(jobs[2], 2, jobs), { key: 'job-3', name: 'tiny', cell: 'gru', state: 'queued', position: 2, colorIndex: 2 });

  slots = slotStarted(slots, 'job-2', 'run-b')!;
  assert.deepEqual(slots[1], { id: 'run-b', kind: 'run', colorIndex: 1 });
  assert.equal(slotStarted(slots, 'job-9', 'x'), undefined, 'not a job of this panel');
  slots = slotEnded(slots, 'job-1')!;
  assert.deepEqual(slots.map((s) => [s.id, s.colorIndex]), [['run-b', 1], ['job-3', 2]]);
  assert.equal(slotEnded(slots, 'job-2'), undefined, 'a job that became a run stays as its run');
  assert.deepEqual(slotRunIds(slots), ['run-b']);

  // a job that started before the panel was made, one that is gone, one still queued
  const running: ActiveRun = { key: 'job-4', request: request('lstm'), queuedAt: '', state: { kind: 'running', pid: 9, runId: 'run-d', runDir: '/r/run-d', info: info('run-d'), step: 3 } };
  const resolved = resolveStarted(jobSlots(['job-4', 'job-5', 'job-3']), (k) => (k === 'job-4' ? running : k === 'job-3' ? jobs[2] : undefined));
  assert.deepEqual(resolved, [{ id: 'run-d', kind: 'run', colorIndex: 0 }, { id: 'job-3', kind: 'job', colorIndex: 2 }]);
  assert.deepEqual(startedView(running, 4), { id: 'run-d', info: info('run-d'), status: { kind: 'running', pid: 9, step: 3 }, colorIndex: 4, seconds: 0, snapshotSteps: [] });
  assert.equal(startedView(jobs[1], 1), undefined);
  assert.deepEqual(runSlots(['a', 'b']), [{ id: 'a', kind: 'run', colorIndex: 0 }, { id: 'b', kind: 'run', colorIndex: 1 }]);
});

test('tree: a starting job says so; queued ones have their place in the queue', () => {
  const jobs: ActiveRun[] = [
    { key: 'job-1', request: request('rnn'), queuedAt: '', state: { kind: 'starting', pid: 7 } },
    { key: 'job-2', request: request('lstm'), queuedAt: '', state: { kind: 'queued' } },
    { key: 'job-3', request: request('gru'), queuedAt: '', state: { kind: 'queued' } },
  ];
  const [config] = buildTree([{ path: '/ws/tiny.seqlab.json', workspaceFolder: 'ws', relativePath: 'tiny.seqlab.json' }], [], jobs) as ConfigNode[];
  assert.deepEqual(
    config.children.map((c) => c.kind === 'queued' && [c.label, c.description, c.icon.id]),
    [['starting…', 'RNN', 'loading~spin'], ['queued', 'LSTM · #1 in queue', 'clock'], ['queued', 'GRU · #2 in queue', 'clock']],
  );
  assert.equal(config.description, '3 queued · 0 runs');
});

test('Compare Cells with one run at a time: the comparison exists from the start and fills as runs start', { skip }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-compare-queue-'));
  try {
    const configPath = path.join(dir, 'tiny.seqlab.json');
    fs.writeFileSync(configPath, JSON.stringify({
      name: 'tiny',
      data: { kind: 'synthetic', task: 'adding', length: 8, samples: 64 },
      model: { cell: 'lstm', hiddenSize: 8 },
      training: { maxSteps: 20, batchSize: 8, validateEvery: 10, threads: 1 },
    }));
    let slots: Slot[] = [];
    /** What the panel showed each time a run joined: its runs and its pending rows. */
    const seen: { runs: string[]; pending: PendingRunView[] }[] = [];
    const envs: (NodeJS.ProcessEnv | undefined)[] = [];
    const engine = new EngineClient({
      trainerPath,
      env: () => ({ SEQLAB_TFJS_NODE_DIR: '/nowhere/native' }),
      fork: ((modulePath: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv }) => {
        envs.push(options.env);
        return fork(modulePath, args, options);
      }) as typeof fork,
    });
    const manager: RunManager = new RunManager({
      engine,
      maxConcurrent: () => 1,
      listener: {
        started: (job, runInfo) => {
          slots = slotStarted(slots, job.key, runInfo.id) ?? slots;
          const pending = slots.filter((s) => s.kind === 'job').map((s) => pendingView(manager.find(s.id)!, s.colorIndex, manager.active()));
          seen.push({ runs: slotRunIds(slots), pending });
        },
        ended: (job) => (slots = slotEnded(slots, job.key) ?? slots),
      },
    });
    const cells = ['rnn', 'lstm', 'gru'] as const;
    const jobs = cells.map((cell) => manager.enqueue({ configPath, runsDir: path.join(dir, 'runs'), cell }));
    slots = jobSlots(jobs.map((j) => j.key));
    // the moment Compare Cells opens its panel: one trainer starting, two waiting
    assert.deepEqual(jobs.map((j) => j.state.kind), ['starting', 'queued', 'queued']);
    assert.deepEqual(jobs.map((j) => pendingView(j, 0, manager.active()).position), [undefined, 1, 2]);

    const outcomes = await Promise.all(jobs.map((j) => manager.whenDone(j.key)));
    assert.deepEqual(outcomes.map((o) => o?.kind), ['finished', 'finished', 'finished']);
    assert.equal(seen.length, 3);
    assert.deepEqual(seen.map((s) => s.runs.length), [1, 2, 3], 'runs joined one at a time');
    assert.deepEqual(seen[0].pending.map((p) => [p.cell, p.state, p.position]), [['lstm', 'queued', 1], ['gru', 'queued', 2]]);
    assert.deepEqual(seen[1].pending.map((p) => [p.cell, p.state, p.position]), [['gru', 'queued', 1]]);
    assert.deepEqual(slots.map((s) => [s.kind, s.colorIndex]), [['run', 0], ['run', 1], ['run', 2]]);
    assert.deepEqual(slots.map((s) => s.id.match(/tiny-(\w+)-/)?.[1]), [...cells], 'in the order of the cells, each in its own slot');
    assert.deepEqual(envs.map((e) => e?.SEQLAB_TFJS_NODE_DIR), ['/nowhere/native', '/nowhere/native', '/nowhere/native'], 'every trainer got the extra environment');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
