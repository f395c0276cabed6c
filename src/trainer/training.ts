// The training loop, shared by the CLI and the child process the extension forks.
// It reads and validates the config, loads the data, builds a backend, and then per step: draws a
// batch, trains, records metrics; every `validateEvery` steps evaluates (and samples text); every
// `diagnostics.every` steps takes a diagnostics snapshot on the probe; every `checkpointEvery` steps
// saves weights + optimizer state. Everything goes to the run folder and to the caller's sink.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CellKind, ExperimentConfig } from '../shared/config';
import { formatProblem, parseConfig } from '../shared/configValidation';
import type { DiagnosticsSnapshot, EvalRecord, MetricRecord, RunInfo, SampleRecord, StepRecord } from '../shared/metrics';
import type { TrainRequest } from '../shared/protocol';
import type { Checkpoint, SavedWeights } from '../runs/runFiles';
import { readLatestCheckpoint, readRun } from '../runs/runReader';
import { newRunId, RunWriter } from '../runs/runWriter';
import type { Backend, Batch, OptimizerSettings } from './backends/backend';
import { createBackend } from './backends/createBackend';
import { type Dataset, loadDataset, solved as isSolved, UNK } from './data';
import { learningRateAt } from './schedule';
import { TrainError } from './errors';
import { initParams } from './init';
import { gatesOf, type ModelSpec, paramLayout } from './model';
import { Rng } from './rng';
import { sampleTokens } from './sampling';

export interface TrainSink {
  started?(run: RunInfo, runDir: string): void;
  metrics?(records: MetricRecord[]): void;
  diagnostics?(snapshot: DiagnosticsSnapshot): void;
  checkpoint?(step: number, file: string): void;
  /** Called after every step (cheap): for progress bars. */
  progress?(p: { step: number; totalSteps: number; loss: number; stepsPerSecond: number }): void;
}

export type TrainOutcome =
  | { kind: 'finished'; runDir: string; runId: string; step: number; bestValidationLoss?: number; seconds: number }
  | { kind: 'cancelled'; runDir: string; runId: string; step: number };

/** Records are handed to the sink at most this often (the extension host must not drown). */
const METRICS_FLUSH_MS = 100;
/** Diagnostics snapshots are handed to the sink at most this often (all are written to disk). */
const DIAGNOSTICS_SEND_MS = 250;
/** Validation uses at most this many batches, evenly spread over the validation split. */
const MAX_EVAL_BATCHES = 64;

export function loadConfigFile(configPath: string): { config: ExperimentConfig; text: string } {
  let text: string;
  try {
    text = fs.readFileSync(configPath, 'utf8');
  } catch (e) {
    throw new TrainError('config', `${configPath}: cannot read the config (${(e as NodeJS.ErrnoException).code ?? e}).`);
  }
  const { config, problems } = parseConfig(text, configPath);
  const errors = problems.filter((p) => p.severity === 'error');
  if (!config || errors.length > 0) {
    throw new TrainError('config', errors.map((p) => formatProblem(configPath, p)).join('\n'));
  }
  return { config, text };
}

export function modelSpecFor(config: ExperimentConfig, data: Dataset, cell: CellKind): ModelSpec {
  return {
    cell,
    input: data.input,
    inputSize: data.inputSize,
    embedSize: config.model.embeddingSize,
    hiddenSize: config.model.hiddenSize,
    layers: config.model.layers,
    outputSize: data.outputSize,
    head: data.head,
    loss: data.loss,
    dropout: config.model.layers > 1 ? config.model.dropout : 0,
  };
}

