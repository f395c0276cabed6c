import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { parseConfig } from '../../src/shared/configValidation';
import type { RunSummary } from '../../src/runs/runReader';
import type { RunStatus } from '../../src/shared/protocol';
import { configLenses, lastRunTitle } from '../../src/extension/codeLens/lensModel';
import { dataFileOf, fileProblems, type FileIo, isInsideAny, parseHeader } from '../../src/extension/configs/fileChecks';
import { COMMANDS } from '../../src/extension/constants';
import { formatCount, formatDuration, timeAgo } from '../../src/shared/format';
import { renderTemplate, TEMPLATES, type TemplateInput, uniqueFileName } from '../../src/extension/templates/templates';
import { effectiveMaxConcurrent, type ActiveRun } from '../../src/extension/training/activeRun';
import { resolveRunsDirectory, trainingGate } from '../../src/extension/training/trainingGate';
import { shortDate } from '../../src/extension/tree/runRows';
import { buildTree, type ConfigNode, type RunNode } from '../../src/extension/tree/treeModel';

function run(id: string, configPath: string, status: RunStatus, createdAt: string, extra: Partial<RunSummary['meta']> = {}): RunSummary {
  return {
    id,
    dir: `/ws/.seqlab/runs/${id}`,
    status,
    meta: {
      version: 1,
      info: { id, name: 'x', configPath, cell: 'lstm', backend: 'wasm', device: 'wasm simd', seed: 1, paramCount: 1234, totalSteps: 3000, dataSummary: 'adding', task: 'adding', gateNames: [] },
      status,
      createdAt,
      updatedAt: createdAt,
      host: { hostname: 'h', platform: 'linux', arch: 'x64', cpus: 4, node: 'v20' },
      seqlabVersion: '0.1.0',
      seconds: 185,
      ...extra,
    },
  };
}

test('time ago and durations read like a person writes them', () => {
  const now = new Date('2026-01-01T12:00:00Z');
  assert.equal(timeAgo('2026-01-01T11:59:58Z', now), 'just now');
  assert.equal(timeAgo('2026-01-01T11:59:30Z', now), '30 s ago');
  assert.equal(timeAgo('2026-01-01T11:56:00Z', now), '4 min ago');
  assert.equal(timeAgo('2026-01-01T09:00:00Z', now), '3 h ago');
  assert.equal(timeAgo('2025-12-31T11:00:00Z', now), '1 day ago');
  assert.equal(timeAgo('2025-12-29T11:00:00Z', now), '3 days ago');
  assert.equal(timeAgo('2026-01-01T12:05:00Z', now), 'just now');
  assert.equal(timeAgo('garbage', now), 'unknown time');
  assert.equal(formatDuration(42), '42 s');
  assert.equal(formatDuration(185), '3 min 05 s');
  assert.equal(formatDuration(7440), '2 h 04 min');
  assert.equal(formatCount(1200), '1 200');
  assert.equal(formatCount(1234567), '1 234 567');
});

test('tree: configs → runs newest first, status icons, descriptions, other runs', () => {
  const configs = [{ path: '/ws/a.seqlab.json', workspaceFolder: 'ws', relativePath: 'a.seqlab.json' }];
  const runs = [
    run('r-old', '/ws/a.seqlab.json', { kind: 'finished', step: 3000 }, '2026-01-01T10:00:00Z', { bestValidationLoss: 1.6234 }),
    run('r-new', '/ws/a.seqlab.json', { kind: 'running', pid: 1, step: 1200 }, '2026-01-01T11:00:00Z', { lastLoss: 1.83 }),
    run('r-cli', '/elsewhere/b.seqlab.json', { kind: 'interrupted', step: 10 }, '2026-01-01T09:00:00Z'),
  ];
  const roots = buildTree(configs, runs);
  assert.deepEqual(roots.map((r) => r.kind), ['config', 'folder']);
  const config = roots[0] as ConfigNode;
  assert.deepEqual(config.children.map((c) => (c as RunNode).runId), ['r-new', 'r-old']);
  const [running, finished] = config.children as RunNode[];
  // rows lead with the cell and the result; the start time comes second
  assert.equal(running.icon.id, 'sync~spin');
  assert.equal(running.label, 'LSTM · 1 200/3 000 (40%) · loss 1.83');
  assert.equal(running.description, shortDate('2026-01-01T11:00:00Z'));
  assert.equal(finished.icon.id, 'pass');
  assert.equal(finished.label, 'LSTM · val 1.62');
  assert.equal(finished.description, `3 min 05 s · ${shortDate('2026-01-01T10:00:00Z')}`);
  assert.equal(finished.contextValue, 'run.finished');
  assert.match(finished.tooltip, /best validation \| 1\.62/);
  const other = roots[1];
  assert.equal(other.kind === 'folder' && other.label, 'Other runs');
  const cli = (other.kind === 'folder' && other.children[0]) as RunNode;
  assert.equal(cli.icon.id, 'debug-pause');
  assert.equal(cli.label, 'x · LSTM', 'away from its config a row names the config');
  assert.equal(cli.description, `interrupted at 10 · 3 min 05 s · ${shortDate('2026-01-01T09:00:00Z')}`);
  assert.equal(config.description, '1 running · 2 runs');
});

