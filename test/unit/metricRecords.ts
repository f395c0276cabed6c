// Metric records for the tests of metric columns (metricColumns.test.ts, metricsStepsFile.test.ts): numbers in
// every form JSON.stringify writes, and several chunks of columns joined into one.
import type { MetricColumns } from '../../src/shared/metricColumns';
import type { MetricRecord } from '../../src/shared/metrics';

export const f32 = (x: number) => Math.fround(x);

/** Records whose numbers take every form JSON.stringify writes: integers, 17 digits, exponents, negatives, −0, null. */
export function records(n: number): MetricRecord[] {
  const out: MetricRecord[] = [];
  for (let s = 1; s <= n; s++) {
    const loss = s % 97 === 0 ? NaN : s % 13 === 0 ? 3e-9 * s : s % 17 === 0 ? -0 : s % 7 === 0 ? -f32(Math.sin(s)) : f32(4 / Math.sqrt(s));
    out.push({ kind: 'step', step: s, epoch: Math.floor(s / 50), time: s * 0.0213 + (s % 5 === 0 ? 1e21 : 0), loss, gradNorm: s % 11 === 0 ? Infinity : 2 ** (s % 40) / 3, clipped: s % 3 === 0, learningRate: 0.001 });
    if (s % 25 === 0) out.push({ kind: 'eval', step: s, epoch: Math.floor(s / 50), time: s * 0.0213, loss: loss + 0.05, ...(s % 50 === 0 && { accuracy: 0.5 }) });
    if (s % 60 === 0) out.push({ kind: 'sample', step: s, temperature: 0.8, prime: 'Ünïcødé “quotes” ', text: 'naïve café ⏎\n' });
  }
  return out;
}

/** The columns of several chunks as one (each kind concatenated in order). */
export function joined(chunks: MetricColumns[]): MetricColumns {
  const cat = (pick: (c: MetricColumns) => ArrayLike<number>) => Float64Array.from(chunks.flatMap((c) => Array.from(pick(c))));
  return {
    steps: { step: cat((c) => c.steps.step), epoch: cat((c) => c.steps.epoch), time: cat((c) => c.steps.time), loss: cat((c) => c.steps.loss), gradNorm: cat((c) => c.steps.gradNorm), clipped: Uint8Array.from(cat((c) => c.steps.clipped)) },
    evals: { step: cat((c) => c.evals.step), epoch: cat((c) => c.evals.epoch), time: cat((c) => c.evals.time), loss: cat((c) => c.evals.loss), accuracy: cat((c) => c.evals.accuracy), exactMatch: cat((c) => c.evals.exactMatch), errorRate: cat((c) => c.evals.errorRate), bleu: cat((c) => c.evals.bleu), chrF: cat((c) => c.evals.chrF) },
    samples: chunks.flatMap((c) => c.samples),
  };
}

