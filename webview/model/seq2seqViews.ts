// What the Seq2seq tab draws from an encoder–decoder's snapshot of its probe pair (S source tokens, T
// decoder steps; array names in docs/run-folder.md): the attention matrix with both token strings, the
// encoder's and the decoder's hidden states on one time axis (source positions, the hand-over, decoder
// steps), the walk of the step-through over that axis, and ‖∂L/∂h‖ per source position and decoder step.
// Pure.
import type { DiagnosticsSnapshot, RunInfo } from '../../src/shared/metrics';
import type { ColorScale } from './colorScales';
import { ceilTwoDigits } from './heatmapScales';

/** An encoder–decoder run: its info names the error rate of its targets (and its probe's target tokens). */
export const isEncoderDecoder = (info: RunInfo): boolean => info.errorRateName !== undefined || info.probeTargetTokens !== undefined;

/** Decoder step t's weights over the source positions: `weights[t * S + s]`. */
export interface AttentionMatrix {
  weights: Float32Array;
  /** Decoder steps (rows) and source positions (columns). */
  T: number;
  S: number;
  /** One per column, in written order (also with reverseSource). */
  sourceTokens: string[];
  /** One per row: the token decoder step t emits (</s> last). */
  targetTokens: string[];
}

/** Token labels of `n` positions: the run's tokens where it has as many, else numbers. */
function labels(tokens: readonly string[] | undefined, n: number, prefix: string): string[] {
  return Array.from({ length: n }, (_, i) => tokens?.[i] ?? `${prefix}${i}`);
}

/** The probe pair's attention (`att` [T, S]); undefined without one (attention "none", or no snapshot). */
export function attentionOf(info: RunInfo, snap: DiagnosticsSnapshot | undefined): AttentionMatrix | undefined {
  const a = snap?.arrays.att;
  if (!a || a.shape.length !== 2) return undefined;
  const [T, S] = a.shape;
  return { weights: a.data, T, S, sourceTokens: labels(info.probeTokens, S, 's'), targetTokens: labels(info.probeTargetTokens, T, 't') };
}

/** A translation's attention rows ([emitted tokens][source tokens]) as a matrix with its tokens. */
export function attentionFromRows(rows: readonly number[][], sourceTokens: readonly string[], targetTokens: readonly string[]): AttentionMatrix {
  const T = rows.length;
  const S = sourceTokens.length;
  const weights = new Float32Array(T * S);
  rows.forEach((row, t) => weights.set(row.slice(0, S), t * S));
  return { weights, T, S, sourceTokens: [...sourceTokens], targetTokens: labels(targetTokens, T, 't') };
}

/** The attention's colour range: the whole 0…1 a weight can take, or 0 up to the largest weight shown. */
export type AttentionRange = 'unit' | 'data';

export function attentionScale(weights: ArrayLike<number>, range: AttentionRange): { scale: ColorScale; caption: string } {
  if (range === 'unit') return { scale: { kind: 'sequential', lo: 0, hi: 1 }, caption: 'attention weight: sequential, 0…1' };
  let max = 0;
  for (let i = 0; i < weights.length; i++) if (weights[i] > max) max = weights[i];
  // weights are float32: 0.85 arrives as 0.8500000238, which must still read 0.85, not 0.86
  const hi = Math.min(1, ceilTwoDigits(Number(max.toPrecision(6)))) || 1;
  return { scale: { kind: 'sequential', lo: 0, hi }, caption: `attention weight: sequential, 0…${hi} (the largest weight)` };
}

/**
 * The encoder's and the decoder's hidden states of one layer side by side: columns are the S source
 * positions, the hand-over (column S, no values) and the T decoder steps; rows are units, the wider side's
 * count (a bidirectional encoder's forward units, then its backward ones). A side narrower than the other
 * has no values in the rows past its width. `values[col * U + unit]`, NaN where there is no value.
 */
export interface EncoderDecoderStates {
  values: Float32Array;
  S: number;
  T: number;
  /** Rows: units. */
  U: number;
  /** S + 1 + T. */
  cols: number;
  /** Encoder and decoder widths (the encoder's: directions × hidden size). */
  encoderUnits: number;
  decoderUnits: number;
  rowLabels: string[];
  colLabels: string[];
  /** The encoder read the source back to front (RunInfo.reverseSource): the walk goes as it read. */
  reversed: boolean;
}

/** Layers whose states the snapshot holds on both sides (`enc.l{l}…h` and `dec.l{l}.h`), ascending. */
export function encoderDecoderLayers(snap: DiagnosticsSnapshot | undefined): number[] {
  if (!snap) return [];
  const out: number[] = [];
  for (const k of Object.keys(snap.arrays)) {
    const m = /^dec\.l(\d+)\.h$/.exec(k);
    if (m && encoderStates(snap, Number(m[1])).length > 0) out.push(Number(m[1]));
  }
  return out.sort((a, b) => a - b);
}

/** Encoder layer l's states, one per direction: [S, He] each. */
function encoderStates(snap: DiagnosticsSnapshot, l: number): Array<{ data: Float32Array; shape: number[] }> {
  const one = snap.arrays[`enc.l${l}.h`];
  if (one) return [one];
  return [snap.arrays[`enc.l${l}.fwd.h`], snap.arrays[`enc.l${l}.bwd.h`]].filter((a) => a !== undefined);
}

