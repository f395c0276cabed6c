// What the data kinds' evaluations share: which validation examples an evaluation reads, one pass of
// a single-stream model over them, and the forecast-against-actual arrays of a one-value forecast.
// Each kind composes these in its own file (textEvaluation.ts, csvEvaluation.ts, syntheticEvaluation.ts).

import type { DiagnosticsConfig } from '../../shared/config';
import type { DiagnosticsSnapshot } from '../../shared/metrics';
import type { Backend, Batch, EvalResult } from '../backends/backend';
import type { DatasetBase, SequenceDataset } from '../data';
import type { InputKind } from '../model';

/** Validation uses at most this many batches, evenly spread over the validation split. */
export const MAX_EVAL_BATCHES = 64;

/** Most validation windows a forecast-vs-actual snapshot holds. */
export const MAX_FORECAST_POINTS = 500;

/** What a data kind's evaluation is handed besides its data and its model. */
export interface EvaluationContext {
  /** The training batch size: validation batches are at most this large. */
  batchSize: number;
  /** The probe, and what samples to write. */
  diagnostics: DiagnosticsConfig;
}

/** The example indices of each validation batch: at most maxBatches batches of
 *  min(batchSize, n) consecutive examples, evenly spread over the n validation examples. */
export function validationBatches(n: number, batchSize: number, maxBatches = MAX_EVAL_BATCHES): number[][] {
  if (n === 0) return [];
  const bs = Math.min(batchSize, n);
  const batches = Math.min(Math.floor(n / bs), maxBatches);
  const stride = Math.floor(n / bs / batches) * bs || bs;
  return Array.from({ length: batches }, (_, b) => Array.from({ length: bs }, (_, i) => b * stride + i));
}

/**
 * validationBatches, and when they read the split from its start without gaps (it fits in maxBatches
 * batches), the examples after the last whole batch as one shorter batch: every example is scored, for a
 * backend that takes any batch size (the encoder–decoder's; 30 pairs at batch size 16 scored 16 otherwise).
 */
export function validationBatchesWithRest(n: number, batchSize: number, maxBatches = MAX_EVAL_BATCHES): number[][] {
  const batches = validationBatches(n, batchSize, maxBatches);
  const read = batches.length * Math.min(batchSize, n);
  const contiguous = batches.length > 0 && batches.at(-1)!.at(-1) === read - 1;
  // the rest is shorter than a batch only when the cap covers the split (else it would be one oversized batch)
  if (!contiguous || read >= n || n - read >= Math.min(batchSize, n)) return batches;
  return [...batches, Array.from({ length: n - read }, (_, i) => read + i)];
}

/** The mean loss and the fraction of correct predictions (classification) over one validation pass. */
export interface ValidationPass {
  loss: number;
  accuracy: number;
}

/**
 * Runs the model over the validation batches; `visit` sees each batch with the model's outputs, for
 * the metrics a kind adds. Undefined when the dataset has no validation examples.
 */
export function validationPass<B extends Batch>(
  model: Backend,
  data: DatasetBase<B>,
  ctx: EvaluationContext,
  visit?: (batch: B, result: EvalResult) => void,
): ValidationPass | undefined {
  const batches = validationBatches(data.validationSize, ctx.batchSize);
  if (batches.length === 0) return undefined;
  let lossSum = 0, correct = 0, positions = 0;
  for (const indices of batches) {
    const batch = data.batch('validation', indices);
    const r = model.evaluate(batch);
    lossSum += r.loss;
    correct += r.correct;
    positions += r.positions;
    visit?.(batch, r);
  }
  return { loss: lossSum / batches.length, accuracy: correct / positions };
}

/** Forecast against actual of the first predicted value over the first validation examples, through
 *  `show` (into the data's own units), as `forecast.pred` and `forecast.actual` [n]. */
export function forecastArrays(
  model: Backend,
  data: SequenceDataset<InputKind, 'mse'>,
  ctx: EvaluationContext,
  show: (values: Float32Array) => Float32Array,
): DiagnosticsSnapshot['arrays'] {
  const n = Math.min(data.validationSize, MAX_FORECAST_POINTS);
  if (n === 0) return {};
  const O = data.outputSize;
  const pred = new Float32Array(n), actual = new Float32Array(n);
  for (let start = 0; start < n; start += ctx.batchSize) {
    const indices = Array.from({ length: Math.min(ctx.batchSize, n - start) }, (_, i) => start + i);
    const batch = data.batch('validation', indices);
    // head 'last': outputs [1, B, O], targets [B, O]
    const r = model.evaluate(batch);
    for (let i = 0; i < indices.length; i++) {
      pred[start + i] = r.outputs[i * O];
      actual[start + i] = batch.y[i * O];
    }
  }
  return { 'forecast.pred': { data: show(pred), shape: [n] }, 'forecast.actual': { data: show(actual), shape: [n] } };
}
