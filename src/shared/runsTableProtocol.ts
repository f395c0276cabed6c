// The extension host <-> runs table webview boundary (postMessage), apart from the dashboard's
// (webviewProtocol.ts): a different panel with its own messages. The webview says `ready` first; the host
// then sends the rows, and again whenever a run appears, changes or goes. Messages from the webview are
// validated (`parseRunsTableMessage`) before the host acts on them.

import type { RunRow } from './runsTable';

/** One line of a config diff: a setting whose value differs, as each run has it ('not set' when absent). */
export interface ConfigDiffLine {
  path: string;
  a: string;
  b: string;
}

export type HostToRunsTable =
  | { type: 'rows'; rows: RunRow[] }
  /** Show only the runs of this config (the table was opened from a config); the user can clear it. */
  | { type: 'focusConfig'; config: string }
  | { type: 'configDiff'; a: { id: string; label: string }; b: { id: string; label: string }; lines: ConfigDiffLine[] }
  | { type: 'error'; message: string };

export type WebviewToRunsTable =
  | { type: 'ready' }
  /** Overlay these runs in the loss dashboard (one run: its dashboard). */
  | { type: 'openDashboard'; runIds: string[] }
  | { type: 'compareConfigs'; runIds: [string, string] }
  | { type: 'log'; level: 'info' | 'error'; message: string };

/** At most this many runs go to one dashboard from the table (a comparison of more is unreadable). */
export const MAX_DASHBOARD_RUNS = 12;

const runIds = (v: unknown, max: number): string[] | undefined =>
  Array.isArray(v) && v.length >= 1 && v.length <= max && v.every((x) => typeof x === 'string' && x.length > 0 && x.length <= 200) ? (v as string[]) : undefined;

/** Validate an untrusted message from the runs table webview; undefined when it is not a well-formed one. */
export function parseRunsTableMessage(m: unknown): WebviewToRunsTable | undefined {
  if (typeof m !== 'object' || m === null) return undefined;
  const o = m as Record<string, unknown>;
  switch (o.type) {
    case 'ready':
      return { type: 'ready' };
    case 'openDashboard': {
      const ids = runIds(o.runIds, MAX_DASHBOARD_RUNS);
      return ids && { type: 'openDashboard', runIds: ids };
    }
    case 'compareConfigs': {
      const ids = runIds(o.runIds, 2);
      return ids && ids.length === 2 ? { type: 'compareConfigs', runIds: [ids[0], ids[1]] } : undefined;
    }
    case 'log':
      return (o.level === 'info' || o.level === 'error') && typeof o.message === 'string' ? { type: 'log', level: o.level, message: o.message.slice(0, 4000) } : undefined;
    default:
      return undefined;
  }
}
