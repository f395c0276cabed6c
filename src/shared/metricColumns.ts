// Metric records column by column, as the dashboards receive them: one typed array per field of the step
// and eval records (what the charts draw), the samples as they are. A million steps are 41 MB of columns
// that postMessage copies as bytes, instead of a million objects it walks key by key. Pure.

import type { MetricRecord, SampleRecord } from './metrics';

/** The step records' fields a dashboard draws; loss and gradNorm are NaN where the record holds null. */
export interface StepColumns {
  step: Float64Array;
  epoch: Float64Array;
  time: Float64Array;
  loss: Float64Array;
  gradNorm: Float64Array;
  /** 1 where the step's gradients were clipped. */
  clipped: Uint8Array;
}

export interface EvalColumns {
  step: Float64Array;
  epoch: Float64Array;
  time: Float64Array;
  loss: Float64Array;
  /** NaN where the task has no accuracy. */
  accuracy: Float64Array;
  /** Encoder–decoders: greedy decoding's exact match and token error rate (EvalRecord.greedy); NaN for other runs. */
  exactMatch: Float64Array;
  errorRate: Float64Array;
  /** Encoder–decoders with word-level targets: greedy decoding's corpus BLEU-4 and chrF (0–100); NaN otherwise. */
  bleu: Float64Array;
  chrF: Float64Array;
}

export interface MetricColumns {
  steps: StepColumns;
  evals: EvalColumns;
  samples: SampleRecord[];
}

/** Records as they come (the trainer's, a file's lines) into columns that grow by doubling. */
export class MetricColumnsBuilder {
  private steps = 0;
  private evals = 0;
  private s = stepColumns(0);
  private e = evalColumns(0);
  private samples: SampleRecord[] = [];

  constructor(private readonly capacity = 1024) {}

  /** Step, eval and sample records held. */
  get size(): number {
    return this.steps + this.evals + this.samples.length;
  }

  /** Records held, by kind. */
  get counts(): { steps: number; evals: number; samples: number } {
    return { steps: this.steps, evals: this.evals, samples: this.samples.length };
  }

  addStep(step: number, epoch: number, time: number, loss: number, gradNorm: number, clipped: boolean): void {
    if (this.steps === this.s.step.length) this.s = grown(this.s, Math.max(this.capacity, this.steps * 2), stepColumns);
    const c = this.s, i = this.steps++;
    c.step[i] = step;
    c.epoch[i] = epoch;
    c.time[i] = time;
    c.loss[i] = loss;
    c.gradNorm[i] = gradNorm;
    c.clipped[i] = clipped ? 1 : 0;
  }

  add(r: MetricRecord): void {
    switch (r.kind) {
      case 'step':
        this.addStep(r.step, r.epoch, r.time, numberOrNaN(r.loss), numberOrNaN(r.gradNorm), r.clipped);
        break;
      case 'eval': {
        if (this.evals === this.e.step.length) this.e = grown(this.e, Math.max(16, this.evals * 2), evalColumns);
        const c = this.e, i = this.evals++;
        c.step[i] = r.step;
        c.epoch[i] = r.epoch;
        c.time[i] = r.time;
        c.loss[i] = numberOrNaN(r.loss);
        c.accuracy[i] = numberOrNaN(r.accuracy);
        c.exactMatch[i] = numberOrNaN(r.greedy?.exactMatch);
        c.errorRate[i] = numberOrNaN(r.greedy?.tokenErrorRate);
        c.bleu[i] = numberOrNaN(r.greedy?.bleu);
        c.chrF[i] = numberOrNaN(r.greedy?.chrF);
        break;
      }
      case 'sample':
        this.samples.push(r);
        break;
    }
  }

  /** The columns held (trimmed to their length), and an empty builder again. */
  take(): MetricColumns {
    const out: MetricColumns = { steps: trimmed(this.s, this.steps), evals: trimmed(this.e, this.evals), samples: this.samples };
    this.steps = this.evals = 0;
    this.s = stepColumns(0);
    this.e = evalColumns(0);
    this.samples = [];
    return out;
  }
}

export function recordsToColumns(records: readonly MetricRecord[]): MetricColumns {
  const b = new MetricColumnsBuilder(records.length);
  for (const r of records) b.add(r);
  return b.take();
}

/** Step, eval and sample records in the columns. */
export const columnsSize = (c: MetricColumns): number => c.steps.step.length + c.evals.step.length + c.samples.length;

/** The last step of each kind of record in the columns (−1 where none). */
export function lastStepsOf(c: MetricColumns): { step: number; eval: number; sample: number } {
  return { step: maxOf(c.steps.step), eval: maxOf(c.evals.step), sample: c.samples.reduce((m, r) => Math.max(m, r.step), -1) };
}

const maxOf = (a: Float64Array): number => a.reduce((m, v) => (v > m ? v : m), -1);

// JSON writes NaN and Infinity as null; a diverged step's loss arrives so
const numberOrNaN = (v: number | null | undefined): number => (typeof v === 'number' ? v : NaN);

function stepColumns(n: number): StepColumns {
  return { step: new Float64Array(n), epoch: new Float64Array(n), time: new Float64Array(n), loss: new Float64Array(n), gradNorm: new Float64Array(n), clipped: new Uint8Array(n) };
}

function evalColumns(n: number): EvalColumns {
  return { step: new Float64Array(n), epoch: new Float64Array(n), time: new Float64Array(n), loss: new Float64Array(n), accuracy: new Float64Array(n), exactMatch: new Float64Array(n), errorRate: new Float64Array(n), bleu: new Float64Array(n), chrF: new Float64Array(n) };
}

function grown<C extends { [K in keyof C]: Float64Array | Uint8Array }>(c: C, capacity: number, make: (n: number) => C): C {
  const next = make(capacity);
  for (const k of Object.keys(c) as (keyof C)[]) next[k].set(c[k] as ArrayLike<number>);
  return next;
}

function trimmed<C extends { [K in keyof C]: Float64Array | Uint8Array }>(c: C, n: number): C {
  // a copy, not a view: the columns travel by postMessage, which copies a view's whole buffer
  return Object.fromEntries(Object.entries<Float64Array | Uint8Array>(c).map(([k, a]) => [k, a.slice(0, n)])) as C;
}
