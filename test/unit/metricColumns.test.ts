// Metrics column by column (src/shared/metricColumns.ts) and metrics.jsonl read straight into columns
// (src/runs/metricColumnsReader.ts): the same values as JSON.parse of every line, whatever the numbers look
// like and wherever the file's pieces break, the damaged-file rules of readJsonLines, and the webview's
// store taking columns (replays dropped, ascending chunks appended).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { MetricLinesParser, metricColumnChunks } from '../../src/runs/metricColumnsReader';
import { readMetrics } from '../../src/runs/runReader';
import { lastStepsOf, type MetricColumns, recordsToColumns } from '../../src/shared/metricColumns';
import type { MetricRecord } from '../../src/shared/metrics';
import { RunData } from '../../webview/model/runData';

const f32 = (x: number) => Math.fround(x);

/** Records whose numbers take every form JSON.stringify writes: integers, 17 digits, exponents, negatives, null. */
function records(n: number): MetricRecord[] {
  const out: MetricRecord[] = [];
  for (let s = 1; s <= n; s++) {
    const loss = s % 97 === 0 ? NaN : s % 13 === 0 ? 3e-9 * s : s % 7 === 0 ? -f32(Math.sin(s)) : f32(4 / Math.sqrt(s));
    out.push({ kind: 'step', step: s, epoch: Math.floor(s / 50), time: s * 0.0213 + (s % 5 === 0 ? 1e21 : 0), loss, gradNorm: s % 11 === 0 ? Infinity : 2 ** (s % 40) / 3, clipped: s % 3 === 0, learningRate: 0.001 });
    if (s % 25 === 0) out.push({ kind: 'eval', step: s, epoch: Math.floor(s / 50), time: s * 0.0213, loss: loss + 0.05, ...(s % 50 === 0 && { accuracy: 0.5 }) });
    if (s % 60 === 0) out.push({ kind: 'sample', step: s, temperature: 0.8, prime: 'Ünïcødé “quotes” ', text: 'naïve café ⏎\n' });
  }
  return out;
}

function tmpRun(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-columns-'));
  fs.writeFileSync(path.join(dir, 'metrics.jsonl'), text);
  return dir;
}

async function readAll(dir: string, chunk?: number, readBytes?: number): Promise<MetricColumns[]> {
  const out: MetricColumns[] = [];
  for await (const c of metricColumnChunks(dir, chunk, readBytes)) out.push(c);
  return out;
}

/** The columns of several chunks as one (each kind concatenated in order). */
function joined(chunks: MetricColumns[]): MetricColumns {
  const cat = (pick: (c: MetricColumns) => ArrayLike<number>) => Float64Array.from(chunks.flatMap((c) => Array.from(pick(c))));
  return {
    steps: { step: cat((c) => c.steps.step), epoch: cat((c) => c.steps.epoch), time: cat((c) => c.steps.time), loss: cat((c) => c.steps.loss), gradNorm: cat((c) => c.steps.gradNorm), clipped: Uint8Array.from(cat((c) => c.steps.clipped)) },
    evals: { step: cat((c) => c.evals.step), epoch: cat((c) => c.evals.epoch), time: cat((c) => c.evals.time), loss: cat((c) => c.evals.loss), accuracy: cat((c) => c.evals.accuracy), exactMatch: cat((c) => c.evals.exactMatch), errorRate: cat((c) => c.evals.errorRate) },
    samples: chunks.flatMap((c) => c.samples),
  };
}

