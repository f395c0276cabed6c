// Shared helpers for integration tests that run inside the real extension host (see index.ts).
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';

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

/** What the hidden `seqlab.internal.state` command reports: the extension's view of configs, runs and tree. */
export interface ExtensionState {
  runsDir: string;
  configs: { path: string }[];
  runs: { id: string; status: { kind: string; message?: string }; configPath: string; cell: string }[];
  active: unknown[];
  tree: { kind: string; label: string; children?: { kind: string; runId?: string; icon?: { id: string } }[] }[];
  /** Open dashboards: each slot a run id, or a job key while that run waits in the queue. */
  panels: { title: string; slots: { id: string; kind: 'run' | 'job'; colorIndex: number }[] }[];
  native: { state: { kind: string; dir: string; version?: string }; trainerEnv: Record<string, string>; logFile: string };
}

export const extensionState = (refresh = false) => vscode.commands.executeCommand<ExtensionState>('seqlab.internal.state', refresh);

/** The fixture configs appear in the tree (the same in a trusted and an untrusted window). */
export async function assertConfigsInTree(): Promise<void> {
  const s = await waitFor('configs in the tree', async () => {
    const st = await extensionState(true);
    return st.tree.length >= 3 ? st : undefined;
  });
  assert.ok(s.configs.some((c) => c.path.endsWith('tiny.seqlab.json')));
  assert.ok(s.tree.some((n) => n.kind === 'config' && n.label === 'tiny'));
}
