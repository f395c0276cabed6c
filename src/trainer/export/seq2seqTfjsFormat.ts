// What `seqlab export --format tfjs` writes for an encoder–decoder run, apart from the tensors: the file
// names, the names of the two models' inputs and outputs, the metadata stored in both model files'
// `userDefinedMetadata`, and the lines of a web page that translate with them. Pure: no tfjs, so the CLI
// checks a run before it loads TensorFlow.js. The models themselves: seq2seqTfjsExport.ts.
//
// The decoder's state travels between the two models by name: the encoder outputs the decoder's initial
// state (h<l> and, LSTM, c<l> per layer; `feed`, h̃ of the last step, with input feeding), and each decoder
// step takes a state and returns the next one under the same names with `_next` added.

import type { ExperimentConfig } from '../../shared/config';
import type { ExportWeights } from '../../shared/modelExport';
import { feedsInput, type AttentionKind, type Seq2seqSpec } from '../../shared/seq2seqSpec';
import type { PairSide } from '../../runs/runFiles';
import type { LoadedWeights } from '../../runs/runReader';
import { SEQLAB_VERSION } from '../../runs/runWriter';
import { UNK, WORD_TOKEN } from '../data';
import { TFJS_CDN, TFJS_FILES, UnsupportedRunError } from './tfjsFormat';

export const SEQ2SEQ_TFJS_FILES = {
  encoder: 'encoder.json',
  encoderWeights: 'encoder.weights.bin',
  decoder: 'decoder.json',
  decoderWeights: 'decoder.weights.bin',
  /** Greedy decoding with both models, for a page (global `seqlabDecode`) or Node (require). */
  decodeScript: 'seqlab-decode.js',
  /** A GRU encoder or decoder: the cell class the page registers before loading (gruCellScript.ts). */
  gruCell: TFJS_FILES.gruCell,
} as const;

/** Input and output names of the two models, in the order of their inputs and outputs. */
export interface Seq2seqTensorNames {
  /** The decoder's state: what the encoder hands over and each step takes and returns (`<name>_next`). */
  state: string[];
  /** What the encoder computes once per source and each decoder step reads (attention only). */
  context: string[];
  encoderInputs: ['source'];
  encoderOutputs: string[];
  decoderInputs: string[];
  decoderOutputs: string[];
}

export function seq2seqTensorNames(spec: Seq2seqSpec): Seq2seqTensorNames {
  const lstm = spec.decoder.cell === 'lstm';
  const state = Array.from({ length: spec.decoder.layers }, (_, l) => (lstm ? [`h${l}`, `c${l}`] : [`h${l}`])).flat();
  if (feedsInput(spec)) state.push('feed');
  const keyed = spec.attention === 'additive' || spec.attention === 'general';
  const context = spec.attention === 'none' ? [] : ['memory', ...(keyed ? ['keys'] : []), 'source_mask'];
  return {
    state,
    context,
    encoderInputs: ['source'],
    // memory and source_mask are outputs without attention too: what the encoder read, for a chart
    encoderOutputs: [...new Set(['memory', ...context, 'source_mask']), ...state],
    decoderInputs: ['token', ...context, ...state],
    decoderOutputs: ['probabilities', ...state.map((s) => `${s}_next`), ...(spec.attention === 'none' ? [] : ['attention'])],
  };
}

export interface SourceSide {
  /** Token strings, index = id: <pad> 0, <s> 1, </s> 2, <unk> 3, then the training pairs' tokens. */
  vocabulary: string[];
  unknownId: number;
  /** How text becomes tokens: NFC, lower-cased when `lowercase`; char: one token per code point; word: the matches of `pattern` (flags "gu"). */
  tokenizer: Tokenizer;
  /** The training data fed each source text backwards (the addition task's reverseSource): reverse the tokens before encoding. */
  reverseText: boolean;
}

export interface TargetSide {
  vocabulary: string[];
  bosId: number;
  eosId: number;
  /** char: tokens joined as they are; word: spaced, no space before closing or after opening punctuation. */
  tokenizer: Tokenizer;
  /** Decoding stops here when no </s> came (</s> counted). */
  maxLength: number;
}

export type Tokenizer = { level: 'char'; lowercase: boolean } | { level: 'word'; lowercase: boolean; pattern: string };

export interface Seq2seqExportMetadata {
  format: 'seqlab-tfjs-seq2seq';
  version: 1;
  run: {
    id: string; name: string; step: number; weights: ExportWeights; seqlabVersion: string; exportedAt: string;
    encoder: Seq2seqSpec['encoder']; decoder: Seq2seqSpec['decoder']; attention: AttentionKind; inputFeeding: boolean; reverseSource: boolean;
  };
  source: SourceSide;
  target: TargetSide;
  encoder: { model: string; inputs: string[]; outputs: string[] };
  decoder: { model: string; inputs: string[]; outputs: string[] };
  state: string[];
  /** The run's experiment config, defaults filled in. */
  config: ExperimentConfig;
}

