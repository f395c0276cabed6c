// The explorer's way to the engine, against the real engine (dist/trainer.js): a panel's session keeps one
// child for its requests and ends it on dispose; a cancelled request leaves that child answering the next;
// a live run's own trainer answers a states request between its steps, from its newest checkpoint, and
// goes on training; a trainer whose training ends answers its pending requests before it disconnects.
// And the routing (exploreRun) and the panel's side (PanelExplorer) with fakes. Needs `npm run build`.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { exploreRun, type ExploreOutcome, type PanelEngine } from '../../src/extension/dashboard/exploreRun';
import { PanelExplorer } from '../../src/extension/dashboard/panelExplorer';
import { EngineClient } from '../../src/extension/engine/engineClient';
import type { TrainingMessage } from '../../src/extension/engine/engineProcess';
import type { ExplorerQuery } from '../../src/shared/explorerQuery';
import type { HostToWebview } from '../../src/shared/webviewProtocol';
import { train } from '../../src/trainer/training';
import { until } from './waitUntil';

const root = path.resolve(__dirname, '../..');
const trainerPath = path.join(root, 'dist/trainer.js');
const skip = !fs.existsSync(trainerPath) && 'dist/trainer.js is not built';

const CORPUS = 'the cat sat on the mat. "a dog?" (said the cat)\n'.repeat(40);

function workspace(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-explorer-engine-'));
  fs.writeFileSync(path.join(dir, 'c.txt'), CORPUS);
  return dir;
}

function config(dir: string, training: Record<string, unknown>): string {
  const configPath = path.join(dir, `chars-${Object.keys(training).join('-')}.seqlab.json`);
  fs.writeFileSync(configPath, JSON.stringify({
    name: 'chars',
    data: { kind: 'text', path: 'c.txt' },
    validationSplit: 0.2,
    model: { cell: 'lstm', hiddenSize: 16, embeddingSize: 8 },
    training: { batchSize: 4, sequenceLength: 16, threads: 1, ...training },
    diagnostics: { enabled: false },
  }));
  return configPath;
}

let finished: Promise<string> | undefined;
/** A finished tiny char model, trained once and shared. */
const finishedRun = (): Promise<string> =>
  (finished ??= (async () => {
    const dir = workspace();
    const { runDir } = await train({ configPath: config(dir, { maxSteps: 5 }), runsDir: path.join(dir, 'runs') });
    if (!runDir) throw new Error('the training wrote no run folder');
    return runDir;
  })());

test('a session keeps one child for its requests; dispose ends it', { skip }, async () => {
  const runDir = await finishedRun();
  const client = new EngineClient({ trainerPath });
  const session = client.session();
  try {
    const a = await session.request('states', { runDir, weights: 'last', input: { validationSlice: { start: 0, length: 40 } }, gates: false });
    assert.equal(a.kind, 'done');
    if (a.kind === 'done') assert.equal(a.result.tokens.length, 40);
    const b = await session.request('embedding', { runDir, weights: 'last', method: 'pca' });
    assert.equal(b.kind, 'done');
    assert.equal(client.started, 1, 'the same child answered both');
    assert.deepEqual(client.children().map((c) => c.purpose), ['session']);
    session.dispose();
    await until(() => client.alive === 0, 'the session child to end');
    assert.deepEqual(await session.request('neighbours', { runDir, weights: 'last', token: 'a' }), { kind: 'cancelled' }, 'a disposed session asks nothing');
  } finally {
    client.dispose();
  }
});

test('a cancelled request in a session: settled as cancelled at once, the child answers the next one', { skip }, async () => {
  const runDir = await finishedRun();
  const client = new EngineClient({ trainerPath });
  const session = client.session();
  try {
    await session.request('neighbours', { runDir, weights: 'last', token: 'a' });
    const abort = new AbortController();
    const long = session.request('states', { runDir, weights: 'last', input: { text: CORPUS.repeat(20).slice(0, 40_000) }, gates: true }, { signal: abort.signal });
    abort.abort();
    assert.deepEqual(await long, { kind: 'cancelled' });
    const next = await session.request('neighbours', { runDir, weights: 'last', token: 'c', k: 3 });
    assert.equal(next.kind, 'done');
    if (next.kind === 'done') assert.equal(next.result.neighbours.length, 3);
    assert.equal(client.started, 1, 'the child lived on');
  } finally {
    client.dispose();
  }
});

test('a live run: its trainer answers a states request between steps, from its newest checkpoint, and trains on', { skip }, async () => {
  const dir = workspace();
  const client = new EngineClient({ trainerPath });
  const messages: TrainingMessage[] = [];
  const trainer = client.train({ configPath: config(dir, { maxSteps: 100_000, checkpointEvery: 5, validateEvery: 1000 }), runsDir: path.join(dir, 'runs') }, {
    message: (m) => messages.push(m),
    line: () => undefined,
    exited: () => undefined,
  });
  try {
    await until(() => messages.some((m) => m.type === 'checkpoint'), 'the first checkpoint');
    const started = messages.find((m) => m.type === 'started');
    assert.ok(started && started.type === 'started');
    const outcome = await trainer.request('states', { runDir: started.runDir, weights: 'last', input: { text: 'the cat' }, gates: false });
    assert.equal(outcome.kind, 'done', JSON.stringify(outcome).slice(0, 300));
    if (outcome.kind !== 'done') return;
    assert.equal(outcome.result.weights.kind, 'checkpoint');
    assert.ok(outcome.result.weights.step >= 5 && outcome.result.weights.step % 5 === 0, `checkpoint step ${outcome.result.weights.step}`);
    assert.equal(outcome.result.tokens.length, 7);
    assert.equal(client.started, 1, 'no other child');
    const stepNow = lastStep(messages);
    await until(() => lastStep(messages) > stepNow + 5, 'more training steps after the answer');
  } finally {
    trainer.stop(2000);
    client.dispose();
  }
});

