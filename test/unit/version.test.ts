// SeqLab's version is written once, in package.json: the code and every run's meta.json report that one
// (the built CLI's --version: cliAndTrainerProcess.test.ts).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { RunInfo } from '../../src/shared/metrics';
import { readRun } from '../../src/runs/runReader';
import { RunWriter, SEQLAB_VERSION } from '../../src/runs/runWriter';

const root = path.resolve(__dirname, '..', '..');
const packageVersion = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;

test('SEQLAB_VERSION is package.json\'s version, and a new run records it', async () => {
  assert.match(packageVersion, /^\d+\.\d+\.\d+/);
  assert.equal(SEQLAB_VERSION, packageVersion);
  const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-version-'));
  const info: RunInfo = { id: 'r', name: 'v', configPath: '/v.seqlab.json', cell: 'rnn', backend: 'wasm', device: '', seed: 1, paramCount: 1, totalSteps: 1, dataSummary: '', task: 'adding', gateNames: [] };
  RunWriter.create(runsDir, info, '{}').close();
  assert.equal((await readRun(path.join(runsDir, 'r')))?.meta.seqlabVersion, packageVersion);
});
