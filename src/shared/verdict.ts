// Did the model beat its baselines? For every baseline of the task, where the best validation (the
// lowest validation loss) and the final validation (the last) stand against it: whether each beats it,
// by how much relative to it, and in the data's own units where both are known (a forecast's RMSE).
// The trainer stores the verdict in meta.json when a run ends; `seqlab show` computes it for runs
// written before there were verdicts. Pure.

import type { Baseline, EvalRecord } from './metrics';

/** One validation against one baseline. */
export interface Standing {
  step: number;
  /** The model's value in the baseline's metric: the validation loss, or the accuracy. */
  value: number;
  beats: boolean;
  /** How much better than the baseline, relative to it: (baseline − loss) / baseline, or
   *  (accuracy − baseline) / baseline; negative when worse. */
  relative: number;
  /** RMSE in the data's units, the model's and the baseline's, where both are known. */
  rmse?: { model: number; baseline: number };
}

export interface BaselineVerdict {
  baseline: Baseline;
  best: Standing;
  final: Standing;
}

export type Verdict =
  | { kind: 'noValidation' }
  /** The run ended before its first validation. */
  | { kind: 'notEvaluated' }
  | { kind: 'noBaselines' }
  | { kind: 'judged'; baselines: BaselineVerdict[] };

/** The evaluation with the lowest finite loss and the last one with a finite loss. */
export function bestAndFinal(evals: readonly EvalRecord[]): { best?: EvalRecord; final?: EvalRecord } {
  // records written by older runs without a validation split hold a NaN loss (null in JSON)
  const valid = evals.filter((e) => typeof e.loss === 'number' && Number.isFinite(e.loss));
  if (valid.length === 0) return {};
  return { best: valid.reduce((a, b) => (b.loss < a.loss ? b : a)), final: valid[valid.length - 1] };
}

export function verdictOf(baselines: readonly Baseline[], best: EvalRecord | undefined, final: EvalRecord | undefined, validationExamples: number | undefined): Verdict {
  if (validationExamples === 0) return { kind: 'noValidation' };
  if (!best || !final) return { kind: 'notEvaluated' };
  const judged = baselines.flatMap((b) => {
    const bestStanding = standing(b, best), finalStanding = standing(b, final);
    return bestStanding && finalStanding ? [{ baseline: b, best: bestStanding, final: finalStanding }] : [];
  });
  return judged.length > 0 ? { kind: 'judged', baselines: judged } : { kind: 'noBaselines' };
}

function standing(b: Baseline, e: EvalRecord): Standing | undefined {
  if (b.metric === 'accuracy') {
    if (e.accuracy === undefined) return undefined;
    return { step: e.step, value: e.accuracy, beats: e.accuracy > b.value, relative: (e.accuracy - b.value) / b.value };
  }
  const s: Standing = { step: e.step, value: e.loss, beats: e.loss < b.value, relative: (b.value - e.loss) / b.value };
  if (b.rmse !== undefined && e.rmse !== undefined) s.rmse = { model: e.rmse, baseline: b.rmse };
  return s;
}