export async function train(request: TrainRequest, sink: TrainSink = {}, shouldStop: () => boolean = () => false): Promise<TrainOutcome> {
  const configPath = path.resolve(request.configPath);
  const resume = request.resumeRunId ? await readLatestCheckpoint(path.join(request.runsDir, request.resumeRunId)) : undefined;
  if (request.resumeRunId && !resume) {
    throw new TrainError('config', `Run ${request.resumeRunId} has no readable checkpoint to resume from; start a new run instead.`);
  }
  const loaded = resume ? { config: resume.meta.config, text: JSON.stringify(resume.meta.config, null, 2) } : loadConfigFile(configPath);
  const config = request.diagnosticsEvery && request.diagnosticsEvery > 0
    ? { ...loaded.config, diagnostics: { ...loaded.config.diagnostics, every: Math.floor(request.diagnosticsEvery) } }
    : loaded.config;
  const cell = request.cell ?? config.model.cell;
  const t = config.training;

  let data: Dataset;
  try {
    data = loadDataset(config.data, { configDir: path.dirname(configPath), validationSplit: config.validationSplit, sequenceLength: t.sequenceLength });
  } catch (e) {
    throw new TrainError('data', e instanceof Error ? e.message : String(e));
  }
  const spec = modelSpecFor(config, data, cell);
  const batchSize = Math.min(t.batchSize, data.trainSize);
  if (batchSize < 1) throw new TrainError('data', `${data.describe()}: no training examples. Use more data or a shorter sequence length.`);
  const stepsPerEpoch = Math.max(1, Math.floor(data.trainSize / batchSize));
  const maxSteps = request.maxSteps ?? t.maxSteps;
  const totalSteps = maxSteps > 0 ? Math.min(maxSteps, t.epochs * stepsPerEpoch || maxSteps) : t.epochs * stepsPerEpoch;

  const { backend, reason: backendReason } = await createBackend(request.backend ?? t.backend, { spec, batch: batchSize, steps: data.steps, threads: request.threads ?? t.threads });
  const rng = new Rng(resume ? resume.meta.rngState : t.seed);
  if (resume) {
    backend.setParams(resume.params);
    backend.setOptimizerState({ step: resume.meta.optimizer.step, slots: resume.slots });
  } else {
    backend.setParams(initParams(spec, rng, { forgetBias: config.model.forgetBias, recurrentSpectralRadius: config.model.recurrentSpectralRadius, chronoInit: config.model.chronoInit }));
  }

  const probe = config.diagnostics.enabled ? probeBatch(config, data) : undefined;
  const runId = request.resumeRunId ?? newRunId(config.name, cell);
  const info: RunInfo = {
    id: runId,
    name: config.name,
    configPath,
    cell,
    backend: backend.name,
    device: backend.device,
    backendReason,
    seed: t.seed,
    paramCount: backend.paramCount,
    totalSteps,
    dataSummary: data.describe(),
    task: data.task,
    gateNames: gateNames(cell),
  };
  if (data.baseline) info.baseline = data.baseline;
  if (probe) info.probeTokens = probe.tokens;
  const writer = resume ? await RunWriter.reopen(path.join(request.runsDir, runId)) : RunWriter.create(request.runsDir, info, loaded.text);
  sink.started?.(info, writer.dir);

  const opt: OptimizerSettings = { kind: t.optimizer, learningRate: t.learningRate, momentum: t.momentum, clipNorm: t.clipping.globalNorm, clipValue: t.clipping.value };
  let step = resume?.meta.step ?? 0;
  let epoch = resume?.meta.epoch ?? 0;
  let cursor = resume?.meta.cursor ?? 0;
  // the order of an epoch depends only on (seed, epoch), so a resumed run continues the same order
  const orderOf = (e: number) => new Rng((Math.imul(t.seed, 0x9e3779b1) ^ Math.imul(e + 1, 0x85ebca6b)) >>> 0).permutation(data.trainSize);
  let order = orderOf(epoch);
  let bestValidationLoss = resume?.meta.bestValidationLoss;
  let bestValidationStep: number | undefined;
  let lastFiniteLoss: number | undefined;
  const pending: MetricRecord[] = [];
  let lastFlush = Date.now();
  const t0 = Date.now();
  const priorSeconds = resume ? (await readRun(writer.dir))?.meta.seconds ?? 0 : 0;
  const stepTimes: number[] = [];

  const flush = () => {
    if (pending.length === 0) return;
    const records = pending.splice(0);
    writer.appendMetrics(records);
    sink.metrics?.(records);
    lastFlush = Date.now();
  };
  const elapsed = () => priorSeconds + (Date.now() - t0) / 1000;

  // beside the parameters, what it takes to use the network outside SeqLab (seqlab export): the data's
  // vocabulary, window length, feature and output names and normalisation
  const dataFields = {
    steps: data.steps,
    ...(data.vocabulary && { vocabulary: data.vocabulary }),
    ...(data.featureNames && { featureNames: data.featureNames }),
    ...(data.outputNames && { outputNames: data.outputNames }),
    ...(data.normalization && { normalization: data.normalization }),
  };
  const savedWeights = (): SavedWeights => ({ step, epoch, spec, config: { ...config, model: { ...config.model, cell } }, paramCount: backend.paramCount, ...dataFields });

  const checkpoint = () => {
    const state = backend.getOptimizerState();
    const ckpt: Checkpoint = {
      ...savedWeights(),
      cursor,
      optimizer: { kind: t.optimizer, step: state.step, slots: state.slots.length },
      rngState: rng.state(),
      ...(bestValidationLoss !== undefined && { bestValidationLoss }),
    };
    const file = writer.saveCheckpoint(ckpt, backend.getParams(), state.slots);
    sink.checkpoint?.(step, file);
  };

  const evaluate = (): EvalRecord => {
    const rec = evaluateSplit(backend, data, batchSize);
    const out: EvalRecord = { kind: 'eval', step, epoch, time: elapsed(), ...rec };
    if (bestValidationLoss === undefined || out.loss < bestValidationLoss) {
      bestValidationLoss = out.loss;
      bestValidationStep = step;
      if (Number.isFinite(out.loss)) writer.saveBestWeights({ ...savedWeights(), bestValidationLoss: out.loss }, backend.getParams());
    }
    return out;
  };

  const samples = (): SampleRecord[] => {
    if (data.kind !== 'text' || !data.encode || !data.decode) return [];
    const prime = config.diagnostics.probe.text?.slice(0, 40) || data.decode(data.batch(data.validationSize > 0 ? 'validation' : 'train', [0]).x.subarray(0, 8));
    const ids = data.encode(prime);
    if (ids.length === 0) return [];
    const stepper = backend.stepper();
    return config.diagnostics.sampleTemperatures.map((temperature) => ({
      kind: 'sample' as const, step, temperature, prime,
      text: data.decode!(sampleTokens(stepper, ids, config.diagnostics.sampleLength, temperature, rng, data.vocabulary?.indexOf(UNK) ?? -1)),
    }));
  };

  let lastDiagnosticsSent = 0;
  const snapshot = () => {
    if (!probe) return;
    const snap = diagnosticsSnapshot(backend, spec, probe.batch, step, config);
    if (data.loss === 'mse' && data.head === 'last') Object.assign(snap.arrays, forecastArrays(backend, data, batchSize));
    writer.appendDiagnostics(snap);
    // every snapshot is on disk; live listeners get at most a few per second (a tiny model takes
    // dozens), and always the last one
    if (Date.now() - lastDiagnosticsSent >= DIAGNOSTICS_SEND_MS || step >= totalSteps) {
      lastDiagnosticsSent = Date.now();
      sink.diagnostics?.(snap);
    }
  };

  try {
    if (step === 0) snapshot();
    while (step < totalSteps) {
      if (shouldStop()) break;
      if (cursor + batchSize > data.trainSize) {
        epoch++;
        cursor = 0;
        order = orderOf(epoch);
      }
      const batch = trainBatch(data, order.subarray(cursor, cursor + batchSize), epoch);
      cursor += batchSize;
      const ts = performance.now();
      opt.learningRate = learningRateAt(t, step, totalSteps);
      const r = await backend.trainStep(batch, opt, rng.nextU32());
      stepTimes.push(performance.now() - ts);
      if (stepTimes.length > 50) stepTimes.shift();
      step++;
      if (!Number.isFinite(r.loss) || !Number.isFinite(r.gradNorm)) {
        throw new TrainError(
          'diverged',
          `Training diverged at step ${step}: the loss became ${r.loss} (gradient norm ${r.gradNorm}). ` +
            `Last finite loss: ${lastFiniteLoss?.toFixed(4) ?? 'none'}. ` +
            `Try a lower learning rate (now ${t.learningRate}) or turn on clipping (training.clipping.globalNorm, e.g. 1). ` +
            `The weights of the last checkpoint are kept.`,
          step,
        );
      }
      lastFiniteLoss = r.loss;
      const rec: StepRecord = { kind: 'step', step, epoch, time: elapsed(), loss: r.loss, gradNorm: r.gradNorm, clipped: r.clipped, learningRate: opt.learningRate };
      pending.push(rec);
      const last = step === totalSteps;
      if (step % t.validateEvery === 0 || last) {
        pending.push(evaluate());
        if (last || step % (t.validateEvery * 5) === 0) pending.push(...samples());
        flush();
      }
      if (config.diagnostics.enabled && (step % config.diagnostics.every === 0 || last)) snapshot();
      if (t.checkpointEvery > 0 && step % t.checkpointEvery === 0) checkpoint();
      const sps = 1000 / (stepTimes.reduce((a, b) => a + b, 0) / stepTimes.length);
      sink.progress?.({ step, totalSteps, loss: r.loss, stepsPerSecond: sps });
      if (Date.now() - lastFlush >= METRICS_FLUSH_MS) {
        flush();
        writer.update({ status: { kind: 'running', pid: process.pid, step }, seconds: elapsed(), lastLoss: r.loss, stepsPerSecond: sps, ...(bestValidationLoss !== undefined && { bestValidationLoss, bestValidationStep }) });
      }
      // let IPC messages and signals in between steps
      await new Promise<void>((res) => setImmediate(res));
    }
    flush();
    checkpoint();
    const seconds = elapsed();
    const common = { seconds, lastLoss: lastFiniteLoss, ...(bestValidationLoss !== undefined && { bestValidationLoss, bestValidationStep }) };
    if (step < totalSteps) {
      writer.update({ status: { kind: 'cancelled', step }, ...common });
      return { kind: 'cancelled', runDir: writer.dir, runId, step };
    }
    writer.saveWeights(savedWeights(), backend.getParams());
    writer.update({ status: { kind: 'finished', step }, stepsPerSecond: step / Math.max(seconds, 1e-9), ...common });
    return { kind: 'finished', runDir: writer.dir, runId, step, bestValidationLoss, seconds };
  } catch (e) {
    flush();
    const err = e instanceof TrainError ? e : new TrainError('internal', e instanceof Error ? e.stack ?? e.message : String(e), step);
    writer.update({ status: { kind: 'failed', failure: err.kind, message: err.message, step }, seconds: elapsed() });
    throw err;
  } finally {
    writer.close();
    await backend.dispose();
  }
}

