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
// tfjs core has no file:// save handler without tfjs-node, so a save handler writes model.json and one
// weights file with node fs, the layout tf.loadLayersModel reads over http.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import type { ExportedFile } from '../../shared/modelExport';
import { writeFileAtomic } from '../../runs/atomicFile';
import { SEQLAB_VERSION } from '../../runs/runWriter';
import { loadTfjs, type Tf } from '../backends/tfjs/tfjsRuntime';
import { gatesOf, paramLayout, type ModelSpec } from '../model';
import { defineGruCell, GRU_CELL_SCRIPT } from './gruCellScript';
import { type ExportMetadata, TFJS_FILES } from './tfjsFormat';

/** The run's network with its parameters `params` (paramLayout order). The caller disposes it. */
export function buildLayersModel(tf: Tf, spec: ModelSpec, params: Float32Array): TF.LayersModel {
  const part = new Map(paramLayout(spec).map((p) => [p.name, params.subarray(p.offset, p.offset + p.size)] as const));
  const tensor = (name: string, shape: number[]) => tf.tensor(part.get(name)!, shape);
  const H = spec.hiddenSize, G = gatesOf(spec.cell);
  const GruCell = spec.cell === 'gru' ? defineGruCell(tf) : undefined;

  const input = spec.input === 'tokens'
    ? tf.input({ shape: [null], dtype: 'int32', name: 'tokens' })   // [batch, time]
    : tf.input({ shape: [null, spec.inputSize], name: 'features' });   // [batch, time, features]
  const weighted: { layer: TF.layers.Layer; values: () => TF.Tensor[] }[] = [];
  let x: TF.SymbolicTensor = input;
  if (spec.input === 'tokens') {
    const embedding = tf.layers.embedding({ inputDim: spec.inputSize, outputDim: spec.embedSize, name: 'embedding' });
    x = embedding.apply(x) as TF.SymbolicTensor;
    weighted.push({ layer: embedding, values: () => [tensor('embedding', [spec.inputSize, spec.embedSize])] });
  }
  for (let l = 0; l < spec.layers; l++) {
    const inSize = l === 0 ? (spec.input === 'tokens' ? spec.embedSize : spec.inputSize) : H;
    const returnSequences = l < spec.layers - 1 || spec.head === 'every';
    const name = `${spec.cell}_${l + 1}`;
    // The run's weights replace the initial ones at once: skip tfjs' orthogonal init (slow and noisy above 2000 elements).
    const recurrentInitializer = 'zeros';
    const layer =
      spec.cell === 'lstm' ? tf.layers.lstm({ units: H, recurrentActivation: 'sigmoid', unitForgetBias: false, recurrentInitializer, returnSequences, name })
      : spec.cell === 'gru' ? tf.layers.rnn({ cell: new GruCell!({ units: H }), returnSequences, name })
      : tf.layers.simpleRNN({ units: H, activation: 'tanh', recurrentInitializer, returnSequences, name });
    x = layer.apply(x) as TF.SymbolicTensor;
    const kernels = () => [tensor(`l${l}.Wx`, [inSize, G * H]), tensor(`l${l}.Wh`, [H, G * H])];
    const bias = () => (spec.cell === 'gru' ? tf.stack([tensor(`l${l}.b`, [G * H]), tensor(`l${l}.bh`, [G * H])]) : tensor(`l${l}.b`, [G * H]));
    weighted.push({ layer, values: () => [...kernels(), bias()] });
  }
  const head = tf.layers.dense({ units: spec.outputSize, activation: spec.loss === 'xent' ? 'softmax' : 'linear', name: 'head' });
  const output = head.apply(x) as TF.SymbolicTensor;   // [batch, time, out] (every) or [batch, out] (last)
  weighted.push({ layer: head, values: () => [tensor('head.Wy', [H, spec.outputSize]), tensor('head.by', [spec.outputSize])] });

  const model = tf.model({ inputs: input, outputs: output, name: 'seqlab' });
  tf.tidy(() => {
    for (const { layer, values } of weighted) layer.setWeights(values());
  });
  return model;
}

/** Writes model.json (topology, weights manifest, `metadata`), the weights file and, for a GRU, the cell script. */
export async function writeTfjsModel(dir: string, spec: ModelSpec, params: Float32Array, metadata: ExportMetadata): Promise<ExportedFile[]> {
  const { tf } = await loadTfjs('cpu');
  const model = buildLayersModel(tf, spec, params);
  try {
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
      weightsManifest: [{ paths: [TFJS_FILES.weights], weights: a.weightSpecs! }],
      userDefinedMetadata: a.userDefinedMetadata,
    };
    const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(a.weightData!));
    fs.mkdirSync(dir, { recursive: true });
    const files: ExportedFile[] = [];
    const write = (name: string, data: string | Uint8Array, what: string) => {
      const file = path.join(dir, name);
      writeFileAtomic(file, data);
      files.push({ path: file, bytes: typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength, what });
    };
    write(TFJS_FILES.weights, weights, `weights, ${a.weightSpecs!.length} tensors (float32)`);
    if (spec.cell === 'gru') write(TFJS_FILES.gruCell, GRU_CELL_SCRIPT, 'the GRU cell class; load it before the model');
    // model.json last: a reader that sees it finds the files it names
    write(TFJS_FILES.model, JSON.stringify(modelJson, null, 1) + '\n', 'layers, weights manifest, metadata (input encoding, output meaning)');
    return files.reverse();
  } finally {
    model.dispose();
  }
}
