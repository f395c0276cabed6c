// What a run's task means for the views: the loss axis' unit, what the probe's time axis counts (tokens
// of a text, positions of the adding problem, steps of an input window), which positions the probe flags,
// and whether the forecast's validation examples follow each other in time. From the run's info and its
// snapshot, with the host's explicit fields first where it sends them. Pure.
import { baselinesOf, type DiagnosticsSnapshot, type RunInfo } from '../../src/shared/metrics';

/** The loss axis' unit: the run's own word for it, else what its task implies; undefined when unknown. */
export function lossUnitOf(info: RunInfo): string | undefined {
  if (info.lossUnit) return info.lossUnit;
  if (info.task === 'text') return / words?\b/.test(info.dataSummary) ? 'nats/word' : 'nats/char';
  if (info.task === 'csv') return 'MSE (z-scores)';
  // runs carry `baselines` (older ones a single `baseline`): their first one's metric is the loss'
  const metric = baselinesOf(info)[0]?.metric;
  if (metric === 'mse') return 'MSE';
  if (metric === 'xent' || metric === 'accuracy') return 'nats/token';
  return undefined;
}

/** `loss (nats/char)`, or `loss` where runs disagree or say nothing. */
export function lossAxisLabel(infos: readonly RunInfo[]): string {
  const units = new Set(infos.map(lossUnitOf));
  const [unit] = units;
  return units.size === 1 && unit ? `loss (${unit})` : 'loss';
}

/** The baseline's name without its explanation: `unigram (token frequencies, no context)` → `unigram`. */
export const baselineName = (label: string): string => label.replace(/\s*\(.*$/s, '').trim() || label;

/**
 * Whether consecutive validation examples are consecutive in time: windows of one series (a CSV file,
 * Mackey-Glass) are; the other tasks draw each example on its own (the adding problem, sines).
 */
export const examplesFollowInTime = (task: string): boolean => task === 'csv' || task === 'mackey-glass';

/**
 * The probe's time axis. `tokens`: a text's tokens, indexed from 0 (t); `positions`: the adding problem's
 * input positions 1…T; `window`: the steps of a dense input window, 1…T (a series' lookback).
 */
export interface TimeAxis {
  kind: 'tokens' | 'positions' | 'window';
  /** Title of the axis (`_t` is a subscript). */
  title: string;
  /** What one column is called in a tooltip: `t`, `position`, `step`. */
  unit: string;
  /** Number shown for column c: c, or c + 1. */
  base: 0 | 1;
}

export function timeAxisOf(info: RunInfo): TimeAxis {
  const tokens = info.probeTokens ?? [];
  const numbered = tokens.length > 0 && tokens.every((tok, i) => tok === String(i + 1));
  if (info.task === 'adding') return { kind: 'positions', title: 'position', unit: 'position', base: 1 };
  if (numbered) return { kind: 'window', title: 'step in the input window', unit: 'step', base: 1 };
  return { kind: 'tokens', title: tokens.length ? 'probe token (timestep t)' : 'timestep t', unit: 't', base: 0 };
}

/**
 * The positions (0-based columns) the probe's input flags: the adding problem's two marked numbers, from
 * the probe's dense input `probe.input` [T, 2] (value, marker) that the snapshot carries; [] otherwise.
 */
export function flaggedPositions(info: RunInfo, snap: DiagnosticsSnapshot | undefined): number[] {
  const input = snap?.arrays['probe.input'];
  if (info.task !== 'adding' || !input || input.shape.length !== 2 || input.shape[1] !== 2) return [];
  const out: number[] = [];
  for (let t = 0; t < input.shape[0]; t++) if (input.data[t * 2 + 1] > 0.5) out.push(t);
  return out;
}
