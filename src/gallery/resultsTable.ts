// results.md: one section per experiment with the measured numbers beside the literature's, its
// figures, and a header naming the date, machine and backend the numbers come from. Pure.

import { figureTitle } from './experiment';
import type { ExperimentOutcome } from './reproduce';

export interface ResultsContext {
  quick: boolean;
  date: Date;
  host: string;
  /** The data folders, in the order a data file is looked for. */
  dataDir: string;
}

const verdict = (agrees: boolean | undefined) => (agrees === undefined ? '' : agrees ? '✓' : '✗ differs');
const cell = (s: string) => s.replace(/\|/g, '&#124;');
const duration = (s: number | undefined) => (s === undefined ? '–' : s < 120 ? `${s.toFixed(0)} s` : `${(s / 60).toFixed(1)} min`);

export function renderResults(outcomes: readonly ExperimentOutcome[], ctx: ResultsContext): string {
  const devices = new Set<string>();
  for (const o of outcomes) if (o.kind === 'done') for (const r of o.runs) devices.add(`${r.info.backend} (${r.info.device})`);
  const lines: string[] = [
    `# SeqLab gallery results${ctx.quick ? ' (quick smoke check — budgets far below the papers\')' : ''}`,
    '',
    `- Date: ${ctx.date.toISOString().slice(0, 10)}`,
    `- Machine: ${ctx.host}`,
    `- Backend: ${[...devices].join('; ') || '–'}`,
    `- Data directories: ${ctx.dataDir}`,
    '',
    '| # | experiment | model | measured | literature | agrees | steps | time |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const o of outcomes) {
    const n = o.experiment.id.split('-')[0];
    if (o.kind !== 'done') {
      const why = o.kind === 'stopped' ? 'stopped before it finished; run again to resume' : o.reason;
      lines.push(`| ${n} | ${cell(o.experiment.title)} | – | ${o.kind}: ${cell(why)} | ${cell(o.experiment.paper)} | | | |`);
      continue;
    }
    o.summary.rows.forEach((r, i) => {
      lines.push(`| ${i === 0 ? n : ''} | ${i === 0 ? cell(o.experiment.title) : ''} | ${cell(r.model)} | ${cell(r.measured)} | ${cell(r.expected)} | ${verdict(r.agrees)} | ${r.steps ?? ''} | ${duration(r.seconds)} |`);
    });
  }
  lines.push('');
  for (const o of outcomes) {
    lines.push(`## ${o.experiment.id}: ${o.experiment.title}`, '', o.experiment.paper, '');
    if (o.kind !== 'done') {
      lines.push(o.kind === 'stopped' ? 'Stopped before it finished; `reproduce` again resumes it.' : o.reason, '');
      continue;
    }
    for (const note of o.summary.notes) lines.push(note, '');
    for (const fig of o.summary.figures) lines.push(`![${figureTitle(fig)}](figures/${fig.file})`, '');
    lines.push(`Runs: ${o.runs.map((r) => `\`${r.key}\` ${r.runId}`).join(', ')}`, '');
  }
  return lines.join('\n');
}
