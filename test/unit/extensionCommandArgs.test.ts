// The commands' argument resolution (src/extension/commands/commandArgs.ts): what each command acts on
// for each way it can be invoked, and the training jobs it plans. Pure: no VS Code.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  damagedPickItems,
  isTextRun,
  planTraining,
  resolveConfigTarget,
  resolveDashboardTarget,
  resolveRunTarget,
  resumableIn,
  runPickItems,
  temperatureProblem,
} from '../../src/extension/commands/commandArgs';
import { damagedNode } from '../../src/extension/tree/runRows';
import type { ConfigEntry, ConfigNode, QueuedNode, RunNode } from '../../src/extension/tree/treeModel';
import type { RunSummary } from '../../src/runs/runReader';
import type { RunStatus } from '../../src/shared/protocol';

const entry = (p: string): ConfigEntry => ({ path: p, workspaceFolder: 'ws', relativePath: p.replace('/ws/', '') });
const configNode = (p: string): ConfigNode => ({ kind: 'config', id: `config:${p}`, path: p, label: 'x', description: '', tooltip: '', children: [] });
const runNode = (runId: string, configPath: string): RunNode => ({
  kind: 'run',
  id: `run:${runId}`,
  runId,
  dir: `/ws/.seqlab/runs/${runId}`,
  configPath,
  label: runId,
  description: '',
  tooltip: '',
  icon: { id: 'pass' },
  status: 'finished',
  resumable: false,
  contextValue: 'run.finished',
});
const queuedNode = (jobKey: string): QueuedNode => ({ kind: 'queued', id: `queued:${jobKey}`, jobKey, label: 'queued', description: '', icon: { id: 'clock' }, contextValue: 'queued' });
/** What a vscode.Uri looks like to code that does not import vscode. */
const uri = (fsPath: string) => ({ scheme: 'file', fsPath, path: fsPath });

function run(id: string, task: string, status: RunStatus, createdAt = '2026-01-01T11:56:00Z'): RunSummary {
  return {
    id,
    dir: `/ws/.seqlab/runs/${id}`,
    status,
    meta: {
      version: 1,
      info: { id, name: 'x', configPath: '/ws/a.seqlab.json', cell: 'gru', backend: 'wasm', device: 'wasm simd', seed: 1, paramCount: 1, totalSteps: 10, dataSummary: 'd', task, gateNames: [] },
      status,
      createdAt,
      updatedAt: createdAt,
      host: { hostname: 'h', platform: 'linux', arch: 'x64', cpus: 4, node: 'v20' },
      seqlabVersion: '0.1.0',
      seconds: 1,
    },
  };
}

test('a config command acts on its argument, then the active editor\'s config, then the only config, else asks', () => {
  const two = [entry('/ws/a.seqlab.json'), entry('/ws/sub/b.seqlab.json')];
  assert.deepEqual(resolveConfigTarget('/ws/x.seqlab.json', undefined, two), { kind: 'path', path: '/ws/x.seqlab.json' }, 'a path from the CodeLens');
  assert.deepEqual(resolveConfigTarget(uri('/ws/y.seqlab.json'), undefined, two), { kind: 'path', path: '/ws/y.seqlab.json' }, 'a Uri from a menu');
  assert.deepEqual(resolveConfigTarget(configNode('/ws/a.seqlab.json'), undefined, two), { kind: 'path', path: '/ws/a.seqlab.json' }, 'a config row');
  assert.deepEqual(resolveConfigTarget(runNode('r1', '/ws/sub/b.seqlab.json'), undefined, two), { kind: 'path', path: '/ws/sub/b.seqlab.json' }, 'a run row: its config');
  assert.deepEqual(resolveConfigTarget(undefined, '/ws/open.SEQLAB.json', two), { kind: 'path', path: '/ws/open.SEQLAB.json' }, 'the config in the editor');
  assert.deepEqual(resolveConfigTarget(undefined, '/ws/notes.md', [two[0]]), { kind: 'path', path: '/ws/a.seqlab.json' }, 'the only config');
  assert.deepEqual(resolveConfigTarget(undefined, undefined, []), { kind: 'none' });
  assert.deepEqual(resolveConfigTarget(queuedNode('job-1'), '/ws/notes.md', two), {
    kind: 'pick',
    items: [
      { label: 'a.seqlab.json', description: 'a.seqlab.json', path: '/ws/a.seqlab.json' },
      { label: 'b.seqlab.json', description: 'sub/b.seqlab.json', path: '/ws/sub/b.seqlab.json' },
    ],
  });
});

test('a run command acts on a run id, a run row, a queued row or a damaged row, else asks', () => {
  assert.deepEqual(resolveRunTarget('20260101-run'), { kind: 'id', id: '20260101-run' });
  assert.deepEqual(resolveRunTarget(runNode('r1', '/ws/a.seqlab.json')), { kind: 'id', id: 'r1' });
  assert.deepEqual(resolveRunTarget(queuedNode('job-3')), { kind: 'id', id: 'job-3' }, 'a queued job by its key');
  const damaged = damagedNode({ id: '20260101-110000-tiny-gru-0a1b', dir: '/r/d', problem: 'meta.json is missing' });
  assert.deepEqual(resolveRunTarget(damaged), { kind: 'id', id: '20260101-110000-tiny-gru-0a1b' });
  assert.deepEqual(resolveRunTarget(configNode('/ws/a.seqlab.json')), { kind: 'pick' });
  assert.deepEqual(resolveRunTarget(undefined), { kind: 'pick' });
});

