// CodeLens above the first line of every *.seqlab.json: Train / Stop, Compare (cells; an encoder–decoder's
// attention too), Dashboard, last result,
// or the problem count. The titles come from lensModel; this only places them.

import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ConfigDiagnostics } from '../configs/configDiagnostics';
import type { RunCatalog } from '../runs/runsOnDisk';
import type { JobList } from '../training/trainingJobs';
import { configLenses } from './lensModel';

const SETTLE_MS = 500;

export class ConfigCodeLens implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[];
  readonly onDidChangeCodeLenses = this.emitter.event;

  constructor(
    private readonly runs: RunCatalog,
    private readonly jobs: JobList,
    private readonly diagnostics: ConfigDiagnostics,
  ) {
    // Fire now, and once more when the events have settled: an event that lands while the editor's lens
    // request is in flight was seen to leave stale lenses (the E2E test caught "last run" missing).
    const fire = () => {
      this.emitter.fire();
      if (this.settle) clearTimeout(this.settle);
      this.settle = setTimeout(() => {
        this.settle = undefined;
        this.emitter.fire();
      }, SETTLE_MS);
    };
    this.disposables = [this.emitter, runs.onDidChange(fire), jobs.onDidChange(fire), jobs.onDidChangeLive(fire), diagnostics.onDidValidate(fire)];
  }

  private settle: NodeJS.Timeout | undefined;

  async provideCodeLenses(doc: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    // the first request may come before the debounced validation: validate now
    const result = this.diagnostics.result(doc.uri) ?? (await this.diagnostics.validate(doc));
    const configPath = doc.uri.fsPath;
    const same = (p: string) => path.resolve(p) === path.resolve(configPath);
    const specs = configLenses({
      configPath,
      errors: result.errors,
      ...(result.compare && { compare: result.compare }),
      ...(result.config?.model.kind === 'seq2seq' && { attention: result.config.model.attention }),
      active: this.jobs.active().filter((j) => same(j.request.configPath)),
      lastRun: this.runs.list().find((r) => same(r.meta.info.configPath)),
      now: new Date(),
    });
    const range = new vscode.Range(0, 0, 0, 0);
    return specs.map((s) => new vscode.CodeLens(range, { title: s.title, command: s.command, arguments: s.args, ...(s.tooltip && { tooltip: s.tooltip }) }));
  }

  dispose(): void {
    if (this.settle) clearTimeout(this.settle);
    for (const d of this.disposables) d.dispose();
  }
}
