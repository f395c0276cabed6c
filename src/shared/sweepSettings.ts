// Which settings a sweep may vary, found in schemas/seqlab.schema.json: a setting path of the config
// (data's settings those of its kind) whose value is a single number, string or boolean. Pure.

import type { SchemaNode } from './configSchema';
import { effectiveProperties, seqlabSchema } from './configSchema';
import { isPlainObject } from './configIssue';
import { editDistance } from './didYouMean';
import { expandSweep, settingOfShortName, settingSegments, type SweepConfig, type SweepPoint } from './sweep';

/** Settings a sweep must leave alone, and why. */
const FIXED: Record<string, string> = {
  name: 'the runs of a sweep share the experiment\'s name; the swept values tell them apart',
  'data.kind': 'each kind of data has its own settings; write one config per kind',
  compare: 'it is a list of cells; sweep "model.cell" instead, e.g. ["rnn", "lstm", "gru"]',
  sweep: 'a sweep cannot vary itself',
  $schema: 'it is for the editor only',
};

export type SettingLookup =
  | { kind: 'setting'; schema: SchemaNode }
  /** An object of settings: sweep one of its members. */
  | { kind: 'group'; members: string[] }
  | { kind: 'list' }
  | { kind: 'fixed'; why: string }
  | { kind: 'unknown'; suggestion?: string };

const SCALAR_TYPES = new Set(['number', 'integer', 'string', 'boolean']);
const typesOf = (s: SchemaNode): string[] => (Array.isArray(s.type) ? s.type : s.type ? [s.type] : []);
const isScalar = (s: SchemaNode): boolean => typesOf(s).length > 0 && typesOf(s).every((t) => SCALAR_TYPES.has(t));
export const isIntegerSetting = (s: SchemaNode): boolean => typesOf(s).length === 1 && typesOf(s)[0] === 'integer';
export const isNumericSetting = (s: SchemaNode): boolean => typesOf(s).some((t) => t === 'number' || t === 'integer');

/** The properties of `schema` for `value` (data's those of its kind); every branch's when `value` says none. */
function propertiesFor(schema: SchemaNode, value: unknown): Record<string, SchemaNode> {
  if (isPlainObject(value)) return effectiveProperties(schema, value);
  return effectiveProperties(schema, {});
}

/** What `path` names in a config like `raw` (the parsed JSON: its data kind decides data's settings). */
export function lookupSetting(raw: unknown, path: string, candidates: () => readonly string[] = () => sweepableSettings(raw)): SettingLookup {
  if (FIXED[path]) return { kind: 'fixed', why: FIXED[path] };
  let schema: SchemaNode = seqlabSchema;
  let value: unknown = raw;
  for (const key of settingSegments(path)) {
    const child = propertiesFor(schema, value)[key];
    if (!child) return { kind: 'unknown', suggestion: closestPath(path, candidates()) };
    schema = child;
    value = isPlainObject(value) ? value[key] : undefined;
  }
  if (isScalar(schema)) return { kind: 'setting', schema };
  if (typesOf(schema).includes('object')) return { kind: 'group', members: Object.keys(propertiesFor(schema, value)).map((k) => `${path}.${k}`) };
  return { kind: 'list' };
}

/** Every setting path a sweep of `raw` may vary, in schema order. */
export function sweepableSettings(raw: unknown): string[] {
  const out: string[] = [];
  const visit = (schema: SchemaNode, value: unknown, prefix: string) => {
    for (const [key, child] of Object.entries(propertiesFor(schema, value))) {
      const path = prefix ? `${prefix}.${key}` : key;
      if (FIXED[path]) continue;
      if (isScalar(child)) out.push(path);
      else if (child.properties || child.allOf) visit(child, isPlainObject(value) ? value[key] : undefined, path);
    }
  };
  visit(seqlabSchema, raw, '');
  return out;
}

/**
 * The setting the user most likely meant: the same path in other letter case, else the closest by edit
 * distance (model.hidenSize), or of the last segment (hiddenSize → model.hiddenSize), or the setting a
 * label's short name stands for (lr → training.learningRate).
 */
function closestPath(path: string, candidates: readonly string[]): string | undefined {
  const lower = path.toLowerCase();
  const sameCase = candidates.find((c) => c.toLowerCase() === lower);
  if (sameCase) return sameCase;
  const named = settingOfShortName(path);
  if (named && candidates.includes(named)) return named;
  const last = lower.split('.').pop()!;
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    const cl = c.toLowerCase();
    const score = Math.min(editDistance(lower, cl), editDistance(last, cl.split('.').pop()!) + (lower.includes('.') ? 2 : 0));
    if (score < bestScore) {
      bestScore = score;
      best = c;
    }
  }
  return best !== undefined && bestScore <= Math.max(2, Math.floor(last.length / 3)) ? best : undefined;
}

/** The points of the sweep of `config` (with its defaults or as written), whole-number settings drawn as such. */
export function sweepPointsOf(config: { sweep?: SweepConfig }): SweepPoint[] {
  if (!config.sweep) return [];
  return expandSweep(config.sweep, (path) => {
    const found = lookupSetting(config, path, () => []);
    return found.kind === 'setting' && isIntegerSetting(found.schema);
  });
}
