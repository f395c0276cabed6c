// The training jobs: one engine child per run (started by the EngineClient), a queue that honours the
// maximum number of concurrent runs, stop (message, SIGTERM, SIGKILL after 5 s), and what happens when a
// trainer dies without an outcome (the run is marked failed). No vscode: the extension wraps the
// callbacks in vscode events, and the unit tests can drive it with a real trainer.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DiagnosticsSnapshot, MetricRecord, RunInfo } from '../../shared/metrics';
import { assertNever, type FailureKind, type TrainRequest } from '../../shared/protocol';
import { RUN_FILES } from '../../runs/runFiles';
import { markRunCancelled, markRunFailed, markRunInterrupted } from '../../runs/runStatus';
import type { EngineClient, TrainingProcess } from '../engine/engineClient';
import { telltaleLine, type TrainingMessage } from '../engine/engineProcess';
import { activeRunId, type ActiveRun } from './activeRun';

export const STOP_GRACE_MS = 5000;

export type JobOutcome =
  | { kind: 'finished'; runId: string; runDir: string; step: number; bestValidationLoss?: number; seconds: number }
  | { kind: 'cancelled'; runId?: string; runDir?: string; step: number }
  | { kind: 'interrupted'; runId?: string; runDir?: string }
  | { kind: 'failed'; runId?: string; runDir?: string; failure: FailureKind | 'crashed'; message: string; stderrTail: string[] }
  /** Removed from the queue before it started. */
  | { kind: 'dequeued' };

export interface RunManagerListener {
  /** Any job was added, changed state or went away. */
  changed?(): void;
  started?(job: ActiveRun, info: RunInfo, runDir: string): void;
  metrics?(runId: string, records: MetricRecord[]): void;
  diagnostics?(runId: string, snapshot: DiagnosticsSnapshot): void;
  ended?(job: ActiveRun, outcome: JobOutcome): void;
  /** A line of trainer stderr/stdout, for the output channel. */
  log?(job: ActiveRun, line: string): void;
}

export interface RunManagerOptions {
  engine: Pick<EngineClient, 'train'>;
  maxConcurrent: () => number;
  listener: RunManagerListener;
}

type StopReason = 'user' | 'shutdown';

interface Job {
  run: ActiveRun;
  process?: TrainingProcess;
  stopReason?: StopReason;
  outcome?: JobOutcome;
  logFile?: fs.WriteStream;
  pendingLog: string[];
  done: Promise<JobOutcome>;
  resolveDone(o: JobOutcome): void;
  startedWaiters: ((runId: string | undefined) => void)[];
}

export class RunManager {
  private readonly jobs: Job[] = [];
  private seq = 0;
  private disposed = false;

  constructor(private readonly options: RunManagerOptions) {}

  /** Jobs the host owns, in queue order (queued last). */
  active(): readonly ActiveRun[] {
    return this.jobs.map((j) => j.run);
  }

  find(keyOrRunId: string): ActiveRun | undefined {
    return this.job(keyOrRunId)?.run;
  }

  enqueue(request: TrainRequest): ActiveRun {
    if (this.disposed) throw new Error('The run manager is shut down.');
    let resolveDone!: (o: JobOutcome) => void;
    const done = new Promise<JobOutcome>((r) => (resolveDone = r));
    const job: Job = {
      run: { key: `job-${++this.seq}`, request, state: { kind: 'queued' }, queuedAt: new Date().toISOString() },
      pendingLog: [],
      done,
      resolveDone,
      startedWaiters: [],
    };
    this.jobs.push(job);
    this.pump();
    this.options.listener.changed?.();
    return job.run;
  }

  /** Resolves with the run id once the trainer announced its run; undefined if it ended before. */
  whenStarted(key: string): Promise<string | undefined> {
    const job = this.job(key);
    if (!job) return Promise.resolve(undefined);
    const id = activeRunId(job.run);
    if (id) return Promise.resolve(id);
    return new Promise((r) => job.startedWaiters.push(r));
  }

