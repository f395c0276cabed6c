// What the CLI prints about a run folder's health: whether and how a run can be resumed (`show`, `runs`),
// what a damaged run still holds and what `seqlab repair` would rebuild (`show`, `repair`). The decisions
// are src/runs' (resumability, planRepair); this file only words them as lines of a terminal.

import * as path from 'node:path';
import type { RepairPlan } from '../runs/repairPlan';
import type { Resumability } from '../runs/resumability';
import type { MetricsSummary, RunContents } from '../runs/runContents';
import { RUN_FILES } from '../runs/runFiles';

/** The command line that carries out `r.next` for run `id` (started from `configPath`). */
export function nextCommand(id: string, r: Resumability, configPath?: string): string | undefined {
  switch (r.next) {
    case 'resume':
      return `seqlab train --resume ${id}`;
    case 'repair':
      return `seqlab repair ${id}`;
    case 'newRun':
      return configPath ? `seqlab train ${configPath}` : undefined;
    case 'none':
      return undefined;
  }
}

/** `show`'s resume lines: the command when a whole checkpoint exists, else why not and what to do. None for running or finished runs. */
export function resumeLines(id: string, r: Resumability, configPath?: string): string[] {
  if (r.kind === 'resumable') return [`resume    from the checkpoint at step ${r.step}: ${nextCommand(id, r)}`, ...r.notes.map((n) => `          (${n})`)];
  if (r.reason === 'running' || r.reason === 'finished') return [];
  const command = nextCommand(id, r, configPath);
  return [`resume    not possible: ${r.why}.`, `          ${r.whatToDo}${command ? ` (${command})` : ''}`];
}

/** One line for `runs` about a run that did not finish: how to resume it, or why it cannot be. */
export function resumeNote(id: string, r: Resumability): string | undefined {
  if (r.kind === 'resumable') return `${id}: resume from step ${r.step} with: ${nextCommand(id, r)}`;
  if (r.reason === 'running' || r.reason === 'finished') return undefined;
  return `${id}: cannot be resumed: ${r.why}`;
}

/** `show` of a damaged run: what is wrong, what each file still holds, and what a repair would do. */
export function damagedRunLines(id: string, dir: string, problem: string, contents: RunContents, plan: RepairPlan): string[] {
  return [
    `run       ${id}`,
    `folder    ${dir}`,
    `status    damaged: ${problem}`,
    `config    ${snapshotText(contents)}`,
    `metrics   ${'problem' in contents.metrics ? `${RUN_FILES.metrics} ${contents.metrics.problem}` : metricsText(contents.metrics)}`,
    `checkpts  ${checkpointsText(contents)}`,
    `weights   ${weightsText(contents)}`,
    `diagnost  ${contents.diagnostics} snapshot${contents.diagnostics === 1 ? '' : 's'}`,
    ...repairLines(plan),
  ];
}

function snapshotText(c: RunContents): string {
  switch (c.snapshot.kind) {
    case 'ok': {
      const { name, model, data } = c.snapshot.config;
      return `${RUN_FILES.config}: "${name}", ${model.cell.toUpperCase()} ${model.hiddenSize} hidden × ${model.layers}, ${data.kind} data`;
    }
    case 'missing':
      return `no ${RUN_FILES.config}${c.saved ? ` (${c.saved.file} carries the config)` : ''}`;
    case 'invalid':
      return `${RUN_FILES.config} is unusable: ${c.snapshot.problem}`;
  }
}

function metricsText(m: MetricsSummary): string {
  if (m.records === 0 && m.badLines.length === 0) return `no records in ${RUN_FILES.metrics}`;
  const parts = [`${m.steps} steps${m.lastStep ? ` (last ${m.lastStep.step}, loss ${m.lastStep.loss.toFixed(4)})` : ''}`];
  parts.push(`${m.evaluations} evaluations${m.bestEvaluation ? ` (best ${m.bestEvaluation.loss.toFixed(4)} at step ${m.bestEvaluation.step})` : ''}`);
  if (m.samples > 0) parts.push(`${m.samples} samples`);
  const bad = m.badLines.length === 0 ? '' : `; line${m.badLines.length === 1 ? '' : 's'} ${m.badLines.slice(0, 5).join(', ')}${m.badLines.length > 5 ? '…' : ''} not JSON (torn or damaged)`;
  return `${parts.join(', ')}${bad}`;
}

function checkpointsText(c: RunContents): string {
  if (c.checkpoints.length === 0) return 'none';
  return c.checkpoints.map((k) => `${k.kind}-${k.step}${k.problem ? ` (unusable: ${k.problem})` : ''}`).join(', ');
}

function weightsText(c: RunContents): string {
  if (c.weights === undefined) return 'no final weights (the run did not finish)';
  return 'problem' in c.weights ? `final weights unusable: ${c.weights.problem}` : `final weights of step ${c.weights.step}`;
}

/** What a repair would do (`show`) or did (`repair`), ending with the run's resumability afterwards. */
export function repairLines(plan: RepairPlan): string[] {
  if (plan.kind === 'impossible') return [`repair    not possible: ${plan.why}. The files are left as they are.`];
  const r = plan.resumability;
  const after = r.kind === 'resumable' ? `, resumable from step ${r.step}` : r.reason === 'finished' ? '' : `, not resumable: ${r.why}`;
  return [
    `repair    seqlab repair ${plan.id} rebuilds ${RUN_FILES.meta} from the files above: status ${plan.meta.status.kind} at step ${plan.meta.status.step}${after}.`,
    `          Nothing is deleted${plan.damagedCopy ? `; the damaged ${RUN_FILES.meta} is kept as ${plan.damagedCopy}` : ''}. (--dry-run lists each field and its source.)`,
  ];
}

/** `repair`'s report: each field and its source, what no file records, what was written. */
export function repairReport(plan: Extract<RepairPlan, { kind: 'rebuild' }>, done: readonly string[] | undefined): string[] {
  const width = Math.max(...plan.rebuilt.map((r) => r.field.length));
  const lines = [`Run ${plan.id} (${plan.dir}): ${plan.problem}.`, `${done ? 'Rebuilt' : 'Would rebuild'} ${RUN_FILES.meta}:`];
  lines.push(...plan.rebuilt.map((r) => `  ${r.field.padEnd(width)}  from ${r.from}${r.detail ? ` (${r.detail})` : ''}`));
  if (plan.unknown.length > 0) lines.push(`Not recorded anywhere (placeholders stand in): ${plan.unknown.join('; ')}.`);
  if (done) lines.push(...done.map((d) => `  ${d}`));
  else lines.push(`Nothing was written (--dry-run).${plan.damagedCopy ? ` The damaged ${RUN_FILES.meta} would be kept as ${plan.damagedCopy}.` : ''}`);
  const r = plan.resumability;
  const next = nextCommand(plan.id, r, plan.meta.info.configPath === path.join(plan.dir, RUN_FILES.config) ? undefined : plan.meta.info.configPath);
  if (r.kind === 'resumable') lines.push(`Status: ${plan.meta.status.kind} at step ${plan.meta.status.step}. Resume it from step ${r.step} with: ${next}`);
  else lines.push(`Status: ${plan.meta.status.kind} at step ${plan.meta.status.step}. ${r.reason === 'finished' ? 'It finished; nothing to resume.' : `It cannot be resumed: ${r.why}. ${r.whatToDo}${next ? ` (${next})` : ''}`}`);
  return lines;
}
