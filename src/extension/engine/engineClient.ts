// The extension's one way to the engine: every dist/trainer.js child is forked here and owned here. A
// training gets a child of its own for the run's life; a request (sample, export, …) gets one for its
// answer; a session (a dashboard's explorer) keeps one for its requests; the explorer on a live run asks
// the training's child. A request's AbortSignal kills its child; dispose() ends them all. No vscode: the run manager
// and the unit tests drive it as the extension does.

import { fork } from 'node:child_process';
import type { EngineRequestKind, EngineRequests, TrainRequest } from '../../shared/protocol';
import { EngineProcess, type EngineProcessEvents, type ExitInfo, type RequestOutcome, type TrainingMessage } from './engineProcess';

/** A child that answered but has not exited by then is killed. */
const RETIRE_GRACE_MS = 5000;
/** dispose(): a training child gets this long to stop after its current step before SIGKILL. */
const DISPOSE_GRACE_MS = 2500;

/** A training's child lives as long as its run; a request's until its answer; a session's until its owner ends it. */
export type EnginePurpose = 'training' | 'request' | 'session';

/** A session's child that has answered nothing for this long exits (it may hold a run's data in memory). */
const SESSION_IDLE_MS = 120_000;

/**
 * A child kept for a series of requests (a dashboard's explorer: the engine keeps the run's data, weights
 * and searched states between them). Its child starts at the first request, and again after a crash, a
 * timeout or an idle spell; dispose() ends it.
 */
export interface EngineSession {
  request<K extends EngineRequestKind>(kind: K, request: EngineRequests[K]['request'], options?: RequestOptions): Promise<EngineOutcome<K>>;
  dispose(): void;
}

export interface EngineClientOptions {
  /** dist/trainer.js */
  trainerPath: string;
  /** Added to every child's environment at its start (the native engine's folder, when installed). */
  env?: () => NodeJS.ProcessEnv;
  /** Default: child_process.fork. */
  fork?: typeof fork;
}

export interface TrainingHandlers {
  message(m: TrainingMessage): void;
  /** A line of the trainer's stdout or stderr. */
  line(text: string): void;
  exited(exit: ExitInfo): void;
}

/** The training child, as its job sees it. */
export interface TrainingProcess {
  readonly pid: number;
  /** The last lines the trainer wrote. */
  readonly outputTail: readonly string[];
  /** Stop after the current step (message and SIGTERM), SIGKILL after `graceMs`. */
  stop(graceMs: number): void;
  kill(signal: NodeJS.Signals): boolean;
  /** A request answered by the training's own child, between its steps (the explorer's, on a live run). */
  request<K extends EngineRequestKind>(kind: K, request: EngineRequests[K]['request'], options?: { signal?: AbortSignal }): Promise<EngineOutcome<K>>;
}

export interface RequestOptions {
  signal?: AbortSignal;
  /** Fail with `timedOut` (and kill the child) when no answer came by then. */
  timeoutMs?: number;
}

export type EngineOutcome<K extends EngineRequestKind> = RequestOutcome<EngineRequests[K]['result']>;

export class EngineClient {
  /** Each live child and what it is for. */
  private readonly live = new Map<EngineProcess, EnginePurpose>();
  private startedCount = 0;
  private disposed = false;

  constructor(private readonly options: EngineClientOptions) {}

  /** Children forked so far (the tests' check that a refused command started none). */
  get started(): number {
    return this.startedCount;
  }

  /** Children alive now. */
  get alive(): number {
    return this.live.size;
  }

  /** Each child alive now and what it is for (the state hook and the tests). */
  children(): { pid: number; purpose: EnginePurpose }[] {
    return [...this.live].map(([p, purpose]) => ({ pid: p.pid, purpose }));
  }

  train(request: TrainRequest, handlers: TrainingHandlers): TrainingProcess {
    const p = this.spawn('training', { training: handlers.message, line: handlers.line, exited: handlers.exited });
    p.send({ type: 'train', request });
    return {
      pid: p.pid,
      outputTail: p.outputTail,
      stop: (graceMs) => p.terminate(graceMs),
      kill: (signal) => p.kill(signal),
      request: async (kind, body, options = {}) => {
        const outcome = await p.request({ kind, request: body } as Parameters<EngineProcess['request']>[0], options.signal);
        // the process checked that the reply's kind is the request's
        return outcome.kind === 'done' ? { kind: 'done', result: outcome.result.result as never } : outcome;
      },
    };
  }

