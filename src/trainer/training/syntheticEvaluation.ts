// How a model on a synthetic benchmark task is judged: the loss against the task's baseline, accuracy
// for the classification tasks (copy, temporal order, Reber), the fraction solved where the task
// states a criterion (adding: |error| < 0.04), and for the one-value forecasts (adding, sine,
// Mackey-Glass) the forecast against the actual values in every snapshot.

import type { Baseline } from '../../shared/metrics';
import type { Backend } from '../backends/backend';
import type { SyntheticDataset, SyntheticDenseDataset, SyntheticTokenDataset } from '../data';
import { arForecast, fitAutoregression, type LagWindows, MAX_WINDOWS } from '../data/autoregression';
import { stepLabels, tokenLabels, validationProbe } from './diagnostics';
import { type EvaluationContext, forecastArrays, validationBatches, validationPass } from './evaluation';
import type { SequenceKind } from './sequenceTask';
import type { Evaluation } from './task';

function tokenTaskEvaluation(data: SyntheticTokenDataset, model: Backend, ctx: EvaluationContext): Evaluation {
  return {
    metrics() {
      const pass = validationPass(model, data, ctx);
      return pass && { loss: pass.loss, accuracy: pass.accuracy };
    },
    samples: () => [],
    snapshotArrays: () => ({}),
  };
}

function denseTaskEvaluation(data: SyntheticDenseDataset, model: Backend, ctx: EvaluationContext): Evaluation {
  const isSolved = data.isSolved;
  return {
    metrics() {
      let solved = 0, count = 0;
      const pass = validationPass(model, data, ctx, isSolved && ((batch, r) => {
        // one predicted value per example: outputs [1, B, 1], targets [B, 1]
        for (let i = 0; i < batch.size; i++) if (isSolved(r.outputs[i], batch.y[i])) solved++;
        count += batch.size;
      }));
      return pass && { loss: pass.loss, ...(count > 0 && { solved: solved / count }) };
    },
    samples: () => [],
    snapshotArrays: () => (data.head === 'last' ? forecastArrays(model, data, ctx, (values) => values) : {}),
  };
}

/** Values of training windows the AR fit reads at most (windows × timesteps). */
const MAX_FIT_VALUES = 4_000_000;

/**
 * A one-value forecast of a single series (sine, Mackey-Glass) is judged like a CSV forecast: against
 * persistence and AR(p) (least squares on training windows, order by AIC: data/autoregression.ts), both
 * scored on the validation windows the evaluation reads. Other tasks keep their own baseline.
 */
function seriesBaselines(data: SyntheticDataset, ctx: EvaluationContext): Baseline[] {
  if (data.input !== 'dense' || data.inputSize !== 1 || data.outputSize !== 1 || data.head !== 'last') return [data.baseline];
  const T = data.steps;
  const windowsOf = (split: 'train' | 'validation', indices: number[]): LagWindows => {
    const b = data.batch(split, indices);
    return { count: indices.length, lag: (i, k) => b.x[i * T + T - 1 - k], target: (i) => b.y[i] };
  };
  const fitCount = Math.min(data.trainSize, MAX_WINDOWS, Math.max(1, Math.floor(MAX_FIT_VALUES / T)));
  const fitIndices = Array.from({ length: fitCount }, (_, j) => Math.floor((j * data.trainSize) / fitCount));
  const maxOrder = Math.min(T, fitCount - 2);
  const split = data.validationSize > 0 ? 'validation' : 'train';
  const scored = windowsOf(split, validationBatches(split === 'validation' ? data.validationSize : data.trainSize, ctx.batchSize).flat());
  let persistence = 0, ar = 0;
  const fit = maxOrder >= 1 ? fitAutoregression(windowsOf('train', fitIndices), maxOrder) : undefined;
  for (let i = 0; i < scored.count; i++) {
    persistence += (scored.target(i) - scored.lag(i, 0)) ** 2;
    if (fit) ar += (scored.target(i) - arForecast(fit, scored, i)) ** 2;
  }
  const where = `on ${scored.count} ${split} examples`;
  const baselines: Baseline[] = [{ value: persistence / scored.count, metric: 'mse', name: 'persistence', label: `persistence (repeat the last value; ${where})` }];
  if (fit) baselines.push({ value: ar / scored.count, metric: 'mse', name: `AR(${fit.p})`, label: `AR(${fit.p}), least squares on ${fit.windows} training windows, order by AIC (${where})` });
  return baselines;
}

export const syntheticKind: SequenceKind<SyntheticDataset> = {
  baselines: seriesBaselines,
  evaluation: (data, model, ctx) => (data.input === 'tokens' ? tokenTaskEvaluation(data, model, ctx) : denseTaskEvaluation(data, model, ctx)),
  probe: (data, probe) =>
    data.input === 'tokens'
      ? validationProbe(data, probe.validationIndex, tokenLabels(data))
      : validationProbe(data, probe.validationIndex, stepLabels(data.steps)),
};
