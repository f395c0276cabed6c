// Turns run folders into what a dashboard shows: RunViews, metric chunks, snapshots and the history of
// ‖∂L_T/∂h_t‖ across snapshots, all read through src/runs/runReader.ts (asynchronous: this runs on the
// extension host, whose event loop serves the whole window). No vscode, so unit tests can call it.
import type { DiagnosticsSnapshot, MetricRecord } from '../../shared/metrics';
import type { RunView } from '../../shared/webviewProtocol';
import { readConfigSnapshot, readDiagnosticsIndex, readDiagnosticsSnapshot, readMetrics, type RunSummary } from '../../runs/runReader';

/**
 * Records per `metrics` message. postMessage serializes a message synchronously on the host, so a
 * chunk is kept to what serializes in a few milliseconds; the host awaits each post before the next.
 */
export const METRICS_CHUNK = 500;

export async function clipNormOf(dir: string): Promise<number | undefined> {
  try {
    const config = JSON.parse((await readConfigSnapshot(dir)) ?? '{}') as { training?: { clipping?: { globalNorm?: unknown } } };
    const g = config.training?.clipping?.globalNorm;
    return typeof g === 'number' && g > 0 ? g : undefined;
  } catch {
    return undefined;
  }
}

async function snapshotSteps(run: RunSummary): Promise<number[]> {
  try {
    return (await readDiagnosticsIndex(run.dir)).map((e) => e.step);
  } catch {
    return [];
  }
}

export async function toRunView(run: RunSummary, colorIndex: number): Promise<RunView> {
  const [steps, clip] = await Promise.all([snapshotSteps(run), clipNormOf(run.dir)]);
  const view: RunView = {
    id: run.id,
    info: run.meta.info,
    status: run.status,
    colorIndex,
    seconds: run.meta.seconds,
    snapshotSteps: steps,
  };
  if (run.meta.stepsPerSecond !== undefined) view.stepsPerSecond = run.meta.stepsPerSecond;
  if (run.meta.bestValidationLoss !== undefined) view.bestValidationLoss = run.meta.bestValidationLoss;
  if (clip !== undefined) view.clipNorm = clip;
  return view;
}

export function chunkRecords(records: MetricRecord[], size = METRICS_CHUNK): MetricRecord[][] {
  const out: MetricRecord[][] = [];
  for (let i = 0; i < records.length; i += size) out.push(records.slice(i, i + size));
  return out;
}

/** Last step sent per record kind, to drop live records that the disk read already delivered. */
export type SentSteps = { step: number; eval: number; sample: number };

export function lastSteps(records: MetricRecord[], into: SentSteps = { step: -1, eval: -1, sample: -1 }): SentSteps {
  for (const r of records) if (r.step > into[r.kind]) into[r.kind] = r.step;
  return into;
}

export function newerThan(records: MetricRecord[], sent: SentSteps): MetricRecord[] {
  return records.filter((r) => r.step > sent[r.kind]);
}

export async function readRunMetrics(run: RunSummary): Promise<MetricRecord[]> {
  try {
    return await readMetrics(run.dir);
  } catch {
    return [];
  }
}

export async function readSnapshot(run: RunSummary, step?: number): Promise<DiagnosticsSnapshot | undefined> {
  const index = await readDiagnosticsIndex(run.dir);
  const entry = step === undefined ? index[index.length - 1] : index.find((e) => e.step === step);
  return entry && readDiagnosticsSnapshot(run.dir, entry);
}

/** ‖∂L_T/∂h_t‖ of every snapshot: arrays `l{layer}.dhLast` flattened [S, T] with the snapshots' steps. */
export async function readGradientHistory(run: RunSummary): Promise<{ steps: number[]; arrays: Record<string, { data: Float32Array; shape: number[] }> }> {
  const index = await readDiagnosticsIndex(run.dir);
  const steps: number[] = [];
  const rows: Record<string, Float32Array[]> = {};
  for (const e of index) {
    steps.push(e.step);
    const snap = await readDiagnosticsSnapshot(run.dir, e, (name) => name.endsWith('.dhLast'));
    for (const [name, a] of Object.entries(snap.arrays)) (rows[name] ??= []).push(a.data);
  }
  const arrays: Record<string, { data: Float32Array; shape: number[] }> = {};
  for (const [name, list] of Object.entries(rows)) {
    if (list.length !== steps.length) continue;
    const T = list[0].length;
    const data = new Float32Array(list.length * T);
    list.forEach((row, s) => data.set(row.subarray(0, T), s * T));
    arrays[name] = { data, shape: [list.length, T] };
  }
  return { steps, arrays };
}
