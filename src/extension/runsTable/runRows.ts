// The runs table's rows from the run folders: each run's config snapshot (config.seqlab.json, parsed with
// its defaults) flattened to setting paths, and its results (src/runs/runResults.ts). A run's row is read
// again only when its meta.json changed (updatedAt), so a refresh of a hundred runs reads what moved. The
// conversion is pure (toRunRow, settingsOf, configDiffLines); RunRows owns the cache. No vscode.

import * as path from 'node:path';
import type { ExperimentConfig } from '../../shared/config';
import { parseConfig } from '../../shared/configValidation';
import type { RunInfo } from '../../shared/metrics';
import type { SweepRunInfo } from '../../shared/sweep';
import type { RunRow, CellValue } from '../../shared/runsTable';
import type { ConfigDiffLine } from '../../shared/runsTableProtocol';
import { configDifferences } from '../../runs/configDifferences';
import { RUN_FILES } from '../../runs/runFiles';
import { readConfigSnapshot, type RunSummary } from '../../runs/runReader';
import { readRunResults, type RunResults } from '../../runs/runResults';

/** Sections of a config that say how to start runs, not how a run trained. */
const NOT_SETTINGS = new Set(['$schema', 'compare', 'sweep']);

/** The config's settings by path; lists as their JSON text; `model.cell` is the cell the run trained. */
export function settingsOf(config: ExperimentConfig | undefined, cell: string): Record<string, CellValue> {
  const out: Record<string, CellValue> = {};
  const visit = (value: unknown, prefix: string) => {
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      const p = prefix ? `${prefix}.${key}` : key;
      if (!prefix && NOT_SETTINGS.has(key)) continue;
      if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') out[p] = v;
      else if (Array.isArray(v)) out[p] = JSON.stringify(v);
      else if (typeof v === 'object' && v !== null) visit(v, p);
    }
  };
  if (config) visit(config, '');
  // Compare Cells trains one config's snapshot with each cell: the run's own cell is the truth
  out['model.cell'] = cell;
  return out;
}

/** meta.json's info.sweep when it has the shape the trainer writes (a hand-edited meta.json may not). */
function sweepOf(info: RunInfo): SweepRunInfo | undefined {
  const s = info.sweep as Partial<SweepRunInfo> | undefined;
  const ok = s && typeof s.id === 'string' && typeof s.label === 'string' && typeof s.values === 'object' && s.values !== null && !Array.isArray(s.values);
  return ok ? (s as SweepRunInfo) : undefined;
}

/** What the table calls a run: its sweep values, else (also a cell comparison's run, whose values say no more than its cell) its experiment and cell. */
export const runLabel = (info: RunInfo): string => sweepOf(info)?.label || `${info.name} · ${String(info.cell).toUpperCase()}`;

/** The run's row: `config` its parsed snapshot (undefined when missing or unusable: the row has no settings but the cell). */
export function toRunRow(run: RunSummary, config: ExperimentConfig | undefined, results: RunResults, configLabel: (configPath: string) => string): RunRow {
  const info = run.meta.info;
  const sweep = sweepOf(info);
  const metrics: Record<string, number> = { ...results.finalScores, seconds: results.seconds };
  if (results.bestValidationLoss !== undefined) metrics.bestValidationLoss = results.bestValidationLoss;
  if (results.bestValidationStep !== undefined) metrics.bestValidationStep = results.bestValidationStep;
  if (results.finalTrainingLoss !== undefined) metrics.finalTrainingLoss = results.finalTrainingLoss;
  if (results.stepsPerSecond !== undefined) metrics.stepsPerSecond = results.stepsPerSecond;
  return {
    id: run.id,
    label: runLabel(info),
    config: configLabel(info.configPath),
    status: run.status.kind,
    step: 'step' in run.status && run.status.step !== undefined ? run.status.step : 0,
    totalSteps: info.totalSteps,
    createdAt: run.meta.createdAt,
    ...(sweep && { sweep }),
    settings: settingsOf(config, info.cell),
    metrics,
  };
}

/** The settings where two runs' configs differ, each value as JSON ('not set' where one lacks it). */
export function configDiffLines(a: { config?: ExperimentConfig; cell: string }, b: { config?: ExperimentConfig; cell: string }): ConfigDiffLine[] {
  const withCell = (c: { config?: ExperimentConfig; cell: string }) => {
    const { compare: _compare, sweep: _sweep, ...rest } = c.config ?? ({} as Partial<ExperimentConfig>);
    return { ...rest, model: { ...rest.model, cell: c.cell } };
  };
  const show = (v: unknown) => (v === undefined ? 'not set' : JSON.stringify(v));
  return configDifferences(withCell(a), withCell(b)).map((d) => ({ path: d.field, a: show(d.before), b: show(d.after) }));
}

/** A run's config snapshot with its defaults; undefined when the snapshot is missing or does not validate. */
export async function readRunConfig(dir: string): Promise<ExperimentConfig | undefined> {
  const text = await readConfigSnapshot(dir).catch(() => undefined);
  return text === undefined ? undefined : parseConfig(text, RUN_FILES.config).config;
}

/** Rows of the runs on disk, each re-read only when its meta.json changed. */
export class RunRows {
  private readonly cache = new Map<string, { updatedAt: string; status: string; row: RunRow; config?: ExperimentConfig }>();

  constructor(private readonly configLabel: (configPath: string) => string) {}

  async rows(runs: readonly RunSummary[]): Promise<RunRow[]> {
    const rows = await Promise.all(runs.map((r) => this.row(r)));
    const ids = new Set(runs.map((r) => r.id));
    for (const id of this.cache.keys()) if (!ids.has(id)) this.cache.delete(id);
    return rows;
  }

  /** The parsed config snapshot of a run the table showed (for Compare Configs). */
  async config(run: RunSummary): Promise<ExperimentConfig | undefined> {
    return this.cache.get(run.id)?.config ?? readRunConfig(run.dir);
  }

  private async row(run: RunSummary): Promise<RunRow> {
    const cached = this.cache.get(run.id);
    // the status can change without meta.json changing (a running run whose trainer is gone reads as interrupted)
    if (cached && cached.updatedAt === run.meta.updatedAt && cached.status === run.status.kind) return cached.row;
    const [config, results] = await Promise.all([cached?.config ? Promise.resolve(cached.config) : readRunConfig(run.dir), readRunResults(run)]);
    const row = toRunRow(run, config, results, this.configLabel);
    this.cache.set(run.id, { updatedAt: run.meta.updatedAt, status: run.status.kind, row, ...(config && { config }) });
    return row;
  }
}

/** `folder/tiny.seqlab.json` inside a workspace folder, else the file name. */
export function configLabelIn(folders: readonly string[]): (configPath: string) => string {
  return (configPath) => {
    for (const f of folders) {
      const rel = path.relative(f, configPath);
      if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) return rel.split(path.sep).join('/');
    }
    return path.basename(configPath);
  };
}
