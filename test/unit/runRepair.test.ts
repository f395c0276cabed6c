// Damaged run folders: what their inventory reads, and `repair` rebuilding meta.json from the config
// snapshot, metrics.jsonl and the checkpoints, for each form of damage; nothing is deleted, and a second
// repair finds nothing to do.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { applyDefaults } from '../../src/shared/configValidation';
import type { MetricRecord, RunInfo } from '../../src/shared/metrics';
import { planRepair } from '../../src/runs/repairPlan';
import { readResumability, readRunContents } from '../../src/runs/runContents';
import { checkpointBase, RUN_FILES, type RunMeta } from '../../src/runs/runFiles';
import { inspectRunFolder, type ListedRunFolder } from '../../src/runs/runReader';
import { resolveRun } from '../../src/runs/runReference';
import { applyRepair, checkRepair, type RepairCheck } from '../../src/runs/runRepair';
import { RunWriter } from '../../src/runs/runWriter';

const ID = '20260102-030405-tiny-gru-1a2b';
const RAW_CONFIG = {
  name: 'tiny',
  data: { kind: 'synthetic', task: 'adding', length: 10, samples: 64 },
  model: { cell: 'gru', hiddenSize: 4 },
  training: { maxSteps: 80, batchSize: 8, validateEvery: 25, checkpointEvery: 25, seed: 7 },
};
const CONFIG = applyDefaults(RAW_CONFIG);
const PARAMS = 3;

interface Fixture {
  ws: string;
  runsDir: string;
  dir: string;
  configPath: string;
}

/** A run of `steps` steps in `<ws>/.seqlab/runs/<ID>` with checkpoints at `checkpoints` (and final weights when `finished`). */
function runFolder(o: { steps: number; checkpoints: number[]; finished?: boolean }): Fixture {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-repair-'));
  const configPath = path.join(ws, 'configs', 'tiny.seqlab.json');
  fs.mkdirSync(path.dirname(configPath));
  const configText = `// the user's comment\n${JSON.stringify(RAW_CONFIG, null, 2)}\n`;
  fs.writeFileSync(configPath, configText);
  const runsDir = path.join(ws, '.seqlab', 'runs');
  const info: RunInfo = { id: ID, name: 'tiny', configPath, cell: 'gru', backend: 'wasm', device: 'wasm simd', seed: 7, paramCount: PARAMS, totalSteps: 80, dataSummary: 'adding', task: 'adding', gateNames: ['z', 'r', 'n'] };
  const w = RunWriter.create(runsDir, info, configText);
  const records: MetricRecord[] = [];
  for (let step = 1; step <= o.steps; step++) {
    records.push({ kind: 'step', step, epoch: 0, time: step / 10, loss: 1 / step, gradNorm: 1, clipped: false, learningRate: 0.01 });
    if (step % 25 === 0) records.push({ kind: 'eval', step, epoch: 0, time: step / 10, loss: step === 50 ? 0.2 : 0.3 });
  }
  w.appendMetrics(records);
  const saved = { epoch: 0, spec: {} as never, config: CONFIG, paramCount: PARAMS };
  for (const step of o.checkpoints) {
    w.saveCheckpoint({ step, cursor: 0, optimizer: { kind: 'adam', step, slots: 2 }, rngState: [1, 2, 3, 4], ...saved }, Float32Array.of(1, 2, 3), [Float32Array.of(0, 0, 0), Float32Array.of(1, 1, 1)]);
  }
  if (o.finished) {
    w.saveWeights({ step: o.steps, ...saved }, Float32Array.of(1, 2, 3));
    w.update({ status: { kind: 'finished', step: o.steps } });
  } else {
    w.update({ status: { kind: 'interrupted', step: o.steps } });
  }
  w.close();
  return { ws, runsDir, dir: path.join(runsDir, ID), configPath };
}

async function damagedFolder(dir: string): Promise<ListedRunFolder> {
  const folder = await inspectRunFolder(dir);
  assert.equal(folder.kind, 'damaged');
  return folder as ListedRunFolder;
}

function rebuild(check: RepairCheck): Extract<RepairCheck, { kind: 'rebuild' }> {
  assert.equal(check.kind, 'rebuild', JSON.stringify(check));
  return check as Extract<RepairCheck, { kind: 'rebuild' }>;
}

const readMeta = (dir: string): RunMeta => JSON.parse(fs.readFileSync(path.join(dir, RUN_FILES.meta), 'utf8')) as RunMeta;
const filesOf = (dir: string) => fs.readdirSync(dir).sort();

