// A request the engine cannot answer (sample, export, …) for a reason the user can act on. `problem`
// crosses the protocol as it is; the CLI turns it into an exit code, the extension into a message.

import type { RequestProblem } from '../shared/protocol';

export class RequestError extends Error {
  constructor(
    readonly problem: RequestProblem,
    message: string,
  ) {
    super(message);
    this.name = 'RequestError';
  }
}
