// The runs a comparison trains from one config: Compare Cells (one run per cell of `compare`, RNN · LSTM ·
// GRU by default) and Compare Attention (an encoder–decoder without attention and with it). Each variant
// is what the trainer is asked for: a cell (TrainRequest.cell) and settings of the config set besides
// (TrainRequest.sweep's values, applied to the config's text as a sweep point is). An encoder–decoder's
// cell override reaches both sides, except a side that names its own cell: the variant sets that one too,
// so encoder and decoder always change together. Pure.

import { type AttentionKind, CELL_KINDS, type CellKind, type ExperimentConfig } from './config';
import { cellLabel } from './format';
import type { SweepPoint, SweepRunInfo } from './sweep';

export const COMPARISON_KINDS = ['cells', 'attention'] as const;
export type ComparisonKind = (typeof COMPARISON_KINDS)[number];

export interface ComparisonVariant {
  /** The run's cell; absent: the config's. */
  cell?: CellKind;
  /** Settings this run's config sets besides the cell (absent: none). */
  values?: SweepPoint;
  /** What tells the run apart besides its cell, e.g. "attention none"; '' when the cell says it all. */
  label: string;
}

export type ComparisonPlan =
  | { kind: 'variants'; variants: ComparisonVariant[]; title: string }
  | { kind: 'refused'; message: string };

/** The attentions Compare Attention trains: none and additive (Bahdanau), and the config's own when it is another. */
export function comparedAttentions(own: AttentionKind): AttentionKind[] {
  const kinds: AttentionKind[] = ['none', 'additive'];
  return kinds.includes(own) ? kinds : [...kinds, own];
}

export function comparisonVariants(config: ExperimentConfig, kind: ComparisonKind): ComparisonPlan {
  const model = config.model;
  switch (kind) {
    case 'cells': {
      const cells = config.compare && config.compare.length > 0 ? config.compare : [...CELL_KINDS];
      const sides = model.kind === 'seq2seq' ? (['encoder', 'decoder'] as const).filter((s) => model[s].cell !== undefined) : [];
      const variants = cells.map((cell): ComparisonVariant => {
        const values = Object.fromEntries(sides.map((s) => [`model.${s}.cell`, cell]));
        return { cell, ...(sides.length > 0 && { values }), label: '' };
      });
      return { kind: 'variants', variants, title: cells.map(cellLabel).join(' · ') };
    }
    case 'attention': {
      if (model.kind !== 'seq2seq') {
        return { kind: 'refused', message: `Compare Attention trains encoder–decoders (model.kind "seq2seq"); ${config.name} is a sequence model, which has no attention. Compare Cells compares its cells.` };
      }
      const attentions = comparedAttentions(model.attention);
      const variants = attentions.map((a): ComparisonVariant => ({
        // input feeding needs attention: the run without it leaves it off rather than warn
        values: { 'model.attention': a, ...(a === 'none' && model.inputFeeding && { 'model.inputFeeding': false }) },
        label: `attention ${a}`,
      }));
      return { kind: 'variants', variants, title: `attention ${attentions.join(' · ')}` };
    }
  }
}

/** What a variant's run records of its comparison (meta.json's info.sweep): the values it set, one id for all its runs. */
export function variantRuns(id: string, variants: readonly ComparisonVariant[]): (SweepRunInfo | undefined)[] {
  return variants.map((v, index) => (v.values ? { id, index, count: variants.length, values: v.values, label: v.label } : undefined));
}
