// The run folder's layout, the one place that names its files. A run folder is `<runsDir>/<run-id>/`,
// the id being `<yyyymmdd-hhmmss>-<slug of the config's name>-<cell>-<4 hex digits>` (runWriter's newRunId):
//   config.seqlab.json   the config as it was when the run started (snapshot, never rewritten)
//   meta.json            RunMeta, rewritten atomically on every status change
//   meta.json.damaged-<yyyymmdd-hhmmss>   an unusable meta.json, kept by `seqlab repair` before it wrote a new one
//   metrics.jsonl        one MetricRecord per line, appended and flushed per batch of records
//   metrics.steps.bin    the step records of metrics.jsonl again, fixed-width binary with each line's place in it,
//                        appended after their lines (metricsStepsFile.ts); a reader's shortcut, never the truth
//   diagnostics.bin      Float32 little-endian arrays of every diagnostics snapshot, appended
//   diagnostics.jsonl    one DiagnosticsIndexEntry per snapshot (byte offsets into diagnostics.bin),
//                        appended after its arrays are written, so an index line never points past the data
//   checkpoints/         ckpt-<step>.bin (params, then optimizer slots) + ckpt-<step>.json (Checkpoint), the last two kept;
//                        best-<step>.bin/.json: the parameters of the lowest validation loss so far (SavedWeights).
//                        The .bin is written before its .json, so a step counts only once its .json is there.
//   weights.bin/.json    final parameters (same format as a checkpoint without optimizer state)
//   export/<format>/     what `seqlab export` writes by default (export/tfjs: model.json + weights)
//   trainer.log          stderr of the trainer process when started by the extension

import * as path from 'node:path';
import type { ExperimentConfig } from '../shared/config';
import type { RunEnd, RunInfo } from '../shared/metrics';
import type { Verdict } from '../shared/verdict';
import type { RunStatus } from '../shared/protocol';
import type { ModelSpec } from '../shared/modelSpec';
import type { PairLevel } from '../shared/pairsConfig';
import type { Seq2seqSpec } from '../shared/seq2seqSpec';

export const RUN_FILES = {
  config: 'config.seqlab.json',
  meta: 'meta.json',
  metrics: 'metrics.jsonl',
  metricsSteps: 'metrics.steps.bin',
  diagnosticsBin: 'diagnostics.bin',
  diagnosticsIndex: 'diagnostics.jsonl',
  checkpoints: 'checkpoints',
  weightsBin: 'weights.bin',
  weightsJson: 'weights.json',
  exports: 'export',
  log: 'trainer.log',
} as const;

export const META_VERSION = 1;

export interface RunMeta {
  version: number;
  info: RunInfo;
  status: RunStatus;
  createdAt: string;
  updatedAt: string;
  host: { hostname: string; platform: string; arch: string; cpus: number; node: string };
  seqlabVersion: string;
  /** Wall seconds spent training (excluding setup). */
  seconds: number;
  stepsPerSecond?: number;
  lastLoss?: number;
  bestValidationLoss?: number;
  bestValidationStep?: number;
  /** The data file as it was when the run started, so a resume can tell whether it changed (absent: synthetic data, older runs). */
  dataFile?: DataFileRecord;
  /** Set when `seqlab repair` rebuilt this meta.json from the run's other files. */
  repaired?: { at: string; damagedCopy?: string; rebuiltFrom: string[]; unknown: string[] };
  /** What ended the run (absent while it runs, and in older runs). */
  end?: RunEnd;
  /** Where the best and the final validation stand against the task's baselines (written when the run ends). */
  verdict?: Verdict;
}

/** A data file's identity: where it was, its size and modification time, and a hash of its bytes. */
export interface DataFileRecord {
  path: string;
  bytes: number;
  mtimeMs: number;
  sha256: string;
}

/** What a checkpoint's JSON side holds; the floats live in the .bin next to it. */
export interface Checkpoint {
  step: number;
  epoch: number;
  /** Examples consumed in the current epoch (the data cursor). */
  cursor: number;
  /** The network's shape: a single-stream model's, or an encoder–decoder's (isSeq2seqSpec tells them apart). */
  spec: ModelSpec | Seq2seqSpec;
  config: ExperimentConfig;
  paramCount: number;
  optimizer: { kind: string; step: number; slots: number };
  /** Random stream state of the trainer (batch order, dropout), so a resume continues the same run. */
  rngState: number[];
  bestValidationLoss?: number;
  vocabulary?: string[];
  /** Timesteps T of every training example (text: training.sequenceLength; CSV: data.lookback). */
  steps?: number;
  /** Input features in x order (CSV). */
  featureNames?: string[];
  /** Output classes (xent) or predicted values (mse), index = output unit. */
  outputNames?: string[];
  /** z-scores of CSV data, needed to feed the model raw rows and read its forecasts in the data's own units. */
  normalization?: Normalization;
  /** Encoder–decoder: both vocabularies and how text becomes their tokens (`seqlab translate`). */
  pairs?: PairVocabularies;
}

/** What turns a source text into an encoder–decoder's ids, and its target ids into text (src/trainer/data/pairVocabulary.ts). */
export interface PairVocabularies {
  source: PairSide;
  target: PairSide;
  /** The data wrote each source back to front before cutting it into tokens (synthetic addition with data.reverseSource). */
  reverseSourceText: boolean;
  /** S and T of the training batches: the longest source, the longest target + 1 (</s>). */
  sourceSteps: number;
  targetSteps: number;
}

export interface PairSide {
  /** Token strings, index = id; <pad>, <s>, </s>, <unk> first. */
  tokens: string[];
  level: PairLevel;
  lowercase: boolean;
}

/** The parameters without optimizer state: weights.json, checkpoints/best-<step>.json. */
export type SavedWeights = Omit<Checkpoint, 'optimizer' | 'rngState' | 'cursor'>;

/** z-scores with training-rows statistics: x_z = (x − featureMean) / featureStd, y = y_z · targetStd + targetMean. */
export interface Normalization {
  featureMean: number[];
  featureStd: number[];
  targetMean: number[];
  targetStd: number[];
}

/** Where `seqlab export --format <format>` writes when no --out is given. */
export const exportDirOf = (runDir: string, format: string): string => path.join(runDir, RUN_FILES.exports, format);

/** The part of a run id that names its config: lower-case letters and digits, words joined by '-'. */
export const runIdSlug = (name: string): string =>
  name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'run';

/** The two kinds of weight files in checkpoints/: `ckpt` to resume a run, `best` for the lowest validation loss. */
export type CheckpointKind = 'ckpt' | 'best';

/** A checkpoint's path without extension: `.bin` holds its floats, `.json` its Checkpoint or SavedWeights. */
export const checkpointBase = (runDir: string, kind: CheckpointKind, step: number): string =>
  path.join(runDir, RUN_FILES.checkpoints, `${kind}-${step}`);

/** The steps of the `kind` checkpoints among the file names of checkpoints/, ascending. */
export function checkpointSteps(fileNames: readonly string[], kind: CheckpointKind): number[] {
  const name = new RegExp(`^${kind}-(\\d+)\\.json$`);
  return fileNames
    .map((f) => name.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}
