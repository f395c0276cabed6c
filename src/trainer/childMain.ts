// Entry of dist/trainer.js when the extension forks it: the engine, speaking the typed protocol over IPC.
// We say `ready`; then
// - `train`: we answer `started`, throttled `metrics`, `diagnostics`, `checkpoint`, and one of
//   `finished` / `failed` / `cancelled`. A `stop` message or SIGTERM stops after the current step.
// - `request` (sample, export, translate, checkData, the explorer's states, match, …): we answer `reply` or
//   `requestFailed` with the request's id, by calling the same trainer functions as the CLI. A training child
//   answers them too, between its steps (the explorer reads the run's newest checkpoint); it disconnects only
//   once the requests in flight are answered. `cancelRequest` aborts one (the explorer stops at its next check).
// If the parent goes away we stop too (no orphans).

import { parseConfig } from '../shared/configValidation';
import { assertNever, type CheckDataRequest, type CheckDataResult, type EngineRequest, type EngineResult, type HostToTrainer, type TrainerToHost } from '../shared/protocol';
import { SEQLAB_VERSION } from '../runs/runWriter';
import { dataIssues } from './data/dataChecks';
import { TrainError } from './errors';
import { exportRun } from './export/exportRun';
import { ExplorerError } from './explore/explorerError';
import { handleExplorerRequest } from './explore/explorerRequests';
import { RequestError } from './requestError';
import { sampleRun } from './sampleRun';
import { train } from './training';
import { translateRun } from './translateRun';
import { enableRelaxedSimd } from './backends/wasm/wasmFlags';

/** After a stop request, exit at the latest this long after, even if a step is still running. */
const STOP_DEADLINE_MS = 2000;

enableRelaxedSimd();

/** Resolves once the message is written to the channel (a disconnect right after a send may drop it otherwise). */
const send = (m: TrainerToHost): Promise<void> =>
  new Promise((resolve) => {
    // with a callback, a channel that closes meanwhile is an ignored error, not an uncaught one
    if (process.connected) process.send!(m, undefined, {}, () => resolve());
    else resolve();
  });

let stopRequested = false;
const requestStop = () => {
  if (stopRequested) return;
  stopRequested = true;
  setTimeout(() => process.exit(143), STOP_DEADLINE_MS).unref();
};

async function run(message: HostToTrainer & { type: 'train' }): Promise<void> {
  try {
    const outcome = await train(
      message.request,
      {
        started: (run, runDir) => void send({ type: 'started', run, runDir }),
        metrics: (records) => void send({ type: 'metrics', records }),
        diagnostics: (snapshot) => void send({ type: 'diagnostics', snapshot }),
        checkpoint: (step, path) => void send({ type: 'checkpoint', step, path }),
      },
      () => stopRequested,
    );
    if (outcome.kind === 'finished') {
      const done: TrainerToHost = { type: 'finished', step: outcome.step, seconds: outcome.seconds };
      if (outcome.bestValidationLoss !== undefined) done.bestValidationLoss = outcome.bestValidationLoss;
      await send(done);
    } else {
      await send({ type: 'cancelled', step: outcome.step });
    }
  } catch (e) {
    const err = e instanceof TrainError ? e : new TrainError('internal', e instanceof Error ? e.stack ?? e.message : String(e));
    process.stderr.write(err.message + '\n');
    const failed: TrainerToHost = { type: 'failed', kind: err.kind, message: err.message };
    if (err.step !== undefined) failed.step = err.step;
    await send(failed);
    process.exitCode = 1;
  } finally {
    await Promise.allSettled([...inFlight.values()].map((r) => r.answered));
    // the parent may have gone first (that is what stopped us): disconnecting twice throws
    if (process.connected) process.disconnect();
  }
}

async function answer(body: EngineRequest, signal: AbortSignal): Promise<EngineResult> {
  switch (body.kind) {
    case 'states':
    case 'unitFeatures':
    case 'match':
    case 'embedding':
    case 'neighbours':
      return handleExplorerRequest(body, signal);
    case 'sample':
      return { kind: 'sample', result: await sampleRun(body.request) };
    case 'export':
      return { kind: 'export', result: await exportRun(body.request) };
    case 'translate':
      return { kind: 'translate', result: await translateRun(body.request) };
    case 'checkData':
      return { kind: 'checkData', result: checkData(body.request) };
    default:
      return assertNever(body, 'request');
  }
}

/** `seqlab validate`'s data checks of an editor's text; the schema's problems are the editor's own to report. */
function checkData({ text, configPath }: CheckDataRequest): CheckDataResult {
  const { config, rest } = parseConfig(text, configPath);
  const checkable = config ?? rest;
  return { issues: checkable ? dataIssues(checkable, configPath) : [] };
}

/** Requests being answered, by id: how to abort one, and when it is answered. */
const inFlight = new Map<number, { abort: AbortController; answered: Promise<void> }>();

function request(id: number, body: EngineRequest): void {
  const abort = new AbortController();
  const answered = reply(id, body, abort.signal).finally(() => inFlight.delete(id));
  inFlight.set(id, { abort, answered });
}

async function reply(id: number, body: EngineRequest, signal: AbortSignal): Promise<void> {
  try {
    await send({ type: 'reply', id, body: await answer(body, signal) });
  } catch (e) {
    if (e instanceof RequestError) await send({ type: 'requestFailed', id, problem: e.problem, message: e.message });
    else if (e instanceof ExplorerError) {
      // the host that cancelled a request has settled it already
      if (e.problem !== 'cancelled') await send({ type: 'requestFailed', id, problem: e.problem, message: e.message });
    } else {
      const message = e instanceof Error ? e.stack ?? e.message : String(e);
      process.stderr.write(message + '\n');
      await send({ type: 'requestFailed', id, problem: 'internal', message });
    }
  }
}

if (!process.send) {
  process.stderr.write('dist/trainer.js is started by the SeqLab extension over IPC. From a terminal, use: seqlab train <config>\n');
  process.exit(2);
}

process.on('SIGTERM', requestStop);
process.on('SIGINT', requestStop);
process.on('disconnect', requestStop);
process.on('message', (m: HostToTrainer) => {
  switch (m.type) {
    case 'train':
      void run(m);
      break;
    case 'stop':
      requestStop();
      break;
    case 'request':
      request(m.id, m.body);
      break;
    case 'cancelRequest':
      inFlight.get(m.id)?.abort.abort();
      break;
    default:
      assertNever(m);
  }
});
void send({ type: 'ready', pid: process.pid, version: SEQLAB_VERSION });
