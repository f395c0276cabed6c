// One build for the whole project: the wasm kernels (AssemblyScript) and the esbuild bundles —
// trainer (child process + CLI, Node), extension host (Node, `vscode` external) and webview (browser).
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

async function main() {
  fs.mkdirSync(dist, { recursive: true });
  const { buildKernels } = await import('./build-kernels.mjs');
  await buildKernels();

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
  // and the TensorFlow.js export; tfjs bundled whole, ~1.7 MB minified). createBackend's import of the
  // backend and exportRun's import of the export stay run-time requires of ./tfjs.js, loaded only when a
  // run picks backend 'tfjs' or `seqlab export` runs.
  const tfjsApart = {
    name: 'tfjs-apart',
    setup(b) {
      b.onResolve({ filter: /^\.\/tfjs\/tfjsBackend$|^\.\/tfjsExport$/ }, () => ({ path: './tfjs.js', external: true }));
    },
  };
  const builds = [
    { ...node, entryPoints: { cli: 'src/cli/main.ts', trainer: 'src/trainer/childMain.ts', wasmWorker: 'src/trainer/backends/wasm/worker.ts' }, outdir: dist, banner: { js: '#!/usr/bin/env node' }, plugins: [tfjsApart] },
    { ...node, entryPoints: { tfjs: 'src/trainer/tfjsBundle.ts' }, outdir: dist },
  ];
  if (exists('src/extension/extension.ts')) {
    builds.push({ ...node, entryPoints: { extension: 'src/extension/extension.ts' }, outdir: dist, external: [...node.external, 'vscode'] });
  }
  if (exists('webview/main.ts')) {
    builds.push({ bundle: true, platform: 'browser', format: 'iife', target: 'es2022', minify: true, sourcemap: !production, logLevel: 'warning', entryPoints: { webview: 'webview/main.ts' }, outdir: dist, loader: { '.css': 'css' } });
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

main().catch((e) => {
  console.error(e.message ?? e);
  process.exit(1);
});