  whenDone(key: string): Promise<JobOutcome> | undefined {
    return this.job(key)?.done;
  }

  /** Stop a queued or running job; resolves when its process has exited. */
  async stop(keyOrRunId: string, reason: StopReason = 'user'): Promise<void> {
    const job = this.job(keyOrRunId);
    if (!job) return;
    this.requestStop(job, reason);
    await job.done;
  }

  /** The trainer of a running job, which answers requests between its steps (the explorer on a live run). */
  trainer(keyOrRunId: string): Pick<TrainingProcess, 'request'> | undefined {
    const job = this.job(keyOrRunId);
    return job?.run.state.kind === 'running' ? job.process : undefined;
  }

  /** Test hook: kill the trainer as a crash would (no stop request). */
  kill(keyOrRunId: string, signal: NodeJS.Signals = 'SIGKILL'): boolean {
    return this.job(keyOrRunId)?.process?.kill(signal) ?? false;
  }

  /** Deactivation: stop everything, mark started runs interrupted so they can be resumed. */
  async shutdown(graceMs = 2500): Promise<void> {
    this.disposed = true;
    const jobs = [...this.jobs];
    for (const j of jobs) this.requestStop(j, 'shutdown', graceMs);
    await Promise.all(jobs.map((j) => j.done));
  }

  private job(keyOrRunId: string): Job | undefined {
    return this.jobs.find((j) => j.run.key === keyOrRunId || activeRunId(j.run) === keyOrRunId);
  }

  private requestStop(job: Job, reason: StopReason, graceMs = STOP_GRACE_MS): void {
    const s = job.run.state;
    if (s.kind === 'queued') {
      this.finish(job, { kind: 'dequeued' });
      return;
    }
    if (s.kind === 'stopping') {
      if (reason === 'shutdown') job.stopReason = 'shutdown';
      return;
    }
    job.stopReason = reason;
    job.run.state =
      s.kind === 'running'
        ? { kind: 'stopping', pid: s.pid, runId: s.runId, runDir: s.runDir, info: s.info, step: s.step, ...(s.loss !== undefined && { loss: s.loss }) }
        : { kind: 'stopping', pid: s.pid, step: 0 };
    job.process?.stop(graceMs);
    this.options.listener.changed?.();
  }

  private running(): number {
    return this.jobs.filter((j) => j.run.state.kind !== 'queued').length;
  }

  private pump(): void {
    if (this.disposed) return;
    const max = Math.max(1, this.options.maxConcurrent());
    for (const job of this.jobs) {
      if (this.running() >= max) break;
      if (job.run.state.kind === 'queued') this.start(job);
    }
  }

  private start(job: Job): void {
    const onLine = (line: string) => {
      this.options.listener.log?.(job.run, line);
      if (job.logFile) job.logFile.write(line + '\n');
      else job.pendingLog.push(line);
    };
    let trainer: TrainingProcess;
    try {
      trainer = this.options.engine.train(job.run.request, {
        message: (m) => this.onMessage(job, m),
        line: onLine,
        exited: ({ code, signal }) => void this.onClose(job, code, signal),
      });
    } catch (e) {
      this.finish(job, { kind: 'failed', failure: 'crashed', message: `The trainer could not start: ${e instanceof Error ? e.message : String(e)}`, stderrTail: [] });
      return;
    }
    job.process = trainer;
    job.run.state = { kind: 'starting', pid: trainer.pid };
  }

