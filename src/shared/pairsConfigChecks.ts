// Checks across the fields of a pairs or synthetic-pairs `data` section that its JSON schema
// (those kinds' branches in schemas/seqlab.schema.json) cannot express. Pure; crossFieldChecks.ts
// calls it and places each issue at its key of `data`.

import type { PairDataConfig } from './pairsConfig';

export interface PairDataIssue {
  /** The key under `data` to underline. */
  field: string;
  message: string;
  severity: 'error' | 'warning';
}

/**
 * `data` has its defaults filled in; `given(key)` says whether the user wrote `data[key]` (a setting
 * that is ignored is only worth a warning when it was written).
 */
export function pairDataIssues(data: PairDataConfig, given: (key: string) => boolean): PairDataIssue[] {
  const issues: PairDataIssue[] = [];
  const fail = (field: string, message: string) => issues.push({ field, message, severity: 'error' });
  const warn = (field: string, message: string) => issues.push({ field, message, severity: 'warning' });

  if (data.kind === 'pairs') {
    if (data.sourceColumn === data.targetColumn) {
      fail('targetColumn', `data.targetColumn is the same column as data.sourceColumn (${JSON.stringify(data.sourceColumn)}). Pick the column that holds the targets.`);
    }
    for (const key of ['sourceColumn', 'targetColumn'] as const) {
      const column = data[key];
      if (typeof column !== 'string') continue;
      if (data.header === false) {
        fail(key, `data.${key} names a column ("${column}"), but data.header is false: only a header row gives columns names. Set "header": true, or give the column's 0-based index.`);
      } else if (/^\d+$/.test(column)) {
        warn(key, `data.${key} is the string "${column}", which is read as a header name. For the column at index ${column}, write ${column} without quotes.`);
      }
    }
    return issues;
  }

  const lengthKeys = ['minLength', 'maxLength', 'alphabetSize'] as const;
  const additionKeys = ['digits', 'reverseSource'] as const;
  const ignored = data.task === 'addition' ? lengthKeys : additionKeys;
  const appliesTo = data.task === 'addition' ? 'the reverse and sort tasks' : 'the addition task';
  for (const key of ignored) {
    if (given(key)) warn(key, `data.${key} only applies to ${appliesTo}; the ${data.task} task ignores it. Remove it.`);
  }
  if (data.task !== 'addition' && data.minLength > data.maxLength) {
    fail('minLength', `data.minLength (${data.minLength}) is above data.maxLength (${data.maxLength}). Lower minLength or raise maxLength.`);
  }
  return issues;
}
