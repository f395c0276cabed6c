// The loop and the session on a stub task: batches of plain index lists, a model that counts its
// steps, an evaluation with chosen losses. No data kind or model kind is involved, which is the point:
// whatever a task's batches are, the loop draws, steps, evaluates, snapshots and checkpoints the same
// way, and a resumed run continues exactly where it stopped.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import nodeFs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { mock, test } from 'node:test';
import { applyDefaults } from '../../src/shared/configValidation';
import type { DiagnosticsSnapshot, MetricRecord, StepRecord } from '../../src/shared/metrics';
import { RUN_FILES } from '../../src/runs/runFiles';
import { readDiagnosticsIndex, readDiagnosticsSnapshot, readMetrics, readWeights } from '../../src/runs/runReader';
import { resolveRun } from '../../src/runs/runReference';
import type { TrainableModel } from '../../src/trainer/backends/backend';
import { TrainError } from '../../src/trainer/errors';
import type { ModelSpec } from '../../src/trainer/model';
import { learningRateAt } from '../../src/trainer/schedule';
import { trainTask, type TrainSink } from '../../src/trainer/training';
import { epochOrder, trainingPlan } from '../../src/trainer/training/plan';
import { checkpointToResume } from '../../src/trainer/training/session';
import type { Task } from '../../src/trainer/training/task';

const TRAIN_SIZE = 10;
const spec: ModelSpec = { cell: 'gru', input: 'tokens', inputSize: 5, embedSize: 2, hiddenSize: 3, layers: 1, outputSize: 5, head: 'every', loss: 'xent', dropout: 0 };

/** batchSize 4 of 10 examples: 2 steps an epoch, 3 epochs = 6 steps; validation at 2, 4, 6; snapshots at 0, 3, 6; a checkpoint at 4. */
function setupFor(over: { validateEvery?: number } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-loop-'));
  const config = applyDefaults({
    name: 'stub task', data: { kind: 'synthetic', task: 'adding' },
    training: { epochs: 3, maxSteps: 0, batchSize: 4, validateEvery: 2, checkpointEvery: 4, seed: 5, learningRate: 0.01, learningRateSchedule: 'cosine', minLearningRate: 0.001, ...over },
    diagnostics: { every: 3 },
  });
  const configPath = path.join(dir, 'stub.seqlab.json');
  return {
    request: { configPath, runsDir: path.join(dir, 'runs') },
    setup: { configPath, config, configText: JSON.stringify(config), cell: 'gru' as const, plan: trainingPlan(config.training, TRAIN_SIZE) },
  };
}

interface Log {
  batches: number[][];
  epochs: number[];
  rates: number[];
  seeds: number[];
  initialised: number;
  disposed: boolean;
}

/** A task whose batches are the example indices; the model adds 1 to its parameters per step, and its loss is `lossAt(step)`. */
function stubTask(evalLoss: (n: number) => number | undefined, lossAt: (step: number) => number = (s) => 1 / s): { task: Task<number[]>; log: Log } {
  const log: Log = { batches: [], epochs: [], rates: [], seeds: [], initialised: 0, disposed: false };
  let params = new Float32Array(3), slot = new Float32Array(3), optimizerStep = 0, evaluations = 0;
  const model: TrainableModel<number[]> = {
    name: 'stub', device: 'stub device', paramCount: 3,
    getParams: () => params.slice(),
    setParams: (p) => void (params = p.slice()),
    getOptimizerState: () => ({ step: optimizerStep, slots: [slot.slice()] }),
    setOptimizerState: (s) => {
      optimizerStep = s.step;
      slot = s.slots[0].slice();
    },
    async trainStep(batch, opt, seed) {
      log.batches.push(batch);
      log.rates.push(opt.learningRate);
      log.seeds.push(seed);
      optimizerStep++;
      params = params.map((p) => p + 1);
      slot.fill(optimizerStep);
      return { loss: lossAt(optimizerStep), gradNorm: 1, clipped: false };
    },
    dispose: async () => void (log.disposed = true),
  };
  const task: Task<number[]> = {
    examples: {
      trainSize: TRAIN_SIZE,
      batch: (_split, indices, epoch) => (log.epochs.push(epoch), Array.from(indices)),
    },
    model,
    initialParams: async (rng) => (log.initialised++, Float32Array.of(rng.next(), rng.next(), rng.next())),
    evaluation: {
      metrics: () => {
        const loss = evalLoss(++evaluations);
        return loss === undefined ? undefined : { loss };
      },
      samples: (step) => [{ kind: 'sample', step, temperature: 1, prime: 'p', text: `at ${step}` }],
      snapshotArrays: () => ({ 'kind.extra': { data: Float32Array.of(optimizerStep), shape: [1] } }),
    },
    diagnose: (step) => ({ step, arrays: { 'model.state': { data: params.slice(), shape: [3] } } }),
    info: { backendReason: 'stubbed', dataSummary: 'ten numbered examples', task: 'stub', gateNames: [], baselines: [{ value: 0.5, metric: 'xent', label: 'half' }] },
    weights: { spec, data: { steps: 4, outputNames: ['a', 'b', 'c', 'd', 'e'] } },
  };
  return { task, log };
}

