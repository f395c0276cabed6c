// Entry of dist/trainer.js when the extension forks it: the engine, speaking the typed protocol over IPC.
// We say `ready`; then
// - `train`: we answer `started`, throttled `metrics`, `diagnostics`, `checkpoint`, and one of
//   `finished` / `failed` / `cancelled`. A `stop` message or SIGTERM stops after the current step.
// - `request` (sample, export, translate, checkData, …): we answer `reply` or `requestFailed` with the request's id, by calling
//   the same trainer functions as the CLI.
// If the parent goes away we stop too (no orphans).

import { parseConfig } from '../shared/configValidation';
import { assertNever, type CheckDataRequest, type CheckDataResult, type EngineRequest, type EngineResult, type HostToTrainer, type TrainerToHost } from '../shared/protocol';
import { SEQLAB_VERSION } from '../runs/runWriter';
import { dataIssues } from './data/dataChecks';
import { TrainError } from './errors';
import { exportRun } from './export/exportRun';
import { RequestError } from './requestError';
import { sampleRun } from './sampleRun';
import { train } from './training';
import { translateRun } from './translateRun';
import { enableRelaxedSimd } from './backends/wasm/wasmFlags';

/** After a stop request, exit at the latest this long after, even if a step is still running. */
const STOP_DEADLINE_MS = 2000;

enableRelaxedSimd();

const send = (m: TrainerToHost): void => {
  // with a callback, a channel that closes meanwhile is an ignored error, not an uncaught one
  if (process.connected) process.send!(m, undefined, {}, () => undefined);
};

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
        started: (run, runDir) => send({ type: 'started', run, runDir }),
        metrics: (records) => send({ type: 'metrics', records }),
        diagnostics: (snapshot) => send({ type: 'diagnostics', snapshot }),
        checkpoint: (step, path) => send({ type: 'checkpoint', step, path }),
      },
      () => stopRequested,
    );
    if (outcome.kind === 'finished') {
      const done: TrainerToHost = { type: 'finished', step: outcome.step, seconds: outcome.seconds };
      if (outcome.bestValidationLoss !== undefined) done.bestValidationLoss = outcome.bestValidationLoss;
      send(done);
    } else {
      send({ type: 'cancelled', step: outcome.step });
    }
  } catch (e) {
    const err = e instanceof TrainError ? e : new TrainError('internal', e instanceof Error ? e.stack ?? e.message : String(e));
    process.stderr.write(err.message + '\n');
    const failed: TrainerToHost = { type: 'failed', kind: err.kind, message: err.message };
    if (err.step !== undefined) failed.step = err.step;
    send(failed);
    process.exitCode = 1;
  } finally {
    // the parent may have gone first (that is what stopped us): disconnecting twice throws
    if (process.connected) process.disconnect();
  }
}

async function answer(body: EngineRequest): Promise<EngineResult> {
  switch (body.kind) {
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
  const { config } = parseConfig(text, configPath);
  return { issues: config ? dataIssues(config, configPath) : [] };
}

async function request(id: number, body: EngineRequest): Promise<void> {
  try {
    send({ type: 'reply', id, body: await answer(body) });
  } catch (e) {
    if (e instanceof RequestError) send({ type: 'requestFailed', id, problem: e.problem, message: e.message });
    else {
      const message = e instanceof Error ? e.stack ?? e.message : String(e);
      process.stderr.write(message + '\n');
      send({ type: 'requestFailed', id, problem: 'internal', message });
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
      void request(m.id, m.body);
      break;
    default:
      assertNever(m);
  }
});
send({ type: 'ready', pid: process.pid, version: SEQLAB_VERSION });
