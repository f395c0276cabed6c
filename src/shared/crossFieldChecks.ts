// Checks across fields of a config that validates against the schema and has its defaults: settings that
// another setting makes useless (warnings) or contradicts (errors). Pure.

import type { CellKind, ExperimentConfig } from './config';
import { type Issue, isPlainObject, type Segment } from './configIssue';
import { pairDataIssues } from './pairsConfigChecks';
import { seq2seqModelIssues } from './seq2seqConfig';

/** `raw` is the config as written, to tell a setting given from a default. */
export function crossFieldIssues(config: ExperimentConfig, raw: unknown): Issue[] {
  const issues: Issue[] = [];
  const warn = (segments: Segment[], message: string) => issues.push({ segments, anchor: 'value', message, severity: 'warning' });
  const fail = (segments: Segment[], message: string) => issues.push({ segments, anchor: 'value', message, severity: 'error' });
  const given = (...path: string[]) => hasPath(raw, path);
  const { data, model, training, diagnostics } = config;
  const cells: CellKind[] = config.compare ?? [model.cell];
  // As src/trainer/data/synthetic.ts generates them: copy, temporal-order and reber are token sequences; pairs are tokens on both sides.
  const tokenInput = data.kind === 'text' || data.kind === 'pairs' || data.kind === 'synthetic-pairs' ||
    (data.kind === 'synthetic' && ['copy', 'temporal-order', 'temporal-order-3', 'reber'].includes(data.task));

  if (given('training', 'minLearningRate') && training.learningRateSchedule === 'constant') {
    warn(['training', 'minLearningRate'], 'training.minLearningRate is ignored by the constant schedule. Set "learningRateSchedule": "cosine", or remove it.');
  } else if (training.learningRateSchedule === 'cosine' && training.minLearningRate > training.learningRate) {
    fail(['training', 'minLearningRate'], `training.minLearningRate (${training.minLearningRate}) is above training.learningRate (${training.learningRate}): the cosine schedule anneals down to it. Lower it.`);
  }
  if (given('training', 'momentum') && training.optimizer !== 'sgd') {
    warn(['training', 'momentum'], `training.momentum is ignored by ${training.optimizer}; it only applies to "optimizer": "sgd". Remove it, or switch to sgd.`);
  }
  if (model.kind === 'seq2seq') {
    for (const issue of seq2seqModelIssues({ ...config, model }, given)) (issue.severity === 'error' ? fail : warn)(issue.segments, issue.message);
  } else {
    if (data.kind === 'pairs' || data.kind === 'synthetic-pairs') {
      fail(['model', 'kind'], `data.kind "${data.kind}" holds source/target pairs, which train an encoder–decoder: set "model": { "kind": "seq2seq" } (the other model settings stay as they are).`);
    }
    if (given('decoding')) {
      warn(['decoding'], 'decoding only applies to encoder–decoder models ("model": { "kind": "seq2seq" }); this sequence model ignores it. Remove it.');
    }
    if (model.dropout > 0 && model.layers === 1) {
      warn(['model', 'dropout'], 'model.dropout acts between stacked layers, so it does nothing with one layer. Set model.layers to 2 or more, or remove dropout.');
    }
    if (given('model', 'chronoInit') && !cells.includes('lstm')) {
      warn(['model', 'chronoInit'], `model.chronoInit only applies to LSTM cells; this experiment trains ${cells.join(', ')}. Remove it.`);
    } else if (model.chronoInit > 0 && given('model', 'forgetBias')) {
      warn(['model', 'forgetBias'], 'model.forgetBias is ignored: model.chronoInit sets the forget-gate biases. Remove one of them.');
    }
    if (model.chronoInit > 0 && model.chronoInit < 3) {
      fail(['model', 'chronoInit'], `model.chronoInit must be 0 (off) or at least 3, the smallest range log U(1, T - 1) is defined on (got ${model.chronoInit}).`);
    }
    if (given('model', 'forgetBias') && !cells.includes('lstm')) {
      warn(['model', 'forgetBias'], `model.forgetBias only applies to LSTM cells; this experiment trains ${cells.join(', ')}. Remove it.`);
    }
  }
  if (given('model', 'embeddingSize') && !tokenInput) {
    warn(['model', 'embeddingSize'], 'model.embeddingSize is ignored: these inputs are numbers, not tokens (embeddings apply to text, copy, temporal-order and reber). Remove it.');
  }
  if (config.compare && given('model', 'cell') && !config.compare.includes(model.cell)) {
    warn(['model', 'cell'], `model.cell is ignored because compare lists the cells to train (${config.compare.join(', ')}). Remove it, or add "${model.cell}" to compare.`);
  }
  if (data.kind === 'text') {
    if (data.lowercase && data.level === 'char') {
      warn(['data', 'lowercase'], 'data.lowercase only applies to "level": "word". Remove it, or set level to "word".');
    }
    if (diagnostics.probe.validationIndex !== undefined) {
      warn(['diagnostics', 'probe', 'validationIndex'], 'diagnostics.probe.validationIndex is ignored for text data. Use diagnostics.probe.text to choose the probe.');
    }
  } else {
    if (diagnostics.probe.text !== undefined) {
      warn(['diagnostics', 'probe', 'text'], `diagnostics.probe.text only applies to text data; this data is ${data.kind}. Use diagnostics.probe.validationIndex.`);
    }
    for (const key of ['sampleTemperatures', 'sampleLength'] as const) {
      if (given('diagnostics', key)) warn(['diagnostics', key], `diagnostics.${key} is ignored: samples are only generated for text data. Remove it.`);
    }
    if (given('training', 'sequenceLength')) {
      const own = data.kind === 'csv' ? 'the sequence length here is data.lookback'
        : data.kind === 'synthetic' ? 'the sequence length here is data.length'
        : 'pairs have their own lengths (data.maxSourceLength, data.maxTargetLength)';
      warn(['training', 'sequenceLength'], `training.sequenceLength only applies to text data; ${own}. Remove it.`);
    }
  }
  if (data.kind === 'csv') {
    for (const list of ['targets', 'features'] as const) {
      data[list].forEach((column, i) => {
        if (data.dateColumns.includes(column)) {
          fail(['data', list, i], `"${column}" is listed in data.dateColumns, so it cannot be one of data.${list}. Dates become features only through "dateHandling": "parse".`);
        }
      });
    }
  }
  if (data.kind === 'synthetic') {
    // The generators' own lower bounds on T (src/trainer/data/synthetic.ts), which the schema's one minimum cannot state per task.
    const minLength: Partial<Record<typeof data.task, number>> = { adding: 6, 'temporal-order': 10, 'temporal-order-3': 20 };
    const min = minLength[data.task];
    if (min !== undefined && data.length < min) {
      fail(['data', 'length'], `data.length must be >= ${min} for the ${data.task} task (got ${data.length}). Set a length such as 50.`);
    }
  }
  if (data.kind === 'pairs' || data.kind === 'synthetic-pairs') {
    for (const issue of pairDataIssues(data, (key) => given('data', key))) {
      (issue.severity === 'error' ? fail : warn)(['data', issue.field], issue.message);
    }
  }
  if (data.kind === 'synthetic' && diagnostics.probe.validationIndex !== undefined) {
    // src/trainer/data/synthetic.ts: validationSize = round(samples · validationSplit); past it the trainer uses the last one.
    const validationCount = Math.round(data.samples * config.validationSplit);
    if (diagnostics.probe.validationIndex >= validationCount) {
      warn(['diagnostics', 'probe', 'validationIndex'], validationCount === 0
        ? 'diagnostics.probe.validationIndex has no validation example to pick: validationSplit × data.samples rounds to 0. Raise validationSplit.'
        : `diagnostics.probe.validationIndex is past the last of the ${validationCount} validation examples (data.samples × validationSplit); the probe will be example ${validationCount - 1}.`);
    }
  }
  return issues;
}

function hasPath(raw: unknown, path: string[]): boolean {
  let value = raw;
  for (const key of path) {
    if (!isPlainObject(value) || !(key in value)) return false;
    value = value[key];
  }
  return true;
}
