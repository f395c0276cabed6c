// Before a resume: a config given beside the run is compared with the run's snapshot as parsed (defaults
// filled, comments ignored), field by field; a data file that changed since the run started is named.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { applyDefaults } from '../../src/shared/configValidation';
import type { RunInfo } from '../../src/shared/metrics';
import { configDifferences, describeDifferences } from '../../src/runs/configDifferences';
import { dataFileChange, dataFileOf, recordDataFile } from '../../src/runs/dataFile';
import { checkResume } from '../../src/runs/resumeCheck';
import { readRun } from '../../src/runs/runReader';
import { RunWriter } from '../../src/runs/runWriter';

test('configDifferences names each differing setting by its path; equal values and arrays are no difference', () => {
  const a = applyDefaults({ name: 'x', data: { kind: 'synthetic', task: 'adding' }, training: { learningRate: 0.01 } });
  const b = applyDefaults({ name: 'x', data: { kind: 'synthetic', task: 'adding' }, model: { hiddenSize: 64, cell: 'rnn' }, training: { learningRate: 0.1 } });
  const diffs = configDifferences(a, b);
  assert.deepEqual(diffs.map((d) => d.field), ['model.cell', 'model.hiddenSize', 'training.learningRate']);
  assert.equal(describeDifferences(diffs, 2), `model.cell ("${a.model.cell}" → "rnn"), model.hiddenSize (${a.model.hiddenSize} → 64), and 1 more`);
  // a setting written out at its default is the same config
  assert.deepEqual(configDifferences(a, applyDefaults({ name: 'x', data: { kind: 'synthetic', task: 'adding' }, training: { learningRate: 0.01, seed: a.training.seed } })), []);
  assert.deepEqual(configDifferences({ l: [1, 2] }, { l: [1, 3] }).map((d) => d.field), ['l']);
});

interface Resumable {
  ws: string;
  configPath: string;
  dataPath: string;
  runDir: string;
}

/** A run of a text config in <ws>/configs whose data file was recorded when it started. */
function textRun(configExtra: object = {}): Resumable {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-resume-'));
  const configPath = path.join(ws, 'configs', 'chars.seqlab.json');
  fs.mkdirSync(path.dirname(configPath));
  const dataPath = path.join(ws, 'configs', 'c.txt');
  fs.writeFileSync(dataPath, 'abcabc '.repeat(50));
  const raw = { name: 'chars', data: { kind: 'text', path: 'c.txt' }, ...configExtra };
  const text = `// as the user wrote it\n${JSON.stringify(raw)}`;
  fs.writeFileSync(configPath, text);
  const info: RunInfo = { id: 'r1', name: 'chars', configPath, cell: 'lstm', backend: 'wasm', device: 'd', seed: 1, paramCount: 1, totalSteps: 10, dataSummary: '', task: 'text', gateNames: [] };
  const dataFile = recordDataFile(dataFileOf(applyDefaults(raw), configPath));
  assert.equal(dataFile?.path, dataPath);
  RunWriter.create(path.join(ws, 'runs'), info, text, { dataFile }).close();
  return { ws, configPath, dataPath, runDir: path.join(ws, 'runs', 'r1') };
}

test('the same config, written differently, and unchanged data: no warning; the data resolves against the original folder', async () => {
  const r = textRun();
  const run = (await readRun(r.runDir))!;
  const same = path.join(r.ws, 'configs', 'again.seqlab.json');
  fs.writeFileSync(same, JSON.stringify({ data: { path: 'c.txt', kind: 'text' }, name: 'chars', training: { learningRate: 0.002 } }, null, 4));
  assert.deepEqual(await checkResume(run, same), { configPath: r.configPath, warnings: [] });
  assert.deepEqual(await checkResume(run), { configPath: r.configPath, warnings: [] });
});

test('a differing config is named with its fields and is not used; one in another folder is told where data paths resolve', async () => {
  const r = textRun();
  const run = (await readRun(r.runDir))!;
  const other = path.join(r.ws, 'elsewhere', 'chars.seqlab.json');
  fs.mkdirSync(path.dirname(other));
  fs.writeFileSync(other, JSON.stringify({ name: 'chars', data: { kind: 'text', path: 'c.txt' }, model: { hiddenSize: 8 } }));
  const { warnings } = await checkResume(run, other);
  assert.equal(warnings.length, 2, warnings.join('\n'));
  assert.match(warnings[0], /elsewhere\/chars\.seqlab\.json differs from the config run r1 started with \(its config\.seqlab\.json\) in model\.hiddenSize \(\d+ → 8\)\. The run resumes with its own config; to train with the changed one, start a new run: seqlab train .*elsewhere\/chars\.seqlab\.json/);
  assert.match(warnings[1], /data paths resolve against .*configs, the folder of the config it started from, not against .*elsewhere/);
  fs.writeFileSync(other, '{ "name": ');
  assert.match((await checkResume(run, other)).warnings[0], /is not a valid config; it is not used: the run resumes with the config run r1 started with/);
});

test('a data file changed since the run started is named with its sizes; touched but equal is no change; gone is said', async () => {
  const r = textRun();
  const run = (await readRun(r.runDir))!;
  const recorded = run.meta.dataFile!;
  // the same bytes written again: a new time, the same hash
  fs.writeFileSync(r.dataPath, fs.readFileSync(r.dataPath));
  fs.utimesSync(r.dataPath, new Date(), new Date(Date.now() + 5000));
  assert.deepEqual(await dataFileChange(recorded), { kind: 'same' });
  assert.deepEqual((await checkResume(run)).warnings, []);
  fs.appendFileSync(r.dataPath, 'more text');
  const [changed] = (await checkResume(run)).warnings;
  assert.match(changed, /The data file .*configs\/c\.txt changed since the run started \(350 → 359 bytes, modified .*\): the resumed run trains on the changed data/);
  fs.rmSync(r.dataPath);
  assert.match((await checkResume(run)).warnings[0], /c\.txt \(relative to .*configs, the folder of the config the run started from\) is gone/);
});
