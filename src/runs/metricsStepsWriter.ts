// The writers of metrics.steps.bin (metricsStepsFile.ts). The trainer's RunWriter hands each batch of records
// to MetricsStepsWriter right after their lines reach metrics.jsonl, so the step file never holds a step that
// metrics.jsonl lacks: a process killed between the two writes leaves the step file a step or a few behind,
// which a reader notices (it reads the lines after the step file's last step as text) and the next open
// catches up. A reader that had to parse metrics.jsonl whole may write the file for a run that has stopped
// (`rebuildStepsFile`), so an older SeqLab's runs load fast from then on.

import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { MetricRecord, StepRecord } from '../shared/metrics';
import { MetricLinesParser } from './metricLinesParser';
import { encodeSteps, HEADER_BYTES, headerProblem, lineHolds, nextLineAt, RECORD_BYTES, recordsIn, type StepEntry, stepAt, StepLinePlaces, stepsFileHeader } from './metricsStepsFile';
import { RUN_FILES } from './runFiles';

/** Bytes of metrics.jsonl read at a time when catching up. */
const READ_BYTES = 1 << 20;
/** Step records parsed before they are written, when catching up. */
const CATCH_UP_STEPS = 65536;

export class MetricsStepsWriter {
  /** Undefined once a write failed: the file is left as a shortcut to the steps before, the rest is metrics.jsonl's alone. */
  private fd: number | undefined;

  private constructor(
    fd: number,
    private readonly metricsFd: number,
    /** The file's size after its last whole write. */
    private size: number,
  ) {
    this.fd = fd;
  }

  /**
   * Opens the run's step file to append to, after making it agree with metrics.jsonl (open for appending as
   * `metricsFd`, its torn last line already ended): a missing or unknown file is started anew, a torn last
   * record cut off, a file whose last step is not metrics.jsonl's line at its place started anew, and the
   * steps of metrics.jsonl after the file's last (an older SeqLab's run, a kill between the two writes) added.
   * Never throws: without a usable step file the run is still written, to metrics.jsonl.
   */
  static open(dir: string, metricsFd: number): MetricsStepsWriter | undefined {
    const file = path.join(dir, RUN_FILES.metricsSteps);
    let fd: number | undefined;
    try {
      fd = fs.openSync(file, 'a+');
      const from = agreeingPrefix(fd, path.join(dir, RUN_FILES.metrics));
      const w = new MetricsStepsWriter(fd, metricsFd, fs.fstatSync(fd).size);
      w.catchUp(path.join(dir, RUN_FILES.metrics), from);
      return w;
    } catch {
      // a file that may disagree with metrics.jsonl is emptied, so readers parse metrics.jsonl instead
      if (fd !== undefined) {
        try {
          fs.ftruncateSync(fd, 0);
        } catch {
          // a reader checks the file against metrics.jsonl anyway
        }
        fs.closeSync(fd);
      }
      return undefined;
    }
  }

  /** The records just appended to metrics.jsonl as `lines` (one per record, each followed by a newline there). */
  append(records: readonly MetricRecord[], lines: readonly string[]): void {
    if (this.fd === undefined) return;
    try {
      let at = fs.fstatSync(this.metricsFd).size;
      const bytes = lines.map((l) => Buffer.byteLength(l));
      for (const b of bytes) at -= b + 1;
      const entries: StepEntry[] = [];
      records.forEach((r, i) => {
        if (r.kind === 'step') entries.push(entryOf(r, at, bytes[i]));
        at += bytes[i] + 1;
      });
      this.write(encodeSteps(entries));
    } catch {
      this.stop();
    }
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }

  private write(records: Buffer): void {
    if (records.length === 0 || this.fd === undefined) return;
    // a short write (a disk filling up) is a failed one: the callers cut the file back to `size`
    if (fs.writeSync(this.fd, records) !== records.length) throw new Error(`${RUN_FILES.metricsSteps}: short write`);
    this.size += records.length;
  }

