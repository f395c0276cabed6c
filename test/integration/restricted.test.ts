// SeqLab in Restricted Mode (capabilities.untrustedWorkspaces: limited). runIntegration.mjs runs this file
// alone, in its untrusted pass: workspace trust on, the fixture folder never trusted. The tree, CodeLens and
// validation work; Train starts nothing and writes no run folder.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import { activateExtension, assertConfigsInTree, extensionState, openWorkspaceFile, waitFor, workspaceFile } from './helpers';

const state = extensionState;
const listing = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []);

suite('SeqLab in Restricted Mode', function () {
  this.timeout(60_000);

  suiteSetup(async () => {
    await activateExtension();
  });

  test('the workspace is untrusted', () => {
    assert.equal(vscode.workspace.isTrusted, false);
  });

  test('the tree lists configs', assertConfigsInTree);

  test('CodeLens and validation work', async () => {
    const editor = await openWorkspaceFile('tiny.seqlab.json');
    const titles = await waitFor('lenses', async () => {
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri);
      const t = (lenses ?? []).map((l) => l.command?.title ?? '');
      return t.length > 0 ? t : undefined;
    });
    assert.ok(titles.some((t) => t.startsWith('▶ Train')), titles.join(' | '));
    const r = await vscode.commands.executeCommand<{ errors: number }>('seqlab.validateConfig', workspaceFile('broken.seqlab.json').fsPath);
    assert.ok(r.errors >= 2, JSON.stringify(r));
  });

  test('Train and Compare start no process and create no run folder', async () => {
    const before = await state(true);
    assert.ok(before.runsDir);
    const runsBefore = listing(before.runsDir);
    const config = workspaceFile('tiny.seqlab.json').fsPath;
    // each command resolves once it has refused; a job it had queued would have forked its trainer by then
    assert.equal(await vscode.commands.executeCommand('seqlab.train', config), undefined);
    assert.deepEqual(await vscode.commands.executeCommand('seqlab.compareCells', config), []);
    const after = await state(true);
    assert.equal(after.engine.started, before.engine.started, 'the engine client forked nothing');
    assert.deepEqual(after.active, []);
    assert.equal(after.runs.length, before.runs.length);
    assert.deepEqual(listing(before.runsDir), runsBefore);
  });

  test('the way to trust, workbench.trust.manage, exists', async () => {
    assert.ok((await vscode.commands.getCommands(true)).includes('workbench.trust.manage'));
  });
});
