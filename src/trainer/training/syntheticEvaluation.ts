// How a model on a synthetic benchmark task is judged: the loss against the task's baseline, accuracy
// for the classification tasks (copy, temporal order, Reber), the fraction solved where the task
// states a criterion (adding: |error| < 0.04), and for the one-value forecasts (adding, sine,
// Mackey-Glass) the forecast against the actual values in every snapshot.

import type { Backend } from '../backends/backend';
import type { SyntheticDataset, SyntheticDenseDataset, SyntheticTokenDataset } from '../data';
import { stepLabels, tokenLabels, validationProbe } from './diagnostics';
import { type EvaluationContext, forecastArrays, validationPass } from './evaluation';
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

export const syntheticKind: SequenceKind<SyntheticDataset> = {
  evaluation: (data, model, ctx) => (data.input === 'tokens' ? tokenTaskEvaluation(data, model, ctx) : denseTaskEvaluation(data, model, ctx)),
  probe: (data, probe) =>
    data.input === 'tokens'
      ? validationProbe(data, probe.validationIndex, tokenLabels(data))
      : validationProbe(data, probe.validationIndex, stepLabels(data.steps)),
};
