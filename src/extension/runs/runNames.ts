// The extension's names for runs: the shared ones (src/shared/runNames.ts: config and what sets the run
// apart, e.g. "tiny · GRU"), told apart further where runs share them (the start time), and read back
// from a damaged run's id. The run id stays for the output channel and for the tooltip. Pure.

import { CELL_KINDS } from '../../shared/config';
import { cellLabel } from '../../shared/format';
import { configBaseName, runTitle } from '../../shared/runNames';
import type { RunSummary } from '../../runs/runReader';

export { configBaseName, runTitle, runVariant, sweptValues } from '../../shared/runNames';

/** `19:01` of an ISO time, in local time. */
const clock = (iso: string): string => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
};

/**
 * runTitle, told apart from the other runs that share it: their start time is added ("tiny · LSTM ·
 * 19:01"), and where that is shared too, the last part of the run id.
 */
export function distinctRunTitle(run: RunSummary, all: readonly RunSummary[]): string {
  const title = runTitle(run.meta.info);
  const same = all.filter((r) => r.id !== run.id && runTitle(r.meta.info) === title);
  if (same.length === 0) return title;
  const at = clock(run.meta.createdAt);
  if (!same.some((r) => clock(r.meta.createdAt) === at)) return `${title} · ${at}`;
  return `${title} · ${at} · ${run.id.split('-').pop()}`;
}

/**
 * A damaged run's name, from what its id says (`<yyyymmdd-hhmmss>-<config slug>-<cell>-<hex>`, runWriter's
 * newRunId): "tiny · LSTM"; the id itself when it says otherwise.
 */
export function titleFromRunId(id: string): string {
  const m = new RegExp(`^\\d{8}-\\d{6}-(.+)-(${CELL_KINDS.join('|')})-[0-9a-f]{4}$`).exec(id);
  return m ? `${configBaseName(m[1])} · ${cellLabel(m[2])}` : id;
}
