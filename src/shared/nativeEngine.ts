// Where the optional native TensorFlow engine (@tensorflow/tfjs-node, or @tensorflow/tfjs-node-gpu for
// CUDA) lives, as the extension host (which installs it, src/extension/nativeBackend) and the trainer
// (which loads it, src/trainer/backends/tfjs/tfjsRuntime.ts) both understand it. Pure: no imports.
//
// The folder named by SEQLAB_TFJS_NODE_DIR is an npm prefix, a project root: the package sits at
// <dir>/node_modules/@tensorflow/tfjs-node (or …/tfjs-node-gpu). `npm install --prefix <dir>` and
// scripts/setup-tfjs-node.sh both produce that layout; the trainer resolves the package from <dir> as Node
// would from a file there.

/** The CPU build: what Install Native Backend and scripts/setup-tfjs-node.sh install by default. */
export const NATIVE_PACKAGE = '@tensorflow/tfjs-node';

/** The CUDA build (Linux x64 and Windows): same API, same version, libtensorflow with GPU kernels. */
export const NATIVE_GPU_PACKAGE = '@tensorflow/tfjs-node-gpu';

/**
 * Both packages, in the order they are looked for within one folder: where both are installed side by
 * side, the GPU build wins (whoever installed it wants it; without a usable GPU it still runs on the CPU).
 */
export const NATIVE_PACKAGES = [NATIVE_GPU_PACKAGE, NATIVE_PACKAGE] as const;

export type NativePackage = (typeof NATIVE_PACKAGES)[number];

/** The @tensorflow/tfjs version SeqLab bundles (package.json); tfjs-node and tfjs-node-gpu must match it. */
export const NATIVE_PACKAGE_VERSION = '4.22.0';

/** What Install Native Backend installs unless the setting or SEQLAB_NATIVE_BACKEND_PACKAGE says otherwise. */
export const DEFAULT_NATIVE_SPEC = `${NATIVE_PACKAGE}@${NATIVE_PACKAGE_VERSION}`;

/** Environment variable the trainer reads: an npm prefix holding tfjs-node or tfjs-node-gpu. */
export const NATIVE_DIR_ENV = 'SEQLAB_TFJS_NODE_DIR';

/** Environment override of the package spec (tests install a local stand-in with it). */
export const NATIVE_SPEC_ENV = 'SEQLAB_NATIVE_BACKEND_PACKAGE';

/** Path segments of a package below the prefix. */
export const packageInPrefix = (pkg: NativePackage): string[] => ['node_modules', ...pkg.split('/')];

/** The name users see in labels and messages: 'tfjs-node' or 'tfjs-node-gpu'. */
export const nativeShortName = (pkg: NativePackage): string => pkg.slice(pkg.indexOf('/') + 1);

/** Which of the two a package name is, e.g. read from an installed package.json. */
export const asNativePackage = (name: unknown): NativePackage | undefined => NATIVE_PACKAGES.find((p) => p === name);
