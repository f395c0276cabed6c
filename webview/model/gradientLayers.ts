// The gradients through time the Gradients tab can show of a run (metrics.ts isGradientHistoryArray): a
// sequence model's ‖∂L_T/∂h_t‖ per layer against its time axis; an encoder–decoder's ‖∂L/∂h‖ per encoder
// layer (and direction) against source positions, then per decoder layer against decoder steps. Pure.
import type { RunInfo } from '../../src/shared/metrics';
import { seq2seqLayerLabel } from './hiddenStates';
import { type TimeAxis, timeAxisOf } from './taskViews';

export interface GradientLayer {
  /** The array's name in the snapshots and the gradient history. */
  key: string;
  label: string;
  /** What the values are, for axis titles and the legend. */
  quantity: string;
  axis: TimeAxis;
}

const SEQUENCE = /^l(\d+)\.dhLast$/;
const SEQ2SEQ = /^(enc|dec)\.l(\d+)(?:\.(fwd|bwd))?\.dh$/;

/** The layers among `names` in order (sequence layers; else encoder before decoder, forward before backward); [] when none. */
export function gradientLayers(info: RunInfo, names: Iterable<string>): GradientLayer[] {
  const all = [...names];
  const sequence = all.map((k) => SEQUENCE.exec(k)).filter((m): m is RegExpExecArray => m !== null).sort((a, b) => Number(a[1]) - Number(b[1]));
  const out: GradientLayer[] = sequence.map((m) => ({ key: m[0], label: `layer ${m[1]}`, quantity: '‖∂L_T/∂h_t‖', axis: timeAxisOf(info) }));
  const rank = (m: RegExpExecArray) => (m[1] === 'enc' ? 0 : 1000) + Number(m[2]) * 2 + (m[3] === 'bwd' ? 1 : 0);
  const sides = all.map((k) => SEQ2SEQ.exec(k)).filter((m): m is RegExpExecArray => m !== null).sort((a, b) => rank(a) - rank(b));
  for (const m of sides) {
    const encoder = m[1] === 'enc';
    out.push({
      key: m[0], label: seq2seqLayerLabel(m[1], m[2], m[3]),
      quantity: encoder ? '‖∂L/∂h_s‖' : '‖∂L/∂h_t‖',
      axis: encoder ? { kind: 'positions', title: 'source position s', unit: 's', base: 0 } : { kind: 'positions', title: 'decoder step t', unit: 't', base: 0 },
    });
  }
  return out;
}
