// One progress notification for a comparison (Compare Cells), not one per run: with
// seqlab.maxConcurrentRuns 1 three toasts covered a third of the comparison's dashboard. What it says
// ("1 of 3 done · running LSTM: step 1 200/3 000 · loss 1.83 · GRU waiting"), how far the whole
// comparison is, and the one message when every run has ended. Pure.

import { formatCount, formatLoss } from '../../shared/format';
import type { ActiveRunState } from './activeRun';
import type { JobOutcome } from './runManager';

export interface ComparisonMember {
  /** What tells it apart from the other runs of the comparison: "LSTM". */
  label: string;
  /** Its job's state while it has not ended. */
  state: ActiveRunState;
  /** How it ended, once it has. */
  outcome?: JobOutcome;
}

export interface ComparisonProgress {
  message: string;
  /** How much of the comparison is done, 0…1: ended runs whole, running ones by their steps. */
  fraction: number;
  /** Every run has ended. */
  done: boolean;
}

const ENDED_WORD: Record<Exclude<JobOutcome['kind'], 'finished'>, string> = {
  failed: 'failed',
  cancelled: 'stopped',
  interrupted: 'interrupted',
  dequeued: 'removed from the queue',
};

function memberFraction(m: ComparisonMember): number {
  if (m.outcome) return 1;
  const s = m.state;
  return s.kind === 'running' && s.info.totalSteps > 0 ? Math.min(1, s.step / s.info.totalSteps) : 0;
}

/** "running LSTM: step 1 200/3 000 · loss 1.83" */
function runningText(label: string, s: Extract<ActiveRunState, { kind: 'running' }>): string {
  return `running ${label}: step ${formatCount(s.step)}/${formatCount(s.info.totalSteps)}${s.loss !== undefined ? ` · loss ${formatLoss(s.loss)}` : ''}`;
}

export function comparisonProgress(members: readonly ComparisonMember[]): ComparisonProgress {
  const ended = members.filter((m) => m.outcome);
  const open = members.filter((m) => !m.outcome);
  const notFinished = ended.flatMap((m) => (m.outcome && m.outcome.kind !== 'finished' ? [`${m.label} ${ENDED_WORD[m.outcome.kind]}`] : []));
  const parts = [`${ended.length} of ${members.length} done${notFinished.length > 0 ? ` (${notFinished.join(', ')})` : ''}`];
  for (const m of open) {
    const s = m.state;
    if (s.kind === 'running') parts.push(runningText(m.label, s));
    else if (s.kind === 'starting') parts.push(`starting ${m.label}`);
    else if (s.kind === 'stopping') parts.push(`stopping ${m.label}`);
  }
  const waiting = open.filter((m) => m.state.kind === 'queued').map((m) => m.label);
  if (waiting.length > 0) parts.push(`${waiting.join(', ')} waiting`);
  const fraction = members.length === 0 ? 1 : members.reduce((sum, m) => sum + memberFraction(m), 0) / members.length;
  return { message: parts.join(' · '), fraction, done: open.length === 0 };
}

/** The one message when the comparison has ended: each run's result ("LSTM val 1.83") or how it ended. */
export function comparisonSummary(name: string, members: readonly ComparisonMember[]): string {
  const results = members.map((m) => {
    const o = m.outcome;
    if (!o) return `${m.label} still running`;
    if (o.kind !== 'finished') return `${m.label} ${ENDED_WORD[o.kind]}`;
    return o.bestValidationLoss !== undefined ? `${m.label} val ${formatLoss(o.bestValidationLoss)}` : `${m.label} finished`;
  });
  return `SeqLab: ${name} compared — ${results.join(' · ')}.`;
}
