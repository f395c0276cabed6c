// Reads a `*.seqlab.json` experiment config: JSONC parse with source offsets, validation against
// schemas/seqlab.schema.json (the same schema VS Code uses for IntelliSense), defaults taken from the
// schema, and a few checks across fields that a JSON schema cannot express.
// Pure: no fs, no vscode, no DOM. The caller reads the file and prints the problems.

import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { findNodeAtLocation, getNodeValue, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import schemaJson from '../../schemas/seqlab.schema.json';
import type { CellKind, ExperimentConfig } from './config';
import { closestMatch } from './didYouMean';

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

/** The subset of JSON Schema (plus VS Code's annotations) that seqlab.schema.json uses. */
export interface SchemaNode {
  type?: string;
  description?: string;
  markdownDescription?: string;
  default?: unknown;
  examples?: unknown[];
  enum?: unknown[];
  enumDescriptions?: string[];
  const?: unknown;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  additionalProperties?: boolean;
  allOf?: { if: SchemaNode; then: SchemaNode }[];
  items?: SchemaNode;
  defaultSnippets?: { label?: string; description?: string; body: unknown }[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
}

/** schemas/seqlab.schema.json, for the extension (jsonValidation is by path; this is for code) and tests. */
export const seqlabSchema: SchemaNode = schemaJson as unknown as SchemaNode;

/** Thrown by `applyDefaults` when its input does not validate. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly { path: string; message: string }[]) {
    super(['Invalid SeqLab config:', ...problems.map((p) => `  ${p.path || '(config)'}: ${p.message}`)].join('\n'));
    this.name = 'ConfigError';
  }
}

/** Keywords VS Code's JSON language service understands; to ajv they are annotations. */
const EDITOR_KEYWORDS = ['markdownDescription', 'enumDescriptions', 'defaultSnippets', 'allowComments', 'allowTrailingCommas'];

let compiled: ValidateFunction | undefined;
function schemaValidator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, strict: true, verbose: true });
    ajv.addVocabulary(EDITOR_KEYWORDS);
    compiled = ajv.compile(schemaJson);
  }
  return compiled;
}

// ---------------------------------------------------------------------------------------------
// Public API

