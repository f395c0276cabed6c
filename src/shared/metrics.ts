// Metric records: one JSON object per line in a run's metrics.jsonl, and the payload of the trainer's
// `metrics` messages. The same types feed the CLI, the tree and the dashboards.

import type { CellKind } from './config';
import type { SweepRunInfo } from './sweep';

/** Every optimizer step. */
export interface StepRecord {
  kind: 'step';
  step: number;
  epoch: number;
  /** Seconds since the run started. */
  time: number;
  loss: number;
  /** Global L2 norm of all gradients before clipping. */
  gradNorm: number;
  clipped: boolean;
  learningRate: number;
}

/** Every validation pass. */
export interface EvalRecord {
  kind: 'eval';
  step: number;
  epoch: number;
  time: number;
  loss: number;
  /** Fraction of correct predictions, where the task is a classification. */
  accuracy?: number;
  /** Task-specific score, e.g. adding problem: fraction with |err| < 0.04. */
  solved?: number;
  /** Root mean squared error in the data's own units (series). */
  rmse?: number;
  /** Encoder–decoder: scores of greedy decoding of the validation pairs (`accuracy` is then teacher-forced token accuracy). */
  greedy?: DecodingScores;
  /** Encoder–decoder: scores of beam search on the first validation pairs (decoding.beamPairs). */
  beam?: DecodingScores & { beamWidth: number };
}

/** How well an encoder–decoder's decoded outputs match the references of the pairs it decoded. */
export interface DecodingScores {
  /** Sources decoded: pairs, where a source with several targets (a file's) counts once, scored against all of them. */
  pairs: number;
  /** Fraction whose output is the reference (one of them), token for token. */
  exactMatch: number;
  /** Σ edit distance / Σ reference length in target tokens: CER for characters, PER for phonemes or words (RunInfo.errorRateName). */
  tokenErrorRate: number;
  /** Word-level targets: corpus BLEU-4 (0–100, sacrebleu's exp smoothing) over the target tokens. */
  bleu?: number;
  /** Word-level targets: corpus chrF (0–100, β = 2, character 6-grams). */
  chrF?: number;
  /** Exact match of the same pairs grouped by source length in tokens, shortest first (absent in older runs). */
  bySourceLength?: LengthScore[];
}

/** Exact match of the decoded pairs whose source has `length` tokens. */
export interface LengthScore {
  length: number;
  pairs: number;
  exactMatch: number;
}

/** Text samples at an evaluation; of an encoder–decoder, a validation pair with what the model writes for it. */
export interface SampleRecord {
  kind: 'sample';
  step: number;
  /** 0 for greedy decoding. */
  temperature: number;
  /** The text the model reads first (encoder–decoder: the source). */
  prime: string;
  /** What it wrote (encoder–decoder: by greedy decoding). */
  text: string;
  /** Encoder–decoder: the target the pair holds. */
  reference?: string;
  /** Encoder–decoder: the best hypothesis of beam search (decoding.beamWidth), for the pairs beam search decodes. */
  beam?: string;
}

export type MetricRecord = StepRecord | EvalRecord | SampleRecord;

/** Reference line a chart draws for the task (a model that learnt nothing scores this), and what a
 *  trained model is judged against. */
export interface Baseline {
  value: number;
  metric: 'mse' | 'xent' | 'accuracy';
  label: string;
  /** Short name for verdicts and legends ('persistence', 'AR(7)'); the label otherwise. */
  name?: string;
  /** Forecasts: RMSE in the data's own units on the same windows, pooled over targets as an eval record's rmse is. */
  rmse?: number;
}

/** A run's baselines: `baselines`, or the single `baseline` of runs written before there were several. */
export function baselinesOf(info: Pick<RunInfo, 'baselines' | 'baseline'>): Baseline[] {
  return info.baselines ?? (info.baseline ? [info.baseline] : []);
}

/** The phases a run goes through (src/trainer/training/phases.ts): a stop is honoured in each. */
export type RunPhase = 'data' | 'backend' | 'init' | 'training' | 'checkpoint';

/** How long a run is planned to train, and which limit sets that (src/trainer/training/plan.ts). */
export interface PlanSummary {
  totalSteps: number;
  stepsPerEpoch: number;
  epochs: number;
  /** 0 = no step limit. */
  maxSteps: number;
  /** Where maxSteps comes from: the config, or the command line's --max-steps. */
  maxStepsFrom: 'config' | 'override';
  /** The limit the run reaches first. */
  limit: 'epochs' | 'maxSteps';
}

/** What ended a run; stored in meta.json. */
export type RunEnd =
  | { by: 'epochs'; step: number; epochs: number }
  | { by: 'maxSteps'; step: number; maxSteps: number; from: PlanSummary['maxStepsFrom'] }
  | { by: 'stop'; step: number; phase: RunPhase }
  | { by: 'divergence'; step: number };