  async request<K extends EngineRequestKind>(kind: K, request: EngineRequests[K]['request'], options: RequestOptions = {}): Promise<EngineOutcome<K>> {
    const { signal, timeoutMs } = options;
    if (signal?.aborted) return { kind: 'cancelled' };
    const p = this.spawn('request', { exited: () => undefined });
    const cancel = () => p.cancel();
    signal?.addEventListener('abort', cancel, { once: true });
    let timedOut = false;
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            p.kill('SIGKILL');
          }, timeoutMs);
    // the body's kind is K: EngineRequest is the union of { kind, request } over the kinds
    const outcome = await p.request({ kind, request } as Parameters<EngineProcess['request']>[0]);
    if (timer) clearTimeout(timer);
    signal?.removeEventListener('abort', cancel);
    if (outcome.kind === 'done') {
      p.retire(RETIRE_GRACE_MS);
      // the process checked that the reply's kind is the request's
      return { kind: 'done', result: outcome.result.result as EngineRequests[K]['result'] };
    }
    if (timedOut) return { kind: 'failed', problem: 'timedOut', message: `The SeqLab engine did not answer the ${kind} request within ${timeoutMs! / 1000} s.` };
    p.retire(RETIRE_GRACE_MS);
    return outcome;
  }

  session(): EngineSession {
    let child: EngineProcess | undefined;
    let idle: NodeJS.Timeout | undefined;
    let inFlight = 0;
    let ended = false;
    const retire = () => child?.retire(RETIRE_GRACE_MS);
    return {
      request: async (kind, request, options = {}) => {
        const { signal, timeoutMs } = options;
        if (ended || signal?.aborted) return { kind: 'cancelled' };
        if (idle) clearTimeout(idle);
        if (!child?.alive) child = this.spawn('session', { exited: () => undefined });
        const p = child;
        inFlight++;
        let timedOut = false;
        const timer = timeoutMs === undefined ? undefined : setTimeout(() => ((timedOut = true), p.kill('SIGKILL')), timeoutMs);
        // the body's kind is K: EngineRequest is the union of { kind, request } over the kinds
        const outcome = await p.request({ kind, request } as Parameters<EngineProcess['request']>[0], signal);
        if (timer) clearTimeout(timer);
        if (--inFlight === 0 && !ended) idle = setTimeout(retire, SESSION_IDLE_MS);
        if (outcome.kind === 'done') return { kind: 'done', result: outcome.result.result as EngineRequests[typeof kind]['result'] };
        if (timedOut) return { kind: 'failed', problem: 'timedOut', message: `The SeqLab engine did not answer the ${kind} request within ${timeoutMs! / 1000} s.` };
        return outcome;
      },
      dispose: () => {
        ended = true;
        if (idle) clearTimeout(idle);
        child?.cancel();
      },
    };
  }

  /** Every child ends: requests and sessions at once (cancelled), trainings after their current step. */
  dispose(): void {
    this.disposed = true;
    for (const [p, purpose] of this.live) {
      if (purpose === 'training') p.terminate(DISPOSE_GRACE_MS);
      else p.cancel();
    }
  }

  private spawn(purpose: EnginePurpose, events: EngineProcessEvents): EngineProcess {
    if (this.disposed) throw new Error('The SeqLab engine client is shut down.');
    const doFork = this.options.fork ?? fork;
    const child = doFork(this.options.trainerPath, [], {
      execArgv: [],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // structured clone: a diagnostics snapshot's Float32Arrays cross as bytes, not as JSON objects
      // with one key per float that the host would parse on its event loop (and the webview could not use)
      serialization: 'advanced',
      // inside Electron (desktop VS Code) process.execPath is the app; this makes it a plain Node
      env: { ...process.env, ...this.options.env?.(), ELECTRON_RUN_AS_NODE: '1' },
    });
    this.startedCount++;
    const p: EngineProcess = new EngineProcess(child, {
      ...events,
      exited: (exit) => {
        this.live.delete(p);
        events.exited(exit);
      },
    });
    this.live.set(p, purpose);
    return p;
  }
}
