// The pure parts of issues 13 and 15 in the extension: runs named by what sets them apart, tree rows for
// damaged, resumable and judged runs, the tooltip's end reason / verdict / estimate read defensively from
// meta.json, the reveal fallback, Repair's wording of a real plan, and the one progress of a comparison.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { revealChoice } from '../../src/extension/revealChoice';
import { repairedMessage, repairQuestion } from '../../src/extension/runs/repairText';
import { endText, estimateText, verdictLines } from '../../src/extension/runs/runMetaExtras';
import { configBaseName, distinctRunTitle, runTitle, sweptValues, titleFromRunId } from '../../src/extension/runs/runNames';
import { freeConfigName, renderTemplate, templateName } from '../../src/extension/templates/templates';
import type { ActiveRunState } from '../../src/extension/training/activeRun';
import { comparisonProgress, comparisonSummary, type ComparisonMember } from '../../src/extension/training/comparisonProgress';
import { damagedNode, runNode } from '../../src/extension/tree/runRows';
import { buildTree, type FolderNode, type RunNode } from '../../src/extension/tree/treeModel';
import type { Resumability } from '../../src/runs/resumability';
import { RUN_FILES, type RunMeta } from '../../src/runs/runFiles';
import { inspectRunFolder, type RunSummary } from '../../src/runs/runReader';
import { applyRepair, checkRepair } from '../../src/runs/runRepair';
import { RunWriter } from '../../src/runs/runWriter';
import type { MetricRecord, RunInfo } from '../../src/shared/metrics';
import type { RunStatus } from '../../src/shared/protocol';

const info = (over: Partial<RunInfo> = {}): RunInfo => ({
  id: 'r', name: 'tiny', configPath: '/ws/tiny.seqlab.json', cell: 'gru', backend: 'wasm', device: 'wasm simd', seed: 1,
  paramCount: 1234, totalSteps: 100, dataSummary: 'adding', task: 'adding', gateNames: [], ...over,
});

function run(id: string, status: RunStatus, o: { info?: Partial<RunInfo>; meta?: Record<string, unknown>; createdAt?: string } = {}): RunSummary {
  const createdAt = o.createdAt ?? '2026-01-01T10:00:00Z';
  const meta = {
    version: 1, info: info({ id, ...o.info }), status, createdAt, updatedAt: createdAt,
    host: { hostname: 'h', platform: 'linux', arch: 'x64', cpus: 2, node: 'v20' }, seqlabVersion: '0.1.0', seconds: 12, ...o.meta,
  } as RunMeta;
  return { id, dir: `/ws/.seqlab/runs/${id}`, meta, status };
}

test('runs are named by their config and what sets them apart: the cell, the swept values; the time only among equals', () => {
  assert.equal(runTitle(info()), 'tiny · GRU');
  assert.equal(configBaseName('adding-lstm'), 'adding', 'a cell word at the end of the name gives way to the cell trained');
  assert.equal(runTitle(info({ name: 'adding-lstm', cell: 'rnn' })), 'adding · RNN');
  assert.equal(configBaseName('lstm'), 'lstm', 'a name that is only a cell word stays');
  const swept = info({ sweep: { id: 'sweep-1', index: 0, count: 4, values: { 'training.learningRate': 0.01, 'model.hiddenSize': 64 }, label: 'lr 0.01 · hidden 64' } });
  assert.equal(sweptValues(swept), 'lr 0.01 · hidden 64');
  assert.equal(runTitle(swept), 'tiny · GRU · lr 0.01 · hidden 64');
  assert.equal(sweptValues(info()), undefined, 'a run outside a sweep names no values');

  const a = run('20260101-100000-tiny-gru-aaaa', { kind: 'finished', step: 5 }, { createdAt: '2026-01-01T10:00:00Z' });
  const b = run('20260101-113000-tiny-gru-bbbb', { kind: 'finished', step: 5 }, { createdAt: '2026-01-01T11:30:00Z' });
  const c = run('20260101-113000-tiny-gru-cccc', { kind: 'finished', step: 5 }, { createdAt: '2026-01-01T11:30:20Z' });
  const lstm = run('20260101-100000-tiny-lstm-dddd', { kind: 'finished', step: 5 }, { info: { cell: 'lstm' } });
  assert.equal(distinctRunTitle(lstm, [a, b, c, lstm]), 'tiny · LSTM', 'alone under its name: no time');
  assert.match(distinctRunTitle(a, [a, b, lstm]), /^tiny · GRU · \d\d:\d\d$/);
  assert.notEqual(distinctRunTitle(a, [a, b]), distinctRunTitle(b, [a, b]));
  assert.match(distinctRunTitle(b, [a, b, c]), /^tiny · GRU · \d\d:\d\d · bbbb$/, 'the same minute: the id tells them apart');
  assert.equal(titleFromRunId('20260101-100000-adding-lstm-rnn-0a1b'), 'adding · RNN');
  assert.equal(titleFromRunId('my-folder'), 'my-folder');
});