function trainBatch(data: Dataset, indices: ArrayLike<number>, epoch: number): Batch {
  const { x, y } = data.batch('train', indices, epoch);
  return { x, y, size: indices.length };
}

function evaluateSplit(backend: Backend, data: Dataset, batchSize: number): Omit<EvalRecord, 'kind' | 'step' | 'epoch' | 'time'> {
  const n = data.validationSize;
  if (n === 0) return { loss: NaN };
  const bs = Math.min(batchSize, n);
  const batches = Math.min(Math.floor(n / bs), MAX_EVAL_BATCHES);
  const stride = Math.floor(n / bs / batches) * bs || bs;
  let lossSum = 0, correct = 0, positions = 0, solved = 0, solvedCount = 0, sqErr = 0, sqCount = 0;
  for (let b = 0; b < batches; b++) {
    const idx = Array.from({ length: bs }, (_, i) => b * stride + i);
    const { x, y } = data.batch('validation', idx);
    const r = backend.evaluate({ x, y, size: bs });
    lossSum += r.loss;
    correct += r.correct;
    positions += r.positions;
    if (data.task === 'adding') {
      for (let i = 0; i < bs; i++) if (isSolved(r.outputs[i], (y as Float32Array)[i])) solved++;
      solvedCount += bs;
    }
    if (data.kind === 'csv' && data.denormalize) {
      const O = backend.spec.outputSize;
      for (let k = 0; k < O; k++) {
        const pred = data.denormalize(pick(r.outputs, O, k), k), actual = data.denormalize(pick(y as Float32Array, O, k), k);
        for (let i = 0; i < pred.length; i++) sqErr += (pred[i] - actual[i]) ** 2;
        sqCount += pred.length;
      }
    }
  }
  const out: Omit<EvalRecord, 'kind' | 'step' | 'epoch' | 'time'> = { loss: lossSum / batches };
  if (backend.spec.loss === 'xent') out.accuracy = correct / positions;
  if (solvedCount > 0) out.solved = solved / solvedCount;
  if (sqCount > 0) out.rmse = Math.sqrt(sqErr / sqCount);
  return out;
}

