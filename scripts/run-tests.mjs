// Runs every unit test (test/unit/**/*.test.ts) in Node's own test runner, with tsx for TypeScript.
// Node 20's --test takes no globs, so the files are listed here. Extra arguments filter by substring.
// Relaxed SIMD is switched on as the trainer and CLI do (wasmFlags.ts), so both kernel builds are tested.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const filters = process.argv.slice(2);
const dirs = ['test/unit'];
const files = [];
for (const d of dirs) {
  const walk = (dir) => {
    if (!fs.existsSync(dir)) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.test.ts')) files.push(path.relative(root, p));
    }
  };
  walk(path.join(root, d));
}
const selected = files.sort().filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
if (selected.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', '--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=300000', ...selected], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
