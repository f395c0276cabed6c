// Configs that New Experiment writes. Pure: the command picks files and columns, this turns the
// answers into config text (validated by test/unit/extensionModels.test.ts with parseConfig).

import * as path from 'node:path';
import { isInsideAny } from '../../shared/dataFileRules';
import type { PairLevel } from '../../shared/pairsConfig';

export type TemplateId = 'char-lm' | 'csv-forecast' | 'pairs' | 'adding' | 'copy' | 'temporal-order';

export interface TemplateInfo {
  id: TemplateId;
  label: string;
  detail: string;
  /** What the command must ask for before `renderTemplate`. */
  needs: 'text-file' | 'csv-file' | 'pairs-file' | 'nothing';
}

export const TEMPLATES: readonly TemplateInfo[] = [
  { id: 'char-lm', label: 'Character language model', detail: 'An LSTM that learns to write like a text file of the workspace (char-rnn style).', needs: 'text-file' },
  { id: 'csv-forecast', label: 'CSV forecast', detail: 'Predict the next value of a column of a CSV time series from the rows before it.', needs: 'csv-file' },
  { id: 'pairs', label: 'Sequence pairs (TSV)', detail: 'An encoder–decoder with attention that learns to turn each source into its target (source<TAB>target per line, as in the translation tutorials).', needs: 'pairs-file' },
  { id: 'adding', label: 'Adding problem', detail: 'Synthetic: add two marked numbers out of 50 — needs long memory (Hochreiter & Schmidhuber 1997).', needs: 'nothing' },
  { id: 'copy', label: 'Copy task', detail: 'Synthetic: read 10 symbols, wait, write them back.', needs: 'nothing' },
  { id: 'temporal-order', label: 'Temporal order', detail: 'Synthetic: classify the order of two symbols hidden among distractors; compares RNN and LSTM.', needs: 'nothing' },
];

export type TemplateInput =
  | { id: 'char-lm'; dataPath: string }
  | { id: 'csv-forecast'; dataPath: string; target: string; delimiter?: string }
  /** `level`: how both sides are cut into tokens (characters for spelling-like pairs, words for sentences). */
  | { id: 'pairs'; dataPath: string; level: PairLevel }
  | { id: 'adding' | 'copy' | 'temporal-order' };

export interface RenderedTemplate {
  /** Suggested file name, e.g. `lighthouse.seqlab.json`. */
  fileName: string;
  text: string;
}

/** `My Notes.txt` → `my-notes`. */
export function slug(s: string): string {
  return s.toLowerCase().replace(/\.[^.]*$/, '').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'experiment';
}

const baseName = (p: string) => p.split(/[\\/]/).pop() ?? p;

/** The name a template proposes for its config: from the data file (and column), or the task. */
export function templateName(input: TemplateInput): string {
  switch (input.id) {
    case 'char-lm':
      return `${slug(baseName(input.dataPath))}-char`;
    case 'csv-forecast':
      return `${slug(baseName(input.dataPath))}-${slug(input.target)}`;
    case 'pairs':
      return `${slug(baseName(input.dataPath))}-seq2seq`;
    case 'adding':
      return 'adding-problem';
    case 'copy':
      return 'copy-task';
    case 'temporal-order':
      return 'temporal-order';
  }
}

/**
 * The config's name, unless another config of the workspace (or a run) is named so: runs are named after
 * their config, and two experiments of one name give runs nobody can tell apart. `name-2`, `name-3`, …,
 * whose file name is free too.
 */
export function freeConfigName(proposed: string, takenNames: ReadonlySet<string>, takenFiles: ReadonlySet<string>): string {
  const free = (n: string) => !takenNames.has(n) && !takenFiles.has(configFileName(n));
  if (free(proposed)) return proposed;
  for (let i = 2; ; i++) if (free(`${proposed}-${i}`)) return `${proposed}-${i}`;
}

/** `My Notes` → `my-notes.seqlab.json`. */
export const configFileName = (name: string): string => `${slug(name)}.seqlab.json`;

