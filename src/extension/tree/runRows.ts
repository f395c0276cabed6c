// One row of the experiments tree per run folder, as plain data: a run leads with what sets it apart
// (its cell, the swept values) and its result (an encoder–decoder's exact match too), the start time comes second; its tooltip says why it
// ended, its verdict against the baselines, and whether it can be resumed or why not. A damaged run
// folder gets a warning row that says what is wrong and offers Repair. Pure.

import type { Resumability } from '../../runs/resumability';
import type { RunSummary } from '../../runs/runReader';
import type { DecodingScores } from '../../shared/metrics';
import { PAIR_TASKS } from '../../shared/pairsConfig';
import type { RunStatus } from '../../shared/protocol';
import { formatCount, formatDuration, formatLoss } from '../../shared/format';
import { endText, estimateText, verdictLines } from '../runs/runMetaExtras';
import { runTitle, runVariant, titleFromRunId } from '../runs/runNames';
import type { DamagedNode, Icon, RunNode } from './treeModel';

export function statusIcon(status: RunStatus['kind']): Icon {
  switch (status) {
    case 'running':
      return { id: 'sync~spin' };
    case 'finished':
      return { id: 'pass', color: 'testing.iconPassed' };
    case 'failed':
      return { id: 'error', color: 'testing.iconFailed' };
    case 'cancelled':
      return { id: 'circle-slash' };
    case 'interrupted':
      return { id: 'debug-pause', color: 'list.warningForeground' };
  }
}

