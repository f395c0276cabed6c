// New Experiment: pick a template, then (for file templates) a workspace file and a CSV column, or a pairs
// file from anywhere and its token level; propose a name no other experiment has; write the config next to
// the data (synthetic data, or a pairs file outside the workspace: the workspace root), open it. The
// CodeLens is right there.

import * as path from 'node:path';
import { parse as parseJsonc } from 'jsonc-parser';
import * as vscode from 'vscode';
import { CONFIG_EXCLUDE, CONFIG_GLOB } from '../constants';
import type { PairLevel } from '../../shared/pairsConfig';
import { nodeIo, parseHeader } from '../configs/fileChecks';
import { configFileName, freeConfigName, pairsConfigDir, renderTemplate, TEMPLATES, type TemplateInput, templateName, uniqueFileName } from './templates';

async function pickFile(glob: string, placeHolder: string): Promise<vscode.Uri | undefined> {
  const uris = await vscode.workspace.findFiles(glob, CONFIG_EXCLUDE, 500);
  if (uris.length === 0) {
    void vscode.window.showWarningMessage(`No ${glob} file in the workspace. Add one, or pick a synthetic task.`);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    uris.map((u) => ({ label: path.basename(u.fsPath), description: vscode.workspace.asRelativePath(u), uri: u })),
    { placeHolder, matchOnDescription: true },
  );
  return picked?.uri;
}

/** A pairs file from anywhere (the translation tutorials' downloads often sit outside the workspace). */
async function pickPairsFile(folder: vscode.Uri): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false,
    defaultUri: folder,
    filters: { 'Sequence pairs (source<TAB>target)': ['tsv', 'txt'] },
    openLabel: 'Use These Pairs',
    title: 'File of source<TAB>target pairs, one per line',
  });
  return picked?.[0];
}

async function pickPairLevel(): Promise<PairLevel | undefined> {
  const items: (vscode.QuickPickItem & { level: PairLevel })[] = [
    { label: 'Characters', detail: 'Each side read one character at a time: dates, spelling, transliteration, short strings.', level: 'char' },
    { label: 'Words', detail: 'Each side read one word at a time: sentence translation (lower-cased).', level: 'word' },
  ];
  return (await vscode.window.showQuickPick(items, { placeHolder: 'Tokens of the source and target' }))?.level;
}

function guessDelimiter(line: string): string {
  const counts = [',', ';', '\t'].map((d) => [d, line.split(d).length] as const);
  return counts.sort((a, b) => b[1] - a[1])[0][0];
}

/** The `name` of every config in the workspace (those that cannot be read or parsed name nothing). */
async function configNames(): Promise<Set<string>> {
  const uris = await vscode.workspace.findFiles(CONFIG_GLOB, CONFIG_EXCLUDE, 2000);
  const names = await Promise.all(
    uris.map(async (u) => {
      try {
        const value: unknown = parseJsonc(Buffer.from(await vscode.workspace.fs.readFile(u)).toString('utf8'));
        const name = (value as { name?: unknown } | undefined)?.name;
        return typeof name === 'string' ? [name] : [];
      } catch {
        return [];
      }
    }),
  );
  return new Set(names.flat());
}

/** The name of the new experiment: a free one proposed, the user's choice checked against the taken ones. */
async function askName(proposed: string, taken: ReadonlySet<string>, files: ReadonlySet<string>): Promise<string | undefined> {
  const free = freeConfigName(proposed, taken, files);
  const picked = await vscode.window.showInputBox({
    prompt: 'Name of the experiment (its runs are named after it)',
    value: free,
    validateInput: (v) => {
      const name = v.trim();
      if (name === '') return 'Give the experiment a name.';
      if (taken.has(name)) return `Another experiment is named "${name}": their runs would read alike. "${freeConfigName(name, taken, files)}" is free.`;
      return undefined;
    },
  });
  return picked?.trim();
}

/** Returns the written config's URI, or undefined when the user cancelled. `runNames`: the names runs on disk carry. */
export async function newExperiment(templateId?: string, runNames: Iterable<string> = []): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    void vscode.window.showWarningMessage('Open a folder first: the experiment config is written into the workspace.');
    return undefined;
  }
  const template = templateId
    ? TEMPLATES.find((t) => t.id === templateId)
    : (await vscode.window.showQuickPick(TEMPLATES.map((t) => ({ label: t.label, detail: t.detail, t })), { placeHolder: 'What should the experiment learn?' }))?.t;
  if (!template) return undefined;

  let input: TemplateInput;
  let dir = folder.uri.fsPath;
  switch (template.id) {
    case 'char-lm': {
      const file = await pickFile('**/*.{txt,md}', 'Text file to learn from (UTF-8, up to 50 MB)');
      if (!file) return undefined;
      dir = path.dirname(file.fsPath);
      input = { id: 'char-lm', dataPath: path.basename(file.fsPath) };
      break;
    }
    case 'csv-forecast': {
      const file = await pickFile('**/*.csv', 'CSV file with a header row');
      if (!file) return undefined;
      const line = await nodeIo.firstLine(file.fsPath);
      const delimiter = guessDelimiter(line);
      const columns = parseHeader(line, delimiter);
      if (columns.length === 0) {
        void vscode.window.showErrorMessage(`${path.basename(file.fsPath)} has no header row.`);
        return undefined;
      }
      const target = await vscode.window.showQuickPick(columns, { placeHolder: 'Column to forecast' });
      if (!target) return undefined;
      dir = path.dirname(file.fsPath);
      input = { id: 'csv-forecast', dataPath: path.basename(file.fsPath), target, delimiter };
      break;
    }
    case 'pairs': {
      const file = await pickPairsFile(folder.uri);
      if (!file) return undefined;
      const level = await pickPairLevel();
      if (!level) return undefined;
      // next to the data when it is in the workspace; else in the workspace root, pointing at it
      dir = pairsConfigDir(file.fsPath, (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath), folder.uri.fsPath);
      input = { id: 'pairs', dataPath: path.relative(dir, file.fsPath), level };
      break;
    }
    default:
      input = { id: template.id };
  }

  const files = new Set((await vscode.workspace.fs.readDirectory(vscode.Uri.file(dir))).map(([name]) => name));
  const name = await askName(templateName(input), new Set([...(await configNames()), ...runNames]), files);
  if (!name) return undefined;
  const rendered = renderTemplate(input, undefined, name);
  const target = vscode.Uri.file(path.join(dir, uniqueFileName(configFileName(name), files)));
  await vscode.workspace.fs.writeFile(target, Buffer.from(rendered.text, 'utf8'));
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(target));
  return target;
}
