// Packages the extension: production build, `vsce package --no-dependencies` → seqlab-<version>.vsix at
// the repo root, then checks that the .vsix holds only the dist bundles, media, schemas, README, LICENSE
// and package.json, and prints its contents with sizes.   npm run package [-- --skip-build]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../test/host/codeServer.mjs';

const ALLOWED = [
  /^extension\.vsixmanifest$/, /^\[Content_Types\]\.xml$/,
  /^extension\/package\.json$/, /^extension\/readme\.md$/i, /^extension\/license(\.txt)?$/i,
  /^extension\/dist\/(?!.*\.map$).+/, /^extension\/media\/.+/, /^extension\/schemas\/.+/, /^extension\/docs\/([\w-]+\.md|images\/[\w-]+\.png)$/,
];

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: repoRoot, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed with ${r.status}`);
}

/** Entries of a zip file from its central directory: [{ name, size, compressed }]. */
export function zipEntries(file) {
  const buf = fs.readFileSync(file);
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error(`${file} is not a zip file`);
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const entries = [];
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error('bad zip central directory');
    const compressed = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    entries.push({ name: buf.toString('utf8', p + 46, p + 46 + nameLen), size, compressed });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`.padStart(10);

function main() {
  const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  const out = path.join(repoRoot, `${manifest.name}-${manifest.version}.vsix`);
  if (!process.argv.includes('--skip-build')) run(process.execPath, ['scripts/build.mjs', '--production']);
  if (manifest.main && !fs.existsSync(path.join(repoRoot, manifest.main))) throw new Error(`main ${manifest.main} was not built`);
  fs.rmSync(out, { force: true });
  run(process.execPath, [path.join(repoRoot, 'node_modules/@vscode/vsce/vsce'), 'package', '--no-dependencies',
    // the README's screenshots ship in the .vsix (docs/images), so VS Code's extension page shows them from
    // the installed folder: keep the links relative instead of rewriting them to a repository URL
    '--no-rewrite-relative-links', '--ignoreFile', 'scripts/vscodeignore', '--out', out]);
  const entries = zipEntries(out);
  for (const e of entries) console.log(`${kb(e.size)} ${kb(e.compressed)}  ${e.name}`);
  const total = entries.reduce((s, e) => s + e.size, 0);
  console.log(`${entries.length} files, ${kb(total).trim()} unpacked, ${kb(fs.statSync(out).size).trim()} .vsix: ${path.relative(repoRoot, out)}`);
  const stray = entries.filter((e) => !ALLOWED.some((re) => re.test(e.name)));
  if (stray.length > 0) throw new Error(`unexpected files in the .vsix:\n  ${stray.map((e) => e.name).join('\n  ')}`);
  if (!entries.some((e) => e.name === 'extension/package.json')) throw new Error('package.json missing from the .vsix');
}

try {
  main();
} catch (e) {
  console.error(e.message);
  process.exitCode = 1;
}