test('a trainer whose training ends answers the request in flight before it disconnects', { skip }, async () => {
  const runDir = await finishedRun();
  const dir = workspace();
  const client = new EngineClient({ trainerPath });
  const events: string[] = [];
  let asked: Promise<unknown> | undefined;
  const trainer = client.train({ configPath: config(dir, { maxSteps: 40 }), runsDir: path.join(dir, 'runs') }, {
    message: (m) => {
      events.push(m.type);
      // asked as the run starts: 98 chunks of states, each between two training steps, outlast the 40 steps
      if (m.type === 'started') {
        asked = trainer.request('states', { runDir, weights: 'last', input: { text: CORPUS.repeat(30).slice(0, 50_000) }, gates: true }).then((outcome) => {
          events.push('answered');
          return outcome;
        });
      }
    },
    line: () => undefined,
    exited: () => events.push('exited'),
  });
  try {
    await until(() => events.includes('exited'), 'the trainer to exit');
    const outcome = (await asked) as { kind: string };
    assert.equal(outcome.kind, 'done', JSON.stringify(outcome).slice(0, 300));
    assert.ok(events.indexOf('finished') < events.indexOf('answered'), `the training finished first: ${events.join(', ')}`);
    assert.ok(events.indexOf('answered') < events.indexOf('exited'), 'and the trainer exited after its answer');
  } finally {
    client.dispose();
  }
});

const lastStep = (ms: TrainingMessage[]): number => Math.max(0, ...ms.flatMap((m) => (m.type === 'metrics' ? m.records.map((r) => r.step) : [])));

const query: ExplorerQuery = { kind: 'neighbours', request: { token: 'a' } };
const neighbours = (id: number, step: number) => ({ kind: 'neighbours' as const, result: { id, token: 'a', neighbours: [], weights: { kind: 'checkpoint' as const, step } } });

test('routing: a live run asks its trainer; another run, or a trainer that ended meanwhile, the session', async () => {
  const asked: string[] = [];
  const session = { request: async () => (asked.push('session'), { kind: 'done', result: neighbours(1, 9).result }) as never };
  let live = true;
  const trainer = {
    request: async () => {
      asked.push('trainer');
      // the first time it answers; the second time its training ends before it does
      if (asked.filter((a) => a === 'trainer').length === 1) return { kind: 'done', result: neighbours(2, 5).result } as never;
      live = false;
      return { kind: 'failed', problem: 'crashed', message: 'exited' } as never;
    },
  };
  const jobs = { trainer: (id: string) => (id === 'live' && live ? trainer : undefined) };
  const signal = new AbortController().signal;
  const ask = (runId: string) => exploreRun(session, jobs, { runId, runDir: `/runs/${runId}`, weights: 'last', query }, signal);
  assert.deepEqual(await ask('live'), { kind: 'done', result: neighbours(2, 5) });
  assert.deepEqual(await ask('other'), { kind: 'done', result: neighbours(1, 9) });
  assert.deepEqual(await ask('live'), { kind: 'done', result: neighbours(1, 9) }, 'the session answers what the ended trainer did not');
  assert.deepEqual(asked, ['trainer', 'session', 'trainer', 'session']);
});

test('a panel\'s explorer: answers posted under the request id, unknown runs refused, cancelled ones unanswered, dispose ends it all', async () => {
  const posted: HostToWebview[] = [];
  const pending: { signal: AbortSignal; resolve(o: ExploreOutcome): void }[] = [];
  let disposed = false;
  const engine: PanelEngine = {
    explore: (_ask, signal) => new Promise((resolve) => pending.push({ signal, resolve })),
    dispose: () => (disposed = true),
  };
  const panel = new PanelExplorer(engine, (runId) => (runId === 'r' ? '/runs/r' : undefined), (m) => posted.push(m));
  await panel.ask({ type: 'explore', id: 1, runId: 'elsewhere', weights: 'last', query });
  assert.deepEqual(posted, [{ type: 'exploreFailed', id: 1, runId: 'elsewhere', problem: 'notFound', message: 'Run elsewhere is not shown in this dashboard.' }]);
  const answered = panel.ask({ type: 'explore', id: 2, runId: 'r', weights: 'best', query });
  const cancelled = panel.ask({ type: 'explore', id: 3, runId: 'r', weights: 'last', query });
  assert.equal(panel.pending, 2);
  panel.cancel(3);
  assert.equal(pending[1].signal.aborted, true);
  pending[1].resolve({ kind: 'cancelled' });
  pending[0].resolve({ kind: 'done', result: neighbours(7, 3) });
  await Promise.all([answered, cancelled]);
  assert.deepEqual(posted.slice(1), [{ type: 'explored', id: 2, runId: 'r', result: neighbours(7, 3) }]);
  const open = panel.ask({ type: 'explore', id: 4, runId: 'r', weights: 'last', query });
  panel.dispose();
  assert.equal(pending[2].signal.aborted, true);
  assert.equal(disposed, true);
  pending[2].resolve({ kind: 'cancelled' });
  await open;
  assert.equal(posted.length, 2, 'nothing posted for cancelled requests');
});