const pick = (a: Float32Array, stride: number, k: number) => Float32Array.from({ length: a.length / stride }, (_, i) => a[i * stride + k]);

/** Most validation windows a forecast-vs-actual snapshot holds. */
const MAX_FORECAST_POINTS = 500;

/** Forecast against actual for the first target over the first validation windows, in the data's own units. */
function forecastArrays(backend: Backend, data: Dataset, batchSize: number): DiagnosticsSnapshot['arrays'] {
  const n = Math.min(data.validationSize, MAX_FORECAST_POINTS);
  if (n === 0) return {};
  const O = data.outputSize;
  const pred = new Float32Array(n), actual = new Float32Array(n);
  for (let start = 0; start < n; start += batchSize) {
    const idx = Array.from({ length: Math.min(batchSize, n - start) }, (_, i) => start + i);
    const { x, y } = data.batch('validation', idx);
    const r = backend.evaluate({ x, y, size: idx.length });
    for (let i = 0; i < idx.length; i++) {
      pred[start + i] = r.outputs[i * O];
      actual[start + i] = (y as Float32Array)[i * O];
    }
  }
  const show = (a: Float32Array) => (data.denormalize ? data.denormalize(a, 0) : a);
  return { 'forecast.pred': { data: show(pred), shape: [n] }, 'forecast.actual': { data: show(actual), shape: [n] } };
}

