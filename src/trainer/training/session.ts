// The run on disk and on the wire: the run folder a training writes through RunWriter (meta, metrics,
// diagnostics, checkpoints, best and final weights), what the caller's sink hears of it and how often,
// and resuming: the state a checkpoint saves (position, optimizer, random stream, best loss) and restores.

import * as path from 'node:path';
import type { CellKind, ExperimentConfig } from '../../shared/config';
import type { DiagnosticsSnapshot, EvalRecord, MetricRecord, RunInfo } from '../../shared/metrics';
import type { TrainRequest } from '../../shared/protocol';
import type { Checkpoint, RunMeta, SavedWeights } from '../../runs/runFiles';
import { type LoadedCheckpoint, readLatestCheckpoint, readRun } from '../../runs/runReader';
import { newRunId, RunWriter } from '../../runs/runWriter';
import { dataFileOf, recordDataFile } from '../../runs/dataFile';
import { readResumability } from '../../runs/runContents';
import { resumeRefusal } from '../../runs/resumability';
import { TrainError } from '../errors';
import { Rng } from '../rng';
import type { AnyTask, EvalMetrics } from './task';

export interface TrainSink {
  started?(run: RunInfo, runDir: string): void;
  metrics?(records: MetricRecord[]): void;
  diagnostics?(snapshot: DiagnosticsSnapshot): void;
  checkpoint?(step: number, file: string): void;
  /** Called after every step (cheap): for progress bars. */
  progress?(p: { step: number; totalSteps: number; loss: number; stepsPerSecond: number }): void;
}

export type TrainOutcome =
  | { kind: 'finished'; runDir: string; runId: string; step: number; bestValidationLoss?: number; seconds: number }
  | { kind: 'cancelled'; runDir: string; runId: string; step: number };

/** Records are handed to the sink at most this often (the extension host must not drown). */
const METRICS_FLUSH_MS = 100;
/** Diagnostics snapshots are handed to the sink at most this often (all are written to disk). */
const DIAGNOSTICS_SEND_MS = 250;

/** Where the run stands: steps taken, the epoch, and examples consumed in it (the data cursor). */
export interface Position {
  step: number;
  epoch: number;
  cursor: number;
}

/** The latest readable checkpoint of the run the request resumes; undefined for a new run. */
export async function checkpointToResume(request: TrainRequest): Promise<LoadedCheckpoint | undefined> {
  if (!request.resumeRunId) return undefined;
  const dir = path.join(request.runsDir, request.resumeRunId);
  const resume = await readLatestCheckpoint(dir);
  if (!resume) {
    const r = await readResumability(dir);
    throw new TrainError('config', r.kind === 'notResumable' ? resumeRefusal(request.resumeRunId, r) : `Run ${request.resumeRunId} has no readable checkpoint to resume from; start a new run instead.`);
  }
  return resume;
}

export interface SessionStart {
  request: TrainRequest;
  configPath: string;
  /** The effective config, and the text the run folder keeps of it. */
  config: ExperimentConfig;
  configText: string;
  cell: CellKind;
  resume?: LoadedCheckpoint;
  totalSteps: number;
  task: Pick<AnyTask, 'model' | 'initialParams' | 'info' | 'weights'>;
  sink: TrainSink;
}

export class RunSession {
  readonly position: Position;
  /** The run's random stream: initial weights, dropout, samples; saved in every checkpoint. */
  readonly rng: Rng;
  private best: { loss?: number; step?: number };
  private pending: MetricRecord[] = [];
  private lastFlush = Date.now();
  private lastDiagnosticsSent = 0;
  private readonly t0 = Date.now();

  private constructor(
    private readonly s: SessionStart,
    readonly runId: string,
    private readonly writer: RunWriter,
    private readonly priorSeconds: number,
    resumed: { position: Position; rng: Rng; best?: number },
  ) {
    this.position = resumed.position;
    this.rng = resumed.rng;
    this.best = { loss: resumed.best };
  }

  /** Sets the model's weights (initial, or the checkpoint's with its optimizer state), opens the run
   *  folder (new, or the resumed run's) and tells the sink the run has started. */
  static async open(s: SessionStart): Promise<RunSession> {
    const { resume, config, task } = s;
    const rng = new Rng(resume ? resume.meta.rngState : config.training.seed);
    if (resume) {
      task.model.setParams(resume.params);
      task.model.setOptimizerState({ step: resume.meta.optimizer.step, slots: resume.slots });
    } else {
      task.model.setParams(task.initialParams(rng));
    }
    const runId = s.request.resumeRunId ?? newRunId(config.name, s.cell);
    const info = runInfo(s, runId);
    const writer = resume
      ? await RunWriter.reopen(path.join(s.request.runsDir, runId), { totalSteps: s.totalSteps })
      : RunWriter.create(s.request.runsDir, info, s.configText, { dataFile: recordDataFile(dataFileOf(config, s.configPath)) });
    s.sink.started?.(info, writer.dir);
    const priorSeconds = resume ? (await readRun(writer.dir))?.meta.seconds ?? 0 : 0;
    const position = { step: resume?.meta.step ?? 0, epoch: resume?.meta.epoch ?? 0, cursor: resume?.meta.cursor ?? 0 };
    return new RunSession(s, runId, writer, priorSeconds, { position, rng, best: resume?.meta.bestValidationLoss });
  }

  get dir(): string {
    return this.writer.dir;
  }

  /** Seconds spent training, over every session of the run. */
  elapsed(): number {
    return this.priorSeconds + (Date.now() - this.t0) / 1000;
  }

