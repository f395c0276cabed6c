// The single-stream model kind: an RNN, LSTM or GRU stack with an output head (src/trainer/model.ts),
// on whichever backend createBackend picks. Its shape comes from the data's; each data kind it trains
// on brings a SequenceKind: its evaluation and its probe.

import type { CellKind, ExperimentConfig, ProbeConfig, SequenceModelConfig } from '../../shared/config';
import type { Baseline } from '../../shared/metrics';
import type { Backend, Batch } from '../backends/backend';
import { createBackend } from '../backends/createBackend';
import type { SequenceDataset } from '../data';
import { TrainError } from '../errors';
import { initParamsAsync } from '../init';
import type { ModelSpec } from '../model';
import { gateNames, layerSnapshot } from './diagnostics';
import type { EvaluationContext } from './evaluation';
import type { Evaluation, Probe, Task, TaskSetup, TaskWeights } from './task';

/** What a data kind brings to a single-stream model. */
export interface SequenceKind<D extends SequenceDataset> {
  evaluation(data: D, model: Backend, ctx: EvaluationContext): Evaluation;
  /** The probe the diagnostics follow; undefined when the data has none to offer. */
  probe(data: D, probe: ProbeConfig): Probe<Batch> | undefined;
  /** What the model is judged against, on the windows the evaluation reads (default: the data's baseline). */
  baselines?(data: D, ctx: EvaluationContext): Baseline[];
}

export function modelSpecFor(config: ExperimentConfig, data: SequenceDataset, cell: CellKind): ModelSpec {
  const m = sequenceModel(config, data);
  return {
    cell,
    input: data.input,
    inputSize: data.inputSize,
    embedSize: m.embeddingSize,
    hiddenSize: m.hiddenSize,
    layers: m.layers,
    outputSize: data.outputSize,
    head: data.head,
    loss: data.loss,
    dropout: m.layers > 1 ? m.dropout : 0,
  };
}

/** The config's model section, which for single-stream data must be a sequence model (the config checks say so first). */
function sequenceModel(config: ExperimentConfig, data: SequenceDataset): SequenceModelConfig {
  const m = config.model;
  if (m.kind === 'seq2seq') throw new TrainError('config', `model.kind "seq2seq" is an encoder–decoder for source/target pairs; ${data.describe()} (data.kind "${config.data.kind}") trains a sequence model. Remove model.kind, or use pairs data.`);
  return m;
}

export async function sequenceTask<D extends SequenceDataset>(data: D, setup: TaskSetup, kind: SequenceKind<D>): Promise<Task<Batch>> {
  const { config, cell } = setup;
  const spec = modelSpecFor(config, data, cell);
  const { backend, reason } = await createBackend(setup.backend, { spec, batch: setup.batchSize, steps: data.steps, threads: setup.threads });
  const probe = config.diagnostics.enabled ? kind.probe(data, config.diagnostics.probe) : undefined;
  const ctx: EvaluationContext = { batchSize: setup.batchSize, diagnostics: config.diagnostics };
  const baselines = kind.baselines?.(data, ctx) ?? (data.baseline ? [data.baseline] : []);
  const m = sequenceModel(config, data);
  return {
    examples: data,
    model: backend,
    initialParams: (rng, step) => initParamsAsync(spec, rng, { forgetBias: m.forgetBias, recurrentSpectralRadius: m.recurrentSpectralRadius, chronoInit: m.chronoInit }, step),
    evaluation: kind.evaluation(data, backend, ctx),
    ...(probe && { diagnose: (step: number) => layerSnapshot(backend, spec, probe.batch, step, config.diagnostics) }),
    info: {
      backendReason: reason,
      dataSummary: data.describe(),
      task: data.task,
      lossUnit: lossUnitOf(data),
      gateNames: gateNames(cell),
      baselines,
      validationExamples: data.validationSize,
      ...(probe && { probeTokens: probe.tokens }),
    },
    weights: { spec, data: dataFields(data) },
  };
}

/** What the loss is measured in, for the loss chart's axis: nats per token of the text's level, or the MSE's scale. */
function lossUnitOf(data: SequenceDataset): string {
  if (data.loss === 'mse') return data.task === 'csv' ? 'MSE (z-scores)' : 'MSE';
  if (data.task === 'text') return 'level' in data && data.level === 'word' ? 'nats/word' : 'nats/char';
  return 'nats/token';
}

/** Beside the parameters, what it takes to use the network outside SeqLab (seqlab export): the data's
 *  window length, vocabulary, feature and output names and normalisation. */
function dataFields(data: SequenceDataset): TaskWeights['data'] {
  return {
    steps: data.steps,
    ...(data.vocabulary && { vocabulary: data.vocabulary }),
    ...(data.featureNames && { featureNames: data.featureNames }),
    ...(data.outputNames && { outputNames: data.outputNames }),
    ...(data.normalization && { normalization: data.normalization }),
  };
}
