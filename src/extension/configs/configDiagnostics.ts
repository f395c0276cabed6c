// Problems of *.seqlab.json files as editor diagnostics, the same as `seqlab validate` prints: the
// schema and cross-field checks of parseConfig and the data file's stat and head (fileChecks.ts) at
// once, then the data checks that load the data as `train` would (dataChecks.ts, in an engine child;
// not in Restricted Mode, where SeqLab reads no data). Validation runs debounced on edits, never
// during activation.

import * as vscode from 'vscode';
import type { CellKind, ExperimentConfig } from '../../shared/config';
import { type ConfigProblem, parseConfig } from '../../shared/configValidation';
import { type DataChecker, dataCheckKey, DataChecks } from './dataChecks';
import { fileProblems } from './fileChecks';

export interface ValidationResult {
  uri: vscode.Uri;
  errors: number;
  warnings: number;
  config?: ExperimentConfig;
  compare?: CellKind[];
  diagnostics: vscode.Diagnostic[];
}

const DEBOUNCE_MS = 300;

export const isConfigDocument = (doc: vscode.TextDocument) => doc.uri.scheme === 'file' && /\.seqlab\.json$/i.test(doc.uri.fsPath);

export class ConfigDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('seqlab');
  private readonly results = new Map<string, ValidationResult>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly dataChecks: DataChecks;
  readonly onDidValidate = this.emitter.event;

  /** `checker` runs the data checks (the engine's, engineDataChecker). */
  constructor(checker: DataChecker) {
    this.dataChecks = new DataChecks(checker);
    this.disposables.push(
      this.collection,
      this.emitter,
      vscode.workspace.onDidOpenTextDocument((d) => isConfigDocument(d) && this.schedule(d)),
      vscode.workspace.onDidChangeTextDocument((e) => isConfigDocument(e.document) && this.schedule(e.document)),
      vscode.workspace.onDidSaveTextDocument((d) => isConfigDocument(d) && this.schedule(d, 0)),
      vscode.workspace.onDidDeleteFiles((e) => e.files.forEach((u) => this.forget(u))),
    );
  }

  /** Validate the config documents already open (called after activation returns). */
  validateOpenDocuments(): void {
    for (const d of vscode.workspace.textDocuments) if (isConfigDocument(d)) this.schedule(d, 0);
  }

  result(uri: vscode.Uri): ValidationResult | undefined {
    return this.results.get(uri.toString());
  }

  schedule(doc: vscode.TextDocument, ms = DEBOUNCE_MS): void {
    const key = doc.uri.toString();
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.validate(doc);
      }, ms),
    );
  }

  /** Publishes the problems of `doc` as they are found; resolves once the data checks are in too. */
  async validate(doc: vscode.TextDocument): Promise<ValidationResult> {
    const text = doc.getText();
    const version = doc.version;
    const { config, rest, problems } = parseConfig(text, doc.uri.fsPath);
    // with a typo the data file is still looked at (rest: the config without its unknown keys)
    const checkable = config ?? rest;
    const file = checkable ? await fileProblems(text, doc.uri.fsPath, checkable) : { problems: [] };
    let result = this.publish(doc, version, config, [...problems, ...file.problems]);
    if (!config || result.errors > 0 || !vscode.workspace.isTrusted) return result;
    const data = await this.dataChecks.problems(doc.uri.toString(), text, doc.uri.fsPath, dataCheckKey(doc.uri.fsPath, config, file.stat));
    if (data && data.length > 0) result = this.publish(doc, version, config, [...problems, ...data]);
    return result;
  }

  /** Shows `problems` for `doc` at `version`, unless a newer edit has come since (its result wins). */
  private publish(doc: vscode.TextDocument, version: number, config: ExperimentConfig | undefined, problems: ConfigProblem[]): ValidationResult {
    const diagnostics = problems.map((p) => this.diagnostic(doc, p.offset, p.length, p.message, p.severity));
    const errors = diagnostics.filter((d) => d.severity === vscode.DiagnosticSeverity.Error).length;
    const result: ValidationResult = {
      uri: doc.uri,
      errors,
      warnings: diagnostics.length - errors,
      diagnostics,
      ...(config && errors === 0 && { config }),
      ...(config?.compare && { compare: config.compare }),
    };
    if (doc.version !== version && !doc.isClosed) return result;
    this.results.set(doc.uri.toString(), result);
    this.collection.set(doc.uri, diagnostics);
    this.emitter.fire(doc.uri);
    return result;
  }

  private diagnostic(doc: vscode.TextDocument, offset: number, length: number, message: string, severity: 'error' | 'warning'): vscode.Diagnostic {
    const range = new vscode.Range(doc.positionAt(offset), doc.positionAt(offset + Math.max(length, 0)));
    const d = new vscode.Diagnostic(range, message, severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
    d.source = 'seqlab';
    return d;
  }

  private forget(uri: vscode.Uri): void {
    this.dataChecks.forget(uri.toString());
    this.results.delete(uri.toString());
    this.collection.delete(uri);
  }

  dispose(): void {
    this.dataChecks.dispose();
    for (const t of this.timers.values()) clearTimeout(t);
    for (const d of this.disposables) d.dispose();
  }
}
