// The run reader (asynchronous, the one for the CLI, the trainer and the extension host) tolerates what a
// killed writer leaves: missing files read as empty, a torn last line is skipped, a bad line before others throws.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { DiagnosticsIndexEntry, MetricRecord } from '../../src/shared/metrics';
import { RUN_FILES } from '../../src/runs/runFiles';
import { JsonLinesParser, parseJsonLines, readJsonLines } from '../../src/runs/jsonLines';
import { readConfigSnapshot, readDiagnosticsIndex, readDiagnosticsSnapshot, readMetrics } from '../../src/runs/runReader';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-async-'));

const step = (n: number): MetricRecord => ({ kind: 'step', step: n, epoch: 0, time: n / 10, loss: 1 / n, gradNorm: 0.5, clipped: false, learningRate: 0.01 });
const jsonl = (records: unknown[]) => records.map((r) => JSON.stringify(r)).join('\n') + '\n';

test('readMetrics reads a long file in many chunks whole', async () => {
  const dir = tmp();
  // ~1.6 MB: the stream delivers it in 64 KB chunks, so lines span chunk boundaries
  const records = Array.from({ length: 12_000 }, (_, i) => step(i + 1));
  fs.writeFileSync(path.join(dir, RUN_FILES.metrics), jsonl(records));
  const got = await readMetrics(dir);
  assert.deepEqual(got, records);
});

test('a torn last line is skipped; blank lines and CRLF are tolerated', async () => {
  const dir = tmp();
  const text = jsonl([step(1), step(2)]).replace('\n', '\r\n') + '\n' + JSON.stringify(step(3)).slice(0, 25);
  fs.writeFileSync(path.join(dir, RUN_FILES.metrics), text);
  assert.deepEqual(await readMetrics(dir), parseJsonLines(text, 'm.jsonl'));
  assert.deepEqual((await readMetrics(dir)).map((r) => r.step), [1, 2]);
  fs.appendFileSync(path.join(dir, RUN_FILES.metrics), '\n\n  \n');
  assert.deepEqual((await readMetrics(dir)).map((r) => r.step), [1, 2]);
});

test('a bad line followed by good ones is an error with its file and line number', async () => {
  const dir = tmp();
  const text = jsonl([step(1)]) + '{"kind":\n' + jsonl([step(3)]);
  fs.writeFileSync(path.join(dir, RUN_FILES.metrics), text);
  assert.throws(() => parseJsonLines(text, 'metrics.jsonl'), /metrics\.jsonl:2: not valid JSON/);
  await assert.rejects(readMetrics(dir), /metrics\.jsonl:2: not valid JSON/);
});

test('missing files read as empty', async () => {
  const dir = tmp();
  assert.deepEqual(await readMetrics(dir), []);
  assert.deepEqual(await readDiagnosticsIndex(dir), []);
  assert.deepEqual(await readJsonLines(path.join(dir, 'nope.jsonl')), []);
  assert.deepEqual(await readMetrics(path.join(dir, 'no-such-run')), []);
  assert.equal(await readConfigSnapshot(dir), undefined);
  fs.writeFileSync(path.join(dir, RUN_FILES.config), '{ // as written\n "name": "x" }');
  assert.equal(await readConfigSnapshot(dir), '{ // as written\n "name": "x" }');
});

/** The parser fed `text` in pieces of `size` characters, as a stream delivers it. */
function parseInPieces(text: string, size: number, file: string): MetricRecord[] {
  const parser = new JsonLinesParser<MetricRecord>(file);
  for (let i = 0; i < text.length; i += size) parser.push(text.slice(i, i + size));
  return parser.end();
}

test('the streaming parser gives the same records wherever the pieces break, torn last line included', () => {
  const text = jsonl(Array.from({ length: 101 }, (_, i) => step(i + 1))) + '\n{"kind":"st';
  const expected = parseJsonLines<MetricRecord>(text, 'm.jsonl');
  assert.equal(expected.length, 101);
  for (const size of [1, 2, 7, 100, 5000]) assert.deepEqual(parseInPieces(text, size, 'm.jsonl'), expected, `pieces of ${size}`);
  assert.throws(() => parseInPieces('{"a":1}\nnot json\n{"b":2}\n', 1, 'x.jsonl'), /x\.jsonl:2: not valid JSON/);
});

test('reading a long JSON-lines file lets the event loop turn between chunks', async () => {
  const dir = tmp();
  const file = path.join(dir, 'm.jsonl');
  fs.writeFileSync(file, jsonl(Array.from({ length: 20_000 }, (_, i) => step(i + 1))));
  // a chain of immediates counts the turns of the event loop that other work got while the file was read
  let turns = 0;
  let reading = true;
  const tick = () => {
    if (!reading) return;
    turns++;
    setImmediate(tick);
  };
  setImmediate(tick);
  const records = await readJsonLines<MetricRecord>(file);
  reading = false;
  assert.equal(records.length, 20_000);
  assert.ok(turns >= 10, `the loop turned only ${turns} times while ~40 chunks were read`);
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
  const index = await readDiagnosticsIndex(dir);
  assert.deepEqual(index.map((e) => e.step), [10, 20]);
  const first = await readDiagnosticsSnapshot(dir, index[0]);
  assert.deepEqual(Array.from(first.arrays['l0.h'].data), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(first.arrays['l0.h'].shape, [3, 2]);
  assert.deepEqual(first.weightNorms, { wXh: 1.5 });
  const second = await readDiagnosticsSnapshot(dir, index[1]);
  assert.deepEqual(Array.from(second.arrays['l0.h'].data), [7, 8]);
  assert.equal(second.weightNorms, undefined);
  // only the arrays asked for are read
  assert.deepEqual((await readDiagnosticsSnapshot(dir, index[0], (name) => name.endsWith('.dhLast'))).arrays, {});
});
