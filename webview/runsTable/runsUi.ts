// What the runs table remembers of the user's choices: the query (filters, sort, grouping), collapsed groups,
// the selection, the tab, and the sweep view's sweep, result and brushes. Restored from VS Code's webview state,
// which an older build may have written: anything that is not the expected shape is dropped. Pure.
import type { TableQuery } from '../../src/shared/runsTable';
import type { Brushes } from './parallelCoordinates';

export const TABS = ['table', 'sweep'] as const;
export type TabName = (typeof TABS)[number];

export interface RunsUi {
  query: TableQuery;
  /** Values of the groups shown collapsed. */
  collapsed: string[];
  /** Selected run ids. */
  selected: string[];
  tab: TabName;
  sweepId?: string;
  /** The result the sweep view draws and colours by (a metric column key). */
  metric?: string;
  brushes: Brushes;
}

export const defaultUi = (): RunsUi => ({ query: { text: '', valueFilters: {} }, collapsed: [], selected: [], tab: 'table', brushes: {} });

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

export function restoreUi(state: unknown): RunsUi {
  const ui = defaultUi();
  if (!isObject(state)) return ui;
  const q = isObject(state.query) ? state.query : {};
  if (typeof q.text === 'string') ui.query.text = q.text;
  if (isObject(q.valueFilters)) for (const [k, v] of Object.entries(q.valueFilters)) ui.query.valueFilters[k] = strings(v);
  if (isObject(q.sort) && typeof q.sort.key === 'string' && (q.sort.direction === 'asc' || q.sort.direction === 'desc')) ui.query.sort = { key: q.sort.key, direction: q.sort.direction };
  if (typeof q.groupBy === 'string') ui.query.groupBy = q.groupBy;
  ui.collapsed = strings(state.collapsed);
  ui.selected = strings(state.selected);
  if (state.tab === 'sweep') ui.tab = 'sweep';
  if (typeof state.sweepId === 'string') ui.sweepId = state.sweepId;
  if (typeof state.metric === 'string') ui.metric = state.metric;
  if (isObject(state.brushes)) {
    for (const [k, v] of Object.entries(state.brushes)) {
      if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number' && x >= 0 && x <= 1)) ui.brushes[k] = [Math.min(v[0], v[1]), Math.max(v[0], v[1])];
    }
  }
  return ui;
}
