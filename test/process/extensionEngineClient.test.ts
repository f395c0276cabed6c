// The extension's engine client against the real engine (dist/trainer.js): typed requests and replies,
// a request's AbortSignal and a timeout kill its child, dispose() ends every child (requests at once,
// trainings after their step), and a child that dies with a request pending fails it with a clear message.
// Needs `npm run build` first.
import assert from 'node:assert/strict';
import { fork, type ForkOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { EngineClient } from '../../src/extension/engine/engineClient';
import { generatedMessage, sampleText } from '../../src/extension/engine/sampleText';
import type { RunSummary } from '../../src/runs/runReader';
import type { ExitInfo, TrainingMessage } from '../../src/extension/engine/engineProcess';
import type { SampleRequest, TrainerToHost } from '../../src/shared/protocol';
import { train } from '../../src/trainer/training';
import { until } from './waitUntil';

const root = path.resolve(__dirname, '../..');
const trainerPath = path.join(root, 'dist/trainer.js');
const skip = !fs.existsSync(trainerPath) && 'dist/trainer.js is not built';

/** Far more tokens than any test waits for: a sample that is still running when the test acts. */
const ENDLESS = 50_000_000;

let trained: Promise<{ dir: string; runsDir: string; runDir: string }> | undefined;

/** A tiny character model, trained once in this process and shared by the tests. */
function charModel(): Promise<{ dir: string; runsDir: string; runDir: string }> {
  trained ??= (async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-engine-'));
    fs.writeFileSync(path.join(dir, 'c.txt'), 'abcabcabd '.repeat(60));
    const configPath = path.join(dir, 'chars.seqlab.json');
    fs.writeFileSync(configPath, JSON.stringify({
      name: 'chars',
      data: { kind: 'text', path: 'c.txt' },
      model: { cell: 'lstm', hiddenSize: 16, embeddingSize: 8 },
      training: { maxSteps: 5, batchSize: 4, sequenceLength: 16, threads: 1 },
      diagnostics: { enabled: false },
    }));
    const runsDir = path.join(dir, 'runs');
    const out = await train({ configPath, runsDir });
    return { dir, runsDir, runDir: out.runDir! };
  })();
  return trained;
}

async function sampleRequest(over: Partial<SampleRequest> = {}): Promise<SampleRequest> {
  const m = await charModel();
  return { runsDir: m.runsDir, run: m.runDir, prime: 'ab', length: 30, temperature: 0.8, seed: 3, ...over };
}

/** An engine client whose children the test can watch; they are the real engine. */
function watchedEngine(): { engine: EngineClient; readyChildren: (n: number) => Promise<void> } {
  let ready = 0;
  const waiters: (() => void)[] = [];
  const engine = new EngineClient({
    trainerPath,
    fork: ((modulePath: string, args: readonly string[], options: ForkOptions) => {
      const child = fork(modulePath, args, options);
      child.on('message', (m: TrainerToHost) => {
        if (m.type !== 'ready') return;
        ready++;
        for (const w of waiters.splice(0)) w();
      });
      return child;
    }) as typeof fork,
  });
  /** Resolves once `n` children have said `ready` (and so hold the request sent to them). */
  const readyChildren = async (n: number) => {
    while (ready < n) await new Promise<void>((r) => waiters.push(r));
  };
  return { engine, readyChildren };
}

const gone = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
};

test('a sample request gets its typed reply; a bad one gets the engine\'s problem and message', { skip }, async () => {
  const engine = new EngineClient({ trainerPath });
  const ok = await engine.request('sample', await sampleRequest());
  assert.equal(ok.kind, 'done', JSON.stringify(ok));
  if (ok.kind !== 'done') return;
  assert.equal(ok.result.text.length, 32, 'the prime and 30 characters');
  assert.ok(ok.result.text.startsWith('ab'));
  assert.match(ok.result.runId, /chars-lstm/);

  const notFound = await engine.request('sample', await sampleRequest({ run: 'no-such-run' }));
  assert.equal(notFound.kind === 'failed' && notFound.problem, 'notFound');
  const unknownPrime = await engine.request('sample', await sampleRequest({ prime: 'xyz' }));
  assert.equal(unknownPrime.kind === 'failed' && unknownPrime.problem, 'badInput');
  assert.match((unknownPrime as { message: string }).message, /None of the prime's tokens is in the model's vocabulary/);
  assert.equal(engine.started, 3);
  await until(() => engine.alive === 0, 'the answered children to exit');
});

test('cancelling a request kills its child', { skip }, async () => {
  const { engine, readyChildren } = watchedEngine();
  const abort = new AbortController();
  const pending = engine.request('sample', await sampleRequest({ length: ENDLESS }), { signal: abort.signal });
  const [child] = engine.children();
  assert.equal(child.purpose, 'request');
  await readyChildren(1);
  abort.abort();
  assert.deepEqual(await pending, { kind: 'cancelled' });
  assert.equal(engine.alive, 0);
  assert.ok(gone(child.pid), `pid ${child.pid} still runs`);
  assert.deepEqual(await engine.request('sample', await sampleRequest(), { signal: abort.signal }), { kind: 'cancelled' }, 'an aborted signal starts nothing');
  assert.equal(engine.started, 1);
});