test('New Experiment proposes a name no other experiment (or run) has, whose file is free too', () => {
  assert.equal(templateName({ id: 'adding' }), 'adding-problem');
  assert.equal(freeConfigName('adding-problem', new Set(), new Set()), 'adding-problem');
  assert.equal(freeConfigName('adding-problem', new Set(['adding-problem']), new Set()), 'adding-problem-2');
  assert.equal(freeConfigName('adding-problem', new Set(['adding-problem']), new Set(['adding-problem-2.seqlab.json'])), 'adding-problem-3');
  const r = renderTemplate({ id: 'adding' }, undefined, 'adding-problem-2');
  assert.equal(r.fileName, 'adding-problem-2.seqlab.json');
  assert.match(r.text, /"name": "adding-problem-2"/);
});

const resumable: Resumability = { kind: 'resumable', step: 50, notes: ['steps 51–60 were not checkpointed and are trained again'], next: 'resume' };
const noCheckpoint: Resumability = {
  kind: 'notResumable', reason: 'noCheckpoint', next: 'newRun',
  why: 'the trainer stopped without finishing (killed, or a second Ctrl-C) at step 12, before its first checkpoint (due at step 100); no checkpoint was written, so there are no weights to continue from',
  whatToDo: 'Start a new run of its config; the metrics of this one stay readable.',
};

test('tree rows: Resume only where a readable checkpoint is, and the tooltip says from where or why not', () => {
  const interrupted = run('i', { kind: 'interrupted', step: 60 }, { meta: { lastLoss: 1.5 } });
  const yes = runNode(interrupted, { resumability: resumable });
  assert.equal(yes.contextValue, 'run.interrupted.resumable');
  assert.equal(yes.resumable, true);
  assert.equal(yes.label, 'GRU · loss 1.50');
  assert.match(yes.tooltip, /\*\*Resume\*\* continues from the checkpoint at step 50\./);
  assert.match(yes.tooltip, /steps 51–60 were not checkpointed/);

  const no = runNode(run('k', { kind: 'interrupted', step: 12 }), { resumability: noCheckpoint });
  assert.equal(no.contextValue, 'run.interrupted', 'the menus offer no Resume');
  assert.match(no.tooltip, /\*\*Resume is not possible:\*\* the trainer stopped without finishing .* no checkpoint was written.*Start a new run of its config/);
  assert.doesNotMatch(no.tooltip, /continues from/);

  const finished = runNode(run('f', { kind: 'finished', step: 100 }, { meta: { bestValidationLoss: 0.04 } }), { resumability: { kind: 'notResumable', reason: 'finished', why: 'it finished', whatToDo: '', next: 'none' } });
  assert.equal(finished.contextValue, 'run.finished');
  assert.doesNotMatch(finished.tooltip, /Resume/);
});

