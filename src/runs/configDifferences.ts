// Where two configs differ, field by field, compared as parsed (defaults filled in), not as text: a
// comment, a reordered key or a setting written out at its default value is no difference.

import { isDeepStrictEqual } from 'node:util';

export interface ConfigDifference {
  /** Dotted path of the setting, e.g. `training.learningRate`. */
  field: string;
  before: unknown;
  after: unknown;
}

/** The settings whose values differ between `before` and `after`; arrays compare whole. */
export function configDifferences(before: unknown, after: unknown, prefix = ''): ConfigDifference[] {
  if (isDeepStrictEqual(before, after)) return [];
  if (!isPlainObject(before) || !isPlainObject(after)) return [{ field: prefix || '(config)', before, after }];
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return keys.flatMap((k) => configDifferences(before[k], after[k], prefix ? `${prefix}.${k}` : k));
}

/** `training.learningRate (0.01 → 0.1)`, the first `max` of them and how many more. */
export function describeDifferences(diffs: readonly ConfigDifference[], max = 6): string {
  const shown = diffs.slice(0, max).map((d) => `${d.field} (${show(d.before)} → ${show(d.after)})`);
  return shown.join(', ') + (diffs.length > max ? `, and ${diffs.length - max} more` : '');
}

function show(v: unknown): string {
  if (v === undefined) return 'not set';
  const text = JSON.stringify(v);
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
