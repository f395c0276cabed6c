// What the gallery's tests share: a quick run of one experiment into a temporary folder.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Experiment, RunResult } from '../../src/gallery/experiment';
import { EXPERIMENTS } from '../../src/gallery/experiments';
import { type ExperimentOutcome, reproduce } from '../../src/gallery/reproduce';

export const galleryDir = path.resolve(__dirname, '..', '..', 'examples', 'gallery');
export const dataDir = path.resolve(__dirname, '..', '..', '..', 'shared', 'data');
export const byId = (id: string) => EXPERIMENTS.find((e) => e.id === id)!;
export const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-gallery-'));

export async function quick(exp: Experiment, patch: Record<string, unknown> = {}, outDir = tmp()): Promise<{ outcome: ExperimentOutcome; runs: Record<string, RunResult>; outDir: string }> {
  const [outcome] = await reproduce({ outDir, galleryDir, dataDir, quick: true, threads: 1, experiments: [{ ...exp, quick: { ...exp.quick, ...patch } }] });
  assert.equal(outcome.kind, 'done', outcome.kind === 'failed' || outcome.kind === 'skipped' ? outcome.reason : outcome.kind);
  const runs = outcome.kind === 'done' ? Object.fromEntries(outcome.runs.map((r) => [r.key, r])) : {};
  return { outcome, runs, outDir };
}
