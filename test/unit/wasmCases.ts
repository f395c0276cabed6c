// Shared cases for the wasm kernel tests: tiny model shapes, seeded parameters and batches.
import assert from 'node:assert/strict';
import { after } from 'node:test';
import type { CellKind } from '../../src/shared/config';
import type { HeadKind, InputKind, LossKind, ModelSpec } from '../../src/trainer/model';
import { WasmModel } from '../../src/trainer/backends/wasm/wasmModel';

export const CELLS: CellKind[] = ['rnn', 'lstm', 'gru'];
export const HEADS: { input: InputKind; loss: LossKind; head: HeadKind }[] = [
  { input: 'tokens', loss: 'xent', head: 'every' },
  { input: 'dense', loss: 'mse', head: 'last' },
  { input: 'dense', loss: 'xent', head: 'last' },
];

export interface Case { name: string; spec: ModelSpec; batch: number; steps: number }

/** The tiny shapes of the gradient checks: V 7, D 3, H 5, T 4, B 3 (and 2 input features for dense). */
export function tinyCases(): Case[] {
  const out: Case[] = [];
  for (const cell of CELLS)
    for (const layers of [1, 2])
      for (const h of HEADS) {
        const spec: ModelSpec = {
          cell, input: h.input, inputSize: h.input === 'tokens' ? 7 : 2, embedSize: 3, hiddenSize: 5, layers,
          outputSize: h.loss === 'mse' ? 2 : 7, head: h.head, loss: h.loss, dropout: 0,
        };
        out.push({ name: `${cell} ${layers}L ${h.input}+${h.loss}+${h.head}`, spec, batch: 3, steps: 4 });
      }
  return out;
}

/** One of tinyCases() by its name, e.g. 'lstm 2L tokens+xent+every'. */
export function tinyCase(name: string): Case {
  const c = tinyCases().find((k) => k.name === name);
  if (!c) throw new Error(`no tiny case named ${name}`);
  return c;
}

export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
}

/** Uniform in ±scale; big enough that gradients stand well above f32 round-off in finite differences. */
export function fillParams(p: Float32Array, seed: number, scale = 0.6): void {
  const r = rng(seed);
  for (let i = 0; i < p.length; i++) p[i] = (r() * 2 - 1) * scale;
}

export function makeBatch(c: Case, seed: number): { x: Int32Array | Float32Array; y: Int32Array | Float32Array } {
  const { spec, batch: B, steps: T } = c;
  const r = rng(seed);
  const x = spec.input === 'tokens'
    ? Int32Array.from({ length: B * T }, () => Math.floor(r() * spec.inputSize))
    : Float32Array.from({ length: B * T * spec.inputSize }, () => r() * 2 - 1);
  const rows = spec.head === 'every' ? B * T : B;
  const y = spec.loss === 'xent'
    ? Int32Array.from({ length: rows }, () => Math.floor(r() * spec.outputSize))
    : Float32Array.from({ length: rows * spec.outputSize }, () => r() * 2 - 1);
  return { x, y };
}

export function modelFor(c: Case, seed = 7, opts: { carryState?: boolean } = {}): WasmModel {
  const m = WasmModel.create({ spec: c.spec, batch: c.batch, steps: c.steps, carryState: opts.carryState, relaxedSimd: false });
  fillParams(m.params(), seed);
  const { x, y } = makeBatch(c, seed + 1);
  m.setBatch(x, y);
  return m;
}

/** max |a − b| / max |b|: error relative to the scale of the reference tensor. */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0, s = 0;
  for (let i = 0; i < b.length; i++) { d = Math.max(d, Math.abs(a[i] - b[i])); s = Math.max(s, Math.abs(b[i])); }
  return s === 0 ? d : d / s;
}

/**
 * A relative-error check that remembers the worst error of each group and prints it when the file's tests
 * end; call it at the top level of a test file. `title` names the comparison in that report.
 */
export function worstErrors(title: string): (what: string, err: number, tol: number, group: string) => void {
  const worst = new Map<string, number>();
  after(() => {
    for (const [g, e] of worst) console.log(`# ${title}, max relative error ${g}: ${e.toExponential(2)}`);
  });
  return (what, err, tol, group) => {
    worst.set(group, Math.max(worst.get(group) ?? 0, err));
    assert.ok(err < tol, `${what}: relative error ${err.toExponential(2)} ≥ ${tol}`);
  };
}
