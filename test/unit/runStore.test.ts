import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { RunInfo } from '../../src/shared/metrics';
import { RUN_FILES } from '../../src/runs/runFiles';
import { parseJsonLines } from '../../src/runs/jsonLines';
import {
  effectiveStatus, listRunFolders, listRuns, readBestWeights, readDiagnosticsIndex, readDiagnosticsSnapshot, readLatestCheckpoint, readMetrics, readRun, readWeights,
} from '../../src/runs/runReader';
import { resolveRun } from '../../src/runs/runReference';
import { markRunFailed, markRunInterrupted } from '../../src/runs/runStatus';
import { newRunId, RunWriter } from '../../src/runs/runWriter';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-runs-'));

function info(id: string): RunInfo {
  return { id, name: 'x', configPath: '/c.seqlab.json', cell: 'lstm', backend: 'wasm', device: 'test', seed: 1, paramCount: 3, totalSteps: 10, dataSummary: 'd', task: 'adding', gateNames: [] };
}

test('run ids sort by time and carry the name and cell', () => {
  const a = newRunId('Adding problem!', 'lstm', new Date('2026-01-02T03:04:05Z'));
  assert.match(a, /^20260102-030405-adding-problem-lstm-[0-9a-f]{4}$/);
});

test('a torn last JSONL line is skipped, a torn middle line is an error', () => {
  assert.deepEqual(parseJsonLines('{"a":1}\n{"a":2}\n{"a":', 'm.jsonl'), [{ a: 1 }, { a: 2 }]);
  assert.throws(() => parseJsonLines('{"a":1}\n{"a\n{"a":3}\n', 'm.jsonl'), /m\.jsonl:2/);
});

test('writer and reader round-trip metrics, diagnostics and checkpoints', async () => {
  const dir = tmp();
  const w = RunWriter.create(dir, info('r1'), '{"name":"x"}');
  w.appendMetrics([{ kind: 'step', step: 1, epoch: 0, time: 0.1, loss: 2, gradNorm: 1, clipped: false, learningRate: 0.1 }]);
  w.appendDiagnostics({ step: 1, arrays: { 'l0.h': { data: Float32Array.of(1, 2, 3, 4), shape: [2, 2] }, 'l0.dh': { data: Float32Array.of(5, 6), shape: [2] } }, weightNorms: { a: 1 } });
  w.appendDiagnostics({ step: 2, arrays: { 'l0.dh': { data: Float32Array.of(7, 8), shape: [2] } } });
  const ckptBase = { epoch: 0, cursor: 0, spec: {} as never, config: {} as never, paramCount: 3, optimizer: { kind: 'adam', step: 4, slots: 2 }, rngState: [1, 2, 3, 4] };
  w.saveCheckpoint({ step: 5, ...ckptBase }, Float32Array.of(1, 2, 3), [Float32Array.of(4, 5, 6), Float32Array.of(7, 8, 9)]);
  w.saveCheckpoint({ step: 10, ...ckptBase }, Float32Array.of(9, 9, 9), [Float32Array.of(0, 0, 0), Float32Array.of(1, 1, 1)]);
  w.saveCheckpoint({ step: 15, ...ckptBase }, Float32Array.of(3, 2, 1), [Float32Array.of(0, 0, 1), Float32Array.of(1, 1, 0)]);
  w.update({ status: { kind: 'finished', step: 15 } });
  w.close();

  const run = await resolveRun(dir, 'r1');
  assert.equal(run.status.kind, 'finished');
  assert.equal((await readMetrics(run.dir)).length, 1);
  const index = await readDiagnosticsIndex(run.dir);
  assert.deepEqual(index.map((e) => e.step), [1, 2]);
  const snap = await readDiagnosticsSnapshot(run.dir, index[1]);
  assert.deepEqual(Array.from(snap.arrays['l0.dh'].data), [7, 8]);
  assert.deepEqual(Array.from((await readDiagnosticsSnapshot(run.dir, index[0])).arrays['l0.h'].data), [1, 2, 3, 4]);
  const ckpt = (await readLatestCheckpoint(run.dir))!;
  assert.equal(ckpt.meta.step, 15);
  assert.deepEqual(Array.from(ckpt.params), [3, 2, 1]);
  assert.deepEqual(Array.from(ckpt.slots[1]), [1, 1, 0]);
  // only the last two checkpoints are kept
  assert.deepEqual(fs.readdirSync(path.join(run.dir, RUN_FILES.checkpoints)).sort(), ['ckpt-10.bin', 'ckpt-10.json', 'ckpt-15.bin', 'ckpt-15.json']);
});

