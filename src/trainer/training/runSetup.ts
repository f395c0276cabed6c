// Before a run trains: the config (the file, or the snapshot of the run a resume continues, with the
// request's overrides), the data it names, and the plan of how long to train.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CellKind, ExperimentConfig } from '../../shared/config';
import { formatProblem, parseConfig } from '../../shared/configValidation';
import type { ResourceEstimate } from '../../shared/metrics';
import type { TrainRequest } from '../../shared/protocol';
import type { SweepRunInfo } from '../../shared/sweep';
import { sweepPointText } from '../../shared/sweepPointConfig';
import { type LoadedCheckpoint, readRun } from '../../runs/runReader';
import { unwritableFolder, unwritableFolderMessage } from '../../runs/writableFolder';
import { dataFileChange, dataFileOf, recordDataFile } from '../../runs/dataFile';
import type { DataFileRecord } from '../../runs/runFiles';
import { type Dataset, loadDatasetSteps } from '../data';
import { TrainError } from '../errors';
import { runStepsAsync } from '../steps';
import { Cancelled, type Pacer } from './phases';
import { type TrainingPlan, trainingPlan } from './plan';
import { checkpointToResume, type TrainSink } from './session';

/** The config file, or with `sweep` the config of that point of its sweep (the run's config.seqlab.json). */
export function loadConfigFile(configPath: string, sweep?: SweepRunInfo): { config: ExperimentConfig; text: string } {
  let text: string;
  try {
    text = fs.readFileSync(configPath, 'utf8');
  } catch (e) {
    throw new TrainError('config', `${configPath}: cannot read the config (${(e as NodeJS.ErrnoException).code ?? e}).`);
  }
  if (sweep) text = sweepPointText(text, sweep.values);
  const { config, problems } = parseConfig(text, configPath);
  const errors = problems.filter((p) => p.severity === 'error');
  if (!config || errors.length > 0) {
    throw new TrainError('config', errors.map((p) => formatProblem(configPath, p)).join('\n'));
  }
  return { config, text };
}

export interface RunSetup {
  configPath: string;
  config: ExperimentConfig;
  /** The config as the run folder keeps it. */
  configText: string;
  cell: CellKind;
  resume?: LoadedCheckpoint;
  data: Dataset;
  plan: TrainingPlan;
  /** Memory and disk the run is expected to take (preflight.ts). */
  estimate?: ResourceEstimate;
  /** A new run's data file as it was when it was read (meta.json keeps it for resumes to compare). */
  dataFile?: DataFileRecord;
}

/** Reads the config, loads its data (in chunks: `pacer` may stop it with Cancelled) and plans the run. */
export async function prepareRun(request: TrainRequest, sink: TrainSink = {}, pacer?: Pacer): Promise<RunSetup> {
  const resume = await checkpointToResume(request);
  const folder = resume ? path.join(request.runsDir, request.resumeRunId!) : request.runsDir;
  const refused = unwritableFolder(folder);
  if (refused) throw new TrainError('storage', unwritableFolderMessage(refused, resume ? `Run ${request.resumeRunId}'s checkpoints and metrics` : 'The run folder'));
  // a resume trains the run's own config, so its data paths resolve against the folder of the config it started from
  const configPath = path.resolve((resume && (await startingConfigPath(request))) || request.configPath);
  const loaded = resume ? { config: resume.meta.config, text: JSON.stringify(resume.meta.config, null, 2) } : loadConfigFile(configPath, request.sweep);
  const config = request.diagnosticsEvery && request.diagnosticsEvery > 0
    ? { ...loaded.config, diagnostics: { ...loaded.config.diagnostics, every: Math.floor(request.diagnosticsEvery) } }
    : loaded.config;
  const t = config.training;
  let data: Dataset;
  sink.phase?.({ phase: 'data', what: dataWhat(config.data) });
  // the identity of what is about to be read, which a resume compares the file with (resumeCheck.ts)
  const dataFile = resume ? undefined : recordDataFile(dataFileOf(config, configPath));
  try {
    const steps = loadDatasetSteps(config.data, { configDir: path.dirname(configPath), validationSplit: config.validationSplit, sequenceLength: t.sequenceLength });
    data = await runStepsAsync(steps, async () => pacer?.between('data'));
  } catch (e) {
    if (e instanceof Cancelled) throw e;
    throw new TrainError('data', e instanceof Error ? e.message : String(e));
  }
  const during = dataFile && (await dataFileChange(dataFile));
  if (during && during.kind !== 'same') {
    throw new TrainError('data', `${dataFile!.path} ${during.kind === 'missing' ? 'was removed' : 'changed'} while it was being read, so the run would learn from a mixture of two files; nothing was started. Start the run again once the file is written.`);
  }
  const plan = trainingPlan(t, data.trainSize, request.maxSteps);
  if (plan.batchSize < 1) throw new TrainError('data', `${data.describe()}: no training examples. Use more data or a shorter sequence length.`);
  return { configPath, config, configText: loaded.text, cell: request.cell ?? config.model.cell, ...(resume && { resume }), ...(dataFile && { dataFile }), data, plan };
}

/** The config file the resumed run started from, as its meta.json records it. */
async function startingConfigPath(request: TrainRequest): Promise<string | undefined> {
  return request.resumeRunId === undefined ? undefined : (await readRun(path.join(request.runsDir, request.resumeRunId)))?.meta.info.configPath;
}

/** The data a config names, for the progress line of the data phase. */
function dataWhat(data: ExperimentConfig['data']): string {
  switch (data.kind) {
    case 'synthetic': return `synthetic ${data.task}, ${data.samples} samples of length ${data.length}`;
    case 'synthetic-pairs': return `synthetic pairs ${data.task}, ${data.samples} samples`;
    default: return `${data.kind} ${data.path}`;
  }
}
