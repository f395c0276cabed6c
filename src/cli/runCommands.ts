// `seqlab runs`, `seqlab show`, `seqlab sample`: read-only views of the run store.

import type { EvalRecord, SampleRecord, StepRecord } from '../shared/metrics';
import { formatDuration } from '../shared/format';
import { listRuns, readMetrics, readWeights, type RunSummary } from '../runs/runReader';
import { resolveRun } from '../runs/runReference';
import { createBackend } from '../trainer/backends/createBackend';
import { TrainError } from '../trainer/errors';
import { Rng } from '../trainer/rng';
import { sampleTokens } from '../trainer/sampling';
import { UNK } from '../trainer/data';
import { bestAndFinal } from '../shared/verdict';
import { runReportLines } from './runReportLines';

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
  const { final: e } = bestAndFinal(evals);
  if (e) {
    let v = `validation ${e.loss.toFixed(4)} at step ${e.step}`;
    if (e.accuracy !== undefined) v += `, accuracy ${(100 * e.accuracy).toFixed(1)}%`;
    if (e.solved !== undefined) v += `, solved ${(100 * e.solved).toFixed(1)}%`;
    if (e.rmse !== undefined) v += `, RMSE ${e.rmse.toPrecision(4)}`;
    lines.push(`eval      ${v}; best ${run.meta.bestValidationLoss?.toFixed(4) ?? '-'}`);
  }
  lines.push(...runReportLines(run.meta, evals));
  for (const s of samples.slice(-3)) lines.push(`sample    τ=${s.temperature}: ${JSON.stringify(s.text.slice(0, 200))}`);
  process.stdout.write(lines.join('\n') + '\n');
}

export async function sampleFromRun(runsDir: string, ref: string, o: { prime: string; length: number; temperature: number; seed?: number }): Promise<void> {
  const run = await resolveRun(runsDir, ref);
  const weights = await readWeights(run.dir);
  if (!weights) throw new TrainError('failed' as never, `Run ${run.id} has no weights yet (no checkpoint was written).`);
  const vocab = weights.meta.vocabulary;
  if (!vocab || weights.meta.spec.input !== 'tokens' || weights.meta.spec.head !== 'every') {
    throw new Error(`Run ${run.id} is not a text model; sampling needs a character or word language model.`);
  }
  const index = new Map(vocab.map((t, i) => [t, i]));
  const level = weights.meta.config.data.kind === 'text' ? weights.meta.config.data.level : 'char';
  const primeTokens = level === 'word' ? o.prime.split(/\s+/).filter(Boolean) : Array.from(o.prime);
  const unknown = primeTokens.filter((t) => !index.has(t));
  if (unknown.length === primeTokens.length) throw new Error(`None of the prime's tokens is in the model's vocabulary (${vocab.length} tokens).`);
  const ids = primeTokens.filter((t) => index.has(t)).map((t) => index.get(t)!);
  const { backend } = await createBackend('wasm', { spec: weights.meta.spec, batch: 1, steps: 1, threads: 1 });
  try {
    backend.setParams(weights.params);
    const out = sampleTokens(backend.stepper(), ids, o.length, o.temperature, new Rng(o.seed ?? Date.now() >>> 0), vocab.indexOf(UNK));
    const sep = level === 'word' ? ' ' : '';
    process.stdout.write(o.prime + sep + out.map((id) => vocab[id]).join(sep) + '\n');
  } finally {
    await backend.dispose();
  }
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

