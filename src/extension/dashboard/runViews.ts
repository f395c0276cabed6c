// Turns run folders into what a dashboard shows: RunViews, metric columns a chunk at a time, snapshots and
// the history of ‖∂L_T/∂h_t‖ across snapshots, all read through src/runs (asynchronous: this runs on the
// extension host, whose event loop serves the whole window). No vscode, so unit tests can call it.
import { lastStepsOf, type MetricColumns } from '../../shared/metricColumns';
import { type DiagnosticsSnapshot, isGradientHistoryArray, type MetricRecord } from '../../shared/metrics';
import type { RunView } from '../../shared/webviewProtocol';
import { metricColumnChunks } from '../../runs/metricColumnsReader';
import { readConfigSnapshot, readDiagnosticsIndex, readDiagnosticsSnapshot, type RunSummary } from '../../runs/runReader';

/**
 * Records per `metrics` message parsed from metrics.jsonl: 256 Ki steps are 11 MB of columns, which postMessage
 * copies as bytes in a few milliseconds; the host awaits each post before it reads on, so an older run's slow
 * parse (about 1.4 s a million lines) shows as it goes.
 */
export const METRICS_CHUNK = 262144;

/**
 * Steps per `metrics` message read from metrics.steps.bin (a million steps in 0.1–0.2 s): a run of up to 1 Mi
 * steps arrives whole, so the webview takes its columns as they come (no copy into growing columns) and draws
 * once; a 1M-step first load spent 50–70 ms growing columns from four 256 Ki messages.
 */
export const STEP_FILE_CHUNK = 1 << 20;

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

/** Last step sent per record kind, to drop live records that the disk read already delivered. */
export type SentSteps = { step: number; eval: number; sample: number };

export function lastSteps(records: MetricRecord[], into: SentSteps = { step: -1, eval: -1, sample: -1 }): SentSteps {
  for (const r of records) if (r.step > into[r.kind]) into[r.kind] = r.step;
  return into;
}

/** What `lastSteps` says after the columns were sent too. */
export function lastStepsAfter(columns: MetricColumns, sent: SentSteps = { step: -1, eval: -1, sample: -1 }): SentSteps {
  const last = lastStepsOf(columns);
  return { step: Math.max(sent.step, last.step), eval: Math.max(sent.eval, last.eval), sample: Math.max(sent.sample, last.sample) };
}

export function newerThan(records: MetricRecord[], sent: SentSteps): MetricRecord[] {
  return records.filter((r) => r.step > sent[r.kind]);
}

/**
 * The run's metrics as columns, a chunk at a time; an unreadable file ends them (what was read stays shown).
 * A stopped run read from metrics.jsonl alone (an older SeqLab's, or a step file that disagrees) gets its step
 * file written, so that its next load is fast; a running run's is its trainer's to write.
 */
export async function* runMetricColumns(run: RunSummary, chunk = METRICS_CHUNK, stepFileChunk = STEP_FILE_CHUNK): AsyncGenerator<MetricColumns> {
  try {
    yield* metricColumnChunks(run.dir, chunk, { rebuild: run.status.kind !== 'running', stepFileChunk });
  } catch {
    return;
  }
}

export async function readSnapshot(run: RunSummary, step?: number): Promise<DiagnosticsSnapshot | undefined> {
  const index = await readDiagnosticsIndex(run.dir);
  const entry = step === undefined ? index[index.length - 1] : index.find((e) => e.step === step);
  return entry && readDiagnosticsSnapshot(run.dir, entry);
}

/** The gradients through time of every snapshot (isGradientHistoryArray: `l{layer}.dhLast`, an encoder–decoder's `….dh`) flattened [S, T] with the snapshots' steps. */
export async function readGradientHistory(run: RunSummary): Promise<{ steps: number[]; arrays: Record<string, { data: Float32Array; shape: number[] }> }> {
  const index = await readDiagnosticsIndex(run.dir);
  const steps: number[] = [];
  const rows: Record<string, Float32Array[]> = {};
  for (const e of index) {
    steps.push(e.step);
    const snap = await readDiagnosticsSnapshot(run.dir, e, isGradientHistoryArray);
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