test('tooltips: why the run ended, its verdict and estimate when meta.json has them, nothing when it has not or cannot be read', () => {
  const end = (e: unknown) => endText(run('e', { kind: 'finished', step: 1380 }, { meta: { end: e } }).meta);
  assert.equal(end({ by: 'epochs', step: 1380, epochs: 20 }), 'all 20 epochs done at step 1 380');
  assert.equal(end({ by: 'maxSteps', step: 3000, maxSteps: 3000, from: 'override' }), 'step limit 3 000 (--max-steps) reached at step 3 000');
  assert.equal(end({ by: 'stop', step: 0, phase: 'init' }), 'stopped on request while initialising the weights at step 0');
  assert.equal(end({ by: 'divergence', step: 9 }), 'the loss diverged at step 9');
  assert.equal(end(undefined), undefined);
  assert.equal(end(42), undefined);
  assert.equal(endText(run('e', { kind: 'finished', step: 1 }, { meta: { endReason: 'epochs (20) ended it before --max-steps' } }).meta), 'epochs (20) ended it before --max-steps');

  const verdict = (v: unknown) => verdictLines(run('v', { kind: 'finished', step: 1 }, { meta: { verdict: v } }).meta);
  assert.deepEqual(verdict('beats persistence by 12 %'), ['beats persistence by 12 %']);
  assert.deepEqual(verdict({ summary: 'best beats AR(3) by 5 %', lines: ['final is 2 % worse than AR(3)', 7] }), ['best beats AR(3) by 5 %', 'final is 2 % worse than AR(3)']);
  assert.deepEqual(verdict([{ text: 'a' }, 'b', null]), ['a', 'b']);
  assert.deepEqual(verdict({ value: 3 }), []);
  assert.equal(estimateText(run('s', { kind: 'finished', step: 1 }, { meta: { estimate: { parameters: 1234567, memoryBytes: 2.5e9, checkpointBytes: 15e6 } } }).meta), '1 234 567 parameters, about 2.5 GB of memory, 15.0 MB per checkpoint');
  assert.equal(estimateText(run('s', { kind: 'finished', step: 1 }).meta), undefined);

  const judged = runNode(run('j', { kind: 'finished', step: 1380 }, {
    info: { baseline: { value: 0.042, metric: 'mse', label: 'predict the mean' } },
    meta: { bestValidationLoss: 0.001, end: { by: 'epochs', step: 1380, epochs: 20 }, verdict: { summary: 'beats the baseline by 98 %' } },
  }));
  assert.match(judged.tooltip, /\| ended \| all 20 epochs done at step 1 380 \|/);
  assert.match(judged.tooltip, /\| baseline \| 0\.0420 \(predict the mean\) \|/);
  assert.match(judged.tooltip, /\*\*Verdict:\*\* beats the baseline by 98 %/);
  const plain = runNode(run('p', { kind: 'finished', step: 5 }));
  assert.doesNotMatch(plain.tooltip, /ended|Verdict|baseline|estimate/);
});

test('tree: damaged run folders get a warning row under "Damaged runs" that says what is wrong and offers Repair', () => {
  const configs = [{ path: '/ws/tiny.seqlab.json', workspaceFolder: 'ws', relativePath: 'tiny.seqlab.json' }];
  const ok = run('20260101-100000-tiny-gru-aaaa', { kind: 'interrupted', step: 60 }, { info: { configPath: '/ws/tiny.seqlab.json' } });
  const damaged = [{ id: '20260101-090000-tiny-lstm-0bad', dir: '/ws/.seqlab/runs/20260101-090000-tiny-lstm-0bad', problem: 'meta.json is not valid JSON (Unexpected token)' }];
  const roots = buildTree(configs, [ok], [], { damaged, resumability: (id) => (id === ok.id ? resumable : undefined) });
  assert.deepEqual(roots.map((r) => `${r.kind}:${r.label}`), ['config:tiny', 'folder:Damaged runs']);
  assert.equal(((roots[0] as { children: RunNode[] }).children[0]).contextValue, 'run.interrupted.resumable');
  const [row] = (roots[1] as FolderNode).children;
  assert.equal(row.kind, 'damaged');
  assert.deepEqual(row.kind === 'damaged' && [row.label, row.description, row.icon.id, row.contextValue, row.runId], [
    'tiny · LSTM', 'damaged: meta.json is not valid JSON (Unexpected token)', 'warning', 'damaged', '20260101-090000-tiny-lstm-0bad',
  ]);
  assert.match(damagedNode(damaged[0]).tooltip, /\*\*Repair Run\*\* rebuilds meta\.json .* nothing is deleted/);
  assert.equal(buildTree(configs, [ok]).length, 1, 'no damaged runs: no folder for them');
});

test('reveal: the OS file manager on a desktop only; the Explorer in a browser or remote for workspace files; else a message', () => {
  assert.equal(revealChoice({ desktop: true, remote: false, inWorkspace: false }), 'os');
  assert.equal(revealChoice({ desktop: false, remote: true, inWorkspace: true }), 'explorer', 'code-server: revealFileInOS is not registered');
  assert.equal(revealChoice({ desktop: true, remote: true, inWorkspace: true }), 'explorer', 'a remote window: the OS is another machine');
  assert.equal(revealChoice({ desktop: false, remote: false, inWorkspace: false }), 'message');
});

