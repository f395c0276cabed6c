import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite, test } from 'mocha';
import * as vscode from 'vscode';
import { activateExtension, extensionPath, workspaceFile } from './helpers';

interface Manifest { contributes?: { commands?: { command: string }[] } }

suite('activation', () => {
  test('the extension is installed and activates', async () => {
    const ext = await activateExtension();
    assert.equal(ext.isActive, true);
  });

  test('every command in package.json contributes.commands is registered', async () => {
    await activateExtension();
    // read from disk at run time, so a command added to package.json without a registration fails here
    const manifest = JSON.parse(fs.readFileSync(path.join(extensionPath(), 'package.json'), 'utf8')) as Manifest;
    const declared = (manifest.contributes?.commands ?? []).map((c) => c.command);
    assert.ok(declared.length > 0, 'package.json declares no commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(declared.filter((c) => !registered.has(c)), [], 'declared but not registered');
  });

  test('the fixture workspace is open', async () => {
    const stat = await vscode.workspace.fs.stat(workspaceFile('tiny.seqlab.json'));
    assert.equal(stat.type, vscode.FileType.File);
  });
});