/** Everything the sink hears, by kind. */
function recordingSink() {
  const heard = { started: 0, metrics: [] as MetricRecord[], diagnostics: [] as DiagnosticsSnapshot[], checkpoints: [] as number[], progress: [] as number[] };
  const sink: TrainSink = {
    started: () => void heard.started++,
    metrics: (records) => void heard.metrics.push(...records),
    diagnostics: (snap) => void heard.diagnostics.push(snap),
    checkpoint: (step) => void heard.checkpoints.push(step),
    progress: (p) => void heard.progress.push(p.step),
  };
  return { sink, heard };
}

test('the loop trains any task: each epoch sees every example once, at the scheduled rates, with evaluations, samples, snapshots and checkpoints at their cadence', async () => {
  const { request, setup } = setupFor();
  const { task, log } = stubTask((n) => [0.5, 0.3, 0.4][n - 1]);
  const { sink, heard } = recordingSink();
  const out = await trainTask(task, setup, request, sink, () => false);
  assert.equal(out.kind, 'finished');
  assert.equal(out.step, 6);
  assert.ok(log.disposed);

  // two batches of 4 per epoch, in that epoch's order; the last 2 examples of each order wait for another epoch
  const expected = [0, 1, 2].flatMap((e) => [0, 4].map((start) => Array.from(epochOrder(5, e, TRAIN_SIZE).subarray(start, start + 4))));
  assert.deepEqual(log.batches, expected);
  assert.deepEqual(log.epochs, [0, 0, 1, 1, 2, 2]);
  assert.deepEqual(log.rates, [0, 1, 2, 3, 4, 5].map((s) => learningRateAt(setup.config.training, s, 6)));

  const metrics = await readMetrics(out.runDir);
  assert.deepEqual(metrics, heard.metrics, 'the sink hears every record the folder keeps');
  const steps = metrics.filter((m): m is StepRecord => m.kind === 'step');
  assert.deepEqual(steps.map((m) => [m.step, m.epoch, m.loss]), [1, 2, 3, 4, 5, 6].map((s) => [s, Math.floor((s - 1) / 2), 1 / s]));
  assert.deepEqual(metrics.filter((m) => m.kind === 'eval').map((m) => [m.step, m.kind === 'eval' && m.loss]), [[2, 0.5], [4, 0.3], [6, 0.4]]);
  assert.deepEqual(metrics.filter((m) => m.kind === 'sample').map((m) => m.step), [6], 'samples at the last evaluation');
  assert.deepEqual(heard.progress, [1, 2, 3, 4, 5, 6]);

  // every snapshot holds the model's arrays and the kind's
  const index = await readDiagnosticsIndex(out.runDir);
  assert.deepEqual(index.map((e) => e.step), [0, 3, 6]);
  const last = await readDiagnosticsSnapshot(out.runDir, index[2]);
  assert.deepEqual(Object.keys(last.arrays), ['model.state', 'kind.extra']);
  assert.deepEqual(Array.from(last.arrays['kind.extra'].data), [6]);
  assert.equal(heard.diagnostics.at(-1)!.step, 6, 'the last snapshot always reaches the sink');

  // a checkpoint at step 4 and one at the end; the best validation loss (step 4) kept its weights
  assert.deepEqual(heard.checkpoints, [4, 6]);
  const files = fs.readdirSync(path.join(out.runDir, RUN_FILES.checkpoints)).sort();
  assert.deepEqual(files, ['best-4.bin', 'best-4.json', 'ckpt-4.bin', 'ckpt-4.json', 'ckpt-6.bin', 'ckpt-6.json']);
  assert.equal(out.bestValidationLoss, 0.3);

  const run = await resolveRun(request.runsDir, out.runId);
  assert.equal(heard.started, 1);
  assert.deepEqual(run.status, { kind: 'finished', step: 6 });
  assert.deepEqual([run.meta.bestValidationLoss, run.meta.bestValidationStep], [0.3, 4]);
  const info = run.meta.info;
  assert.deepEqual([info.backend, info.device, info.backendReason, info.task, info.dataSummary, info.totalSteps, info.paramCount], ['stub', 'stub device', 'stubbed', 'stub', 'ten numbered examples', 6, 3]);
  const weights = (await readWeights(out.runDir))!;
  assert.deepEqual(weights.meta.spec, spec);
  assert.deepEqual([weights.meta.steps, weights.meta.outputNames, weights.meta.config.model.cell], [4, ['a', 'b', 'c', 'd', 'e'], 'gru']);
  assert.equal(log.initialised, 1);
});

