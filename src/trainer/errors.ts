import type { FailureKind } from '../shared/protocol';

/** An error the user can act on; `kind` tells the host how to present it. */
export class TrainError extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly step?: number,
  ) {
    super(message);
    this.name = 'TrainError';
  }
}