  record(...records: MetricRecord[]): void {
    this.pending.push(...records);
  }

  /** Writes the pending records and hands them to the sink. */
  flush(): void {
    if (this.pending.length === 0) return;
    const records = this.pending.splice(0);
    this.writer.appendMetrics(records);
    this.s.sink.metrics?.(records);
    this.lastFlush = Date.now();
  }

  /** After every step: progress to the sink; now and then the pending records and meta.json. */
  stepDone(loss: number, stepsPerSecond: number): void {
    const { step } = this.position;
    this.s.sink.progress?.({ step, totalSteps: this.s.totalSteps, loss, stepsPerSecond });
    if (Date.now() - this.lastFlush >= METRICS_FLUSH_MS) {
      this.flush();
      this.writer.update({ status: { kind: 'running', pid: process.pid, step }, seconds: this.elapsed(), lastLoss: loss, stepsPerSecond, ...this.bestFields() });
    }
  }

  /** Records an evaluation; the best so far also saves its weights. */
  evaluated(metrics: EvalMetrics | undefined): void {
    const { step, epoch } = this.position;
    // without a validation split the loss is NaN, as runs have always recorded it
    const rec: EvalRecord = { kind: 'eval', step, epoch, time: this.elapsed(), ...(metrics ?? { loss: NaN }) };
    if (this.best.loss === undefined || rec.loss < this.best.loss) {
      this.best = { loss: rec.loss, step };
      if (Number.isFinite(rec.loss)) this.writer.saveBestWeights({ ...this.savedWeights(), bestValidationLoss: rec.loss }, this.s.task.model.getParams());
    }
    this.record(rec);
  }

  /** Writes a snapshot; live listeners get at most a few per second (a tiny model takes dozens), and always the last. */
  snapshot(snap: DiagnosticsSnapshot): void {
    this.writer.appendDiagnostics(snap);
    if (Date.now() - this.lastDiagnosticsSent >= DIAGNOSTICS_SEND_MS || this.position.step >= this.s.totalSteps) {
      this.lastDiagnosticsSent = Date.now();
      this.s.sink.diagnostics?.(snap);
    }
  }

  /** Saves what a resume needs: weights, optimizer state, position, random stream, best loss. */
  checkpoint(): void {
    const { model } = this.s.task;
    const state = model.getOptimizerState();
    const ckpt: Checkpoint = {
      ...this.savedWeights(),
      cursor: this.position.cursor,
      optimizer: { kind: this.s.config.training.optimizer, step: state.step, slots: state.slots.length },
      rngState: this.rng.state(),
      ...(this.best.loss !== undefined && { bestValidationLoss: this.best.loss }),
    };
    const file = this.writer.saveCheckpoint(ckpt, model.getParams(), state.slots);
    this.s.sink.checkpoint?.(this.position.step, file);
  }

  /** The loop has ended (all steps taken, or stopped): a last checkpoint, and the final weights of a finished run. */
  end(lastLoss: number | undefined): TrainOutcome {
    const { step } = this.position;
    this.flush();
    this.checkpoint();
    const seconds = this.elapsed();
    const common = { seconds, lastLoss, ...this.bestFields() };
    if (step < this.s.totalSteps) {
      this.writer.update({ status: { kind: 'cancelled', step }, ...common });
      return { kind: 'cancelled', runDir: this.dir, runId: this.runId, step };
    }
    this.writer.saveWeights(this.savedWeights(), this.s.task.model.getParams());
    this.writer.update({ status: { kind: 'finished', step }, stepsPerSecond: step / Math.max(seconds, 1e-9), ...common });
    return { kind: 'finished', runDir: this.dir, runId: this.runId, step, bestValidationLoss: this.best.loss, seconds };
  }

  /** Marks the run failed; returns the error to throw (anything but a TrainError is an internal error). */
  fail(e: unknown): TrainError {
    const { step } = this.position;
    this.flush();
    const err = e instanceof TrainError ? e : new TrainError('internal', e instanceof Error ? e.stack ?? e.message : String(e), step);
    this.writer.update({ status: { kind: 'failed', failure: err.kind, message: err.message, step }, seconds: this.elapsed() });
    return err;
  }

  close(): void {
    this.writer.close();
  }

  private bestFields(): Pick<RunMeta, 'bestValidationLoss' | 'bestValidationStep'> {
    return this.best.loss !== undefined ? { bestValidationLoss: this.best.loss, bestValidationStep: this.best.step } : {};
  }

  private savedWeights(): SavedWeights {
    const { config, cell, task } = this.s;
    const { step, epoch } = this.position;
    return { step, epoch, spec: task.weights.spec, config: { ...config, model: { ...config.model, cell } }, paramCount: task.model.paramCount, ...task.weights.data };
  }
}

function runInfo(s: SessionStart, id: string): RunInfo {
  const { config, task } = s;
  const i = task.info;
  return {
    id,
    name: config.name,
    configPath: s.configPath,
    cell: s.cell,
    backend: task.model.name,
    device: task.model.device,
    backendReason: i.backendReason,
    seed: config.training.seed,
    paramCount: task.model.paramCount,
    totalSteps: s.totalSteps,
    dataSummary: i.dataSummary,
    task: i.task,
    gateNames: i.gateNames,
    ...(i.baseline && { baseline: i.baseline }),
    ...(i.probeTokens && { probeTokens: i.probeTokens }),
    ...(s.request.sweep && { sweep: s.request.sweep }),
    ...(i.probeTargetTokens && { probeTargetTokens: i.probeTargetTokens }),
    ...(i.errorRateName && { errorRateName: i.errorRateName }),
  };
}
