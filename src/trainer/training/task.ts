// The seam between the training loop and what it trains. The loop, the session and the diagnostics
// see a Task: examples to draw, a model to step, an evaluation to call, a probe to diagnose. Which
// data kind and which model kind stand behind it is decided once, in tasks.ts; the loop never asks.

import type { BackendKind, CellKind, ExperimentConfig } from '../../shared/config';
import type { DiagnosticsSnapshot, EvalRecord, RunInfo, SampleRecord } from '../../shared/metrics';
import type { SavedWeights } from '../../runs/runFiles';
import type { TrainableModel } from '../backends/backend';
import type { InitProgress } from '../init';
import type { ModelSpec } from '../model';
import type { Seq2seqSpec } from '../../shared/seq2seqSpec';
import type { Rng } from '../rng';

/** An evaluation's metrics: the record without its bookkeeping fields. */
export type EvalMetrics = Omit<EvalRecord, 'kind' | 'step' | 'epoch' | 'time'>;

/** How a data kind judges the model. */
export interface Evaluation {
  /** The loss and the kind's metrics on the validation split; undefined when there is no validation split. */
  metrics(): EvalMetrics | undefined;
  /** Records shown beside some evaluations (text the model writes); drawn from the run's random stream. */
  samples(step: number, rng: Rng): SampleRecord[];
  /** Arrays the kind adds to every diagnostics snapshot (a forecast against the actual values). */
  snapshotArrays(): DiagnosticsSnapshot['arrays'];
}

/** The fixed example whose states and gradients the dashboards show, with a label per timestep. */
export interface Probe<B> {
  batch: B;
  tokens: string[];
}

/** What the run folder records about a task when it starts (RunInfo's task-specific fields). */
export type TaskInfo = Pick<RunInfo, 'backendReason' | 'dataSummary' | 'task' | 'lossUnit' | 'gateNames' | 'probeTokens' | 'probeTargetTokens' | 'errorRateName' | 'reverseSource' | 'validationExamples'> & { baselines: NonNullable<RunInfo['baselines']> };

/** What saved weights hold beside the parameters: the model's shape and what the data adds for `seqlab export`. */
export interface TaskWeights {
  spec: ModelSpec | Seq2seqSpec;
  data: Pick<SavedWeights, 'steps' | 'vocabulary' | 'featureNames' | 'outputNames' | 'normalization' | 'pairs'>;
}

/** What building a task needs beyond the data: the effective config and the request's overrides. */
export interface TaskSetup {
  config: ExperimentConfig;
  cell: CellKind;
  backend: BackendKind;
  threads: number;
  batchSize: number;
}

export interface Task<B> {
  /** Training examples by index: the loop draws a permutation of [0, trainSize) per epoch. Examples of varying
   *  length give each one's length (`lengths`, by index), for training.bucketByLength. */
  examples: { trainSize: number; batch(split: 'train', indices: ArrayLike<number>, epoch: number): B; lengths?(): ArrayLike<number> };
  model: TrainableModel<B>;
  /** The model kind's initial parameters, drawn from the run's random stream; `step` is awaited between
   *  chunks of the work (it reports progress and may throw to stop). */
  initialParams(rng: Rng, step: (p: InitProgress) => Promise<void>): Promise<Float32Array>;
  evaluation: Evaluation;
  /** The model kind's snapshot of the probe at a step (states, gates, gradient and weight norms);
   *  undefined when diagnostics are off or there is nothing to probe. */
  diagnose?: (step: number) => DiagnosticsSnapshot;
  info: TaskInfo;
  weights: TaskWeights;
}

/** A task of any model kind, as the loop, the session and the diagnostics see it: they pass each
 *  batch from `examples` to `model` unopened, so the batch type does not matter to them. */
export type AnyTask = Task<unknown>;
