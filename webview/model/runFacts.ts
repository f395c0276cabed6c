// What the run header says about a run: its status line and the facts that follow its live records. Pure.
import type { PendingRunView, RunView } from '../../src/shared/webviewProtocol';
import type { RunData } from './runData';

export function statusText(r: RunView): string {
  const s = r.status;
  switch (s.kind) {
    case 'running': return `running · step ${s.step}`;
    case 'finished': return `finished · ${s.step} steps`;
    case 'failed': return `failed: ${s.message}`;
    case 'cancelled': return `stopped at step ${s.step}`;
    case 'interrupted': return `interrupted at step ${s.step}`;
  }
}

export function pendingText(p: PendingRunView): string {
  return p.state === 'starting' ? 'starting…' : `queued${p.position !== undefined ? ` · #${p.position} in queue` : ''}`;
}

/**
 * Speed and best validation loss: a running run's come from its live records (the host's RunView only
 * changes when the run's status on disk does); a finished run's from the host, or its records when absent.
 */
export function liveFacts(r: RunView, d: RunData): { stepsPerSecond?: number; bestValidationLoss?: number } {
  const fromData = { stepsPerSecond: d.stepsPerSecond(), bestValidationLoss: d.bestValidationLoss() };
  if (r.status.kind === 'running') return { stepsPerSecond: fromData.stepsPerSecond ?? r.stepsPerSecond, bestValidationLoss: fromData.bestValidationLoss ?? r.bestValidationLoss };
  return { stepsPerSecond: r.stepsPerSecond ?? fromData.stepsPerSecond, bestValidationLoss: r.bestValidationLoss ?? fromData.bestValidationLoss };
}
