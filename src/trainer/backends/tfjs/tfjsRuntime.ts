// Which TensorFlow.js engine the tfjs backend runs on: tfjs-node (libtensorflow, optional, installed on
// demand) when Node can resolve it, else the pure-JS cpu backend of @tensorflow/tfjs.
// Loaded only when a run asks for backend 'tfjs' (createBackend imports this folder lazily).

import type * as TF from '@tensorflow/tfjs';

export type Tf = typeof TF;
export type TfEngine = 'tensorflow' | 'cpu';

export interface TfRuntime {
  tf: Tf;
  engine: TfEngine;
  /** For Backend.device, e.g. 'tfjs 4.22.0 · cpu'. */
  label: string;
}

function resolvable(id: string): boolean {
  try {
    require.resolve(id);
    return true;
  } catch {
    return false;
  }
}

let cached: Promise<TfRuntime> | undefined;

/** `prefer: 'cpu'` skips tfjs-node even when installed (tests, reproducible references). */
export function loadTfjs(prefer: 'auto' | 'cpu' = 'auto'): Promise<TfRuntime> {
  if (prefer === 'auto') return (cached ??= load('auto'));
  return load('cpu');
}

async function load(prefer: 'auto' | 'cpu'): Promise<TfRuntime> {
  if (prefer === 'auto' && resolvable('@tensorflow/tfjs-node')) {
    // tfjs-node re-exports the tfjs API bound to its own tfjs-core, where its backend is registered
    const tf = require('@tensorflow/tfjs-node') as Tf;
    quiet(tf);
    await tf.setBackend('tensorflow');
    await tf.ready();
    return { tf, engine: 'tensorflow', label: `tfjs-node ${tf.version.tfjs}` };
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
