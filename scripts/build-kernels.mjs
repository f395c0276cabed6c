// Compiles kernels/*.ts (AssemblyScript) into dist/kernels/seqlab.wasm (plain SIMD) and
// dist/kernels/seqlab-relaxed.wasm (same source; relaxed-SIMD FMA where vecmath.ts's madd is used).
// scripts/build.mjs calls buildKernels(); `node scripts/build-kernels.mjs` runs it alone.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const entry = path.join(root, 'kernels', 'seqlab.ts');
const outDir = path.join(root, 'dist', 'kernels');

// --runtime stub: a bump allocator, no GC (every buffer lives as long as the instance).
// --noAssert: no bounds checks in the hot loops; the host validates inputs (wasmModel.ts).
const common = ['-O3', '--noAssert', '--runtime', 'stub', '--enable', 'simd', '--initialMemory', '1'];
export const VARIANTS = [
  { file: 'seqlab.wasm', flags: [] },
  { file: 'seqlab-relaxed.wasm', flags: ['--enable', 'relaxed-simd'] },
];

export async function buildKernels({ quiet = false } = {}) {
  const asc = (await import('assemblyscript/asc')).default;
  await mkdir(outDir, { recursive: true });
  for (const v of VARIANTS) {
    const outFile = path.join(outDir, v.file);
    const args = [entry, '--outFile', outFile, ...common, ...v.flags];
    const { error, stderr } = await asc.main(args, { stdout: process.stdout, stderr: quiet ? undefined : process.stderr });
    if (error) throw new Error(`asc failed for ${v.file}: ${error.message}\n${stderr}`);
    if (!quiet) console.log(`kernels: ${path.relative(root, outFile)}`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  buildKernels().catch((e) => { console.error(e.message); process.exit(1); });
}
