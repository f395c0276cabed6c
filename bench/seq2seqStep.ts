// One encoder–decoder benchmark variant on our kernels: a training step (loss, gradients, Adam) at the
// workload of seq2seqShape.ts, on one thread or data-parallel over worker threads (Seq2seqTrainer).
// usage: node --import tsx bench/seq2seqStep.ts <threads> <steps> [diag-every (0 = off)] [hidden]
import { enableRelaxedSimd } from '../src/trainer/backends/wasm/wasmFlags';
import { Rng } from '../src/trainer/rng';
import { initSeq2seqParams } from '../src/trainer/seq2seq/seq2seqInit';
import { Seq2seqTrainer } from '../src/trainer/seq2seq/seq2seqTrainer';
import { median } from './shape';
import { B, S, T, H, seq2seqBatch, seq2seqBenchSpec, seq2seqStepFlops } from './seq2seqShape';

enableRelaxedSimd();
const [threadsArg, stepsArg, diagArg, hiddenArg] = process.argv.slice(2);
const threads = Number(threadsArg ?? 1), steps = Number(stepsArg ?? 30), diagEvery = Number(diagArg ?? 0), hidden = Number(hiddenArg ?? H);

async function main(): Promise<void> {
  const spec = seq2seqBenchSpec(hidden);
  const trainer = await Seq2seqTrainer.create({ spec, batch: B, sourceLength: S, targetLength: T, threads });
  trainer.setParams(initSeq2seqParams(spec, new Rng(1)));
  const { source, target } = seq2seqBatch();
  const probe = { source: source.subarray(0, S), target: target.subarray(0, T) };
  const opt = { kind: 'adam' as const, learningRate: 1e-3, momentum: 0, clipNorm: 0, clipValue: 0 };
  const times: number[] = [];
  let first = 0, last = 0;
  for (let i = 0; i < 3 + steps; i++) {
    const t0 = performance.now();
    const r = await trainer.trainStep(source, target, opt);
    if (diagEvery > 0 && i % diagEvery === 0) trainer.diagnose(probe.source, probe.target);
    const dt = performance.now() - t0;
    if (i === 0) first = r.loss;
    last = r.loss;
    if (i >= 3) times.push(dt);
  }
  const med = median(times);
  console.log(JSON.stringify({
    engine: 'seqlab-wasm', device: trainer.device, model: 'seq2seq lstm additive', hidden, threads, steps, diagEvery,
    median_ms: +med.toFixed(2), mean_ms: +(times.reduce((a, b) => a + b, 0) / times.length).toFixed(2), min_ms: +Math.min(...times).toFixed(2), gflops: +(seq2seqStepFlops(hidden) / med / 1e6).toFixed(1),
    loss_first: +first.toFixed(4), loss_last: +last.toFixed(4), peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
  }));
  await trainer.dispose();
}
void main();