export function parseConfig(text: string, fileName: string): { config?: ExperimentConfig; problems: ConfigProblem[] } {
  const lines = lineStarts(text);
  const at = (offset: number, length: number) => ({ offset, length, ...lineColumn(lines, offset) });

  // Editors on Windows may save a byte-order mark; a space in its place keeps every offset the same.
  const source = text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text;
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
  if (!issues.some((i) => i.severity === 'error')) {
    config = fillDefaults(seqlabSchema, raw, true) as ExperimentConfig;
    issues.push(...crossFieldIssues(config, raw));
  }
  if (!/\.seqlab\.json$/i.test(fileName)) {
    issues.push({
      segments: [], anchor: 'object', severity: 'warning',
      message: `The file name does not end in .seqlab.json, so VS Code will not check it or offer completions. Rename it to ${suggestedName(fileName)}.`,
    });
  }

  const problems = dedupe(issues).map((issue): ConfigProblem => {
    const range = locate(root, issue);
    const problem: ConfigProblem = { message: issue.message, path: pathLabel(issue.segments), severity: issue.severity, ...at(range.offset, range.length) };
    if (issue.suggestion !== undefined) problem.suggestion = issue.suggestion;
    return problem;
  });
  problems.sort((a, b) => a.offset - b.offset || (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
  return problems.some((p) => p.severity === 'error') ? { problems } : { config, problems };
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

// ---------------------------------------------------------------------------------------------
// Defaults

function fillDefaults(schema: SchemaNode, value: unknown, isRoot = false): unknown {
  if (!isPlainObject(value)) return structuredClone(value);
  const props = effectiveProperties(schema, value);
  const out: Record<string, unknown> = {};
  for (const [key, propSchema] of Object.entries(props)) {
    if (isRoot && key === '$schema') continue;
    if (key in value) out[key] = fillDefaults(propSchema, value[key]);
    else if (propSchema.default !== undefined) out[key] = fillDefaults(propSchema, propSchema.default);
  }
  return out;
}

/** The properties that apply to `value`: the schema's own plus those of each if/then branch whose `if` holds. */
function effectiveProperties(schema: SchemaNode, value: Record<string, unknown>): Record<string, SchemaNode> {
  let props: Record<string, SchemaNode> = { ...schema.properties };
  for (const branch of schema.allOf ?? []) {
    if (branchApplies(branch.if, value)) props = { ...props, ...branch.then.properties };
  }
  return props;
}

/** Evaluates the `if` of a discriminated-union branch; the schema only uses `{ properties: { kind: { const } }, required }`. */
function branchApplies(condition: SchemaNode, value: Record<string, unknown>): boolean {
  for (const key of condition.required ?? []) if (!(key in value)) return false;
  for (const [key, s] of Object.entries(condition.properties ?? {})) {
    if (!('const' in s)) throw new Error(`seqlab.schema.json: if-branch on "${key}" must use const`);
    if (key in value && value[key] !== s.const) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Schema errors -> messages

type Segment = string | number;

interface Issue {
  /** Path of the offending value (for `required`: of the missing property). */
  segments: Segment[];
  /** What to underline: the value, the property's key, or the enclosing object (missing properties). */
  anchor: 'value' | 'key' | 'object';
  message: string;
  severity: 'error' | 'warning';
  suggestion?: string;
  /** An exact source range, when the path alone cannot find it (a repeated key). */
  range?: { offset: number; length: number };
}

function schemaIssues(raw: unknown): Issue[] {
  const validate = schemaValidator();
  if (validate(raw)) return [];
  const errors = validate.errors ?? [];
  // A value of the wrong type also fails its enum or range; the type error alone says what to fix.
  const wrongType = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  return errors
    // A failed if/then is reported as the then-branch's own errors plus an 'if' error that adds nothing.
    .filter((e) => e.keyword !== 'if')
    .filter((e) => e.keyword === 'type' || !wrongType.has(e.instancePath))
    .map((e) => describeError(e, raw));
}

function describeError(error: ErrorObject, raw: unknown): Issue {
  const segments = pointerSegments(error.instancePath, raw);
  const label = segments.length === 0 ? 'The config' : pathLabel(segments);
  const parentSchema = (error.parentSchema ?? {}) as SchemaNode;
  const data: unknown = error.data;
  const params = error.params as Record<string, unknown>;
  const issue = (message: string, extra: Partial<Issue> = {}): Issue => ({ segments, anchor: 'value', message, severity: 'error', ...extra });

  switch (error.keyword) {
    case 'required': {
      const missing = String(params.missingProperty);
      const propSchema = parentSchema.properties?.[missing] ?? {};
      const owner = dataKindLabel(segments, raw) ?? label;
      const message = propSchema.enum
        ? `${owner} needs "${missing}", one of ${propSchema.enum.map((v) => JSON.stringify(v)).join(', ')}.`
        : `${owner} needs "${missing}"${propSchema.description ? `: ${lowerFirst(firstSentence(propSchema.description))}` : ''}. ${additionHint(missing, propSchema)}`;
      return issue(message, {
        segments: [...segments, missing],
        anchor: 'object',
      });
    }
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = Object.keys(parentSchema.properties ?? {}).filter((k) => k !== '$schema');
      const where = segments.length === 0 ? 'the config' : (dataKindLabel(segments, raw) ?? label);
      let message = `Unknown setting "${key}" in ${where}.`;
      const suggestion = closestMatch(key, allowed);
      if (suggestion) {
        message += ` Did you mean "${suggestion}"?`;
      } else {
        const elsewhere = whereElse(key, segments);
        message += elsewhere ? ` ${elsewhere}` : ` Allowed here: ${allowed.join(', ')}.`;
      }
      return issue(message, { segments: [...segments, key], anchor: 'key', ...(suggestion ? { suggestion: JSON.stringify(suggestion) } : {}) });
    }
    case 'enum': {
      const allowed = (error.schema as unknown[]).map((v) => JSON.stringify(v));
      let message = `${label} must be one of ${allowed.join(', ')} (got ${shortJson(data)}).`;
      const suggestion = typeof data === 'string' ? closestMatch(data, (error.schema as unknown[]).map(String)) : undefined;
      if (suggestion) message += ` Did you mean "${suggestion}"?`;
      else if (parentSchema.default !== undefined) message += ` The default is ${JSON.stringify(parentSchema.default)}.`;
      return issue(message, suggestion ? { suggestion: JSON.stringify(suggestion) } : {});
    }
    case 'type':
      return typeIssue(label, String(params.type), data, parentSchema, issue);
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return issue(rangeMessage(label, data as number, parentSchema, error.keyword));
    case 'minLength':
      return issue(params.limit === 1 ? `${label} must not be empty.` : `${label} must be at least ${params.limit} characters long.`);
    case 'maxLength':
      return issue(`${label} must be at most ${params.limit} characters long (got ${(data as string).length}).`);
    case 'minItems':
      return issue(`${label} must list at least ${params.limit} ${plural(Number(params.limit), 'item')}${itemHint(parentSchema)}.`);
    case 'maxItems':
      return issue(`${label} must list at most ${params.limit} ${plural(Number(params.limit), 'item')} (got ${(data as unknown[]).length}).`);
    case 'uniqueItems': {
      const later = Math.max(Number(params.i), Number(params.j));
      return issue(`${label} lists ${shortJson((data as unknown[])[later])} more than once. List each only once.`, { segments: [...segments, later] });
    }
    default:
      return issue(`${label} ${error.message ?? 'is invalid'}.`);
  }
}

function typeIssue(label: string, expected: string, data: unknown, s: SchemaNode, issue: (m: string, e?: Partial<Issue>) => Issue): Issue {
  const message = `${label} must be ${typeWords(expected)} (got ${describeValue(data)}).`;
  if ((expected === 'number' || expected === 'integer') && typeof data === 'string' && data.trim() !== '' && Number.isFinite(Number(data))) {
    return issue(`${message} Remove the quotes: ${Number(data)}.`, { suggestion: String(Number(data)) });
  }
  if (expected === 'integer' && typeof data === 'number') {
    return issue(`${message} Use a whole number${s.default !== undefined ? ` such as ${JSON.stringify(s.default)}` : ''}.`);
  }
  if (expected === 'boolean' && (data === 'true' || data === 'false')) {
    return issue(`${message} Remove the quotes: ${data}.`, { suggestion: data });
  }
  if (expected === 'string' && (typeof data === 'number' || typeof data === 'boolean')) {
    return issue(`${message} Put it in double quotes: "${data}".`, { suggestion: JSON.stringify(String(data)) });
  }
  if (expected === 'array' && data !== null && typeof data !== 'object') {
    return issue(`${message} Write it as a list: [${JSON.stringify(data)}].`, { suggestion: `[${JSON.stringify(data)}]` });
  }
  if (expected === 'object') return issue(`${message} Write it as an object: { "setting": value, ... }.`);
  return issue(message);
}

function rangeMessage(label: string, got: number, s: SchemaNode, violated: string): string {
  const bounds: string[] = [];
  if (s.exclusiveMinimum !== undefined) bounds.push(`> ${s.exclusiveMinimum}`);
  if (s.minimum !== undefined) bounds.push(`>= ${s.minimum}`);
  if (s.maximum !== undefined) bounds.push(`<= ${s.maximum}`);
  if (s.exclusiveMaximum !== undefined) bounds.push(`< ${s.exclusiveMaximum}`);
  const kind = s.type === 'integer' ? 'whole number' : 'number';
  const example = s.default !== undefined ? ` such as ${JSON.stringify(s.default)}` : '';
  let hint: string;
  if (violated === 'exclusiveMinimum' && s.exclusiveMinimum === 0) hint = `Set a positive ${kind}${example}.`;
  else if (violated === 'minimum' && s.minimum === 0) hint = `Set 0 or a positive ${kind}${example}.`;
  else hint = `Set a ${kind} in that range${example}.`;
  return `${label} must be ${bounds.join(' and ')} (got ${got}). ${hint}`;
}

/** 'Add for example "targets": ["value"].' from the schema's examples or snippets. */
function additionHint(key: string, s: SchemaNode): string {
  const example = s.examples?.[0] ?? s.defaultSnippets?.[0]?.body;
  return example !== undefined ? `Add for example "${key}": ${compactJson(example)}.` : `Add "${key}".`;
}

function itemHint(s: SchemaNode): string {
  const example = s.examples?.[0];
  return example !== undefined ? `, for example ${compactJson(example)}` : '';
}

/** For an unknown key: the other place in the schema where it is a setting ("It belongs in training."). */
function whereElse(key: string, at: Segment[]): string | undefined {
  const atData = at.length === 1 && at[0] === 'data';
  const dataKinds: string[] = [];
  const parents: string[] = [];
  const visit = (s: SchemaNode, path: string[]) => {
    for (const [k, child] of Object.entries(s.properties ?? {})) {
      if (k.toLowerCase() === key.toLowerCase() && k !== 'kind') parents.push(path.join('.'));
      visit(child, [...path, k]);
    }
    for (const branch of s.allOf ?? []) {
      const kind = branch.if.properties?.kind?.const;
      if (kind !== undefined && Object.keys(branch.then.properties ?? {}).some((k) => k.toLowerCase() === key.toLowerCase())) dataKinds.push(String(kind));
      visit(branch.then, path);
    }
  };
  visit(seqlabSchema, []);
  if (atData && dataKinds.length > 0) return `It is a setting of ${dataKinds.join(' and ')} data only.`;
  const here = at.join('.');
  const other = parents.filter((p) => p !== here);
  if (other.length === 0) return undefined;
  return other[0] === '' ? 'It belongs at the top level of the config.' : `It belongs in ${other[0]}.`;
}

/** 'csv data' for a path inside data when its kind is known, so messages name the branch being checked. */
function dataKindLabel(segments: Segment[], raw: unknown): string | undefined {
  if (segments.length !== 1 || segments[0] !== 'data' || !isPlainObject(raw) || !isPlainObject(raw.data)) return undefined;
  const kind = raw.data.kind;
  return typeof kind === 'string' ? `data (kind "${kind}")` : undefined;
}

// ---------------------------------------------------------------------------------------------
// Checks across fields (the config already validates and has its defaults)

function crossFieldIssues(config: ExperimentConfig, raw: unknown): Issue[] {
  const issues: Issue[] = [];
  const warn = (segments: Segment[], message: string) => issues.push({ segments, anchor: 'value', message, severity: 'warning' });
  const fail = (segments: Segment[], message: string) => issues.push({ segments, anchor: 'value', message, severity: 'error' });
  const given = (...path: string[]) => hasPath(raw, path);
  const { data, model, training, diagnostics } = config;
  const cells: CellKind[] = config.compare ?? [model.cell];
  // As src/trainer/data/synthetic.ts generates them: copy, temporal-order and reber are token sequences.
  const tokenInput = data.kind === 'text' || (data.kind === 'synthetic' && ['copy', 'temporal-order', 'temporal-order-3', 'reber'].includes(data.task));

  if (given('training', 'minLearningRate') && training.learningRateSchedule === 'constant') {
    warn(['training', 'minLearningRate'], 'training.minLearningRate is ignored by the constant schedule. Set "learningRateSchedule": "cosine", or remove it.');
  } else if (training.learningRateSchedule === 'cosine' && training.minLearningRate > training.learningRate) {
    fail(['training', 'minLearningRate'], `training.minLearningRate (${training.minLearningRate}) is above training.learningRate (${training.learningRate}): the cosine schedule anneals down to it. Lower it.`);
  }
  if (given('training', 'momentum') && training.optimizer !== 'sgd') {
    warn(['training', 'momentum'], `training.momentum is ignored by ${training.optimizer}; it only applies to "optimizer": "sgd". Remove it, or switch to sgd.`);
  }
  if (model.dropout > 0 && model.layers === 1) {
    warn(['model', 'dropout'], 'model.dropout acts between stacked layers, so it does nothing with one layer. Set model.layers to 2 or more, or remove dropout.');
  }
  if (given('model', 'chronoInit') && !cells.includes('lstm')) {
    warn(['model', 'chronoInit'], `model.chronoInit only applies to LSTM cells; this experiment trains ${cells.join(', ')}. Remove it.`);
  } else if (model.chronoInit > 0 && given('model', 'forgetBias')) {
    warn(['model', 'forgetBias'], 'model.forgetBias is ignored: model.chronoInit sets the forget-gate biases. Remove one of them.');
  }
  if (model.chronoInit > 0 && model.chronoInit < 3) {
    fail(['model', 'chronoInit'], `model.chronoInit must be 0 (off) or at least 3, the smallest range log U(1, T - 1) is defined on (got ${model.chronoInit}).`);
  }
  if (given('model', 'forgetBias') && !cells.includes('lstm')) {
    warn(['model', 'forgetBias'], `model.forgetBias only applies to LSTM cells; this experiment trains ${cells.join(', ')}. Remove it.`);
  }
  if (given('model', 'embeddingSize') && !tokenInput) {
    warn(['model', 'embeddingSize'], 'model.embeddingSize is ignored: these inputs are numbers, not tokens (embeddings apply to text, copy, temporal-order and reber). Remove it.');
  }
  if (config.compare && given('model', 'cell') && !config.compare.includes(model.cell)) {
    warn(['model', 'cell'], `model.cell is ignored because compare lists the cells to train (${config.compare.join(', ')}). Remove it, or add "${model.cell}" to compare.`);
  }
  if (data.kind === 'text') {
    if (data.lowercase && data.level === 'char') {
      warn(['data', 'lowercase'], 'data.lowercase only applies to "level": "word". Remove it, or set level to "word".');
    }
    if (diagnostics.probe.validationIndex !== undefined) {
      warn(['diagnostics', 'probe', 'validationIndex'], 'diagnostics.probe.validationIndex is ignored for text data. Use diagnostics.probe.text to choose the probe.');
    }
  } else {
    if (diagnostics.probe.text !== undefined) {
      warn(['diagnostics', 'probe', 'text'], `diagnostics.probe.text only applies to text data; this data is ${data.kind}. Use diagnostics.probe.validationIndex.`);
    }
    for (const key of ['sampleTemperatures', 'sampleLength'] as const) {
      if (given('diagnostics', key)) warn(['diagnostics', key], `diagnostics.${key} is ignored: samples are only generated for text data. Remove it.`);
    }
    if (given('training', 'sequenceLength')) {
      const own = data.kind === 'csv' ? 'data.lookback' : 'data.length';
      warn(['training', 'sequenceLength'], `training.sequenceLength only applies to text data; the sequence length here is ${own}. Remove it.`);
    }
  }
  if (data.kind === 'csv') {
    for (const list of ['targets', 'features'] as const) {
      data[list].forEach((column, i) => {
        if (data.dateColumns.includes(column)) {
          fail(['data', list, i], `"${column}" is listed in data.dateColumns, so it cannot be one of data.${list}. Dates become features only through "dateHandling": "parse".`);
        }
      });
    }
  }
  if (data.kind === 'synthetic') {
    // The generators' own lower bounds on T (src/trainer/data/synthetic.ts), which the schema's one minimum cannot state per task.
    const minLength: Partial<Record<typeof data.task, number>> = { adding: 6, 'temporal-order': 10, 'temporal-order-3': 20 };
    const min = minLength[data.task];
    if (min !== undefined && data.length < min) {
      fail(['data', 'length'], `data.length must be >= ${min} for the ${data.task} task (got ${data.length}). Set a length such as 50.`);
    }
  }
  if (data.kind === 'synthetic' && diagnostics.probe.validationIndex !== undefined) {
    // src/trainer/data/synthetic.ts: validationSize = round(samples · validationSplit); past it the trainer uses the last one.
    const validationCount = Math.round(data.samples * config.validationSplit);
    if (diagnostics.probe.validationIndex >= validationCount) {
      warn(['diagnostics', 'probe', 'validationIndex'], validationCount === 0
        ? 'diagnostics.probe.validationIndex has no validation example to pick: validationSplit × data.samples rounds to 0. Raise validationSplit.'
        : `diagnostics.probe.validationIndex is past the last of the ${validationCount} validation examples (data.samples × validationSplit); the probe will be example ${validationCount - 1}.`);
    }
  }
  return issues;
}

// ---------------------------------------------------------------------------------------------
// Positions

function locate(root: Node, issue: Issue): { offset: number; length: number } {
  if (issue.range) return issue.range;
  const target = issue.anchor === 'value' ? issue.segments : issue.segments.slice(0, -1);
  let node: Node | undefined;
  for (let n = target.length; n >= 0 && !node; n--) node = findNodeAtLocation(root, target.slice(0, n));
  node ??= root;
  if (issue.anchor === 'key') {
    const key = findNodeAtLocation(root, issue.segments)?.parent?.children?.[0];
    if (key) return { offset: key.offset, length: key.length };
  }
  if (issue.anchor === 'object') return { offset: node.offset, length: 1 };
  return { offset: node.offset, length: node.length };
}

function duplicateKeys(root: Node): Issue[] {
  const issues: Issue[] = [];
  const visit = (node: Node, segments: Segment[]) => {
    if (node.type === 'object') {
      const seen = new Set<string>();
      for (const property of node.children ?? []) {
        const [keyNode, valueNode] = property.children ?? [];
        if (!keyNode) continue;
        const key = String(keyNode.value);
        if (seen.has(key)) {
          issues.push({
            segments: [...segments, key], anchor: 'key', severity: 'error',
            message: `"${key}" appears more than once in ${segments.length ? pathLabel(segments) : 'the config'}. Keep one.`,
            // The repeated key itself: the path alone would find the first occurrence.
            range: { offset: keyNode.offset, length: keyNode.length },
          });
        }
        seen.add(key);
        if (valueNode) visit(valueNode, [...segments, key]);
      }
    } else if (node.type === 'array') {
      node.children?.forEach((child, i) => visit(child, [...segments, i]));
    }
  };
  visit(root, []);
  return issues;
}

function syntaxMessage(e: ParseError, text: string, root: Node | undefined): string {
  const token = text.substr(e.offset, Math.max(e.length, 1));
  const afterRoot = root !== undefined && e.offset >= root.offset + root.length;
  switch (printParseErrorCode(e.error)) {
    case 'EndOfFileExpected':
      return `Syntax error: unexpected ${JSON.stringify(token)} after the end of the config object. The file must hold one { ... } object; remove the extra text.`;
    case 'InvalidSymbol':
      if (afterRoot) return `Syntax error: unexpected ${JSON.stringify(token)} after the end of the config object. The file must hold one { ... } object; remove the extra text.`;
      if (token.startsWith("'")) return `Syntax error: ${token} uses single quotes. JSON strings and property names need double quotes.`;
      return `Syntax error: unexpected ${JSON.stringify(token)}. Expected a value: a number, a "string" in double quotes, true, false, null, an object or a list.`;
    case 'InvalidNumberFormat':
      return `Syntax error: ${token} is not a valid number.`;
    case 'PropertyNameExpected':
      return 'Syntax error: expected a property name in double quotes.';
    case 'ValueExpected':
      return 'Syntax error: expected a value: a number, a "string", true, false, null, an object or a list.';
    case 'ColonExpected':
      return 'Syntax error: expected a colon (:) after the property name.';
    case 'CommaExpected':
      return 'Syntax error: expected a comma (,) before this; separate properties and list items with commas.';
    case 'CloseBraceExpected':
      return 'Syntax error: expected "}" to close the object.';
    case 'CloseBracketExpected':
      return 'Syntax error: expected "]" to close the list.';
    case 'InvalidCommentToken':
      return 'Syntax error: invalid comment. Use // to the end of the line, or /* ... */.';
    case 'UnexpectedEndOfComment':
      return 'Syntax error: the comment is not closed with */.';
    case 'UnexpectedEndOfString':
      return 'Syntax error: the string is not closed with a double quote before the end of the line.';
    case 'UnexpectedEndOfNumber':
      return 'Syntax error: the number is incomplete.';
    case 'InvalidUnicode':
      return 'Syntax error: invalid \\u escape; it needs four hex digits.';
    case 'InvalidEscapeCharacter':
      return 'Syntax error: invalid escape in a string. Write \\\\ for a backslash (or use / in paths).';
    case 'InvalidCharacter':
      return 'Syntax error: a string holds a raw control character. Write \\n or \\t instead.';
    default:
      return 'Syntax error.';
  }
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
  }
  return starts;
}

function lineColumn(starts: number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo] + 1 };
}

// ---------------------------------------------------------------------------------------------
// Small helpers

/** '/training/learningRate' -> ['training', 'learningRate'], with list indexes as numbers. */
function pointerSegments(pointer: string, raw: unknown): Segment[] {
  if (pointer === '') return [];
  const segments: Segment[] = [];
  let value: unknown = raw;
  for (const part of pointer.slice(1).split('/')) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(value)) {
      segments.push(Number(key));
      value = value[Number(key)];
    } else {
      segments.push(key);
      value = isPlainObject(value) ? value[key] : undefined;
    }
  }
  return segments;
}