/** `dataPath` is relative to where the config is written (next to the data: just the file name). */
export function renderTemplate(input: TemplateInput, schemaRef?: string, name = templateName(input)): RenderedTemplate {
  const head: Record<string, unknown> = schemaRef ? { $schema: schemaRef } : {};
  let comment: string;
  let body: Record<string, unknown>;
  switch (input.id) {
    case 'char-lm':
      comment = `A character-level LSTM language model on ${baseName(input.dataPath)}; samples appear in the dashboard at each validation.`;
      body = {
        data: { kind: 'text', path: input.dataPath.replace(/\\/g, '/'), level: 'char' },
        validationSplit: 0.1,
        model: { cell: 'lstm', hiddenSize: 128, embeddingSize: 32 },
        training: { epochs: 50, maxSteps: 2000, batchSize: 16, sequenceLength: 64, optimizer: 'rmsprop', learningRate: 0.002, clipping: { globalNorm: 0, value: 5 }, validateEvery: 50 },
        diagnostics: { every: 50, sampleTemperatures: [0.5, 1.0], sampleLength: 200 },
        compare: ['rnn', 'lstm', 'gru'],
      };
      break;
    case 'csv-forecast':
      comment = `Forecast "${input.target}" one row ahead from the last 24 rows of ${baseName(input.dataPath)}.`;
      body = {
        data: {
          kind: 'csv',
          path: input.dataPath.replace(/\\/g, '/'),
          targets: [input.target],
          lookback: 24,
          horizon: 1,
          ...(input.delimiter && input.delimiter !== ',' ? { delimiter: input.delimiter } : {}),
        },
        validationSplit: 0.2,
        model: { cell: 'gru', hiddenSize: 32 },
        training: { epochs: 100, batchSize: 16, learningRate: 0.003, validateEvery: 25 },
        diagnostics: { every: 25, probe: { validationIndex: 0 } },
        compare: ['rnn', 'lstm', 'gru'],
      };
      break;
    case 'pairs':
      comment = `An LSTM encoder–decoder with additive attention (Bahdanau et al. 2014) that learns to write the target of each ${input.level === 'char' ? 'character' : 'word'} pair of ${baseName(input.dataPath)} (source<TAB>target per line; later columns are ignored). Try it with SeqLab: Translate….`;
      body = {
        data: {
          kind: 'pairs',
          path: input.dataPath.replace(/\\/g, '/'),
          sourceLevel: input.level,
          targetLevel: input.level,
          lowercase: input.level === 'word',
          maxSourceLength: input.level === 'char' ? 40 : 20,
          maxTargetLength: input.level === 'char' ? 40 : 20,
        },
        validationSplit: 0.1,
        model: { kind: 'seq2seq', cell: 'lstm', hiddenSize: 128, embeddingSize: input.level === 'char' ? 32 : 64, attention: 'additive' },
        // pairs of similar length batched together: sentences and words vary in length (docs/configs.md)
        training: { maxSteps: 3000, batchSize: 32, learningRate: 0.003, clipping: { globalNorm: 5 }, validateEvery: 250, bucketByLength: true },
        decoding: { beamWidth: 5, beamPairs: 100 },
        diagnostics: { every: 250 },
        compare: ['rnn', 'lstm', 'gru'],
      };
      break;
    case 'adding':
      comment = 'The adding problem: predict the sum of two marked numbers out of 50. Predicting 0.5 always scores an MSE of about 0.042.';
      body = {
        data: { kind: 'synthetic', task: 'adding', length: 50, samples: 10000 },
        model: { cell: 'lstm', hiddenSize: 64 },
        training: { maxSteps: 3000, batchSize: 32, learningRate: 0.003, clipping: { globalNorm: 5 }, validateEvery: 100 },
        diagnostics: { every: 100, probe: { validationIndex: 0 } },
        compare: ['rnn', 'lstm', 'gru'],
      };
      break;
    case 'copy':
      comment = 'The copy task: read 10 symbols, wait through a delay of 10 blanks, write them back.';
      body = {
        data: { kind: 'synthetic', task: 'copy', length: 10 },
        model: { cell: 'gru', hiddenSize: 128, embeddingSize: 16 },
        training: { maxSteps: 4000, learningRate: 0.003 },
        diagnostics: { every: 100 },
        compare: ['rnn', 'lstm', 'gru'],
      };
      break;
    case 'temporal-order':
      comment = 'Temporal order: two symbols hidden among 60 distractors; the class is their order. Watch the RNN\'s gradients fade.';
      body = {
        data: { kind: 'synthetic', task: 'temporal-order', length: 60 },
        model: { cell: 'lstm', hiddenSize: 64 },
        training: { maxSteps: 3000, learningRate: 0.003 },
        diagnostics: { every: 100, probe: { validationIndex: 0 } },
        compare: ['rnn', 'lstm'],
      };
      break;
  }
  const json = JSON.stringify({ ...head, name, ...body }, null, 2);
  // the comment goes inside the object, after the opening brace, as in examples/*.seqlab.json
  const text = json.replace(/^\{\n/, `{\n  // ${comment}\n`) + '\n';
  return { fileName: configFileName(name), text };
}

/**
 * Where New Experiment writes a pairs config: next to the pairs file when a workspace folder holds it, else
 * in `fallback` (the first workspace folder), whose data.path then leads out of the workspace (Train asks
 * before it reads a file there).
 */
export function pairsConfigDir(dataFile: string, workspaceFolders: readonly string[], fallback: string): string {
  return isInsideAny(dataFile, workspaceFolders) ? path.dirname(dataFile) : fallback;
}

/** A file name not in `taken`: `x.seqlab.json`, `x-2.seqlab.json`, … */
export function uniqueFileName(fileName: string, taken: ReadonlySet<string>): string {
  if (!taken.has(fileName)) return fileName;
  const stem = fileName.replace(/\.seqlab\.json$/, '');
  for (let i = 2; ; i++) {
    const f = `${stem}-${i}.seqlab.json`;
    if (!taken.has(f)) return f;
  }
}
