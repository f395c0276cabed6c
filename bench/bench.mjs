// `npm run bench`: ms per training step of our kernels (1 thread and all cores; LSTM, GRU, RNN) against
// Keras on TensorFlow (when Python TensorFlow is importable), our tfjs backend on tfjs-node (when installed:
// the fused LSTM, hand BPTT and the unrolled graph), on TensorFlow.js's wasm engine and on its cpu engine (hand
// BPTT against the unrolled graph, a few steps: a step takes seconds on cpu) and tf.layers on TensorFlow.js's
// wasm backend, plus the cost of diagnostics and the memory over a long run. Every variant runs in its own
// process; kernels, Keras and the tfjs backend run interleaved, ROUNDS times, and the medians are compared.
// --crossover adds a sweep over the hidden size (128 … 1024): our kernels on all cores against the fused
// LSTM on tfjs-node and Keras, and the GRU against tfjs-node's hand BPTT — where backend 'auto' switches.
// Then the encoder–decoder rows (bench/seq2seqRows.mjs): issue 14's G2P-sized step on our kernels against Keras,
// and what its diagnostics add.
// Options: --quick (fewer steps, one round), --no-tfjs (tf.layers), --no-tfjs-node, --no-tfjs-wasm, --no-tfjs-cpu, --no-soak, --crossover,
// --crossover-only (the sweep alone), --sizes=256,512,1024,2048 (the sweep's hidden sizes), --rounds=N, --no-seq2seq.
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { seq2seqBench } from './seq2seqRows.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2).filter((a) => !a.startsWith('--sizes=') && !a.startsWith('--rounds=')));
const sizesArg = process.argv.find((a) => a.startsWith('--sizes='));
const SIZES = sizesArg ? sizesArg.slice('--sizes='.length).split(',').map(Number) : [128, 256, 512, 1024];
if (!SIZES.every((h) => Number.isInteger(h) && h > 0)) throw new Error(`--sizes wants hidden sizes, e.g. --sizes=256,512,1024,2048 (got ${sizesArg})`);
const quick = args.has('--quick');
const roundsArg = process.argv.find((a) => a.startsWith('--rounds='));
const ROUNDS = roundsArg ? Number(roundsArg.slice('--rounds='.length)) : quick ? 1 : 3;
const STEPS = quick ? 15 : 40;
const cores = os.availableParallelism();
const cells = ['lstm', 'gru', 'rnn'];

