// The single-stream model kind: an RNN, LSTM or GRU stack with an output head (src/trainer/model.ts),
// on whichever backend createBackend picks. Its shape comes from the data's; each data kind it trains
// on brings a SequenceKind: its evaluation and its probe.

import type { CellKind, ExperimentConfig, ProbeConfig } from '../../shared/config';
import type { Baseline } from '../../shared/metrics';
import type { Backend, Batch } from '../backends/backend';
import { createBackend } from '../backends/createBackend';
import type { SequenceDataset } from '../data';
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

export async function sequenceTask<D extends SequenceDataset>(data: D, setup: TaskSetup, kind: SequenceKind<D>): Promise<Task<Batch>> {
  const { config, cell } = setup;
  const spec = modelSpecFor(config, data, cell);
  const { backend, reason } = await createBackend(setup.backend, { spec, batch: setup.batchSize, steps: data.steps, threads: setup.threads });
  const probe = config.diagnostics.enabled ? kind.probe(data, config.diagnostics.probe) : undefined;
  const ctx: EvaluationContext = { batchSize: setup.batchSize, diagnostics: config.diagnostics };
  const baselines = kind.baselines?.(data, ctx) ?? (data.baseline ? [data.baseline] : []);
  const m = config.model;
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
      gateNames: gateNames(cell),
      baselines,
      validationExamples: data.validationSize,
      ...(probe && { probeTokens: probe.tokens }),
    },
    weights: { spec, data: dataFields(data) },
  };
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
