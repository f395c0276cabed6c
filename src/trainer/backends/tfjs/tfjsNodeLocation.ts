// Where the optional native engine (@tensorflow/tfjs-node or @tensorflow/tfjs-node-gpu → libtensorflow) is
// installed, found without loading it or TensorFlow.js: the trainer bundle asks this for backend 'auto', the
// tfjs bundle to load it.
//
// Neither package is a dependency of the project (their install scripts download libtensorflow). One lives
// in a folder of its own, set up by scripts/setup-tfjs-node.sh or the extension's Install Native Backend
// command, and is looked for, in this order, under
//   1. $SEQLAB_TFJS_NODE_DIR (the extension sets it to the npm prefix in its global storage),
//   2. Node's usual resolution from this file (node_modules of the project or above),
//   3. a `.tfjs-node` folder next to this file or any folder above it (<repo>/.tfjs-node, for src/ and dist/).
// Each folder is searched as a project root, <dir>/node_modules/@tensorflow/tfjs-node-gpu first, then
// …/tfjs-node (NATIVE_PACKAGES, src/shared/nativeEngine.ts). The first place that holds either wins: a GPU
// build further down the list does not beat a CPU build in $SEQLAB_TFJS_NODE_DIR, which the user chose.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { NATIVE_DIR_ENV, NATIVE_PACKAGES, type NativePackage } from '../../../shared/nativeEngine';

/** An installed native package: which one, and its entry point (what `require` loads). */
export interface TfjsNodeInstall {
  package: NativePackage;
  path: string;
}

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

/** The first of NATIVE_PACKAGES that resolves from `paths` (Node's own resolution when undefined). */
function resolveIn(paths?: string[]): TfjsNodeInstall | undefined {
  for (const pkg of NATIVE_PACKAGES) {
    const found = tryResolve(pkg, paths);
    if (found) return { package: pkg, path: found };
  }
  return undefined;
}

/** tfjs-node-gpu or tfjs-node where the trainer looks (see the header), else undefined. */
export function resolveTfjsNode(env: NodeJS.ProcessEnv = process.env): TfjsNodeInstall | undefined {
  const dir = env[NATIVE_DIR_ENV]?.trim();
  const found = (dir ? resolveIn([path.resolve(dir)]) : undefined) ?? resolveIn();
  if (found) return found;
  for (const local of localDirs()) {
    const inLocal = resolveIn([local]);
    if (inLocal) return inLocal;
  }
  return undefined;
}
