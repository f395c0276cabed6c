// An explorer request the engine cannot answer for a reason the user can act on; `problem` crosses the
// protocol as it is (explorerProtocol.ts), the message says what to do.

import type { ExplorerProblem } from '../../shared/explorerProtocol';

export class ExplorerError extends Error {
  constructor(
    readonly problem: ExplorerProblem,
    message: string,
  ) {
    super(message);
    this.name = 'ExplorerError';
  }
}

/** Throws `cancelled` when the caller gave up (the host closed the view, a newer request replaced this one). */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new ExplorerError('cancelled', 'The explorer request was cancelled.');
}
