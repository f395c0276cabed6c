// What Repair Run says: the question before it writes (what meta.json is rebuilt from, what no file
// records, what is kept), and what it did. The plan is src/runs' (repairPlan.ts, runRepair.ts); this only
// words it for a dialog and a notification. Pure.

import type { RepairPlan } from '../../runs/repairPlan';
import { RUN_FILES } from '../../runs/runFiles';
import { formatCount } from '../../shared/format';
import { resumeRefusal } from '../../runs/resumability';

type RebuildPlan = Extract<RepairPlan, { kind: 'rebuild' }>;

/** Whether the repaired run can be resumed, in a sentence. */
export function afterRepair(plan: RebuildPlan, title: string): string {
  const r = plan.resumability;
  const status = `${plan.meta.status.kind} at step ${formatCount(plan.meta.status.step ?? 0)}`;
  if (r.kind === 'resumable') return `It will read as ${status}, resumable from step ${formatCount(r.step)}.`;
  if (r.reason === 'finished') return `It will read as ${status}.`;
  return `It will read as ${status}. ${resumeRefusal(title, r)}`;
}

/** The confirmation dialog: its message and its detail. */
export function repairQuestion(plan: RebuildPlan, title: string): { message: string; detail: string } {
  const rebuilt = plan.rebuilt.map((f) => `• ${f.field} — from ${f.from}${f.detail ? ` (${f.detail})` : ''}`);
  const kept = plan.damagedCopy ? `The damaged ${RUN_FILES.meta} is kept as ${plan.damagedCopy}.` : `${RUN_FILES.meta} is missing; a new one is written.`;
  return {
    message: `Repair ${title}? ${plan.problem}.`,
    detail: [
      `Rebuilds ${RUN_FILES.meta} of ${plan.dir}:`,
      ...rebuilt,
      ...(plan.unknown.length > 0 ? ['', `Not recorded anywhere (placeholders stand in): ${plan.unknown.join('; ')}.`] : []),
      '',
      `Nothing is deleted. ${kept}`,
      afterRepair(plan, title),
    ].join('\n'),
  };
}

/** The notification after the repair: what was written, and what the run can do now. */
export function repairedMessage(plan: RebuildPlan, done: readonly string[], title: string): string {
  return `SeqLab: repaired ${title} — ${done.join('; ')}. ${afterRepair(plan, title).replace(/^It will read as/, 'It reads as')}`;
}
