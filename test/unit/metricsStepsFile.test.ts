// metrics.steps.bin (src/runs/metricsStepsFile.ts and its writer and reader): the columns read through it
// are the columns of metrics.jsonl, field for field, however the run was written: whole, killed mid-record
// or between its two files, resumed, from an older SeqLab without the file, or with a step file that
// disagrees with metrics.jsonl (then metrics.jsonl is read, and a stopped run's step file written again).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { metricColumnChunks, type MetricColumnsOptions } from '../../src/runs/metricColumnsReader';
import { HEADER_BYTES, RECORD_BYTES, recordsIn } from '../../src/runs/metricsStepsFile';
import { readStepsFile, stepsFileChunks } from '../../src/runs/metricsStepsReader';
import { RUN_FILES } from '../../src/runs/runFiles';
import { readMetrics } from '../../src/runs/runReader';
import { RunWriter } from '../../src/runs/runWriter';
import { type MetricColumns, recordsToColumns } from '../../src/shared/metricColumns';
import { train } from '../../src/trainer/training';
import type { MetricRecord, RunInfo } from '../../src/shared/metrics';
import { joined, records } from './metricRecords';

const info = (id: string): RunInfo => ({ id, name: 'x', configPath: '/c.seqlab.json', cell: 'lstm', backend: 'wasm', device: 'test', seed: 1, paramCount: 3, totalSteps: 10, dataSummary: 'd', task: 'adding', gateNames: [] });

/** A run folder written by RunWriter, `batch` records per append as the trainer flushes them. */
function writtenRun(recs: readonly MetricRecord[], batch = 37): string {
  const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-steps-'));
  const w = RunWriter.create(runsDir, info('r'), '{}');
  for (let i = 0; i < recs.length; i += batch) w.appendMetrics(recs.slice(i, i + batch));
  w.close();
  return w.dir;
}

const stepsFile = (dir: string) => path.join(dir, RUN_FILES.metricsSteps);
const metricsFile = (dir: string) => path.join(dir, RUN_FILES.metrics);

async function columns(dir: string, chunk = 100, options?: MetricColumnsOptions): Promise<MetricColumns[]> {
  const out: MetricColumns[] = [];
  for await (const c of metricColumnChunks(dir, chunk, options)) out.push(c);
  return out;
}

const linesAfter = (dir: string, from: number): string[] => fs.readFileSync(metricsFile(dir)).subarray(from).toString('utf8').split('\n').filter((l) => l !== '');

/** What JSON.parse of every line of metrics.jsonl gives, as columns: the truth the step file must match. */
const truth = async (dir: string): Promise<MetricColumns> => recordsToColumns(await readMetrics(dir));

test('a run written by RunWriter reads through its step file as metrics.jsonl reads, field for field, each chunk with the other records among its steps', async () => {
  const dir = writtenRun(records(1000));
  const read = await readStepsFile(dir);
  assert.ok(read, 'the step file is used');
  assert.equal(read.records, 1000);
  assert.deepEqual(linesAfter(dir, read.tailFrom).map((l) => JSON.parse(l).kind), ['eval'], 'the step file covers every step: only the last evaluation is parsed as text');
  const chunks = await columns(dir, 100);
  const expected = await truth(dir);
  assert.deepEqual(joined(chunks), expected);
  // the same when the records checked are too many to keep and are read again for the columns
  const reread = await readStepsFile(dir, 100, 0);
  assert.ok(reread && !reread.pieces);
  const again: MetricColumns[] = [];
  for await (const c of stepsFileChunks(dir, reread)) again.push(c);
  assert.deepEqual(again, chunks.slice(0, -1));
  // NaN and Infinity (null in JSON) are NaN, −0 is 0, as JSON.parse of the lines gives them
  assert.ok(Number.isNaN(expected.steps.loss[96]) && Number.isNaN(expected.steps.gradNorm[10]));
  assert.ok(Object.is(expected.steps.loss[16], 0));
  assert.equal(expected.steps.time[4], 5 * 0.0213 + 1e21);
  // chunk k holds steps 100k+1 … 100k+100 and the evaluations written among them; the last chunk what follows the last step
  assert.equal(chunks.length, 11);
  assert.deepEqual([chunks[10].steps.step.length, Array.from(chunks[10].evals.step)], [0, [1000]]);
  chunks.slice(0, 10).forEach((c, k) => {
    assert.deepEqual([c.steps.step[0], c.steps.step.at(-1)], [100 * k + 1, 100 * k + 100]);
    assert.deepEqual(Array.from(c.evals.step), [25, 50, 75, 100].map((s) => 100 * k + s).filter((s) => s < 1000), `chunk ${k}'s evaluations`);
  });
});

