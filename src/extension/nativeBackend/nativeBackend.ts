// Install Native Backend: @tensorflow/tfjs-node (or @tensorflow/tfjs-node-gpu, where the setting names it),
// optional, installed by npm into the extension's global storage (<globalStorage>/native, an npm prefix) and
// handed to every trainer as SEQLAB_TFJS_NODE_DIR.
// Nothing else depends on it: without it the tfjs backend runs on TensorFlow.js's own wasm engine and the
// default wasm kernels need nothing. The npm process belongs to this object and dies with it.

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { NATIVE_DIR_ENV, type NativePackage, nativeShortName } from '../../shared/nativeEngine';
import { SETTINGS } from '../constants';
import { failureMessage, findOnPath, type InstallOutcome, type InstallRecord, installNative, isGpuSpec, nativeSpec, packageDirIn, readInstalled } from './nativeInstall';

export type NativeState =
  | { kind: 'absent'; dir: string }
  | { kind: 'installed'; dir: string; package: NativePackage; version: string; record?: InstallRecord }
  | { kind: 'installing'; dir: string; spec: string };

/** `seqlab.installNativeBackend` arguments for scripts and tests; the palette passes none and gets asked. */
export type NativeAction = 'install' | 'remove' | 'status';

export type NativeCommandResult = InstallOutcome | { kind: 'removed'; dir: string } | NativeState | undefined;

const PROGRESS_EVERY_MS = 200;