  private onMessage(job: Job, m: TrainingMessage): void {
    const s = job.run.state;
    switch (m.type) {
      case 'started': {
        const pid = s.kind === 'queued' ? 0 : s.pid;
        if (s.kind === 'stopping') job.run.state = { ...s, runId: m.run.id, runDir: m.runDir, info: m.run };
        else job.run.state = { kind: 'running', pid, runId: m.run.id, runDir: m.runDir, info: m.run, step: 0 };
        this.openLog(job, m.runDir);
        for (const w of job.startedWaiters.splice(0)) w(m.run.id);
        this.options.listener.started?.(job.run, m.run, m.runDir);
        this.options.listener.changed?.();
        break;
      }
      case 'metrics': {
        const id = activeRunId(job.run);
        if (!id) break;
        if (s.kind === 'running' || s.kind === 'stopping') {
          for (let i = m.records.length - 1; i >= 0; i--) {
            const r = m.records[i];
            if (r.kind === 'step') {
              s.step = r.step;
              s.loss = r.loss;
              break;
            }
          }
        }
        this.options.listener.metrics?.(id, m.records);
        break;
      }
      case 'diagnostics': {
        const id = activeRunId(job.run);
        if (id) this.options.listener.diagnostics?.(id, m.snapshot);
        break;
      }
      case 'checkpoint':
        break;
      case 'finished': {
        const id = activeRunId(job.run)!;
        const dir = s.kind === 'running' || s.kind === 'stopping' ? s.runDir! : '';
        job.outcome = { kind: 'finished', runId: id, runDir: dir, step: m.step, seconds: m.seconds, ...(m.bestValidationLoss !== undefined && { bestValidationLoss: m.bestValidationLoss }) };
        break;
      }
      case 'cancelled':
        job.outcome = { kind: 'cancelled', step: m.step, ...this.ids(job) };
        break;
      case 'failed':
        job.outcome = { kind: 'failed', failure: m.kind, message: m.message, stderrTail: [], ...this.ids(job) };
        break;
      default:
        assertNever(m);
    }
  }

  private ids(job: Job): { runId?: string; runDir?: string } {
    const s = job.run.state;
    return s.kind === 'running' || s.kind === 'stopping' ? { ...(s.runId && { runId: s.runId }), ...(s.runDir && { runDir: s.runDir }) } : {};
  }

  private openLog(job: Job, runDir: string): void {
    try {
      job.logFile = fs.createWriteStream(path.join(runDir, RUN_FILES.log), { flags: 'a' });
      job.logFile.on('error', () => (job.logFile = undefined));
      if (job.pendingLog.length > 0) job.logFile.write(job.pendingLog.join('\n') + '\n');
      job.pendingLog = [];
    } catch {
      job.logFile = undefined;
    }
  }

  private async onClose(job: Job, code: number | null, signal: NodeJS.Signals | null): Promise<void> {
    const { runId, runDir } = this.ids(job);
    const outputTail = [...(job.process?.outputTail ?? [])];
    let outcome = job.outcome;
    if (job.stopReason === 'shutdown') {
      if (runDir) await markRunInterrupted(runDir).catch(() => undefined);
      outcome = { kind: 'interrupted', ...this.ids(job) };
    } else if (!outcome) {
      if (job.stopReason === 'user') {
        if (runDir) await markRunCancelled(runDir).catch(() => undefined);
        outcome = { kind: 'cancelled', step: 0, ...this.ids(job) };
      } else {
        const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
        const last = telltaleLine(outputTail);
        const message = `The trainer ${how} before the run ended.${last ? ` Last output: ${last}` : ''}`;
        if (runDir) await markRunFailed(runDir, message).catch(() => undefined);
        outcome = { kind: 'failed', failure: 'crashed', message, stderrTail: outputTail, ...(runId && { runId }), ...(runDir && { runDir }) };
      }
    } else if (outcome.kind === 'failed') {
      outcome = { ...outcome, stderrTail: outputTail };
    }
    if (job.logFile) {
      const f = job.logFile;
      await new Promise<void>((r) => f.end(r));
      job.logFile = undefined;
    }
    this.finish(job, outcome);
  }

  private finish(job: Job, outcome: JobOutcome): void {
    const i = this.jobs.indexOf(job);
    if (i < 0) return;
    this.jobs.splice(i, 1);
    for (const w of job.startedWaiters.splice(0)) w(undefined);
    job.resolveDone(outcome);
    this.options.listener.ended?.(job.run, outcome);
    this.pump();
    this.options.listener.changed?.();
  }
}
