// `seqlab export`: a run's weights in a format other programs load. Everything a user can get wrong is
// checked here, before TensorFlow.js is loaded: the run, its weights, the output folder.
// Single-stream runs become one model (tfjsExport.ts); encoder–decoder runs (a saved Seq2seqSpec) an
// encoder and a decoder step (seq2seqTfjsExport.ts).

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ExportedFile, ExportRequest, ExportResult, ExportWeights } from '../../shared/modelExport';
import type { RequestProblem } from '../../shared/protocol';
import { exportDirOf } from '../../runs/runFiles';
import { isSequenceWeights, type LoadedWeights, readBestWeights, readWeights, type RunSummary, type SequenceLoadedWeights } from '../../runs/runReader';
import { resolveRun, RunReferenceError } from '../../runs/runReference';
import { explainNoWeights } from '../../runs/runContents';
import { RequestError } from '../requestError';
import { type Seq2seqSpec, seq2seqParamCount, seq2seqSpecProblems } from '../../shared/seq2seqSpec';
import { SEQ2SEQ_TFJS_FILES, seq2seqExportMetadata, seq2seqUsageSnippet } from './seq2seqTfjsFormat';
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
  const plan = unsupportedAsExportError(() =>
    isSequenceWeights(loaded) ? singleStreamPlan(run.id, loaded, o.weights) : seq2seqPlan(run.id, loaded, loaded.meta.spec as Seq2seqSpec, o.weights),
  );
  const dir = path.resolve(o.out ?? exportDirOf(run.dir, o.format));
  prepareOutDir(dir, o.force, plan.fileNames);
  const files = await plan.write(dir);
  return { runId: run.id, format: o.format, weights: o.weights, step: loaded.meta.step, dir, modelJson: path.join(dir, plan.modelJson), files, usage: plan.usage };
}

/** What one kind of model writes: checked and described before TensorFlow.js is loaded, written after. */
interface ExportPlan {
  /** The export's own file names (replaced with --force). */
  fileNames: string[];
  /** The file tf.loadLayersModel is given first. */
  modelJson: string;
  usage: string;
  write(dir: string): Promise<ExportedFile[]>;
}

function unsupportedAsExportError<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof UnsupportedRunError) throw new ExportError('unsupported', e.message);
    throw e;
  }
}

function singleStreamPlan(runId: string, loaded: SequenceLoadedWeights, weights: ExportWeights): ExportPlan {
  const metadata = exportMetadata(runId, loaded, weights);
  return {
    fileNames: Object.values(TFJS_FILES),
    modelJson: TFJS_FILES.model,
    usage: usageSnippet(metadata),
    write: async (dir) => (await import('./tfjsExport')).writeTfjsModel(dir, loaded.meta.spec, loaded.params, metadata),
  };
}

function seq2seqPlan(runId: string, loaded: LoadedWeights, spec: Seq2seqSpec, weights: ExportWeights): ExportPlan {
  const problems = seq2seqSpecProblems(spec);
  if (problems.length > 0) throw new UnsupportedRunError(`Run ${runId}'s saved encoder–decoder cannot be built: ${problems.join('; ')}. Its weights file is damaged or from another SeqLab version.`);
  const expected = seq2seqParamCount(spec);
  if (loaded.params.length !== expected)
    throw new UnsupportedRunError(`Run ${runId}'s weights hold ${loaded.params.length.toLocaleString('en')} parameters but its encoder–decoder needs ${expected.toLocaleString('en')}: the weights file is damaged. Export another checkpoint (--checkpoint) or train again.`);
  const metadata = seq2seqExportMetadata(runId, loaded, spec, weights);
  return {
    fileNames: Object.values(SEQ2SEQ_TFJS_FILES),
    modelJson: SEQ2SEQ_TFJS_FILES.encoder,
    usage: seq2seqUsageSnippet(metadata),
    write: async (dir) => (await import('./tfjsExport')).writeSeq2seqTfjs(dir, spec, loaded.params, metadata),
  };
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
function prepareOutDir(dir: string, force: boolean, ours: readonly string[]): void {
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
  if (!force) {
    throw new ExportError(
      'outExists',
      `${dir} already holds ${entries.length} file${entries.length === 1 ? '' : 's'}. Pass --force to replace an earlier export there (${ours.join(', ')}; other files stay), or choose another folder with --out.`,
    );
  }
  for (const name of ours) fs.rmSync(path.join(dir, name), { force: true });
}
