// Where the optional native engine (@tensorflow/tfjs-node → libtensorflow) is installed, found without
// loading it or TensorFlow.js: the trainer bundle asks this for backend 'auto', the tfjs bundle to load it.
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
import { NATIVE_DIR_ENV, NATIVE_PACKAGE } from '../../../shared/nativeEngine';

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
  const dir = env[NATIVE_DIR_ENV]?.trim();
  return (dir ? tryResolve(NATIVE_PACKAGE, [path.resolve(dir)]) : undefined) ?? tryResolve(NATIVE_PACKAGE) ?? tryResolve(NATIVE_PACKAGE, localDirs());
}
