// Which TensorFlow.js engine the tfjs backend runs on: tfjs-node-gpu or tfjs-node (libtensorflow, optional,
// installed on demand) when Node can resolve one, else the pure-JS cpu backend of @tensorflow/tfjs.
// Loaded only when a run asks for backend 'tfjs' (createBackend imports this folder lazily).
// Where the native packages are looked for, and which wins: tfjsNodeLocation.ts.

import type * as TF from '@tensorflow/tfjs';
import { NATIVE_GPU_PACKAGE, nativeShortName, type NativePackage } from '../../../shared/nativeEngine';
import { resolveTfjsNode } from './tfjsNodeLocation';

export type Tf = typeof TF;
export type TfEngine = 'tensorflow' | 'cpu';

export interface TfRuntime {
  tf: Tf;
  engine: TfEngine;
  /** The native package the 'tensorflow' engine came from; undefined on the cpu engine. */
  native?: NativePackage;
  /** For Backend.device, e.g. 'tfjs 4.22.0 · cpu', 'tfjs-node-gpu 4.22.0 · tensorflow 2.9.1 · GPU'. */
  label: string;
}

let cached: Promise<TfRuntime> | undefined;

/** `prefer: 'cpu'` skips tfjs-node even when installed (tests, reproducible references). */
export function loadTfjs(prefer: 'auto' | 'cpu' = 'auto'): Promise<TfRuntime> {
  if (prefer === 'auto') return (cached ??= load('auto'));
  return load('cpu');
}

async function load(prefer: 'auto' | 'cpu'): Promise<TfRuntime> {
  const found = prefer === 'auto' ? resolveTfjsNode() : undefined;
  if (found) {
    const name = nativeShortName(found.package);
    // tfjs-node re-exports the whole tfjs API bound to its own tfjs-core (a second copy when this file is
    // bundled with tfjs), where its 'tensorflow' backend is registered: all ops then go through that `tf`.
    try {
      // libtensorflow's C++ INFO lines (CPU feature notes) on stderr, unless asked for
      process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
      const tf = require(found.path) as Tf;
      quiet(tf);
      if (!(await tf.setBackend('tensorflow'))) throw new Error("its 'tensorflow' backend did not initialize");
      await tf.ready();
      // tfjs-node's NodeJSKernelBackend: `binding.TF_Version` of libtensorflow, and `isUsingGpuDevice`, set
      // when TensorFlow listed a GPU device at start-up (both builds have it; only the GPU build can be true)
      const backend = tf.backend() as { binding?: { TF_Version?: string }; isUsingGpuDevice?: boolean };
      const lib = backend.binding?.TF_Version;
      let device = '';
      if (found.package === NATIVE_GPU_PACKAGE) {
        device = backend.isUsingGpuDevice ? ' · GPU' : ' · CPU (no GPU found)';
        if (!backend.isUsingGpuDevice) {
          process.emitWarning(
            `${name} at ${found.path} loaded, but TensorFlow found no GPU (it needs an NVIDIA driver, CUDA 11.2 and cuDNN 8.1 on the library path); running on the CPU. TF_CPP_MIN_LOG_LEVEL=0 shows what it tried.`,
          );
        }
      }
      return { tf, engine: 'tensorflow', native: found.package, label: `${name} ${tf.version.tfjs} · tensorflow${lib ? ` ${lib}` : ''}${device}` };
    } catch (e) {
      // a broken install (missing libtensorflow, wrong glibc/libstdc++, missing CUDA libraries) must not stop training
      process.emitWarning(`${name} at ${found.path} failed to load, using the tfjs cpu backend: ${(e as Error).message}`);
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
