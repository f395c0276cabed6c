// `seqlab runs | head` and `seqlab train --json | head`: the reader of the CLI's standard output goes away.
// The read end is closed before the child has started (spawn, then destroy at once), so its first write
// fails with EPIPE: no waiting on clocks. Needs `npm run build` first (the test command does it).

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';

const root = path.resolve(__dirname, '..', '..');
const cli = path.join(root, 'dist', 'cli.js');
const built = fs.existsSync(cli);

/** Runs the CLI with its standard output closed by the reader; resolves at exit with the code and stderr. */
function withClosedStdout(args: string[], cwd: string): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [cli, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}

test('a command whose output nobody reads any more ends quietly with 0, not with an EPIPE stack', { skip: !built && 'not built' }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-pipe-'));
  const r = await withClosedStdout(['runs', '--runs-dir', path.join(dir, 'runs')], dir);
  assert.equal(r.stderr, '');
  assert.equal(r.code, 0);
});

test('train --json into a closed pipe stops as a Ctrl-C does (exit 130), not with an EPIPE stack', { skip: !built && 'not built' }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-pipe-'));
  const configPath = path.join(dir, 'piped.seqlab.json');
  fs.writeFileSync(configPath, JSON.stringify({
    name: 'piped', data: { kind: 'synthetic', task: 'adding', length: 10, samples: 256 },
    model: { cell: 'gru', hiddenSize: 8 }, training: { maxSteps: 1_000_000, epochs: 100_000, batchSize: 16, threads: 1 },
    diagnostics: { enabled: false },
  }));
  const r = await withClosedStdout(['train', configPath, '--json', '--runs-dir', path.join(dir, 'runs')], dir);
  assert.doesNotMatch(r.stderr, /EPIPE|internal error/);
  assert.equal(r.code, 130, r.stderr);
});