  /** After a failed write (a full disk): the torn record is cut off and nothing more is written this session. */
  private stop(): void {
    if (this.fd === undefined) return;
    try {
      fs.ftruncateSync(this.fd, this.size);
    } catch {
      // a torn last record is ignored by readers and cut off by the next open
    }
    this.close();
  }

  /** Adds the step lines of metrics.jsonl from byte `from` on. */
  private catchUp(metricsFile: string, from: number): void {
    const places = new StepLinePlaces();
    const parser = new MetricLinesParser(metricsFile, { from, onStep: places.onStep });
    const fd = fs.openSync(metricsFile, 'r');
    try {
      const buf = Buffer.alloc(READ_BYTES);
      for (let at = from, n; (n = fs.readSync(fd, buf, 0, READ_BYTES, at)) > 0; at += n) {
        parser.push(buf.subarray(0, n));
        if (parser.counts.steps >= CATCH_UP_STEPS) this.write(places.encode(parser.take().steps));
      }
      parser.end();
      this.write(places.encode(parser.take().steps));
    } finally {
      fs.closeSync(fd);
    }
  }
}

/**
 * Makes the step file (open for reading and appending) a prefix of metrics.jsonl's step lines and says
 * where in metrics.jsonl the lines after its last step begin.
 */
function agreeingPrefix(fd: number, metricsFile: string): number {
  const size = fs.fstatSync(fd).size;
  const head = Buffer.alloc(HEADER_BYTES);
  fs.readSync(fd, head, 0, HEADER_BYTES, 0);
  if (size < HEADER_BYTES || headerProblem(head) !== undefined) return startAnew(fd);
  const n = recordsIn(size);
  if (size !== HEADER_BYTES + n * RECORD_BYTES) fs.ftruncateSync(fd, HEADER_BYTES + n * RECORD_BYTES);
  if (n === 0) return 0;
  const record = Buffer.alloc(RECORD_BYTES);
  fs.readSync(fd, record, 0, RECORD_BYTES, HEADER_BYTES + (n - 1) * RECORD_BYTES);
  const last = stepAt(new DataView(record.buffer, record.byteOffset, RECORD_BYTES), 0);
  return lineHolds(last, readAt(metricsFile, last.lineStart, last.lineBytes + 1)) ? nextLineAt(last) : startAnew(fd);
}

function startAnew(fd: number): number {
  fs.ftruncateSync(fd, 0);
  fs.writeSync(fd, stepsFileHeader());
  return 0;
}

function readAt(file: string, at: number, length: number): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(length);
    return buf.subarray(0, fs.readSync(fd, buf, 0, length, at));
  } finally {
    fs.closeSync(fd);
  }
}

// what a reader of the line gets back: JSON writes NaN and ±Infinity as null (a step column holds null as
// 0, the loss and gradient norm columns as NaN) and −0 as 0
const asWritten = (v: number, ifNull: number): number => (Number.isFinite(v) ? v + 0 : ifNull);

function entryOf(r: StepRecord, lineStart: number, lineBytes: number): StepEntry {
  return {
    step: asWritten(r.step, 0),
    epoch: asWritten(r.epoch, 0),
    time: asWritten(r.time, 0),
    loss: asWritten(r.loss, NaN),
    gradNorm: asWritten(r.gradNorm, NaN),
    clipped: r.clipped,
    lineStart,
    lineBytes,
  };
}

/**
 * Writes a stopped run's step file whole (to a temp file, then renamed): `records` as StepLinePlaces encoded
 * them from a parse of all of metrics.jsonl.
 */
export async function rebuildStepsFile(dir: string, records: readonly Buffer[]): Promise<void> {
  const file = path.join(dir, RUN_FILES.metricsSteps);
  const tmp = path.join(dir, `.${RUN_FILES.metricsSteps}.${process.pid}.tmp`);
  const fh = await fsp.open(tmp, 'w');
  try {
    for (const part of [stepsFileHeader(), ...records]) await fh.write(part);
    await fh.datasync();
  } catch (e) {
    await fh.close();
    await fsp.rm(tmp, { force: true });
    throw e;
  }
  await fh.close();
  await fsp.rename(tmp, file);
}
