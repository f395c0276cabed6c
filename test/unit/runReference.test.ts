// resolveRun: every form a person may type to name a run, and the errors for what names no run or several.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { RunInfo } from '../../src/shared/metrics';
import { RUN_FILES } from '../../src/runs/runFiles';
import { resolveRun, RunReferenceError, type RunReferenceProblem } from '../../src/runs/runReference';
import { RunWriter } from '../../src/runs/runWriter';

interface Store {
  root: string;
  runsDir: string;
  configs: string;
}

function store(): Store {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-ref-'));
  const configs = path.join(root, 'configs');
  fs.mkdirSync(configs);
  return { root, runsDir: path.join(root, '.seqlab', 'runs'), configs };
}

/** A finished run of the config `configFile` (in s.configs) whose `name` is `name`, created at minute `minute`. */
function addRun(s: Store, id: string, name: string, configFile: string, minute: number): string {
  const configPath = path.join(s.configs, configFile);
  fs.writeFileSync(configPath, '{}');
  const info: RunInfo = { id, name, configPath, cell: 'lstm', backend: 'wasm', device: 'test', seed: 1, paramCount: 1, totalSteps: 1, dataSummary: '', task: 'adding', gateNames: [] };
  const w = RunWriter.create(s.runsDir, info, '{}');
  w.update({ status: { kind: 'finished', step: 1 }, createdAt: new Date(Date.UTC(2026, 0, 2, 3, minute)).toISOString() });
  w.close();
  return id;
}

/** Three runs of two configs: `adding` twice (lstm older, gru newer) and `Char LM` once. */
function threeRuns(): Store & { lstm: string; gru: string; char: string } {
  const s = store();
  return {
    ...s,
    lstm: addRun(s, '20260102-030100-adding-lstm-1a2b', 'adding', 'adding.seqlab.json', 1),
    gru: addRun(s, '20260102-030500-adding-gru-3c4d', 'adding', 'adding.seqlab.json', 5),
    char: addRun(s, '20260102-040000-char-lm-lstm-5e6f', 'Char LM', 'lighthouse.seqlab.json', 60),
  };
}

async function rejectsWith(p: Promise<unknown>, problem: RunReferenceProblem, message: RegExp): Promise<RunReferenceError> {
  let caught: unknown;
  await p.catch((e: unknown) => (caught = e));
  assert.ok(caught instanceof RunReferenceError, `expected a RunReferenceError, got ${String(caught)}`);
  assert.equal(caught.problem, problem);
  assert.match(caught.message, message);
  return caught;
}

test('a full run id names its run', async () => {
  const s = threeRuns();
  assert.equal((await resolveRun(s.runsDir, s.lstm, s.root)).id, s.lstm);
  assert.equal((await resolveRun(s.runsDir, s.char, s.root)).dir, path.join(s.runsDir, s.char));
});

test('a run folder names its run, absolute or relative to the current folder, also outside the runs folder', async () => {
  const s = threeRuns();
  assert.equal((await resolveRun(s.runsDir, path.join(s.runsDir, s.gru), '/')).id, s.gru);
  assert.equal((await resolveRun(s.runsDir, path.join('.seqlab', 'runs', s.char), s.root)).id, s.char);
  const moved = path.join(s.root, 'kept', s.lstm);
  fs.mkdirSync(path.dirname(moved));
  fs.renameSync(path.join(s.runsDir, s.lstm), moved);
  assert.equal((await resolveRun(s.runsDir, moved, s.root)).dir, moved);
});

test('a unique start of an id, or a unique part of it (the short id `show` accepts), names its run', async () => {
  const s = threeRuns();
  assert.equal((await resolveRun(s.runsDir, '20260102-0301', s.root)).id, s.lstm);
  assert.equal((await resolveRun(s.runsDir, '3c4d', s.root)).id, s.gru);
  assert.equal((await resolveRun(s.runsDir, 'adding-gru', s.root)).id, s.gru);
});