test('Open Dashboard shows the tree\'s selection, ids from a command, one run, or asks for several', () => {
  const a = runNode('ra', '/c'), b = runNode('rb', '/c');
  assert.deepEqual(resolveDashboardTarget(a, [a, b, configNode('/c')]), { kind: 'ids', ids: ['ra', 'rb'] }, 'several rows: a comparison of the runs among them');
  assert.deepEqual(resolveDashboardTarget(a, [a]), { kind: 'run', target: { kind: 'id', id: 'ra' } }, 'one selected row is the clicked one');
  assert.deepEqual(resolveDashboardTarget(['r1', 2, 'r2']), { kind: 'ids', ids: ['r1', 'r2'] });
  assert.deepEqual(resolveDashboardTarget('r1'), { kind: 'run', target: { kind: 'id', id: 'r1' } });
  assert.deepEqual(resolveDashboardTarget(configNode('/c')), { kind: 'run', target: { kind: 'pick' } });
  assert.deepEqual(resolveDashboardTarget(undefined), { kind: 'pickMany' });
});

test('run picks name the runs that fit the command, with status, result and age', () => {
  const runs = [run('t1', 'text', { kind: 'finished', step: 10 }), run('a1', 'adding', { kind: 'interrupted', step: 4 }), run('t2', 'text', { kind: 'cancelled', step: 2 })];
  runs[0].meta.bestValidationLoss = 1.234;
  const now = new Date('2026-01-01T12:00:00Z');
  assert.deepEqual(runPickItems(runs, isTextRun, now), [
    { label: 'x · GRU', description: 'finished · val 1.23 · 4 min ago', id: 't1' },
    { label: 'x · GRU', description: 'cancelled · 4 min ago', id: 't2' },
  ]);
  // resumable: what the catalog's resumability says (a readable checkpoint), not the status alone
  const resumability = (id: string) => (id === 'a1' ? { kind: 'resumable' as const, step: 4, notes: [], next: 'resume' as const } : undefined);
  assert.deepEqual(runPickItems(runs, resumableIn({ resumability }), now).map((i) => i.id), ['a1']);
  assert.deepEqual(runPickItems([], () => true, now), []);
  assert.deepEqual(damagedPickItems([{ id: '20260101-110000-tiny-gru-0a1b', dir: '/r/x', problem: 'meta.json is empty' }]), [
    { label: 'tiny · GRU', description: '20260101-110000-tiny-gru-0a1b · meta.json is empty', id: '20260101-110000-tiny-gru-0a1b' },
  ]);
});

test('training plans one job per cell with the settings that override the config', () => {
  const jobs = planTraining('/ws/lighthouse.seqlab.json', ['rnn', 'gru'], { defaultBackend: 'tfjs', diagnosticsInterval: 5 });
  assert.deepEqual(jobs, [
    { request: { configPath: '/ws/lighthouse.seqlab.json', cell: 'rnn', backend: 'tfjs', diagnosticsEvery: 5 }, title: 'SeqLab: training lighthouse · RNN' },
    { request: { configPath: '/ws/lighthouse.seqlab.json', cell: 'gru', backend: 'tfjs', diagnosticsEvery: 5 }, title: 'SeqLab: training lighthouse · GRU' },
  ]);
  const [own] = planTraining('/ws/a.seqlab.json', [undefined], { defaultBackend: 'config', diagnosticsInterval: 0 });
  assert.deepEqual(own, { request: { configPath: '/ws/a.seqlab.json' }, title: 'SeqLab: training a' }, 'the config decides backend, cell and diagnostics');
  assert.equal(planTraining('/ws/a.seqlab.json', [undefined], { defaultBackend: 'cuda', diagnosticsInterval: undefined })[0].request.backend, undefined, 'an unknown setting value is ignored');
  const [resumed] = planTraining('/ws/a.seqlab.json', ['lstm'], { defaultBackend: 'auto', diagnosticsInterval: 0 }, { runId: 'run-7', title: 'a · LSTM' });
  assert.deepEqual(resumed, { request: { configPath: '/ws/a.seqlab.json', cell: 'lstm', resumeRunId: 'run-7', backend: 'auto' }, title: 'SeqLab: resuming a · LSTM' });
  assert.equal(planTraining('/ws/adding-lstm.seqlab.json', ['rnn'], { defaultBackend: 'config', diagnosticsInterval: 0 })[0].title, 'SeqLab: training adding · RNN', 'the cell word of a file name gives way to the cell trained');
});

test('the temperature box takes a number ≥ 0', () => {
  assert.equal(temperatureProblem('0.8'), undefined);
  assert.equal(temperatureProblem('0'), undefined);
  assert.equal(temperatureProblem('-1'), 'A number ≥ 0');
  assert.equal(temperatureProblem('warm'), 'A number ≥ 0');
});
