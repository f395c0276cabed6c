// Which TensorFlow.js engine the tfjs backend runs on: tfjs-node (libtensorflow, optional, installed on
// demand) when Node can resolve it, else the pure-JS cpu backend of @tensorflow/tfjs.
// Loaded only when a run asks for backend 'tfjs' (createBackend imports this folder lazily).
//
// tfjs-node is never a dependency of the project (its install script downloads libtensorflow). It lives
// in a folder of its own, set up by scripts/setup-tfjs-node.sh or the extension's Install Native Backend
// command, and is looked for, in this order, under
//   1. $SEQLAB_TFJS_NODE_DIR (the extension sets it to the npm prefix in its global storage),
//   2. Node's usual resolution from this file (node_modules of the project or above),
//   3. a `.tfjs-node` folder next to this file or any folder above it (<repo>/.tfjs-node, for src/ and dist/).
// Each folder is searched as a project root, <dir>/node_modules/@tensorflow/tfjs-node (src/shared/nativeEngine.ts).

import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import { NATIVE_DIR_ENV, NATIVE_PACKAGE } from '../../../shared/nativeEngine';

export type Tf = typeof TF;
export type TfEngine = 'tensorflow' | 'cpu';

export interface TfRuntime {
  tf: Tf;
  engine: TfEngine;
  /** For Backend.device, e.g. 'tfjs 4.22.0 · cpu'. */
  label: string;
}

export const TFJS_NODE = NATIVE_PACKAGE;
export const TFJS_NODE_DIR_ENV = NATIVE_DIR_ENV;

function tryResolve(id: string, paths?: string[]): string | undefined {
  try {
    return paths ? require.resolve(id, { paths }) : require.resolve(id);
  } catch {
    return undefined;
  }
}

/** The `.tfjs-node` folders in this file's folder and every folder above it, nearest first. */
function localDirs(): string[] {
  const dirs: string[] = [];
  for (let d = __dirname; ; d = path.dirname(d)) {
    const cand = path.join(d, '.tfjs-node');
    if (fs.existsSync(cand)) dirs.push(cand);
    if (path.dirname(d) === d) return dirs;
  }
}

/** Absolute path of tfjs-node's entry point when installed where the trainer looks (see the header), else undefined. */
export function resolveTfjsNode(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir = env[TFJS_NODE_DIR_ENV]?.trim();
  return (dir ? tryResolve(TFJS_NODE, [path.resolve(dir)]) : undefined) ?? tryResolve(TFJS_NODE) ?? tryResolve(TFJS_NODE, localDirs());
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
