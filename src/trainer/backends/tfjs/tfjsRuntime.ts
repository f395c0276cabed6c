// Which TensorFlow.js engine the tfjs backend runs on, best first: tfjs-node-gpu or tfjs-node (libtensorflow,
// optional, installed on demand) when Node can resolve one; else TensorFlow.js's wasm engine
// (@tensorflow/tfjs-backend-wasm, XNNPACK compiled to WebAssembly SIMD); else, if that does not initialise,
// the pure-JS cpu engine of @tensorflow/tfjs. Loaded only when a run asks for backend 'tfjs' (createBackend
// imports this folder lazily). Where the native packages are looked for, and which wins: tfjsNodeLocation.ts.
//
// The wasm engine runs single-threaded in Node: tfjs-backend-wasm 4.22 reports no thread support there
// (WASM_HAS_MULTITHREAD_SUPPORT is false under Node, tensorflow/tfjs#3830: its threaded build starts its
// workers from Blob URLs, which Node's worker_threads cannot load), so only its SIMD binary is used and
// shipped. The binary is read from next to this file when bundled (scripts/build.mjs copies it into dist/),
// from the package's own dist/ otherwise (src under tsx, the tests).
//
// The wasm and cpu engines are two backends of one tfjs, whose current backend is process-wide: a runtime's
// activate() makes its engine the current one again (TfjsBackend calls it before it runs ops), so backends
// on both engines can live in one process (the tests). tfjs-node brings its own tfjs.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import { NATIVE_GPU_PACKAGE, nativeShortName, type NativePackage } from '../../../shared/nativeEngine';
import { resolveTfjsNode } from './tfjsNodeLocation';

export type Tf = typeof TF;
export type TfEngine = 'tensorflow' | 'wasm' | 'cpu';
/** 'auto': the best engine there is; 'wasm' skips tfjs-node; 'cpu' the pure-JS engine (tests, export). */
export type TfEngineRequest = 'auto' | 'wasm' | 'cpu';

export interface TfRuntime {
  tf: Tf;
  engine: TfEngine;
  /** The native package the 'tensorflow' engine came from; undefined on the wasm and cpu engines. */
  native?: NativePackage;
  /** For Backend.device, e.g. 'tfjs 4.22.0 · wasm (SIMD)', 'tfjs-node-gpu 4.22.0 · tensorflow 2.9.1 · GPU'. */
  label: string;
  /** Makes this engine the one `tf` runs ops on (synchronous: the backend is initialised already). */
  activate(): void;
}

/** The tfjs-backend-wasm binary the wasm engine loads in Node (SIMD, no threads; see the header). */
export const TFJS_WASM_BINARY = 'tfjs-backend-wasm-simd.wasm';

/**
 * The folder the wasm engine reads TFJS_WASM_BINARY from: the first of `dirs` that holds it (by default
 * this file's folder, dist/ in the bundle), else tfjs-backend-wasm's own dist/; undefined when neither has it.
 */
export function tfjsWasmDir(dirs: string[] = [__dirname]): string | undefined {
  for (const d of dirs) if (fs.existsSync(path.join(d, TFJS_WASM_BINARY))) return d;
  try {
    return path.dirname(require.resolve(`@tensorflow/tfjs-backend-wasm/dist/${TFJS_WASM_BINARY}`));
  } catch {
    return undefined;
  }
}

const cache = new Map<TfEngineRequest, Promise<TfRuntime>>();

/** The runtime for `prefer`, loaded once per process and made the current engine. */
export async function loadTfjs(prefer: TfEngineRequest = 'auto'): Promise<TfRuntime> {
  let p = cache.get(prefer);
  if (!p) {
    p = prefer === 'auto' ? loadBest() : prefer === 'wasm' ? loadOwn() : Promise.resolve(loadCpu());
    cache.set(prefer, p);
  }
  const rt = await p;
  rt.activate();
  return rt;
}