export function statusLine(state: NativeState, inheritedDir: string | undefined): string {
  switch (state.kind) {
    case 'absent':
      return `native engine: not installed in ${state.dir}. ${
        inheritedDir ? `Trainers inherit ${NATIVE_DIR_ENV}=${inheritedDir} from VS Code's environment.` : `Backend "tfjs" runs on TensorFlow.js's wasm engine.`
      }`;
    case 'installed':
      return `native engine: ${nativeShortName(state.package)} ${state.version} in ${state.dir}${state.record ? ` (${state.record.spec}, installed ${state.record.installedAt})` : ''}; trainers get ${NATIVE_DIR_ENV}=${state.dir}${
        inheritedDir && inheritedDir !== state.dir ? ` instead of ${inheritedDir} from VS Code's environment` : ''
      }.`;
    case 'installing':
      return `native engine: installing ${state.spec} into ${state.dir}`;
  }
}

export class NativeBackend implements vscode.Disposable {
  /** The npm prefix: <dir>/node_modules/@tensorflow/tfjs-node (or …/tfjs-node-gpu) once installed. */
  readonly dir: string;
  readonly logFile: string;
  private installing: { spec: string; abort: AbortController; done: Promise<InstallOutcome> } | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.OutputChannel,
  ) {
    this.dir = path.join(context.globalStorageUri.fsPath, 'native');
    this.logFile = path.join(context.globalStorageUri.fsPath, 'native-install.log');
  }

  async state(): Promise<NativeState> {
    if (this.installing) return { kind: 'installing', dir: this.dir, spec: this.installing.spec };
    const found = await readInstalled(this.dir);
    return found ? { kind: 'installed', dir: this.dir, package: found.package, version: found.version, ...(found.record && { record: found.record }) } : { kind: 'absent', dir: this.dir };
  }

  /**
   * Extra environment for a trainer: the prefix when tfjs-node or tfjs-node-gpu is installed there. Checked
   * on every start (a stat or two), so a removal or a reinstall takes effect with the next run. An inherited
   * SEQLAB_TFJS_NODE_DIR is left alone when nothing is installed here.
   */
  trainerEnv(): NodeJS.ProcessEnv {
    return packageDirIn(this.dir) ? { [NATIVE_DIR_ENV]: this.dir } : {};
  }

  /** The command: with no argument it asks (install, or reinstall / remove when installed). */
  async command(action?: NativeAction): Promise<NativeCommandResult> {
    const state = await this.state();
    this.log(statusLine(state, process.env[NATIVE_DIR_ENV]));
    if (action === 'status') return state;
    if (action === 'remove') return this.remove();
    if (action === 'install') return this.install();
    if (state.kind === 'installing') {
      this.output.show(true);
      return state;
    }
    const spec = this.spec();
    if (state.kind === 'installed') {
      const choice = await vscode.window.showInformationMessage(
        `SeqLab: the native TensorFlow engine (${nativeShortName(state.package)} ${state.version}) is installed. Runs with backend "tfjs" use it.`,
        'Reinstall',
        'Remove',
        'Show Log',
      );
      if (choice === 'Reinstall') return this.install();
      if (choice === 'Remove') return this.remove();
      if (choice === 'Show Log') this.output.show(true);
      return state;
    }
    const choice = await vscode.window.showInformationMessage(
      `Install ${spec}, the native TensorFlow engine for SeqLab's "tfjs" backend?`,
      {
        modal: true,
        detail: `npm installs it into ${this.dir}; its install script downloads libtensorflow (several hundred MB) from storage.googleapis.com. ${
          isGpuSpec(spec) ? 'The GPU build needs an NVIDIA driver, CUDA 11.2 and cuDNN 8.1 (Linux x64 or Windows); without a usable GPU it runs on the CPU at best. ' : ''
        }It is optional: SeqLab's default WebAssembly kernels are faster on a CPU and need no install.`,
      },
      'Install',
    );
    return choice === 'Install' ? this.install() : undefined;
  }

  private spec(): string {
    return nativeSpec(vscode.workspace.getConfiguration().get<string>(SETTINGS.nativeBackendPackage), process.env);
  }

  private log(line: string): void {
    this.output.appendLine(`[native] ${line}`);
  }

  /** Runs npm under a cancellable progress notification; never throws. */
  install(): Promise<InstallOutcome> {
    if (this.installing) return this.installing.done;
    const spec = this.spec();
    const abort = new AbortController();
    const done = this.runInstall(spec, abort).catch((e: unknown) => {
      // e.g. the global storage folder cannot be created
      const outcome: InstallOutcome = { kind: 'failed', failure: 'npmFailed', message: failureMessage('npmFailed', e instanceof Error ? e.message : String(e), spec) };
      this.report(outcome, spec);
      return outcome;
    });
    this.installing = { spec, abort, done };
    void done.finally(() => (this.installing = undefined));
    return done;
  }

  private async runInstall(spec: string, abort: AbortController): Promise<InstallOutcome> {
    const npm = findOnPath('npm');
    if (!npm) {
      this.log(`npm is not on PATH (${process.env.PATH ?? ''})`);
      const outcome: InstallOutcome = { kind: 'failed', failure: 'npmMissing', message: failureMessage('npmMissing', '', spec) };
      this.report(outcome, spec);
      return outcome;
    }
    fs.mkdirSync(path.dirname(this.logFile), { recursive: true });
    const logFile = fs.createWriteStream(this.logFile, { flags: 'w' });
    logFile.on('error', () => undefined);
    const outcome = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `SeqLab: installing ${spec}`, cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => abort.abort());
        // the notification shows npm's latest line, updated at most every PROGRESS_EVERY_MS
        let latest = 'npm install…';
        let timer: NodeJS.Timeout | undefined;
        const show = () => {
          timer = undefined;
          progress.report({ message: latest.length > 90 ? `${latest.slice(0, 89)}…` : latest });
        };
        show();
        const onLine = (line: string) => {
          this.log(line);
          logFile.write(line + '\n');
          latest = line;
          timer ??= setTimeout(show, PROGRESS_EVERY_MS);
        };
        try {
          return await installNative({ prefix: this.dir, spec, npm, onLine, signal: abort.signal });
        } catch (e) {
          const message = e instanceof Error ? e.message : String(e);
          onLine(`error: ${message}`);
          return { kind: 'failed', failure: 'npmFailed', message: failureMessage('npmFailed', message, spec) } as InstallOutcome;
        } finally {
          if (timer) clearTimeout(timer);
        }
      },
    );
    await new Promise<void>((r) => logFile.end(r));
    this.report(outcome, spec);
    return outcome;
  }

  /** Tells the user, without waiting for a click (commands that tests run must not block on a button). */
  private report(outcome: InstallOutcome, spec: string): void {
    switch (outcome.kind) {
      case 'installed':
        this.log(`installed ${nativeShortName(outcome.package)} ${outcome.version} into ${outcome.dir}; new runs get ${NATIVE_DIR_ENV}=${outcome.dir}`);
        void vscode.window.showInformationMessage(`SeqLab: native TensorFlow engine installed (${nativeShortName(outcome.package)} ${outcome.version}). Runs with backend "tfjs" now use it.`, 'Show Log').then((a) => {
          if (a) this.output.show(true);
        });
        break;
      case 'cancelled':
        this.log(`install of ${spec} cancelled; nothing changed`);
        void vscode.window.showInformationMessage('SeqLab: native engine install cancelled; nothing changed.');
        break;
      case 'failed': {
        this.log(`install failed (${outcome.failure}): ${outcome.message}`);
        const actions = outcome.failure === 'libtensorflowDownload' ? ['Show Log', 'Open README'] : ['Show Log'];
        void vscode.window.showErrorMessage(outcome.message, ...actions).then((a) => {
          if (a === 'Show Log') this.output.show(true);
          if (a === 'Open README') void vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.joinPath(this.context.extensionUri, 'README.md'));
        });
        break;
      }
      default: {
        const never: never = outcome;
        throw new Error(`unexpected outcome ${JSON.stringify(never)}`);
      }
    }
  }

  private async remove(): Promise<{ kind: 'removed'; dir: string } | NativeState> {
    if (this.installing) {
      void vscode.window.showWarningMessage('SeqLab: the native engine is being installed; cancel that first.');
      return this.state();
    }
    await fs.promises.rm(this.dir, { recursive: true, force: true });
    this.log(`removed ${this.dir}; backend "tfjs" runs on TensorFlow.js's wasm engine again`);
    void vscode.window.showInformationMessage('SeqLab: native TensorFlow engine removed.');
    return { kind: 'removed', dir: this.dir };
  }

  dispose(): void {
    this.installing?.abort.abort();
  }
}
