// The runs table as data: one row per run (its settings flattened to paths, its results), the columns
// worth showing for the rows shown (every setting that varies among them, every result any of them has),
// and the table's query: a text filter, per-column value filters, a sort and a grouping. The host builds
// the rows (src/extension/runsTable/runRows.ts); the webview asks this module what to draw. Pure.

import type { RunStatus } from './protocol';
import type { SweepRunInfo } from './sweep';
import { formatDuration, formatLoss, formatNumber } from './format';

/** A setting's value in a row: numbers, strings, booleans; lists as their JSON text. */
export type CellValue = number | string | boolean;

export interface RunRow {
  id: string;
  /** What the table calls the run: its sweep values ("lr 0.003 · hidden 128"), else its name and cell. */
  label: string;
  /** Path of the config it was trained from, relative to the workspace where it is inside it. */
  config: string;
  status: RunStatus['kind'];
  step: number;
  totalSteps: number;
  /** ISO time the run started. */
  createdAt: string;
  sweep?: SweepRunInfo;
  /** Every setting of the run's config by path (`model.hiddenSize`); `model.cell` is the cell it trained. */
  settings: Record<string, CellValue>;
  /** Results by metric key (METRICS, or a score of the last evaluation such as `accuracy`). */
  metrics: Record<string, number>;
}

export type ColumnKind = 'info' | 'setting' | 'metric';

export interface Column {
  /** `run`, `status`, `config`, `sweep`, `created`; `setting:<path>`; `metric:<key>`. */
  key: string;
  label: string;
  kind: ColumnKind;
  numeric: boolean;
  /** For results: which way is better. */
  better?: 'lower' | 'higher';
}

interface MetricSpec {
  label: string;
  better?: 'lower' | 'higher';
  format: (v: number) => string;
}

/** The results a row may have, in column order; scores of evaluations this list does not know come after. */
const METRICS: Record<string, MetricSpec> = {
  bestValidationLoss: { label: 'best val loss', better: 'lower', format: formatLoss },
  bestValidationStep: { label: 'best at step', format: (v) => String(v) },
  finalTrainingLoss: { label: 'final train loss', better: 'lower', format: formatLoss },
  accuracy: { label: 'accuracy', better: 'higher', format: percent },
  solved: { label: 'solved', better: 'higher', format: percent },
  exactMatch: { label: 'exact match', better: 'higher', format: percent },
  beamExactMatch: { label: 'exact match (beam)', better: 'higher', format: percent },
  tokenErrorRate: { label: 'token error rate', better: 'lower', format: percent },
  bleu: { label: 'BLEU', better: 'higher', format: (v) => v.toFixed(1) },
  chrF: { label: 'chrF', better: 'higher', format: (v) => v.toFixed(1) },
  rmse: { label: 'RMSE', better: 'lower', format: (v) => formatNumber(v) },
  seconds: { label: 'time', format: formatDuration },
  stepsPerSecond: { label: 'steps/s', better: 'higher', format: (v) => formatNumber(v, 3) },
};
const TIMING = new Set(['seconds', 'stepsPerSecond']);

function percent(v: number): string {
  return `${Number((100 * v).toPrecision(3))}%`;
}

/** A score this module does not know: lower is better when it names an error or a loss. */
function metricSpec(key: string): MetricSpec {
  return METRICS[key] ?? { label: key, better: /loss|error|rmse|mse|mae/i.test(key) ? 'lower' : 'higher', format: (v) => formatNumber(v) };
}

export const settingColumn = (path: string): string => `setting:${path}`;
export const metricColumn = (key: string): string => `metric:${key}`;

const INFO: Record<string, Column> = {
  run: { key: 'run', label: 'run', kind: 'info', numeric: false },
  status: { key: 'status', label: 'status', kind: 'info', numeric: false },
  config: { key: 'config', label: 'config', kind: 'info', numeric: false },
  sweep: { key: 'sweep', label: 'sweep', kind: 'info', numeric: false },
  created: { key: 'created', label: 'started', kind: 'info', numeric: false },
};

