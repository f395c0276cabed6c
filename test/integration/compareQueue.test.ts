// Compare Cells with seqlab.maxConcurrentRuns = 1: the comparison dashboard opens at once, with the runs
// that wait in the queue shown as queued (panel and tree), and each run takes its place as it starts.
import * as assert from 'node:assert/strict';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import { activateExtension, configRow, extensionState, waitFor, workspaceFile } from './helpers';

const panels = async () => (await extensionState()).panels;

suite('Compare Cells, one run at a time', function () {
  this.timeout(120_000);

  suiteSetup(async () => {
    await activateExtension();
  });

  test('the comparison opens before the runs start and fills as they do', async () => {
    const settings = vscode.workspace.getConfiguration();
    await settings.update('seqlab.maxConcurrentRuns', 1, vscode.ConfigurationTarget.Workspace);
    try {
      const config = workspaceFile('tiny.seqlab.json').fsPath;
      const started = vscode.commands.executeCommand<string[]>('seqlab.compareCells', config);
      const first = await waitFor('the comparison panel', async () => (await panels()).find((p) => p.title === 'Compare 3 runs'), 30_000);
      const waiting = first.slots.filter((s) => s.kind === 'job');
      assert.ok(waiting.length >= 2, `opened with runs still queued: ${JSON.stringify(first.slots)}`);
      const tree = (await extensionState()).tree;
      const tiny = configRow(tree, 'tiny');
      assert.ok((tiny?.children ?? []).filter((c) => c.kind === 'queued').length >= 2, JSON.stringify(tiny?.children));

      const ids = await started;
      assert.equal(ids.length, 3);
      const done = await waitFor('every run in its slot', async () => {
        const p = (await panels()).find((x) => x.title === 'Compare 3 runs');
        return p && p.slots.every((s) => s.kind === 'run') ? p : undefined;
      });
      assert.deepEqual(done.slots.map((s) => s.id), ids, 'runs in the order of the cells');
      assert.deepEqual(done.slots.map((s) => s.colorIndex), [0, 1, 2]);
      await waitFor('the runs to end', async () => ((await extensionState(true)).active.length === 0 ? true : undefined), 90_000);
    } finally {
      await settings.update('seqlab.maxConcurrentRuns', undefined, vscode.ConfigurationTarget.Workspace);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });
});
