// What a backend needs to know to build a network, and the flat parameter layout every backend shares.
// The layout follows Keras, so weights and reference fixtures from TensorFlow map one to one:
//   embedding  E  [vocab, embed]                         (token input only)
//   per layer  Wx [in, G*H]   Wh [H, G*H]   b [G*H]      (GRU adds bh [G*H], Keras reset_after bias row 2)
//   head       Wy [H, out]    by [out]
// Gate order: LSTM i, f, g(c), o (Keras); GRU z, r, n (Keras reset_after=True); RNN a single tanh block.
// All matrices row-major f32.

import type { CellKind } from './config';

export type InputKind = 'tokens' | 'dense';
/** `every`: a prediction at every timestep; `last`: one prediction after the last timestep. */
export type HeadKind = 'every' | 'last';
/** `xent`: softmax cross-entropy over `outputSize` classes; `mse`: mean squared error on `outputSize` values. */
export type LossKind = 'xent' | 'mse';

export interface ModelSpec {
  cell: CellKind;
  input: InputKind;
  /** Vocabulary size (tokens) or number of input features (dense). */
  inputSize: number;
  /** Embedding size; used only when input is `tokens`. */
  embedSize: number;
  hiddenSize: number;
  layers: number;
  outputSize: number;
  head: HeadKind;
  loss: LossKind;
  dropout: number;
}

export const gatesOf = (cell: CellKind): number => (cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1);

/** Names of the LSTM/GRU gates in the order the kernels and the diagnostics snapshots store them (a run's info.gateNames). */
export const gateNames = (cell: CellKind): string[] => (cell === 'lstm' ? ['i', 'f', 'g', 'o'] : cell === 'gru' ? ['z', 'r', 'n'] : []);

export interface ParamTensor {
  name: string; // 'embedding', 'l0.Wx', 'l0.Wh', 'l0.b', 'l0.bh', 'head.Wy', 'head.by'
  shape: number[];
  offset: number; // in floats, into the flat parameter vector
  size: number;
}

/** Lays tensors out one after another in a flat parameter vector, in the order they are added. */
export class LayoutBuilder {
  readonly tensors: ParamTensor[] = [];
  private offset = 0;

  add(name: string, shape: number[]): void {
    const size = shape.reduce((a, b) => a * b, 1);
    this.tensors.push({ name, shape, offset: this.offset, size });
    this.offset += size;
  }

  /** One recurrent layer: Wx [in, G·H], Wh [H, G·H], b [G·H], and GRU's recurrent bias bh (Keras reset_after). */
  recurrent(prefix: string, cell: CellKind, inSize: number, H: number): void {
    const GH = gatesOf(cell) * H;
    this.add(`${prefix}.Wx`, [inSize, GH]);
    this.add(`${prefix}.Wh`, [H, GH]);
    this.add(`${prefix}.b`, [GH]);
    if (cell === 'gru') this.add(`${prefix}.bh`, [GH]);
  }
}

export function paramLayout(spec: ModelSpec): ParamTensor[] {
  const H = spec.hiddenSize;
  const b = new LayoutBuilder();
  let inSize = spec.inputSize;
  if (spec.input === 'tokens') {
    b.add('embedding', [spec.inputSize, spec.embedSize]);
    inSize = spec.embedSize;
  }
  for (let l = 0; l < spec.layers; l++) b.recurrent(`l${l}`, spec.cell, l === 0 ? inSize : H, H);
  b.add('head.Wy', [H, spec.outputSize]);
  b.add('head.by', [spec.outputSize]);
  return b.tensors;
}

export const paramCount = (spec: ModelSpec): number => {
  const layout = paramLayout(spec);
  const last = layout[layout.length - 1];
  return last.offset + last.size;
};
