// What ajv reports against seqlab.schema.json, turned into messages a person can act on: the setting by
// its path, what was expected and what was found, the nearest valid value or key, where a misplaced key
// belongs. Pure.

import type { ErrorObject } from 'ajv';
import { type SchemaNode, schemaValidator, seqlabSchema } from './configSchema';
import { type Issue, isPlainObject, pathLabel, type Segment } from './configIssue';
import { closestMatch } from './didYouMean';

/** The schema's verdict on `raw`, the parsed JSON of a config: [] when it validates. */
export function schemaIssues(raw: unknown): Issue[] {
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

/**
 * `raw` without the keys the schema does not know (typos), when they are its only errors; else undefined.
 * The checks that need a valid config (cross-field, sweep) run on it, so a typo does not hide their problems.
 */
export function withoutUnknownKeys(raw: unknown): unknown {
  const validate = schemaValidator();
  if (validate(raw)) return undefined;
  const errors = (validate.errors ?? []).filter((e) => e.keyword !== 'if');
  if (!errors.every((e) => e.keyword === 'additionalProperties')) return undefined;
  const pruned: unknown = structuredClone(raw);
  for (const e of errors) {
    let owner: unknown = pruned;
    for (const s of pointerSegments(e.instancePath, raw)) owner = isPlainObject(owner) || Array.isArray(owner) ? (owner as Record<Segment, unknown>)[s] : undefined;
    if (isPlainObject(owner)) delete owner[String((e.params as { additionalProperty: string }).additionalProperty)];
  }
  return validate(pruned) ? pruned : undefined;
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
  // A union type (data.sourceColumn: ["integer", "string"]) comes as "integer,string".
  const message = `${label} must be ${expected.split(',').map(typeWords).join(' or ')} (got ${describeValue(data)}).`;
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
  // data and model are unions by kind: a key of another kind's branch is named with its kinds
  const union = at.length === 1 && (at[0] === 'data' || at[0] === 'model') ? at[0] : undefined;
  const dataKinds: string[] = [];
  const parents: string[] = [];
  const visit = (s: SchemaNode, path: string[]) => {
    for (const [k, child] of Object.entries(s.properties ?? {})) {
      if (k.toLowerCase() === key.toLowerCase() && k !== 'kind') parents.push(path.join('.'));
      visit(child, [...path, k]);
    }
    for (const branch of s.allOf ?? []) {
      const kind = branch.if.properties?.kind?.const;
      if (kind !== undefined && path.join('.') === union && Object.keys(branch.then.properties ?? {}).some((k) => k.toLowerCase() === key.toLowerCase())) dataKinds.push(String(kind));
      visit(branch.then, path);
    }
  };
  visit(seqlabSchema, []);
  if (union && dataKinds.length > 0) return `It is a setting of ${dataKinds.join(' and ')} ${union === 'data' ? 'data' : 'models'} only.`;
  const here = at.join('.');
  const other = parents.filter((p) => p !== here);
  if (other.length === 0) return undefined;
  return other[0] === '' ? 'It belongs at the top level of the config.' : `It belongs in ${other[0]}.`;
}

/** 'data (kind "csv")' for a path inside data (or model) when its kind is known, so messages name the branch being checked. */
function dataKindLabel(segments: Segment[], raw: unknown): string | undefined {
  const union = segments[0];
  if (segments.length !== 1 || (union !== 'data' && union !== 'model') || !isPlainObject(raw) || !isPlainObject(raw[union])) return undefined;
  const kind = raw[union].kind;
  return typeof kind === 'string' ? `${union} (kind "${kind}")` : undefined;
}

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
