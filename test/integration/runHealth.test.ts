// Damaged runs and resumability in the real extension: a run folder whose meta.json is garbage shows in the
// tree as damaged and Repair Run rebuilds it (deleting nothing); a run without a readable checkpoint offers
// no Resume, says why, and the command refuses it without starting a trainer; one with a checkpoint offers it.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import type { RepairOutcome } from '../../src/extension/commands/runsCommands';
import type { DamagedNode, RunNode, TreeNode } from '../../src/extension/tree/treeModel';
import type { RunMeta } from '../../src/runs/runFiles';
import { activateExtension, extensionState, waitFor, workspaceFile } from './helpers';

const state = extensionState;

/** Every node of the tree, depth first. */
const flatten = (nodes: readonly TreeNode[]): TreeNode[] => nodes.flatMap((n) => [n, ...(n.kind === 'folder' || n.kind === 'config' ? flatten(n.children) : [])]);

const runRow = async (id: string) =>
  waitFor(`the tree row of ${id}`, async () => flatten((await state(true)).tree).find((n): n is RunNode => n.kind === 'run' && n.runId === id));

suite('Damaged runs, Repair and Resume in the tree', function () {
  this.timeout(120_000);
  let finishedDir = '';
  let runsDir = '';

  suiteSetup(async () => {
    await activateExtension();
    const runId = await vscode.commands.executeCommand<string | undefined>('seqlab.train', workspaceFile('tiny.seqlab.json').fsPath);
    assert.ok(runId, 'Train returned no run id');
    const s = await waitFor('the tiny run to finish', async () => {
      const st = await state(true);
      return st.runs.some((r) => r.id === runId && r.status.kind === 'finished') && st.active.length === 0 ? st : undefined;
    }, 90_000);
    runsDir = s.runsDir!;
    finishedDir = path.join(runsDir, runId);
  });

  /** A copy of the finished run under an id ending in `suffix`, then changed by `change`. */
  function copyRun(suffix: string, change: (dir: string) => void): { id: string; dir: string } {
    const id = path.basename(finishedDir).replace(/[0-9a-f]{4}$/, suffix);
    const dir = path.join(runsDir, id);
    fs.cpSync(finishedDir, dir, { recursive: true });
    change(dir);
    return { id, dir };
  }

  const editMeta = (dir: string, edit: (m: RunMeta) => void) => {
    const file = path.join(dir, 'meta.json');
    const meta = JSON.parse(fs.readFileSync(file, 'utf8')) as RunMeta;
    edit(meta);
    fs.writeFileSync(file, JSON.stringify(meta));
  };

  test('a garbage meta.json shows as a damaged row; Repair Run rebuilds it and deletes nothing', async () => {
    const { id, dir } = copyRun('dad1', (d) => fs.writeFileSync(path.join(d, 'meta.json'), '{ "info": '));
    const filesBefore = fs.readdirSync(dir).sort();
    const row = await waitFor('the damaged row', async () => flatten((await state(true)).tree).find((n): n is DamagedNode => n.kind === 'damaged' && n.runId === id));
    assert.equal(row.label, 'tiny · LSTM');
    assert.match(row.description, /^damaged: meta\.json is not valid JSON/);
    assert.equal(row.icon.id, 'warning');
    const folder = (await state()).tree.find((n) => n.kind === 'folder' && n.label === 'Damaged runs');
    assert.ok(folder, 'a "Damaged runs" folder');

    const outcome = await vscode.commands.executeCommand<RepairOutcome>('seqlab.repairRun', id, { confirmed: true });
    assert.equal(outcome?.kind, 'repaired', JSON.stringify(outcome));
    const s = await state();
    const repaired = s.runs.find((r) => r.id === id);
    assert.deepEqual(repaired?.status, { kind: 'finished', step: 20 }, 'its final weights say it finished');
    assert.ok(!flatten(s.tree).some((n) => n.kind === 'damaged'), 'no damaged row left');
    const filesAfter = fs.readdirSync(dir).sort();
    for (const f of filesBefore) assert.ok(filesAfter.includes(f), `${f} is still there`);
    const kept = filesAfter.filter((f) => /^meta\.json\.damaged-\d{8}-\d{6}$/.test(f));
    assert.equal(kept.length, 1, `the damaged meta.json is kept: ${filesAfter.join(', ')}`);
    assert.equal(fs.readFileSync(path.join(dir, kept[0]), 'utf8'), '{ "info": ');
    const again = await vscode.commands.executeCommand<RepairOutcome>('seqlab.repairRun', id, { confirmed: true });
    assert.equal(again?.kind, 'notNeeded');
  });

  test('a run that stopped before its first checkpoint offers no Resume, says why, and Resume Run starts no trainer', async () => {
    const { id } = copyRun('0c0c', (dir) => {
      fs.rmSync(path.join(dir, 'checkpoints'), { recursive: true });
      for (const f of ['weights.json', 'weights.bin']) fs.rmSync(path.join(dir, f));
      editMeta(dir, (m) => (m.status = { kind: 'interrupted', step: 5 }));
    });
    const row = await runRow(id);
    assert.equal(row.contextValue, 'run.interrupted', 'no .resumable: the menus offer no Resume');
    assert.match(row.tooltip, /\*\*Resume is not possible:\*\* the trainer stopped without finishing .*at step 5.*no weights to continue from/);
    const before = await state();
    const result = await vscode.commands.executeCommand('seqlab.resumeRun', id);
    assert.equal(result, undefined);
    const after = await state();
    assert.equal(after.engine.started, before.engine.started, 'no engine child was started');
    assert.deepEqual(after.active, []);
  });

  test('a run with a readable checkpoint offers Resume from its step', async () => {
    const { id } = copyRun('0c0d', (dir) => editMeta(dir, (m) => (m.status = { kind: 'cancelled', step: 20 })));
    const row = await runRow(id);
    assert.equal(row.contextValue, 'run.cancelled.resumable');
    assert.match(row.tooltip, /\*\*Resume\*\* continues from the checkpoint at step 20\./);
  });
});
