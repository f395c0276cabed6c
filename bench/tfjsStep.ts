// One benchmark variant of the product's tfjs backend: on tfjs-node (TensorFlow through its C API, engine
// 'auto'), on TensorFlow.js's wasm engine ('wasm': XNNPACK in WebAssembly SIMD, one thread) or on its pure-JS
// cpu engine ('cpu'); a layer's recurrence as TensorFlow's fused LSTM ('fused', LSTM on tfjs-node only), as one
// op with hand-written BPTT ('bptt') or as the unrolled graph with autodiff ('unrolled'). Engine 'auto' prints
// {"error": ...} and exits 2 when tfjs-node is not installed (npm run setup:tfjs-node), 'wasm' when the wasm
// engine did not start. One warm-up step on the wasm and cpu engines (a step takes seconds on cpu), two on tfjs-node.
// usage: node --import tsx bench/tfjsStep.ts <cell> <fused|bptt|unrolled> <steps> [hidden] [auto|wasm|cpu]
import type { CellKind } from '../src/shared/config';
import { TfjsBackend, type SequencePath } from '../src/trainer/backends/tfjs/tfjsBackend';
import { initParams } from '../src/trainer/init';
import { Rng } from '../src/trainer/rng';
import { B, benchSpec, H, median, randomBatch, stepFlops } from './shape';

const [cell, pathArg, stepsArg, hiddenArg, engineArg] = process.argv.slice(2);
const path = pathArg as SequencePath, steps = Number(stepsArg), hidden = Number(hiddenArg ?? H);
const engine = engineArg === 'cpu' || engineArg === 'wasm' ? engineArg : 'auto';

async function main() {
  const spec = benchSpec(cell as CellKind, hidden);
  const backend = await TfjsBackend.create({ spec, engine, path });
  if (engine === 'auto' && backend.engine !== 'tensorflow') {
    console.log(JSON.stringify({ error: 'tfjs-node is not installed (npm run setup:tfjs-node)' }));
    process.exit(2);
  }
  if (engine === 'wasm' && backend.engine !== 'wasm') {
    console.log(JSON.stringify({ error: `the tfjs wasm engine did not start (runs on ${backend.engine})` }));
    process.exit(2);
  }
  if (backend.path !== path) {
    console.log(JSON.stringify({ error: `path ${path} is not available here (runs ${backend.path})` }));
    process.exit(2);
  }
  backend.setParams(initParams(spec, new Rng(1), { forgetBias: 1, recurrentSpectralRadius: 0 }));
  const { x, y } = randomBatch();
  const batch = { x, y, size: B };
  const opt = { kind: 'adam' as const, learningRate: 1e-3, momentum: 0, clipNorm: 0, clipValue: 0 };
  const warmup = backend.engine === 'tensorflow' ? 2 : 1;
  const times: number[] = [];
  let first = 0, last = 0;
  for (let i = 0; i < warmup + steps; i++) {
    const t0 = performance.now();
    const r = await backend.trainStep(batch, opt, i);
    const dt = performance.now() - t0;
    if (i === 0) first = r.loss;
    last = r.loss;
    if (i >= warmup) times.push(dt);
  }
  const med = median(times);
  console.log(JSON.stringify({
    engine: 'seqlab-tfjs', device: backend.device, tfjsEngine: backend.engine, path: backend.path, cell, hidden, steps,
    median_ms: +med.toFixed(2), min_ms: +Math.min(...times).toFixed(2), gflops: +(stepFlops(cell as CellKind, hidden) / med / 1e6).toFixed(1),
    loss_first: +first.toFixed(4), loss_last: +last.toFixed(4), peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
  }));
  await backend.dispose();
}
void main();
