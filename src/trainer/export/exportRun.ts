// `seqlab export`: a run's weights in a format other programs load. Everything a user can get wrong is
// checked here, before TensorFlow.js is loaded: the run, its weights, the output folder.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ExportRequest, ExportResult, ExportWeights } from '../../shared/modelExport';
import type { RequestProblem } from '../../shared/protocol';
import { exportDirOf } from '../../runs/runFiles';
import { isSequenceWeights, type LoadedWeights, readBestWeights, readWeights, type RunSummary } from '../../runs/runReader';
import { resolveRun, RunReferenceError } from '../../runs/runReference';
import { explainNoWeights } from '../../runs/runContents';
import { RequestError } from '../requestError';
import { exportMetadata, TFJS_FILES, UnsupportedRunError, usageSnippet } from './tfjsFormat';

export type ExportProblem = Extract<RequestProblem, 'notFound' | 'noWeights' | 'outExists' | 'unsupported'>;

export class ExportError extends RequestError {
  constructor(
    override readonly problem: ExportProblem,
    message: string,
  ) {
    super(problem, message);
    this.name = 'ExportError';
  }
}

export async function exportRun(o: ExportRequest): Promise<ExportResult> {
  let run: RunSummary;
  try {
    run = await resolveRun(o.runsDir, o.run);
  } catch (e) {
    if (e instanceof RunReferenceError) throw new ExportError('notFound', e.message);
    throw e;
  }
  const loaded = await weightsOf(run, o.weights);
  if (!isSequenceWeights(loaded)) throw new ExportError('unsupported', `Run ${run.id} is an encoder–decoder, which this version cannot export yet; seqlab translate ${run.id} uses it.`);
  let metadata;
  try {
    metadata = exportMetadata(run.id, loaded, o.weights);
  } catch (e) {
    if (e instanceof UnsupportedRunError) throw new ExportError('unsupported', e.message);
    throw e;
  }
  const dir = path.resolve(o.out ?? exportDirOf(run.dir, o.format));
  prepareOutDir(dir, o.force);
  const { writeTfjsModel } = await import('./tfjsExport');
  const files = await writeTfjsModel(dir, loaded.meta.spec, loaded.params, metadata);
  return { runId: run.id, format: o.format, weights: o.weights, step: loaded.meta.step, dir, modelJson: path.join(dir, TFJS_FILES.model), files, usage: usageSnippet(metadata) };
}

async function weightsOf(run: RunSummary, which: ExportWeights): Promise<LoadedWeights> {
  if (which === 'best') {
    const best = await readBestWeights(run.dir);
    if (best) return best;
    throw new ExportError(
      'noWeights',
      `Run ${run.id} has no best weights in ${path.join(run.dir, 'checkpoints')}. SeqLab keeps them when the validation loss improves, ` +
        'which needs a validation split (validationSplit > 0) and one evaluation (training.validateEvery steps). Export the last weights with --checkpoint last.',
    );
  }
  const last = await readWeights(run.dir);
  if (last) return last;
  throw new ExportError('noWeights', await explainNoWeights(run));
}

/** The export's own file names in an existing folder are replaced with `force`; anything else in it stays. */
function prepareOutDir(dir: string, force: boolean): void {
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    if (code === 'ENOTDIR') throw new ExportError('outExists', `${dir} is a file, not a folder. Choose a folder with --out.`);
    throw e;
  }
  if (entries.length === 0) return;
  const ours = Object.values(TFJS_FILES);
  if (!force) {
    throw new ExportError(
      'outExists',
      `${dir} already holds ${entries.length} file${entries.length === 1 ? '' : 's'}. Pass --force to replace an earlier export there (${ours.join(', ')}; other files stay), or choose another folder with --out.`,
    );
  }
  for (const name of ours) fs.rmSync(path.join(dir, name), { force: true });
}