function pathLabel(segments: Segment[]): string {
  return segments.reduce<string>((label, s) => (typeof s === 'number' ? `${label}[${s}]` : label ? `${label}.${s}` : s), '');
}

function hasPath(raw: unknown, path: string[]): boolean {
  let value = raw;
  for (const key of path) {
    if (!isPlainObject(value) || !(key in value)) return false;
    value = value[key];
  }
  return true;
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

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeWords(type: string): string {
  switch (type) {
    case 'object': return 'an object { ... }';
    case 'array': return 'a list [ ... ]';
    case 'string': return 'a string in double quotes';
    case 'integer': return 'a whole number';
    case 'number': return 'a number';
    case 'boolean': return 'true or false';
    default: return type;
  }
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string ${shortJson(value)}`;
  return String(value);
}

function shortJson(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 40 ? `${json.slice(0, 37)}...` : json;
}

function compactJson(value: unknown): string {
  return JSON.stringify(value).replace(/([,:])(?=["[{\d])/g, '$1 ').replace(/^\{/, '{ ').replace(/\}$/, ' }');
}

function firstSentence(text: string): string {
  const end = text.search(/\.(\s|$)/);
  return end < 0 ? text : text.slice(0, end);
}

function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? text[0].toLowerCase() + text.slice(1) : text;
}

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}

function suggestedName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  return `${base.replace(/\.jsonc?$/i, '')}.seqlab.json`;
}
