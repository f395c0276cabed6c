// Where the optional native TensorFlow engine (@tensorflow/tfjs-node) lives, as the extension host (which
// installs it, src/extension/nativeBackend) and the trainer (which loads it, src/trainer/backends/tfjs/
// tfjsRuntime.ts) both understand it. Pure: no imports.
//
// The folder named by SEQLAB_TFJS_NODE_DIR is an npm prefix, a project root: the package sits at
// <dir>/node_modules/@tensorflow/tfjs-node. `npm install --prefix <dir>` and scripts/setup-tfjs-node.sh
// both produce that layout; the trainer resolves the package from <dir> as Node would from a file there.

export const NATIVE_PACKAGE = '@tensorflow/tfjs-node';

/** The @tensorflow/tfjs version SeqLab bundles (package.json); tfjs-node must match it. */
export const NATIVE_PACKAGE_VERSION = '4.22.0';

/** What Install Native Backend installs unless the setting or SEQLAB_NATIVE_BACKEND_PACKAGE says otherwise. */
export const DEFAULT_NATIVE_SPEC = `${NATIVE_PACKAGE}@${NATIVE_PACKAGE_VERSION}`;

/** Environment variable the trainer reads: an npm prefix holding tfjs-node. */
export const NATIVE_DIR_ENV = 'SEQLAB_TFJS_NODE_DIR';

/** Environment override of the package spec (tests install a local stand-in with it). */
export const NATIVE_SPEC_ENV = 'SEQLAB_NATIVE_BACKEND_PACKAGE';

/** Path segments of the package below the prefix. */
export const NATIVE_PACKAGE_IN_PREFIX = ['node_modules', '@tensorflow', 'tfjs-node'] as const;
