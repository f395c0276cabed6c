// Shared helpers for integration tests that run inside the real extension host (see index.ts).
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionState, HostStats } from '../../src/extension/testHooks';
import type { ActiveRun } from '../../src/extension/training/activeRun';
import type { ConfigNode, TreeNode } from '../../src/extension/tree/treeModel';

export const EXTENSION_ID = 'seqlab.seqlab';

/** The extension under test, activated (activation events are not waited for: activate() is explicit). */
export async function activateExtension<T = unknown>(): Promise<vscode.Extension<T>> {
  const ext = vscode.extensions.getExtension<T>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not installed in this window`);
  await ext.activate();
  return ext;
}

/** The fixture workspace folder (a temp copy of test/fixtures/workspace, opened by the runner). */
export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder is open');
  return folder.uri;
}

export function workspaceFile(...segments: string[]): vscode.Uri {
  return vscode.Uri.joinPath(workspaceRoot(), ...segments);
}

/** Opens a workspace file in an editor; CodeLens and diagnostics providers only see opened documents. */
export async function openWorkspaceFile(...segments: string[]): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(workspaceFile(...segments));
  return vscode.window.showTextDocument(doc);
}

/** Polls `probe` until it returns a truthy value; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The repository checkout the extension was loaded from (extensionDevelopmentPath). */
export function extensionPath(): string {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext);
  return path.resolve(ext.extensionPath);
}

export type { ExtensionState, HostStats };

export const extensionState = (refresh = false) => vscode.commands.executeCommand<ExtensionState>('seqlab.internal.state', refresh);
export const hostStats = () => vscode.commands.executeCommand<HostStats>('seqlab.internal.stats');

/** The tree's row of the config named `label`. */
export const configRow = (tree: readonly TreeNode[], label: string): ConfigNode | undefined =>
  tree.find((n): n is ConfigNode => n.kind === 'config' && n.label === label);

/** The job of `runId` once its trainer has reported a training step. */
export async function runningWithSteps(runId: string, timeoutMs = 60_000): Promise<ActiveRun> {
  return waitFor(
    `run ${runId} to report a training step`,
    async () => (await extensionState()).active.find((j) => j.state.kind === 'running' && j.state.runId === runId && j.state.step > 0),
    timeoutMs,
  );
}

/** The fixture configs appear in the tree (the same in a trusted and an untrusted window). */
export async function assertConfigsInTree(): Promise<void> {
  const s = await waitFor('configs in the tree', async () => {
    const st = await extensionState(true);
    return st.tree.length >= 3 ? st : undefined;
  });
  assert.ok(s.configs.some((c) => c.path.endsWith('tiny.seqlab.json')));
  assert.ok(s.tree.some((n) => n.kind === 'config' && n.label === 'tiny'));
}
