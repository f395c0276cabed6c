// The run on disk and on the wire: the run folder a training writes through RunWriter (meta, metrics,
// diagnostics, checkpoints, best and final weights), what the caller's sink hears of it and how often,
// and resuming: the state a checkpoint saves (position, optimizer, random stream, best loss) and restores.

import * as path from 'node:path';
import type { CellKind, ExperimentConfig } from '../../shared/config';
import type { DiagnosticsSnapshot, EvalRecord, MetricRecord, ResourceEstimate, RunEnd, RunInfo, RunPhase } from '../../shared/metrics';
import type { TrainRequest } from '../../shared/protocol';
import type { Checkpoint, DataFileRecord, RunMeta, SavedWeights } from '../../runs/runFiles';
import { type LoadedCheckpoint, readLatestCheckpoint, readMetrics, readRun } from '../../runs/runReader';
import { newRunId, RunWriter } from '../../runs/runWriter';
import { readResumability } from '../../runs/runContents';
import { resumeRefusal } from '../../runs/resumability';
import { TrainError } from '../errors';
import { WriteError } from '../../runs/writeError';
import { Rng } from '../rng';
import { runStepsAsync } from '../steps';
import { Pacer, type PhaseEvent } from './phases';
import type { TrainingPlan } from './plan';
import type { AnyTask, EvalMetrics } from './task';
import { bestAndFinal, type Verdict, verdictOf } from '../../shared/verdict';

export interface TrainSink {
  started?(run: RunInfo, runDir: string): void;
  /** A phase begins (and, while weights are drawn, how far it is). */
  phase?(p: PhaseEvent): void;
  /** Something the user should know before the run gets far (a large model, a tiny validation split). */
  warning?(message: string): void;
  metrics?(records: MetricRecord[]): void;
  diagnostics?(snapshot: DiagnosticsSnapshot): void;
  checkpoint?(step: number, file: string): void;
  /** Called after every step (cheap): for progress bars. */
  progress?(p: { step: number; totalSteps: number; loss: number; stepsPerSecond: number }): void;
}

export type TrainOutcome =
  | { kind: 'finished'; runDir: string; runId: string; step: number; bestValidationLoss?: number; seconds: number; end: RunEnd; verdict: Verdict }
  | {
    kind: 'cancelled';
    step: number;
    phase: RunPhase;
    /** Absent when the run stopped before its folder was created (while loading data or starting the backend). */
    runDir?: string;
    runId?: string;
    /** What the run folder keeps, in words: the checkpoint to resume from, or that there is none. */
    kept: string;
  };