/** A column by its key, whether or not it is shown. */
export function columnOf(key: string): Column {
  if (INFO[key]) return INFO[key];
  if (key.startsWith('setting:')) return { key, label: key.slice(8), kind: 'setting', numeric: false };
  const metric = key.slice(7);
  const spec = metricSpec(metric);
  return { key, label: spec.label, kind: 'metric', numeric: true, ...(spec.better && { better: spec.better }) };
}

/** The row's value in a column; undefined when it has none. */
export function rowValue(row: RunRow, key: string): CellValue | undefined {
  switch (key) {
    case 'run':
      return row.label;
    case 'status':
      return row.status;
    case 'config':
      return row.config;
    case 'sweep':
      return row.sweep?.id;
    case 'created':
      return row.createdAt;
  }
  if (key.startsWith('setting:')) return row.settings[key.slice(8)];
  return row.metrics[key.slice(7)];
}

/** The value as the table shows it; '' when there is none. */
export function formatCell(key: string, v: CellValue | undefined): string {
  if (v === undefined) return '';
  if (key === 'created' && typeof v === 'string') return v.slice(0, 16).replace('T', ' ');
  if (key.startsWith('metric:') && typeof v === 'number') return metricSpec(key.slice(7)).format(v);
  if (typeof v === 'number') return String(Number(v.toPrecision(6)));
  return String(v);
}

const sameValue = (a: CellValue | undefined, b: CellValue | undefined) => a === b;

/** Setting paths whose value is not the same in every row (present in some rows only counts), in first-seen order. */
export function varyingSettings(rows: readonly RunRow[]): string[] {
  const paths: string[] = [];
  const seen = new Set<string>();
  for (const r of rows) {
    for (const p of Object.keys(r.settings)) {
      if (seen.has(p)) continue;
      seen.add(p);
      paths.push(p);
    }
  }
  return paths.filter((p) => rows.some((r) => !sameValue(r.settings[p], rows[0].settings[p])));
}

/** The metric keys any row has, in METRICS order then by name; timings last. */
function presentMetrics(rows: readonly RunRow[]): string[] {
  const keys = new Set(rows.flatMap((r) => Object.keys(r.metrics)));
  const known = Object.keys(METRICS).filter((k) => keys.has(k) && !TIMING.has(k));
  const other = [...keys].filter((k) => !METRICS[k]).sort();
  return [...known, ...other, ...[...TIMING].filter((k) => keys.has(k))];
}

/**
 * The columns for `rows`: run and status; the config and the sweep when rows differ in them; each varying
 * setting; each result; when each started. `keep` columns (those filtered, sorted or grouped by) stay
 * even when they no longer vary, so the control that set them stays in reach.
 */
export function tableColumns(rows: readonly RunRow[], keep: readonly string[] = []): Column[] {
  const varies = (key: string) => rows.some((r) => !sameValue(rowValue(r, key), rowValue(rows[0], key)));
  const info = ['config', 'sweep'].filter((k) => varies(k) || keep.includes(k));
  const settings = varyingSettings(rows).map(settingColumn);
  const keptSettings = keep.filter((k) => k.startsWith('setting:') && !settings.includes(k));
  return [
    INFO.run,
    INFO.status,
    ...info.map((k) => INFO[k]),
    ...[...settings, ...keptSettings].map(columnOf),
    ...presentMetrics(rows).map((k) => columnOf(metricColumn(k))),
    INFO.created,
  ];
}

export interface SortSpec {
  key: string;
  direction: 'asc' | 'desc';
}

export interface TableQuery {
  /** Words that must each appear in some value of the row (its label, id, config, status, settings). */
  text: string;
  /** Column key → the shown values (formatCell) a row may have there. */
  valueFilters: Record<string, string[]>;
  sort?: SortSpec;
  groupBy?: string;
}

export const EMPTY_QUERY: TableQuery = { text: '', valueFilters: {} };

/** Whether every word of `text` appears in something the row shows. */
function matchesText(row: RunRow, words: readonly string[]): boolean {
  if (words.length === 0) return true;
  const hay = [row.label, row.id, row.config, row.status, row.sweep?.id ?? '', ...Object.entries(row.settings).map(([p, v]) => `${p}=${v}`)].join('\n').toLowerCase();
  return words.every((w) => hay.includes(w));
}