async function loadBest(): Promise<TfRuntime> {
  const found = resolveTfjsNode();
  if (!found) return loadOwn();
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
    return {
      tf, engine: 'tensorflow', native: found.package, label: `${name} ${tf.version.tfjs} · tensorflow${lib ? ` ${lib}` : ''}${device}`,
      activate: () => {},
    };
  } catch (e) {
    // a broken install (missing libtensorflow, wrong glibc/libstdc++, missing CUDA libraries) must not stop training
    const rt = await loadOwn();
    process.emitWarning(`${name} at ${found.path} failed to load, using the tfjs ${rt.engine} engine: ${(e as Error).message}`);
    return rt;
  }
}

/** TensorFlow.js's own engines: wasm, else cpu (with a warning saying why). */
async function loadOwn(): Promise<TfRuntime> {
  try {
    return await loadWasm();
  } catch (e) {
    process.emitWarning(`TensorFlow.js's wasm engine did not start, using its cpu engine: ${(e as Error).message}`);
    return loadCpu();
  }
}

async function loadWasm(): Promise<TfRuntime> {
  const tf = pureTfjs();
  // registers the 'wasm' backend and its kernels with the same tfjs-core (bundled together in dist/tfjs.js)
  const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'))) throw new Error('this runtime has no WebAssembly SIMD');
  const dir = tfjsWasmDir();
  if (!dir) throw new Error(`${TFJS_WASM_BINARY} not found next to ${__filename} nor in @tensorflow/tfjs-backend-wasm`);
  wasm.setWasmPaths(dir + path.sep);
  // setBackend reports a failed initialisation as false (and a console warning), not as an error
  if (!(await keepingProcessListeners(() => tf.setBackend('wasm')))) {
    await tf.setBackend('cpu');
    throw new Error(`it did not initialise from ${path.join(dir, TFJS_WASM_BINARY)}`);
  }
  await tf.ready();
  return { tf, engine: 'wasm', label: `tfjs ${tf.version.tfjs} · wasm (SIMD)`, activate: activator(tf, 'wasm') };
}

const PROCESS_EVENTS = ['uncaughtException', 'unhandledRejection'] as const;

/**
 * Runs `f` and removes the uncaughtException and unhandledRejection listeners it added: emscripten's Node glue
 * in tfjs-backend-wasm adds two that rethrow whatever reaches them (tfjs takes them away only when the backend
 * is disposed), which would turn the trainer's crashes into exit code 7 instead of Node's own report.
 */
async function keepingProcessListeners<T>(f: () => Promise<T>): Promise<T> {
  const emitter: NodeJS.EventEmitter = process;
  const before = new Map(PROCESS_EVENTS.map((ev) => [ev, emitter.listeners(ev)]));
  try {
    return await f();
  } finally {
    for (const ev of PROCESS_EVENTS) {
      for (const l of emitter.listeners(ev)) if (!before.get(ev)!.includes(l)) emitter.removeListener(ev, l as (...args: unknown[]) => void);
    }
  }
}

function loadCpu(): TfRuntime {
  const tf = pureTfjs();
  const activate = activator(tf, 'cpu');
  activate();
  return { tf, engine: 'cpu', label: `tfjs ${tf.version.tfjs} · cpu`, activate };
}

function pureTfjs(): Tf {
  const tf = require('@tensorflow/tfjs') as Tf;
  quiet(tf);
  return tf;
}

// setBackend of a backend that has been initialised switches before its first await, so this is synchronous;
// the cpu backend initialises synchronously on first use
function activator(tf: Tf, name: 'wasm' | 'cpu'): () => void {
  return () => {
    if (tf.getBackend() !== name) void tf.setBackend(name);
  };
}

// PROD drops tfjs's per-op debug checks and its "install tfjs-node" banner on the cpu backend's first use
function quiet(tf: Tf): void {
  tf.env().set('PROD', true);
}
