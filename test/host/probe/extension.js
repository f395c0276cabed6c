// Stand-in for the SeqLab extension (same id, seqlab.seqlab) used by test/host while dist/extension.js
// does not exist. Plain CommonJS, no build. Adapted from the shared code-server probe.
const vscode = require('vscode');

class ConfigTree {
  constructor() { this.emitter = new vscode.EventEmitter(); this.onDidChangeTreeData = this.emitter.event; }
  refresh() { this.emitter.fire(undefined); }
  getTreeItem(uri) {
    const item = new vscode.TreeItem(uri.path.split('/').pop(), vscode.TreeItemCollapsibleState.None);
    item.command = { command: 'seqlab.probe.hello', title: 'Hello', arguments: [item.label] };
    return item;
  }
  async getChildren(el) {
    if (el) return [];
    const uris = await vscode.workspace.findFiles('**/*.seqlab.json');
    return uris.sort((a, b) => a.path.localeCompare(b.path));
  }
}

function panelHtml(webview, nonce) {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${webview.cspSource}; script-src 'nonce-${nonce}';">
</head><body><h1 id="title">SeqLab probe panel</h1><p id="status">loading</p>
<script nonce="${nonce}">
  const vscode = acquireVsCodeApi();
  document.getElementById('status').textContent = 'ready';
  document.body.dataset.ready = 'true';
  vscode.postMessage({ type: 'ready' });
</script></body></html>`;
}

function activate(context) {
  const tree = new ConfigTree();
  context.subscriptions.push(
    vscode.window.registerTreeDataProvider('seqlab.probe.configs', tree),
    vscode.languages.registerCodeLensProvider({ pattern: '**/*.seqlab.json' }, {
      provideCodeLenses: (doc) => [new vscode.CodeLens(new vscode.Range(0, 0, 0, 0),
        { title: 'Probe: hello', command: 'seqlab.probe.hello', arguments: [doc.uri.path.split('/').pop()] })],
    }),
    vscode.commands.registerCommand('seqlab.probe.hello', (arg) => {
      const text = `Hello from SeqLab probe${arg ? ' (' + arg + ')' : ''}`;
      vscode.window.showInformationMessage(text);
      return text;
    }),
    vscode.commands.registerCommand('seqlab.probe.refresh', () => tree.refresh()),
    vscode.commands.registerCommand('seqlab.probe.showPanel', () => {
      const panel = vscode.window.createWebviewPanel('seqlab.probe.panel', 'SeqLab Probe', vscode.ViewColumn.One, { enableScripts: true });
      panel.webview.html = panelHtml(panel.webview, Math.random().toString(36).slice(2));
      return panel;
    }),
  );
  return { tree };
}
function deactivate() {}
module.exports = { activate, deactivate };