function run(cmd, argv) {
  const r = spawnSync(cmd, argv, { cwd: root, encoding: 'utf8', env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' } });
  const line = (r.stdout || '').split('\n').filter((l) => l.startsWith('{')).pop();
  if (r.status !== 0 || !line) return { error: (r.stderr || '').trim().split('\n').slice(-3).join(' | ') || `exit ${r.status}` };
  return JSON.parse(line);
}
const ours = (cell, threads, steps = STEPS, diag = 0, soak = '-', hidden = 128) => run(process.execPath, ['--import', 'tsx', 'bench/wasmStep.ts', cell, String(threads), String(steps), String(diag), soak, String(hidden)]);
const keras = (cell, steps = STEPS, hidden = 128) => run('python3', ['bench/keras_step.py', cell, String(steps), String(hidden)]);
const tfjsNode = (cell, path, steps, hidden = 128) => run(process.execPath, ['--import', 'tsx', 'bench/tfjsStep.ts', cell, path, String(steps), String(hidden), 'auto']);
const tfjsOwn = (engine) => (cell, path, steps) => run(process.execPath, ['--import', 'tsx', 'bench/tfjsStep.ts', cell, path, String(steps), '128', engine]);
const tfjsWasm = tfjsOwn('wasm'), tfjsCpu = tfjsOwn('cpu');
const median = (a) => a.slice().sort((p, q) => p - q)[a.length >> 1];
const fmt = (v, d = 1) => (v === undefined ? '–' : v.toFixed(d));
const r = (a, b) => (a && b ? a / b : undefined);

const hasKeras = spawnSync('python3', ['-c', 'import tensorflow, keras'], { encoding: 'utf8' }).status === 0;
if (!hasKeras) console.log('Keras: skipped (Python TensorFlow not importable; `pip install tensorflow-cpu` to compare against it)');
const locate = "process.stdout.write(require('./src/trainer/backends/tfjs/tfjsNodeLocation.ts').resolveTfjsNode()?.path ?? '')";
const hasTfjsNode = !args.has('--no-tfjs-node') && spawnSync(process.execPath, ['--import', 'tsx', '-e', locate], { cwd: root, encoding: 'utf8' }).stdout.trim() !== '';
if (!hasTfjsNode && !args.has('--no-tfjs-node')) console.log('tfjs-node: skipped (not installed; `npm run setup:tfjs-node` to compare against it)');
// the unrolled graph pays ~24 µs per tfjs op, a few thousand ops per step: a few steps are enough
const UNROLLED_STEPS = quick ? 3 : 6;
// the cpu engine takes seconds per step (its matmuls run at ~0.2 GFLOP/s)
const hasTfjsCpu = !args.has('--no-tfjs-cpu');
const CPU_STEPS = quick ? 1 : 2;
// the wasm engine: 0.1–0.3 s per step at this shape, its first steps the slowest
const hasTfjsWasm = !args.has('--no-tfjs-wasm');
const WASM_STEPS = quick ? 2 : 4;

if (args.has('--crossover-only')) {
  crossover();
  process.exit(0);
}

const results = {};
const put = (k, r) => ((results[k] ??= []).push(r));
for (let round = 0; round < ROUNDS; round++) {
  for (const cell of cells) {
    put(`${cell}/1`, ours(cell, 1));
    put(`${cell}/${cores}`, ours(cell, cores));
    if (hasKeras) put(`${cell}/keras`, keras(cell));
    if (hasTfjsNode) {
      if (cell === 'lstm') put(`${cell}/fused`, tfjsNode(cell, 'fused', STEPS));
      put(`${cell}/bptt`, tfjsNode(cell, 'bptt', STEPS));
      put(`${cell}/unrolled`, tfjsNode(cell, 'unrolled', UNROLLED_STEPS));
    }
    if (hasTfjsWasm) {
      put(`${cell}/wasm-bptt`, tfjsWasm(cell, 'bptt', WASM_STEPS));
      put(`${cell}/wasm-unrolled`, tfjsWasm(cell, 'unrolled', WASM_STEPS));
    }
    if (hasTfjsCpu) {
      put(`${cell}/cpu-bptt`, tfjsCpu(cell, 'bptt', CPU_STEPS));
      put(`${cell}/cpu-unrolled`, tfjsCpu(cell, 'unrolled', CPU_STEPS));
    }
  }
  process.stderr.write(`round ${round + 1}/${ROUNDS} done\n`);
}
const ms = (k) => {
  const ok = (results[k] ?? []).filter((r) => !r.error);
  if (ok.length === 0) return undefined;
  return { ms: median(ok.map((r) => r.median_ms)), rss: Math.max(...ok.map((r) => r.peak_rss_mb)), gflops: median(ok.map((r) => r.gflops)), device: ok[0].device };
};
const tfjs = {};
if (!args.has('--no-tfjs')) for (const cell of cells) tfjs[cell] = run(process.execPath, ['--import', 'tsx', 'bench/tfjsLayers.ts', cell, quick ? '3' : '8']);

console.log(`\nTraining step, vocab 65 · embedding 32 · 1 layer of 128 · sequence 64 · batch 32 · Adam (median ms, ${ROUNDS} interleaved round(s) of ${STEPS} steps, ${UNROLLED_STEPS} for the unrolled tfjs-node graph; ${cores} cores)`);
console.log('| cell | ours 1 thread | ours all cores | GFLOP/s | Keras | tfjs-node fused | tfjs-node hand BPTT | tf.layers (tfjs-wasm) | all cores / Keras | 1 thread / Keras | fused / Keras | fused / ours | BPTT / ours | tf.layers / ours | peak RSS MB |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
const summary = {};
for (const cell of cells) {
  const one = ms(`${cell}/1`), all = ms(`${cell}/${cores}`), k = ms(`${cell}/keras`), fused = ms(`${cell}/fused`), bptt = ms(`${cell}/bptt`);
  const layers = tfjs[cell] && !tfjs[cell].error ? tfjs[cell].median_ms : undefined;
  summary[cell] = {
    one: one?.ms, all: all?.ms, keras: k?.ms, fused: fused?.ms, bptt: bptt?.ms, layers,
    allOverKeras: r(all?.ms, k?.ms), oneOverKeras: r(one?.ms, k?.ms), fusedOverKeras: r(fused?.ms, k?.ms), layersOverOurs: r(layers, all?.ms),
  };
  const x = (v) => (v === undefined ? '–' : `${fmt(v, 2)}×`);
  console.log(`| ${cell.toUpperCase()} | ${fmt(one?.ms)} | ${fmt(all?.ms)} | ${fmt(all?.gflops)} | ${fmt(k?.ms)} | ${fmt(fused?.ms)} | ${fmt(bptt?.ms)} | ${fmt(layers)} | ${x(summary[cell].allOverKeras)} | ${x(summary[cell].oneOverKeras)} | ${x(summary[cell].fusedOverKeras)} | ${x(r(fused?.ms, all?.ms))} | ${x(r(bptt?.ms, all?.ms))} | ${x(summary[cell].layersOverOurs)} | ${all?.rss ?? '–'} |`);
}
if (ms('lstm/fused')?.device) console.log(`tfjs-node: ${ms('lstm/fused').device}`);

// the tfjs backend's own paths: one op per layer with hand-written BPTT against the unrolled graph with autodiff
if (hasTfjsNode || hasTfjsWasm || hasTfjsCpu) {
  console.log(`\nThe tfjs backend without TensorFlow's fused LSTM, same shape (median ms per step; after one warm-up step, tfjs wasm: ${WASM_STEPS} step(s) per round, tfjs cpu: ${CPU_STEPS})`);
  console.log('| cell | tfjs cpu, unrolled | tfjs cpu, hand BPTT | cpu unrolled / BPTT | tfjs wasm, unrolled | tfjs wasm, hand BPTT | wasm unrolled / BPTT | cpu / wasm, hand BPTT | tfjs wasm BPTT / ours all cores | tfjs-node, unrolled | tfjs-node, hand BPTT | tfjs-node unrolled / BPTT |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  const x = (v) => (v === undefined ? '–' : `${fmt(v, 2)}×`);
  for (const cell of cells) {
    const cu = ms(`${cell}/cpu-unrolled`)?.ms, cb = ms(`${cell}/cpu-bptt`)?.ms, nu = ms(`${cell}/unrolled`)?.ms, nb = ms(`${cell}/bptt`)?.ms;
    const wu = ms(`${cell}/wasm-unrolled`)?.ms, wb = ms(`${cell}/wasm-bptt`)?.ms, all = ms(`${cell}/${cores}`)?.ms;
    console.log(`| ${cell.toUpperCase()} | ${fmt(cu, 0)} | ${fmt(cb, 0)} | ${x(r(cu, cb))} | ${fmt(wu, 0)} | ${fmt(wb, 0)} | ${x(r(wu, wb))} | ${x(r(cb, wb))} | ${x(r(wb, all))} | ${fmt(nu)} | ${fmt(nb)} | ${x(r(nu, nb))} |`);
  }
}
for (const [k, v] of Object.entries(results)) for (const r of v) if (r.error) console.log(`note: ${k} failed: ${r.error}`);
for (const [k, r] of Object.entries(tfjs)) if (r.error) console.log(`note: tf.layers ${k} failed: ${r.error}`);
if (ms(`lstm/${cores}`)?.device) console.log(`kernels: ${ms(`lstm/${cores}`).device}`);

// diagnostics overhead: a probe snapshot every 50 steps (the config default) against none, LSTM all cores.
// Mean time per step (a snapshot lands on one step in 50, so a median would hide it), on/off interleaved.
const off = [], on = [];
for (let i = 0; i < ROUNDS * 2; i++) {
  off.push(ours('lstm', cores, 100, 0).mean_ms);
  on.push(ours('lstm', cores, 100, 50).mean_ms);
}
const diagOverhead = median(on) / median(off) - 1;
console.log(`\nDiagnostics every 50 steps (LSTM, ${cores} threads, mean ms per step, ${ROUNDS * 2} interleaved pairs of 100 steps): ${fmt(median(on), 2)} ms on vs ${fmt(median(off), 2)} ms off → overhead ${(100 * diagOverhead).toFixed(1)} %`);

if (!args.has('--no-soak')) {
  const soakSteps = quick ? 2000 : 10000;
  const s = ours('rnn', cores, soakSteps, 50, 'soak');
  if (s.error) console.log(`soak failed: ${s.error}`);
  else console.log(`Memory over ${soakSteps} steps (RNN, ${cores} threads, diagnostics on): RSS MB every 1000 steps ${s.rss_mb_every_1000.join(' ')}; peak ${s.peak_rss_mb} MB`);
}

let seq2seq;
if (!args.has('--no-seq2seq')) {
  seq2seq = seq2seqBench({ root, rounds: ROUNDS, steps: quick ? 10 : 30, cores, hasKeras, diagEvery: 10, diagSteps: quick ? 30 : 60 });
  console.log(seq2seq.lines.join('\n'));
}

console.log('\nTargets (issue 2): LSTM all cores ≤ 1.0× Keras · RNN ≤ 0.6× · 1 thread ≤ 2× · ≥ 10× faster than tf.layers · diagnostics ≤ 10 % · RSS ≤ 150 MB and flat');
const check = (name, ok) => console.log(`${ok === undefined ? '–' : ok ? '✓' : '✗'} ${name}`);
check('LSTM all cores ≤ 1.0× Keras', summary.lstm.allOverKeras && summary.lstm.allOverKeras <= 1.0);
check('RNN all cores ≤ 0.6× Keras', summary.rnn.allOverKeras && summary.rnn.allOverKeras <= 0.6);
check('1 thread ≤ 2× Keras (LSTM)', summary.lstm.oneOverKeras && summary.lstm.oneOverKeras <= 2);
check('≥ 10× faster than tf.layers (LSTM)', summary.lstm.layersOverOurs && summary.lstm.layersOverOurs >= 10);
check('diagnostics ≤ 10 %', diagOverhead <= 0.1);
console.log('Target (issue 6): LSTM on tfjs-node (fused) ≤ 1.5× Keras');
check('LSTM tfjs-node fused ≤ 1.5× Keras', summary.lstm.fusedOverKeras && summary.lstm.fusedOverKeras <= 1.5);
if (seq2seq) {
  console.log('Targets (issue 14): seq2seq all cores ≤ 0.7× Keras · its diagnostics ≤ 10 %');
  check('seq2seq all cores ≤ 0.7× Keras', seq2seq.summary.allOverKeras && seq2seq.summary.allOverKeras <= 0.7);
  check('seq2seq diagnostics ≤ 10 %', seq2seq.summary.diagOverhead === undefined ? undefined : seq2seq.summary.diagOverhead <= 0.1);
}

if (args.has('--crossover')) crossover();

// Where tfjs-node overtakes our kernels as the hidden size grows (backend 'auto' uses the result, see
// src/trainer/backends/backendChoice.ts). Fewer steps for bigger models, every variant interleaved per round.
function crossover() {
  const sizes = SIZES;
  const stepsFor = (h) => Math.max(3, Math.round((STEPS * 128 * 128) / (h * h)));
  const sweep = {};
  const add = (k, v) => ((sweep[k] ??= []).push(v));
  for (let round = 0; round < ROUNDS; round++) {
    for (const h of sizes) {
      const n = stepsFor(h);
      add(`lstm/${h}/ours`, ours('lstm', cores, n, 0, '-', h));
      if (hasTfjsNode) add(`lstm/${h}/fused`, tfjsNode('lstm', 'fused', n, h));
      if (hasKeras) add(`lstm/${h}/keras`, keras('lstm', n, h));
      add(`gru/${h}/ours`, ours('gru', cores, n, 0, '-', h));
      if (hasTfjsNode) add(`gru/${h}/bptt`, tfjsNode('gru', 'bptt', n, h));
    }
    process.stderr.write(`crossover round ${round + 1}/${ROUNDS} done\n`);
  }
  const med = (k) => {
    const ok = (sweep[k] ?? []).filter((v) => !v.error);
    return ok.length ? median(ok.map((v) => v.median_ms)) : undefined;
  };
  const x = (v) => (v === undefined ? '–' : `${fmt(v, 2)}×`);
  console.log(`\nCrossover: the benchmark shape with hidden ${sizes.join(', ')} (median ms per step, ${ROUNDS} interleaved round(s); ours on ${cores} threads)`);
  console.log('| hidden | LSTM ours | LSTM tfjs-node fused | LSTM Keras | fused / ours | ours / Keras | fused / Keras | GRU ours | GRU tfjs-node hand BPTT | BPTT / ours |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  const faster = { lstm: [], gru: [] };
  for (const h of sizes) {
    const o = med(`lstm/${h}/ours`), f = med(`lstm/${h}/fused`), k = med(`lstm/${h}/keras`), go = med(`gru/${h}/ours`), gu = med(`gru/${h}/bptt`);
    faster.lstm.push(o !== undefined && f !== undefined ? f < o : undefined);
    faster.gru.push(go !== undefined && gu !== undefined ? gu < go : undefined);
    console.log(`| ${h} | ${fmt(o)} | ${fmt(f)} | ${fmt(k)} | ${x(r(f, o))} | ${x(r(o, k))} | ${x(r(f, k))} | ${fmt(go)} | ${fmt(gu)} | ${x(r(gu, go))} |`);
  }
  for (const [cell, path] of [['lstm', 'fused'], ['gru', 'hand BPTT']]) {
    const f = faster[cell];
    if (f.includes(undefined)) { console.log(`${cell.toUpperCase()}: no crossover measured (tfjs-node missing or a run failed)`); continue; }
    // the smallest size from which tfjs-node stays faster up to the largest
    let from = sizes.length;
    while (from > 0 && f[from - 1]) from--;
    console.log(from === sizes.length
      ? `${cell.toUpperCase()}: tfjs-node (${path}) is slower than our kernels at every size up to ${sizes.at(-1)}`
      : `${cell.toUpperCase()}: tfjs-node (${path}) is faster than our kernels from hidden ${sizes[from]} on${from > 0 ? ` (slower at ${sizes[from - 1]})` : ''}`);
  }
  for (const [k, v] of Object.entries(sweep)) for (const e of v) if (e.error) console.log(`note: ${k} failed: ${e.error}`);
}
