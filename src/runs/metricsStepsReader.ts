// metrics.steps.bin (metricsStepsFile.ts) read into metric columns, with metrics.jsonl's other records: the
// step file says where each step line lies, so the bytes between step lines (evaluations, samples) are all a
// reader parses of metrics.jsonl up to the step file's last step. The step file is used only when it agrees
// with metrics.jsonl as far as a cheap look can tell: a known header, line places that only move forward
// and end inside metrics.jsonl, its first and last step the very lines at their places, no step line
// between them that it lacks. Anything else, and the caller parses metrics.jsonl instead.

import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { EvalColumns, MetricColumns, StepColumns } from '../shared/metricColumns';
import { MetricLinesParser } from './metricLinesParser';
import { HEADER_BYTES, headerProblem, lineHolds, nextLineAt, RECORD_BYTES, recordsIn, type StepEntry, stepAt } from './metricsStepsFile';
import { RUN_FILES } from './runFiles';

/** Records read in the check are kept for the columns up to this many bytes (a million steps are 53 MB), not read twice. */
const KEEP_BYTES = 256 << 20;
/** Other lines closer than this are read from metrics.jsonl in one read. */
const WINDOW_BYTES = 1 << 20;

/** What the step file gives of a run's metrics, checked against metrics.jsonl. */
export interface StepsFileRead {
  /** Step records, all of them agreeing with metrics.jsonl. */
  records: number;
  /** Where in metrics.jsonl the lines after the last of them begin (to be parsed as text). */
  tailFrom: number;
  /** metrics.jsonl's other records before `tailFrom`, in file order. */
  others: MetricColumns;
  /** Each stretch of other lines: the step record it follows (−1: none) and the evals and samples up to its end. */
  marks: { after: number; evals: number; samples: number }[];
  /** Steps per chunk of stepsFileChunks. */
  chunkSteps: number;
  /** The records as the check read them, a chunk's a piece, where they were few enough to keep. */
  pieces?: Buffer[];
}

interface Gap {
  from: number;
  to: number;
  /** The step record before it (−1: none). */
  after: number;
}

/**
 * The run's step file checked against its metrics.jsonl, with the records between step lines; undefined when
 * it cannot be used. `chunkSteps`: the steps per chunk of stepsFileChunks; `keepBytes`: the most bytes of
 * records kept from the check for it.
 */
export async function readStepsFile(dir: string, chunkSteps = 65536, keepBytes = KEEP_BYTES): Promise<StepsFileRead | undefined> {
  let steps: fsp.FileHandle | undefined, metrics: fsp.FileHandle | undefined;
  try {
    steps = await fsp.open(path.join(dir, RUN_FILES.metricsSteps), 'r');
    metrics = await fsp.open(path.join(dir, RUN_FILES.metrics), 'r');
    // the records are read as typed arrays, in the machine's byte order
    if (os.endianness() !== 'LE') return undefined;
    const records = recordsIn((await steps.stat()).size);
    const head = await readAt(steps, 0, HEADER_BYTES);
    if (records === 0 || headerProblem(head) !== undefined) return undefined;
    const metricsSize = (await metrics.stat()).size;
    const places = await linePlaces(steps, records, metricsSize, chunkSteps, records * RECORD_BYTES <= keepBytes);
    if (!places) return undefined;
    for (const e of [places.first, places.last]) if (!lineHolds(e, await readAt(metrics, e.lineStart, e.lineBytes + 1))) return undefined;
    const others = await otherRecords(metrics, places.gaps, path.join(dir, RUN_FILES.metrics));
    return others && { records, tailFrom: nextLineAt(places.last), ...others, chunkSteps, ...(places.pieces && { pieces: places.pieces }) };
  } catch {
    return undefined;
  } finally {
    await steps?.close();
    await metrics?.close();
  }
}

/** The step records' line places, read through once: the stretches of other lines between them, or undefined when they go backwards or past the file's end. */
async function linePlaces(steps: fsp.FileHandle, records: number, metricsSize: number, pieceRecords: number, keep: boolean): Promise<{ first: StepEntry; last: StepEntry; gaps: Gap[]; pieces?: Buffer[] } | undefined> {
  const gaps: Gap[] = [];
  const pieces: Buffer[] | undefined = keep ? [] : undefined;
  let expected = 0;
  let first: StepEntry | undefined, last: StepEntry | undefined;
  for (let i0 = 0; i0 < records; i0 += pieceRecords) {
    const n = Math.min(pieceRecords, records - i0);
    const buf = await readAt(steps, HEADER_BYTES + i0 * RECORD_BYTES, n * RECORD_BYTES);
    if (buf.length !== n * RECORD_BYTES) return undefined;
    pieces?.push(buf);
    const { f64, u32 } = fields(buf);
    for (let i = 0; i < n; i++) {
      const start = f64[i * F64_PER_RECORD + 5];
      if (!(start >= expected && Number.isSafeInteger(start))) return undefined;
      if (start > expected) gaps.push({ from: expected, to: start, after: i0 + i - 1 });
      expected = start + u32[i * U32_PER_RECORD + 12] + 1;
    }
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    if (i0 === 0) first = stepAt(view, 0);
    if (i0 + n === records) last = stepAt(view, (n - 1) * RECORD_BYTES);
  }
  return first && last && expected <= metricsSize ? { first, last, gaps, pieces } : undefined;
}

