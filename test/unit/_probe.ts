import { loadTfjs } from '../../src/trainer/backends/tfjs/tfjsRuntime';
import { buildSeq2seqModels } from '../../src/trainer/export/seq2seqTfjsExport';
import { seq2seqParamCount } from '../../src/shared/seq2seqSpec';
import { tinySpec } from './seq2seqCases';
(async () => {
  const { tf } = await loadTfjs('cpu');
  for (const bidirectional of [false, true]) {
  const spec = tinySpec({ encoderCell: 'lstm', attention: 'additive', inputFeeding: true, bidirectional });
  const { encoder, decoder } = buildSeq2seqModels(tf, spec, new Float32Array(seq2seqParamCount(spec)).map(() => Math.random() - 0.5));
  for (const [m, name] of [[encoder, 'encoder_l0'], [decoder, 'decoder_l0']] as const) {
    try {
    const layer = m.getLayer(name) as any; const orig = layer.call.bind(layer); let n = 0;
    layer.call = (...a: any[]) => { n++; return orig(...a); };
    const ins = m.inputs.map((i) => i.dtype === 'int32' ? tf.tensor(Array.from({length: 2*(i.shape[1] ?? 3)}, (_, k) => k % 3 === 2 ? 0 : 1 + k % 4), [2, i.shape[1] ?? 3], 'int32') : tf.randomNormal(i.shape.map((d, k) => k === 0 ? 2 : d ?? 3)));
    const before = tf.memory().numTensors;
    const a = m.predict(ins.length === 1 ? ins[0] : ins) as any[];
    const np = n; n = 0;
    const b = tf.tidy(() => m.apply(ins.length === 1 ? ins[0] : ins) as any[]);
    let diff = 0; a.forEach((t: any, i: number) => { const x = t.dataSync(), y = b[i].dataSync(); for (let j = 0; j < x.length; j++) diff = Math.max(diff, Math.abs(x[j] - y[j])); });
    console.log(bidirectional, name, 'calls predict', np, 'apply', n, 'diff', diff, 'tensors', tf.memory().numTensors - before - a.length - b.length);
    } catch (e) { console.log(name, 'ERR', (e as Error).message); }
  }}
})();
