// The encoder–decoder row of the benchmark: a training step at issue 14's G2P-sized shape (bench/seq2seqShape.ts)
// on our kernels (1 thread and all cores) against the same model in Keras (when Python TensorFlow is importable),
// interleaved ROUNDS times in separate processes; prints the medians and our time as a ratio of Keras's.
// usage: node bench/seq2seq.mjs [--quick] [--rounds=N] [--diag=N (diagnostics every N steps, our kernels)]
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const quick = process.argv.includes('--quick');
const arg = (name, fallback) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const ROUNDS = arg('rounds', quick ? 1 : 3), STEPS = quick ? 10 : 30, DIAG = arg('diag', 0);
const cores = os.availableParallelism();

function run(cmd, argv) {
  const r = spawnSync(cmd, argv, { cwd: root, encoding: 'utf8', env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' } });
  const line = (r.stdout || '').split('\n').filter((l) => l.startsWith('{')).pop();
  if (r.status !== 0 || !line) return { error: (r.stderr || '').trim().split('\n').slice(-3).join(' | ') || `exit ${r.status}` };
  return JSON.parse(line);
}
const ours = (threads, diag = 0) => run(process.execPath, ['--import', 'tsx', 'bench/seq2seqStep.ts', String(threads), String(STEPS), String(diag)]);
const keras = () => run('python3', ['bench/keras_seq2seq_step.py', String(STEPS)]);
const hasKeras = spawnSync('python3', ['-c', 'import tensorflow, keras'], { encoding: 'utf8' }).status === 0;
if (!hasKeras) console.log('Keras: skipped (Python TensorFlow not importable; `pip install tensorflow-cpu` to compare against it)');

const results = {};
const put = (k, r) => ((results[k] ??= []).push(r));
for (let round = 0; round < ROUNDS; round++) {
  put('1', ours(1));
  if (cores > 1) put(`${cores}`, ours(cores));
  if (DIAG > 0) put(`${cores}+diag`, ours(cores, DIAG));
  if (hasKeras) put('keras', keras());
}
const med = (k) => {
  const ok = (results[k] ?? []).filter((r) => r.median_ms !== undefined).map((r) => r.median_ms).sort((a, b) => a - b);
  return ok.length ? ok[ok.length >> 1] : undefined;
};
const kerasMs = med('keras');
console.log(`seq2seq training step (LSTM 256 encoder + decoder, additive attention, vocab 30→70, source/target 12, batch 64), median of ${ROUNDS} round(s) × ${STEPS} steps:`);
for (const k of Object.keys(results)) {
  const ms = med(k), err = results[k].find((r) => r.error)?.error;
  const label = k === 'keras' ? 'Keras (TensorFlow)' : `seqlab wasm, ${k.replace('+diag', '')} thread(s)${k.endsWith('+diag') ? `, diagnostics every ${DIAG}` : ''}`;
  const ratio = ms !== undefined && kerasMs && k !== 'keras' ? `  ${(ms / kerasMs).toFixed(2)}× Keras` : '';
  console.log(`  ${label.padEnd(52)} ${ms === undefined ? `failed: ${err}` : `${ms.toFixed(1)} ms`}${ratio}`);
}
