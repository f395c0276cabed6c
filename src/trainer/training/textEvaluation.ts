// How a text model is judged: cross-entropy and next-token accuracy on the validation windows, the
// unigram baseline (the dataset's), samples of generated text at a few temperatures, and as probe the
// configured prompt (else a validation window) with its characters or words on the axes.

import type { SampleRecord } from '../../shared/metrics';
import type { Backend } from '../backends/backend';
import { type TextDataset, UNK_ID } from '../data';
import type { Rng } from '../rng';
import { sampleTokens } from '../sampling';
import { tokenLabels, validationProbe } from './diagnostics';
import { type EvaluationContext, validationPass } from './evaluation';
import type { SequenceKind } from './sequenceTask';
import type { Evaluation } from './task';

/** Longest prime taken from the probe prompt. */
const PRIME_CHARS = 40;
/** Tokens of the first example that prime samples when no prompt is configured. */
const PRIME_TOKENS = 8;

function textEvaluation(data: TextDataset, model: Backend, ctx: EvaluationContext): Evaluation {
  return {
    metrics() {
      const pass = validationPass(model, data, ctx);
      return pass && { loss: pass.loss, accuracy: pass.accuracy };
    },
    samples(step: number, rng: Rng): SampleRecord[] {
      const d = ctx.diagnostics;
      const prime = d.probe.text?.slice(0, PRIME_CHARS) || firstTokens(data);
      const ids = data.encode(prime);
      if (ids.length === 0) return [];
      const stepper = model.stepper();
      return d.sampleTemperatures.map((temperature) => ({
        kind: 'sample' as const, step, temperature, prime,
        text: data.decode(sampleTokens(stepper, ids, d.sampleLength, temperature, rng, UNK_ID)),
      }));
    },
    snapshotArrays: () => ({}),
  };
}

/** The first tokens of the first validation window (training window without validation), as text. */
function firstTokens(data: TextDataset): string {
  const { x } = data.batch(data.validationSize > 0 ? 'validation' : 'train', [0]);
  return data.decode(x.subarray(0, PRIME_TOKENS));
}

export const textKind: SequenceKind<TextDataset> = {
  evaluation: textEvaluation,
  probe(data, probe) {
    const ids = probe.text ? data.encode(probe.text) : new Int32Array(0);
    if (ids.length >= 2) {
      // the prompt predicts itself one token ahead
      const x = Int32Array.from(ids.subarray(0, ids.length - 1)), y = Int32Array.from(ids.subarray(1));
      return { batch: { x, y, size: 1 }, tokens: Array.from(x, (id) => data.decode([id])) };
    }
    return validationProbe(data, probe.validationIndex, tokenLabels(data));
  },
};