test('tree: live progress wins over meta.json, queued jobs are listed, several folders group', () => {
  const configs = [
    { path: '/ws/x/a.seqlab.json', workspaceFolder: 'ws', relativePath: 'x/a.seqlab.json' },
    { path: '/ws/y/b.seqlab.json', workspaceFolder: 'ws', relativePath: 'y/b.seqlab.json' },
  ];
  const runs = [run('r1', '/ws/x/a.seqlab.json', { kind: 'running', pid: 1, step: 10 }, '2026-01-01T11:00:00Z')];
  const active: ActiveRun[] = [
    { key: 'job-1', request: { configPath: '/ws/x/a.seqlab.json', runsDir: '/r' }, queuedAt: '', state: { kind: 'running', pid: 1, runId: 'r1', runDir: '/r/r1', info: runs[0].meta.info, step: 1500, loss: 0.5 } },
    { key: 'job-2', request: { configPath: '/ws/y/b.seqlab.json', runsDir: '/r', cell: 'gru' }, queuedAt: '', state: { kind: 'queued' } },
  ];
  const roots = buildTree(configs, runs, active);
  assert.deepEqual(roots.map((r) => r.kind === 'folder' && r.label), ['ws/x', 'ws/y']);
  const a = (roots[0].kind === 'folder' && roots[0].children[0]) as ConfigNode;
  assert.equal((a.children[0] as RunNode).label, 'LSTM · 1 500/3 000 (50%) · loss 0.500');
  const b = (roots[1].kind === 'folder' && roots[1].children[0]) as ConfigNode;
  assert.equal(b.children[0].kind, 'queued');
  assert.equal(b.children[0].description, 'GRU · #1 in queue');
});

test('lenses: train, compare, dashboard, last result; stop while running; problems', () => {
  const now = new Date('2026-01-01T12:00:00Z');
  const last = run('r1', '/c.seqlab.json', { kind: 'finished', step: 3000 }, '2026-01-01T11:50:00Z', { bestValidationLoss: 1.62, updatedAt: '2026-01-01T11:56:00Z' });
  const idle = configLenses({ configPath: '/c.seqlab.json', errors: 0, active: [], lastRun: last, now });
  assert.deepEqual(idle.map((l) => l.title), ['▶ Train', 'Compare RNN · LSTM · GRU', 'Dashboard', 'last run: val 1.62 · 4 min ago']);
  assert.equal(idle[0].command, COMMANDS.train);
  assert.deepEqual(idle[0].args, ['/c.seqlab.json']);
  const running: ActiveRun = { key: 'job-1', request: { configPath: '/c.seqlab.json', runsDir: '/r' }, queuedAt: '', state: { kind: 'running', pid: 1, runId: 'r2', runDir: '/r/r2', info: last.meta.info, step: 1200, loss: 1.83 } };
  const busy = configLenses({ configPath: '/c.seqlab.json', errors: 0, compare: ['rnn', 'lstm'], active: [running], lastRun: last, now });
  assert.equal(busy[0].title, '■ Stop — step 1 200, loss 1.83');
  assert.deepEqual(busy[0].args, ['r2']);
  assert.equal(busy[1].title, 'Compare RNN · LSTM');
  const broken = configLenses({ configPath: '/c.seqlab.json', errors: 2, active: [], now });
  assert.deepEqual(broken.map((l) => l.title), ['⚠ 2 problems']);
  assert.equal(lastRunTitle(run('r', '/c', { kind: 'failed', failure: 'diverged', message: 'nan', step: 40 }, '2026-01-01T11:00:00Z'), now), 'last run: failed at step 40 · 1 h ago');
});

