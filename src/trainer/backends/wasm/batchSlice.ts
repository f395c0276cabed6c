// Batches are batch-major, so the rows of one thread are one contiguous slice of x and y.

import type { ModelSpec } from '../../model';

/** Elements per example in x and in y for a model trained on sequences of `steps` timesteps. */
export function rowSizes(spec: ModelSpec, steps: number): { x: number; y: number } {
  const x = spec.input === 'tokens' ? steps : steps * spec.inputSize;
  const perPosition = spec.loss === 'xent' ? 1 : spec.outputSize;
  const y = (spec.head === 'every' ? steps : 1) * perPosition;
  return { x, y };
}

export const yIsInt = (spec: ModelSpec): boolean => spec.loss === 'xent';
export const xIsInt = (spec: ModelSpec): boolean => spec.input === 'tokens';

/** The part of a batch-major array that belongs to rows [row0, row0 + rows). */
export function sliceRows<T extends Int32Array | Float32Array>(a: T, rowSize: number, row0: number, rows: number): T {
  return a.subarray(row0 * rowSize, (row0 + rows) * rowSize) as T;
}
