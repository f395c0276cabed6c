// The *.seqlab.json files of the workspace, found once with findFiles and kept current by a watcher.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { CONFIG_EXCLUDE, CONFIG_GLOB } from '../constants';
import type { ConfigEntry } from '../tree/treeModel';

export class ConfigIndex implements vscode.Disposable {
  private entries: ConfigEntry[] = [];
  private readonly emitter = new vscode.EventEmitter<void>();
  private readonly watcher: vscode.FileSystemWatcher;
  private timer: NodeJS.Timeout | undefined;
  readonly onDidChange = this.emitter.event;

  constructor() {
    this.watcher = vscode.workspace.createFileSystemWatcher(CONFIG_GLOB, false, true, false);
    this.watcher.onDidCreate(() => this.schedule());
    this.watcher.onDidDelete(() => this.schedule());
  }

  list(): readonly ConfigEntry[] {
    return this.entries;
  }

  async refresh(): Promise<void> {
    const uris = await vscode.workspace.findFiles(CONFIG_GLOB, CONFIG_EXCLUDE, 2000);
    this.entries = uris
      .filter((u) => u.scheme === 'file')
      .map((u): ConfigEntry => {
        const folder = vscode.workspace.getWorkspaceFolder(u);
        const base = folder?.uri.fsPath ?? path.dirname(u.fsPath);
        return { path: u.fsPath, workspaceFolder: folder?.name ?? '', relativePath: path.relative(base, u.fsPath).split(path.sep).join('/') };
      });
    this.emitter.fire();
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), 200);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.watcher.dispose();
    this.emitter.dispose();
  }
}
