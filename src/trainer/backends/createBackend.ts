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
      throw new TrainError('backend', 'The TensorFlow.js backend is not available in this version yet; use "backend": "wasm" (the default).');
  }
}
