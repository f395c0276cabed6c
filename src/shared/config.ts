// The experiment config (`*.seqlab.json`) after validation and defaults.
// schemas/seqlab.schema.json is the source of truth for what a user may write; this type mirrors it
// and a unit test keeps the two in step (every property here exists in the schema and vice versa).
// Each enum is written here once, as a const list its type derives from; the schema's `enum`s must
// equal these lists (test/unit/configSchema.test.ts), and code that lists the choices imports them.
// The data sections of the encoder–decoder kinds (pairs, synthetic-pairs) are in pairsConfig.ts, the sweep
// section in sweep.ts.

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

export interface ModelConfig {
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
  diagnostics: DiagnosticsConfig;
  /** Train the same experiment once per cell listed. */
  compare?: CellKind[];
  /** Train it once per combination (grid) or random draw of the settings listed (sweep.ts). */
  sweep?: SweepConfig;
}