test('a config, by file, file name or name, means its latest run', async () => {
  const s = threeRuns();
  assert.equal((await resolveRun(s.runsDir, path.join(s.configs, 'adding.seqlab.json'), '/')).id, s.gru);
  assert.equal((await resolveRun(s.runsDir, path.join('configs', 'adding.seqlab.json'), s.root)).id, s.gru);
  // `adding` is part of two ids; as a config's name it is the newer run
  assert.equal((await resolveRun(s.runsDir, 'adding', s.root)).id, s.gru);
  assert.equal((await resolveRun(s.runsDir, 'lighthouse', s.root)).id, s.char);
  assert.equal((await resolveRun(s.runsDir, 'char lm', s.root)).id, s.char);
  assert.equal((await resolveRun(s.runsDir, 'Char-LM', s.root)).id, s.char);
});

test('a reference that several runs match is ambiguous, and the error lists them newest first', async () => {
  const s = threeRuns();
  const e = await rejectsWith(resolveRun(s.runsDir, '20260102', s.root), 'ambiguous', /'20260102' matches 3 runs .*Give more of the id/);
  assert.deepEqual(e.candidates, [s.char, s.gru, s.lstm]);
  await rejectsWith(resolveRun(s.runsDir, 'lstm', s.root), 'ambiguous', /matches 2 runs \(20260102-040000-char-lm-lstm-5e6f, 20260102-030100-adding-lstm-1a2b\)/);
});

test('two configs of the same name are ambiguous: the config file tells them apart', async () => {
  const s = store();
  addRun(s, '20260102-030100-adding-lstm-0001', 'adding', 'a.seqlab.json', 1);
  const newer = addRun(s, '20260102-030200-adding-gru-0002', 'adding', 'b.seqlab.json', 2);
  const e = await rejectsWith(resolveRun(s.runsDir, 'adding', s.root), 'ambiguous', /'adding' matches 2 configs .*Give the config file/);
  assert.deepEqual(e.candidates, [path.join(s.configs, 'b.seqlab.json'), path.join(s.configs, 'a.seqlab.json')]);
  assert.equal((await resolveRun(s.runsDir, 'configs/b.seqlab.json', s.root)).id, newer);
});

test('an unknown reference says so, suggests a near config name, and says what a reference may be', async () => {
  const s = threeRuns();
  await rejectsWith(resolveRun(s.runsDir, 'addding', s.root), 'unknown', /No run 'addding' in .*runs\. Did you mean 'adding'\? Name a run id, .* seqlab runs/);
  await rejectsWith(resolveRun(s.runsDir, 'zzz', s.root), 'unknown', /^No run 'zzz' in [^]*seqlab runs$/);
  await rejectsWith(resolveRun(s.runsDir, 'never.seqlab.json', s.root), 'unknown', /No run of the config .*never\.seqlab\.json .* seqlab train never\.seqlab\.json/);
  await rejectsWith(resolveRun(path.join(s.root, 'empty'), 'adding', s.root), 'unknown', /holds no runs\. Start one with: seqlab train <config>/);
});

test('a damaged run is named as damaged, with what is wrong, and its folder is left alone', async () => {
  const s = threeRuns();
  const meta = path.join(s.runsDir, s.gru, RUN_FILES.meta);
  fs.writeFileSync(meta, '');
  await rejectsWith(resolveRun(s.runsDir, s.gru, s.root), 'damaged', /Run 20260102-030500-adding-gru-3c4d is damaged: meta\.json is empty/);
  await rejectsWith(resolveRun(s.runsDir, '3c4d', s.root), 'damaged', /meta\.json is empty/);
  await rejectsWith(resolveRun(s.runsDir, path.join(s.runsDir, s.gru), s.root), 'damaged', /meta\.json is empty/);
  assert.equal(fs.readFileSync(meta, 'utf8'), '');
  // the config's latest readable run stands in for its name
  assert.equal((await resolveRun(s.runsDir, 'adding', s.root)).id, s.lstm);
});

test('a project folder that merely has a checkpoints/ folder is not taken for a damaged run', async () => {
  const s = threeRuns();
  fs.mkdirSync(path.join(s.root, 'adding', 'checkpoints'), { recursive: true });
  assert.equal((await resolveRun(s.runsDir, 'adding', s.root)).id, s.gru);
});