/** `2026-11-25 19:01` in local time. */
export function shortDate(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** A running job's progress, newer than meta.json. */
export interface Live {
  step: number;
  loss?: number;
}

/** An encoder–decoder's run (pairs data): it translates, and has no text to sample. */
export function isSeq2seqRun(run: RunSummary): boolean {
  const info = run.meta.info;
  return info.errorRateName !== undefined || info.task === 'pairs' || (PAIR_TASKS as readonly string[]).includes(info.task);
}

/** "exact 87 %": the share of validation pairs greedy decoding got right, token for token, at the last evaluation. */
export const exactMatchText = (d: DecodingScores): string => `exact ${formatPercent(d.exactMatch)}`;

const formatPercent = (x: number): string => `${(100 * x).toFixed(x >= 0.995 || x < 0.1 ? 1 : 0)} %`;

/**
 * What a run reached: its progress while it runs, else its best validation loss (or last loss), and an
 * encoder–decoder's exact match when its last evaluation decoded (`decoding`).
 */
export function runResult(run: RunSummary, live?: Live, decoding?: DecodingScores): string | undefined {
  if (run.status.kind === 'running') {
    const step = live?.step ?? run.status.step;
    const total = run.meta.info.totalSteps;
    const pct = total > 0 ? ` (${Math.floor((100 * step) / total)}%)` : '';
    const loss = live?.loss ?? run.meta.lastLoss;
    return `${formatCount(step)}/${formatCount(total)}${pct}${loss !== undefined ? ` · loss ${formatLoss(loss)}` : ''}`;
  }
  const exact = decoding ? ` · ${exactMatchText(decoding)}` : '';
  if (run.meta.bestValidationLoss !== undefined) return `val ${formatLoss(run.meta.bestValidationLoss)}${exact}`;
  if (run.meta.lastLoss !== undefined) return `loss ${formatLoss(run.meta.lastLoss)}${exact}`;
  return undefined;
}

/** "LSTM · val 1.62"; with `named` (a run shown away from its config) "tiny · LSTM · val 1.62". */
export function runLabel(run: RunSummary, named: boolean, live?: Live, decoding?: DecodingScores): string {
  const result = runResult(run, live, decoding);
  const lead = named ? runTitle(run.meta.info) : runVariant(run.meta.info);
  return result ? `${lead} · ${result}` : lead;
}

/** The secondary facts: how it stopped (unless it finished or runs), how long it trained, when it started. */
export function runDescription(run: RunSummary): string {
  const s = run.status;
  const parts: string[] = [];
  if (s.kind === 'failed') parts.push(`${s.failure === 'diverged' ? 'diverged' : 'failed'} at ${formatCount(s.step ?? 0)}`);
  else if (s.kind === 'cancelled' || s.kind === 'interrupted') parts.push(`${s.kind} at ${formatCount(s.step)}`);
  if (s.kind !== 'running') parts.push(formatDuration(run.meta.seconds));
  parts.push(shortDate(run.meta.createdAt));
  return parts.join(' · ');
}

/**
 * `12,345`: what toLocaleString('en') gives for an integer, without it. Its first call loads ICU locale
 * data synchronously (about 50 ms), which held the extension host when the first run showed up in the tree.
 */
export const thousands = (n: number): string => Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');

const esc = (s: string) => s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');

/** What the tooltip says about resuming: from where, or why not and what to do. Nothing for running and finished runs. */
export function resumeLines(r: Resumability | undefined): string[] {
  if (!r) return [];
  if (r.kind === 'resumable') return [`**Resume** continues from the checkpoint at step ${formatCount(r.step)}.`, ...r.notes.map((n) => `- ${esc(n)}`)];
  if (r.reason === 'running' || r.reason === 'finished') return [];
  return [`**Resume is not possible:** ${esc(r.why)}. ${esc(r.whatToDo)}`];
}

export function runTooltip(run: RunSummary, resumability?: Resumability, decoding?: DecodingScores): string {
  const meta = run.meta;
  const info = meta.info;
  const s = run.status;
  const ended = endText(meta);
  const estimate = estimateText(meta);
  const lines = [
    `**${esc(runTitle(info))}** · ${s.kind}`,
    '',
    `| | |`,
    `|---|---|`,
    `| run | \`${run.id}\` |`,
    `| started | ${shortDate(meta.createdAt)} |`,
    `| steps | ${formatCount(s.step ?? 0)} / ${formatCount(info.totalSteps)} |`,
    ...(ended ? [`| ended | ${esc(ended)} |`] : []),
    `| time | ${formatDuration(meta.seconds)}${meta.stepsPerSecond ? ` (${meta.stepsPerSecond.toFixed(1)} steps/s)` : ''} |`,
    `| last loss | ${formatLoss(meta.lastLoss)} |`,
    `| best validation | ${formatLoss(meta.bestValidationLoss)}${meta.bestValidationStep !== undefined ? ` at step ${formatCount(meta.bestValidationStep)}` : ''} |`,
    ...(decoding ? [`| greedy decoding | ${esc(decodingText(decoding, info.errorRateName))} |`] : []),
    ...(info.baseline ? [`| baseline | ${formatLoss(info.baseline.value)} (${esc(info.baseline.label)}) |`] : []),
    `| model | ${thousands(info.paramCount)} parameters, ${esc(info.device)} |`,
    ...(estimate ? [`| estimate | ${esc(estimate)} |`] : []),
    ...(info.backendReason ? [`| backend | ${esc(info.backendReason)} |`] : []),
    `| data | ${esc(info.dataSummary)} |`,
  ];
  const verdict = verdictLines(meta);
  if (verdict.length > 0) lines.push('', `**Verdict:** ${esc(verdict[0])}`, ...verdict.slice(1).map((v) => `- ${esc(v)}`));
  if (s.kind === 'failed') lines.push('', `**Failed (${s.failure}):** ${esc(s.message.split('\n')[0].slice(0, 300))}`);
  const resume = resumeLines(resumability);
  if (resume.length > 0) lines.push('', ...resume);
  return lines.join('\n');
}

/** "exact 87 % · CER 3.1 % · BLEU 41.2 on 200 pairs". */
export function decodingText(d: DecodingScores, errorRateName = 'token error rate'): string {
  const parts = [exactMatchText(d), `${errorRateName} ${(100 * d.tokenErrorRate).toFixed(1)} %`];
  if (d.bleu !== undefined) parts.push(`BLEU ${d.bleu.toFixed(1)}`);
  if (d.chrF !== undefined) parts.push(`chrF ${d.chrF.toFixed(1)}`);
  return `${parts.join(' · ')} on ${formatCount(d.pairs)} validation pairs`;
}

/** `decoding`: an encoder–decoder's greedy scores at its last evaluation (RunsOnDisk.decoding). */
export function runNode(run: RunSummary, o: { live?: Live; resumability?: Resumability; named?: boolean; decoding?: DecodingScores } = {}): RunNode {
  const status = run.status.kind;
  const resumable = o.resumability?.kind === 'resumable';
  const seq2seq = isSeq2seqRun(run);
  return {
    kind: 'run',
    id: `run:${run.id}`,
    runId: run.id,
    dir: run.dir,
    configPath: run.meta.info.configPath,
    label: runLabel(run, o.named ?? false, o.live, o.decoding),
    description: runDescription(run),
    tooltip: runTooltip(run, o.resumability, o.decoding),
    icon: statusIcon(status),
    status,
    resumable,
    // the menus' `when` clauses read this: Resume only on `.resumable` rows, Translate only on `.seq2seq` ones
    contextValue: `run.${status}${resumable ? '.resumable' : ''}${seq2seq ? '.seq2seq' : ''}`,
  };
}

/** A run folder whose meta.json is missing or unusable (runReader's damaged folder). */
export interface DamagedFolder {
  id: string;
  dir: string;
  problem: string;
}

export function damagedNode(d: DamagedFolder): DamagedNode {
  return {
    kind: 'damaged',
    id: `damaged:${d.id}`,
    runId: d.id,
    dir: d.dir,
    label: titleFromRunId(d.id),
    description: `damaged: ${d.problem}`,
    tooltip: [
      `**Damaged run** \`${d.id}\``,
      '',
      `${esc(d.problem)}.`,
      '',
      'Its files are still on disk. **Repair Run** rebuilds meta.json from the run\'s config snapshot, metrics and checkpoints, after showing what it would write; nothing is deleted, and a damaged meta.json is kept beside the new one.',
    ].join('\n'),
    icon: { id: 'warning', color: 'list.warningForeground' },
    contextValue: 'damaged',
  };
}