test('diagnostics whose arrays are not fully written are not listed', async () => {
  const dir = tmp();
  const w = RunWriter.create(dir, info('r2'), '{}');
  w.appendDiagnostics({ step: 1, arrays: { a: { data: new Float32Array(8), shape: [8] } } });
  w.close();
  const runDir = path.join(dir, 'r2');
  fs.appendFileSync(path.join(runDir, RUN_FILES.diagnosticsIndex), JSON.stringify({ step: 2, arrays: { a: { offset: 32, length: 8, shape: [8] } } }) + '\n');
  assert.deepEqual((await readDiagnosticsIndex(runDir)).map((e) => e.step), [1]);
});

test('a running status whose process is gone reads as interrupted', async () => {
  assert.deepEqual(effectiveStatus({ kind: 'running', pid: 1, step: 7 }, () => false), { kind: 'interrupted', step: 7 });
  assert.equal(effectiveStatus({ kind: 'running', pid: 1, step: 7 }, () => true).kind, 'running');
  const dir = tmp();
  const w = RunWriter.create(dir, info('r3'), '{}', {}, 2 ** 22 + 12345);
  w.close();
  assert.equal((await listRuns(dir))[0].status.kind, 'interrupted');
});

test('a truncated checkpoint falls back to the previous one', async () => {
  const dir = tmp();
  const w = RunWriter.create(dir, info('r4'), '{}');
  const base = { epoch: 0, cursor: 0, spec: {} as never, config: {} as never, paramCount: 2, optimizer: { kind: 'sgd', step: 1, slots: 1 }, rngState: [1] };
  w.saveCheckpoint({ step: 1, ...base }, Float32Array.of(1, 1), [Float32Array.of(0, 0)]);
  w.saveCheckpoint({ step: 2, ...base }, Float32Array.of(2, 2), [Float32Array.of(0, 0)]);
  w.close();
  fs.truncateSync(path.join(dir, 'r4', RUN_FILES.checkpoints, 'ckpt-2.bin'), 6);
  assert.equal((await readLatestCheckpoint(path.join(dir, 'r4')))!.meta.step, 1);
  // unfinished: the weights are the latest whole checkpoint's
  assert.deepEqual(Array.from((await readWeights(path.join(dir, 'r4')))!.params), [1, 1]);
});

test('resolveRun accepts a unique part of the id and explains ambiguity', async () => {
  const dir = tmp();
  RunWriter.create(dir, info('20260101-000000-a-lstm-0001'), '{}').close();
  RunWriter.create(dir, info('20260101-000000-a-gru-0002'), '{}').close();
  assert.equal((await resolveRun(dir, 'gru')).id, '20260101-000000-a-gru-0002');
  await assert.rejects(resolveRun(dir, '20260101'), /matches 2 runs/);
  await assert.rejects(resolveRun(dir, 'nope'), /No run 'nope'/);
});

test('status changes by the extension rewrite meta.json atomically and never overwrite a final status', async () => {
  const dir = tmp();
  const w = RunWriter.create(dir, info('r5'), '{}');
  w.update({ status: { kind: 'running', pid: process.pid, step: 7 } });
  w.close();
  const runDir = path.join(dir, 'r5');
  assert.deepEqual(await markRunFailed(runDir, 'the trainer exited with code 9'), { kind: 'failed', failure: 'internal', message: 'the trainer exited with code 9', step: 7 });
  const run = (await readRun(runDir))!;
  assert.equal(run.status.kind, 'failed');
  assert.equal(run.meta.info.id, 'r5', 'the rest of meta.json is kept');
  assert.equal((await markRunInterrupted(runDir))?.kind, 'failed', 'a final status stays');
  assert.deepEqual(fs.readdirSync(runDir).filter((f) => f.endsWith('.tmp')), [], 'no temp file is left behind');
  assert.equal(await markRunFailed(path.join(dir, 'nope'), 'x'), undefined);
});

