import type { BackendKind } from '../../shared/config';
import type { ModelSpec } from '../model';
import { TrainError } from '../errors';
import type { Backend } from './backend';
import { chooseBackend } from './backendChoice';
import { resolveTfjsNode } from './tfjs/tfjsNodeLocation';
import type { TfjsBackend } from './tfjs/tfjsBackend';
import { WasmBackend } from './wasm/wasmBackend';
import * as os from 'node:os';

export interface BackendShape {
  spec: ModelSpec;
  batch: number;
  steps: number;
  /** 0 = all cores. */
  threads: number;
}

export interface CreatedBackend {
  backend: Backend;
  /** Why this backend runs (backendChoice.ts), for RunInfo.backendReason. */
  reason: string;
}

export async function createBackend(kind: BackendKind, shape: BackendShape): Promise<CreatedBackend> {
  const threads = shape.threads > 0 ? shape.threads : os.availableParallelism();
  const wasm = () => WasmBackend.create({ ...shape, threads });
  const choice = chooseBackend(kind, shape.spec, kind === 'auto' && resolveTfjsNode() !== undefined);
  if (choice.kind === 'wasm') return { backend: await wasm(), reason: choice.reason };
  const tfjs = await createTfjsBackend(shape.spec);
  if (kind === 'auto' && tfjs.path !== 'fused') {
    // installed but not loadable (tfjsRuntime warned why): the CPU engine would be far slower than the kernels
    await tfjs.dispose();
    return { backend: await wasm(), reason: 'auto: wasm kernels (tfjs-node is installed but did not load)' };
  }
  return { backend: tfjs, reason: choice.reason };
}

// TensorFlow.js is loaded only here, only when asked for. In the build, './tfjs/tfjsBackend' resolves to
// dist/tfjs.js, a bundle of its own (scripts/build.mjs), so the trainer bundle stays free of tfjs.
async function createTfjsBackend(spec: ModelSpec): Promise<TfjsBackend> {
  let mod: typeof import('./tfjs/tfjsBackend');
  try {
    mod = await import('./tfjs/tfjsBackend');
  } catch (e) {
    throw new TrainError('backend', `TensorFlow.js could not be loaded: ${(e as Error).message}. Use "backend": "wasm" (the default).`);
  }
  return mod.TfjsBackend.create({ spec });
}
