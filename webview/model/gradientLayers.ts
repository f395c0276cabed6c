// The gradients through time the Gradients tab can show of a run (metrics.ts isGradientHistoryArray): a
// sequence model's ‖∂L_T/∂h_t‖ per layer against its time axis; an encoder–decoder's ‖∂L/∂h‖ per encoder
// layer (and direction) against source positions, then per decoder layer against decoder steps. Pure.
import type { RunInfo } from '../../src/shared/metrics';
import { layersIn } from './layerNames';
import { type TimeAxis, timeAxisOf } from './taskViews';

export interface GradientLayer {
  /** The array's name in the snapshots and the gradient history. */
  key: string;
  label: string;
  /** What the values are, for axis titles and the legend. */
  quantity: string;
  axis: TimeAxis;
}

/** The layers among `names` in order (sequence layers; else encoder before decoder, forward before backward); [] when none. */
export function gradientLayers(info: RunInfo, names: Iterable<string>): GradientLayer[] {
  return layersIn(names, { sequence: 'dhLast', seq2seq: 'dh' }).map((l): GradientLayer => {
    if (l.side === 'sequence') return { key: `${l.prefix}.dhLast`, label: l.label, quantity: '‖∂L_T/∂h_t‖', axis: timeAxisOf(info) };
    const encoder = l.side === 'encoder';
    return {
      key: `${l.prefix}.dh`, label: l.label,
      quantity: encoder ? '‖∂L/∂h_s‖' : '‖∂L/∂h_t‖',
      axis: encoder ? { kind: 'positions', title: 'source position s', unit: 's', base: 0 } : { kind: 'positions', title: 'decoder step t', unit: 't', base: 0 },
    };
  });
}
