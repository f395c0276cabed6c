// The README's commands, run as written in a fresh copy of the repository (what `git clone` gives: the
// tracked files and the untracked ones git does not ignore), one ```sh block after another, so the README
// cannot drift from what SeqLab does. Only `npm test` is not run: it is the command that runs this test.
// Each command's output goes to test-output/docs/.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const outDir = path.join(root, 'test-output/docs');
const NOT_RUN = new Map([['npm test', 'it is the command that runs this test']]);

/** The command lines of every ```sh block, in order (comments and blank lines dropped). */
export function shellCommands(markdown) {
  const commands = [];
  for (const m of markdown.matchAll(/^```sh\n([\s\S]*?)^```/gm)) {
    for (const line of m[1].split('\n')) {
      const command = line.replace(/\s+#.*$/, '').trim();
      if (command && !command.startsWith('#')) commands.push(command);
    }
  }
  return commands;
}

/** A copy of the files a clone of this checkout would have, in a new temp folder. */
function freshCopy() {
  const dest = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-readme-'));
  const r = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, `git ls-files failed: ${r.stderr}`);
  for (const file of r.stdout.split('\0').filter(Boolean)) {
    if (!fs.existsSync(path.join(root, file))) continue; // deleted in the working tree, not yet committed
    fs.mkdirSync(path.dirname(path.join(dest, file)), { recursive: true });
    fs.copyFileSync(path.join(root, file), path.join(dest, file));
  }
  return dest;
}

test('shellCommands reads the command lines of sh blocks only', () => {
  const md = 'x\n```sh\nnpm install   # comment\n\n# note\nnode a.js --x "y z"\n```\n```jsonc\n{ "a": 1 }\n```\n```sh\nnpm test\n```\n';
  assert.deepEqual(shellCommands(md), ['npm install', 'node a.js --x "y z"', 'npm test']);
});

test('every command in the README runs as written in a fresh clone', { timeout: 1_800_000 }, () => {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const commands = shellCommands(readme);
  assert.ok(commands.length >= 5, `the README has ${commands.length} commands`);
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const dir = freshCopy();
  const lockBefore = fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8');
  try {
    commands.forEach((command, i) => {
      if (NOT_RUN.has(command)) {
        console.log(`# not run: ${command} (${NOT_RUN.get(command)})`);
        return;
      }
      const r = spawnSync('bash', ['-c', command], { cwd: dir, encoding: 'utf8', env: { ...process.env, CI: 'true', NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024 });
      const log = `$ ${command}\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
      fs.writeFileSync(path.join(outDir, `${String(i + 1).padStart(2, '0')}.log`), log);
      console.log(`# ${command}: exit ${r.status}`);
      assert.equal(r.status, 0, `README command failed: ${command}\n${log.slice(-3000)}`);
    });
    // what the commands claim to do, they did
    assert.equal(fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8'), lockBefore, 'npm install changed package-lock.json: commit a lock file that matches package.json');
    const runs = fs.readdirSync(path.join(dir, '.seqlab/runs'));
    assert.ok(runs.some((r) => r.includes('adding')), `npm start left no adding-problem run: ${runs}`);
    const charRun = runs.find((r) => r.includes('lighthouse-char'));
    assert.ok(charRun, `no lighthouse-char run: ${runs}`);
    assert.ok(fs.existsSync(path.join(dir, '.seqlab/runs', charRun, 'export/tfjs/model.json')), 'export wrote no model.json');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