export function filterRows(rows: readonly RunRow[], query: Pick<TableQuery, 'text' | 'valueFilters'>): RunRow[] {
  const words = query.text.toLowerCase().split(/\s+/).filter(Boolean);
  const filters = Object.entries(query.valueFilters);
  return rows.filter((r) => matchesText(r, words) && filters.every(([key, allowed]) => allowed.includes(formatCell(key, rowValue(r, key)))));
}

function compareValues(a: CellValue | undefined, b: CellValue | undefined): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), 'en', { numeric: true });
}

/** Rows by one column; rows without a value in it last in either direction; ties newest first. */
export function sortRows(rows: readonly RunRow[], sort: SortSpec | undefined): RunRow[] {
  const newest = (a: RunRow, b: RunRow) => b.createdAt.localeCompare(a.createdAt);
  if (!sort) return [...rows].sort(newest);
  const sign = sort.direction === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const va = rowValue(a, sort.key);
    const vb = rowValue(b, sort.key);
    if (va === undefined || vb === undefined) return va === vb ? newest(a, b) : va === undefined ? 1 : -1;
    return sign * compareValues(va, vb) || newest(a, b);
  });
}

/** The result a table ranks runs by: the best validation loss, else the final training loss. */
export function primaryMetric(rows: readonly RunRow[]): string | undefined {
  if (rows.some((r) => r.metrics.bestValidationLoss !== undefined)) return metricColumn('bestValidationLoss');
  if (rows.some((r) => r.metrics.finalTrainingLoss !== undefined)) return metricColumn('finalTrainingLoss');
  return undefined;
}

/** The row with the best value of a result column (lower or higher as the column says), if any has one. */
export function bestRow(rows: readonly RunRow[], metricKey: string): { row: RunRow; value: number } | undefined {
  const higher = columnOf(metricKey).better === 'higher';
  let best: { row: RunRow; value: number } | undefined;
  for (const row of rows) {
    const v = rowValue(row, metricKey);
    if (typeof v !== 'number' || !Number.isFinite(v)) continue;
    if (!best || (higher ? v > best.value : v < best.value)) best = { row, value: v };
  }
  return best;
}

export interface RowGroup {
  /** The group's value as shown ('' for rows without one: "(none)"). */
  value: string;
  rows: RunRow[];
  best?: { row: RunRow; value: number };
}

/** Rows in groups by the shown value of `key`, groups in the order their first row has in `rows`. */
export function groupRows(rows: readonly RunRow[], key: string, metricKey: string | undefined): RowGroup[] {
  const groups = new Map<string, RunRow[]>();
  for (const r of rows) {
    const v = formatCell(key, rowValue(r, key));
    const list = groups.get(v);
    if (list) list.push(r);
    else groups.set(v, [r]);
  }
  return [...groups].map(([value, members]) => {
    const best = metricKey ? bestRow(members, metricKey) : undefined;
    return { value, rows: members, ...(best && { best }) };
  });
}

export interface TableView {
  columns: Column[];
  /** The rows that pass the filters, sorted. */
  rows: RunRow[];
  /** With a grouping: the same rows in groups. */
  groups?: RowGroup[];
  /** The result groups rank by. */
  metric?: string;
  total: number;
}

/** What the table shows for `rows` under `query`. */
export function tableView(rows: readonly RunRow[], query: TableQuery): TableView {
  const shown = sortRows(filterRows(rows, query), query.sort);
  const keep = [...Object.keys(query.valueFilters), ...(query.sort ? [query.sort.key] : []), ...(query.groupBy ? [query.groupBy] : [])];
  const metric = primaryMetric(shown);
  return {
    columns: tableColumns(shown, keep),
    rows: shown,
    ...(query.groupBy && { groups: groupRows(shown, query.groupBy, metric) }),
    ...(metric && { metric }),
    total: rows.length,
  };
}

/** The values a column takes among `rows`, as shown, with how many rows have each: a value filter's choices. */
export function distinctValues(rows: readonly RunRow[], key: string): { value: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const r of sortRows(rows, { key, direction: 'asc' })) {
    const v = formatCell(key, rowValue(r, key));
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return [...counts].map(([value, count]) => ({ value, count }));
}
