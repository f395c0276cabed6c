// Finds and compiles the wasm kernels built by scripts/build-kernels.mjs. The compiled WebAssembly.Module
// is cached per file (per thread: each worker compiles its own); instances are never shared.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export type KernelVariant = 'simd' | 'relaxed-simd';
/** seqlab: the single-stream models (kernels/seqlab.ts); seq2seq: the encoder–decoder (kernels/seq2seq.ts). */
export type KernelName = 'seqlab' | 'seq2seq';
const FILES: Record<KernelVariant, string> = { simd: 'seqlab.wasm', 'relaxed-simd': 'seqlab-relaxed.wasm' };
const fileOf = (variant: KernelVariant, name: KernelName): string => (name === 'seqlab' ? FILES[variant] : `${name}${variant === 'simd' ? '' : '-relaxed'}.wasm`);

// The root tsconfig's libs (ES2022 + @types/node 20) do not declare WebAssembly; this is the part we use.
interface WasmModule { readonly __brand: 'WebAssembly.Module' }
interface WasmInstance { readonly exports: Record<string, unknown> }
interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => WasmInstance;
  validate(bytes: Uint8Array): boolean;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

const here = typeof __dirname === 'string' ? __dirname : process.cwd();

/** SEQLAB_KERNELS_DIR, else `<bundle dir>/kernels` (dist/ when bundled), else `<repo>/dist/kernels`. */
export function kernelsDir(): string {
  const fromEnv = process.env.SEQLAB_KERNELS_DIR;
  if (fromEnv) {
    if (!existsSync(path.join(fromEnv, FILES.simd)))
      throw new Error(`SEQLAB_KERNELS_DIR=${fromEnv} holds no ${FILES.simd}; run \`npm run build\` or fix the variable.`);
    return fromEnv;
  }
  const candidates = [path.join(here, 'kernels'), path.resolve(here, '../../../../dist/kernels')];
  const found = candidates.find((dir) => existsSync(path.join(dir, FILES.simd)));
  if (!found) throw new Error(`SeqLab's wasm kernels are missing (looked for ${FILES.simd} in ${candidates.join(', ')}): run \`npm run build\`.`);
  return found;
}

const bytesCache = new Map<string, Buffer>();
const moduleCache = new Map<string, WasmModule>();

function kernelBytes(variant: KernelVariant, name: KernelName = 'seqlab'): Buffer {
  const file = path.join(kernelsDir(), fileOf(variant, name));
  let bytes = bytesCache.get(file);
  if (!bytes) {
    bytes = readFileSync(file);
    bytesCache.set(file, bytes);
  }
  return bytes;
}

let relaxed: boolean | null = null;
/** True when this engine accepts relaxed SIMD (Node 20: behind --experimental-wasm-relaxed-simd). */
export function relaxedSimdAvailable(): boolean {
  if (relaxed === null) {
    try {
      relaxed = wasm.validate(kernelBytes('relaxed-simd'));
    } catch {
      relaxed = false;
    }
  }
  return relaxed;
}

function kernelModule(variant: KernelVariant, name: KernelName): WasmModule {
  const file = path.join(kernelsDir(), fileOf(variant, name));
  let mod = moduleCache.get(file);
  if (!mod) {
    mod = new wasm.Module(kernelBytes(variant, name));
    moduleCache.set(file, mod);
  }
  return mod;
}

/** A fresh instance of the kernels (one per model shape); `abort` fires only on a kernel trap path. */
export function instantiateKernels(variant: KernelVariant, name: KernelName = 'seqlab'): Record<string, unknown> {
  const imports = {
    env: {
      abort(): never {
        throw new Error('SeqLab wasm kernel aborted (out of memory for this shape?)');
      },
    },
  };
  return new wasm.Instance(kernelModule(variant, name), imports).exports;
}
