// A run's metrics read into columns (src/shared/metricColumns.ts), chunk by chunk, for the dashboards: a
// million step records is 150 MB of JSON, and JSON.parse of every line (a million objects, then copied into
// columns) took four seconds of the extension host. The steps come from metrics.steps.bin when it agrees with
// metrics.jsonl (metricsStepsReader.ts: the file's records, and the other lines between the step lines);
// otherwise, and for the lines after the step file's last step, metrics.jsonl is parsed as text
// (metricLinesParser.ts: step lines field by field, each value the double JSON.parse gives).

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { MetricColumns } from '../shared/metricColumns';
import { MetricLinesParser } from './metricLinesParser';
import { StepLinePlaces } from './metricsStepsFile';
import { readStepsFile, stepsFileChunks } from './metricsStepsReader';
import { rebuildStepsFile } from './metricsStepsWriter';
import { RUN_FILES } from './runFiles';

/** Bytes read at a time: each is parsed in one go, so it bounds how long the event loop is held. */
const READ_BYTES = 1 << 20;

export interface MetricColumnsOptions {
  /** Bytes of metrics.jsonl parsed at a time. */
  readBytes?: number;
  /**
   * Write metrics.steps.bin when metrics.jsonl had to be parsed whole (no step file, or one that disagrees
   * with it): only for a run that no process writes to any more.
   */
  rebuild?: boolean;
  /** Steps per chunk read from metrics.steps.bin (default: `chunkRecords`). */
  stepFileChunk?: number;
}

/**
 * The run's metrics as columns, a chunk as soon as `chunkRecords` records are read (from metrics.jsonl's text
 * a chunk holds up to one read's worth more; the last holds the rest); nothing when metrics.jsonl does not
 * exist. Throws when a line of metrics.jsonl other than the last is not a record.
 */
export async function* metricColumnChunks(dir: string, chunkRecords = 65536, options: MetricColumnsOptions = {}): AsyncGenerator<MetricColumns> {
  const file = path.join(dir, RUN_FILES.metrics);
  const readBytes = options.readBytes ?? READ_BYTES;
  const steps = await readStepsFile(dir, options.stepFileChunk ?? chunkRecords);
  if (steps) {
    yield* stepsFileChunks(dir, steps);
    yield* textChunks(file, { from: steps.tailFrom, chunkRecords, readBytes });
    return;
  }
  if (!options.rebuild) {
    yield* textChunks(file, { from: 0, chunkRecords, readBytes });
    return;
  }
  const places = new StepLinePlaces();
  const records: Buffer[] = [];
  let steps0 = 0;
  for await (const c of textChunks(file, { from: 0, chunkRecords, readBytes, onStep: places.onStep })) {
    records.push(places.encode(c.steps));
    steps0 += c.steps.step.length;
    yield c;
  }
  // a cache: a run whose step file cannot be written still reads, from metrics.jsonl
  if (steps0 > 0) await rebuildStepsFile(dir, records).catch(() => undefined);
}

/** metrics.jsonl from byte `from` on, parsed as text. */
async function* textChunks(file: string, o: { from: number; chunkRecords: number; readBytes: number; onStep?: StepLinePlaces['onStep'] }): AsyncGenerator<MetricColumns> {
  const parser = new MetricLinesParser(file, { from: o.from, onStep: o.onStep });
  const stream = fs.createReadStream(file, { highWaterMark: o.readBytes, start: o.from });
  try {
    for await (const chunk of stream) {
      parser.push(chunk as Buffer);
      if (parser.size >= o.chunkRecords) yield parser.take();
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  } finally {
    stream.destroy();
  }
  parser.end();
  if (parser.size > 0) yield parser.take();
}
