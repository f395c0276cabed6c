// The checks of a config's `sweep` that its schema cannot state: each swept path names a setting of this
// config (with "did you mean"), each listed value and range end is a valid value of that setting (the
// schema's own verdict, placed on the value in the sweep), a range suits the method and the setting, and
// every run the sweep would start passes the cross-field checks. Pure.

import type { ExperimentConfig } from './config';
import { type Issue, isPlainObject, pathLabel, type Segment } from './configIssue';
import { fillDefaults, seqlabSchema } from './configSchema';
import { crossFieldIssues } from './crossFieldChecks';
import { schemaIssues } from './schemaMessages';
import { isRange, MAX_SWEEP_RUNS, settingSegments, sweepLabel, type SweepPoint, sweepSize, type SweepValue } from './sweep';
import { isNumericSetting, lookupSetting, sweepableSettings, sweepPointsOf } from './sweepSettings';

/** Runs whose cross-field problems are reported, at most (the rest repeat them). */
const MAX_RUN_PROBLEMS = 3;

/** `raw` is the config as written; `config` the same with its defaults. */
export function sweepIssues(config: ExperimentConfig, raw: unknown): Issue[] {
  const sweep = config.sweep;
  if (!sweep) return [];
  const issues: Issue[] = [];
  const fail = (segments: Segment[], message: string, extra: Partial<Issue> = {}) => issues.push({ segments, anchor: 'value', message, severity: 'error', ...extra });
  const base = withoutSweep(raw);
  const candidates = sweepableSettings(raw);

  const entries = Object.entries(sweep.parameters);
  if (entries.length === 0) {
    fail(['sweep', 'parameters'], 'sweep.parameters names no setting to vary. Add one, e.g. "training.learningRate": [0.001, 0.003, 0.01].');
  }
  for (const [path, values] of entries) {
    const at: Segment[] = ['sweep', 'parameters', path];
    const found = lookupSetting(raw, path, () => candidates);
    switch (found.kind) {
      case 'unknown': {
        const kind = path.startsWith('data.') ? ` of ${config.data.kind} data` : '';
        const hint = found.suggestion ? `Did you mean "${found.suggestion}"?` : 'Name a setting by its path, e.g. "training.learningRate" or "model.hiddenSize".';
        fail(at, `sweep.parameters: "${path}" is not a setting${kind}. ${hint}`, { anchor: 'key', ...(found.suggestion && { suggestion: JSON.stringify(found.suggestion) }) });
        continue;
      }
      case 'fixed':
        fail(at, `sweep.parameters: "${path}" cannot be swept: ${found.why}.`, { anchor: 'key' });
        continue;
      case 'group':
        fail(at, `sweep.parameters: "${path}" is a group of settings; sweep one of them: ${found.members.slice(0, 4).map((m) => `"${m}"`).join(', ')}.`, { anchor: 'key' });
        continue;
      case 'list':
        fail(at, `sweep.parameters: "${path}" is a list, and a sweep gives each setting single values. Write one config per list instead.`, { anchor: 'key' });
        continue;
      case 'setting':
        break;
    }
    if (!isRange(values)) {
      values.forEach((v, i) => {
        const problem = valueProblem(base, path, v);
        if (problem) fail([...at, i], `In the sweep: ${problem.message}`, problem.suggestion !== undefined ? { suggestion: problem.suggestion } : {});
      });
      continue;
    }
    if (sweep.method === 'grid') {
      fail(at, `sweep.parameters["${path}"] is a range, and "method": "grid" needs a list of values, e.g. [${values.min}, ${values.max}]. Set "method": "random" to draw from the range.`);
      continue;
    }
    if (!isNumericSetting(found.schema)) {
      fail(at, `sweep.parameters["${path}"] is a range {min, max}, but ${path} is not a number. List its values instead.`);
      continue;
    }
    if (!(values.min < values.max)) fail([...at, 'max'], `sweep.parameters["${path}"]: max (${values.max}) must be above min (${values.min}).`);
    if (values.scale === 'log' && values.min <= 0) fail([...at, 'min'], `sweep.parameters["${path}"]: a log scale needs min > 0 (got ${values.min}).`);
    for (const end of ['min', 'max'] as const) {
      const problem = valueProblem(base, path, values[end]);
      if (problem) fail([...at, end], `In the sweep's range: ${problem.message}`);
    }
  }

  if (sweep.method === 'random' && sweep.count === undefined) {
    issues.push({ segments: ['sweep', 'count'], anchor: 'object', severity: 'error', message: 'sweep needs "count" with "method": "random": how many runs to draw, e.g. "count": 8.' });
  }
  if (sweep.method === 'grid' && sweep.count !== undefined) {
    issues.push({ segments: ['sweep', 'count'], anchor: 'value', severity: 'warning', message: `sweep.count is ignored by a grid, which trains every combination (${sweepSize(sweep)} runs). Remove it, or set "method": "random".` });
  }
  if (sweep.method === 'grid' && sweepSize(sweep) > MAX_SWEEP_RUNS) {
    fail(['sweep', 'parameters'], `This grid has ${sweepSize(sweep)} combinations, more than the ${MAX_SWEEP_RUNS} runs a sweep may start. List fewer values, or draw some with "method": "random".`);
  }
  if (issues.some((i) => i.severity === 'error')) return issues;
  return [...issues, ...runProblems(base, sweepPointsOf(config))];
}

/** The config as written without its sweep: what each run's config starts from. */
function withoutSweep(raw: unknown): Record<string, unknown> {
  const copy = structuredClone(isPlainObject(raw) ? raw : {});
  delete copy.sweep;
  return copy;
}

function withValues(base: Record<string, unknown>, point: SweepPoint): Record<string, unknown> {
  const out = structuredClone(base);
  for (const [path, value] of Object.entries(point)) {
    const segments = settingSegments(path);
    let node: Record<string, unknown> = out;
    for (const key of segments.slice(0, -1)) {
      if (!isPlainObject(node[key])) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    node[segments[segments.length - 1]] = value;
  }
  return out;
}

/** The schema's complaint about `value` as the setting at `path`, if it has one. */
function valueProblem(base: Record<string, unknown>, path: string, value: SweepValue): { message: string; suggestion?: string } | undefined {
  const issue = schemaIssues(withValues(base, { [path]: value })).find((i) => i.severity === 'error' && pathLabel(i.segments).startsWith(path));
  return issue && { message: issue.message, ...(issue.suggestion !== undefined && { suggestion: issue.suggestion }) };
}

/** Errors of the cross-field checks in the configs of the sweep's runs, placed on sweep.parameters. */
function runProblems(base: Record<string, unknown>, points: SweepPoint[]): Issue[] {
  const seen = new Set<string>();
  const issues: Issue[] = [];
  for (const point of points) {
    const raw = withValues(base, point);
    const config = fillDefaults(seqlabSchema, raw, true) as ExperimentConfig;
    for (const issue of crossFieldIssues(config, raw)) {
      if (issue.severity !== 'error' || seen.has(issue.message)) continue;
      seen.add(issue.message);
      issues.push({ segments: ['sweep', 'parameters'], anchor: 'key', severity: 'error', message: `The sweep's run "${sweepLabel(point)}" would not train: ${issue.message}` });
      if (issues.length >= MAX_RUN_PROBLEMS) return issues;
    }
  }
  return issues;
}
