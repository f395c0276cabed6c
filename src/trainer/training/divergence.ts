// When a run has diverged. Today: the loss or the gradient norm is no longer finite (NaN or ±Inf);
// the run then stops with the evidence and what to change. Other signs of divergence (a runaway loss
// well above the task's baseline) belong here too.

import type { StepResult } from '../backends/backend';
import { TrainError } from '../errors';

export class DivergenceGuard {
  private last?: number;

  constructor(private readonly learningRate: number) {}

  /** The loss of the last step that did not diverge. */
  get lastFiniteLoss(): number | undefined {
    return this.last;
  }

  /** Throws a TrainError of kind 'diverged' when step `step` diverged; otherwise remembers its loss. */
  check(step: number, r: StepResult): void {
    if (!Number.isFinite(r.loss) || !Number.isFinite(r.gradNorm)) {
      throw new TrainError(
        'diverged',
        `Training diverged at step ${step}: the loss became ${r.loss} (gradient norm ${r.gradNorm}). ` +
          `Last finite loss: ${this.last?.toFixed(4) ?? 'none'}. ` +
          `Try a lower learning rate (now ${this.learningRate}) or turn on clipping (training.clipping.globalNorm, e.g. 1). ` +
          `The weights of the last checkpoint are kept.`,
        step,
      );
    }
    this.last = r.loss;
  }
}