test('metrics.jsonl into columns: bit for bit what JSON.parse of each line gives, in chunks of about the size asked', async () => {
  const recs = records(600);
  const dir = tmpRun(recs.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const chunks = await readAll(dir, 100, 4096);
  assert.ok(chunks.length >= 6, `${chunks.length} chunks`);
  assert.ok(chunks.slice(0, -1).every((c) => c.steps.step.length + c.evals.step.length + c.samples.length >= 100), 'each chunk but the last holds 100 records or more');
  const expected = recordsToColumns(await readMetrics(dir));
  assert.deepEqual(joined(chunks), expected);
  // the expected columns hold the file's values: nulls (NaN, Infinity) as NaN, exponents, negatives
  assert.equal(expected.steps.step.length, 600);
  assert.ok(Number.isNaN(expected.steps.loss[96]) && Number.isNaN(expected.steps.gradNorm[10]));
  assert.equal(expected.steps.loss[12], 3e-9 * 13);
  assert.equal(expected.steps.time[4], 5 * 0.0213 + 1e21);
  assert.equal(expected.steps.clipped[2], 1);
  assert.deepEqual(Array.from(expected.evals.accuracy.subarray(0, 2)), [NaN, 0.5]);
  assert.equal(expected.samples[0].prime, 'Ünïcødé “quotes” ');
});

test('the parser takes the file in pieces that break lines, characters and numbers anywhere', () => {
  const text = records(120).map((r) => JSON.stringify(r)).join('\r\n') + '\r\n\n';
  const bytes = Buffer.from(text, 'utf8');
  const whole = new MetricLinesParser('m.jsonl');
  whole.push(bytes);
  whole.end();
  const expected = whole.take();
  for (const size of [1, 7, 64, 1000]) {
    const p = new MetricLinesParser('m.jsonl');
    for (let i = 0; i < bytes.length; i += size) p.push(bytes.subarray(i, i + size));
    p.end();
    assert.deepEqual(p.take(), expected, `pieces of ${size} bytes`);
  }
  assert.equal(expected.steps.step.length, 120);
  assert.equal(expected.samples[1].text, 'naïve café ⏎\n');
});

test('a step line written another way (keys in another order, an extra key) is still read, by JSON.parse', () => {
  const p = new MetricLinesParser('m.jsonl');
  p.push(Buffer.from([
    '{"step":1,"kind":"step","epoch":0,"time":0.5,"loss":2,"gradNorm":1,"clipped":false,"learningRate":0.1}',
    '{"kind":"step","step":2,"epoch":0,"time":1,"loss":1.5,"gradNorm":1,"clipped":true,"learningRate":0.1,"note":"x"}',
    '{"kind":"step","step":3,"epoch":0,"time":1.5,"loss":null,"gradNorm":1,"clipped":false,"learningRate":0.1}',
  ].join('\n')));
  p.end();
  const c = p.take();
  assert.deepEqual(Array.from(c.steps.step), [1, 2, 3]);
  assert.deepEqual(Array.from(c.steps.clipped), [0, 1, 0]);
  assert.ok(Number.isNaN(c.steps.loss[2]));
});

test('a torn last line is skipped; a bad line with good lines after it names the file and line; no file, no columns', async () => {
  const good = records(3).map((r) => JSON.stringify(r));
  const torn = await readAll(tmpRun(good.join('\n') + '\n{"kind":"step","step":4,"epo'));
  assert.equal(joined(torn).steps.step.length, 3);
  const dir = tmpRun([good[0], '{"kind":"step","step":2,"epo', good[1]].join('\n') + '\n');
  await assert.rejects(readAll(dir), new RegExp(`${path.join(dir, 'metrics.jsonl').replace(/[.\\/]/g, '\\$&')}:2: not valid JSON; the run folder is damaged`));
  assert.deepEqual(await readAll(fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-columns-'))), []);
});

test('lastStepsOf: the newest step of each kind of record, −1 where there is none', () => {
  assert.deepEqual(lastStepsOf(recordsToColumns(records(130))), { step: 130, eval: 125, sample: 120 });
  assert.deepEqual(lastStepsOf(recordsToColumns([])), { step: -1, eval: -1, sample: -1 });
});

test('the webview store takes columns: ascending chunks appended, a replayed chunk adds only what is newer', () => {
  const d = new RunData();
  const all = records(300);
  d.addColumns(recordsToColumns(all.slice(0, 200)));
  const v0 = d.version;
  // a replay from an earlier step (a reload): only the steps above 151 … join
  d.addColumns(recordsToColumns(all.filter((r) => r.step > 150)));
  assert.ok(d.version > v0);
  assert.deepEqual(Array.from(d.step.step.view()), Array.from({ length: 300 }, (_, i) => i + 1));
  assert.deepEqual(Array.from(d.eval.step.view()), [25, 50, 75, 100, 125, 150, 175, 200, 225, 250, 275, 300]);
  assert.equal(d.samples.length, 5, 'a sample of the same step and temperature once');
  assert.equal(d.step.loss.view()[1], f32(4 / Math.sqrt(2)));
  // the record API is the same path
  const e = new RunData();
  e.add(all);
  assert.deepEqual(Array.from(e.step.time.view()), Array.from(d.step.time.view()));
});
