// The commands that ask the engine about a trained model: Generate Sample, Translate and Export Model. All
// are allowed in Restricted Mode: the engine reads the run folder only (weights, config snapshot) and writes
// inside it; nothing the workspace's configs point to is read or run.

import * as fsp from 'node:fs/promises';
import * as vscode from 'vscode';
import { exportDirOf } from '../../runs/runFiles';
import type { ExportResult } from '../../shared/modelExport';
import type { TranslateResult } from '../../shared/translation';
import { COMMANDS } from '../constants';
import { sampleText } from '../engine/sampleText';
import { TRANSLATE_TIMEOUT_MS, TRANSLATE_TOP, translationReport, translationSummary } from '../engine/translationText';
import { runTitle } from '../runs/runNames';
import { isTextRun, temperatureProblem, translatableIn } from './commandArgs';
import { reveal, runIdOf } from './commandPrompts';
import type { CommandDeps } from './registerCommands';

const SAMPLE_LENGTH = 300;

/** A cancellable notification whose Cancel aborts `work`'s signal. */
function withCancellableProgress<T>(title: string, work: (signal: AbortSignal) => Promise<T>): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (_progress, token) => {
    const abort = new AbortController();
    token.onCancellationRequested(() => abort.abort());
    return work(abort.signal);
  });
}

async function offerExported(r: ExportResult, title: string): Promise<void> {
  const open = 'Open model.json', show = 'Reveal in Explorer';
  const picked = await vscode.window.showInformationMessage(`SeqLab: exported ${title} (step ${r.step}) as a TensorFlow.js model to ${r.dir}`, open, show);
  if (picked === open) await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(vscode.Uri.file(r.modelJson)), { preview: true });
  else if (picked === show) await reveal(r.modelJson, 'Exported model');
}

export function modelCommands(d: CommandDeps): vscode.Disposable[] {
  const { runs, engine, ui } = d;

  /**
   * Translate…: a source text through an encoder–decoder run; the best output in a notification, every
   * hypothesis in the output channel. `text`: the source, from another command (else asked for).
   */
  async function translate(arg: unknown, text?: unknown): Promise<TranslateResult | undefined> {
    const id = await runIdOf(arg, runs, 'Encoder–decoder run to translate with', translatableIn(runs));
    const run = id ? runs.getRun(id) ?? (await runs.reload(id)) : undefined;
    const runsDir = runs.runsDir();
    if (!run || !runsDir) return undefined;
    const title = runTitle(run.meta.info);
    const source = typeof text === 'string'
      ? text
      : await vscode.window.showInputBox({ prompt: `Source text for ${title}`, placeHolder: 'What the encoder reads', ignoreFocusOut: true, validateInput: (v) => (v === '' ? 'Type the text to translate.' : undefined) });
    if (source === undefined) return undefined;
    const outcome = await withCancellableProgress(`SeqLab: translating with ${title}`, (signal) =>
      engine.request('translate', { runsDir, run: run.dir, sources: [source], top: TRANSLATE_TOP }, { signal, timeoutMs: TRANSLATE_TIMEOUT_MS }),
    );
    switch (outcome.kind) {
      case 'done': {
        const report = translationReport(outcome.result, title);
        for (const line of report) ui.output.appendLine(line);
        const details = 'Show Details';
        const [first] = outcome.result.translations;
        void vscode.window.showInformationMessage(`SeqLab: ${first ? translationSummary(first) : 'nothing to translate'}`, details).then((a) => a === details && ui.output.show(true));
        return outcome.result;
      }
      case 'failed':
        void vscode.window.showErrorMessage(`SeqLab: translating with ${title} failed — ${outcome.message}`);
        return undefined;
      case 'cancelled':
        return undefined;
    }
  }

  return [
    vscode.commands.registerCommand(COMMANDS.translate, translate),

    vscode.commands.registerCommand(COMMANDS.generateSample, async (arg?: unknown) => {
      const id = await runIdOf(arg, runs, 'Text model to sample from', isTextRun);
      if (!id) return undefined;
      const prime = await vscode.window.showInputBox({ prompt: 'Text to start from', value: 'The ' });
      if (prime === undefined) return undefined;
      const t = await vscode.window.showInputBox({ prompt: 'Temperature (0 = greedy, 1 = as learnt)', value: '0.8', validateInput: temperatureProblem });
      if (t === undefined) return undefined;
      try {
        const ask = { runId: id, prime, temperature: Number(t), length: SAMPLE_LENGTH };
        const run = runs.getRun(id);
        const text = await withCancellableProgress(`SeqLab: sampling from ${run ? runTitle(run.meta.info) : id}`, (signal) => sampleText(engine, runs, ask, signal));
        if (text === undefined) return undefined;
        await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ content: text, language: 'plaintext' }));
        return text;
      } catch (e) {
        void vscode.window.showErrorMessage(`SeqLab: sampling failed — ${e instanceof Error ? e.message : String(e)}`);
        return undefined;
      }
    }),

    vscode.commands.registerCommand(COMMANDS.exportModel, async (arg?: unknown): Promise<ExportResult | undefined> => {
      const id = await runIdOf(arg, runs, 'Run to export as a TensorFlow.js model');
      const run = id ? runs.getRun(id) ?? (await runs.reload(id)) : undefined;
      const runsDir = runs.runsDir();
      if (!run || !runsDir) return undefined;
      const dir = exportDirOf(run.dir, 'tfjs');
      const earlier = await fsp.readdir(dir).catch(() => [] as string[]);
      const title = runTitle(run.meta.info);
      let force = false;
      if (earlier.length > 0) {
        const replace = await vscode.window.showWarningMessage(`${title} (${run.id}) was exported before.`, { modal: true, detail: `Replace the TensorFlow.js model in ${dir}?` }, 'Replace');
        if (replace !== 'Replace') return undefined;
        force = true;
      }
      const outcome = await withCancellableProgress(`SeqLab: exporting ${title} to TensorFlow.js`, (signal) =>
        engine.request('export', { runsDir, run: run.dir, format: 'tfjs', weights: 'last', force }, { signal }),
      );
      switch (outcome.kind) {
        case 'done':
          void offerExported(outcome.result, title);
          return outcome.result;
        case 'failed':
          void vscode.window.showErrorMessage(`SeqLab: export failed — ${outcome.message}`);
          return undefined;
        case 'cancelled':
          return undefined;
      }
    }),
  ];
}
