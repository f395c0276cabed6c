// What the Hidden states tab draws from a snapshot: which states and layers it has, the [T, H] matrix of
// the chosen one, the order of its units. Pure.
import type { DiagnosticsSnapshot } from '../../src/shared/metrics';
import type { RunView } from '../../src/shared/webviewProtocol';
import { gateSlice, orderByActivation, orderByVariance } from './heatmap';

/** A state over time: `values[t * H + unit]`. */
export interface StateMatrix {
  values: Float32Array;
  T: number;
  H: number;
}

/** The states a run's cell has: h, c for an LSTM, and each gate. Values are UiState.state's. */
export function stateOptions(r: RunView): Array<[string, string]> {
  const opts: Array<[string, string]> = [['h', 'h (hidden state)']];
  if (r.info.cell === 'lstm') opts.push(['c', 'c (cell state)']);
  r.info.gateNames.forEach((g, i) => opts.push([`gate:${i}`, `gate ${g}`]));
  return opts;
}

/** Layers with a hidden state in the snapshot (`l{layer}.h`), ascending; [0] before the first snapshot. */
export function layersOf(snap: DiagnosticsSnapshot | undefined): number[] {
  if (!snap) return [0];
  const ls = Object.keys(snap.arrays).map((k) => /^l(\d+)\.h$/.exec(k)).filter((m): m is RegExpExecArray => m !== null).map((m) => Number(m[1]));
  return ls.length ? ls.sort((a, b) => a - b) : [0];
}

/** The chosen state of a layer (`h`, `c` or `gate:<i>`, a slice of the layer's gates); undefined when absent. */
export function stateMatrix(r: RunView, snap: DiagnosticsSnapshot, layer: number, state: string): StateMatrix | undefined {
  if (state.startsWith('gate:')) {
    const g = Number(state.slice(5));
    const a = snap.arrays[`l${layer}.gates`];
    if (!a) return undefined;
    const G = r.info.gateNames.length || 1;
    const [T, GH] = a.shape;
    const H = GH / G;
    return { values: gateSlice(a.data, T, H, G, g), T, H };
  }
  const a = snap.arrays[`l${layer}.${state}`];
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
