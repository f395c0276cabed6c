// Layout of one run folder, `<runsDir>/<run-id>/`:
//   config.seqlab.json   the config as it was when the run started (snapshot, never rewritten)
//   meta.json            RunMeta, rewritten atomically on every status change
//   metrics.jsonl        one MetricRecord per line, appended and flushed per batch of records
//   diagnostics.bin      Float32 little-endian arrays of every diagnostics snapshot, appended
//   diagnostics.jsonl    one DiagnosticsIndexEntry per snapshot (byte offsets into diagnostics.bin),
//                        appended after its arrays are written, so an index line never points past the data
//   checkpoints/         ckpt-<step>.bin (params, then optimizer slots) + ckpt-<step>.json (Checkpoint);
//                        best-<step>.bin/.json: the parameters of the lowest validation loss so far (SavedWeights)
//   weights.bin/.json    final parameters (same format as a checkpoint without optimizer state)
//   export/<format>/     what `seqlab export` writes by default (export/tfjs: model.json + weights)
//   trainer.log          stderr of the trainer process when started by the extension

import * as path from 'node:path';
import type { ExperimentConfig } from '../shared/config';
import type { RunInfo } from '../shared/metrics';
import type { RunStatus } from '../shared/protocol';
import type { ModelSpec } from '../shared/modelSpec';

export const RUN_FILES = {
  config: 'config.seqlab.json',
  meta: 'meta.json',
  metrics: 'metrics.jsonl',
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
}

/** What a checkpoint's JSON side holds; the floats live in the .bin next to it. */
export interface Checkpoint {
  step: number;
  epoch: number;
  /** Examples consumed in the current epoch (the data cursor). */
  cursor: number;
  spec: ModelSpec;
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
