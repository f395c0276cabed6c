// The training loop: for each step, draw the next batch of this epoch's order, take an optimizer step
// at the scheduled learning rate, stop on divergence, and at their cadence evaluate, snapshot and
// checkpoint. It knows no data kind and no model kind: those are behind the Task.

import type { TrainingConfig } from '../../shared/config';
import type { OptimizerSettings } from '../backends/optimizer';
import { learningRateAt } from '../schedule';
import { takeSnapshot } from './diagnostics';
import { DivergenceGuard } from './divergence';
import type { Pacer } from './phases';
import { bucketedOrder, type Cadence, epochOrder, type TrainingPlan } from './plan';
import type { RunSession } from './session';
import type { AnyTask } from './task';

/** Steps per second is averaged over this many recent steps. */
const SPEED_WINDOW = 50;

export interface LoopInput {
  task: AnyTask;
  session: RunSession;
  training: TrainingConfig;
  plan: TrainingPlan;
  cadence: Cadence;
  pacer: Pacer;
}

/** Trains from the session's position until the plan's last step or a stop request; returns the last finite loss. */
export async function trainSteps({ task, session, training: t, plan, cadence, pacer }: LoopInput): Promise<number | undefined> {
  const at = session.position;
  const { rng } = session;
  const { trainSize } = task.examples;
  const optimizer: Omit<OptimizerSettings, 'learningRate'> = { kind: t.optimizer, momentum: t.momentum, clipNorm: t.clipping.globalNorm, clipValue: t.clipping.value };
  const guard = new DivergenceGuard({ learningRate: t.learningRate, baselines: task.info.baselines, ...(session.initialLoss !== undefined && { initialLoss: session.initialLoss }) });
  const speed = new StepSpeed(SPEED_WINDOW);
  const lengths = t.bucketByLength ? task.examples.lengths?.() : undefined;
  const orderOf = (epoch: number) => (lengths ? bucketedOrder(t.seed, epoch, lengths, plan.batchSize) : epochOrder(t.seed, epoch, trainSize));
  let order = orderOf(at.epoch);

  if (at.step === 0) snapshot(task, session, 0);
  while (at.step < plan.totalSteps) {
    if (pacer.shouldStop()) break;
    if (at.cursor + plan.batchSize > trainSize) {
      at.epoch++;
      at.cursor = 0;
      order = orderOf(at.epoch);
    }
    const batch = task.examples.batch('train', order.subarray(at.cursor, at.cursor + plan.batchSize), at.epoch);
    at.cursor += plan.batchSize;
    const started = performance.now();
    const learningRate = learningRateAt(t, at.step, plan.totalSteps);
    const r = await task.model.trainStep(batch, { ...optimizer, learningRate }, rng.nextU32());
    speed.add(performance.now() - started);
    at.step++;
    guard.check(at.step, r);
    session.record({ kind: 'step', step: at.step, epoch: at.epoch, time: session.elapsed(), loss: r.loss, gradNorm: r.gradNorm, clipped: r.clipped, learningRate });

    if (cadence.validate(at.step)) {
      session.evaluated(task.evaluation.metrics());
      if (cadence.sample(at.step)) session.record(...task.evaluation.samples(at.step, rng));
      session.flush();
    }
    if (cadence.snapshot(at.step)) snapshot(task, session, at.step);
    if (cadence.checkpoint(at.step)) await session.checkpoint(pacer);
    session.stepDone(r.loss, speed.perSecond());
    // let IPC messages and signals in between steps
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return guard.lastFiniteLoss;
}

function snapshot(task: AnyTask, session: RunSession, step: number): void {
  const snap = takeSnapshot(task, step);
  if (snap) session.snapshot(snap);
}

/** Steps per second over the last `window` steps. */
class StepSpeed {
  private readonly ms: number[] = [];

  constructor(private readonly window: number) {}

  add(ms: number): void {
    this.ms.push(ms);
    if (this.ms.length > this.window) this.ms.shift();
  }

  perSecond(): number {
    return 1000 / (this.ms.reduce((a, b) => a + b, 0) / this.ms.length);
  }
}
