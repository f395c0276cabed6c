// How a forecast from a CSV series is judged: MSE in z-score units (the loss) and RMSE in the file's
// own units on the validation windows, against persistence and AR(p) on the same windows; every snapshot
// carries the forecast against the actual values of the first target, in the file's units.

import type { Backend } from '../backends/backend';
import type { CsvDataset } from '../data';
import { stepLabels, validationProbe } from './diagnostics';
import { type EvaluationContext, forecastArrays, validationBatches, validationPass } from './evaluation';
import type { SequenceKind } from './sequenceTask';
import type { Evaluation } from './task';

function csvEvaluation(data: CsvDataset, model: Backend, ctx: EvaluationContext): Evaluation {
  return {
    metrics() {
      const O = data.outputSize;
      let sqErr = 0, count = 0;
      const pass = validationPass(model, data, ctx, (batch, r) => {
        // head 'last': outputs [1, B, O], targets [B, O]; compared per target in its own units
        for (let k = 0; k < O; k++) {
          const pred = data.denormalize(column(r.outputs, O, k), k), actual = data.denormalize(column(batch.y, O, k), k);
          for (let i = 0; i < pred.length; i++) sqErr += (pred[i] - actual[i]) ** 2;
          count += pred.length;
        }
      });
      return pass && { loss: pass.loss, rmse: Math.sqrt(sqErr / count) };
    },
    samples: () => [],
    snapshotArrays: () => {
      const arrays = forecastArrays(model, data, ctx, (values) => data.denormalize(values, 0));
      const n = arrays['forecast.actual']?.shape[0] ?? 0;
      if (n === 0) return arrays;
      // persistence and AR(p) on the same windows, in the file's units, for the forecast view
      const base = data.baselineForecasts('validation', n);
      arrays['forecast.baseline'] = { data: data.denormalize(base.persistence, 0), shape: [n] };
      if (base.ar) arrays['forecast.ar'] = { data: data.denormalize(base.ar, 0), shape: [n] };
      return arrays;
    },
  };
}

/** Column k of a row-major [rows, stride] array. */
const column = (a: Float32Array, stride: number, k: number) => Float32Array.from({ length: a.length / stride }, (_, i) => a[i * stride + k]);

export const csvKind: SequenceKind<CsvDataset> = {
  evaluation: csvEvaluation,
  probe: (data, probe) => validationProbe(data, probe.validationIndex, stepLabels(data.steps)),
  // on the validation windows the evaluation reads (the training windows, spread alike, without a validation split)
  baselines: (data, ctx) => data.validationSize > 0
    ? data.forecastBaselines('validation', validationBatches(data.validationSize, ctx.batchSize).flat())
    : data.forecastBaselines('train', validationBatches(data.trainSize, ctx.batchSize).flat()),
};