test('a run folder with a missing, empty or garbage meta.json is listed as damaged, not dropped', async () => {
  const dir = tmp();
  for (const id of ['r-missing', 'r-empty', 'r-garbage', 'r-ok']) {
    const w = RunWriter.create(dir, info(id), '{}');
    w.saveWeights({ step: 1, epoch: 0, spec: {} as never, config: {} as never, paramCount: 2 }, Float32Array.of(1, 2));
    w.close();
  }
  fs.rmSync(path.join(dir, 'r-missing', RUN_FILES.meta));
  fs.writeFileSync(path.join(dir, 'r-empty', RUN_FILES.meta), '');
  fs.writeFileSync(path.join(dir, 'r-garbage', RUN_FILES.meta), '{"info": ');
  fs.mkdirSync(path.join(dir, 'not-a-run'));
  const folders = await listRunFolders(dir);
  assert.deepEqual(folders.map((f) => (f.kind === 'run' ? `${f.run.id}: run` : `${f.id}: ${f.problem.replace(/ \(.*/, '')}`)), [
    'r-ok: run',
    'r-missing: meta.json is missing',
    'r-garbage: meta.json is not valid JSON',
    'r-empty: meta.json is empty',
  ]);
  assert.deepEqual((await listRuns(dir)).map((r) => r.id), ['r-ok']);
  assert.equal(await readRun(path.join(dir, 'r-garbage')), undefined);
  await assert.rejects(resolveRun(dir, 'r-garbage'), /Run r-garbage is damaged: meta\.json is not valid JSON/);
  // its weights are still there for a repair to find
  assert.deepEqual(Array.from((await readWeights(path.join(dir, 'r-garbage')))!.params), [1, 2]);
});

test('missing files and folders read as nothing, not as errors', async () => {
  const dir = tmp();
  RunWriter.create(dir, info('r6'), '{}').close();
  const runDir = path.join(dir, 'r6');
  fs.rmSync(path.join(runDir, RUN_FILES.checkpoints), { recursive: true });
  fs.rmSync(path.join(runDir, RUN_FILES.metrics));
  assert.equal(await readLatestCheckpoint(runDir), undefined);
  assert.equal(await readWeights(runDir), undefined);
  assert.equal(await readBestWeights(runDir), undefined);
  assert.deepEqual(await readMetrics(runDir), []);
  assert.deepEqual(await readDiagnosticsIndex(runDir), []);
  assert.deepEqual(await listRuns(path.join(dir, 'no-such-folder')), []);
  assert.equal(await readRun(path.join(dir, 'no-such-run')), undefined);
});

test('reopening a run (resume) ends a line a killed writer tore, so the lines appended after it stay readable', async () => {
  const dir = tmp();
  const step = (n: number) => ({ kind: 'step' as const, step: n, epoch: 0, time: n, loss: 1, gradNorm: 1, clipped: false, learningRate: 0.1 });
  const w = RunWriter.create(dir, info('r7'), '{}');
  w.appendMetrics([step(1), step(2)]);
  w.close();
  const runDir = path.join(dir, 'r7');
  const metrics = path.join(runDir, RUN_FILES.metrics);
  const whole = fs.readFileSync(metrics, 'utf8');
  // a fragment: cut off; a whole record without its newline: ended
  fs.appendFileSync(metrics, '{"kind":"step","st');
  fs.appendFileSync(path.join(runDir, RUN_FILES.diagnosticsIndex), JSON.stringify({ step: 1, arrays: {} }));
  const again = await RunWriter.reopen(runDir, { totalSteps: 99 });
  again.appendMetrics([step(3)]);
  again.close();
  assert.equal(fs.readFileSync(metrics, 'utf8'), whole + JSON.stringify(step(3)) + '\n');
  assert.deepEqual((await readMetrics(runDir)).map((r) => r.step), [1, 2, 3]);
  assert.deepEqual((await readDiagnosticsIndex(runDir)).map((e) => e.step), [1]);
  assert.equal(fs.readFileSync(path.join(runDir, RUN_FILES.diagnosticsIndex), 'utf8').endsWith('}\n'), true);
  const run = (await readRun(runDir))!;
  assert.equal(run.meta.info.totalSteps, 99, 'the resumed session sets the step limit');
  assert.equal(run.status.kind, 'running');
});