/** Decoding's length limit: the pairs file's maxTargetLength, or the longest target a generated task makes. */
function maxTargetLength(config: ExperimentConfig): number | null {
  const data = config.data;
  if (data.kind === 'pairs') return data.maxTargetLength || null;
  if (data.kind === 'synthetic-pairs') return data.task === 'addition' ? data.digits + 1 : data.maxLength;   // a sum has at most one digit more
  return null;
}

/** Without a length limit in the config, decoding stops after this many tokens. */
export const DEFAULT_MAX_TARGET_TOKENS = 100;

export function seq2seqExportMetadata(runId: string, loaded: LoadedWeights, spec: Seq2seqSpec, weights: ExportWeights, now = new Date()): Seq2seqExportMetadata {
  const m = loaded.meta, config = m.config, pairs = m.pairs;
  if (!pairs)
    throw new UnsupportedRunError(`Run ${runId} was saved without its source and target vocabularies, and a page cannot turn text into token ids without them. Train the config again (${config.name}) and export the new run.`);
  for (const [side, vocabulary, size] of [['source', pairs.source.tokens, spec.sourceVocab], ['target', pairs.target.tokens, spec.targetVocab]] as const)
    if (vocabulary.length !== size)
      throw new UnsupportedRunError(`Run ${runId}'s ${side} vocabulary has ${vocabulary.length} tokens but its model ${size}: its weights file is damaged. Export another checkpoint (--checkpoint) or train again.`);
  const tokenizer = ({ level, lowercase }: PairSide): Tokenizer => (level === 'word' ? { level, lowercase, pattern: WORD_TOKEN.source } : { level, lowercase });
  const names = seq2seqTensorNames(spec);
  return {
    format: 'seqlab-tfjs-seq2seq',
    version: 1,
    run: {
      id: runId, name: config.name, step: m.step, weights, seqlabVersion: SEQLAB_VERSION, exportedAt: now.toISOString(),
      encoder: spec.encoder, decoder: spec.decoder, attention: spec.attention, inputFeeding: feedsInput(spec), reverseSource: spec.reverseSource,
    },
    source: { vocabulary: pairs.source.tokens, unknownId: Math.max(0, pairs.source.tokens.indexOf(UNK)), tokenizer: tokenizer(pairs.source), reverseText: pairs.reverseSourceText },
    target: { vocabulary: pairs.target.tokens, bosId: spec.bosId, eosId: spec.eosId, tokenizer: tokenizer(pairs.target), maxLength: (maxTargetLength(config) ?? DEFAULT_MAX_TARGET_TOKENS) + 1 },
    encoder: { model: SEQ2SEQ_TFJS_FILES.encoder, inputs: names.encoderInputs, outputs: names.encoderOutputs },
    decoder: { model: SEQ2SEQ_TFJS_FILES.decoder, inputs: names.decoderInputs, outputs: names.decoderOutputs },
    state: names.state,
    config,
  };
}

export const usesGru = (run: Seq2seqExportMetadata['run']): boolean => run.encoder.cell === 'gru' || run.decoder.cell === 'gru';

/** The lines of a web page that translate one text with the exported models; the folder is served next to the page. */
export function seq2seqUsageSnippet(meta: Seq2seqExportMetadata): string {
  const specials = 4;   // <pad> <s> </s> <unk>
  const sample = meta.source.vocabulary.slice(specials, specials + 5).join(meta.source.tokenizer.level === 'word' ? ' ' : '');
  const lines = [`<script src="${TFJS_CDN}"></script>`];
  if (usesGru(meta.run)) lines.push(`<script src="${SEQ2SEQ_TFJS_FILES.gruCell}"></script>  <!-- GRU: SeqLab's GRU (Keras reset_after), before loading -->`);
  lines.push(`<script src="${SEQ2SEQ_TFJS_FILES.decodeScript}"></script>  <!-- greedy decoding with ${SEQ2SEQ_TFJS_FILES.encoder} and ${SEQ2SEQ_TFJS_FILES.decoder} -->`);
  lines.push('<script type="module">');
  lines.push('  const translator = await seqlabDecode.load();   // the models next to this page');
  lines.push(`  const [out] = await translator.greedy([${JSON.stringify(sample)}]);`);
  lines.push(`  console.log(out.text${meta.run.attention === 'none' ? '' : ', out.attention'});   // the translation${meta.run.attention === 'none' ? '' : '; [target step][source token] weights'}`);
  lines.push('</script>');
  return lines.join('\n');
}
