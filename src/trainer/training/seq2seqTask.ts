// The encoder–decoder model kind (model.kind "seq2seq"): its spec from the config's model section and the
// dataset's two vocabularies, trained on our kernels with the config's threads (seq2seq/seq2seqBackend.ts),
// Keras-style initial weights (seq2seqInit.ts), and as diagnostics the probe pair's attention matrix,
// encoder and decoder states and ‖∂L/∂h‖ at every encoder position (each direction) and decoder step.
// Each pairs data kind brings a PairKind: its evaluation and its probe (pairsEvaluation.ts).

import * as os from 'node:os';
import type { CellKind, DiagnosticsConfig, ProbeConfig, Seq2seqModelConfig } from '../../shared/config';
import type { DiagnosticsSnapshot } from '../../shared/metrics';
import { attentionWidth, seq2seqSides } from '../../shared/seq2seqConfig';
import { encoderPrefixes, type Seq2seqSpec, seq2seqLayout, seq2seqSpecProblems } from '../../shared/seq2seqSpec';
import type { PairVocabularies } from '../../runs/runFiles';
import type { PairBatch, PairsDataset } from '../data';
import { BOS_ID, EOS_ID } from '../data/pairVocabulary';
import { TrainError } from '../errors';
import { chooseSeq2seqBackend, type Seq2seqBackend, WasmSeq2seqBackend } from '../seq2seq/seq2seqBackend';
import { initSeq2seqParams } from '../seq2seq/seq2seqInit';
import { tensorNorms } from './diagnostics';
import type { PairEvaluationContext } from './pairsEvaluation';
import type { Evaluation, Probe, Task, TaskSetup } from './task';

/** What a pairs data kind brings to an encoder–decoder. */
export interface PairKind<D extends PairsDataset> {
  evaluation(data: D, model: Seq2seqBackend, ctx: PairEvaluationContext): Evaluation;
  /** The pair the diagnostics follow, with its target tokens (decoder steps); undefined when the data has none. */
  probe(data: D, probe: ProbeConfig): (Probe<PairBatch> & { targetTokens: string[] }) | undefined;
}

/** The network an encoder–decoder config builds on `data`'s vocabularies; `cell` is the run's (a Compare Cells run's). */
export function seq2seqSpecFor(model: Seq2seqModelConfig, data: PairsDataset, cell: CellKind): Seq2seqSpec {
  const { encoder, decoder } = seq2seqSides(model, cell);
  return {
    sourceVocab: data.sourceVocabulary.size,
    sourceEmbed: encoder.embeddingSize,
    targetVocab: data.targetVocabulary.size,
    targetEmbed: decoder.embeddingSize,
    encoder: { cell: encoder.cell, layers: encoder.layers, hiddenSize: encoder.hiddenSize, bidirectional: encoder.bidirectional },
    decoder: { cell: decoder.cell, layers: decoder.layers, hiddenSize: decoder.hiddenSize },
    attention: model.attention,
    attentionSize: attentionWidth(model, decoder.hiddenSize),
    inputFeeding: model.inputFeeding,
    reverseSource: model.reverseSource,
    bosId: BOS_ID,
    eosId: EOS_ID,
  };
}

export async function seq2seqTask<D extends PairsDataset>(data: D, setup: TaskSetup, kind: PairKind<D>): Promise<Task<PairBatch>> {
  const { config, cell } = setup;
  const model = config.model;
  if (model.kind !== 'seq2seq') {
    throw new TrainError('config', `${data.title} (data.kind "${config.data.kind}") holds source/target pairs, which train an encoder–decoder: set "model": { "kind": "seq2seq" }.`);
  }
  const choice = chooseSeq2seqBackend(setup.backend);
  if (choice.kind === 'refused') throw new TrainError('config', choice.message);
  const spec = seq2seqSpecFor(model, data, cell);
  const problems = seq2seqSpecProblems(spec);
  if (problems.length > 0) throw new TrainError('config', `The encoder–decoder cannot be built: ${problems.join('; ')}.`);
  const threads = setup.threads > 0 ? setup.threads : os.availableParallelism();
  const backend = await WasmSeq2seqBackend.create({ spec, batch: setup.batchSize, sourceLength: data.sourceSteps, targetLength: data.targetSteps, threads, dropout: model.dropout });
  const probe = config.diagnostics.enabled ? kind.probe(data, config.diagnostics.probe) : undefined;
  return {
    examples: trainingPairs(data),
    model: backend,
    initialParams: async (rng) => initSeq2seqParams(spec, rng, model.forgetBias),
    evaluation: kind.evaluation(data, backend, { batchSize: setup.batchSize, decoding: config.decoding, diagnostics: config.diagnostics }),
    ...(probe && { diagnose: (step: number) => seq2seqSnapshot(backend, probe.batch, step, config.diagnostics) }),
    info: {
      backendReason: choice.reason,
      dataSummary: data.describe(),
      task: data.task,
      // gates are not among the kernels' traces of an encoder–decoder
      gateNames: [],
      baselines: data.baseline ? [data.baseline] : [],
      lossUnit: 'nats/token',
      validationExamples: data.validationSize,
      errorRateName: data.targetVocabulary.level === 'char' ? 'CER' : 'PER',
      ...(spec.reverseSource && { reverseSource: true }),
      ...(probe && { probeTokens: probe.tokens, probeTargetTokens: probe.targetTokens }),
    },
    weights: { spec, data: { pairs: pairVocabularies(data, config.data) } },
  };
}

