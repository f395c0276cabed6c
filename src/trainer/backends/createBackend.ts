import type { BackendKind } from '../../shared/config';
import type { ModelSpec } from '../model';
import { TrainError } from '../errors';
import type { Backend } from './backend';
import { WasmBackend } from './wasm/wasmBackend';
import * as os from 'node:os';

export interface BackendShape {
  spec: ModelSpec;
  batch: number;
  steps: number;
  /** 0 = all cores. */
  threads: number;
}

export async function createBackend(kind: BackendKind, shape: BackendShape): Promise<Backend> {
  const threads = shape.threads > 0 ? shape.threads : os.availableParallelism();
  switch (kind) {
    case 'wasm':
    case 'auto':
      return WasmBackend.create({ ...shape, threads });
    case 'tfjs':
      return createTfjsBackend(shape.spec);
  }
}

// TensorFlow.js is loaded only here, only when asked for. In the build, './tfjs/tfjsBackend' resolves to
// dist/tfjs.js, a bundle of its own (scripts/build.mjs), so the trainer bundle stays free of tfjs.
async function createTfjsBackend(spec: ModelSpec): Promise<Backend> {
  let mod: typeof import('./tfjs/tfjsBackend');
  try {
    mod = await import('./tfjs/tfjsBackend');
  } catch (e) {
    throw new TrainError('backend', `TensorFlow.js could not be loaded: ${(e as Error).message}. Use "backend": "wasm" (the default).`);
  }
  return mod.TfjsBackend.create({ spec });
}
