// The lenses above the first line of a *.seqlab.json, as plain data. Pure; `ConfigCodeLens` renders them.

import type { AttentionKind, CellKind } from '../../shared/config';
import { comparedAttentions } from '../../shared/comparisonVariants';
import { CELL_KINDS } from '../../shared/config';
import type { RunSummary } from '../../runs/runReader';
import { COMMANDS } from '../constants';
import { cellLabel, formatCount, formatLoss, timeAgo } from '../../shared/format';
import { activeRunId, type ActiveRun } from '../training/activeRun';

export interface LensSpec {
  title: string;
  tooltip?: string;
  command: string;
  args: unknown[];
}

export interface LensInput {
  configPath: string;
  /** Error count from validation (parse + schema + file checks). */
  errors: number;
  /** The config's `compare` list when it validates. */
  compare?: readonly CellKind[];
  /** An encoder–decoder config's attention, when it validates: its lenses offer Compare Attention too. */
  attention?: AttentionKind;
  /** Jobs of this config the host owns (queued, starting, running, stopping). */
  active: readonly ActiveRun[];
  /** Newest run of this config on disk. */
  lastRun?: RunSummary;
  now: Date;
}

export function problemsTitle(errors: number): string {
  return `⚠ ${errors} problem${errors === 1 ? '' : 's'}`;
}

export function compareTitle(cells: readonly CellKind[] | undefined): string {
  return `Compare ${(cells && cells.length > 0 ? cells : CELL_KINDS).map(cellLabel).join(' · ')}`;
}

export function lastRunTitle(run: RunSummary, now: Date): string {
  const when = timeAgo(run.meta.updatedAt, now);
  switch (run.status.kind) {
    case 'running':
      return `last run: running · started ${timeAgo(run.meta.createdAt, now)}`;
    case 'finished':
      return run.meta.bestValidationLoss !== undefined
        ? `last run: val ${formatLoss(run.meta.bestValidationLoss)} · ${when}`
        : `last run: loss ${formatLoss(run.meta.lastLoss)} · ${when}`;
    default:
      return `last run: ${run.status.kind} at step ${formatCount(run.status.step ?? 0)} · ${when}`;
  }
}

export function configLenses(input: LensInput): LensSpec[] {
  const lenses: LensSpec[] = [];
  if (input.errors > 0) {
    lenses.push({ title: problemsTitle(input.errors), tooltip: 'Show the problems of this config', command: 'workbench.actions.view.problems', args: [] });
  }
  const running = input.active.find((j) => j.state.kind === 'running' || j.state.kind === 'stopping' || j.state.kind === 'starting');
  const queued = input.active.find((j) => j.state.kind === 'queued');
  if (running) {
    const s = running.state;
    const title =
      s.kind === 'starting'
        ? '■ Stop — starting…'
        : s.kind === 'stopping'
          ? '■ Stopping…'
          : s.kind === 'running'
            ? `■ Stop — step ${formatCount(s.step)}${s.loss !== undefined ? `, loss ${formatLoss(s.loss)}` : ''}`
            : '■ Stop';
    lenses.push({ title, tooltip: 'Stop this run (it keeps its last checkpoint)', command: COMMANDS.stopRun, args: [activeRunId(running) ?? running.key] });
  } else if (queued) {
    lenses.push({ title: '■ Cancel (queued)', tooltip: 'Remove from the queue', command: COMMANDS.stopRun, args: [queued.key] });
  } else if (input.errors === 0) {
    lenses.push({ title: '▶ Train', tooltip: 'Train this experiment', command: COMMANDS.train, args: [input.configPath] });
  }
  if (input.errors === 0) {
    lenses.push({ title: compareTitle(input.compare), tooltip: 'Train once per cell and compare the runs', command: COMMANDS.compareCells, args: [input.configPath] });
    if (input.attention) {
      lenses.push({
        title: `Compare attention ${comparedAttentions(input.attention).join(' · ')}`,
        tooltip: 'Train the encoder–decoder without attention and with it, and compare the runs',
        command: COMMANDS.compareAttention,
        args: [input.configPath],
      });
    }
  }
  const dashboardRun = (running && activeRunId(running)) ?? input.lastRun?.id;
  if (dashboardRun) lenses.push({ title: 'Dashboard', tooltip: 'Open the dashboard of the latest run', command: COMMANDS.openDashboard, args: [dashboardRun] });
  if (input.lastRun && !(running && activeRunId(running) === input.lastRun.id)) {
    lenses.push({ title: lastRunTitle(input.lastRun, input.now), tooltip: input.lastRun.id, command: COMMANDS.openDashboard, args: [input.lastRun.id] });
  }
  return lenses;
}
