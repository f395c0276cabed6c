// `seqlab runs`, `seqlab show`: read-only views of the run store.

import type { DecodingScores, EvalRecord, RunInfo, SampleRecord, StepRecord } from '../shared/metrics';
import { formatDuration, formatLoss } from '../shared/format';
import type { RunStatus } from '../shared/protocol';
import { listRunFolders, type ListedRunFolder, readMetrics, type RunSummary } from '../runs/runReader';
import { resolveRunFolder } from '../runs/runReference';
import { readResumability, readRunContents } from '../runs/runContents';
import { checkRepair } from '../runs/runRepair';
import { damagedRunLines, resumeLines, resumeNote } from './runFolderView';
import { bestAndFinal } from '../shared/verdict';
import { pairSampleText, runReportLines } from './runReportLines';

export async function printRuns(runsDir: string, json: boolean): Promise<void> {
  const folders = await listRunFolders(runsDir);
  const resumes = new Map(
    await Promise.all(folders.flatMap((f) => (f.kind === 'run' && UNFINISHED.has(f.run.status.kind) ? [f.run] : [])).map(async (r) => [r.id, await readResumability(r.dir)] as const)),
  );
  if (json) {
    const entries = folders.map((f) =>
      f.kind === 'damaged'
        ? { id: f.id, dir: f.dir, status: { kind: 'damaged', problem: f.problem } }
        : { id: f.run.id, status: f.run.status, info: f.run.meta.info, bestValidationLoss: f.run.meta.bestValidationLoss, seconds: f.run.meta.seconds, ...(resumes.has(f.run.id) && { resume: resumes.get(f.run.id) }) },
    );
    process.stdout.write(JSON.stringify(entries, null, 2) + '\n');
    return;
  }
  if (folders.length === 0) {
    process.stdout.write(`No runs in ${runsDir}. Start one with: seqlab train <config>\n`);
    return;
  }
  const rows = folders.map((f) => {
    if (f.kind === 'damaged') return [f.id, 'damaged', '-', '-', '-', '-'];
    const r = f.run;
    return [r.id, r.status.kind, r.meta.info.cell, `${r.status.step}/${r.meta.info.totalSteps}`, formatLoss(r.meta.bestValidationLoss), formatDuration(r.meta.seconds)];
  });
  const head = ['RUN', 'STATUS', 'CELL', 'STEPS', 'BEST VAL', 'TIME'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  for (const row of [head, ...rows]) process.stdout.write(row.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd() + '\n');
  const notes = [
    ...[...resumes].map(([id, r]) => resumeNote(id, r)).filter((n): n is string => n !== undefined),
    ...folders.flatMap((f) => (f.kind === 'damaged' ? [`${f.id}: damaged: ${f.problem}. See what it holds: seqlab show ${f.id}; rebuild it: seqlab repair ${f.id}`] : [])),
  ];
  if (notes.length > 0) process.stdout.write(['', ...notes].join('\n') + '\n');
}

/** Statuses of runs that ended without finishing: `runs` says how to resume each, or why it cannot be. */
const UNFINISHED = new Set<RunStatus['kind']>(['interrupted', 'cancelled', 'failed']);

export async function printRun(runsDir: string, ref: string, json: boolean): Promise<void> {
  const folder = await resolveRunFolder(runsDir, ref);
  if (folder.kind === 'damaged') return printDamagedRun(folder, json);
  const { run } = folder;
  const resume = await readResumability(run.dir);
  const metrics = await readMetrics(run.dir);
  const steps = metrics.filter((m): m is StepRecord => m.kind === 'step');
  const evals = metrics.filter((m): m is EvalRecord => m.kind === 'eval');
  const samples = metrics.filter((m): m is SampleRecord => m.kind === 'sample');
  if (json) {
    process.stdout.write(JSON.stringify({ id: run.id, dir: run.dir, status: run.status, meta: run.meta, lastStep: steps.at(-1), lastEval: evals.at(-1), samples: samples.slice(-3), resume }, null, 2) + '\n');
    return;
  }
  const i = run.meta.info;
  const lines = [
    `run       ${run.id}`,
    `folder    ${run.dir}`,
    `status    ${statusText(run)}`,
    `config    ${i.configPath}`,
    `model     ${i.cell.toUpperCase()}, ${i.paramCount.toLocaleString('en')} parameters, ${i.device}`,
    ...(i.backendReason ? [`backend   ${i.backendReason}`] : []),
    `data      ${i.dataSummary}`,
    `time      ${formatDuration(run.meta.seconds)}${run.meta.stepsPerSecond ? `, ${run.meta.stepsPerSecond.toFixed(1)} steps/s` : ''}`,
    `loss      ${formatLoss(steps.at(-1)?.loss)} (train, step ${steps.at(-1)?.step ?? 0})`,
  ];
  const { final: e } = bestAndFinal(evals);
  if (e) {
    let v = `validation ${formatLoss(e.loss)} at step ${e.step}`;
    if (e.accuracy !== undefined) v += `, accuracy ${(100 * e.accuracy).toFixed(1)}%`;
    if (e.solved !== undefined) v += `, solved ${(100 * e.solved).toFixed(1)}%`;
    if (e.rmse !== undefined) v += `, RMSE ${e.rmse.toPrecision(4)}`;
    lines.push(`eval      ${v}; best ${formatLoss(run.meta.bestValidationLoss)}`);
    if (e.greedy) lines.push(`greedy    ${decodingLine(e.greedy, i)}`);
    if (e.beam) lines.push(`${`beam ${e.beam.beamWidth}`.padEnd(10)}${decodingLine(e.beam, i)}`);
  }
  lines.push(...runReportLines(run.meta, evals));
  const lastStep = samples.at(-1)?.step;
  const pairSamples = samples.filter((s) => s.reference !== undefined && s.step === lastStep);
  if (pairSamples.length > 0) lines.push(...pairSamples.map(pairSampleLine));
  else for (const s of samples.slice(-3)) lines.push(`sample    τ=${s.temperature}: ${JSON.stringify(s.text.slice(0, 200))}`);
  lines.push(...resumeLines(run.id, resume, i.configPath), ...repairedLines(run));
  process.stdout.write(lines.join('\n') + '\n');
}

/** `show` of a damaged run: what is there, and what `seqlab repair` would rebuild from it. */
async function printDamagedRun(folder: Extract<ListedRunFolder, { kind: 'damaged' }>, json: boolean): Promise<void> {
  const [contents, plan] = await Promise.all([readRunContents(folder.dir), checkRepair(folder, { searchIn: [process.cwd()] })]);
  if (json) {
    process.stdout.write(JSON.stringify({ id: folder.id, dir: folder.dir, status: { kind: 'damaged', problem: folder.problem }, contents, repair: plan }, null, 2) + '\n');
    return;
  }
  if (plan.kind === 'notNeeded') throw new Error(`Run ${folder.id} was repaired while it was read; show it again.`);
  process.stdout.write(damagedRunLines(folder.id, folder.dir, folder.problem, contents, plan).join('\n') + '\n');
}

/** An encoder–decoder's decoding scores: `exact 93.1%, CER 1.20%, BLEU 45.1, chrF 60.2 (1984 pairs)`. */
function decodingLine(d: DecodingScores, info: RunInfo): string {
  const parts = [`exact ${(100 * d.exactMatch).toFixed(1)}%`, `${info.errorRateName ?? 'token error rate'} ${(100 * d.tokenErrorRate).toFixed(2)}%`];
  if (d.bleu !== undefined) parts.push(`BLEU ${d.bleu.toFixed(1)}`);
  if (d.chrF !== undefined) parts.push(`chrF ${d.chrF.toFixed(1)}`);
  return `${parts.join(', ')} (${d.pairs} validation pairs)`;
}

/** `example   "gbfad" → "dafbg" (reference "dafbg"; beam "dafbg")` */
const pairSampleLine = (s: SampleRecord): string => `example   ${pairSampleText(s)}`;

/** A meta.json that `seqlab repair` rebuilt says so, with what it could not know. */
function repairedLines(run: RunSummary): string[] {
  const r = run.meta.repaired;
  if (!r) return [];
  return [`repaired  ${r.at}: meta.json rebuilt from ${r.rebuiltFrom.join(', ')}${r.damagedCopy ? `; the damaged one is kept as ${r.damagedCopy}` : ''}`, ...(r.unknown.length > 0 ? [`          not recorded: ${r.unknown.join('; ')}`] : [])];
}

function statusText(r: RunSummary): string {
  const s = r.status;
  switch (s.kind) {
    case 'running':
      return `running (pid ${s.pid}, step ${s.step})`;
    case 'finished':
      return `finished at step ${s.step}`;
    case 'failed':
      return `failed (${s.failure}) at step ${s.step ?? '?'}: ${s.message.split('\n')[0]}`;
    case 'cancelled':
      return `cancelled at step ${s.step}`;
    case 'interrupted':
      return `interrupted at step ${s.step} (the trainer stopped without finishing)`;
  }
}

