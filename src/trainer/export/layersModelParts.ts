// What both TensorFlow.js exports (the single-stream model, tfjsExport.ts; the encoder–decoder,
// seq2seqTfjsExport.ts) build from: a recurrent layer of a SeqLab cell with its weights in Keras' layout,
// and a tf.LayersModel turned into the files tf.loadLayersModel reads.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import type { CellKind } from '../../shared/config';
import type { ExportedFile } from '../../shared/modelExport';
import { writeFileAtomic } from '../../runs/atomicFile';
import { SEQLAB_VERSION } from '../../runs/runWriter';
import type { Tf } from '../backends/tfjs/tfjsRuntime';
import { gatesOf } from '../model';
import type { GruClasses } from './gruCellScript';

export interface RecurrentOptions {
  name: string;
  returnSequences: boolean;
  returnState?: boolean;
  goBackwards?: boolean;
}

/**
 * tf.layers.lstm with a sigmoid recurrent activation (tfjs defaults to hard sigmoid) and no unit forget bias,
 * tf.layers.simpleRNN with tanh, or, for GRU, SeqLab's reset_after GRU (gruCellScript.ts): tf.layers.rnn over
 * its cell (`gru.layer` false) or its SeqLabGRU layer.
 */
export function recurrentLayer(tf: Tf, cell: CellKind, units: number, o: RecurrentOptions, gru?: { classes: GruClasses; layer: boolean }): TF.layers.Layer {
  // The run's weights replace the initial ones at once: skip tfjs' orthogonal init (slow and noisy above 2000 elements).
  const recurrentInitializer = 'zeros';
  const common = { returnSequences: o.returnSequences, returnState: o.returnState ?? false, goBackwards: o.goBackwards ?? false, name: o.name };
  if (cell === 'lstm') return tf.layers.lstm({ units, recurrentActivation: 'sigmoid', unitForgetBias: false, recurrentInitializer, ...common });
  if (cell === 'gru') {
    if (!gru) throw new Error('a GRU layer needs the SeqLab GRU classes (defineGru)');
    return gru.layer ? new gru.classes.SeqLabGRU({ units, ...common }) : tf.layers.rnn({ cell: new gru.classes.SeqLabGRUCell({ units }), ...common });
  }
  return tf.layers.simpleRNN({ units, activation: 'tanh', recurrentInitializer, ...common });
}

/** The layer weights of SeqLab's `<prefix>.Wx`, `.Wh`, `.b` (GRU: `.bh` as the bias' second row), read by `part`. */
export function recurrentValues(tf: Tf, part: (name: string) => Float32Array, prefix: string, cell: CellKind, inSize: number, H: number): TF.Tensor[] {
  const GH = gatesOf(cell) * H;
  const bias = cell === 'gru' ? tf.tensor2d([...part(`${prefix}.b`), ...part(`${prefix}.bh`)], [2, GH]) : tf.tensor1d(part(`${prefix}.b`));
  return [tf.tensor2d(part(`${prefix}.Wx`), [inSize, GH]), tf.tensor2d(part(`${prefix}.Wh`), [H, GH]), bias];
}

/** A layer and the values its setWeights takes, created only when they are set (inside one tidy). */
export interface Weighted {
  layer: TF.layers.Layer;
  values: () => TF.Tensor[];
}

export function setAllWeights(tf: Tf, weighted: readonly Weighted[]): void {
  tf.tidy(() => {
    for (const { layer, values } of weighted) layer.setWeights(values());
  });
}

/**
 * model.json (topology, a weights manifest naming `weightsFile`, `metadata` as userDefinedMetadata) and the
 * weights file's bytes. tfjs core has no file:// save handler without tfjs-node, so a save handler collects
 * the artifacts and the caller writes them with node fs, the layout tf.loadLayersModel reads over http.
 */
export async function layersModelFiles(tf: Tf, model: TF.LayersModel, weightsFile: string, metadata: object): Promise<{ json: string; weights: Uint8Array; tensors: number }> {
  model.setUserDefinedMetadata(metadata);
  let artifacts: TF.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) };
    }),
  );
  const a = artifacts!;
  const modelJson: TF.io.ModelJSON = {
    format: a.format,
    generatedBy: a.generatedBy,
    convertedBy: `SeqLab ${SEQLAB_VERSION}`,
    modelTopology: a.modelTopology as TF.io.ModelJSON['modelTopology'],
    weightsManifest: [{ paths: [weightsFile], weights: a.weightSpecs! }],
    userDefinedMetadata: a.userDefinedMetadata,
  };
  return { json: JSON.stringify(modelJson, null, 1) + '\n', weights: new Uint8Array(tf.io.CompositeArrayBuffer.join(a.weightData!)), tensors: a.weightSpecs!.length };
}

export interface FileToWrite {
  name: string;
  data: string | Uint8Array;
  /** What the file holds, for the CLI's listing. */
  what: string;
}

/**
 * Writes `files` into `dir` in the order given (a model.json last: a reader that sees it finds the files it
 * names) and lists them in the reverse order, the model first.
 */
export function writeExportFiles(dir: string, files: readonly FileToWrite[]): ExportedFile[] {
  fs.mkdirSync(dir, { recursive: true });
  const written = files.map(({ name, data, what }) => {
    const file = path.join(dir, name);
    writeFileAtomic(file, data);
    return { path: file, bytes: typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength, what };
  });
  return written.reverse();
}
