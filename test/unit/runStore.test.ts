import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { RunInfo } from '../../src/shared/metrics';
import { RUN_FILES } from '../../src/runs/runFiles';
import { effectiveStatus, findRun, listRuns, parseJsonLines, readDiagnosticsIndex, readDiagnosticsSnapshot, readLatestCheckpoint, readMetrics } from '../../src/runs/runReader';
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

test('writer and reader round-trip metrics, diagnostics and checkpoints', () => {
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

  const run = findRun(dir, 'r1');
  assert.equal(run.status.kind, 'finished');
  assert.equal(readMetrics(run.dir).length, 1);
  const index = readDiagnosticsIndex(run.dir);
  assert.deepEqual(index.map((e) => e.step), [1, 2]);
  const snap = readDiagnosticsSnapshot(run.dir, index[1]);
  assert.deepEqual(Array.from(snap.arrays['l0.dh'].data), [7, 8]);
  assert.deepEqual(Array.from(readDiagnosticsSnapshot(run.dir, index[0]).arrays['l0.h'].data), [1, 2, 3, 4]);
  const ckpt = readLatestCheckpoint(run.dir)!;
  assert.equal(ckpt.meta.step, 15);
  assert.deepEqual(Array.from(ckpt.params), [3, 2, 1]);
  assert.deepEqual(Array.from(ckpt.slots[1]), [1, 1, 0]);
  // only the last two checkpoints are kept
  assert.deepEqual(fs.readdirSync(path.join(run.dir, RUN_FILES.checkpoints)).sort(), ['ckpt-10.bin', 'ckpt-10.json', 'ckpt-15.bin', 'ckpt-15.json']);
});

test('diagnostics whose arrays are not fully written are not listed', () => {
  const dir = tmp();
  const w = RunWriter.create(dir, info('r2'), '{}');
  w.appendDiagnostics({ step: 1, arrays: { a: { data: new Float32Array(8), shape: [8] } } });
  w.close();
  const runDir = path.join(dir, 'r2');
  fs.appendFileSync(path.join(runDir, RUN_FILES.diagnosticsIndex), JSON.stringify({ step: 2, arrays: { a: { offset: 32, length: 8, shape: [8] } } }) + '\n');
  assert.deepEqual(readDiagnosticsIndex(runDir).map((e) => e.step), [1]);
});

test('a running status whose process is gone reads as interrupted', () => {
  assert.deepEqual(effectiveStatus({ kind: 'running', pid: 1, step: 7 }, () => false), { kind: 'interrupted', step: 7 });
  assert.equal(effectiveStatus({ kind: 'running', pid: 1, step: 7 }, () => true).kind, 'running');
  const dir = tmp();
  const w = RunWriter.create(dir, info('r3'), '{}', 2 ** 22 + 12345);
  w.close();
  assert.equal(listRuns(dir)[0].status.kind, 'interrupted');
});

test('a truncated checkpoint falls back to the previous one', () => {
  const dir = tmp();
  const w = RunWriter.create(dir, info('r4'), '{}');
  const base = { epoch: 0, cursor: 0, spec: {} as never, config: {} as never, paramCount: 2, optimizer: { kind: 'sgd', step: 1, slots: 1 }, rngState: [1] };
  w.saveCheckpoint({ step: 1, ...base }, Float32Array.of(1, 1), [Float32Array.of(0, 0)]);
  w.saveCheckpoint({ step: 2, ...base }, Float32Array.of(2, 2), [Float32Array.of(0, 0)]);
  w.close();
  fs.truncateSync(path.join(dir, 'r4', RUN_FILES.checkpoints, 'ckpt-2.bin'), 6);
  assert.equal(readLatestCheckpoint(path.join(dir, 'r4'))!.meta.step, 1);
});

test('findRun accepts a unique part of the id and explains ambiguity', () => {
  const dir = tmp();
  RunWriter.create(dir, info('20260101-000000-a-lstm-0001'), '{}').close();
  RunWriter.create(dir, info('20260101-000000-a-gru-0002'), '{}').close();
  assert.equal(findRun(dir, 'gru').id, '20260101-000000-a-gru-0002');
  assert.throws(() => findRun(dir, '20260101'), /matches 2 runs/);
  assert.throws(() => findRun(dir, 'nope'), /No run 'nope'/);
});
