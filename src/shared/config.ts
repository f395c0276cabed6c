// The experiment config (`*.seqlab.json`) after validation and defaults.
// schemas/seqlab.schema.json is the source of truth for what a user may write; this type mirrors it
// and a unit test keeps the two in step (every property here exists in the schema and vice versa).
// Each enum is written here once, as a const list its type derives from; the schema's `enum`s must
// equal these lists (test/unit/configSchema.test.ts), and code that lists the choices imports them.
// The data sections of the encoder–decoder kinds (pairs, synthetic-pairs) are in pairsConfig.ts, the sweep
// section in sweep.ts. `model` is a union by `kind`: the single-stream `sequence` models, and the `seq2seq`
// encoder–decoder that pairs data trains (its checks across fields: seq2seqConfigChecks.ts).

import type { PairDataConfig } from './pairsConfig';
import type { SweepConfig } from './sweep';

export const CELL_KINDS = ['rnn', 'lstm', 'gru'] as const;
export type CellKind = (typeof CELL_KINDS)[number];

export const BACKEND_KINDS = ['wasm', 'tfjs', 'auto'] as const;
export type BackendKind = (typeof BACKEND_KINDS)[number];

export const OPTIMIZER_KINDS = ['adam', 'rmsprop', 'sgd'] as const;
export type OptimizerKind = (typeof OPTIMIZER_KINDS)[number];

export const LEARNING_RATE_SCHEDULES = ['constant', 'cosine'] as const;
export type LearningRateSchedule = (typeof LEARNING_RATE_SCHEDULES)[number];

export const DATA_KINDS = ['text', 'csv', 'synthetic', 'pairs', 'synthetic-pairs'] as const;
export type DataKind = (typeof DATA_KINDS)[number];

export const TEXT_LEVELS = ['char', 'word'] as const;
export const TEXT_VALIDATION_FROM = ['tail', 'blocks'] as const;
export const DATE_HANDLINGS = ['ignore', 'parse'] as const;

export const MISSING_POLICIES = ['error', 'drop', 'ffill'] as const;
export type MissingPolicy = (typeof MISSING_POLICIES)[number];

export const SYNTHETIC_TASKS = ['adding', 'copy', 'temporal-order', 'temporal-order-3', 'reber', 'sine', 'mackey-glass'] as const;
export type SyntheticTask = (typeof SYNTHETIC_TASKS)[number];

export interface TextDataConfig {
  kind: 'text';
  /** Path of the corpus, relative to the config file. */
  path: string;
  /** `char` (default) or `word` tokens. */
  level: (typeof TEXT_LEVELS)[number];
  /** Only for word level: lower-case before splitting. */
  lowercase: boolean;
  /** Which text validates: the corpus's tail (default), or the tail of each of 50 equal blocks (char-rnn's loader). */
  validationFrom: (typeof TEXT_VALIDATION_FROM)[number];
}

export interface CsvDataConfig {
  kind: 'csv';
  path: string;
  /** Feature columns by header name; empty means every numeric column that is not a date column. */
  features: string[];
  /** Target columns by header name (predicted `horizon` steps after the window). */
  targets: string[];
  /** Columns holding dates: ignored as features (`ignore`) or parsed to day-of-year sin/cos features (`parse`). */
  dateColumns: string[];
  dateHandling: (typeof DATE_HANDLINGS)[number];
  /** Timesteps of input per example. */
  lookback: number;
  /** Steps ahead of the window's last row that the target is taken from (1 = next row). */
  horizon: number;
  missing: MissingPolicy;
  delimiter: string;
}

export interface SyntheticDataConfig {
  kind: 'synthetic';
  task: SyntheticTask;
  /** Sequence length T of generated examples (for `copy`: the delay; sequences are T + 20 long). */
  length: number;
  /** Number of training examples generated (validation examples: `validationSplit` of this, fresh draws). */
  samples: number;
  /** Seed of the generator (independent of the training seed). */
  seed: number;
}

export type DataConfig = TextDataConfig | CsvDataConfig | SyntheticDataConfig | PairDataConfig;