test('torn ends: a half-written last record of the step file is ignored, a torn last line of metrics.jsonl skipped', async () => {
  const dir = writtenRun(records(300));
  fs.appendFileSync(stepsFile(dir), Buffer.alloc(RECORD_BYTES / 2, 7));
  fs.appendFileSync(metricsFile(dir), '{"kind":"step","step":301,"epo');
  assert.equal((await readStepsFile(dir))?.records, 300);
  const chunks = await columns(dir);
  assert.equal(joined(chunks).steps.step.length, 300);
  assert.deepEqual(joined(chunks), await truth(dir));
});

test('killed between its two files: the steps metrics.jsonl has beyond the step file are read from its text', async () => {
  const dir = writtenRun(records(200));
  const later = records(230).slice(records(200).length);
  fs.appendFileSync(metricsFile(dir), later.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const read = await readStepsFile(dir);
  assert.equal(read?.records, 200, 'the step file still agrees as far as it goes');
  const all = joined(await columns(dir));
  assert.equal(all.steps.step.length, 230);
  assert.deepEqual(all, await truth(dir));
});

test('a step file that disagrees with metrics.jsonl is not used: another last step, a step line it lacks, a shorter metrics.jsonl, an unknown version', async () => {
  const recs = records(300);
  const cases: Record<string, (dir: string) => void> = {
    'metrics.jsonl rewritten with another last loss': (dir) => {
      const edited = recs.map((r) => (r.kind === 'step' && r.step === 300 ? { ...r, loss: 9.5 } : r));
      fs.writeFileSync(metricsFile(dir), edited.map((r) => JSON.stringify(r)).join('\n') + '\n');
    },
    'a record cut out of the middle of the step file': (dir) => {
      const b = fs.readFileSync(stepsFile(dir));
      const at = HEADER_BYTES + 150 * RECORD_BYTES;
      fs.writeFileSync(stepsFile(dir), Buffer.concat([b.subarray(0, at), b.subarray(at + RECORD_BYTES)]));
    },
    'metrics.jsonl cut short (a repair)': (dir) => {
      const text = fs.readFileSync(metricsFile(dir), 'utf8').split('\n');
      fs.writeFileSync(metricsFile(dir), text.slice(0, 100).join('\n') + '\n');
    },
    'a header of another version': (dir) => {
      const b = fs.readFileSync(stepsFile(dir));
      b.writeUInt32LE(99, 8);
      fs.writeFileSync(stepsFile(dir), b);
    },
  };
  for (const [name, spoil] of Object.entries(cases)) {
    const dir = writtenRun(recs);
    spoil(dir);
    assert.equal(await readStepsFile(dir), undefined, name);
    assert.deepEqual(joined(await columns(dir)), await truth(dir), name);
  }
});

test('a run of an older SeqLab (no step file) reads from metrics.jsonl; a reader asked to rebuild writes the file, which agrees', async () => {
  const dir = writtenRun(records(400));
  fs.rmSync(stepsFile(dir));
  const expected = await truth(dir);
  assert.deepEqual(joined(await columns(dir)), expected);
  assert.ok(!fs.existsSync(stepsFile(dir)), 'not written unless asked');
  assert.deepEqual(joined(await columns(dir, 100, { rebuild: true })), expected);
  assert.equal((await readStepsFile(dir))?.records, 400);
  assert.deepEqual(joined(await columns(dir)), expected);
  // a step file that disagrees is replaced the same way
  fs.writeFileSync(stepsFile(dir), Buffer.alloc(HEADER_BYTES + 10 * RECORD_BYTES, 1));
  assert.deepEqual(joined(await columns(dir, 100, { rebuild: true })), expected);
  assert.equal((await readStepsFile(dir))?.records, 400);
});

test('a resumed run: the step file is brought level with metrics.jsonl (a kill between the files, a torn line), then both continue', async () => {
  const recs = records(200);
  const dir = writtenRun(recs.filter((r) => r.step <= 120));
  // killed after metrics.jsonl got steps 121 … 130 and before the step file did, then mid-line and mid-record
  fs.appendFileSync(metricsFile(dir), recs.filter((r) => r.step > 120 && r.step <= 130).map((r) => JSON.stringify(r)).join('\n') + '\n{"kind":"ev');
  fs.appendFileSync(stepsFile(dir), Buffer.alloc(9));
  const w = await RunWriter.reopen(dir);
  assert.equal(recordsIn(fs.statSync(stepsFile(dir)).size), 130, 'the steps it lacked are added on reopening');
  // the resumed run continues from its checkpoint at step 100: steps 101 … 200 again, as metrics.jsonl has them
  const resumed = recs.filter((r) => r.step > 100);
  for (let i = 0; i < resumed.length; i += 50) w.appendMetrics(resumed.slice(i, i + 50));
  w.close();
  const read = await readStepsFile(dir);
  assert.equal(read?.records, 230);
  assert.deepEqual(linesAfter(dir, read?.tailFrom ?? 0).map((l) => JSON.parse(l).kind), ['eval'], 'only the last evaluation is parsed as text');
  const expected = await truth(dir);
  assert.equal(expected.steps.step.length, 230);
  assert.deepEqual(joined(await columns(dir)), expected);
});

test('an older SeqLab run resumed gets its step file; a step file that cannot be opened leaves the run to metrics.jsonl', async () => {
  const dir = writtenRun(records(150));
  fs.rmSync(stepsFile(dir));
  const w = await RunWriter.reopen(dir);
  w.appendMetrics(records(160).slice(records(150).length));
  w.close();
  assert.equal((await readStepsFile(dir))?.records, 160);
  assert.deepEqual(joined(await columns(dir)), await truth(dir));

  const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-steps-'));
  fs.mkdirSync(path.join(runsDir, 'r', RUN_FILES.metricsSteps), { recursive: true });
  const blocked = RunWriter.create(runsDir, info('r'), '{}');
  blocked.appendMetrics(records(20));
  blocked.close();
  assert.equal(await readStepsFile(blocked.dir), undefined);
  assert.deepEqual(joined(await columns(blocked.dir)), await truth(blocked.dir));
});

test('a real training run writes its step file as it goes: every step, agreeing with metrics.jsonl', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-steps-train-'));
  const configPath = path.join(dir, 'exp.seqlab.json');
  fs.writeFileSync(configPath, JSON.stringify({
    name: 'steps file', data: { kind: 'synthetic', task: 'adding', length: 8, samples: 256 },
    model: { cell: 'gru', hiddenSize: 8 }, training: { maxSteps: 25, batchSize: 8, validateEvery: 10, threads: 1 }, diagnostics: { enabled: false },
  }));
  const out = await train({ configPath, runsDir: path.join(dir, 'runs') });
  assert.equal(out.kind, 'finished');
  const read = await readStepsFile(out.runDir!);
  assert.equal(read?.records, 25);
  assert.deepEqual(Array.from(read.others.evals.step), [10, 20], 'the evaluations between step lines, read from metrics.jsonl');
  assert.deepEqual(joined(await columns(out.runDir!)), await truth(out.runDir!));
});
