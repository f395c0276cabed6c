// What a user should hear before a run resumes: a resume trains the run's own config (its snapshot) and
// reads its data where that config said, so a config given alongside that differs from the snapshot is
// not used, and a data file changed since the run started changes what the resumed run learns from.

import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { ExperimentConfig } from '../shared/config';
import { parseConfig } from '../shared/configValidation';
import { configDifferences, describeDifferences } from './configDifferences';
import { dataFileChange, dataFileOf } from './dataFile';
import { RUN_FILES } from './runFiles';
import { readConfigSnapshot, type RunSummary } from './runReader';

export interface ResumeCheck {
  /** The config file the run started from; its folder is where the run's data paths resolve. */
  configPath: string;
  warnings: string[];
}

/** Checks a resume of `run`, with the config the user gave (if any), before it starts. */
export async function checkResume(run: RunSummary, given?: string): Promise<ResumeCheck> {
  const configPath = path.resolve(run.meta.info.configPath);
  const snapshot = await snapshotConfig(run.dir);
  const warnings: string[] = [];
  if (given !== undefined) {
    const file = path.resolve(given);
    warnings.push(...(await givenConfigWarnings(run, file, snapshot)));
    if (snapshot && dataFileOf(snapshot, configPath) !== undefined && path.dirname(file) !== path.dirname(configPath)) {
      warnings.push(`The run's data paths resolve against ${path.dirname(configPath)}, the folder of the config it started from, not against ${path.dirname(file)}.`);
    }
  }
  if (snapshot) warnings.push(...(await dataWarnings(run, snapshot, configPath)));
  return { configPath, warnings };
}

async function snapshotConfig(dir: string): Promise<ExperimentConfig | undefined> {
  const text = await readConfigSnapshot(dir).catch(() => undefined);
  return text === undefined ? undefined : parseConfig(text, RUN_FILES.config).config;
}

async function givenConfigWarnings(run: RunSummary, given: string, snapshot: ExperimentConfig | undefined): Promise<string[]> {
  const ownConfig = `the config run ${run.id} started with`;
  if (!snapshot) return [`${given} is not compared with ${ownConfig}: its ${RUN_FILES.config} is missing or unusable. The run resumes with the config its checkpoint records.`];
  let text: string;
  try {
    text = await fsp.readFile(given, 'utf8');
  } catch (e) {
    return [`${given} cannot be read (${(e as NodeJS.ErrnoException).code}); it is not needed: the run resumes with ${ownConfig}.`];
  }
  const { config } = parseConfig(text, given);
  if (!config) return [`${given} is not a valid config; it is not used: the run resumes with ${ownConfig}.`];
  const diffs = configDifferences(snapshot, config);
  if (diffs.length === 0) return [];
  return [
    `${given} differs from ${ownConfig} (its ${RUN_FILES.config}) in ${describeDifferences(diffs)}. ` +
      `The run resumes with its own config; to train with the changed one, start a new run: seqlab train ${given}`,
  ];
}

async function dataWarnings(run: RunSummary, snapshot: ExperimentConfig, configPath: string): Promise<string[]> {
  const file = dataFileOf(snapshot, configPath);
  if (file === undefined) return [];
  const recorded = run.meta.dataFile;
  if (!recorded) return [];
  const change = await dataFileChange(recorded, file);
  switch (change.kind) {
    case 'same':
      return [];
    case 'missing':
      return [`The data file ${file} (relative to ${path.dirname(configPath)}, the folder of the config the run started from) is gone; the resume cannot load it.`];
    case 'changed':
      return [
        `The data file ${file} changed since the run started (${recorded.bytes.toLocaleString('en')} → ${change.bytes.toLocaleString('en')} bytes, ` +
          `modified ${new Date(change.mtimeMs).toISOString()}): the resumed run trains on the changed data, and its vocabulary or columns may no longer match the checkpoint. ` +
          'To train on the new data from scratch, start a new run.',
      ];
  }
}
