// `seqlab validate`: the checks `train` makes before its first step, without training. The schema and
// cross-field checks (src/shared/configValidation.ts), then the data checks, which load the data as
// `train` does (src/trainer/data/dataChecks.ts), and a warning for a data file outside the current
// directory and the config's folder. Problems print as file:line:col: severity: message (the line and
// column in the config; a data problem's message starts with the data file's own file:line).
// Exit code: 2 when a config is invalid or unreadable, else 3 when its data is, else 0 (as `train`).

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import type { ExperimentConfig } from '../shared/config';
import { type ConfigProblem, formatProblem, issuesInText, parseConfig, type ValidationReport } from '../shared/configValidation';
import { dataIssues, outsideDataIssue } from '../trainer/data/dataChecks';
import { EXIT } from './exitCodes';

interface ValidateOptions {
  /** False with --no-data: the schema and cross-field checks alone. */
  data: boolean;
  json?: boolean;
  stdin?: boolean;
}

/** Exit codes of `validate`, the same as `train`'s for the same problems (main.ts's EXIT). */

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check configs as `train` would before its first step (schema, settings, data) and print the problems as file:line:col: message')
    .argument('<config...>', 'config files')
    .option('--no-data', 'check the config alone: do not read its data file or generate its data')
    .option('--json', 'print one JSON object per config: { file, problems: [{ check, severity, message, path, line, column, offset, length }] }')
    .option('--stdin', 'read the text of the one <config> from standard input (an editor\'s unsaved buffer); data paths stay relative to <config>\'s folder')
    .action((configs: string[], o: ValidateOptions) => {
      if (o.stdin && configs.length !== 1) {
        process.stderr.write('seqlab validate --stdin: give exactly one <config>, the file the text is read as.\n');
        process.exit(EXIT.usage);
      }
      let exit: number = EXIT.ok;
      for (const file of configs) {
        const report = validateFile(file, o);
        if (o.json) process.stdout.write(JSON.stringify(report) + '\n');
        else printReport(report);
        const errors = report.problems.filter((p) => p.severity === 'error');
        if (errors.some((p) => p.check !== 'data')) exit = EXIT.usage;
        else if (errors.length > 0 && exit === EXIT.ok) exit = EXIT.data;
      }
      process.exit(exit);
    });
}

function validateFile(file: string, o: ValidateOptions): ValidationReport {
  let text: string;
  try {
    text = fs.readFileSync(o.stdin ? 0 : file, 'utf8');
  } catch (e) {
    const message = `cannot read the config (${(e as NodeJS.ErrnoException).code ?? String(e)}).`;
    return { file, problems: [{ check: 'config', message, path: '', offset: 0, length: 0, line: 1, column: 1, severity: 'error' }] };
  }
  const { config, rest, problems } = parseConfig(text, file);
  const report: ValidationReport = { file, problems: problems.map((p) => ({ ...p, check: 'config' })) };
  // a config whose only errors are unknown keys has its data checked too (rest: the config without them)
  const checkable = config ?? rest;
  if (!checkable) return report;
  report.problems.push(...pathWarnings(text, checkable, file).map((p) => ({ ...p, check: 'path' as const })));
  if (o.data) report.problems.push(...issuesInText(text, dataIssues(checkable, file)).map((p) => ({ ...p, check: 'data' as const })));
  return report;
}

function printReport({ file, problems }: ValidationReport): void {
  for (const p of problems) process.stderr.write(formatProblem(file, p) + '\n');
  if (!problems.some((p) => p.severity === 'error')) process.stdout.write(`${file}: ok\n`);
}

/**
 * The warning for a data file outside the current directory and the config's folder (docs/cli.md), placed
 * in the config's text. `train` prints it too (warnAboutDataPath).
 */
function pathWarnings(text: string, config: ExperimentConfig, file: string): ConfigProblem[] {
  const outside = outsideDataIssue(config.data, file, [process.cwd(), path.dirname(path.resolve(file))]);
  return outside ? issuesInText(text, [outside]) : [];
}

/**
 * For `seqlab train <config>`: prints validate's warning when the config's data file lies outside the
 * current directory and the config's folder. Silent when the config cannot be read or is invalid: `train`
 * reports that itself.
 */
export function warnAboutDataPath(file: string): void {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return;
  }
  const { config } = parseConfig(text, file);
  if (!config) return;
  for (const p of pathWarnings(text, config, file)) process.stderr.write(formatProblem(file, p) + '\n');
}
