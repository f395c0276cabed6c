// The lines `seqlab show` adds about how a run was planned, what ended it, what it was estimated to
// take and whether it beat its baselines (the words are src/shared/runReport.ts's).

import type { EvalRecord, SampleRecord } from '../shared/metrics';
import { baselinesOf } from '../shared/metrics';
import { endText, estimateText, planText, verdictLines } from '../shared/runReport';
import { bestAndFinal, verdictOf } from '../shared/verdict';
import type { RunMeta } from '../runs/runFiles';
import { formatLoss } from '../shared/format';

export function runReportLines(meta: RunMeta, evals: readonly EvalRecord[]): string[] {
  const i = meta.info;
  const lines: string[] = [];
  if (i.plan) lines.push(`plan      ${planText(i.plan)}`);
  if (meta.end) lines.push(`ended     ${endText(meta.end, i.plan)}`);
  if (i.estimate) lines.push(`size      ${estimateText(i.estimate)}`);
  for (const b of baselinesOf(i)) lines.push(`baseline  ${formatLoss(b.value)} ${b.metric} (${b.label})`);
  // runs written before verdicts: judged from their records (a run's own verdict counts its earlier sessions too)
  const { best, final } = bestAndFinal(evals);
  const verdict = meta.verdict ?? verdictOf(baselinesOf(i), best, final, i.validationExamples);
  for (const line of verdictLines(verdict)) lines.push(`verdict   ${line}`);
  return lines;
}

/** An encoder–decoder's sample, source first: `"gbfad" → "dafbg" (reference "dafbg"; beam "dafbg")`. */
export function pairSampleText(s: SampleRecord): string {
  const clip = (t: string) => JSON.stringify(t.slice(0, 120));
  return `${clip(s.prime)} → ${clip(s.text)} (reference ${clip(s.reference ?? '')}${s.beam !== undefined ? `; beam ${clip(s.beam)}` : ''})`;
}
