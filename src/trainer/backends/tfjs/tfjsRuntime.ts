// Which TensorFlow.js engine the tfjs backend runs on: tfjs-node (libtensorflow, optional, installed on
// demand) when Node can resolve it, else the pure-JS cpu backend of @tensorflow/tfjs.
// Loaded only when a run asks for backend 'tfjs' (createBackend imports this folder lazily).
// Where tfjs-node is looked for: tfjsNodeLocation.ts.

import type * as TF from '@tensorflow/tfjs';
import { resolveTfjsNode } from './tfjsNodeLocation';

export type Tf = typeof TF;
export type TfEngine = 'tensorflow' | 'cpu';

export interface TfRuntime {
  tf: Tf;
  engine: TfEngine;
  /** For Backend.device, e.g. 'tfjs 4.22.0 · cpu'. */
  label: string;
}

let cached: Promise<TfRuntime> | undefined;

/** `prefer: 'cpu'` skips tfjs-node even when installed (tests, reproducible references). */
export function loadTfjs(prefer: 'auto' | 'cpu' = 'auto'): Promise<TfRuntime> {
  if (prefer === 'auto') return (cached ??= load('auto'));
  return load('cpu');
}

async function load(prefer: 'auto' | 'cpu'): Promise<TfRuntime> {
  const nodePath = prefer === 'auto' ? resolveTfjsNode() : undefined;
  if (nodePath) {
    // tfjs-node re-exports the whole tfjs API bound to its own tfjs-core (a second copy when this file is
    // bundled with tfjs), where its 'tensorflow' backend is registered: all ops then go through that `tf`.
    try {
      // libtensorflow's C++ INFO lines (CPU feature notes) on stderr, unless asked for
      process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
      const tf = require(nodePath) as Tf;
      quiet(tf);
      if (!(await tf.setBackend('tensorflow'))) throw new Error("its 'tensorflow' backend did not initialize");
      await tf.ready();
      const lib = (tf.backend() as { binding?: { TF_Version?: string } }).binding?.TF_Version;
      return { tf, engine: 'tensorflow', label: `tfjs-node ${tf.version.tfjs} · tensorflow${lib ? ` ${lib}` : ''}` };
    } catch (e) {
      // a broken install (missing libtensorflow, wrong glibc/libstdc++) must not stop training
      process.emitWarning(`tfjs-node at ${nodePath} failed to load, using the tfjs cpu backend: ${(e as Error).message}`);
    }
  }
  const tf = require('@tensorflow/tfjs') as Tf;
  quiet(tf);
  await tf.setBackend('cpu');
  await tf.ready();
  return { tf, engine: 'cpu', label: `tfjs ${tf.version.tfjs} · cpu` };
}

// PROD drops tfjs's per-op debug checks and its "install tfjs-node" banner on the cpu backend's first use
function quiet(tf: Tf): void {
  tf.env().set('PROD', true);
}
