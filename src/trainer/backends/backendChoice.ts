// Which backend a run gets, and why: what was asked for, and for 'auto' the size rule. Our wasm kernels,
// except for an LSTM big enough that TensorFlow's fused LSTM on tfjs-node (tfjs/blockLstm.ts) trains it
// faster. Only the LSTM has a fused path: GRU and RNN on tfjs-node run hand BPTT (tfjs/bpttSequence.ts),
// which was slower than the kernels at every size measured (a GRU of 1024 about even; README, Speed).
// Pure: createBackend supplies whether tfjs-node is installed.

import type { BackendKind } from '../../shared/config';
import type { ModelSpec } from '../model';

/**
 * Smallest LSTM hidden size from which tfjs-node's fused LSTM was faster than our kernels on all cores:
 * `npm run bench -- --crossover` (benchmark shape, hidden 128…1024; 2-core AMD EPYC without AVX-512,
 * 2026-11-25; README, Speed).
 */
export const FUSED_LSTM_CROSSOVER_HIDDEN = 1024;

export interface BackendChoice {
  kind: 'wasm' | 'tfjs';
  /** One line for the run's meta and the progress output. */
  reason: string;
}

export function chooseBackend(requested: BackendKind, spec: ModelSpec, tfjsNodeInstalled: boolean): BackendChoice {
  switch (requested) {
    case 'wasm':
    case 'tfjs':
      return { kind: requested, reason: `backend "${requested}" asked for` };
    case 'auto': {
      const X = FUSED_LSTM_CROSSOVER_HIDDEN, H = spec.hiddenSize;
      if (spec.cell !== 'lstm') return { kind: 'wasm', reason: `auto: wasm kernels (tfjs-node has a fused path for LSTM only, not ${spec.cell.toUpperCase()})` };
      if (H < X) return { kind: 'wasm', reason: `auto: wasm kernels (LSTM hidden ${H} < ${X}, where tfjs-node's fused LSTM becomes faster)` };
      if (!tfjsNodeInstalled) return { kind: 'wasm', reason: `auto: wasm kernels (tfjs-node, faster for LSTM hidden ≥ ${X}, is not installed: npm run setup:tfjs-node)` };
      return { kind: 'tfjs', reason: `auto: tfjs-node fused LSTM (hidden ${H} ≥ ${X}, where it is faster than the wasm kernels)` };
    }
  }
}
