// `npm run bench`: ms per training step of our kernels (1 thread and all cores; LSTM, GRU, RNN) against
// Keras on TensorFlow (when Python TensorFlow is importable) and tf.layers on TensorFlow.js's wasm backend,
// plus the cost of diagnostics and the memory over a long run. Every variant runs in its own process;
// kernels and Keras run interleaved, ROUNDS times, and the medians are compared.
// Options: --quick (fewer steps, one round), --no-tfjs, --no-soak.
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const ROUNDS = quick ? 1 : 3;
const STEPS = quick ? 15 : 40;
const cores = os.availableParallelism();
const cells = ['lstm', 'gru', 'rnn'];

function run(cmd, argv) {
  const r = spawnSync(cmd, argv, { cwd: root, encoding: 'utf8', env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' } });
  const line = (r.stdout || '').split('\n').filter((l) => l.startsWith('{')).pop();
  if (r.status !== 0 || !line) return { error: (r.stderr || '').trim().split('\n').slice(-3).join(' | ') || `exit ${r.status}` };
  return JSON.parse(line);
}
const ours = (cell, threads, steps = STEPS, diag = 0, soak = '') => run(process.execPath, ['--import', 'tsx', 'bench/wasmStep.ts', cell, String(threads), String(steps), String(diag), soak].filter(Boolean));
const median = (a) => a.slice().sort((p, q) => p - q)[a.length >> 1];

const hasKeras = spawnSync('python3', ['-c', 'import tensorflow, keras'], { encoding: 'utf8' }).status === 0;
if (!hasKeras) console.log('Keras: skipped (Python TensorFlow not importable; `pip install tensorflow-cpu` to compare against it)');

const results = {};
const put = (k, r) => ((results[k] ??= []).push(r));
for (let round = 0; round < ROUNDS; round++) {
  for (const cell of cells) {
    put(`${cell}/1`, ours(cell, 1));
    put(`${cell}/${cores}`, ours(cell, cores));
    if (hasKeras) put(`${cell}/keras`, run('python3', ['bench/keras_step.py', cell, String(STEPS)]));
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

const fmt = (v, d = 1) => (v === undefined ? '–' : v.toFixed(d));
console.log(`\nTraining step, vocab 65 · embedding 32 · 1 layer of 128 · sequence 64 · batch 32 · Adam (median ms, ${ROUNDS} interleaved round(s) of ${STEPS} steps; ${cores} cores)`);
console.log('| cell | ours 1 thread | ours all cores | GFLOP/s | Keras | tf.layers (tfjs-wasm) | all cores / Keras | 1 thread / Keras | tf.layers / ours | peak RSS MB |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
const summary = {};
for (const cell of cells) {
  const one = ms(`${cell}/1`), all = ms(`${cell}/${cores}`), keras = ms(`${cell}/keras`), layers = tfjs[cell] && !tfjs[cell].error ? tfjs[cell].median_ms : undefined;
  const r = (a, b) => (a && b ? a / b : undefined);
  summary[cell] = { one: one?.ms, all: all?.ms, keras: keras?.ms, layers, allOverKeras: r(all?.ms, keras?.ms), oneOverKeras: r(one?.ms, keras?.ms), layersOverOurs: r(layers, all?.ms) };
  console.log(`| ${cell.toUpperCase()} | ${fmt(one?.ms)} | ${fmt(all?.ms)} | ${fmt(all?.gflops)} | ${fmt(keras?.ms)} | ${fmt(layers)} | ${fmt(summary[cell].allOverKeras, 2)}× | ${fmt(summary[cell].oneOverKeras, 2)}× | ${fmt(summary[cell].layersOverOurs)}× | ${all?.rss ?? '–'} |`);
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

console.log('\nTargets (issue 2): LSTM all cores ≤ 1.0× Keras · RNN ≤ 0.6× · 1 thread ≤ 2× · ≥ 10× faster than tf.layers · diagnostics ≤ 10 % · RSS ≤ 150 MB and flat');
const check = (name, ok) => console.log(`${ok === undefined ? '–' : ok ? '✓' : '✗'} ${name}`);
check('LSTM all cores ≤ 1.0× Keras', summary.lstm.allOverKeras && summary.lstm.allOverKeras <= 1.0);
check('RNN all cores ≤ 0.6× Keras', summary.rnn.allOverKeras && summary.rnn.allOverKeras <= 0.6);
check('1 thread ≤ 2× Keras (LSTM)', summary.lstm.oneOverKeras && summary.lstm.oneOverKeras <= 2);
check('≥ 10× faster than tf.layers (LSTM)', summary.lstm.layersOverOurs && summary.lstm.layersOverOurs >= 10);
check('diagnostics ≤ 10 %', diagOverhead <= 0.1);
