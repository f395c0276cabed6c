// Every layer's states for one input sequence of any length, from a model's parameters: the wasm kernels'
// forward pass (no backward: what the diagnostics snapshot also computes, without its two gradient passes).
//
// A kernel instance has a fixed number of timesteps, so a long input runs in chunks of CHUNK steps on one
// instance built with `carryState`: each chunk's forward starts from the state the previous one ended in
// (kernels/seqlab.ts layerForward), which is the same arithmetic as one forward over the whole input. The
// last chunk is padded with zeros; the padded steps come after every real one, so they change nothing
// that is read. Between chunks the event loop turns, so a cancel can arrive.

import type { LayerStates } from '../../shared/explorerProtocol';
import { gatesOf, type ModelSpec } from '../model';
import { WasmModel } from '../backends/wasm/wasmModel';
import { throwIfAborted } from './explorerError';

/** Timesteps per forward: long enough that per-call costs vanish, short enough to answer a cancel soon. */
export const CHUNK = 512;

export interface StatesOptions {
  gates: boolean;
  signal?: AbortSignal;
  /** Timesteps per kernel call (tests use short chunks to check the carried state). */
  chunk?: number;
}

/**
 * States after each of the T timesteps of `x`: token ids [T] (token input) or features [T, inputSize]
 * (dense input). Batch 1, no dropout, zero initial state.
 */
export async function computeStates(spec: ModelSpec, params: Float32Array, x: Int32Array | Float32Array, opts: StatesOptions): Promise<LayerStates[]> {
  const I = spec.input === 'tokens' ? 1 : spec.inputSize;
  const T = x.length / I;
  if (!Number.isInteger(T) || T < 1) throw new RangeError(`states need at least one timestep of ${I} value(s), got ${x.length} values`);
  const H = spec.hiddenSize, GH = gatesOf(spec.cell) * H;
  const steps = Math.min(T, opts.chunk ?? CHUNK);
  const model = WasmModel.create({ spec, batch: 1, steps, carryState: true });
  try {
    model.params().set(params);
    model.resetState();
    const xChunk = spec.input === 'tokens' ? new Int32Array(steps) : new Float32Array(steps * I);
    // the targets only enter the loss, never the states: zeros of the right type and length
    const yRows = spec.head === 'every' ? steps : 1;
    const yChunk = spec.loss === 'xent' ? new Int32Array(yRows) : new Float32Array(yRows * spec.outputSize);
    const layers: LayerStates[] = Array.from({ length: spec.layers }, () => ({
      h: new Float32Array(T * H),
      ...(spec.cell === 'lstm' && { c: new Float32Array(T * H) }),
      ...(opts.gates && spec.cell !== 'rnn' && { gates: new Float32Array(T * GH) }),
    }));
    for (let t0 = 0; t0 < T; t0 += steps) {
      throwIfAborted(opts.signal);
      const n = Math.min(steps, T - t0);
      xChunk.fill(0);
      xChunk.set(x.subarray(t0 * I, (t0 + n) * I));
      model.setBatch(xChunk, yChunk);
      model.forward();
      layers.forEach((out, l) => {
        out.h.set(model.hidden(l).subarray(0, n * H), t0 * H);
        out.c?.set(model.cellState(l).subarray(0, n * H), t0 * H);
        out.gates?.set(model.gates(l).subarray(0, n * GH), t0 * GH);
      });
      if (t0 + steps < T) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return layers;
  } finally {
    model.dispose();
  }
}
