// The lines `seqlab show` adds about how a run was planned, what ended it, what it was estimated to
// take and whether it beat its baselines (the words are src/shared/runReport.ts's).

import type { EvalRecord } from '../shared/metrics';
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
