// Runs the Playwright end-to-end tests test/e2e/*.e2e.mjs one file at a time with node:test.
//   node test/host/e2e.mjs [files...]     screenshots go to test-output/e2e/
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { defaultExtensionPath, ensureSetup, repoRoot } from './codeServer.mjs';

ensureSetup();
const dir = path.join(repoRoot, 'test/e2e');
const files = process.argv.slice(2).length > 0
  ? process.argv.slice(2)
  : fs.readdirSync(dir).filter((f) => f.endsWith('.e2e.mjs')).sort().map((f) => path.join(dir, f));
const out = path.join(repoRoot, 'test-output/e2e');
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });
console.log(`e2e: ${files.length} file(s), extension under test: ${path.relative(repoRoot, defaultExtensionPath()) || '.'}`);
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=spec', ...files], { stdio: 'inherit' });
console.log(`screenshots in ${path.relative(repoRoot, out)}/`);
process.exitCode = r.status ?? 1;
