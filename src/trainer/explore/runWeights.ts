// The run an explorer request names, with the weights it chose: the run's meta (for the config's folder,
// where the data paths start) and the parameters with what was saved beside them (spec, vocabulary,
// CSV normalisation: runFiles.ts SavedWeights).

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { WeightsChoice, WeightsUsed } from '../../shared/explorerProtocol';
import { checkpointSteps, RUN_FILES, type RunMeta, type SavedWeights } from '../../runs/runFiles';
import { isSequenceWeights, readBestWeights, readRun, readWeights, type SequenceLoadedWeights } from '../../runs/runReader';
import { ExplorerError } from './explorerError';

export interface RunWeights {
  runDir: string;
  meta: RunMeta;
  saved: SequenceLoadedWeights['meta'];
  params: Float32Array;
  used: WeightsUsed;
}

export async function loadRunWeights(runDir: string, choice: WeightsChoice): Promise<RunWeights> {
  // `await` on the readers: they may be asynchronous (the run store is moving to fs.promises)
  const run = await readRun(runDir);
  if (!run) throw new ExplorerError('notFound', `${runDir} is not a SeqLab run folder (it has no readable ${RUN_FILES.meta}).`);
  const loaded = choice === 'last' ? ((await readWeights(runDir)) ?? newestCheckpointParams(runDir)) : choice === 'best' ? await readBestWeights(runDir) : readCheckpointParams(runDir, choice.checkpoint);
  if (!loaded) {
    throw new ExplorerError('noWeights', choice === 'best'
      ? `Run ${run.id} has no best weights: they are saved at each validation that improves the loss, and the run has none yet (or no validation split). Use the last weights.`
      : `Run ${run.id} has no weights yet: it writes them at its first checkpoint (training.checkpointEvery) and when it ends.`);
  }
  if (!isSequenceWeights(loaded)) {
    throw new ExplorerError('unsupported', `Run ${run.id} is an encoder–decoder; the explorer reads single-stream models. Use seqlab translate, or its dashboard's attention and state views.`);
  }
  const kind: WeightsUsed['kind'] = choice === 'best' ? 'best' : choice === 'last' && fs.existsSync(path.join(runDir, RUN_FILES.weightsJson)) ? 'final' : 'checkpoint';
  return { runDir, meta: run.meta, saved: loaded.meta, params: loaded.params, used: { kind, step: loaded.meta.step } };
}

// A running trainer writes a checkpoint and removes the oldest of those it keeps between two of the
// asynchronous reader's steps, so in a run that checkpoints every few milliseconds readWeights can find
// every checkpoint it listed gone. Read synchronously, nothing interleaves: in the trainer's own process
// (the explorer on a live run) the newest checkpoint is there whole.
function newestCheckpointParams(runDir: string): { meta: SavedWeights; params: Float32Array } | undefined {
  const dir = path.join(runDir, RUN_FILES.checkpoints);
  const steps = fs.existsSync(dir) ? checkpointSteps(fs.readdirSync(dir), 'ckpt') : [];
  for (const step of steps.reverse()) {
    try {
      return readCheckpointParams(runDir, step);
    } catch {
      // removed meanwhile by another process's trainer, or damaged: an older one may do
    }
  }
  return undefined;
}

// The run readers have no reader for one checkpoint step; this reads checkpoints/ckpt-<step>.json and the
// parameters at the start of its .bin (optimizer slots follow them), as readLatestCheckpoint does.
function readCheckpointParams(runDir: string, step: number): { meta: SavedWeights; params: Float32Array } {
  const dir = path.join(runDir, RUN_FILES.checkpoints);
  const base = path.join(dir, `ckpt-${step}`);
  if (!fs.existsSync(base + '.json') || !fs.existsSync(base + '.bin')) {
    const kept = fs.existsSync(dir) ? fs.readdirSync(dir).map((f) => /^ckpt-(\d+)\.json$/.exec(f)?.[1]).filter((s) => s !== undefined).map(Number).sort((a, b) => a - b) : [];
    throw new ExplorerError('noWeights', `Run folder ${runDir} keeps no checkpoint of step ${step}` +
      (kept.length > 0 ? `; it keeps steps ${kept.join(', ')}.` : '; it keeps none yet.'));
  }
  const meta = JSON.parse(fs.readFileSync(base + '.json', 'utf8')) as SavedWeights;
  const bytes = fs.readFileSync(base + '.bin');
  if (bytes.length < meta.paramCount * 4) throw new ExplorerError('noWeights', `${base}.bin is shorter than its ${meta.paramCount} parameters: the checkpoint is damaged.`);
  const params = new Float32Array(meta.paramCount);
  new Uint8Array(params.buffer).set(bytes.subarray(0, meta.paramCount * 4));
  return { meta, params };
}
