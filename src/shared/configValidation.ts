// Reads a `*.seqlab.json` experiment config: JSONC parse with source offsets, validation against
// schemas/seqlab.schema.json (the same schema VS Code uses for IntelliSense), defaults taken from the
// schema, and a few checks across fields that a JSON schema cannot express. This module places the
// issues of those steps (configSchema, schemaMessages, crossFieldChecks, configSource) in the text.
// Pure: no fs, no vscode, no DOM. The caller reads the file and prints the problems.

import { getNodeValue, type Node, parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser';
import type { ExperimentConfig } from './config';
import { type Issue, pathLabel } from './configIssue';
import { fillDefaults, seqlabSchema } from './configSchema';
import { duplicateKeys, excessiveNesting, lineColumn, lineStarts, locate, MAX_CONFIG_DEPTH, syntaxMessage } from './configSource';
import { crossFieldIssues } from './crossFieldChecks';
import { schemaIssues, withoutUnknownKeys } from './schemaMessages';
import { sweepIssues } from './sweepChecks';

export interface ConfigProblem {
  message: string;
  /** Where in the config, dotted with list indexes: `training.learningRate`, `compare[1]`; '' is the whole config. */
  path: string;
  offset: number;
  length: number;
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units like editors count. */
  column: number;
  severity: 'error' | 'warning';
  /** Replacement text for the range (a quick fix), when there is one obvious fix. */
  suggestion?: string;
}

/**
 * What `seqlab validate --json` prints for one config, one JSON line each: its problems, each with the
 * check that found it: the schema and cross-field checks (`config`), the data checks that load the data
 * as `train` would (`data`, src/trainer/data/dataChecks.ts), or where the data path points (`path`).
 */
export interface ValidationReport {
  file: string;
  problems: (ConfigProblem & { check: 'config' | 'data' | 'path' })[];
}

/** Thrown by `applyDefaults` when its input does not validate. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly { path: string; message: string }[]) {
    super(['Invalid SeqLab config:', ...problems.map((p) => `  ${p.path || '(config)'}: ${p.message}`)].join('\n'));
    this.name = 'ConfigError';
  }
}

/**
 * `config`: the config with its defaults, when it has no errors. `rest`: when its only errors are keys the
 * schema does not know (typos), the config without them, for the data checks, which would otherwise wait
 * until the typo is fixed to say that the data file is missing.
 */
export function parseConfig(text: string, fileName: string): { config?: ExperimentConfig; rest?: ExperimentConfig; problems: ConfigProblem[] } {
  const lines = lineStarts(text);
  const at = (offset: number, length: number) => ({ offset, length, ...lineColumn(lines, offset) });

  // Editors on Windows may save a byte-order mark; a space in its place keeps every offset the same.
  const source = text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text;
  const nested = excessiveNesting(source);
  if (nested) {
    return {
      problems: [{
        message: `The config nests objects and lists ${nested.depth} levels deep, past the ${MAX_CONFIG_DEPTH} that SeqLab reads (its deepest setting, diagnostics.probe.text, is 3 levels down). ` +
          'Remove the extra { } or [ ] from here on.',
        path: '', severity: 'error', ...at(nested.offset, 1),
      }],
    };
  }
  const parseErrors: ParseError[] = [];
  const root = parseTree(source, parseErrors, { allowTrailingComma: true, disallowComments: false });
  if (!root && parseErrors.every((e) => printParseErrorCode(e.error) === 'ValueExpected')) {
    return { problems: [{ message: 'The file is empty. A SeqLab config is a JSON object: { "name": ..., "data": { ... } }.', path: '', severity: 'error', ...at(0, 0) }] };
  }
  if (parseErrors.length > 0) {
    // Only the first: after a syntax error the parser's recovery produces follow-on errors that are noise.
    const e = parseErrors[0];
    return { problems: [{ message: syntaxMessage(e, source, root), path: '', severity: 'error', ...at(e.offset, e.length) }] };
  }
  if (!root) throw new Error('jsonc-parser returned no tree and no error');

  const issues: Issue[] = duplicateKeys(root);
  const raw: unknown = getNodeValue(root);
  issues.push(...schemaIssues(raw));
  let config: ExperimentConfig | undefined;
  let rest: ExperimentConfig | undefined;
  if (!issues.some((i) => i.severity === 'error')) {
    config = fillDefaults(seqlabSchema, raw, true) as ExperimentConfig;
    issues.push(...crossFieldIssues(config, raw), ...sweepIssues(config, raw));
  } else {
    // A misspelt key hides nothing else: the checks across fields and of the sweep run on the rest.
    const known = withoutUnknownKeys(raw);
    if (known !== undefined) {
      const filled = fillDefaults(seqlabSchema, known, true) as ExperimentConfig;
      const restIssues = [...crossFieldIssues(filled, known), ...sweepIssues(filled, known)];
      issues.push(...restIssues);
      if (!restIssues.some((i) => i.severity === 'error')) rest = filled;
    }
  }
  if (!/\.seqlab\.json$/i.test(fileName)) {
    issues.push({
      segments: [], anchor: 'object', severity: 'warning',
      message: `The file name does not end in .seqlab.json, so VS Code will not check it or offer completions. Rename it to ${suggestedName(fileName)}.`,
    });
  }

  const problems = placeIssues(root, lines, issues);
  return problems.some((p) => p.severity === 'error') ? { problems, ...(rest && { rest }) } : { config, problems };
}

/**
 * Problems found outside this module (the data checks of src/trainer/data/dataChecks.ts) placed in the
 * config's `text`, as parseConfig places its own: the value, key or object their path names.
 */
export function issuesInText(text: string, issues: Issue[]): ConfigProblem[] {
  if (issues.length === 0) return [];
  const source = text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text;
  const root = excessiveNesting(source) ? undefined : parseTree(source, [], { allowTrailingComma: true, disallowComments: false });
  if (!root) throw new Error('issuesInText: the config text does not parse; place issues in a config that parseConfig accepted');
  return placeIssues(root, lineStarts(text), issues);
}

function placeIssues(root: Node, lines: number[], issues: Issue[]): ConfigProblem[] {
  const problems = dedupe(issues).map((issue): ConfigProblem => {
    const range = locate(root, issue);
    const problem: ConfigProblem = { message: issue.message, path: pathLabel(issue.segments), severity: issue.severity, offset: range.offset, length: range.length, ...lineColumn(lines, range.offset) };
    if (issue.suggestion !== undefined) problem.suggestion = issue.suggestion;
    return problem;
  });
  return problems.sort((a, b) => a.offset - b.offset || (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
}

/** `path/x.seqlab.json:12:5: error: message`, the shape compilers use so terminals and editors link it. */
export function formatProblem(fileName: string, p: ConfigProblem): string {
  return `${fileName}:${p.line}:${p.column}: ${p.severity}: ${p.message}`;
}

/**
 * Validates `raw` (the parsed JSON of a config) and fills every omitted setting with its schema `default`.
 * Throws ConfigError if `raw` does not validate. The `$schema` property is dropped.
 */
export function applyDefaults(raw: unknown): ExperimentConfig {
  const errors = schemaIssues(raw).filter((i) => i.severity === 'error');
  if (errors.length > 0) throw new ConfigError(errors.map((i) => ({ path: pathLabel(i.segments), message: i.message })));
  return fillDefaults(seqlabSchema, raw, true) as ExperimentConfig;
}

function dedupe(issues: Issue[]): Issue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${pathLabel(i.segments)}\0${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function suggestedName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  return `${base.replace(/\.jsonc?$/i, '')}.seqlab.json`;
}
