// One forked engine (dist/trainer.js) and its IPC channel, host side: messages wait for the child's
// `ready`, replies find their request by id, training events go to the training's handler, and a child
// that exits with requests pending fails them with what it last wrote. Owned by the EngineClient. No vscode.

import type { ChildProcess } from 'node:child_process';
import { assertNever, type EngineRequest, type EngineResult, type HostToTrainer, type RequestProblem, type TrainerToHost } from '../../shared/protocol';

/** What a training child says about its run (everything but the handshake and request replies). */
export type TrainingMessage = Exclude<TrainerToHost, { type: 'ready' | 'reply' | 'requestFailed' }>;

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Why a request got no result: the engine's own reasons, or what happened to its process. */
export type RequestFailure = RequestProblem | 'crashed' | 'timedOut';

export type RequestOutcome<T> =
  | { kind: 'done'; result: T }
  | { kind: 'failed'; problem: RequestFailure; message: string }
  /** Its AbortSignal fired, or the client was disposed. */
  | { kind: 'cancelled' };

export interface EngineProcessEvents {
  training?(m: TrainingMessage): void;
  /** A line of the child's stdout or stderr. */
  line?(text: string): void;
  exited(exit: ExitInfo): void;
}

const OUTPUT_TAIL = 40;

/** The line of a dead child's output that says most about why: its last error, else its last line
 *  (Node ends an uncaught exception with its version, which says nothing). */
export function telltaleLine(tail: readonly string[]): string | undefined {
  const lines = tail.filter((l) => !/^Node\.js v\d/.test(l.trim()));
  return [...lines].reverse().find((l) => /\b[A-Z]?\w*Error\b|\berror:/.test(l)) ?? lines.at(-1);
}

interface Pending {
  kind: EngineRequest['kind'];
  settle(outcome: RequestOutcome<EngineResult>): void;
}

export class EngineProcess {
  readonly pid: number;
  /** The last lines the child wrote, for the message of a crash. */
  readonly outputTail: string[] = [];
  readonly exited: Promise<ExitInfo>;
  private ready = false;
  private outbox: HostToTrainer[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private exit: ExitInfo | undefined;
  private killTimer: NodeJS.Timeout | undefined;
  /** Set when the owner ended the child on purpose: its pending requests are cancelled, not crashed. */
  private cancelling = false;

  constructor(
    private readonly child: ChildProcess,
    private readonly events: EngineProcessEvents,
  ) {
    this.pid = child.pid ?? 0;
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split(/\r?\n/)) {
        if (line.trim() === '') continue;
        this.outputTail.push(line);
        if (this.outputTail.length > OUTPUT_TAIL) this.outputTail.shift();
        this.events.line?.(line);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('message', (m: TrainerToHost) => this.onMessage(m));
    child.on('error', (e) => onData(Buffer.from(`could not start the SeqLab engine: ${e.message}`)));
    // Ended once the process has exited and its output has been read to the end. Not 'close': Node never
    // emits it for a child whose IPC channel the parent disconnected (retire()).
    this.exited = new Promise((resolve) => {
      let exit: ExitInfo | undefined;
      let openStreams = [child.stdout, child.stderr].filter((s) => s !== null).length;
      const ended = () => {
        if (!exit || openStreams > 0 || this.exit) return;
        if (this.killTimer) clearTimeout(this.killTimer);
        this.exit = exit;
        this.failPending();
        this.events.exited(exit);
        resolve(exit);
      };
      for (const stream of [child.stdout, child.stderr]) {
        stream?.on('close', () => {
          openStreams--;
          ended();
        });
      }
      child.on('exit', (code, signal) => {
        exit = { code, signal };
        ended();
      });
    });
  }

  get alive(): boolean {
    return this.exit === undefined;
  }

  /** Sent once the child has said `ready`. */
  send(m: HostToTrainer): void {
    if (!this.ready) this.outbox.push(m);
    else if (this.child.connected) this.child.send(m);
  }

  /** With a signal: when it fires, the child is told to give up (`cancelRequest`) and the request is cancelled. */
  request(body: EngineRequest, signal?: AbortSignal): Promise<RequestOutcome<EngineResult>> {
    const id = ++this.nextId;
    return new Promise((settle) => {
      if (signal?.aborted) return settle({ kind: 'cancelled' });
      const cancel = () => {
        if (!this.pending.delete(id)) return;
        this.send({ type: 'cancelRequest', id });
        settle({ kind: 'cancelled' });
      };
      signal?.addEventListener('abort', cancel, { once: true });
      this.pending.set(id, {
        kind: body.kind,
        settle: (outcome) => {
          signal?.removeEventListener('abort', cancel);
          settle(outcome);
        },
      });
      this.send({ type: 'request', id, body });
      if (!this.alive) this.failPending();
    });
  }

  /** A training's stop: the `stop` message and SIGTERM now, SIGKILL after `graceMs`. */
  terminate(graceMs: number): void {
    if (!this.alive) return;
    this.send({ type: 'stop' });
    this.child.kill('SIGTERM');
    if (!this.killTimer) this.killTimer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
  }

  /** Ends the child at once; its pending requests are cancelled. */
  cancel(): void {
    this.cancelling = true;
    this.kill('SIGKILL');
  }

  kill(signal: NodeJS.Signals): boolean {
    return this.alive && this.child.kill(signal);
  }

  /** After its last reply: the child exits by itself once the channel closes (childMain), or is killed. */
  retire(graceMs: number): void {
    if (!this.alive) return;
    if (this.child.connected) this.child.disconnect();
    if (!this.killTimer) this.killTimer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
  }

  private onMessage(m: TrainerToHost): void {
    switch (m.type) {
      case 'ready':
        this.ready = true;
        for (const queued of this.outbox.splice(0)) this.send(queued);
        break;
      case 'reply':
        this.settle(m.id, m.body.kind, { kind: 'done', result: m.body });
        break;
      case 'requestFailed':
        this.settle(m.id, undefined, { kind: 'failed', problem: m.problem, message: m.message });
        break;
      case 'started':
      case 'metrics':
      case 'diagnostics':
      case 'checkpoint':
      case 'finished':
      case 'failed':
      case 'cancelled':
        this.events.training?.(m);
        break;
      default:
        assertNever(m);
    }
  }

  private settle(id: number, replyKind: EngineRequest['kind'] | undefined, outcome: RequestOutcome<EngineResult>): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    if (replyKind !== undefined && replyKind !== p.kind) {
      p.settle({ kind: 'failed', problem: 'internal', message: `The SeqLab engine answered a ${p.kind} request with a ${replyKind} result.` });
    } else p.settle(outcome);
  }

  private failPending(): void {
    if (this.pending.size === 0 || this.alive) return;
    const exit = this.exit!;
    const how = exit.signal ? `was killed (${exit.signal})` : `exited with code ${exit.code}`;
    const last = telltaleLine(this.outputTail);
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.settle(
        this.cancelling
          ? { kind: 'cancelled' }
          : { kind: 'failed', problem: 'crashed', message: `The SeqLab engine (pid ${this.pid}) ${how} before it answered the ${p.kind} request.${last ? ` Last output: ${last}` : ''}` },
      );
    }
  }
}