test('garbage meta.json: rebuilt from the snapshot, metrics and checkpoints; the damaged file is kept; the run resumes', async () => {
  const f = runFolder({ steps: 60, checkpoints: [25, 50] });
  fs.writeFileSync(path.join(f.dir, RUN_FILES.meta), '\u0000\u0001garbage');
  const now = new Date('2026-03-04T05:06:07Z');
  const plan = rebuild(await checkRepair(await damagedFolder(f.dir), { now }));
  assert.equal(plan.damagedCopy, 'meta.json.damaged-20260304-050607');
  const done = applyRepair(plan);
  assert.deepEqual(done, ['kept the damaged meta.json as meta.json.damaged-20260304-050607', 'wrote meta.json']);
  assert.equal(fs.readFileSync(path.join(f.dir, plan.damagedCopy!), 'utf8'), '\u0000\u0001garbage');

  const meta = readMeta(f.dir);
  assert.deepEqual(meta.status, { kind: 'interrupted', step: 60 });
  assert.equal(meta.createdAt, '2026-01-02T03:04:05.000Z');
  assert.deepEqual([meta.info.name, meta.info.cell, meta.info.seed, meta.info.paramCount, meta.info.task], ['tiny', 'gru', 7, PARAMS, 'adding']);
  assert.deepEqual(meta.info.gateNames, ['z', 'r', 'n']);
  // found by content in the workspace the run folder belongs to, though its text (a comment) differs
  assert.equal(meta.info.configPath, f.configPath);
  assert.equal(meta.info.totalSteps, 80);
  assert.deepEqual([meta.bestValidationLoss, meta.bestValidationStep, meta.lastLoss, meta.seconds], [0.2, 50, 1 / 60, 6]);
  assert.deepEqual(meta.repaired?.unknown.includes('backend and device'), true);
  assert.equal(meta.repaired?.damagedCopy, plan.damagedCopy);

  const run = await resolveRun(f.runsDir, '1a2b');
  assert.equal(run.status.kind, 'interrupted');
  const r = await readResumability(f.dir);
  assert.deepEqual(r.kind === 'resumable' && r.step, 50);
});

test('repair is idempotent: a second one finds nothing to do and writes nothing', async () => {
  const f = runFolder({ steps: 30, checkpoints: [25] });
  fs.writeFileSync(path.join(f.dir, RUN_FILES.meta), '');
  applyRepair(rebuild(await checkRepair(await damagedFolder(f.dir))));
  const files = filesOf(f.dir);
  const meta = fs.readFileSync(path.join(f.dir, RUN_FILES.meta), 'utf8');
  const again = await checkRepair(await inspectRunFolder(f.dir) as ListedRunFolder);
  assert.equal(again.kind, 'notNeeded');
  assert.deepEqual(filesOf(f.dir), files);
  assert.equal(fs.readFileSync(path.join(f.dir, RUN_FILES.meta), 'utf8'), meta);
  assert.equal(files.filter((n) => n.startsWith('meta.json.damaged-')).length, 1);
});

test('the plan is a function of the folder: the same inventory gives the same meta.json', async () => {
  const f = runFolder({ steps: 30, checkpoints: [25] });
  fs.rmSync(path.join(f.dir, RUN_FILES.meta));
  const contents = await readRunContents(f.dir);
  const input = { id: ID, dir: f.dir, problem: 'meta.json is missing', contents, now: new Date('2026-05-05T00:00:00Z') };
  assert.deepEqual(planRepair(input), planRepair(input));
  // a missing meta.json is not copied aside: there is nothing to keep
  assert.equal(rebuild(planRepair(input)).damagedCopy, undefined);
});

test('final weights of the last step make the repaired run finished', async () => {
  const f = runFolder({ steps: 50, checkpoints: [25, 50], finished: true });
  fs.writeFileSync(path.join(f.dir, RUN_FILES.meta), '[]');
  const plan = rebuild(await checkRepair(await damagedFolder(f.dir)));
  assert.deepEqual(plan.meta.status, { kind: 'finished', step: 50 });
  assert.equal(plan.meta.info.totalSteps, 50);
  assert.equal(plan.resumability.kind === 'notResumable' && plan.resumability.reason, 'finished');
  assert.ok(plan.rebuilt.some((r) => r.from === 'weights.json' && /final weights of step 50/.test(r.detail ?? '')));
});

test('a missing config snapshot is restored from the newest checkpoint, and nothing is replaced', async () => {
  const f = runFolder({ steps: 30, checkpoints: [25] });
  fs.rmSync(path.join(f.dir, RUN_FILES.meta));
  fs.rmSync(path.join(f.dir, RUN_FILES.config));
  const plan = rebuild(await checkRepair(await damagedFolder(f.dir)));
  assert.equal(plan.restoreSnapshot?.from, path.join('checkpoints', 'ckpt-25.json'));
  // the config the checkpoint carries finds the file it started from by content
  assert.equal(plan.meta.info.configPath, f.configPath);
  // when that file is gone too, it stays unknown and the snapshot in the run folder stands in
  fs.rmSync(f.configPath);
  const alone = rebuild(await checkRepair(await damagedFolder(f.dir)));
  assert.equal(alone.meta.info.configPath, path.join(f.dir, RUN_FILES.config));
  assert.ok(alone.unknown.some((u) => /config file it started from/.test(u)));
  assert.deepEqual(applyRepair(plan), ['restored config.seqlab.json from checkpoints/ckpt-25.json', 'wrote meta.json']);
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(f.dir, RUN_FILES.config), 'utf8')), CONFIG);
});

