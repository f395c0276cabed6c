// A run's network as a TensorFlow.js tf.LayersModel, and the files a page loads it from. Loaded only by
// `seqlab export` (a bundle of its own in the build, like the tfjs backend), so the CLI stays free of tfjs.
//
// paramLayout is Keras' layout, so every parameter tensor is one layer weight as it stands:
//   embedding          → embedding/embeddings [vocab, embed]             (token input)
//   l.Wx, l.Wh, l.b    → <cell>_<l+1>/kernel, recurrent_kernel, bias   (gate order LSTM i f c o, GRU z r n)
//   GRU l.b, l.bh      → <cell>_<l+1>/bias [2, 3H], rows b and bh (Keras reset_after)
//   head.Wy, head.by   → head/kernel, head/bias
// The layers: tf.layers.embedding; per recurrent layer tf.layers.simpleRNN or tf.layers.lstm (recurrent
// activation sigmoid, tfjs defaults to hard sigmoid) or, for GRU, tf.layers.rnn over SeqLab's reset_after
// cell (gruCellScript.ts); sequences returned below the top layer and, for head `every`, by the top layer
// too; a dense head, softmax for an xent loss. No dropout: an export predicts, it does not train.
//
// The recurrent layers and the file writing are shared with the encoder–decoder's export (layersModelParts.ts).
// This file is the entry exportRun loads at run time (dist/tfjs.js), so it re-exports that export's writer.

import type * as TF from '@tensorflow/tfjs';
import type { ExportedFile } from '../../shared/modelExport';
import { loadTfjs, type Tf } from '../backends/tfjs/tfjsRuntime';
import { paramLayout, type ModelSpec } from '../model';
import { defineGru, GRU_CELL_SCRIPT } from './gruCellScript';
import { layersModelFiles, recurrentLayer, recurrentValues, setAllWeights, type Weighted, writeExportFiles } from './layersModelParts';
import { type ExportMetadata, TFJS_FILES } from './tfjsFormat';

export { writeSeq2seqTfjs } from './seq2seqTfjsExport';

/** The run's network with its parameters `params` (paramLayout order). The caller disposes it. */
export function buildLayersModel(tf: Tf, spec: ModelSpec, params: Float32Array): TF.LayersModel {
  const part = new Map(paramLayout(spec).map((p) => [p.name, params.subarray(p.offset, p.offset + p.size)] as const));
  const tensor = (name: string, shape: number[]) => tf.tensor(part.get(name)!, shape);
  const H = spec.hiddenSize;
  const gru = spec.cell === 'gru' ? { classes: defineGru(tf), layer: false } : undefined;

  const input = spec.input === 'tokens'
    ? tf.input({ shape: [null], dtype: 'int32', name: 'tokens' })   // [batch, time]
    : tf.input({ shape: [null, spec.inputSize], name: 'features' });   // [batch, time, features]
  const weighted: Weighted[] = [];
  let x: TF.SymbolicTensor = input;
  if (spec.input === 'tokens') {
    const embedding = tf.layers.embedding({ inputDim: spec.inputSize, outputDim: spec.embedSize, name: 'embedding' });
    x = embedding.apply(x) as TF.SymbolicTensor;
    weighted.push({ layer: embedding, values: () => [tensor('embedding', [spec.inputSize, spec.embedSize])] });
  }
  for (let l = 0; l < spec.layers; l++) {
    const inSize = l === 0 ? (spec.input === 'tokens' ? spec.embedSize : spec.inputSize) : H;
    const returnSequences = l < spec.layers - 1 || spec.head === 'every';
    const layer = recurrentLayer(tf, spec.cell, H, { name: `${spec.cell}_${l + 1}`, returnSequences }, gru);
    x = layer.apply(x) as TF.SymbolicTensor;
    weighted.push({ layer, values: () => recurrentValues(tf, (name) => part.get(name)!, `l${l}`, spec.cell, inSize, H) });
  }
  const head = tf.layers.dense({ units: spec.outputSize, activation: spec.loss === 'xent' ? 'softmax' : 'linear', name: 'head' });
  const output = head.apply(x) as TF.SymbolicTensor;   // [batch, time, out] (every) or [batch, out] (last)
  weighted.push({ layer: head, values: () => [tensor('head.Wy', [H, spec.outputSize]), tensor('head.by', [spec.outputSize])] });

  const model = tf.model({ inputs: input, outputs: output, name: 'seqlab' });
  setAllWeights(tf, weighted);
  return model;
}

/** Writes model.json (topology, weights manifest, `metadata`), the weights file and, for a GRU, the cell script. */
export async function writeTfjsModel(dir: string, spec: ModelSpec, params: Float32Array, metadata: ExportMetadata): Promise<ExportedFile[]> {
  const { tf } = await loadTfjs('cpu');
  const model = buildLayersModel(tf, spec, params);
  try {
    const { json, weights, tensors } = await layersModelFiles(tf, model, TFJS_FILES.weights, metadata);
    return writeExportFiles(dir, [
      { name: TFJS_FILES.weights, data: weights, what: `weights, ${tensors} tensors (float32)` },
      ...(spec.cell === 'gru' ? [{ name: TFJS_FILES.gruCell, data: GRU_CELL_SCRIPT, what: 'the GRU cell class; load it before the model' }] : []),
      { name: TFJS_FILES.model, data: json, what: 'layers, weights manifest, metadata (input encoding, output meaning)' },
    ]);
  } finally {
    model.dispose();
  }
}
