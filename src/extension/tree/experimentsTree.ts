// Renders the plain TreeNodes of treeModel; refreshes on the stores' own change events.

import * as vscode from 'vscode';
import type { ConfigIndex } from '../configs/configIndex';
import { COMMANDS } from '../constants';
import type { RunCatalog } from '../runs/runsOnDisk';
import type { JobList } from '../training/trainingJobs';
import { buildTree, type TreeNode } from './treeModel';

export class ExperimentsTree implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<TreeNode | undefined>();
  private readonly disposables: vscode.Disposable[];
  private roots: TreeNode[] = [];
  private readonly parents = new Map<string, TreeNode>();
  readonly onDidChangeTreeData = this.emitter.event;

  constructor(
    private readonly configs: ConfigIndex,
    private readonly runs: RunCatalog,
    private readonly jobs: JobList,
  ) {
    const fire = () => this.rebuild();
    this.disposables = [this.emitter, configs.onDidChange(fire), runs.onDidChange(fire), jobs.onDidChange(fire), jobs.onDidChangeLive(fire)];
    this.rebuild();
  }

  /** The current roots (for the integration tests' state hook). */
  nodes(): readonly TreeNode[] {
    return this.roots;
  }

  private rebuild(): void {
    this.roots = buildTree(this.configs.list(), this.runs.list(), this.jobs.active(), {
      damaged: this.runs.damaged(),
      resumability: (id) => this.runs.resumability(id),
      decoding: (id) => this.runs.decoding(id),
    });
    this.parents.clear();
    const walk = (n: TreeNode) => {
      if (n.kind === 'folder' || n.kind === 'config') for (const c of n.children) (this.parents.set(c.id, n), walk(c));
    };
    this.roots.forEach(walk);
    this.emitter.fire(undefined);
  }

  getChildren(node?: TreeNode): TreeNode[] {
    if (!node) return this.roots;
    return node.kind === 'folder' || node.kind === 'config' ? node.children : [];
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return this.parents.get(node.id);
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const C = vscode.TreeItemCollapsibleState;
    switch (node.kind) {
      case 'folder': {
        const item = new vscode.TreeItem(node.label, C.Expanded);
        item.id = node.id;
        item.iconPath = vscode.ThemeIcon.Folder;
        item.contextValue = 'folder';
        return item;
      }
      case 'config': {
        const item = new vscode.TreeItem(node.label, node.children.length > 0 ? C.Collapsed : C.None);
        item.id = node.id;
        item.description = node.description;
        item.tooltip = node.tooltip;
        item.resourceUri = vscode.Uri.file(node.path);
        item.iconPath = new vscode.ThemeIcon('beaker');
        item.contextValue = 'config';
        item.command = { command: 'vscode.open', title: 'Open Config', arguments: [vscode.Uri.file(node.path)] };
        return item;
      }
      case 'run': {
        const item = new vscode.TreeItem(node.label, C.None);
        item.id = node.id;
        item.description = node.description;
        const md = new vscode.MarkdownString(node.tooltip);
        md.supportThemeIcons = true;
        item.tooltip = md;
        item.iconPath = new vscode.ThemeIcon(node.icon.id, node.icon.color ? new vscode.ThemeColor(node.icon.color) : undefined);
        item.contextValue = node.contextValue;
        item.command = { command: COMMANDS.openDashboard, title: 'Open Dashboard', arguments: [node.runId] };
        return item;
      }
      case 'queued': {
        const item = new vscode.TreeItem(node.label, C.None);
        item.id = node.id;
        item.description = node.description;
        item.iconPath = new vscode.ThemeIcon(node.icon.id);
        item.contextValue = node.contextValue;
        return item;
      }
      case 'damaged': {
        const item = new vscode.TreeItem(node.label, C.None);
        item.id = node.id;
        item.description = node.description;
        item.tooltip = new vscode.MarkdownString(node.tooltip);
        item.iconPath = new vscode.ThemeIcon(node.icon.id, node.icon.color ? new vscode.ThemeColor(node.icon.color) : undefined);
        item.contextValue = node.contextValue;
        return item;
      }
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
