// The `model` section of an encoder–decoder (`kind: "seq2seq"`, config.ts's Seq2seqModelConfig): each
// side's effective settings, and the checks across its fields and the rest of the config that the JSON
// schema cannot express. Pure; crossFieldChecks.ts calls seq2seqModelIssues and places each issue.

import type { AttentionKind, CellKind, ExperimentConfig, Seq2seqModelConfig } from './config';

/** One side as it is built: its own setting where given, else the model's. */
export interface Seq2seqSide {
  cell: CellKind;
  layers: number;
  hiddenSize: number;
  embeddingSize: number;
}

/**
 * The encoder's and decoder's settings. `cell` is the run's cell (a Compare Cells run overrides
 * model.cell); a side that names its own cell keeps it.
 */
export function seq2seqSides(model: Seq2seqModelConfig, cell: CellKind = model.cell): { encoder: Seq2seqSide & { bidirectional: boolean }; decoder: Seq2seqSide } {
  const side = (s: Seq2seqModelConfig['decoder']): Seq2seqSide => ({
    cell: s.cell ?? cell,
    layers: s.layers ?? model.layers,
    hiddenSize: s.hiddenSize ?? model.hiddenSize,
    embeddingSize: s.embeddingSize ?? model.embeddingSize,
  });
  return { encoder: { ...side(model.encoder), bidirectional: model.encoder.bidirectional }, decoder: side(model.decoder) };
}

/** Width of the additive score's hidden layer: attentionSize, or the decoder's hidden size when 0. */
export const attentionWidth = (model: Seq2seqModelConfig, decoderHidden: number): number => model.attentionSize > 0 ? model.attentionSize : decoderHidden;

export interface Seq2seqModelIssue {
  /** The path to underline, from the config's root. */
  segments: string[];
  message: string;
  severity: 'error' | 'warning';
}

/** Checks of a seq2seq model section against itself and the rest of `config`; `given(path)` says whether the user wrote that setting. */
export function seq2seqModelIssues(config: ExperimentConfig & { model: Seq2seqModelConfig }, given: (...path: string[]) => boolean): Seq2seqModelIssue[] {
  const issues: Seq2seqModelIssue[] = [];
  const fail = (segments: string[], message: string) => issues.push({ segments, message, severity: 'error' });
  const warn = (segments: string[], message: string) => issues.push({ segments, message, severity: 'warning' });
  const { model, data, training } = config;
  const { encoder, decoder } = seq2seqSides(model);
  const sideField = (side: 'encoder' | 'decoder', key: keyof Seq2seqSide) => (given('model', side, key) ? `model.${side}.${key}` : `model.${key}`);
  const sidePath = (side: 'encoder' | 'decoder', key: keyof Seq2seqSide) => (given('model', side, key) ? ['model', side, key] : ['model', key]);

  if (data.kind !== 'pairs' && data.kind !== 'synthetic-pairs') {
    fail(['model', 'kind'], `model.kind "seq2seq" is an encoder–decoder for source/target pairs, but data.kind is "${data.kind}". Use "pairs" or "synthetic-pairs" data, or remove model.kind for a sequence model.`);
  }
  if (encoder.layers !== decoder.layers) {
    fail(sidePath('decoder', 'layers'), `${sideField('decoder', 'layers')} (${decoder.layers}) must equal ${sideField('encoder', 'layers')} (${encoder.layers}): decoder layer l starts from encoder layer l's final state. Set both to the same number.`);
  }
  if (model.attention === 'dot') {
    const memory = (encoder.bidirectional ? 2 : 1) * encoder.hiddenSize;
    if (memory !== decoder.hiddenSize) {
      const width = encoder.bidirectional ? `2 × ${sideField('encoder', 'hiddenSize')} = ${memory}, as the encoder is bidirectional` : `${sideField('encoder', 'hiddenSize')} = ${memory}`;
      fail(['model', 'attention'], `model.attention "dot" scores h_t · m_s, so the encoder's output width (${width}) must equal ${sideField('decoder', 'hiddenSize')} (${decoder.hiddenSize}). Make them equal, or use "general" or "additive", which take any widths.`);
    }
  }
  if (model.teacherForcing < 1) {
    fail(['model', 'teacherForcing'], `model.teacherForcing ${model.teacherForcing} asks for scheduled sampling (the decoder reading its own output on some steps), which this version does not implement: only 1 (teacher forcing) trains. Set it to 1 or remove it.`);
  }
  if (given('model', 'attentionSize') && model.attention !== 'additive') {
    warn(['model', 'attentionSize'], `model.attentionSize only applies to "attention": "additive"; ${attentionName(model.attention)} ignores it. Remove it.`);
  }
  if (model.inputFeeding && model.attention === 'none') {
    warn(['model', 'inputFeeding'], 'model.inputFeeding feeds the last attentional state back in, which needs attention; with "attention": "none" it does nothing. Set an attention, or remove it.');
  }
  if (given('model', 'forgetBias') && encoder.cell !== 'lstm' && decoder.cell !== 'lstm' && !config.compare?.includes('lstm')) {
    warn(['model', 'forgetBias'], `model.forgetBias only applies to LSTM cells; this encoder–decoder has ${encoder.cell} and ${decoder.cell} cells. Remove it.`);
  }
  if (data.kind === 'synthetic-pairs' && data.task === 'addition' && data.reverseSource && model.reverseSource) {
    warn(['model', 'reverseSource'], 'model.reverseSource and data.reverseSource both reverse the source, so together the encoder reads it in its written order. Keep one of them.');
  }
  if (training.backend === 'tfjs') {
    fail(['training', 'backend'], 'The encoder–decoder trains on the wasm kernels only; the tfjs backend has no seq2seq model. Set "backend": "wasm" (or "auto", which picks it).');
  }
  return issues;
}

function attentionName(kind: AttentionKind): string {
  return kind === 'none' ? 'no attention' : `"${kind}" attention`;
}
