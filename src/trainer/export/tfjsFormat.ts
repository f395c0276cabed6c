// What `seqlab export --format tfjs` writes, apart from the tensors: the file names, the metadata stored in
// model.json's `userDefinedMetadata` (a page reads it with model.getUserDefinedMetadata()), and the lines
// of JavaScript that use the model. Pure: no tfjs, so the CLI checks a run before it loads TensorFlow.js.
//
// The model's outputs are what SeqLab's own forward gives: probabilities (softmax inside the model) for an
// xent head, the predicted values for an mse head, in the z-score units the network was trained in when the
// data was normalised (CSV); `output.mean`/`output.std` turn them back into the data's units.

import type { CellKind, ExperimentConfig } from '../../shared/config';
import type { ExportWeights } from '../../shared/modelExport';
import type { SequenceLoadedWeights } from '../../runs/runReader';
import { SEQLAB_VERSION } from '../../runs/runWriter';
import { UNK, WORD_TOKEN } from '../data';

export const TFJS_FILES = {
  model: 'model.json',
  weights: 'model.weights.bin',
  /** GRU only: the cell class the page registers before loading (gruCellScript.ts). */
  gruCell: 'seqlab-gru.js',
} as const;

export const TFJS_VERSION = '4.22.0';
export const TFJS_CDN = `https://cdn.jsdelivr.net/npm/@tensorflow/tfjs@${TFJS_VERSION}/dist/tf.min.js`;

export interface ExportMetadata {
  format: 'seqlab-tfjs';
  version: 1;
  run: { id: string; name: string; cell: CellKind; layers: number; hiddenSize: number; step: number; weights: ExportWeights; seqlabVersion: string; exportedAt: string };
  input: TokenInput | FeatureInput;
  output: ClassOutput | ValueOutput;
  /** The run's experiment config, defaults filled in. */
  config: ExperimentConfig;
}

export interface TokenInput {
  kind: 'tokens';
  /** The model's input: [batch, time] token ids, any number of timesteps. */
  shape: [null, null];
  /** Timesteps of the training examples (the window the model learnt from). */
  sequenceLength: number | null;
  /** Token strings, index = id. */
  vocabulary: string[];
  /** The id to feed for a token outside the vocabulary (`<unk>`); null when there is none. */
  unknownId: number | null;
  /** Text runs: how text becomes tokens. char: one token per Unicode code point, "\r\n" → "\n"; word: the matches of `pattern` (flags "gu"), after lower-casing when `lowercase`. */
  tokenizer?: { level: 'char' } | { level: 'word'; lowercase: boolean; pattern: string };
}

export interface FeatureInput {
  kind: 'features';
  /** The model's input: [batch, time, features]. */
  shape: [null, null, number];
  sequenceLength: number | null;
  /** Feature names in input order (a parsed date column d gives d:sin and d:cos); null when unnamed. */
  features: string[] | null;
  /** Present when the data was z-scored: feed (x − mean[j]) / std[j] for feature j. */
  mean?: number[];
  std?: number[];
}

export interface ClassOutput {
  kind: 'probabilities';
  /** every: [batch, time, classes], the distribution of the next token after every timestep; last: [batch, classes]. */
  at: 'every' | 'last';
  classes: string[];
}

export interface ValueOutput {
  kind: 'values';
  /** every: [batch, time, values]; last: [batch, values]. */
  at: 'every' | 'last';
  names: string[];
  /** Present when the targets were z-scored: value k = output[k] · std[k] + mean[k]. */
  mean?: number[];
  std?: number[];
}

/** Why a run's weights cannot be exported as they are (e.g. a CSV run saved before its normalisation was). */
export class UnsupportedRunError extends Error {}

