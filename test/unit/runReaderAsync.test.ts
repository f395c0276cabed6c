// The async readers the extension host uses give what the sync readers (CLI) give, with the same
// tolerance: missing files read as empty, a torn last line is skipped, a bad line before others throws.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { DiagnosticsIndexEntry, MetricRecord } from '../../src/shared/metrics';
import { RUN_FILES } from '../../src/runs/runFiles';
import {
  parseJsonLines,
  parseJsonLinesAsync,
  readDiagnosticsIndex,
  readDiagnosticsIndexAsync,
  readDiagnosticsSnapshot,
  readDiagnosticsSnapshotAsync,
  readJsonLinesAsync,
  readMetrics,
  readMetricsAsync,
} from '../../src/runs/runReader';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-async-'));

const step = (n: number): MetricRecord => ({ kind: 'step', step: n, epoch: 0, time: n / 10, loss: 1 / n, gradNorm: 0.5, clipped: false, learningRate: 0.01 });
const jsonl = (records: unknown[]) => records.map((r) => JSON.stringify(r)).join('\n') + '\n';

test('readMetricsAsync equals readMetrics on a long file read in many chunks', async () => {
  const dir = tmp();
  // ~1.6 MB: the stream delivers it in 64 KB chunks, so lines span chunk boundaries
  const records = Array.from({ length: 12_000 }, (_, i) => step(i + 1));
  fs.writeFileSync(path.join(dir, RUN_FILES.metrics), jsonl(records));
  const got = await readMetricsAsync(dir);
  assert.deepEqual(got, readMetrics(dir));
  assert.equal(got.length, 12_000);
});

test('a torn last line is skipped by both readers; blank lines and CRLF are tolerated', async () => {
  const dir = tmp();
  const text = jsonl([step(1), step(2)]).replace('\n', '\r\n') + '\n' + JSON.stringify(step(3)).slice(0, 25);
  fs.writeFileSync(path.join(dir, RUN_FILES.metrics), text);
  assert.deepEqual(await readMetricsAsync(dir), readMetrics(dir));
  assert.deepEqual((await readMetricsAsync(dir)).map((r) => r.step), [1, 2]);
  fs.appendFileSync(path.join(dir, RUN_FILES.metrics), '\n\n  \n');
  assert.deepEqual((await readMetricsAsync(dir)).map((r) => r.step), [1, 2]);
});

test('a bad line followed by good ones is an error with its line number, as in the sync reader', async () => {
  const dir = tmp();
  fs.writeFileSync(path.join(dir, RUN_FILES.metrics), jsonl([step(1)]) + '{"kind":\n' + jsonl([step(3)]));
  assert.throws(() => readMetrics(dir), /metrics\.jsonl:2: not valid JSON/);
  await assert.rejects(readMetricsAsync(dir), /metrics\.jsonl:2: not valid JSON/);
});

test('missing files read as empty', async () => {
  const dir = tmp();
  assert.deepEqual(await readMetricsAsync(dir), []);
  assert.deepEqual(await readDiagnosticsIndexAsync(dir), []);
  assert.deepEqual(await readJsonLinesAsync(path.join(dir, 'nope.jsonl')), []);
});

test('parseJsonLinesAsync equals parseJsonLines for every slice size, torn last line included', async () => {
  const text = jsonl(Array.from({ length: 101 }, (_, i) => step(i + 1))) + '\n{"kind":"st';
  const expected = parseJsonLines<MetricRecord>(text, 'm.jsonl');
  assert.equal(expected.length, 101);
  for (const slice of [1, 2, 7, 100, 5000]) assert.deepEqual(await parseJsonLinesAsync<MetricRecord>(text, 'm.jsonl', slice), expected, `slice ${slice}`);
  await assert.rejects(parseJsonLinesAsync('{"a":1}\nnot json\n{"b":2}\n', 'x.jsonl', 1), /x\.jsonl:2: not valid JSON/);
});

test('parseJsonLinesAsync yields to the event loop between slices', async () => {
  const text = jsonl(Array.from({ length: 10_000 }, (_, i) => step(i + 1)));
  let turns = 0;
  const timer = setInterval(() => turns++, 0);
  await parseJsonLinesAsync(text, 'm.jsonl', 1000);
  clearInterval(timer);
  assert.ok(turns >= 1, 'no timer ran while parsing');
});

test('diagnostics: the index keeps only entries whose arrays are on disk; snapshots read the same bytes', async () => {
  const dir = tmp();
  const a = Float32Array.from([1, 2, 3, 4, 5, 6]);
  const b = Float32Array.from([7, 8]);
  fs.writeFileSync(path.join(dir, RUN_FILES.diagnosticsBin), Buffer.concat([Buffer.from(a.buffer), Buffer.from(b.buffer)]));
  const entries: DiagnosticsIndexEntry[] = [
    { step: 10, arrays: { 'l0.h': { offset: 0, length: 6, shape: [3, 2] } }, weightNorms: { wXh: 1.5 } } as unknown as DiagnosticsIndexEntry,
    { step: 20, arrays: { 'l0.h': { offset: 24, length: 2, shape: [1, 2] } } } as unknown as DiagnosticsIndexEntry,
    // its array is not fully written yet
    { step: 30, arrays: { 'l0.h': { offset: 32, length: 2, shape: [1, 2] } } } as unknown as DiagnosticsIndexEntry,
  ];
  fs.writeFileSync(path.join(dir, RUN_FILES.diagnosticsIndex), jsonl(entries) + '{"step":40,"arr');
  const index = await readDiagnosticsIndexAsync(dir);
  assert.deepEqual(index, readDiagnosticsIndex(dir));
  assert.deepEqual(index.map((e) => e.step), [10, 20]);
  for (const e of index) {
    const snap = await readDiagnosticsSnapshotAsync(dir, e);
    assert.deepEqual(snap, readDiagnosticsSnapshot(dir, e));
  }
  const first = await readDiagnosticsSnapshotAsync(dir, index[0]);
  assert.deepEqual(Array.from(first.arrays['l0.h'].data), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(first.weightNorms, { wXh: 1.5 });
});
