// When a run has diverged. Two kinds of evidence stop it:
//   - the loss or the gradient norm is no longer finite (NaN or ±Inf);
//   - the loss ran away: over the last WINDOW steps its median stayed above ABOVE_REFERENCE times the
//     reference (the larger of the task's baseline and the loss before training, which is what a model
//     that learnt nothing scores), or above ABOVE_BEST times the lowest such median the run reached
//     while also back above NEAR_REFERENCE times the reference. Near zero a healthy loss wanders by
//     orders of magnitude (an LSTM on the adding problem went from a median of 1.3e-6 to 1.3e-4 at
//     step 22 000 with Adam at 0.002, against a reference of 0.18): that is noise, not a runaway.
// The medians make one spike count for nothing: a run has to stay up there for WINDOW steps. The
// numbers come from runs recorded in test/fixtures/divergence (test/unit/divergence.test.ts): an Adam
// LSTM on examples/char-lm at learning rate 10 sits at 35–270 nats/char from its second step on (the
// loss before training is 3.71) and is stopped at step 20 (median 55× the reference); at rates
// 0.001–0.1 the window medians never pass 0.9× the reference, though single steps reach 4×; at 1 they
// reach 6.2× and fall back (not stopped: the run ends near the uniform loss, and its verdict says it
// is worse than the unigram baseline); the gallery's configs stay at or below 1.0× in their first 200
// steps, and their best-to-current ratio below 1.5, far from ABOVE_BEST. The unclipped exploding RNN
// of gallery 5 is stopped at step 20, before its loss overflows.

import type { Baseline } from '../../shared/metrics';
import type { StepResult } from '../backends/backend';
import { TrainError } from '../errors';

/** Steps a runaway loss must last. */
export const WINDOW = 20;
/** How far above the reference the median must stay. */
export const ABOVE_REFERENCE = 10;
/** How far above the run's best median the median must stay (two orders of magnitude). */
export const ABOVE_BEST = 100;
/** Where a median that ran away from the run's best must also be, as a fraction of the reference. */
export const NEAR_REFERENCE = 0.5;

export interface DivergenceContext {
  learningRate: number;
  /** The task's baselines; those in the loss's units (not accuracies) count. */
  baselines: readonly Baseline[];
  /** The loss before training, when the run resumes (else the first step's loss is taken). */
  initialLoss?: number;
}

export class DivergenceGuard {
  private last?: number;
  private initial?: number;
  private readonly recent: number[] = [];
  private best?: { median: number; step: number };

  constructor(private readonly ctx: DivergenceContext) {
    this.initial = ctx.initialLoss;
  }

  /** The loss of the last step that did not diverge. */
  get lastFiniteLoss(): number | undefined {
    return this.last;
  }

  /** What a model that learnt nothing scores: the largest of the baseline losses and the loss before training. */
  get reference(): number | undefined {
    const values = [...this.lossBaselines().map((b) => b.value), ...(this.initial !== undefined ? [this.initial] : [])];
    return values.length > 0 ? Math.max(...values) : undefined;
  }

  private lossBaselines(): Baseline[] {
    return this.ctx.baselines.filter((b) => b.metric !== 'accuracy');
  }

  /** Throws a TrainError of kind 'diverged' when step `step` diverged; otherwise remembers its loss. */
  check(step: number, r: StepResult): void {
    if (!Number.isFinite(r.loss) || !Number.isFinite(r.gradNorm)) {
      throw new TrainError(
        'diverged',
        `Training diverged at step ${step}: the loss became ${r.loss} (gradient norm ${r.gradNorm}). ` +
          `Last finite loss: ${this.last?.toFixed(4) ?? 'none'}. ${this.advice()}`,
        step,
      );
    }
    this.last = r.loss;
    this.initial ??= r.loss;
    this.recent.push(r.loss);
    if (this.recent.length > WINDOW) this.recent.shift();
    if (this.recent.length < WINDOW) return;
    const m = median(this.recent);
    const ref = this.reference!;
    const bestBefore = this.best;
    if (!this.best || m < this.best.median) this.best = { median: m, step };
    const aboveRef = m > ABOVE_REFERENCE * ref;
    const aboveBest = bestBefore !== undefined && m > ABOVE_BEST * bestBefore.median && m > NEAR_REFERENCE * ref;
    if (!aboveRef && !aboveBest) return;
    const fmt = (x: number) => x.toPrecision(3);
    const against = aboveRef
      ? `${fmt(m / ref)}× the reference ${fmt(ref)} (${this.referenceText()})`
      : `${fmt(m / bestBefore!.median)}× its best median ${fmt(bestBefore!.median)} (steps ${bestBefore!.step - WINDOW + 1}–${bestBefore!.step})`;
    throw new TrainError(
      'diverged',
      `Training diverged at step ${step}: the loss ran away. Over steps ${step - WINDOW + 1}–${step} its median was ${fmt(m)}, ${against}; ` +
        `the last losses: ${this.recent.slice(-5).map(fmt).join(', ')}. ${this.advice()}`,
      step,
    );
  }

  private referenceText(): string {
    const parts = [`the loss before training ${this.initial!.toPrecision(3)}`];
    for (const b of this.lossBaselines()) parts.push(`baseline ${b.name ?? b.label} ${b.value.toPrecision(3)}`);
    return `the largest of ${parts.join(', ')}`;
  }

  private advice(): string {
    return `Try a lower learning rate (now ${this.ctx.learningRate}) or turn on clipping (training.clipping.globalNorm, e.g. 1).`;
  }
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
