// Which backend a run gets, and why: what was asked for, and for 'auto' a size rule plus a timed trial.
// Small models (hidden < TRIAL_FROM_HIDDEN) take our wasm kernels: tfjs-node lost to them at every such size
// measured, fused LSTM included (README, Speed). From there on, where tfjs-node is installed, the answer
// depends on more than the hidden size: the kernels scale with their threads, tfjs-node's fused LSTM and hand
// BPTT with TensorFlow's own thread pool, and layers, batch and sequence length shift both (`npm run bench --
// --crossover`: the LSTM crossed between 512 and 1024 on 2 cores, the GRU about even at 1024). So 'auto' times
// a few training steps of each at the run's own shape (createBackend.ts) and keeps the faster. Pure: the
// caller supplies whether tfjs-node is installed and, for a trial, the two timings.
// Without tfjs-node the kernels are taken outright: the tfjs backend's other engine, TensorFlow.js's wasm
// engine (one thread of XNNPACK in Node), lost to them at every size measured (an LSTM step 182 ms against
// 46 at hidden 128, 1.1–1.4 s against 0.50 s at 512; GRU 179 against 41–45 ms, RNN 89 against 12–15), so
// timing it would only delay the start.

import type { BackendKind } from '../../shared/config';
import type { ModelSpec } from '../model';

/** From this hidden size on, 'auto' times both backends when tfjs-node is installed (below it the kernels won by ≥ 1.9×). */
export const TRIAL_FROM_HIDDEN = 256;

export type BackendChoice =
  | {
    kind: 'wasm' | 'tfjs';
    /** One line for the run's meta and the progress output. */
    reason: string;
  }
  /** Time a few training steps of each at the run's shape and keep the faster (trialWinner). */
  | { kind: 'trial' };

export function chooseBackend(requested: BackendKind, spec: ModelSpec, tfjsNodeInstalled: boolean): BackendChoice {
  switch (requested) {
    case 'wasm':
    case 'tfjs':
      return { kind: requested, reason: `backend "${requested}" asked for` };
    case 'auto': {
      const X = TRIAL_FROM_HIDDEN, H = spec.hiddenSize;
      if (H < X) return { kind: 'wasm', reason: `auto: wasm kernels (hidden ${H} < ${X}: faster than tfjs-node at every such size measured)` };
      if (!tfjsNodeInstalled) return { kind: 'wasm', reason: `auto: wasm kernels (tfjs-node, which can be faster from hidden ${X} on, is not installed: npm run setup:tfjs-node)` };
      return { kind: 'trial' };
    }
  }
}

/**
 * The timed trial's verdict: ms per training step of each at the run's shape; ties go to the kernels.
 * `tfjsName` is the native package that was timed ('tfjs-node' or 'tfjs-node-gpu').
 */
export function trialWinner(wasmMs: number, tfjsMs: number, tfjsName: string, tfjsPath: string): { kind: 'wasm' | 'tfjs'; reason: string } {
  const times = `${fmtMs(wasmMs)} per step on the wasm kernels, ${fmtMs(tfjsMs)} on ${tfjsName} (${tfjsPath}), timed at this run's shape`;
  return tfjsMs < wasmMs
    ? { kind: 'tfjs', reason: `auto: ${tfjsName} ${tfjsPath} (${times})` }
    : { kind: 'wasm', reason: `auto: wasm kernels (${times})` };
}

function fmtMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms >= 100 ? 0 : 1)} ms`;
}
