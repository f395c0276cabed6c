// What a person calls a run: its config's name and what sets it apart from the other runs of that config
// (the cell, the swept values), e.g. "tiny · GRU", "sweep · LSTM · hidden 12" — for tab titles, toasts,
// picks, tree rows and the dashboards' legends and headers. The run id (a timestamp, the config's slug,
// the cell, four hex digits) stays for the output channel and tooltips. Pure; the webview bundles it.

import { CELL_KINDS } from './config';
import { cellLabel } from './format';
import type { RunInfo } from './metrics';

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
export function sweptValues(info: Pick<RunInfo, 'sweep'>): string | undefined {
  return info.sweep?.label || undefined;
}

/** What sets a run apart among the runs of its config: "GRU", "GRU · learningRate 0.01". */
export function runVariant(info: Pick<RunInfo, 'cell' | 'sweep'>): string {
  const swept = sweptValues(info);
  return swept ? `${cellLabel(info.cell)} · ${swept}` : cellLabel(info.cell);
}

/** "tiny · GRU", "adding · RNN · learningRate 0.01". */
export function runTitle(info: Pick<RunInfo, 'name' | 'cell' | 'sweep'>): string {
  return `${configBaseName(info.name)} · ${runVariant(info)}`;
}
