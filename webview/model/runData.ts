// A run's records in columns (typed arrays that grow by doubling), so a million steps cost 8 bytes a
// column each and the charts can slice them without copying objects. The host sends columns too
// (src/shared/metricColumns.ts): an ascending chunk is appended with one copy per column. Records older
// than what is held (a replay after a reload) are dropped.
import { type MetricColumns, recordsToColumns } from '../../src/shared/metricColumns';
import { type DiagnosticsSnapshot, isGradientHistoryArray, type MetricRecord, type SampleRecord } from '../../src/shared/metrics';

class Column {
  data: Float64Array<ArrayBufferLike> = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) this.reserve(this.length + 1);
    this.data[this.length++] = v;
  }
  /** Room for `n` values in all, by doubling. */
  reserve(n: number): void {
    if (n <= this.data.length) return;
    let size = this.data.length;
    while (size < n) size *= 2;
    const next = new Float64Array(size);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
  /** Values [from, to) of `src` at the end; NaN for a column the sender does not have (the dashboard bench's feed has no decoding scores). */
  append(src: ArrayLike<number> | undefined, from: number, to: number): void {
    // the first chunk of a load is taken as it came: it is full, so the next append copies it into room
    // to grow and nothing is ever written into the sender's array
    if (this.length === 0 && src instanceof Float64Array && from === 0 && to === src.length && src.length > this.data.length) {
      this.data = src;
      this.length = src.length;
      return;
    }
    this.reserve(this.length + to - from);
    if (src === undefined) {
      this.data.fill(NaN, this.length, this.length + to - from);
      this.length += to - from;
      return;
    }
    if (src instanceof Float64Array && from === 0 && to === src.length) this.data.set(src, this.length);
    else for (let i = from; i < to; i++) this.data[this.length + i - from] = src[i];
    this.length += to - from;
  }
  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

/** Columns of one record kind, appended together. */
type ColumnSet<K extends string> = Record<K, Column>;

/**
 * Appends the rows of `src` whose step is above the last held (rows are ascending within a chunk but a
 * replayed chunk may start below it): a strictly ascending chunk past the end is one copy per column.
 */
function appendNewer<K extends string>(into: ColumnSet<K>, src: Record<K, ArrayLike<number>> & { step: ArrayLike<number> }, keys: readonly K[]): void {
  const steps = src.step;
  const n = steps.length;
  const held = (into as ColumnSet<K | 'step'>).step;
  let last = held.length > 0 ? held.data[held.length - 1] : -Infinity;
  let ascending = n === 0 || steps[0] > last;
  for (let i = 1; i < n && ascending; i++) ascending = steps[i] > steps[i - 1];
  if (ascending) {
    for (const k of keys) into[k].append(src[k], 0, n);
    return;
  }
  for (let i = 0; i < n; i++) {
    if (!(steps[i] > last)) continue;
    for (const k of keys) into[k].push(src[k]?.[i] ?? NaN);
    last = steps[i];
  }
}

const STEP_KEYS = ['step', 'epoch', 'time', 'loss', 'gradNorm', 'clipped'] as const;
const EVAL_KEYS = ['step', 'epoch', 'time', 'loss', 'accuracy', 'exactMatch', 'errorRate', 'bleu', 'chrF'] as const;

export class RunData {
  readonly step = { step: new Column(), epoch: new Column(), time: new Column(), loss: new Column(), gradNorm: new Column(), clipped: new Column() };
  readonly eval = { step: new Column(), epoch: new Column(), time: new Column(), loss: new Column(), accuracy: new Column(), exactMatch: new Column(), errorRate: new Column(), bleu: new Column(), chrF: new Column() };
  readonly samples: SampleRecord[] = [];
  /** Full snapshots received, by step (the latest and those the user asked for). */
  readonly snapshots = new Map<number, DiagnosticsSnapshot>();
  /** Gradients through time per snapshot step, per array name (`l0.dhLast`; isGradientHistoryArray). */
  readonly gradientHistory = new Map<number, Record<string, Float32Array>>();
  latestSnapshotStep = -1;
  /** Bumped on every change, so views know when to recompute. */
  version = 0;

  add(records: MetricRecord[]): void {
    this.addColumns(recordsToColumns(records));
  }

  addColumns(c: MetricColumns): void {
    appendNewer(this.step, c.steps, STEP_KEYS);
    appendNewer(this.eval, c.evals, EVAL_KEYS);
    for (const r of c.samples) {
      // an encoder–decoder writes several validation pairs per evaluation, each its own sample (told apart by its source)
      if (this.samples.some((s) => s.step === r.step && s.temperature === r.temperature && s.prime === r.prime)) continue;
      this.samples.push(r);
    }
    this.version++;
  }

  /** Training speed over the last `window` steps, from the records' wall time; undefined before two steps. */
  stepsPerSecond(window = 50): number | undefined {
    const n = this.step.step.length;
    if (n < 2) return undefined;
    const k = Math.max(0, n - 1 - window);
    const dt = this.step.time.data[n - 1] - this.step.time.data[k];
    return dt > 0 ? (this.step.step.data[n - 1] - this.step.step.data[k]) / dt : undefined;
  }

  /** Lowest validation loss so far; undefined before the first evaluation with a loss. */
  bestValidationLoss(): number | undefined {
    let best = Infinity;
    const l = this.eval.loss.view();
    for (let i = 0; i < l.length; i++) if (l[i] < best) best = l[i];
    return Number.isFinite(best) ? best : undefined;
  }

  addSnapshot(s: DiagnosticsSnapshot): void {
    this.snapshots.set(s.step, s);
    if (s.step >= this.latestSnapshotStep) this.latestSnapshotStep = s.step;
    const dh: Record<string, Float32Array> = {};
    for (const [name, a] of Object.entries(s.arrays)) if (isGradientHistoryArray(name)) dh[name] = a.data;
    if (Object.keys(dh).length > 0) this.gradientHistory.set(s.step, dh);
    this.version++;
  }

  addGradientHistory(steps: number[], arrays: Record<string, { data: Float32Array; shape: number[] }>): void {
    steps.forEach((step, s) => {
      const row: Record<string, Float32Array> = this.gradientHistory.get(step) ?? {};
      for (const [name, a] of Object.entries(arrays)) {
        const T = a.shape[1];
        row[name] = a.data.subarray(s * T, (s + 1) * T);
      }
      this.gradientHistory.set(step, row);
    });
    this.version++;
  }
}

/** x of each record for the chosen axis. Epoch is fractional: epoch + position of the step inside it. */
export type XAxisKind = 'step' | 'epoch' | 'time';

export function fractionalEpochs(steps: ArrayLike<number>, epochs: ArrayLike<number>): Float64Array {
  const n = steps.length;
  const out = new Float64Array(n);
  // steps per epoch: from the first complete epoch, else from the one in progress
  let i = 0;
  while (i < n) {
    let j = i;
    while (j < n && epochs[j] === epochs[i]) j++;
    const first = steps[i];
    const span = j < n ? steps[j] - first : Math.max(1, steps[j - 1] - first + 1);
    for (let k = i; k < j; k++) out[k] = epochs[k] + (steps[k] - first) / span;
    i = j;
  }
  return out;
}

/** Map arbitrary steps onto an x array defined at `refSteps` (linear between, clamped at the ends). */
export function interpolateAt(refSteps: ArrayLike<number>, refX: ArrayLike<number>, steps: ArrayLike<number>, fallback: ArrayLike<number>): Float64Array {
  const out = new Float64Array(steps.length);
  const n = refSteps.length;
  let j = 0;
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i];
    if (n === 0) { out[i] = fallback[i]; continue; }
    while (j < n - 1 && refSteps[j + 1] <= s) j++;
    if (s <= refSteps[0]) out[i] = refX[0];
    else if (j >= n - 1) out[i] = refX[n - 1];
    else {
      const f = (s - refSteps[j]) / (refSteps[j + 1] - refSteps[j]);
      out[i] = refX[j] + f * (refX[j + 1] - refX[j]);
    }
  }
  return out;
}

/** CSV of the loss curves: one row per record, long format (run, kind, step, epoch, time, value). */
export function lossCsv(runs: Array<{ name: string; data: RunData }>): string {
  const lines = ['run,kind,step,epoch,time,loss,smoothed_or_blank,gradNorm'];
  for (const { name, data } of runs) {
    const q = `"${name.replace(/"/g, '""')}"`;
    const s = data.step;
    for (let i = 0; i < s.step.length; i++) lines.push(`${q},train,${s.step.data[i]},${s.epoch.data[i]},${s.time.data[i]},${s.loss.data[i]},,${s.gradNorm.data[i]}`);
    const e = data.eval;
    for (let i = 0; i < e.step.length; i++) lines.push(`${q},validation,${e.step.data[i]},${e.epoch.data[i]},${e.time.data[i]},${e.loss.data[i]},,`);
  }
  return lines.join('\n') + '\n';
}
