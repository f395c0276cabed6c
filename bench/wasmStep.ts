// One benchmark variant of our kernels through the product's own Backend (threads, all-reduce, Adam).
// usage: node --import tsx bench/wasmStep.ts <cell> <threads> <steps> [diag-every (0 = off)] [soak|-] [hidden]
import { WasmBackend } from '../src/trainer/backends/wasm/wasmBackend';
import { enableRelaxedSimd } from '../src/trainer/backends/wasm/wasmFlags';
import { initParams } from '../src/trainer/init';
import { Rng } from '../src/trainer/rng';
import type { CellKind } from '../src/shared/config';
import { B, benchSpec, H, median, randomBatch, stepFlops, T } from './shape';

enableRelaxedSimd();
const [cell, threadsArg, stepsArg, diagArg, soakArg, hiddenArg] = process.argv.slice(2);
const threads = Number(threadsArg), steps = Number(stepsArg), diagEvery = Number(diagArg ?? 0), soak = soakArg === 'soak', hidden = Number(hiddenArg ?? H);

async function main() {
  const spec = benchSpec(cell as CellKind, hidden);
  const backend = await WasmBackend.create({ spec, batch: B, steps: T, threads });
  backend.setParams(initParams(spec, new Rng(1), { forgetBias: 1, recurrentSpectralRadius: 0 }));
  const { x, y } = randomBatch();
  const batch = { x, y, size: B };
  const probe = { x: x.subarray(0, T), y: y.subarray(0, T), size: 1 };
  const opt = { kind: 'adam' as const, learningRate: 1e-3, momentum: 0, clipNorm: 0, clipValue: 0 };
  const times: number[] = [];
  const rss: number[] = [];
  let first = 0, last = 0;
  for (let i = 0; i < 5 + steps; i++) {
    const t0 = performance.now();
    const r = await backend.trainStep(batch, opt, i);
    if (diagEvery > 0 && i % diagEvery === 0) backend.diagnose(probe);
    const dt = performance.now() - t0;
    if (i === 0) first = r.loss;
    last = r.loss;
    if (i >= 5) times.push(dt);
    if (soak && (i + 1) % 1000 === 0) rss.push(Math.round(process.memoryUsage().rss / 2 ** 20));
  }
  const med = median(times);
  console.log(JSON.stringify({
    engine: 'seqlab-wasm', device: backend.device, cell, hidden, threads, steps, diagEvery,
    median_ms: +med.toFixed(2), mean_ms: +(times.reduce((a, b) => a + b, 0) / times.length).toFixed(2), min_ms: +Math.min(...times).toFixed(2), gflops: +(stepFlops(cell as CellKind, hidden) / med / 1e6).toFixed(1),
    loss_first: +first.toFixed(4), loss_last: +last.toFixed(4), peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024), rss_mb_every_1000: rss,
  }));
  await backend.dispose();
}
void main();
