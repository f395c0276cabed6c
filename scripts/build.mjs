// One build for the whole project: the wasm kernels (AssemblyScript) and the esbuild bundles —
// trainer (child process + CLI, Node), extension host (Node, `vscode` external) and webview (browser) —
// plus the binary of TensorFlow.js's wasm engine next to dist/tfjs.js.
// Type checking is a separate step (`npm run typecheck`).
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const exists = (p) => fs.existsSync(path.join(root, p));

// The tfjs-backend-wasm binaries the tfjs bundle loads, from next to itself (tfjsRuntime.ts, TFJS_WASM_BINARY):
// only the SIMD build. Node gets no threaded build from tfjs-backend-wasm 4.22, and a runtime without wasm
// SIMD cannot run our own kernels either.
export const TFJS_WASM_FILES = ['tfjs-backend-wasm-simd.wasm'];

export function copyTfjsWasm(outDir = dist) {
  const from = path.join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
  fs.mkdirSync(outDir, { recursive: true });
  for (const f of TFJS_WASM_FILES) fs.copyFileSync(path.join(from, f), path.join(outDir, f));
}

async function main() {
  fs.mkdirSync(dist, { recursive: true });
  const { buildKernels } = await import('./build-kernels.mjs');
  await buildKernels();
  copyTfjsWasm();

  const node = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // jsonc-parser's `main` is a UMD build whose dynamic requires esbuild cannot follow; its ESM build bundles cleanly
    mainFields: ['module', 'main'],
    sourcemap: !production,
    minify: production,
    logLevel: 'warning',
    // tfjs-node is optional and found at run time (see src/trainer/backends/tfjs); never bundled.
    external: ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'],
  };
  // TensorFlow.js lives in one bundle of its own, dist/tfjs.js (src/trainer/tfjsBundle.ts: the tfjs backend
  // and the TensorFlow.js export; tfjs bundled whole, and tfjs-backend-wasm's JavaScript on the same
  // tfjs-core: 1.7 MB minified, 160 KB of it the wasm engine, whose .wasm lies beside it, copyTfjsWasm).
  // createBackend's import of the backend and exportRun's import of the export stay run-time requires of
  // ./tfjs.js, loaded only when a run picks backend 'tfjs' or `seqlab export` runs.
  const tfjsApart = {
    name: 'tfjs-apart',
    setup(b) {
      b.onResolve({ filter: /^\.\/tfjs\/tfjsBackend$|^\.\/tfjsExport$/ }, () => ({ path: './tfjs.js', external: true }));
    },
  };
  const builds = [
    { ...node, entryPoints: { cli: 'src/cli/main.ts', trainer: 'src/trainer/childMain.ts', wasmWorker: 'src/trainer/backends/wasm/worker.ts', seq2seqWorker: 'src/trainer/seq2seq/seq2seqWorker.ts' }, outdir: dist, banner: { js: '#!/usr/bin/env node' }, plugins: [tfjsApart] },
    { ...node, entryPoints: { tfjs: 'src/trainer/tfjsBundle.ts' }, outdir: dist },
  ];
  if (exists('src/extension/extension.ts')) {
    builds.push({ ...node, entryPoints: { extension: 'src/extension/extension.ts' }, outdir: dist, external: [...node.external, 'vscode'] });
  }
  if (exists('webview/main.ts')) {
    // one bundle per webview panel: the dashboard, and the runs table (each with its .css beside it)
    const entryPoints = { webview: 'webview/main.ts', ...(exists('webview/runsTable/main.ts') && { runsTable: 'webview/runsTable/main.ts' }) };
    builds.push({ bundle: true, platform: 'browser', format: 'iife', target: 'es2022', minify: true, sourcemap: !production, logLevel: 'warning', entryPoints, outdir: dist, loader: { '.css': 'css' } });
  }
  for (const b of builds) b.absWorkingDir = root;
  if (watch) {
    for (const b of builds) await (await esbuild.context(b)).watch();
    console.log('watching for changes…');
  } else {
    await Promise.all(builds.map((b) => esbuild.build(b)));
    fs.chmodSync(path.join(dist, 'cli.js'), 0o755);
    console.log(`built ${builds.length} bundle group(s) into dist/`);
  }
}

// run as a script (not imported: the tests import copyTfjsWasm); realpath, as import.meta.url has symlinks resolved
if (process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(e.message ?? e);
    process.exit(1);
  });
}
