import type { BackendKind } from '../../shared/config';
import type { ModelSpec } from '../model';
import { TrainError } from '../errors';
import type { Backend } from './backend';
import { chooseBackend, trialWinner } from './backendChoice';
import { resolveTfjsNode } from './tfjs/tfjsNodeLocation';
import { nativeShortName } from '../../shared/nativeEngine';
import type { TfjsBackend } from './tfjs/tfjsBackend';
import { WasmBackend } from './wasm/wasmBackend';
import { initParams } from '../init';
import { Rng } from '../rng';
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
  const native = kind === 'auto' ? resolveTfjsNode() : undefined;
  const choice = chooseBackend(kind, shape.spec, native !== undefined);
  if (choice.kind === 'wasm') return { backend: await wasm(), reason: choice.reason };
  if (choice.kind === 'tfjs') return { backend: await createTfjsBackend(shape.spec), reason: choice.reason };

  // auto's trial: a few timed steps of each, one backend alive at a time, then a fresh one of the faster,
  // so the run starts from untouched parameters and optimizer state
  const tfjs = await createTfjsBackend(shape.spec);
  if (tfjs.engine !== 'tensorflow' || !tfjs.native) {
    // installed but not loadable (tfjsRuntime warned why): tfjs's wasm or cpu engine would be far slower than the kernels
    await tfjs.dispose();
    return { backend: await wasm(), reason: `auto: wasm kernels (${native ? nativeShortName(native.package) : 'tfjs-node'} is installed but did not load)` };
  }
  // tfjs-node-gpu on a GPU is timed here like any other engine: the trial needs no rule of its own for it
  const tfjsName = nativeShortName(tfjs.native);
  const tfjsPath = tfjs.path === 'fused' ? 'fused LSTM' : 'hand BPTT';
  let tfjsMs: number;
  try {
    tfjsMs = await timeSteps(tfjs, shape);
  } catch (e) {
    return { backend: await wasm(), reason: `auto: wasm kernels (${tfjsName} failed its trial step: ${(e as Error).message})` };
  } finally {
    await tfjs.dispose();
  }
  const kernels = await wasm();
  const wasmMs = await timeSteps(kernels, shape);
  await kernels.dispose();
  const win = trialWinner(wasmMs, tfjsMs, tfjsName, tfjsPath);
  return { backend: win.kind === 'wasm' ? await wasm() : await createTfjsBackend(shape.spec), reason: win.reason };
}

/** The faster of TRIAL_STEPS timed training steps (after one untimed warm-up) on a random batch of the run's shape. */
const TRIAL_STEPS = 2;

async function timeSteps(backend: Backend, { spec, batch: B, steps: T }: BackendShape): Promise<number> {
  const rng = new Rng(1);
  backend.setParams(initParams(spec, rng, { forgetBias: 1, recurrentSpectralRadius: 0 }));
  const I = spec.input === 'tokens' ? 1 : spec.inputSize;
  const x = spec.input === 'tokens' ? Int32Array.from({ length: B * T }, () => rng.int(spec.inputSize)) : Float32Array.from({ length: B * T * I }, () => rng.normal());
  const rows = spec.head === 'every' ? B * T : B;
  const y = spec.loss === 'xent' ? Int32Array.from({ length: rows }, () => rng.int(spec.outputSize)) : Float32Array.from({ length: rows * spec.outputSize }, () => rng.normal());
  const opt = { kind: 'adam' as const, learningRate: 1e-3, momentum: 0, clipNorm: 0, clipValue: 0 };
  let best = Infinity;
  for (let i = 0; i <= TRIAL_STEPS; i++) {
    const t0 = performance.now();
    await backend.trainStep({ x, y, size: B }, opt, i);
    if (i > 0) best = Math.min(best, performance.now() - t0);
  }
  return best;
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