export function exportMetadata(runId: string, loaded: SequenceLoadedWeights, weights: ExportWeights, now = new Date()): ExportMetadata {
  const { spec, config } = loaded.meta;
  const m = loaded.meta;
  const sequenceLength = m.steps ?? (config.data.kind === 'text' ? config.training.sequenceLength : config.data.kind === 'csv' ? config.data.lookback : null);
  const norm = m.normalization;
  if (config.data.kind === 'csv' && !norm) {
    throw new UnsupportedRunError(
      `Run ${runId} was saved before SeqLab stored the CSV normalisation with its weights, and a page cannot feed the model without it. ` +
        `Train the config again (${config.name}) and export the new run.`,
    );
  }
  const input: TokenInput | FeatureInput =
    spec.input === 'tokens'
      ? {
          kind: 'tokens',
          shape: [null, null],
          sequenceLength,
          vocabulary: m.vocabulary ?? Array.from({ length: spec.inputSize }, (_, i) => String(i)),
          unknownId: m.vocabulary?.includes(UNK) ? m.vocabulary.indexOf(UNK) : null,
          ...(config.data.kind === 'text' && {
            tokenizer: config.data.level === 'word' ? { level: 'word' as const, lowercase: config.data.lowercase, pattern: WORD_TOKEN.source } : { level: 'char' as const },
          }),
        }
      : {
          kind: 'features',
          shape: [null, null, spec.inputSize],
          sequenceLength,
          features: m.featureNames ?? null,
          ...(norm && { mean: norm.featureMean, std: norm.featureStd }),
        };
  const names = m.outputNames ?? (spec.loss === 'xent' && m.vocabulary?.length === spec.outputSize ? m.vocabulary : Array.from({ length: spec.outputSize }, (_, i) => String(i)));
  const output: ClassOutput | ValueOutput =
    spec.loss === 'xent'
      ? { kind: 'probabilities', at: spec.head, classes: names }
      : { kind: 'values', at: spec.head, names, ...(norm && { mean: norm.targetMean, std: norm.targetStd }) };
  return {
    format: 'seqlab-tfjs',
    version: 1,
    run: { id: runId, name: config.name, cell: spec.cell, layers: spec.layers, hiddenSize: spec.hiddenSize, step: m.step, weights, seqlabVersion: SEQLAB_VERSION, exportedAt: now.toISOString() },
    input,
    output,
    config,
  };
}

/** The lines of a web page that load the exported model and use it once; the folder is served next to the page. */
export function usageSnippet(meta: ExportMetadata): string {
  const lines = [`<script src="${TFJS_CDN}"></script>`];
  if (meta.run.cell === 'gru') lines.push(`<script src="${TFJS_FILES.gruCell}"></script>  <!-- GRU: SeqLab's cell (Keras reset_after), before loading -->`);
  lines.push('<script type="module">');
  lines.push(`  const model = await tf.loadLayersModel('${TFJS_FILES.model}'), meta = model.getUserDefinedMetadata();`);
  const { input, output } = meta;
  if (input.kind === 'tokens') {
    const tokens = input.tokenizer?.level === 'word'
      ? `('The cat'${input.tokenizer.lowercase ? '.toLowerCase()' : ''}).match(new RegExp(meta.input.tokenizer.pattern, 'gu'))`
      : "[...'The ']";
    // <unk> is id 0 in text vocabularies, so max(0, −1) feeds it for an unknown token
    const id = input.unknownId === 0 ? 'Math.max(0, meta.input.vocabulary.indexOf(t))' : 'meta.input.vocabulary.indexOf(t)';
    lines.push(`  const x = tf.tensor2d([${tokens}.map((t) => ${id})]);   // [1, time] token ids`);
  } else {
    const scale = input.mean ? '(v - meta.input.mean[j]) / meta.input.std[j]' : 'v';
    lines.push(`  const rows = [/* ${input.sequenceLength ?? 'T'} rows of [${(input.features ?? ['…']).join(', ')}] */];`);
    lines.push(`  const x = tf.tensor3d([rows.map((r) => r.map((v, j) => ${scale}))]);   // [1, time, features]`);
  }
  const last = output.at === 'every' ? '.at(-1)' : '';
  if (output.kind === 'probabilities') {
    lines.push(`  const p = model.predict(x).arraySync()[0]${last};   // probabilities${output.at === 'every' ? ' after the last token' : ''}`);
    lines.push(`  console.log(meta.output.classes[p.indexOf(Math.max(...p))]);`);
  } else {
    const unscale = output.mean ? 'v * meta.output.std[k] + meta.output.mean[k]' : 'v';
    lines.push(`  const y = model.predict(x).arraySync()[0]${last}.map((v, k) => ${unscale});`);
    lines.push(`  console.log(Object.fromEntries(meta.output.names.map((n, k) => [n, y[k]])));`);
  }
  lines.push('</script>');
  return lines.join('\n');
}