interface Probe {
  batch: Batch;
  tokens: string[];
}

/** The fixed sequence whose hidden states and gradients the dashboards show. */
function probeBatch(config: ExperimentConfig, data: Dataset): Probe | undefined {
  const text = config.diagnostics.probe.text;
  if (text && data.encode && data.decode) {
    const ids = data.encode(text);
    if (ids.length >= 2) {
      const x = ids.subarray(0, ids.length - 1), y = ids.subarray(1);
      return { batch: { x: Int32Array.from(x), y: Int32Array.from(y), size: 1 }, tokens: Array.from(x, (id) => data.decode!([id])) };
    }
  }
  if (data.validationSize === 0) return undefined;
  const index = Math.min(config.diagnostics.probe.validationIndex ?? 0, data.validationSize - 1);
  const { x, y } = data.batch('validation', [index]);
  const tokens = data.input === 'tokens' && data.decode ? Array.from(x, (id) => data.decode!([id])) : Array.from({ length: data.steps }, (_, t) => String(t + 1));
  return { batch: { x, y, size: 1 }, tokens };
}

function gateNames(cell: CellKind): string[] {
  return cell === 'lstm' ? ['i', 'f', 'g', 'o'] : cell === 'gru' ? ['z', 'r', 'n'] : [];
}

function diagnosticsSnapshot(backend: Backend, spec: ModelSpec, batch: Batch, step: number, config: ExperimentConfig): DiagnosticsSnapshot {
  const d = backend.diagnose(batch);
  const o = config.diagnostics;
  const H = spec.hiddenSize, G = gatesOf(spec.cell);
  const T = d.layers[0]?.dh.length ?? 0;
  const arrays: DiagnosticsSnapshot['arrays'] = {};
  d.layers.forEach((layer, l) => {
    // the probe batch has one row, so [T, 1, H] is stored as [T, H]
    if (o.hiddenStates) arrays[`l${l}.h`] = { data: layer.hidden, shape: [T, H] };
    if (o.hiddenStates && layer.cell) arrays[`l${l}.c`] = { data: layer.cell, shape: [T, H] };
    if (o.gates && layer.gates) arrays[`l${l}.gates`] = { data: layer.gates, shape: [T, G * H] };
    if (o.gradients) {
      arrays[`l${l}.dh`] = { data: layer.dh, shape: [T] };
      arrays[`l${l}.dhLast`] = { data: layer.dhLast, shape: [T] };
      if (layer.dc) arrays[`l${l}.dc`] = { data: layer.dc, shape: [T] };
    }
  });
  const snap: DiagnosticsSnapshot = { step, arrays };
  if (o.weightNorms) {
    const params = backend.getParams();
    snap.weightNorms = {};
    snap.gradNorms = {};
    for (const p of paramLayout(spec)) {
      snap.weightNorms[p.name] = l2(params, p.offset, p.size);
      snap.gradNorms[p.name] = l2(d.grads, p.offset, p.size);
    }
  }
  return snap;
}

function l2(a: Float32Array, offset: number, size: number): number {
  let s = 0;
  for (let i = offset; i < offset + size; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}