/** Training batches padded to their own longest pair (the kernels then step through no more than that), and
 *  the pairs' lengths for training.bucketByLength: source tokens, then target tokens. */
function trainingPairs(data: PairsDataset): Task<PairBatch>['examples'] {
  let lengths: Float64Array | undefined;
  return {
    trainSize: data.trainSize,
    batch: (split, indices) => data.batchToLongest(split, indices),
    lengths: () => (lengths ??= Float64Array.from({ length: data.trainSize }, (_, i) => {
      const { source, target } = data.ids('train', i);
      return source.length * (data.targetSteps + 1) + target.length;
    })),
  };
}

function pairVocabularies(data: PairsDataset, dataConfig: TaskSetup['config']['data']): PairVocabularies {
  const side = (v: PairsDataset['sourceVocabulary']) => ({ tokens: [...v.tokens], level: v.level, lowercase: v.lowercase });
  return {
    source: side(data.sourceVocabulary),
    target: side(data.targetVocabulary),
    reverseSourceText: dataConfig.kind === 'synthetic-pairs' && dataConfig.task === 'addition' && dataConfig.reverseSource,
    sourceSteps: data.sourceSteps,
    targetSteps: data.targetSteps,
  };
}

/**
 * The probe pair's snapshot (S source positions, T decoder steps; names in docs/run-folder.md): `att` [T, S];
 * per encoder layer and direction `enc.l{l}[.fwd|.bwd].h` [S, He], `.dh` [S], `.dc` [S] (LSTM); per decoder
 * layer `dec.l{l}.h` [T, Hd], `.dh` [T], `.dc` [T] (LSTM); weight and gradient norms per parameter tensor.
 */
export function seq2seqSnapshot(backend: Seq2seqBackend, probe: PairBatch, step: number, o: DiagnosticsConfig): DiagnosticsSnapshot {
  const spec = backend.spec;
  const d = backend.diagnose(probe);
  const S = probe.sourceSteps, T = probe.targetSteps, He = spec.encoder.hiddenSize, Hd = spec.decoder.hiddenSize;
  const arrays: DiagnosticsSnapshot['arrays'] = {};
  // the probe batch has one row, so [1, T, S] is stored as [T, S]
  if (spec.attention !== 'none') arrays.att = { data: d.attention, shape: [T, S] };
  for (let l = 0; l < spec.encoder.layers; l++) {
    encoderPrefixes(spec, l).forEach((prefix, dir) => {
      if (o.hiddenStates) arrays[`${prefix}.h`] = { data: d.encHidden[l][dir], shape: [S, He] };
      if (o.gradients) {
        arrays[`${prefix}.dh`] = { data: d.encDhNorm[l][dir], shape: [S] };
        if (d.encDcNorm) arrays[`${prefix}.dc`] = { data: d.encDcNorm[l][dir], shape: [S] };
      }
    });
    if (o.hiddenStates) arrays[`dec.l${l}.h`] = { data: d.decHidden[l], shape: [T, Hd] };
    if (o.gradients) {
      arrays[`dec.l${l}.dh`] = { data: d.decDhNorm[l], shape: [T] };
      if (d.decDcNorm) arrays[`dec.l${l}.dc`] = { data: d.decDcNorm[l], shape: [T] };
    }
  }
  return { step, arrays, ...(o.weightNorms ? tensorNorms(seq2seqLayout(spec), backend.getParams(), d.grads) : {}) };
}