/** Initialisation progress reaches the sink at most this often. */
const INIT_REPORT_MS = 250;

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
  plan: TrainingPlan;
  estimate?: ResourceEstimate;
  /** A new run's data file as it was read (runSetup.ts). */
  dataFile?: DataFileRecord;
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
  /** The step of the newest checkpoint on disk (this session's or, resumed, the one it started from). */
  private lastCheckpoint?: number;
  /** A resumed run's loss before training (its first step's), the divergence guard's reference. */
  initialLoss?: number;
  /** The evaluations the verdict reads: the lowest loss and the last (over every session of the run). */
  private evals: { best?: EvalRecord; final?: EvalRecord } = {};
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

  /** Opens the run folder (new, or the resumed run's) and tells the sink the run has started; the
   *  weights are set by `initialise`, which can take long and be stopped. */
  static async open(s: SessionStart): Promise<RunSession> {
    const { resume, config } = s;
    const rng = new Rng(resume ? resume.meta.rngState : config.training.seed);
    const runId = s.request.resumeRunId ?? newRunId(config.name, s.cell);
    const info = runInfo(s, runId);
    const writer = resume
      ? await RunWriter.reopen(path.join(s.request.runsDir, runId), { totalSteps: s.plan.totalSteps })
      : RunWriter.create(s.request.runsDir, info, s.configText, { ...(s.dataFile && { dataFile: s.dataFile }) });
    s.sink.started?.(info, writer.dir);
    const priorSeconds = resume ? (await readRun(writer.dir))?.meta.seconds ?? 0 : 0;
    const position = { step: resume?.meta.step ?? 0, epoch: resume?.meta.epoch ?? 0, cursor: resume?.meta.cursor ?? 0 };
    const session = new RunSession(s, runId, writer, priorSeconds, { position, rng, best: resume?.meta.bestValidationLoss });
    session.lastCheckpoint = writer.checkpointSteps().at(-1);
    if (resume) {
      const earlier = await readMetrics(writer.dir);
      session.initialLoss = earlier.find((m) => m.kind === 'step')?.loss;
      session.evals = bestAndFinal(earlier.filter((m): m is EvalRecord => m.kind === 'eval'));
    }
    return session;
  }

  /** Sets the model's weights: the checkpoint's with its optimizer state, or initial ones drawn from
   *  the run's random stream, with progress to the sink; throws Cancelled when stopped meanwhile. */
  async initialise(pacer: Pacer): Promise<void> {
    const { resume, task, sink } = this.s;
    if (resume) {
      task.model.setParams(resume.params);
      task.model.setOptimizerState({ step: resume.meta.optimizer.step, slots: resume.slots });
      return;
    }
    let reported = -Infinity;
    const params = await task.initialParams(this.rng, async (p) => {
      if (performance.now() - reported >= INIT_REPORT_MS || p.done === p.total) {
        reported = performance.now();
        sink.phase?.({ phase: 'init', ...(p.layer !== undefined && { layer: p.layer }), layers: p.layers, done: p.done, total: p.total });
      }
      await pacer.between('init');
    });
    task.model.setParams(params);
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
    this.s.sink.progress?.({ step, totalSteps: this.s.plan.totalSteps, loss, stepsPerSecond });
    if (Date.now() - this.lastFlush >= METRICS_FLUSH_MS) {
      this.flush();
      this.writer.update({ status: { kind: 'running', pid: process.pid, step }, seconds: this.elapsed(), lastLoss: loss, stepsPerSecond, ...this.bestFields() });
    }
  }

  /** Records an evaluation; the best so far also saves its weights. Without a validation split there
   *  is nothing to record: no eval record, no best weights. */
  evaluated(metrics: EvalMetrics | undefined): void {
    if (!metrics) return;
    const { step, epoch } = this.position;
    const rec: EvalRecord = { kind: 'eval', step, epoch, time: this.elapsed(), ...metrics };
    if (Number.isFinite(rec.loss)) {
      this.evals.final = rec;
      if (!this.evals.best || rec.loss < this.evals.best.loss) this.evals.best = rec;
    }
    if (Number.isFinite(rec.loss) && (this.best.loss === undefined || rec.loss < this.best.loss)) {
      this.best = { loss: rec.loss, step };
      this.writer.saveBestWeights({ ...this.savedWeights(), bestValidationLoss: rec.loss }, this.s.task.model.getParams());
    }
    this.record(rec);
  }

  /** Writes a snapshot; live listeners get at most a few per second (a tiny model takes dozens), and always the last. */
  snapshot(snap: DiagnosticsSnapshot): void {
    this.writer.appendDiagnostics(snap);
    if (Date.now() - this.lastDiagnosticsSent >= DIAGNOSTICS_SEND_MS || this.position.step >= this.s.plan.totalSteps) {
      this.lastDiagnosticsSent = Date.now();
      this.s.sink.diagnostics?.(snap);
    }
  }

  /** Saves what a resume needs: weights, optimizer state, position, random stream, best loss; in
   *  chunks, between which `pacer` lets signals in and may stop it (Cancelled: the checkpoint is not written). */
  async checkpoint(pacer: Pacer): Promise<void> {
    const { model } = this.s.task;
    const { step } = this.position;
    this.s.sink.phase?.({ phase: 'checkpoint', step });
    const state = model.getOptimizerState();
    const ckpt: Checkpoint = {
      ...this.savedWeights(),
      cursor: this.position.cursor,
      optimizer: { kind: this.s.config.training.optimizer, step: state.step, slots: state.slots.length },
      rngState: this.rng.state(),
      ...(this.best.loss !== undefined && { bestValidationLoss: this.best.loss }),
    };
    const file = await runStepsAsync(this.writer.saveCheckpointSteps(ckpt, model.getParams(), state.slots), () => pacer.between('checkpoint'));
    this.lastCheckpoint = step;
    this.s.sink.checkpoint?.(step, file);
  }

  /** The loop has ended (all steps taken, or stopped between steps): a last checkpoint, and the final
   *  weights of a finished run. A second stop request while the checkpoint is written is for the
   *  caller to act on (the CLI quits at once), so the write yields to the event loop but goes on. */
  async end(lastLoss: number | undefined): Promise<TrainOutcome> {
    const { step } = this.position;
    this.flush();
    if (this.lastCheckpoint !== step && step > 0) await this.checkpoint(new Pacer(() => false));
    const seconds = this.elapsed();
    const common = { seconds, lastLoss, ...this.bestFields() };
    if (step < this.s.plan.totalSteps) return this.cancelled('training', common);
    this.writer.saveWeights(this.savedWeights(), this.s.task.model.getParams());
    const p = this.s.plan;
    const end: RunEnd = p.limit === 'epochs' ? { by: 'epochs', step, epochs: p.epochs } : { by: 'maxSteps', step, maxSteps: p.maxSteps, from: p.maxStepsFrom };
    const verdict = this.verdict();
    this.writer.update({ status: { kind: 'finished', step }, end, verdict, stepsPerSecond: step / Math.max(seconds, 1e-9), ...common });
    return { kind: 'finished', runDir: this.dir, runId: this.runId, step, bestValidationLoss: this.best.loss, seconds, end, verdict };
  }

  /** The run stopped on request in `phase`: marks it cancelled and says what it keeps. */
  cancelled(phase: RunPhase, fields: Partial<RunMeta> = {}): TrainOutcome {
    const { step } = this.position;
    this.flush();
    this.writer.update({ status: { kind: 'cancelled', step }, end: { by: 'stop', step, phase }, verdict: this.verdict(), seconds: this.elapsed(), ...fields });
    return { kind: 'cancelled', runDir: this.dir, runId: this.runId, step, phase, kept: this.kept() };
  }

  /** Marks the run failed; returns the error to throw (a refused write is a storage failure, anything
   *  else but a TrainError an internal error). Never throws itself: on a full disk the records and
   *  meta.json may not be writable either, and the user still hears what went wrong. */
  fail(e: unknown): TrainError {
    const { step } = this.position;
    let err = e instanceof TrainError ? e
      : e instanceof WriteError ? new TrainError('storage', `${e.message} ${upperFirst(this.kept())}. Free space on that disk (or move the runs folder), then resume.`, step)
      : new TrainError('internal', e instanceof Error ? e.stack ?? e.message : String(e), step);
    // what the user can go on from: resume and export read the checkpoints
    if (err.kind === 'diverged') err = new TrainError('diverged', `${err.message} ${upperFirst(this.kept())}.`, err.step);
    try {
      this.flush();
    } catch {
      // the records not yet written are lost; the failure above says why
      this.pending = [];
    }
    try {
      this.writer.update({
        status: { kind: 'failed', failure: err.kind, message: err.message, step }, seconds: this.elapsed(), verdict: this.verdict(),
        ...(err.kind === 'diverged' && { end: { by: 'divergence', step } }),
      });
    } catch (w) {
      if (!(w instanceof WriteError)) throw w;
      // meta.json keeps `running` with this process's pid: readers show the run as interrupted once it exits
      err = new TrainError(err.kind, `${err.message}\n${w.message} The run folder still says the run is running; once this process exits it shows as interrupted.`, err.step);
    }
    return err;
  }

  /** Where the best and the final validation stand against the task's baselines. */
  verdict(): Verdict {
    const i = this.s.task.info;
    return verdictOf(i.baselines, this.evals.best, this.evals.final, i.validationExamples);
  }

  /** What the run folder keeps to go on from, in words. */
  kept(): string {
    return this.lastCheckpoint !== undefined
      ? `the checkpoint of step ${this.lastCheckpoint} is kept (resume with: seqlab train --resume ${this.runId})`
      : 'no checkpoint was written: nothing to resume or export from';
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
    totalSteps: s.plan.totalSteps,
    plan: { totalSteps: s.plan.totalSteps, stepsPerEpoch: s.plan.stepsPerEpoch, epochs: s.plan.epochs, maxSteps: s.plan.maxSteps, maxStepsFrom: s.plan.maxStepsFrom, limit: s.plan.limit },
    ...(s.estimate && { estimate: s.estimate }),
    dataSummary: i.dataSummary,
    task: i.task,
    gateNames: i.gateNames,
    baselines: i.baselines,
    ...(i.validationExamples !== undefined && { validationExamples: i.validationExamples }),
    ...(i.probeTokens && { probeTokens: i.probeTokens }),
    ...(s.request.sweep && { sweep: s.request.sweep }),
    ...(i.probeTargetTokens && { probeTargetTokens: i.probeTargetTokens }),
    ...(i.errorRateName && { errorRateName: i.errorRateName }),
    ...(i.reverseSource && { reverseSource: true }),
  };
}

const upperFirst = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
