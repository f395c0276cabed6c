// What a dashboard panel shows, slot by slot: a run (by id), or a job of this host that has no run yet
// (queued behind seqlab.maxConcurrentRuns, or starting). Compare Cells opens its panel with job slots at
// once; each becomes a run slot when its trainer announces the run, and a job that ends without a run
// leaves. A slot's index is its colour, so a run keeps the colour its queued row had. Pure.

import * as path from 'node:path';
import type { RunStatus } from '../../shared/protocol';
import type { PendingRunView, RunView } from '../../shared/webviewProtocol';
import { activeRunId, type ActiveRun } from '../training/activeRun';

export interface Slot {
  /** A run id, or a job key while the job has no run. */
  id: string;
  kind: 'run' | 'job';
  colorIndex: number;
}

export const runSlots = (runIds: readonly string[]): Slot[] => runIds.map((id, i) => ({ id, kind: 'run', colorIndex: i }));
export const jobSlots = (keys: readonly string[]): Slot[] => keys.map((id, i) => ({ id, kind: 'job', colorIndex: i }));

/** The job `key` announced run `runId`: its slot becomes that run's. Undefined when no slot waited for it. */
export function slotStarted(slots: readonly Slot[], key: string, runId: string): Slot[] | undefined {
  const i = slots.findIndex((s) => s.kind === 'job' && s.id === key);
  if (i < 0) return undefined;
  return slots.map((s, j) => (j === i ? { id: runId, kind: 'run', colorIndex: s.colorIndex } : s));
}

/** The job `key` ended; if it never started, its slot goes. Undefined when nothing changed. */
export function slotEnded(slots: readonly Slot[], key: string): Slot[] | undefined {
  return slots.some((s) => s.kind === 'job' && s.id === key) ? slots.filter((s) => !(s.kind === 'job' && s.id === key)) : undefined;
}

/** Job slots whose job already has a run (it started before the panel was made) become run slots. */
export function resolveStarted(slots: readonly Slot[], jobOf: (key: string) => ActiveRun | undefined): Slot[] {
  return slots.flatMap((s): Slot[] => {
    if (s.kind === 'run') return [s];
    const job = jobOf(s.id);
    if (!job) return [];
    const runId = activeRunId(job);
    return [runId ? { id: runId, kind: 'run', colorIndex: s.colorIndex } : s];
  });
}

export const slotRunIds = (slots: readonly Slot[]): string[] => slots.filter((s) => s.kind === 'run').map((s) => s.id);

/** Identity of a panel: its slots in order (a comparison keeps its identity as its jobs become runs). */
export const slotsKey = (slots: readonly Slot[]): string => slots.map((s) => s.id).join('\n');

/** A job that has no run yet, as the dashboard header shows it. Position: its place among queued jobs. */
export function pendingView(job: ActiveRun, colorIndex: number, queue: readonly ActiveRun[]): PendingRunView {
  const name = path.basename(job.request.configPath).replace(/\.seqlab\.json$/i, '');
  const state = job.state.kind === 'queued' ? 'queued' : 'starting';
  const queued = queue.filter((j) => j.state.kind === 'queued');
  const position = queued.indexOf(job);
  return {
    key: job.key,
    name,
    ...(job.request.cell && { cell: job.request.cell }),
    state,
    ...(state === 'queued' && position >= 0 && { position: position + 1 }),
    colorIndex,
  };
}

/**
 * A run whose trainer has announced it but that the run store has not listed yet (its folder is a few
 * milliseconds old): the view comes from what the trainer said.
 */
export function startedView(job: ActiveRun, colorIndex: number): RunView | undefined {
  const s = job.state;
  if ((s.kind !== 'running' && s.kind !== 'stopping') || !s.runId || !s.info) return undefined;
  const status: RunStatus = { kind: 'running', pid: s.pid, step: s.step };
  return { id: s.runId, info: s.info, status, colorIndex, seconds: 0, snapshotSteps: [] };
}
