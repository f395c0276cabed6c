// What a TensorFlow.js user would write: tf.layers on the wasm backend (the best portable tfjs path).
// tfjs-wasm has no UnsortedSegmentSum kernel (the gradient of an embedding lookup), so the input is
// one-hot [B, T, V] instead of an Embedding layer, as a tfjs-wasm user has to do.
// usage: node --import tsx bench/tfjsLayers.ts <cell> <steps>
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { B, H, median, randomBatch, stepFlops, T, V } from './shape';

const [cell, stepsArg] = process.argv.slice(2);
const steps = Number(stepsArg);

async function main() {
  await tf.setBackend('wasm');
  await tf.ready();
  const { x, y } = randomBatch();
  const xIn = tf.oneHot(tf.tensor2d(x, [B, T], 'int32'), V).toFloat();
  const yOne = tf.oneHot(tf.tensor2d(y, [B, T], 'int32'), V).toFloat();
  const model = tf.sequential();
  const rnn = { units: H, returnSequences: true, inputShape: [T, V] };
  model.add(cell === 'lstm' ? tf.layers.lstm(rnn) : cell === 'gru' ? tf.layers.gru(rnn) : tf.layers.simpleRNN(rnn));
  model.add(tf.layers.timeDistributed({ layer: tf.layers.dense({ units: V, activation: 'softmax' }) }));
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  const times: number[] = [];
  for (let i = 0; i < 2 + steps; i++) {
    const t0 = performance.now();
    await model.trainOnBatch(xIn, yOne);
    if (i >= 2) times.push(performance.now() - t0);
  }
  const med = median(times);
  console.log(JSON.stringify({ engine: 'tfjs-wasm-layers-onehot', cell, steps, median_ms: +med.toFixed(1), gflops: +(stepFlops(cell as 'lstm') / med / 1e6).toFixed(2), peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024) }));
}
void main();
