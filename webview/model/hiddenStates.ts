// What the Hidden states tab draws from a snapshot: which states and layers it has, the [T, H] matrix of
// the chosen one, the order of its units. A sequence model's layers are `l{n}`; an encoder–decoder's are
// its encoder's layers (per direction when bidirectional) over the source tokens, then its decoder's over
// the decoder steps. Pure.
import type { DiagnosticsSnapshot } from '../../src/shared/metrics';
import type { RunView } from '../../src/shared/webviewProtocol';
import { gateSlice, orderByActivation, orderByVariance } from './heatmap';
import { layersIn } from './layerNames';

/** A state over time: `values[t * H + unit]`. */
export interface StateMatrix {
  values: Float32Array;
  T: number;
  H: number;
}

/** A layer whose states the snapshot holds: its arrays' prefix, its name, and what its time axis reads. */
export interface StateLayer {
  /** `l0`; an encoder–decoder's `enc.l0`, `enc.l0.fwd`, `enc.l0.bwd`, `dec.l0`. */
  prefix: string;
  label: string;
  /** The tokens along its time axis: the probe's (and an encoder's source), or the decoder's emitted target tokens. */
  tokens: 'probe' | 'target';
}

/** The states a layer has in the snapshot: h, c for an LSTM, and each gate. Values are UiState.state's. */
export function stateOptions(r: RunView, snap: DiagnosticsSnapshot | undefined, layer: StateLayer): Array<[string, string]> {
  const opts: Array<[string, string]> = [['h', 'h (hidden state)']];
  // before the first snapshot, what the cell would have; after it, what the snapshot holds (an encoder–decoder's: h)
  const has = (name: string) => (snap ? snap.arrays[`${layer.prefix}.${name}`] !== undefined : r.info.cell === 'lstm' || name === 'gates');
  if (r.info.cell === 'lstm' && has('c')) opts.push(['c', 'c (cell state)']);
  if (has('gates')) r.info.gateNames.forEach((g, i) => opts.push([`gate:${i}`, `gate ${g}`]));
  return opts;
}

/** Layers with a hidden state in the snapshot, in order (encoder before decoder); layer 0 before the first snapshot. */
export function stateLayers(snap: DiagnosticsSnapshot | undefined): StateLayer[] {
  const layers = layersIn(snap ? Object.keys(snap.arrays) : [], { sequence: 'h', seq2seq: 'h' });
  return layers.length ? layers.map((l) => ({ prefix: l.prefix, label: l.label, tokens: l.side === 'decoder' ? 'target' : 'probe' })) : [{ prefix: 'l0', label: 'layer 0', tokens: 'probe' }];
}

/** The chosen state of a layer (`h`, `c` or `gate:<i>`, a slice of the layer's gates); undefined when absent. */
export function stateMatrix(r: RunView, snap: DiagnosticsSnapshot, layer: StateLayer, state: string): StateMatrix | undefined {
  if (state.startsWith('gate:')) {
    const g = Number(state.slice(5));
    const a = snap.arrays[`${layer.prefix}.gates`];
    if (!a) return undefined;
    const G = r.info.gateNames.length || 1;
    const [T, GH] = a.shape;
    const H = GH / G;
    return { values: gateSlice(a.data, T, H, G, g), T, H };
  }
  const a = snap.arrays[`${layer.prefix}.${state}`];
  if (!a) return undefined;
  return { values: a.data, T: a.shape[0], H: a.shape[1] };
}

/** Units top to bottom: by index, by variance over time, or by activation at timestep `t`. */
export function unitOrder(m: StateMatrix, sort: 'none' | 'variance' | 'activation', t: number): number[] {
  if (sort === 'variance') return orderByVariance(m.values, m.T, m.H);
  if (sort === 'activation') return orderByActivation(m.values, m.T, m.H, t);
  return Array.from({ length: m.H }, (_, i) => i);
}

/** A probe token as a heatmap label (its home is src/shared/format.ts, which the CLI shares). */
export { tokenLabel } from '../../src/shared/format';

/** The "sort by activation at t" field read against the probe's T timesteps: a whole t in 0…T−1, or why not. */
export type TimestepChoice = { ok: true; t: number } | { ok: false; message: string };

export function parseTimestep(text: string, T: number): TimestepChoice {
  const v = text.trim() === '' ? NaN : Number(text);
  const range = `0…${T - 1} (the probe has ${T} timesteps)`;
  if (!Number.isInteger(v)) return { ok: false, message: `t must be a whole number in ${range}` };
  if (v < 0 || v >= T) return { ok: false, message: `t = ${v} is outside ${range}` };
  return { ok: true, t: v };
}
