// `seqlab runs`, `seqlab show`: read-only views of the run store.

import type { EvalRecord, SampleRecord, StepRecord } from '../shared/metrics';
import { formatDuration } from '../shared/format';
import { listRuns, readMetrics, type RunSummary } from '../runs/runReader';
import { resolveRun } from '../runs/runReference';

export async function printRuns(runsDir: string, json: boolean): Promise<void> {
  const runs = await listRuns(runsDir);
  if (json) {
    process.stdout.write(JSON.stringify(runs.map((r) => ({ id: r.id, status: r.status, info: r.meta.info, bestValidationLoss: r.meta.bestValidationLoss, seconds: r.meta.seconds })), null, 2) + '\n');
    return;
  }
  if (runs.length === 0) {
    process.stdout.write(`No runs in ${runsDir}. Start one with: seqlab train <config>\n`);
    return;
  }
  const rows = runs.map((r) => [r.id, r.status.kind, r.meta.info.cell, `${r.status.step}/${r.meta.info.totalSteps}`, r.meta.bestValidationLoss?.toFixed(4) ?? '-', formatDuration(r.meta.seconds)]);
  const head = ['RUN', 'STATUS', 'CELL', 'STEPS', 'BEST VAL', 'TIME'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  for (const row of [head, ...rows]) process.stdout.write(row.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd() + '\n');
}

export async function printRun(runsDir: string, ref: string, json: boolean): Promise<void> {
  const run = await resolveRun(runsDir, ref);
  const metrics = await readMetrics(run.dir);
  const steps = metrics.filter((m): m is StepRecord => m.kind === 'step');
  const evals = metrics.filter((m): m is EvalRecord => m.kind === 'eval');
  const samples = metrics.filter((m): m is SampleRecord => m.kind === 'sample');
  if (json) {
    process.stdout.write(JSON.stringify({ id: run.id, dir: run.dir, status: run.status, meta: run.meta, lastStep: steps.at(-1), lastEval: evals.at(-1), samples: samples.slice(-3) }, null, 2) + '\n');
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
    `loss      ${steps.at(-1)?.loss.toFixed(4) ?? '-'} (train, step ${steps.at(-1)?.step ?? 0})`,
  ];
  const e = evals.at(-1);
  if (e) {
    let v = `validation ${e.loss.toFixed(4)} at step ${e.step}`;
    if (e.accuracy !== undefined) v += `, accuracy ${(100 * e.accuracy).toFixed(1)}%`;
    if (e.solved !== undefined) v += `, solved ${(100 * e.solved).toFixed(1)}%`;
    if (e.rmse !== undefined) v += `, RMSE ${e.rmse.toPrecision(4)}`;
    lines.push(`eval      ${v}; best ${run.meta.bestValidationLoss?.toFixed(4) ?? '-'}`);
  }
  if (i.baseline) lines.push(`baseline  ${i.baseline.value.toFixed(4)} ${i.baseline.metric} (${i.baseline.label})`);
  for (const s of samples.slice(-3)) lines.push(`sample    τ=${s.temperature}: ${JSON.stringify(s.text.slice(0, 200))}`);
  process.stdout.write(lines.join('\n') + '\n');
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
      return `interrupted at step ${s.step} (the trainer stopped without finishing; resume with: seqlab train --resume ${r.id} <config>)`;
  }
}

