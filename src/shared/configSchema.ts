// schemas/seqlab.schema.json for code: its type, the ajv validator compiled from it, and the defaults it
// gives to what a config leaves out. Pure: no fs, no vscode, no DOM.

import Ajv, { type ValidateFunction } from 'ajv';
import schemaJson from '../../schemas/seqlab.schema.json';
import { isPlainObject } from './configIssue';

/** The subset of JSON Schema (plus VS Code's annotations) that seqlab.schema.json uses. */
export interface SchemaNode {
  /** A list where a setting takes either type (data.sourceColumn: an index or a header name). */
  type?: string | string[];
  description?: string;
  markdownDescription?: string;
  default?: unknown;
  examples?: unknown[];
  enum?: unknown[];
  enumDescriptions?: string[];
  const?: unknown;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  /** false, or the schema of every property not in `properties` (sweep.parameters: keys are setting paths). */
  additionalProperties?: boolean | SchemaNode;
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

/** Keywords VS Code's JSON language service understands; to ajv they are annotations. */
const EDITOR_KEYWORDS = ['markdownDescription', 'enumDescriptions', 'defaultSnippets', 'allowComments', 'allowTrailingCommas'];

let compiled: ValidateFunction | undefined;
export function schemaValidator(): ValidateFunction {
  if (!compiled) {
    // allowUnionTypes: strict mode otherwise refuses `type` lists (data.sourceColumn is an integer or a string).
    const ajv = new Ajv({ allErrors: true, strict: true, verbose: true, allowUnionTypes: true });
    ajv.addVocabulary(EDITOR_KEYWORDS);
    compiled = ajv.compile(schemaJson);
  }
  return compiled;
}

/** `value` with every omitted setting filled with its schema `default` (the `$schema` property dropped at the root). */
export function fillDefaults(schema: SchemaNode, value: unknown, isRoot = false): unknown {
  if (!isPlainObject(value)) return structuredClone(value);
  const props = effectiveProperties(schema, value);
  const out: Record<string, unknown> = {};
  for (const [key, propSchema] of Object.entries(props)) {
    if (isRoot && key === '$schema') continue;
    if (key in value) out[key] = fillDefaults(propSchema, value[key]);
    else if (propSchema.default !== undefined) out[key] = fillDefaults(propSchema, propSchema.default);
  }
  const extra = schema.additionalProperties;
  if (typeof extra === 'object') for (const key of Object.keys(value)) if (!(key in props)) out[key] = fillDefaults(extra, value[key]);
  return out;
}

/** The properties that apply to `value`: the schema's own plus those of each if/then branch whose `if` holds. */
export function effectiveProperties(schema: SchemaNode, value: Record<string, unknown>): Record<string, SchemaNode> {
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
