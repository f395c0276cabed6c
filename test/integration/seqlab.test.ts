// The SeqLab extension inside a real VS Code: commands, CodeLens, diagnostics, tree, real training runs.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import { activateExtension, assertConfigsInTree, configRow, extensionPath, extensionState, hostStats, openWorkspaceFile, runningWithSteps, waitFor, workspaceFile } from './helpers';

const state = extensionState;

suite('SeqLab extension', function () {
  this.timeout(120_000);

  suiteSetup(async () => {
    await activateExtension();
  });

  test('every registered seqlab.* command (except internal hooks) is contributed, and vice versa', async () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(extensionPath(), 'package.json'), 'utf8')) as { contributes: { commands: { command: string }[] } };
    const declared = manifest.contributes.commands.map((c) => c.command).sort();
    const registered = (await vscode.commands.getCommands(true)).filter((c) => c.startsWith('seqlab.') && !c.startsWith('seqlab.internal.'))
      // VS Code's own commands for the view (focus, toggleVisibility, …)
      .filter((c) => !c.startsWith('seqlab.experiments.') && c !== 'seqlab.experiments')
      .sort();
    assert.deepEqual(registered, declared);
  });

  test('activation is cheap', async () => {
    const stats = await hostStats();
    console.log(`    activate() took ${stats.activationMs.toFixed(1)} ms`);
    assert.ok(stats.activationMs < 100, `activate() took ${stats.activationMs} ms`);
  });

  test('CodeLens: Train, Compare, … on a valid config', async () => {
    const editor = await openWorkspaceFile('tiny.seqlab.json');
    const titles = await waitFor('lenses', async () => {
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri);
      const t = (lenses ?? []).map((l) => l.command?.title ?? '');
      return t.some((x) => x.startsWith('▶ Train') || x.startsWith('■')) ? t : undefined;
    });
    assert.ok(titles.includes('Compare RNN · LSTM · GRU'), titles.join(' | '));
  });

  test('CodeLens and diagnostics: a broken config shows its problems', async () => {
    const editor = await openWorkspaceFile('broken.seqlab.json');
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri);
    const titles = lenses.map((l) => l.command?.title ?? '');
    assert.match(titles[0], /^⚠ \d+ problems?$/);
    assert.ok(!titles.some((t) => t.startsWith('▶ Train')));
    const diags = await waitFor('diagnostics', () => {
      const d = vscode.languages.getDiagnostics(editor.document.uri).filter((x) => x.source === 'seqlab');
      return d.length > 0 ? d : undefined;
    });
    const texts = diags.map((d) => editor.document.getText(d.range));
    assert.ok(texts.some((t) => t.includes('lstn')), texts.join(' | '));
  });

  test('diagnostics: a CSV column not in the header is marked where it is written', async () => {
    const uri = workspaceFile('tiny-csv.seqlab.json');
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc);
    const original = doc.getText();
    try {
      await editor.edit((e) => e.replace(new vscode.Range(doc.positionAt(0), doc.positionAt(original.length)), original.replace('"targets": ["visitors"]', '"targets": ["vistors"]')));
      const d = await waitFor('column diagnostic', () => vscode.languages.getDiagnostics(uri).find((x) => x.message.includes('vistors')));
      assert.equal(doc.getText(d.range), '"vistors"');
    } finally {
      await editor.edit((e) => e.replace(new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), original));
      await doc.save();
    }
  });

  test('diagnostics: a misspelt key does not hide a missing data file', async () => {
    const uri = workspaceFile('tiny-csv.seqlab.json');
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc);
    const original = doc.getText();
    const changed = original.replace('"name":', '"nmae": "x",\n  "name":').replace(/"path": "[^"]*"/, '"path": "nowhere.csv"');
    assert.notEqual(changed, original);
    try {
      await editor.edit((e) => e.replace(new vscode.Range(doc.positionAt(0), doc.positionAt(original.length)), changed));
      const both = await waitFor('typo and missing-file diagnostics', () => {
        const d = vscode.languages.getDiagnostics(uri).filter((x) => x.source === 'seqlab');
        const typo = d.find((x) => x.message.includes('Unknown setting "nmae"'));
        const missing = d.find((x) => x.message.includes('nowhere.csv'));
        return typo && missing ? { typo, missing } : undefined;
      });
      assert.equal(doc.getText(both.typo.range), '"nmae"');
      assert.equal(doc.getText(both.missing.range), '"nowhere.csv"');
    } finally {
      await editor.edit((e) => e.replace(new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), original));
      await doc.save();
    }
  });

  test('the tree lists configs', assertConfigsInTree);

  test('Train on the tiny config gives a finished run that the tree shows', async () => {
    await vscode.commands.executeCommand<number>('seqlab.internal.eventLoopLag', true);
    const runId = await vscode.commands.executeCommand<string | undefined>('seqlab.train', workspaceFile('tiny.seqlab.json').fsPath);
    assert.ok(runId, 'Train returned no run id');
    const finished = await waitFor(
      'the run to finish',
      async () => {
        const s = await state(true);
        const run = s.runs.find((r) => r.id === runId);
        return run && run.status.kind !== 'running' && s.active.length === 0 ? s : undefined;
      },
      90_000,
    );
    const lag = await vscode.commands.executeCommand<number>('seqlab.internal.eventLoopLag');
    console.log(`    event-loop lag during the run: max ${lag.toFixed(1)} ms`);
    assert.equal(finished.runs.find((r) => r.id === runId)?.status.kind, 'finished');
    const node = configRow(finished.tree, 'tiny')?.children.find((c) => c.kind === 'run' && c.runId === runId);
    assert.equal(node?.icon.id, 'pass');
  });

  test('Stop cancels a running run', async () => {
    const config = workspaceFile('long.seqlab.json');
    const text = fs.readFileSync(workspaceFile('tiny.seqlab.json').fsPath, 'utf8').replace('"maxSteps": 20', '"maxSteps": 1000000, "epochs": 100000').replace('"name": "tiny"', '"name": "long"');
    fs.writeFileSync(config.fsPath, text);
    const runId = await vscode.commands.executeCommand<string>('seqlab.train', config.fsPath);
    assert.ok(runId);
    await runningWithSteps(runId);
    await vscode.commands.executeCommand('seqlab.stopRun', runId);
    const run = await waitFor('the run to stop', async () => (await state(true)).runs.find((r) => r.id === runId && r.status.kind !== 'running'));
    assert.equal(run.status.kind, 'cancelled');
  });

  test('a trainer killed with SIGKILL gives a failed run', async () => {
    const config = workspaceFile('long.seqlab.json');
    const runId = await vscode.commands.executeCommand<string>('seqlab.train', config.fsPath);
    assert.ok(runId);
    await runningWithSteps(runId);
    assert.equal(await vscode.commands.executeCommand('seqlab.internal.killTrainer', runId, 'SIGKILL'), true);
    const run = await waitFor('the run to fail', async () => (await state(true)).runs.find((r) => r.id === runId && r.status.kind !== 'running'));
    assert.equal(run.status.kind, 'failed');
    assert.match(run.status.message ?? '', /SIGKILL/);
  });

  test('Validate Config reports the problems count', async () => {
    const r = await vscode.commands.executeCommand<{ errors: number }>('seqlab.validateConfig', workspaceFile('broken.seqlab.json').fsPath);
    assert.ok(r.errors >= 2, JSON.stringify(r));
  });
});