test('a stopped run resumes from its checkpoint with the same weights, order, rates and random stream', async () => {
  const straight = setupFor();
  const full = stubTask(() => 1);
  await trainTask(full.task, straight.setup, straight.request, {}, () => false);

  const { request, setup } = setupFor();
  const first = stubTask(() => 1);
  const { sink, heard } = recordingSink();
  const stopped = await trainTask(first.task, setup, request, sink, () => heard.progress.length >= 3);
  assert.deepEqual([stopped.kind, stopped.step], ['cancelled', 3]);
  assert.deepEqual(heard.checkpoints, [3], 'a stop saves a checkpoint');
  assert.equal((await resolveRun(request.runsDir, stopped.runId!)).status.kind, 'cancelled');

  const again = { ...request, resumeRunId: stopped.runId };
  const second = stubTask(() => 1);
  const resumed = await trainTask(second.task, { ...setup, resume: await checkpointToResume(again) }, again, {}, () => false);
  assert.deepEqual([resumed.kind, resumed.step, resumed.runId], ['finished', 6, stopped.runId]);
  assert.equal(second.log.initialised, 0, 'the weights come from the checkpoint');
  assert.deepEqual(second.log.batches, full.log.batches.slice(3));
  assert.deepEqual(second.log.epochs, full.log.epochs.slice(3));
  assert.deepEqual(second.log.rates, full.log.rates.slice(3));
  assert.deepEqual(second.log.seeds, full.log.seeds.slice(3));
  const steps = (await readMetrics(resumed.runDir!)).filter((m): m is StepRecord => m.kind === 'step');
  assert.deepEqual(steps.map((m) => m.step), [1, 2, 3, 4, 5, 6]);
  const fullRuns = fs.readdirSync(straight.request.runsDir);
  assert.deepEqual((await readWeights(resumed.runDir!))!.params, (await readWeights(path.join(straight.request.runsDir, fullRuns[0])))!.params);
});

test('a diverging step fails the run with its step and the last finite loss', async () => {
  const { request, setup } = setupFor();
  const { task, log } = stubTask(() => 1, (s) => (s === 3 ? NaN : 1 / s));
  await assert.rejects(trainTask(task, setup, request, {}, () => false), (e: unknown) => {
    assert.ok(e instanceof TrainError);
    assert.equal(e.kind, 'diverged');
    assert.equal(e.step, 3);
    assert.match(e.message, /diverged at step 3: the loss became NaN.*Last finite loss: 0\.5000.*now 0\.01/);
    assert.match(e.message, /No checkpoint was written: nothing to resume or export from\.$/, 'the first checkpoint would have come at step 4');
    return true;
  });
  assert.ok(log.disposed);
  const [runId] = fs.readdirSync(request.runsDir);
  const run = await resolveRun(request.runsDir, runId);
  assert.equal(run.status.kind, 'failed');
  assert.equal(run.status.kind === 'failed' && run.status.step, 3);
  assert.deepEqual((await readMetrics(run.dir)).filter((m) => m.kind === 'step').map((m) => m.step), [1, 2], 'the records before it are on disk');
});

test('without validation metrics the loop records no evaluation (no NaN losses) and keeps no best weights', async () => {
  const { request, setup } = setupFor({ validateEvery: 3 });
  const { task } = stubTask(() => undefined);
  const out = await trainTask(task, setup, request, {}, () => false);
  const metrics = await readMetrics(out.runDir!);
  assert.deepEqual(metrics.filter((m) => m.kind === 'eval'), []);
  assert.deepEqual(metrics.filter((m) => m.kind === 'sample').map((m) => m.step), [6], 'samples still come at the validation cadence');
  assert.ok(!fs.readdirSync(path.join(out.runDir!, RUN_FILES.checkpoints)).some((f) => f.startsWith('best-')));
  const run = await resolveRun(request.runsDir, out.runId!);
  assert.equal(run.meta.bestValidationLoss, undefined);
});

/** Makes every write to a file whose path `full` accepts fail as a full disk does, until `restore`. */
function fullDiskFor(full: (file: string) => boolean) {
  const opened = new Map<number, string>();
  const realOpen = nodeFs.openSync, realWrite = nodeFs.writeSync as (...a: unknown[]) => number;
  const open = mock.method(nodeFs, 'openSync', function (this: unknown, ...args: Parameters<typeof nodeFs.openSync>) {
    const fd = realOpen.apply(this, args);
    opened.set(fd, String(args[0]));
    return fd;
  });
  const write = mock.method(nodeFs, 'writeSync', function (this: unknown, ...args: unknown[]) {
    if (full(opened.get(args[0] as number) ?? '')) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
    return realWrite.apply(this, args);
  });
  return { restore: () => (open.mock.restore(), write.mock.restore()) };
}

