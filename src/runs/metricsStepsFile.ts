// metrics.steps.bin: the step records of metrics.jsonl again, as fixed-width little-endian records in the
// same order, each with where its line lies in metrics.jsonl (layout: docs/run-folder.md). metrics.jsonl is
// the source of truth; this file lets a reader take a million steps' columns without parsing five million
// decimal numbers, and learn from the line offsets which bytes of metrics.jsonl hold everything else
// (evaluations, samples). Written by metricsStepsWriter.ts, read by metricsStepsReader.ts.

import type { StepColumns } from '../shared/metricColumns';
import { MetricLinesParser } from './metricLinesParser';

/** "SLSTEPS" and a newline: what the first 8 bytes say. */
const MAGIC = Buffer.from('SLSTEPS\n', 'latin1');
export const STEPS_VERSION = 1;
export const HEADER_BYTES = 16;
export const RECORD_BYTES = 56;

/** One step record: the values the dashboards draw, as metrics.jsonl's line gives them, and where that line is. */
export interface StepEntry {
  step: number;
  epoch: number;
  time: number;
  /** NaN where the line holds null (JSON's NaN and Infinity). */
  loss: number;
  gradNorm: number;
  clipped: boolean;
  /** The line's byte offset in metrics.jsonl. */
  lineStart: number;
  /** The line's length in bytes, without its newline. */
  lineBytes: number;
}

export function stepsFileHeader(): Buffer {
  const head = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(head, 0);
  head.writeUInt32LE(STEPS_VERSION, 8);
  head.writeUInt32LE(RECORD_BYTES, 12);
  return head;
}

/** Why the file's first bytes are not a header this reader knows, or undefined when they are. */
export function headerProblem(head: Uint8Array): string | undefined {
  if (head.length < HEADER_BYTES) return 'shorter than its header';
  const h = Buffer.from(head.buffer, head.byteOffset, HEADER_BYTES);
  if (!h.subarray(0, 8).equals(MAGIC)) return 'not a step file';
  const version = h.readUInt32LE(8);
  if (version !== STEPS_VERSION || h.readUInt32LE(12) !== RECORD_BYTES) return `version ${version}, this SeqLab reads ${STEPS_VERSION}`;
  return undefined;
}

/** Whole records in a file of `size` bytes (a torn last record does not count). */
export const recordsIn = (size: number): number => Math.max(0, Math.floor((size - HEADER_BYTES) / RECORD_BYTES));

export function putStep(view: DataView, at: number, e: StepEntry): void {
  view.setFloat64(at, e.step, true);
  view.setFloat64(at + 8, e.epoch, true);
  view.setFloat64(at + 16, e.time, true);
  view.setFloat64(at + 24, e.loss, true);
  view.setFloat64(at + 32, e.gradNorm, true);
  view.setFloat64(at + 40, e.lineStart, true);
  view.setUint32(at + 48, e.lineBytes, true);
  view.setUint32(at + 52, e.clipped ? 1 : 0, true);
}

export function stepAt(view: DataView, at: number): StepEntry {
  return {
    step: view.getFloat64(at, true),
    epoch: view.getFloat64(at + 8, true),
    time: view.getFloat64(at + 16, true),
    loss: view.getFloat64(at + 24, true),
    gradNorm: view.getFloat64(at + 32, true),
    lineStart: view.getFloat64(at + 40, true),
    lineBytes: view.getUint32(at + 48, true),
    clipped: view.getUint32(at + 52, true) !== 0,
  };
}

/** Where the line after the entry's starts in metrics.jsonl. */
export const nextLineAt = (e: StepEntry): number => e.lineStart + e.lineBytes + 1;

/** `entries` as records, ready to append. */
export function encodeSteps(entries: readonly StepEntry[]): Buffer {
  const out = Buffer.alloc(entries.length * RECORD_BYTES);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  entries.forEach((e, i) => putStep(view, i * RECORD_BYTES, e));
  return out;
}

/**
 * Whether metrics.jsonl's bytes at the entry's line (`line`: the line and the byte after it) are a whole step
 * line holding the entry's values: the check that ties the two files together.
 */
export function lineHolds(e: StepEntry, line: Buffer): boolean {
  if (line.length !== e.lineBytes + 1 || line[e.lineBytes] !== 0x0a) return false;
  const parser = new MetricLinesParser('metrics.jsonl');
  try {
    parser.push(line);
  } catch {
    return false;
  }
  const c = parser.take().steps;
  return (
    c.step.length === 1 &&
    Object.is(c.step[0], e.step) &&
    Object.is(c.epoch[0], e.epoch) &&
    Object.is(c.time[0], e.time) &&
    Object.is(c.loss[0], e.loss) &&
    Object.is(c.gradNorm[0], e.gradNorm) &&
    c.clipped[0] === (e.clipped ? 1 : 0)
  );
}

/** Where a MetricLinesParser found each step line, to go with the step columns it gives (one place per step, in order). */
export class StepLinePlaces {
  private starts: number[] = [];
  private bytes: number[] = [];
  private unended = false;

  readonly onStep = (lineStart: number, lineBytes: number, ended: boolean): void => {
    this.starts.push(lineStart);
    this.bytes.push(lineBytes);
    if (!ended) this.unended = true;
  };

  /**
   * The steps of `steps` (the parser's columns, taken when these places were reported) as records, and the
   * places forgotten. A last line without its newline is left out: the next writer may still end it or cut it.
   */
  encode(steps: StepColumns): Buffer {
    if (steps.step.length !== this.starts.length) throw new Error(`${steps.step.length} steps for ${this.starts.length} step lines`);
    const n = this.starts.length - (this.unended ? 1 : 0);
    const out = Buffer.alloc(n * RECORD_BYTES);
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    for (let i = 0; i < n; i++) {
      putStep(view, i * RECORD_BYTES, {
        step: steps.step[i],
        epoch: steps.epoch[i],
        time: steps.time[i],
        loss: steps.loss[i],
        gradNorm: steps.gradNorm[i],
        clipped: steps.clipped[i] !== 0,
        lineStart: this.starts[i],
        lineBytes: this.bytes[i],
      });
    }
    this.starts = [];
    this.bytes = [];
    this.unended = false;
    return out;
  }
}