test('Repair Run words the real plan: each field and its source, nothing deleted, the damaged file kept, resumable after', async () => {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-repair-text-'));
  try {
    const config = { name: 'tiny', data: { kind: 'synthetic', task: 'adding', length: 10, samples: 64 }, model: { cell: 'gru', hiddenSize: 4 }, training: { maxSteps: 80, checkpointEvery: 25 } };
    const configPath = path.join(ws, 'tiny.seqlab.json');
    fs.writeFileSync(configPath, JSON.stringify(config));
    const w = RunWriter.create(path.join(ws, '.seqlab', 'runs'), info({ id: '20260102-030405-tiny-gru-1a2b', configPath }), JSON.stringify(config));
    const records: MetricRecord[] = Array.from({ length: 30 }, (_, i) => ({ kind: 'step', step: i + 1, epoch: 0, time: i, loss: 1, gradNorm: 1, clipped: false, learningRate: 0.01 }));
    w.appendMetrics(records);
    w.saveCheckpoint({ step: 25, epoch: 0, cursor: 0, spec: {} as never, config: JSON.parse(fs.readFileSync(path.join(w.dir, RUN_FILES.config), 'utf8')), paramCount: 3, optimizer: { kind: 'adam', step: 25, slots: 2 }, rngState: [1, 2, 3, 4] }, Float32Array.of(1, 2, 3), [Float32Array.of(0, 0, 0), Float32Array.of(0, 0, 0)]);
    w.update({ status: { kind: 'interrupted', step: 30 } });
    w.close();
    fs.writeFileSync(path.join(w.dir, RUN_FILES.meta), '{ garbage');
    const folder = await inspectRunFolder(w.dir);
    assert.equal(folder.kind, 'damaged');
    const plan = await checkRepair(folder as Exclude<typeof folder, { kind: 'none' }>, { searchIn: [ws] });
    assert.equal(plan.kind, 'rebuild', JSON.stringify(plan));
    if (plan.kind !== 'rebuild') return;
    const q = repairQuestion(plan, 'tiny · GRU');
    assert.match(q.message, /^Repair tiny · GRU\? meta\.json is not valid JSON/);
    assert.match(q.detail, /• status: interrupted at step 30 — from metrics\.jsonl/);
    assert.match(q.detail, /• configPath \(.*tiny\.seqlab\.json\) — from a config file with the same content/);
    assert.match(q.detail, /Nothing is deleted\. The damaged meta\.json is kept as meta\.json\.damaged-\d{8}-\d{6}\./);
    assert.match(q.detail, /resumable from step 25\.$/);
    const done = applyRepair(plan);
    assert.match(repairedMessage(plan, done, 'tiny · GRU'), /^SeqLab: repaired tiny · GRU — kept the damaged meta\.json as meta\.json\.damaged-\S+; wrote meta\.json\. It reads as interrupted at step 30, resumable from step 25\.$/);
    assert.equal((await inspectRunFolder(w.dir)).kind, 'run');
  } finally {
    fs.rmSync(ws, { recursive: true, force: true });
  }
});

const running = (step: number, loss?: number): ActiveRunState => ({ kind: 'running', pid: 1, runId: 'r', runDir: '/r', info: info({ totalSteps: 20 }), step, ...(loss !== undefined && { loss }) });

test('a comparison has one progress: how many ended, which runs now, which wait; one summary at the end', () => {
  const members: ComparisonMember[] = [
    { label: 'RNN', state: running(20), outcome: { kind: 'finished', runId: 'a', runDir: '/a', step: 20, bestValidationLoss: 2.1, seconds: 3 } },
    { label: 'LSTM', state: running(5, 1.834) },
    { label: 'GRU', state: { kind: 'queued' } },
  ];
  const p = comparisonProgress(members);
  assert.equal(p.message, '1 of 3 done · running LSTM: step 5/20 · loss 1.83 · GRU waiting');
  assert.equal(p.fraction, (1 + 0.25 + 0) / 3);
  assert.equal(p.done, false);
  assert.equal(comparisonProgress([{ label: 'RNN', state: { kind: 'starting', pid: 2 } }, { label: 'GRU', state: { kind: 'queued' } }]).message, '0 of 2 done · starting RNN · GRU waiting');
  const ended: ComparisonMember[] = [
    members[0],
    { label: 'LSTM', state: running(7), outcome: { kind: 'cancelled', runId: 'b', step: 7 } },
    { label: 'GRU', state: { kind: 'queued' }, outcome: { kind: 'dequeued' } },
  ];
  const last = comparisonProgress(ended);
  assert.equal(last.message, '3 of 3 done (LSTM stopped, GRU removed from the queue)');
  assert.deepEqual([last.fraction, last.done], [1, true]);
  assert.equal(comparisonSummary('tiny', ended), 'SeqLab: tiny compared — RNN val 2.10 · LSTM stopped · GRU removed from the queue.');
});
