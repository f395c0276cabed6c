// The data file a run trains on, recorded when the run starts (meta.json's dataFile) and compared when it
// resumes: a resumed run reads the file again, and a changed file silently changes what it learns from.

import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { ExperimentConfig } from '../shared/config';
import type { DataFileRecord } from './runFiles';

/** The data file a config reads, absolute (data paths are relative to the config's folder); undefined for synthetic data. */
export function dataFileOf(config: ExperimentConfig, configPath: string): string | undefined {
  const data = config.data as { path?: unknown };
  return typeof data.path === 'string' ? path.resolve(path.dirname(configPath), data.path) : undefined;
}

/** The file's identity now; undefined when it cannot be read (the data loader reports why). Synchronous: the trainer records it as the run starts. */
export function recordDataFile(file: string | undefined): DataFileRecord | undefined {
  if (file === undefined) return undefined;
  try {
    const stat = fs.statSync(file);
    return { path: file, bytes: stat.size, mtimeMs: stat.mtimeMs, sha256: createHash('sha256').update(fs.readFileSync(file)).digest('hex') };
  } catch {
    return undefined;
  }
}

export type DataFileChange =
  | { kind: 'same' }
  | { kind: 'missing' }
  /** Different bytes; `bytes` and `mtimeMs` are the file's now. */
  | { kind: 'changed'; bytes: number; mtimeMs: number };

/** Whether the file still holds what `record` saw; its bytes are hashed only when its size or time moved. */
export async function dataFileChange(record: DataFileRecord, file = record.path): Promise<DataFileChange> {
  let stat: fs.Stats;
  try {
    stat = await fsp.stat(file);
  } catch {
    return { kind: 'missing' };
  }
  if (stat.size === record.bytes && stat.mtimeMs === record.mtimeMs) return { kind: 'same' };
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex') === record.sha256 ? { kind: 'same' } : { kind: 'changed', bytes: stat.size, mtimeMs: stat.mtimeMs };
}