test('repair --config names the config it started from, and says how it differs from the snapshot', async () => {
  const f = runFolder({ steps: 30, checkpoints: [25] });
  fs.writeFileSync(path.join(f.dir, RUN_FILES.meta), 'null');
  const edited = path.join(f.ws, 'edited.seqlab.json');
  fs.writeFileSync(edited, JSON.stringify({ ...RAW_CONFIG, training: { ...RAW_CONFIG.training, learningRate: 0.5 } }));
  const plan = rebuild(await checkRepair(await damagedFolder(f.dir), { config: edited }));
  assert.equal(plan.meta.info.configPath, edited);
  const field = plan.rebuilt.find((r) => r.from === '--config');
  assert.match(field?.detail ?? '', /differs from the run's snapshot in training\.learningRate \(0\.002 → 0\.5\)/);
});

test('torn metrics: the last torn line and a damaged middle line are skipped, the good lines rebuild the status', async () => {
  const f = runFolder({ steps: 40, checkpoints: [25] });
  const metrics = path.join(f.dir, RUN_FILES.metrics);
  const lines = fs.readFileSync(metrics, 'utf8').split('\n');
  lines[10] = '{"kind":"step","st';
  fs.writeFileSync(metrics, lines.join('\n') + '{"kind":"step","step":41,');
  fs.writeFileSync(path.join(f.dir, RUN_FILES.meta), '{');
  const contents = await readRunContents(f.dir);
  assert.ok(!('problem' in contents.metrics));
  if ('problem' in contents.metrics) return;
  assert.deepEqual(contents.metrics.badLines, [11, lines.length]);
  assert.equal(contents.metrics.lastStep?.step, 40);
  const plan = rebuild(await checkRepair(await damagedFolder(f.dir)));
  assert.deepEqual(plan.meta.status, { kind: 'interrupted', step: 40 });
});

test('no checkpoints: repaired as interrupted, not resumable, with why', async () => {
  const f = runFolder({ steps: 20, checkpoints: [] });
  fs.writeFileSync(path.join(f.dir, RUN_FILES.meta), '');
  const plan = rebuild(await checkRepair(await damagedFolder(f.dir)));
  assert.deepEqual(plan.meta.status, { kind: 'interrupted', step: 20 });
  assert.equal(plan.meta.info.paramCount, 0);
  assert.ok(plan.unknown.includes('parameter count'));
  const r = plan.resumability;
  assert.equal(r.kind === 'notResumable' && r.reason, 'noCheckpoint');
  assert.match(r.kind === 'notResumable' ? r.why : '', /before its first checkpoint \(due at step 25\)/);
});

test('a checkpoint cut short is named with what is wrong, and the one before it is used', async () => {
  const f = runFolder({ steps: 60, checkpoints: [25, 50] });
  fs.truncateSync(checkpointBase(f.dir, 'ckpt', 50) + '.bin', 20);
  const contents = await readRunContents(f.dir);
  assert.deepEqual(contents.checkpoints.filter((c) => c.kind === 'ckpt'), [{ kind: 'ckpt', step: 25 }, { kind: 'ckpt', step: 50, problem: 'its .bin holds 5 of 9 floats' }]);
  assert.equal(contents.saved?.step, 25);
  const r = await readResumability(f.dir);
  assert.equal(r.kind === 'resumable' && r.step, 25);
});

test('a meta.json that still parses gives back what nothing else records: backend, device, start time', async () => {
  const f = runFolder({ steps: 30, checkpoints: [25] });
  const old = readMeta(f.dir) as Partial<RunMeta>;
  delete old.status;
  fs.writeFileSync(path.join(f.dir, RUN_FILES.meta), JSON.stringify(old));
  const plan = rebuild(await checkRepair(await damagedFolder(f.dir)));
  assert.deepEqual([plan.meta.info.backend, plan.meta.info.device, plan.meta.createdAt, plan.meta.info.configPath], ['wasm', 'wasm simd', old.createdAt, f.configPath]);
  assert.ok(!plan.unknown.includes('backend and device'));
  assert.ok(!plan.unknown.includes('host'));
});

test('with neither a config snapshot nor weights that carry one, repair refuses and writes nothing', async () => {
  const f = runFolder({ steps: 10, checkpoints: [] });
  fs.writeFileSync(path.join(f.dir, RUN_FILES.meta), '');
  fs.rmSync(path.join(f.dir, RUN_FILES.config));
  const files = filesOf(f.dir);
  const check = await checkRepair(await damagedFolder(f.dir));
  assert.equal(check.kind, 'impossible');
  assert.match(check.kind === 'impossible' ? check.why : '', /no config\.seqlab\.json, and no whole checkpoint or final weights carry the config/);
  assert.deepEqual(filesOf(f.dir), files);
});
