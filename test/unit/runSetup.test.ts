// Before a run trains (src/trainer/training/runSetup.ts): the identity of the data file is taken as it is
// read, and a file that changes while it is read is refused, since the run would learn from a mixture.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { TrainError } from '../../src/trainer/errors';
import { Pacer } from '../../src/trainer/training/phases';
import { prepareRun } from '../../src/trainer/training/runSetup';

function workspace(): { configPath: string; dataPath: string; runsDir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-setup-'));
  const configPath = path.join(dir, 'chars.seqlab.json');
  const dataPath = path.join(dir, 'c.txt');
  fs.writeFileSync(configPath, JSON.stringify({ name: 'chars', data: { kind: 'text', path: 'c.txt' }, model: { hiddenSize: 8 }, training: { batchSize: 4, sequenceLength: 16 } }));
  fs.writeFileSync(dataPath, 'abcabcabd '.repeat(60));
  return { configPath, dataPath, runsDir: path.join(dir, 'runs') };
}

test('the data file is recorded as it was read: its size and hash', async () => {
  const ws = workspace();
  const setup = await prepareRun({ configPath: ws.configPath, runsDir: ws.runsDir });
  assert.equal(setup.dataFile?.path, ws.dataPath);
  assert.equal(setup.dataFile?.bytes, 600);
  assert.match(setup.dataFile?.sha256 ?? '', /^[0-9a-f]{64}$/);
  assert.ok(!fs.existsSync(ws.runsDir), 'the runs folder is checked, not created');
});

test('a data file that changes while it is read is refused, naming it, and nothing is started', async () => {
  const ws = workspace();
  let changed = false;
  // the loader yields right after reading the file: the change lands between the read and the check
  const pacer = new Pacer(() => {
    if (!changed) fs.appendFileSync(ws.dataPath, 'more text');
    changed = true;
    return false;
  });
  await assert.rejects(prepareRun({ configPath: ws.configPath, runsDir: ws.runsDir }, {}, pacer), (e: unknown) => {
    assert.ok(e instanceof TrainError, String(e));
    assert.equal(e.kind, 'data');
    assert.equal(e.message, `${ws.dataPath} changed while it was being read, so the run would learn from a mixture of two files; nothing was started. Start the run again once the file is written.`);
    return true;
  });
  assert.ok(changed);
  assert.ok(!fs.existsSync(ws.runsDir));
});
