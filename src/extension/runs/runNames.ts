// What a person calls a run: its config's name and what sets it apart from the other runs of that config
// (the cell, the swept values), e.g. "tiny · GRU" — for tab titles, toasts, picks and tree rows. The run
// id (a timestamp, the config's slug, the cell, four hex digits) stays for the output channel and for
// the tooltip. Pure.

import type { RunInfo } from '../../shared/metrics';
import { CELL_KINDS } from '../../shared/config';
import { cellLabel } from '../../shared/format';
import type { RunSummary } from '../../runs/runReader';

const CELL_SUFFIX = new RegExp(`[\\s_-]+(${CELL_KINDS.join('|')})$`, 'i');

/**
 * The config's name without a trailing cell word: a comparison trains "adding-lstm" as an RNN too, and
 * "adding-lstm · RNN" would name two cells. The cell is named on its own.
 */
export function configBaseName(name: string): string {
  const base = name.replace(CELL_SUFFIX, '');
  return base.length > 0 ? base : name;
}

/** The values a sweep set for this run in words ("lr 0.003 · hidden 128"): the label the trainer recorded in `info.sweep`. */
export function sweptValues(info: RunInfo): string | undefined {
  return info.sweep?.label || undefined;
}

/** What sets a run apart among the runs of its config: "GRU", "GRU · learningRate 0.01". */
export function runVariant(info: RunInfo): string {
  const swept = sweptValues(info);
  return swept ? `${cellLabel(info.cell)} · ${swept}` : cellLabel(info.cell);
}

/** "tiny · GRU", "adding · RNN · learningRate 0.01". */
export function runTitle(info: RunInfo): string {
  return `${configBaseName(info.name)} · ${runVariant(info)}`;
}

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
