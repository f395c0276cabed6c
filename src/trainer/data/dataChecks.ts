// What `train` would refuse about a config's data, found without training: the data checks that
// `seqlab validate` runs after the schema and cross-field checks, and that the editor's diagnostics
// get from it. They are the loaders' own: each kind's data is loaded as `train` loads it (so the
// messages are the DataErrors `train` prints, word for word), and a refusal becomes an issue at the
// config setting it names (configIssue.ts; configValidation.ts's issuesInText places it in the text).
// Loading is bounded by the loaders' 50 MiB limit; a 50 MB file takes 4 s (text, char level) to
// 27 s (CSV) on a 2-core machine, a 1 MB one a quarter of a second.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CsvDataConfig, DataConfig, ExperimentConfig } from '../../shared/config';
import type { Issue, Segment } from '../../shared/configIssue';
import { isInsideAny } from '../../shared/dataFileRules';
import { csvDataset } from './csv';
import { readCsvTable } from './csvTable';
import { readDataFile } from './dataFile';
import { DataError } from './dataError';
import { loadDataset } from './index';

/** The problems of `config`'s data, which parseConfig has accepted: errors where `train` would refuse it,
 *  warnings where it would warn about the data itself; [] when `train` would load it without a word. */
export function dataIssues(config: ExperimentConfig, configPath: string): Issue[] {
  const configDir = path.dirname(path.resolve(configPath));
  const opts = { configDir, validationSplit: config.validationSplit, sequenceLength: config.training.sequenceLength };
  try {
    if (config.data.kind === 'csv') {
      // csv.ts's loadCsvDataset, with every column missing from the header reported at once.
      const { file, text } = readDataFile(config.data.path, configDir);
      const missing = missingCsvColumns(text, config.data, file);
      if (missing.length > 0) return missing.map((e) => issueOf(e, config.data));
      csvDataset(text, config.data, opts, file);
    } else {
      // what loads but may not be meant (a pairs file's short lines) is a warning at data.path, as `train` warns
      const data = loadDataset(config.data, opts);
      if ('warnings' in data) return data.warnings.map((message): Issue => ({ segments: ['data', 'path'], anchor: 'value', message, severity: 'warning' }));
    }
    return [];
  } catch (e) {
    if (e instanceof DataError) return [issueOf(e, config.data)];
    throw e;
  }
}

/**
 * The DataErrors of the columns that data.targets, data.features and data.dateColumns name and the header
 * lacks, in that order, from csvTable.ts's own check run on the header line alone (it stops at the first,
 * so each found name is taken out and the check run again).
 */
function missingCsvColumns(text: string, data: CsvDataConfig, file: string): DataError[] {
  // The first line that holds anything (csv-parse skips empty lines), and the blank lines before it, so line numbers stay.
  const header = /^(?:[ \t]*\r?\n)*[^\r\n]*/.exec(text)![0];
  const lists = { targets: [...data.targets], features: [...data.features], dateColumns: [...data.dateColumns] };
  const found: DataError[] = [];
  for (;;) {
    try {
      readCsvTable(header, { ...data, ...lists });
      return found;
    } catch (e) {
      if (!(e instanceof DataError)) throw e;
      const list = listOf(e.field);
      const at = list && e.column !== undefined ? lists[list].indexOf(e.column) : -1;
      // Anything else (an empty file, a header that needs more than one line) is for the full load to report.
      if (!list || at < 0) return found;
      found.push(new DataError(e.problem, e.hint, { file, line: e.line, column: e.column, field: e.field }));
      lists[list].splice(at, 1);
      // Without a target the check stops before the other lists: they wait until a target is found.
      if (lists.targets.length === 0) return found;
    }
  }
}

function listOf(field: string | undefined): 'targets' | 'features' | 'dateColumns' | undefined {
  return field === 'data.targets' ? 'targets' : field === 'data.features' ? 'features' : field === 'data.dateColumns' ? 'dateColumns' : undefined;
}

/** A DataError as an issue at the setting it names: a CSV column at its place in its list, a file problem at data.path. */
function issueOf(e: DataError, data: DataConfig): Issue {
  const segments: Segment[] = e.field ? e.field.split('.') : e.file ? ['data', 'path'] : ['data'];
  const list = listOf(e.field);
  if (list && data.kind === 'csv' && e.column !== undefined) {
    const at = data[list].indexOf(e.column);
    if (at >= 0) segments.push(at);
  }
  return { segments, anchor: 'value', message: e.message, severity: 'error' };
}

/**
 * The CLI's warning for a data file outside the folders a user expects it in (the CLI passes the current
 * directory and the config's folder; docs/cli.md): it names the resolved path, through symbolic links.
 * Undefined for generated data and for a file inside one of `folders`.
 */
export function outsideDataIssue(data: DataConfig, configPath: string, folders: readonly string[]): Issue | undefined {
  if (!('path' in data)) return undefined;
  const file = path.resolve(path.dirname(path.resolve(configPath)), data.path);
  const real = realPath(file);
  const inside = folders.some((folder) => isInsideAny(file, [folder]) && isInsideAny(real, [realPath(path.resolve(folder))]));
  if (inside) return undefined;
  const named = real === file ? file : `${file} (a link to ${real})`;
  return {
    segments: ['data', 'path'],
    anchor: 'value',
    severity: 'warning',
    message: `data.path reads ${named}, outside the current directory and the config's folder. SeqLab will read it; check that the config is meant to point there.`,
  };
}

/** `file` through its symbolic links, or as it is when it does not exist (then the loader reports it). */
function realPath(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return file;
  }
}
