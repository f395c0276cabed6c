// Checks a run passes once its data is loaded and before it builds anything: whether its model fits
// this machine's memory (resources.ts estimates it; a run that cannot fit is refused with the numbers
// and what to lower, a large one is warned about), and whether its validation split is large enough
// to say anything (a handful of windows is warned about, with the count and what to change).

import * as os from 'node:os';
import type { ExperimentConfig } from '../../shared/config';
import { formatCount } from '../../shared/format';
import type { ResourceEstimate } from '../../shared/metrics';
import { splitRows } from '../backends/wasm/parallelPlan';
import { OPTIMIZER_SLOTS } from '../backends/optimizer';
import type { Dataset, SingleStreamDataset } from '../data';
import { TrainError } from '../errors';
import { MAX_FORECAST_POINTS } from './evaluation';
import { estimateResources, type EstimateInput, judgeResources, type MachineMemory } from './resources';
import type { TrainingPlan } from './plan';
import { modelSpecFor } from './sequenceTask';
import type { TaskSetup } from './task';

/** Fewer validation examples than this make a validation loss too noisy to pick a best model by. */
export const MIN_VALIDATION_EXAMPLES = 10;

export interface Preflight {
  /** Absent for the encoder–decoder, whose memory is not estimated yet. */
  estimate?: ResourceEstimate;
  warnings: string[];
}

/** The estimate and the warnings of a run; throws TrainError('config') when it cannot fit. */
export function preflight(data: Dataset, setup: TaskSetup, plan: TrainingPlan, machine: MachineMemory = machineMemory()): Preflight {
  const small = smallValidation(data, setup.config);
  if (data.kind === 'pairs') return { warnings: [...('warnings' in data ? data.warnings : []), ...(small ? [small] : [])] };
  const input = estimateInput(data, setup, plan);
  const estimate = estimateResources(input);
  const knobs = { hiddenSize: setup.config.model.hiddenSize, layers: setup.config.model.layers, batchSize: plan.batchSize, sequenceLength: data.steps, threads: input.threadRows.length };
  const verdict = judgeResources(estimate, machine, knobs, input.backend);
  if (verdict.refusal) throw new TrainError('config', verdict.refusal);
  const warnings = [...verdict.warnings];
  if (small) warnings.push(small);
  return { estimate, warnings };
}

/** This machine's memory (a container's limit counts as its total); available = the kernel's MemAvailable. */
export function machineMemory(): MachineMemory {
  const limit = process.constrainedMemory?.() ?? 0;
  const total = limit > 0 ? Math.min(limit, os.totalmem()) : os.totalmem();
  return { totalBytes: total, availableBytes: Math.min(os.freemem(), total) };
}

function estimateInput(data: SingleStreamDataset, setup: TaskSetup, plan: TrainingPlan): EstimateInput {
  const { config } = setup;
  const spec = modelSpecFor(config, data, setup.cell);
  const backend = setup.backend === 'tfjs' ? 'tfjs' : 'wasm';
  const threads = setup.threads > 0 ? setup.threads : os.availableParallelism();
  return {
    spec,
    steps: data.steps,
    threadRows: backend === 'wasm' ? splitRows(plan.batchSize, threads) : [plan.batchSize],
    optimizerSlots: OPTIMIZER_SLOTS[config.training.optimizer],
    auxShapes: backend === 'wasm' ? auxShapes(data, config, plan.batchSize) : [],
    dataBytes: dataBytes(data),
    backend,
  };
}

/** The shapes besides the training batch the wasm backend instantiates the model at (wasmBackend's
 *  auxModel): validation batches, the one-example probe, the forecast's last partial batch, sampling. */
function auxShapes(data: SingleStreamDataset, config: ExperimentConfig, batch: number): EstimateInput['auxShapes'] {
  const shapes = new Map<string, { rows: number; steps: number }>();
  const add = (rows: number, steps: number, key = `${rows}x${steps}`) => rows > 0 && steps > 0 && shapes.set(key, { rows, steps });
  const T = data.steps, n = data.validationSize, d = config.diagnostics;
  if (n > 0) add(Math.min(batch, n), T);
  if (d.enabled) {
    const prompt = data.kind === 'text' && d.probe.text ? data.encode(d.probe.text).length : 0;
    if (prompt >= 2) add(1, prompt - 1);
    else if (n > 0) add(1, T);
    if (data.head === 'last' && data.loss === 'mse' && n > 0) {
      const points = Math.min(n, MAX_FORECAST_POINTS);
      add(points < batch ? points : points % batch, T);
    }
  }
  if (data.kind === 'text' && d.sampleTemperatures.length > 0) add(1, 1, 'sampler');
  return [...shapes.values()];
}

/** Bytes the loaded dataset keeps (its arrays; strings and small tables left out). */
function dataBytes(data: SingleStreamDataset): number {
  switch (data.kind) {
    case 'text':
      // token ids and window starts
      return 4 * (data.trainTokens + data.validationTokens + data.trainSize + data.validationSize);
    case 'csv': {
      // the table's float64 columns (all rows read) and the float32 z-scores of the kept rows
      const columns = data.featureNames.length + data.targetNames.length;
      return data.rows.total * columns * 8 + (data.rows.train + data.rows.validation) * columns * 4;
    }
    case 'synthetic':
      // Mackey-Glass keeps its two series; the other tasks generate examples on demand
      return data.task === 'mackey-glass' ? 4 * (data.trainSize + data.validationSize + 2 * data.steps) : 0;
  }
}

/** A warning when the validation split holds fewer than MIN_VALIDATION_EXAMPLES examples (none is fine: no validation). */
function smallValidation(data: Dataset, config: ExperimentConfig): string | undefined {
  const n = data.validationSize;
  if (n === 0 || n >= MIN_VALIDATION_EXAMPLES) return undefined;
  const unit = data.kind === 'synthetic' ? 'examples' : data.kind === 'pairs' ? 'pairs' : 'windows';
  const change = data.kind === 'synthetic' || data.kind === 'pairs'
    ? 'raise validationSplit or use more samples or pairs'
    : data.kind === 'csv'
      ? 'raise validationSplit, use a longer series, or lower data.lookback'
      : 'raise validationSplit, use a longer text, or lower training.sequenceLength';
  return `the validation split (validationSplit ${config.validationSplit}) holds ${formatCount(n)} ${unit}, too few for a validation loss to mean much ` +
    `(at least ${MIN_VALIDATION_EXAMPLES} are advised): ${change}.`;
}