export const MODEL_KINDS = ['sequence', 'seq2seq'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

/** Luong et al. 2015's names: none, Bahdanau's additive score, Luong's dot and general scores. */
export const ATTENTION_KINDS = ['none', 'additive', 'dot', 'general'] as const;
export type AttentionKind = (typeof ATTENTION_KINDS)[number];

/** The single-stream model: an RNN, LSTM or GRU stack with an output head. */
export interface SequenceModelConfig {
  /** Absent in the configs of runs written before model kinds existed; they are sequence models. */
  kind?: 'sequence';
  cell: CellKind;
  hiddenSize: number;
  layers: number;
  /** Embedding size for token inputs (text, copy, reber). Ignored for numeric inputs. */
  embeddingSize: number;
  /** Dropout rate between stacked recurrent layers (inverted dropout, training only). */
  dropout: number;
  /** LSTM forget-gate bias at initialisation (Jozefowicz et al. 2015 recommend 1). */
  forgetBias: number;
  /** LSTM chrono initialisation (Tallec & Ollivier 2018) for lags up to this many steps; overrides forgetBias; 0 = off. */
  chronoInit: number;
  /** Scale the recurrent matrix of each layer to this spectral radius at init (0 = plain orthogonal). */
  recurrentSpectralRadius: number;
}

/** One side of an encoder–decoder; a setting left out takes the model's own (model.cell, model.hiddenSize, …). */
export interface Seq2seqSideConfig {
  cell?: CellKind;
  layers?: number;
  hiddenSize?: number;
  /** Size of this side's token embedding. */
  embeddingSize?: number;
}

/** An encoder–decoder (Sutskever et al. 2014, Cho et al. 2014), with optional attention (Bahdanau et al. 2014, Luong et al. 2015). */
export interface Seq2seqModelConfig {
  kind: 'seq2seq';
  /** Both sides' cell, hidden size, layers and embedding size, unless `encoder` or `decoder` sets its own. */
  cell: CellKind;
  hiddenSize: number;
  layers: number;
  embeddingSize: number;
  encoder: Seq2seqSideConfig & {
    /** Read the source both ways; the decoder starts from a dense tanh bridge of both final states. */
    bidirectional: boolean;
  };
  decoder: Seq2seqSideConfig;
  attention: AttentionKind;
  /** Width of the additive score's hidden layer; 0 = the decoder's hidden size. */
  attentionSize: number;
  /** Luong's input feeding: the last attentional state h̃_{t−1} joins the decoder's input (attention only). */
  inputFeeding: boolean;
  /** Sutskever et al.'s trick: the encoder reads each source back to front. */
  reverseSource: boolean;
  /** Fraction of decoder steps fed the reference token; only 1 (teacher forcing) is implemented. */
  teacherForcing: number;
  /** LSTM forget-gate bias at initialisation, both sides. */
  forgetBias: number;
  /** Dropout rate on the output layer's input (the decoder's top state, or h̃_t with attention), training only. */
  dropout: number;
}

export type ModelConfig = SequenceModelConfig | Seq2seqModelConfig;

/** How an encoder–decoder writes its output at evaluation and in `seqlab translate`. */
export interface DecodingConfig {
  /** Hypotheses kept by beam search. */
  beamWidth: number;
  /** α of the length penalty ((5 + length) / 6)^α that beam scores are divided by (Wu et al. 2016); 0 = plain log-probability. */
  lengthPenalty: number;
  /** Most decoder steps (tokens, </s> included); 0 = twice the longest training target. */
  maxLength: number;
  /** Validation pairs (the first this many) decoded by beam search at each evaluation; 0 = greedy only. */
  beamPairs: number;
}

export interface ClippingConfig {
  /** Rescale all gradients together when their global L2 norm exceeds this (Pascanu et al. 2013); 0 = off. */
  globalNorm: number;
  /** Clamp every gradient element to [-value, value] (char-rnn's ±5); 0 = off. */
  value: number;
}

export interface TrainingConfig {
  /** Passes over the training data; with `maxSteps` set, whichever ends first. */
  epochs: number;
  /** Upper bound on optimizer steps; 0 = no bound. */
  maxSteps: number;
  batchSize: number;
  /** Truncated-BPTT window for text (tokens per training sequence). Sequence data uses its own length. */
  sequenceLength: number;
  optimizer: OptimizerKind;
  learningRate: number;
  /** How the learning rate changes over the run: fixed, or cosine-annealed to minLearningRate at the last step. */
  learningRateSchedule: LearningRateSchedule;
  /** Where the cosine schedule ends. */
  minLearningRate: number;
  /** SGD momentum (0 = plain SGD); ignored by Adam and RMSprop. */
  momentum: number;
  clipping: ClippingConfig;
  seed: number;
  /** Evaluate on the validation split every N steps. */
  validateEvery: number;
  /** Write a checkpoint (weights + optimizer state) every N steps; 0 = only at the end. */
  checkpointEvery: number;
  backend: BackendKind;
  /** Worker threads for the wasm backend; 0 = os.availableParallelism(). */
  threads: number;
  /** Encoder–decoders: batches of pairs of similar length (less padding to step through); else shuffled alone. */
  bucketByLength: boolean;
}

export interface ProbeConfig {
  /** Text prompt used as the probe sequence (text data). */
  text?: string;
  /** Index of the validation example used as the probe (sequence data). */
  validationIndex?: number;
}

export interface DiagnosticsConfig {
  enabled: boolean;
  /** Take a diagnostics snapshot every N steps. */
  every: number;
  probe: ProbeConfig;
  hiddenStates: boolean;
  gates: boolean;
  gradients: boolean;
  weightNorms: boolean;
  /** Temperatures for text samples written at each evaluation. */
  sampleTemperatures: number[];
  sampleLength: number;
}

export interface ExperimentConfig {
  name: string;
  data: DataConfig;
  /** Fraction of data held out for validation (the tail of a text or series; fresh draws for synthetic). */
  validationSplit: number;
  model: ModelConfig;
  training: TrainingConfig;
  /** Encoder–decoder models only. */
  decoding: DecodingConfig;
  diagnostics: DiagnosticsConfig;
  /** Train the same experiment once per cell listed. */
  compare?: CellKind[];
  /** Train it once per combination (grid) or random draw of the settings listed (sweep.ts). */
  sweep?: SweepConfig;
}