test('every template renders a config that parseConfig accepts', () => {
  const inputs: TemplateInput[] = [
    { id: 'char-lm', dataPath: 'My Notes.txt' },
    { id: 'csv-forecast', dataPath: 'daily-visitors.csv', target: 'visitors' },
    { id: 'csv-forecast', dataPath: 'x.csv', target: 'load', delimiter: ';' },
    { id: 'pairs', dataPath: 'dates.tsv', level: 'char' },
    { id: 'pairs', dataPath: '../downloads/fra.txt', level: 'word' },
    { id: 'adding' },
    { id: 'copy' },
    { id: 'temporal-order' },
  ];
  assert.deepEqual(new Set(inputs.map((i) => i.id)), new Set(TEMPLATES.map((t) => t.id)));
  for (const input of inputs) {
    for (const schemaRef of [undefined, '../schemas/seqlab.schema.json']) {
      const r = renderTemplate(input, schemaRef);
      assert.match(r.fileName, /^[a-z0-9-]+\.seqlab\.json$/);
      const { config, problems } = parseConfig(r.text, r.fileName);
      assert.deepEqual(problems, [], `${input.id}: ${JSON.stringify(problems)}`);
      assert.ok(config, input.id);
    }
  }
  assert.equal(renderTemplate({ id: 'char-lm', dataPath: 'My Notes.txt' }).fileName, 'my-notes-char.seqlab.json');
  assert.equal(uniqueFileName('a.seqlab.json', new Set(['a.seqlab.json', 'a-2.seqlab.json'])), 'a-3.seqlab.json');
});

test('file checks: a missing data file at data.path; where the data file of a config is', async () => {
  const text = JSON.stringify({ name: 'f', data: { kind: 'csv', path: 'v.csv', targets: ['visitors'] } }, null, 2);
  const { config } = parseConfig(text, '/ws/f.seqlab.json');
  assert.ok(config);
  const io = (files: Record<string, string>): FileIo => ({
    stat: async (f) => (f in files ? { isFile: true, size: files[f].length } : { code: 'ENOENT' }),
    head: async (f) => new TextEncoder().encode(files[f]),
  });
  const missing = await fileProblems(text, '/ws/f.seqlab.json', config, io({}));
  assert.equal(missing.problems.length, 1);
  assert.match(missing.problems[0].message, /^\/ws\/v\.csv: file not found\. Check data\.path \("v\.csv"\)/);
  assert.equal(text.slice(missing.problems[0].offset, missing.problems[0].offset + missing.problems[0].length), '"v.csv"');
  const present = await fileProblems(text, '/ws/f.seqlab.json', config, io({ '/ws/v.csv': 'date,visitors\n1,2\n' }));
  assert.deepEqual(present, { problems: [], stat: { isFile: true, size: 18 } }, 'the columns are for the data checks (dataChecks.ts)');
  assert.deepEqual(parseHeader('"a,b";c;d', ';'), ['a,b', 'c', 'd']);
  assert.equal(dataFileOf(config, '/ws/f.seqlab.json'), path.resolve('/ws/v.csv'));
  assert.equal(isInsideAny('/ws/data/x.csv', ['/other', '/ws']), true);
  assert.equal(isInsideAny('/ws2/x.csv', ['/ws']), false);
  assert.equal(isInsideAny('/ws/../etc/passwd', ['/ws']), false);
});

test('training gate, runs directory and max concurrent runs', () => {
  assert.equal(trainingGate({ trusted: false, runsDir: '/r' }).kind, 'untrusted');
  assert.equal(trainingGate({ trusted: true, runsDir: undefined }).kind, 'noWorkspace');
  assert.equal(trainingGate({ trusted: true, runsDir: '/r' }).kind, 'allowed');
  const resolve = (s: string | undefined, ws: string | undefined) => resolveRunsDirectory(s, ws, '/home/u', path.posix.join, path.posix.isAbsolute);
  assert.equal(resolve(undefined, '/ws'), '/ws/.seqlab/runs');
  assert.equal(resolve('${workspaceFolder}/.seqlab/runs', '/ws'), '/ws/.seqlab/runs');
  assert.equal(resolve('runs', '/ws'), '/ws/runs');
  assert.equal(resolve('~/seqlab', undefined), '/home/u/seqlab');
  assert.equal(resolve(undefined, undefined), undefined);
  assert.equal(effectiveMaxConcurrent(0, 8), 7);
  assert.equal(effectiveMaxConcurrent(0, 1), 1);
  assert.equal(effectiveMaxConcurrent(3, 8), 3);
});
