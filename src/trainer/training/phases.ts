// What a run is doing, phase by phase, and how a stop request reaches every phase. A run loads its data,
// starts its backend (worker threads), draws its initial weights, then trains, writing checkpoints on
// the way. Each long phase works in chunks (steps.ts) and, between chunks, lets the event loop run, so
// a signal handler or an IPC `stop` gets in, then stops with `Cancelled` when a stop was asked: a stop
// is honoured within a chunk (milliseconds), not at the end of the phase.

import type { RunPhase } from '../../shared/metrics';
import { PHASE_DOING } from '../../shared/runReport';

export type { RunPhase };

/** What the sink hears when a phase starts, and while weights are drawn. */
export type PhaseEvent =
  | { phase: 'data'; what: string }
  | { phase: 'backend'; what: string }
  | { phase: 'init'; layer?: number; layers: number; done: number; total: number }
  | { phase: 'training'; step: number; totalSteps: number }
  | { phase: 'checkpoint'; step: number };

/** Thrown by a phase that stopped because a stop was asked; `train` turns it into a cancelled outcome. */
export class Cancelled extends Error {
  constructor(readonly phase: RunPhase) {
    super(`cancelled while ${PHASE_DOING[phase]}`);
    this.name = 'Cancelled';
  }
}

/** At most this long between two turns of the event loop in a long phase. */
const TURN_MS = 50;

/** Lets signals and IPC in between the chunks of long phases and stops them when a stop was asked. */
export class Pacer {
  private lastTurn = performance.now();

  constructor(readonly shouldStop: () => boolean) {}

  /** Between two chunks of `phase`: yields to the event loop now and then; throws Cancelled once a stop was asked. */
  async between(phase: RunPhase): Promise<void> {
    if (performance.now() - this.lastTurn >= TURN_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      this.lastTurn = performance.now();
    }
    if (this.shouldStop()) throw new Cancelled(phase);
  }

  /** Waits for `work` (worker threads starting), but no longer than until a stop is asked. */
  async until<T>(phase: RunPhase, work: Promise<T>, onCancelled: (late: T) => void): Promise<T> {
    let done = false;
    work.then((v) => (done ? onCancelled(v) : undefined), () => undefined);
    const stopped = new Promise<never>((_, reject) => {
      const poll = (): void => {
        if (done) return;
        if (this.shouldStop()) reject(new Cancelled(phase));
        else setTimeout(poll, TURN_MS).unref();
      };
      poll();
    });
    try {
      return await Promise.race([work, stopped]);
    } finally {
      done = true;
    }
  }
}