test('a request that outlives its timeout fails as timed out and its child is killed', { skip }, async () => {
  const engine = new EngineClient({ trainerPath });
  const pending = engine.request('sample', await sampleRequest({ length: ENDLESS }), { timeoutMs: 500 });
  const [child] = engine.children();
  const outcome = await pending;
  assert.equal(outcome.kind === 'failed' && outcome.problem, 'timedOut');
  assert.match((outcome as { message: string }).message, /did not answer the sample request within 0.5 s/);
  assert.ok(gone(child.pid));
});

test('a child that dies with a request pending fails it with what happened', { skip }, async () => {
  const { engine, readyChildren } = watchedEngine();
  const pending = engine.request('sample', await sampleRequest({ length: ENDLESS }));
  const [child] = engine.children();
  await readyChildren(1);
  process.kill(child.pid, 'SIGKILL');
  const outcome = await pending;
  assert.equal(outcome.kind === 'failed' && outcome.problem, 'crashed');
  assert.match((outcome as { message: string }).message, new RegExp(`The SeqLab engine \\(pid ${child.pid}\\) was killed \\(SIGKILL\\) before it answered the sample request`));
  assert.equal(engine.alive, 0);
});

test('dispose ends every child: requests at once (cancelled), a training after its step', { skip }, async () => {
  const m = await charModel();
  const { engine, readyChildren } = watchedEngine();
  const configPath = path.join(m.dir, 'long.seqlab.json');
  // long enough by steps and by epochs (the default epochs ended it by itself once, before dispose, on a fast run)
  fs.writeFileSync(configPath, fs.readFileSync(path.join(m.dir, 'chars.seqlab.json'), 'utf8').replace('"maxSteps":5', '"maxSteps":1000000,"epochs":100000'));
  const messages: TrainingMessage['type'][] = [];
  let firstStep!: () => void;
  const stepped = new Promise<void>((r) => (firstStep = r));
  let exited!: (e: ExitInfo) => void;
  const trainingExit = new Promise<ExitInfo>((r) => (exited = r));
  engine.train({ configPath, runsDir: m.runsDir }, {
    message: (msg) => {
      messages.push(msg.type);
      if (msg.type === 'metrics' && msg.records.some((r) => r.kind === 'step')) firstStep();
    },
    line: () => undefined,
    exited,
  });
  const samples = [engine.request('sample', await sampleRequest({ length: ENDLESS })), engine.request('sample', await sampleRequest({ length: ENDLESS }))];
  await Promise.all([stepped, readyChildren(3)]);
  const pids = engine.children().map((c) => c.pid);
  assert.equal(pids.length, 3);
  engine.dispose();
  assert.deepEqual(await Promise.all(samples), [{ kind: 'cancelled' }, { kind: 'cancelled' }]);
  assert.deepEqual(await trainingExit, { code: 0, signal: null }, 'the trainer stopped by itself after its step');
  assert.equal(messages.at(-1), 'cancelled');
  assert.equal(engine.alive, 0);
  assert.ok(pids.every(gone));
  assert.throws(() => engine.train({ configPath, runsDir: m.runsDir }, { message: () => undefined, line: () => undefined, exited: () => undefined }), /shut down/);
});

test('Generate: the text of a run by its id; a closed dashboard (its signal) ends the sample and its child', { skip }, async () => {
  const m = await charModel();
  const runId = path.basename(m.runDir);
  // the two things sampleText reads of the runs on disk
  const runs = { runsDir: () => m.runsDir, getRun: (id: string) => (id === runId ? ({ id, dir: m.runDir } as RunSummary) : undefined) };
  const { engine, readyChildren } = watchedEngine();
  const text = await sampleText(engine, runs, { runId, prime: 'abc', temperature: 0, length: 12.7 });
  assert.equal(text?.length, 3 + 12, 'the prime and 12 characters (the length is floored)');
  await assert.rejects(sampleText(engine, runs, { runId: 'gone', prime: 'a', temperature: 0, length: 5 }), /Run gone not found/);

  const closed = new AbortController();
  const pending = sampleText(engine, runs, { runId, prime: 'abc', temperature: 1, length: ENDLESS }, closed.signal);
  const child = engine.children().at(-1)!;
  await readyChildren(2);
  closed.abort();
  assert.equal(await pending, undefined);
  assert.ok(gone(child.pid));
});

test('Generate in the dashboard shows what Generate Sample shows: the prime once, then what the model wrote', { skip }, async () => {
  const m = await charModel();
  const runId = path.basename(m.runDir);
  const runs = { runsDir: () => m.runsDir, getRun: (id: string) => (id === runId ? ({ id, dir: m.runDir } as RunSummary) : undefined) };
  const engine = new EngineClient({ trainerPath });
  try {
    const ask = { runId, prime: 'ab', temperature: 0, length: 10 };
    const paletteText = await sampleText(engine, runs, ask);
    assert.ok(paletteText?.startsWith('ab'));
    const message = generatedMessage(ask, paletteText!);
    assert.deepEqual([message.type, message.runId, message.prime, message.temperature], ['generated', runId, 'ab', 0]);
    // the webview renders the prime (marked) followed by `text`
    assert.equal(message.prime + message.text, paletteText, 'what the dashboard shows is what the palette shows');
    assert.equal(message.text.length, 10, 'the 10 generated characters, without the prime');
  } finally {
    engine.dispose();
  }
});