/** Memory and disk a run was estimated to take before it started (src/trainer/training/resources.ts), bytes. */
export interface ResourceEstimate {
  params: number;
  /** Peak memory, by what holds it: every model copy's parameters, gradients, optimizer slots and
   *  packed weights, their activations kept for backpropagation through time (batch × sequence),
   *  the data, and the rest (Node itself, buffers shared between threads, transient copies). */
  memory: { weights: number; gradients: number; optimizer: number; packed: number; activations: number; data: number; other: number; total: number };
  /** Model copies: one per training thread, and one per extra shape (validation, probe, sampling). */
  copies: { threads: number; auxiliary: number };
  /** The largest single copy (the wasm kernels address at most 4 GiB each). */
  largestCopy: number;
  checkpointBytes: number;
  /** Weights a finished run folder holds: the last two checkpoints, the best and the final weights. */
  runFolderBytes: number;
  /** What the estimate assumes: backend and threads. */
  basis: string;
}

/** What is known about a run when it starts; stored in meta.json and sent in `started`. */
export interface RunInfo {
  id: string;
  name: string;
  configPath: string;
  cell: CellKind;
  backend: string;
  /** Kernel variant or device, e.g. 'wasm relaxed-simd, 2 threads'. */
  device: string;
  /** Why this backend runs: what was asked for, and for 'auto' the rule that chose it (absent in older runs). */
  backendReason?: string;
  seed: number;
  paramCount: number;
  totalSteps: number;
  /** How totalSteps came about (absent in older runs). */
  plan?: PlanSummary;
  /** The memory and disk estimate made before the run started (absent in older runs). */
  estimate?: ResourceEstimate;
  dataSummary: string;
  task: string;
  /** What the model is compared with: a forecast has persistence and AR(p), other tasks one baseline. */
  baselines?: Baseline[];
  /** The one baseline of runs written before `baselines` (read through baselinesOf). */
  baseline?: Baseline;
  /** What the loss is measured in, for the loss axis: `nats/char`, `nats/word`, `nats/token`, `MSE (z-scores)`, `MSE` (absent in older runs). */
  lossUnit?: string;
  /** Validation examples (windows) the split holds; 0 without a validation split (absent in older runs). */
  validationExamples?: number;
  /** Probe tokens (for heatmap axes), when diagnostics are on; of an encoder–decoder, the probe pair's source tokens. */
  probeTokens?: string[];
  /** Encoder–decoder: the probe pair's target tokens, one per decoder step (</s> last). */
  probeTargetTokens?: string[];
  /** Encoder–decoder: the name of DecodingScores.tokenErrorRate for these targets: CER (characters) or PER (phonemes, words). */
  errorRateName?: 'CER' | 'PER';
  /** Encoder–decoder: the encoder reads the source back to front (model.reverseSource; absent: front to back, or an older run). */
  reverseSource?: boolean;
  /** Names of the LSTM/GRU gates in the order diagnostics store them. */
  gateNames: string[];
  /** The sweep this run is one point of, and its values (absent: not part of a sweep). */
  sweep?: SweepRunInfo;
}

/** Index entry of one diagnostics snapshot; the arrays live in diagnostics.bin (layout: src/runs/runFiles.ts). */
export interface DiagnosticsIndexEntry {
  step: number;
  /** Byte offset and float count of each named array in diagnostics.bin. */
  arrays: Record<string, { offset: number; length: number; shape: number[] }>;
  /** Per-parameter L2 norms of weights and gradients. */
  weightNorms?: Record<string, number>;
  gradNorms?: Record<string, number>;
}

/** Arrays of one snapshot, in memory. Names: `l{layer}.h` [T,H], `l{layer}.c`, `l{layer}.gates` [T,G*H],
 *  `l{layer}.dh` [T] (‖∂L/∂h_t‖), `l{layer}.dhLast` [T] (‖∂L_T/∂h_t‖), `l{layer}.dc` [T].
 *  An encoder–decoder's (S source positions, T decoder steps): `att` [T,S], `enc.l{layer}.h` [S,He] (bidirectional:
 *  `enc.l{layer}.fwd.h`, `enc.l{layer}.bwd.h`), `….dh` [S], `….dc` [S] (LSTM), `dec.l{layer}.h` [T,Hd], `.dh` [T], `.dc` [T];
 *  docs/run-folder.md. */
export interface DiagnosticsSnapshot {
  step: number;
  arrays: Record<string, { data: Float32Array; shape: number[] }>;
  weightNorms?: Record<string, number>;
  gradNorms?: Record<string, number>;
}

/**
 * The arrays the Gradients tab follows over training (the host sends them for every snapshot): a sequence
 * model's ‖∂L_T/∂h_t‖ per layer (`l{layer}.dhLast`), an encoder–decoder's ‖∂L/∂h‖ per encoder position and
 * decoder step (`enc.l{layer}[.fwd|.bwd].dh`, `dec.l{layer}.dh`).
 */
export const isGradientHistoryArray = (name: string): boolean => name.endsWith('.dhLast') || /^(enc|dec)\.l\d+(\.(fwd|bwd))?\.dh$/.test(name);
