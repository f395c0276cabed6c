// One-thread speed of a full training step (forward + backward + Adam) at the benchmark shape
// (tokens, vocab 65, embed 32, 1 layer, H 128, T 64, B 32, xent every).
// usage: node --import tsx bench/kernel-speed.ts [cells=lstm,gru,rnn] [steps=20]
// Relaxed SIMD: node --experimental-wasm-relaxed-simd --import tsx bench/kernel-speed.ts
import type { CellKind } from '../src/shared/config';
import type { ModelSpec } from '../src/trainer/model';
import { WasmModel } from '../src/trainer/backends/wasm/wasmModel';

const cells = (process.argv[2] ?? 'lstm,gru,rnn').split(',') as CellKind[];
const steps = Number(process.argv[3] ?? 20);
const V = 65, T = 64, B = 32;

for (const cell of cells) {
  const spec: ModelSpec = { cell, input: 'tokens', inputSize: V, embedSize: 32, hiddenSize: 128, layers: 1, outputSize: V, head: 'every', loss: 'xent', dropout: 0 };
  const m = WasmModel.create({ spec, batch: B, steps: T });
  let s = 12345;
  const rnd = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 4294967296);
  const p = m.params();
  for (let i = 0; i < p.length; i++) p[i] = (rnd() - 0.5) * 0.2;
  const x = new Int32Array(B * T), y = new Int32Array(B * T);
  for (let i = 0; i < x.length; i++) { x[i] = (rnd() * V) | 0; y[i] = (rnd() * V) | 0; }
  m.setBatch(x, y);
  const times: number[] = [];
  let first = 0, last = 0;
  for (let i = 0; i < 3 + steps; i++) {   // 3 warm-up steps: V8 tiers the wasm up
    const t0 = process.hrtime.bigint();
    last = m.lossAndGrads({ training: true });
    m.optimizer.adam(1e-3);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (i === 0) first = last;
    if (i >= 3) times.push(ms);
  }
  times.sort((a, b) => a - b);
  console.log(JSON.stringify({ cell, variant: m.variant, median_ms: +times[times.length >> 1].toFixed(2), min_ms: +times[0].toFixed(2), loss_first: +first.toFixed(4), loss_last: +last.toFixed(4) }));
  m.dispose();
}
