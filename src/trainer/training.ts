// Training, shared by the CLI and the child process the extension forks. `train` reads the config
// (or the snapshot of the run it resumes), loads the data, builds the task (the model on a backend,
// with the data kind's evaluation), opens the run folder, draws the initial weights and runs the loop
// until the plan's last step or a stop request. A stop is honoured in every phase (phases.ts): the
// outcome says in which, and what the run folder keeps. The parts live in training/: runSetup
// (config, data, plan), tasks (which model and evaluation each data kind gets), loop, session (run
// folder, checkpoints, resume), diagnostics. docs/training.md says how to add a data kind or a model kind.

import type { TrainRequest } from '../shared/protocol';
import { WriteError } from '../runs/writeError';
import { TrainError } from './errors';
import { trainSteps } from './training/loop';
import { Cancelled, Pacer } from './training/phases';
import { cadenceOf } from './training/plan';
import { preflight } from './training/preflight';
import { prepareRun, type RunSetup } from './training/runSetup';
import { RunSession, type TrainOutcome, type TrainSink } from './training/session';
import type { AnyTask } from './training/task';
import { buildTask } from './training/tasks';

export { loadConfigFile } from './training/runSetup';
export type { TrainOutcome, TrainSink } from './training/session';

export async function train(request: TrainRequest, sink: TrainSink = {}, shouldStop: () => boolean = () => false): Promise<TrainOutcome> {
  const pacer = new Pacer(shouldStop);
  let setup: RunSetup, task: AnyTask;
  try {
    setup = await prepareRun(request, sink, pacer);
    const t = setup.config.training;
    const taskSetup = { config: setup.config, cell: setup.cell, backend: request.backend ?? t.backend, threads: request.threads ?? t.threads, batchSize: setup.plan.batchSize };
    const checked = preflight(setup.data, taskSetup, setup.plan);
    setup.estimate = checked.estimate;
    for (const w of checked.warnings) sink.warning?.(w);
    sink.phase?.({ phase: 'backend', what: `${taskSetup.backend} for a ${taskSetup.cell.toUpperCase()} of hidden size ${setup.config.model.hiddenSize}` });
    // a stop while worker threads start leaves them to be disposed when they are up
    task = await pacer.until('backend', buildTask(setup.data, taskSetup), (late) => void late.model.dispose());
  } catch (e) {
    if (!(e instanceof Cancelled)) throw e;
    const step = 0;
    return request.resumeRunId
      ? { kind: 'cancelled', step, phase: e.phase, kept: `run ${request.resumeRunId} is as it was` }
      : { kind: 'cancelled', step, phase: e.phase, kept: 'no run folder was created' };
  }
  return trainTask(task, setup, request, sink, shouldStop);
}

/** Trains a built task in its run folder until the plan's last step or a stop request; disposes its model. */
export async function trainTask(
  task: AnyTask,
  { configPath, config, configText, cell, resume, plan, estimate, dataFile }: Omit<RunSetup, 'data'>,
  request: TrainRequest,
  sink: TrainSink,
  shouldStop: () => boolean,
): Promise<TrainOutcome> {
  const pacer = new Pacer(shouldStop);
  let session: RunSession;
  try {
    session = await RunSession.open({ request, configPath, config, configText, cell, resume, plan, estimate, dataFile, task, sink });
  } catch (e) {
    // the backend's worker threads would keep the process alive
    await task.model.dispose();
    throw e instanceof WriteError ? new TrainError('storage', `${e.message} The run did not start.`) : e;
  }
  try {
    await session.initialise(pacer);
    sink.phase?.({ phase: 'training', step: session.position.step, totalSteps: plan.totalSteps });
    const lastLoss = await trainSteps({ task, session, training: config.training, plan, cadence: cadenceOf(config, plan.totalSteps), pacer });
    return await session.end(lastLoss);
  } catch (e) {
    if (!(e instanceof Cancelled)) throw session.fail(e);
    try {
      return session.cancelled(e.phase);
    } catch (w) {
      // marking the run cancelled can meet a full disk too
      throw session.fail(w);
    }
  } finally {
    session.close();
    await task.model.dispose();
  }
}
