// The gallery's experiments in order: 1–7 on single-stream RNNs (rnnExperiments.ts), 8–11 on the
// encoder–decoder (seq2seqExperiments.ts); and how `reproduce 1 4-vanishing` picks among them.

import type { Experiment } from './experiment';
import { RNN_EXPERIMENTS } from './rnnExperiments';
import { SEQ2SEQ_EXPERIMENTS } from './seq2seqExperiments';

export const EXPERIMENTS: readonly Experiment[] = [...RNN_EXPERIMENTS, ...SEQ2SEQ_EXPERIMENTS];

/**
 * Experiments matching one of `selectors`, all without selectors. A number picks that experiment
 * (`1` is 1-adding, not 10 or 11); anything else is a prefix of ids (`4-vanish`, `1-adding`).
 */
export function selectExperiments(selectors: readonly string[]): Experiment[] {
  if (selectors.length === 0) return EXPERIMENTS.slice();
  const matches = (id: string, s: string) => (/^\d+$/.test(s) ? id.split('-')[0] === s : id.startsWith(s));
  return EXPERIMENTS.filter((e) => selectors.some((s) => matches(e.id, s)));
}