export function encoderDecoderStates(info: RunInfo, snap: DiagnosticsSnapshot, layer: number): EncoderDecoderStates | undefined {
  const enc = encoderStates(snap, layer);
  const dec = snap.arrays[`dec.l${layer}.h`];
  if (enc.length === 0 || !dec) return undefined;
  const S = enc[0].shape[0], He = enc[0].shape[1], T = dec.shape[0], Hd = dec.shape[1];
  const encoderUnits = He * enc.length;
  const U = Math.max(encoderUnits, Hd);
  const cols = S + 1 + T;
  const values = new Float32Array(cols * U).fill(NaN);
  for (let s = 0; s < S; s++) enc.forEach((a, dir) => values.set(a.data.subarray(s * He, (s + 1) * He), s * U + dir * He));
  for (let t = 0; t < T; t++) values.set(dec.data.subarray(t * Hd, (t + 1) * Hd), (S + 1 + t) * U);
  const rowLabels = Array.from({ length: U }, (_, u) => (enc.length === 2 && u < encoderUnits ? `${u < He ? 'f' : 'b'}${u % He}` : String(u)));
  const colLabels = [...labels(info.probeTokens, S, 's'), '⇒', ...labels(info.probeTargetTokens, T, 't')];
  return { values, S, T, U, cols, encoderUnits, decoderUnits: Hd, rowLabels, colLabels, reversed: info.reverseSource === true };
}

/** One stop of the step-through: the encoder reads source token `s`, the final state is handed over, or the decoder emits target token `t`. */
export type WalkStop = { kind: 'encode'; s: number } | { kind: 'handOver' } | { kind: 'decode'; t: number };

/** Stops of a pair of S source and T target tokens: S reads, the hand-over, T emissions. */
export const walkLength = (S: number, T: number): number => S + 1 + T;

/**
 * Stop `i` (0 ≤ i < walkLength) of the walk over S source tokens, in the order the encoder reads them: front
 * to back, or back to front when it read the source `reversed` (so stop 0 reads the last source position).
 */
export function walkStop(i: number, S: number, reversed = false): WalkStop {
  if (i < S) return { kind: 'encode', s: reversed ? S - 1 - i : i };
  if (i === S) return { kind: 'handOver' };
  return { kind: 'decode', t: i - S - 1 };
}

/** The column of the states' time axis (source positions in written order, the hand-over, decoder steps) a stop lights up. */
export function walkColumn(stop: WalkStop, S: number): number {
  switch (stop.kind) {
    case 'encode': return stop.s;
    case 'handOver': return S;
    case 'decode': return S + 1 + stop.t;
  }
}

/** What a stop says, with the tokens (as they are drawn) and the state's name; `reversed`: the encoder read back to front. */
export function walkCaption(stop: WalkStop, sourceTokens: readonly string[], targetTokens: readonly string[], reversed = false): string {
  const S = sourceTokens.length;
  switch (stop.kind) {
    case 'encode':
      return reversed
        ? `Encoder reads “${sourceTokens[stop.s] ?? '?'}” (source position ${stop.s}, read ${S - stop.s} of ${S}: it reads back to front) → its state h_${stop.s}`
        : `Encoder reads “${sourceTokens[stop.s] ?? '?'}” (source position ${stop.s}) → its state h_${stop.s}`;
    case 'handOver':
      return `The encoder's final state h_${reversed ? 0 : S - 1} is handed to the decoder as its initial state`;
    case 'decode': {
      const input = stop.t === 0 ? '<s>' : targetTokens[stop.t - 1] ?? '?';
      return `Decoder step ${stop.t} reads “${input}” → state s_${stop.t} → emits “${targetTokens[stop.t] ?? '?'}”`;
    }
  }
}

/** A gradient-norm series: its name (layer, direction) and ‖∂L/∂h‖ at each position or step. */
export interface NormSeries {
  label: string;
  values: Float32Array;
}

/** ‖∂L/∂h‖ over the encoder's source positions (per layer and direction) and over the decoder's steps (per layer). */
export function gradientNorms(snap: DiagnosticsSnapshot | undefined): { encoder: NormSeries[]; decoder: NormSeries[] } {
  const encoder: NormSeries[] = [];
  const decoder: NormSeries[] = [];
  if (!snap) return { encoder, decoder };
  const keys = Object.keys(snap.arrays).sort();
  for (const k of keys) {
    const e = /^enc\.l(\d+)(?:\.(fwd|bwd))?\.dh$/.exec(k);
    if (e) encoder.push({ label: `layer ${e[1]}${e[2] ? ` ${e[2] === 'fwd' ? 'forward' : 'backward'}` : ''}`, values: snap.arrays[k].data });
    const d = /^dec\.l(\d+)\.dh$/.exec(k);
    if (d) decoder.push({ label: `layer ${d[1]}`, values: snap.arrays[k].data });
  }
  return { encoder, decoder };
}

/** Whether positive values span so much that a log axis reads better (largest / smallest ≥ 100). */
export function wideRange(series: ReadonlyArray<ArrayLike<number>>): boolean {
  let lo = Infinity;
  let hi = 0;
  for (const a of series) {
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      if (!(v > 0) || !Number.isFinite(v)) continue;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  return hi > 0 && hi / lo >= 100;
}