test('a full disk at a checkpoint fails the run with the file and ENOSPC, keeps the previous checkpoint whole, and marks the run failed', async () => {
  const { request, setup } = setupFor();
  const { task, log } = stubTask(() => 1);
  // the checkpoint of step 4 is written; the last one, of step 6 (end of training), meets a full disk
  const disk = fullDiskFor((file) => /ckpt-6\.bin\.\d+\.tmp$/.test(file));
  try {
    await assert.rejects(trainTask(task, setup, request, {}, () => false), (e: unknown) => {
      assert.ok(e instanceof TrainError, String(e));
      assert.equal(e.kind, 'storage');
      assert.match(e.message, /^Cannot write .*checkpoints[/\\]ckpt-6\.bin: the disk is full \(ENOSPC\)\. The checkpoint of step 4 is kept \(resume with: seqlab train --resume \S+\)\. Free space on that disk/);
      assert.doesNotMatch(e.message, /\n\s+at /, 'no stack trace');
      return true;
    });
  } finally {
    disk.restore();
  }
  assert.ok(log.disposed);
  const [runId] = fs.readdirSync(request.runsDir);
  const run = await resolveRun(request.runsDir, runId);
  assert.equal(run.status.kind === 'failed' && run.status.failure, 'storage');
  assert.deepEqual(fs.readdirSync(path.join(run.dir, RUN_FILES.checkpoints)).sort(), ['best-2.bin', 'best-2.json', 'ckpt-4.bin', 'ckpt-4.json'], 'no temp file, no half checkpoint');
  const resume = await checkpointToResume({ ...request, resumeRunId: runId });
  assert.equal(resume?.meta.step, 4);
  assert.deepEqual(Array.from(resume!.slots[0]), [4, 4, 4], 'the floats of step 4 are readable (the stub fills its slot with the step)');
});

test('a full disk for metrics and meta.json alike: the run still fails with what went wrong, and says meta.json could not record it', async () => {
  const { request, setup } = setupFor();
  const { task, log } = stubTask(() => 1);
  let full = false;
  // from step 3 on nothing can be written at all
  const disk = fullDiskFor(() => full);
  const sink: TrainSink = { progress: (p) => void (full ||= p.step >= 3) };
  try {
    await assert.rejects(trainTask(task, setup, request, sink, () => false), (e: unknown) => {
      assert.ok(e instanceof TrainError, String(e));
      assert.equal(e.kind, 'storage');
      assert.match(e.message, /^Cannot write .*(metrics\.jsonl|meta\.json|diagnostics|best-\d+\.bin): the disk is full \(ENOSPC\)\./);
      assert.match(e.message, /Cannot write .*meta\.json: the disk is full \(ENOSPC\)\. The run folder still says the run is running; once this process exits it shows as interrupted\.$/);
      return true;
    });
  } finally {
    disk.restore();
  }
  assert.ok(log.disposed);
  const [runId] = fs.readdirSync(request.runsDir);
  assert.equal((await resolveRun(request.runsDir, runId)).meta.status.kind, 'running', 'meta.json as it was before the disk filled');
  assert.ok(!fs.readdirSync(path.join(request.runsDir, runId)).some((f) => f.endsWith('.tmp')), 'no temp file left');
});

test('a full disk at the final weights fails the run as storage with the last checkpoint kept; the run resumes to finish', async () => {
  const { request, setup } = setupFor();
  const first = stubTask(() => 1);
  const disk = fullDiskFor((file) => /\.weights\.bin\.\d+\.tmp$/.test(file));
  try {
    await assert.rejects(trainTask(first.task, setup, request, {}, () => false), (e: unknown) => {
      assert.ok(e instanceof TrainError, String(e));
      assert.equal(e.kind, 'storage');
      assert.match(e.message, /^Cannot write .*weights\.bin: the disk is full \(ENOSPC\)\. The checkpoint of step 6 is kept/);
      return true;
    });
  } finally {
    disk.restore();
  }
  const [runId] = fs.readdirSync(request.runsDir);
  assert.ok(!fs.existsSync(path.join(request.runsDir, runId, RUN_FILES.weightsBin)));
  const again = { ...request, resumeRunId: runId };
  const out = await trainTask(stubTask(() => 1).task, { ...setup, resume: await checkpointToResume(again) }, again, {}, () => false);
  assert.equal(out.kind, 'finished');
  assert.ok(fs.existsSync(path.join(request.runsDir, runId, RUN_FILES.weightsBin)));
});
