// Training, shared by the CLI and the child process the extension forks. `train` reads the config
// (or the snapshot of the run it resumes), loads the data, builds the task (the model on a backend,
// with the data kind's evaluation), opens the run folder, and runs the loop until the plan's last step
// or a stop request. The parts live in training/: runSetup (config, data, plan), tasks (which model
// and evaluation each data kind gets), loop, session (run folder, checkpoints, resume), diagnostics.
// docs/training.md says how to add a data kind or a model kind.

import type { TrainRequest } from '../shared/protocol';
import { trainSteps } from './training/loop';
import { cadenceOf } from './training/plan';
import { prepareRun, type RunSetup } from './training/runSetup';
import { RunSession, type TrainOutcome, type TrainSink } from './training/session';
import type { AnyTask } from './training/task';
import { buildTask } from './training/tasks';

export { loadConfigFile } from './training/runSetup';
export type { TrainOutcome, TrainSink } from './training/session';

export async function train(request: TrainRequest, sink: TrainSink = {}, shouldStop: () => boolean = () => false): Promise<TrainOutcome> {
  const setup = await prepareRun(request);
  const t = setup.config.training;
  const task = await buildTask(setup.data, { config: setup.config, cell: setup.cell, backend: request.backend ?? t.backend, threads: request.threads ?? t.threads, batchSize: setup.plan.batchSize });
  return trainTask(task, setup, request, sink, shouldStop);
}

/** Trains a built task in its run folder until the plan's last step or a stop request; disposes its model. */
export async function trainTask(
  task: AnyTask,
  { configPath, config, configText, cell, resume, plan }: Omit<RunSetup, 'data'>,
  request: TrainRequest,
  sink: TrainSink,
  shouldStop: () => boolean,
): Promise<TrainOutcome> {
  let session: RunSession;
  try {
    session = await RunSession.open({ request, configPath, config, configText, cell, resume, totalSteps: plan.totalSteps, task, sink });
  } catch (e) {
    // the backend's worker threads would keep the process alive
    await task.model.dispose();
    throw e;
  }
  try {
    const lastLoss = await trainSteps({ task, session, training: config.training, plan, cadence: cadenceOf(config, plan.totalSteps), shouldStop });
    return session.end(lastLoss);
  } catch (e) {
    throw session.fail(e);
  } finally {
    session.close();
    await task.model.dispose();
  }
}
