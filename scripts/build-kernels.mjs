// Compiles the AssemblyScript kernels, each entry into a plain-SIMD and a relaxed-SIMD build (same source;
// relaxed-SIMD FMA where vecmath.ts's madd is used): kernels/seqlab.ts → dist/kernels/seqlab{,-relaxed}.wasm
// (single-stream models) and kernels/seq2seq.ts → dist/kernels/seq2seq{,-relaxed}.wasm (encoder–decoder).
// scripts/build.mjs calls buildKernels(); `node scripts/build-kernels.mjs` runs it alone.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ENTRIES = ['seqlab', 'seq2seq'];
const outDir = path.join(root, 'dist', 'kernels');

// --runtime stub: a bump allocator, no GC (every buffer lives as long as the instance).
// --noAssert: no bounds checks in the hot loops; the host validates inputs (wasmModel.ts).
const common = ['-O3', '--noAssert', '--runtime', 'stub', '--enable', 'simd', '--initialMemory', '1'];
export const VARIANTS = [
  { suffix: '', flags: [] },
  { suffix: '-relaxed', flags: ['--enable', 'relaxed-simd'] },
];

export async function buildKernels({ quiet = false } = {}) {
  const asc = (await import('assemblyscript/asc')).default;
  await mkdir(outDir, { recursive: true });
  for (const name of ENTRIES)
    for (const v of VARIANTS) {
      const file = `${name}${v.suffix}.wasm`, outFile = path.join(outDir, file);
      const args = [path.join(root, 'kernels', `${name}.ts`), '--outFile', outFile, ...common, ...v.flags];
      const { error, stderr } = await asc.main(args, { stdout: process.stdout, stderr: quiet ? undefined : process.stderr });
      if (error) throw new Error(`asc failed for ${file}: ${error.message}\n${stderr}`);
      if (!quiet) console.log(`kernels: ${path.relative(root, outFile)}`);
    }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  buildKernels().catch((e) => { console.error(e.message); process.exit(1); });
}