/** The records of the stretches between step lines; undefined when one of them is a step line (the step file lacks it) or does not parse. */
async function otherRecords(metrics: fsp.FileHandle, gaps: readonly Gap[], file: string): Promise<Pick<StepsFileRead, 'others' | 'marks'> | undefined> {
  const parser = new MetricLinesParser(file);
  const marks: StepsFileRead['marks'] = [];
  for (let g = 0; g < gaps.length; ) {
    let h = g;
    while (h + 1 < gaps.length && gaps[h + 1].to - gaps[g].from <= WINDOW_BYTES) h++;
    const base = gaps[g].from;
    const buf = await readAt(metrics, base, gaps[h].to - base);
    for (; g <= h; g++) {
      parser.push(buf.subarray(gaps[g].from - base, gaps[g].to - base));
      const { steps, evals, samples } = parser.counts;
      if (steps > 0) return undefined;
      marks.push({ after: gaps[g].after, evals, samples });
    }
  }
  parser.end();
  if (parser.unparsedLine !== undefined) return undefined;
  return { others: parser.take(), marks };
}

/**
 * The step file's records as metric columns, `read.chunkSteps` steps a chunk, each with the other records
 * that lie among its steps' lines (the first also with those before its first step).
 */
export async function* stepsFileChunks(dir: string, read: StepsFileRead): AsyncGenerator<MetricColumns> {
  const { chunkSteps } = read;
  const fh = await fsp.open(path.join(dir, RUN_FILES.metricsSteps), 'r');
  try {
    let mark = 0, evals = 0, samples = 0;
    for (let i0 = 0; i0 < read.records; i0 += chunkSteps) {
      const n = Math.min(chunkSteps, read.records - i0);
      const buf = read.pieces?.[i0 / chunkSteps] ?? (await readAt(fh, HEADER_BYTES + i0 * RECORD_BYTES, n * RECORD_BYTES));
      if (buf.length !== n * RECORD_BYTES) throw new Error(`${path.join(dir, RUN_FILES.metricsSteps)}: shorter than when it was checked`);
      while (mark < read.marks.length && read.marks[mark].after < i0 + n) mark++;
      const upTo = mark > 0 ? read.marks[mark - 1] : { evals: 0, samples: 0 };
      yield { steps: decode(buf, n), evals: sliceEvals(read.others.evals, evals, upTo.evals), samples: read.others.samples.slice(samples, upTo.samples) };
      evals = upTo.evals;
      samples = upTo.samples;
    }
  } finally {
    await fh.close();
  }
}

function decode(buf: Uint8Array, n: number): StepColumns {
  const step = new Float64Array(n), epoch = new Float64Array(n), time = new Float64Array(n), loss = new Float64Array(n), gradNorm = new Float64Array(n), clipped = new Uint8Array(n);
  const { f64, u32 } = fields(buf);
  for (let i = 0, f = 0, u = 13; i < n; i++, f += F64_PER_RECORD, u += U32_PER_RECORD) {
    step[i] = f64[f];
    epoch[i] = f64[f + 1];
    time[i] = f64[f + 2];
    loss[i] = f64[f + 3];
    gradNorm[i] = f64[f + 4];
    clipped[i] = u32[u] !== 0 ? 1 : 0;
  }
  return { step, epoch, time, loss, gradNorm, clipped };
}

const F64_PER_RECORD = RECORD_BYTES / 8;
const U32_PER_RECORD = RECORD_BYTES / 4;

/**
 * Records (read into a buffer of their own, so 8-byte aligned) as typed arrays over the same bytes: the
 * file is little-endian, and readStepsFile turns down a big-endian machine.
 */
function fields(buf: Uint8Array): { f64: Float64Array; u32: Uint32Array } {
  return { f64: new Float64Array(buf.buffer, buf.byteOffset, buf.byteLength / 8), u32: new Uint32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4) };
}

const sliceEvals = (e: EvalColumns, from: number, to: number): EvalColumns => ({
  step: e.step.slice(from, to),
  epoch: e.epoch.slice(from, to),
  time: e.time.slice(from, to),
  loss: e.loss.slice(from, to),
  accuracy: e.accuracy.slice(from, to),
  exactMatch: e.exactMatch.slice(from, to),
  errorRate: e.errorRate.slice(from, to),
  bleu: e.bleu.slice(from, to),
  chrF: e.chrF.slice(from, to),
});

/**
 * `length` bytes from `position`, fewer at the file's end; in a buffer of their own (not Node's shared pool,
 * so 8-byte aligned), left unfilled as only the bytes read are returned. Read synchronously: a read is at most
 * one chunk (≤ 15 MB, a few milliseconds from the page cache, about what decoding it holds the event loop),
 * while the async read's hop through libuv's thread pool waited 80–250 ms per million steps on a loaded
 * 2-core machine (dashboard bench: 93 ms against 168–383 ms a read, the CPU time the same).
 */
async function readAt(fh: fsp.FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafeSlow(length);
  let got = 0;
  for (let n = 1; got < length && n > 0; got += n) n = fs.readSync(fh.fd, buf, got, length - got, position + got);
  return buf.subarray(0, got);
}
