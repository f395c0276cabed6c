// Runs the Node test layers in Node's own test runner, with tsx for TypeScript:
//   unit     test/unit:    pure, in one process (kernels against references, models, parsers, views' models)
//   process  test/process: start processes (the CLI, the trainer, engine children, install scripts, tfjs-node)
//   browser  test/browser: the webviews' bundles in headless Chromium with a fake host
// `--layer unit` (repeatable) picks layers; no --layer runs all three. Other arguments filter files by substring.
// Node 20's --test takes no globs, so the files are listed here. The timeout is a hang guard for a whole
// file (the gallery's quick experiments take minutes on a loaded 2-core machine), not a speed limit.
// Relaxed SIMD is switched on as the trainer and CLI do (wasmFlags.ts), so both kernel builds are tested.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const LAYERS = ['unit', 'process', 'browser'];
const layers = [];
const filters = [];
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--layer') layers.push(args[++i]);
  else filters.push(args[i]);
}
for (const l of layers)
  if (!LAYERS.includes(l)) {
    console.error(`unknown layer '${l}': one of ${LAYERS.join(', ')}`);
    process.exit(2);
  }

const files = [];
for (const layer of layers.length > 0 ? layers : LAYERS) {
  const walk = (dir) => {
    if (!fs.existsSync(dir)) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.test.ts')) files.push(path.relative(root, p));
    }
  };
  walk(path.join(root, 'test', layer));
}
const selected = files.sort().filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
if (selected.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', '--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=900000', ...selected], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
