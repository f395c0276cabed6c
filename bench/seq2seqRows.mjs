// The encoder–decoder rows of `npm run bench` (bench.mjs) and all of `npm run bench:seq2seq` (seq2seq.mjs): a
// training step at issue 14's G2P-sized shape (bench/seq2seqShape.ts) on our kernels, 1 thread and all cores,
// against the same model in Keras (bench/keras_seq2seq_step.py, when Python TensorFlow is importable), every
// variant in its own process, interleaved `rounds` times; then what diagnostics every N steps add (a probe
// pair's attention map, states and ‖∂L/∂h‖ through both sides: Seq2seqTrainer.diagnose), as the mean ms per
// step of interleaved pairs of runs with and without. `compare`: a folder of other kernel builds
// (SEQLAB_KERNELS_DIR, e.g. main's dist/kernels) measured in the same rounds, for before/after.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const median = (a) => a.slice().sort((p, q) => p - q)[a.length >> 1];
const fmt = (v, d = 1) => (v === undefined ? '–' : v.toFixed(d));
const ratio = (a, b) => (a !== undefined && b ? `${(a / b).toFixed(2)}×` : '–');

function run(root, cmd, argv, env = {}) {
  const r = spawnSync(cmd, argv, { cwd: root, encoding: 'utf8', env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3', ...env } });
  const line = (r.stdout || '').split('\n').filter((l) => l.startsWith('{')).pop();
  if (r.status !== 0 || !line) return { error: (r.stderr || '').trim().split('\n').slice(-3).join(' | ') || `exit ${r.status}` };
  return JSON.parse(line);
}

/**
 * Runs the variants and returns the lines to print and the figures. Options: root (the repository), rounds,
 * steps (per timing run), cores, hasKeras, diagEvery (0: no diagnostics pairs), diagSteps, compare (a kernels folder or undefined).
 */
export function seq2seqBench({ root, rounds, steps, cores, hasKeras, diagEvery = 10, diagSteps = 60, compare }) {
  const ours = (threads, o = {}) => run(root, process.execPath, ['--import', 'tsx', 'bench/seq2seqStep.ts', String(threads), String(o.steps ?? steps), String(o.diag ?? 0)],
    o.kernels ? { SEQLAB_KERNELS_DIR: path.resolve(o.kernels) } : {});
  const keras = () => run(root, 'python3', ['bench/keras_seq2seq_step.py', String(steps)]);
  const threads = cores > 1 ? [1, cores] : [1];
  const results = {};
  const put = (k, v) => ((results[k] ??= []).push(v));
  for (let round = 0; round < rounds; round++) {
    for (const t of threads) {
      put(`ours/${t}`, ours(t));
      if (compare) put(`compare/${t}`, ours(t, { kernels: compare }));
    }
    if (hasKeras) put('keras', keras());
    process.stderr.write(`seq2seq round ${round + 1}/${rounds} done\n`);
  }
  const med = (k, field = 'median_ms') => {
    const ok = (results[k] ?? []).filter((v) => !v.error);
    return ok.length ? median(ok.map((v) => v[field])) : undefined;
  };
  const kerasMs = med('keras'), all = `ours/${cores}`;
  const lines = [
    `\nEncoder–decoder training step: LSTM 256 encoder and decoder, additive attention, vocab 30 → 70, embeddings 64, source/target 12, batch 64, Adam (median ms, ${rounds} interleaved round(s) of ${steps} steps; ${cores} cores)`,
    '| kernels | ours 1 thread | ours all cores | GFLOP/s (all cores) | Keras | all cores / Keras | 1 thread / Keras |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  const row = (label, prefix) => {
    const one = med(`${prefix}/1`), many = med(`${prefix}/${cores}`);
    lines.push(`| ${label} | ${fmt(one)} | ${fmt(many)} | ${fmt(med(`${prefix}/${cores}`, 'gflops'))} | ${fmt(kerasMs)} | ${ratio(many, kerasMs)} | ${ratio(one, kerasMs)} |`);
  };
  row('this build', 'ours');
  // The spread: each round's ratio against the Keras run of the same round (the machine is shared and its load drifts).
  const spread = (prefix) => {
    const r = (results[prefix] ?? []).map((v, i) => (v.error || results.keras?.[i]?.error || !results.keras?.[i] ? undefined : v.median_ms / results.keras[i].median_ms)).filter((v) => v !== undefined);
    return r.length ? `${Math.min(...r).toFixed(2)}–${Math.max(...r).toFixed(2)}× (${r.length} rounds)` : '–';
  };
  if (hasKeras) lines.push(`per round, ours / Keras: 1 thread ${spread('ours/1')}, all cores ${spread(all)}`);
  if (compare) {
    row(compare, 'compare');
    lines.push(`this build / ${compare}: ${ratio(med('ours/1'), med('compare/1'))} on 1 thread, ${ratio(med(all), med(`compare/${cores}`))} on ${cores}`);
  }
  for (const [k, v] of Object.entries(results)) for (const e of v) if (e.error) lines.push(`note: seq2seq ${k} failed: ${e.error}`);

  // Mean, not median: a snapshot lands on one step in diagEvery, and a median would hide it.
  let overhead;
  if (diagEvery > 0) {
    const off = [], on = [];
    for (let i = 0; i < rounds * 2; i++) {
      off.push(ours(cores, { steps: diagSteps }).mean_ms);
      on.push(ours(cores, { steps: diagSteps, diag: diagEvery }).mean_ms);
    }
    const okOff = off.filter((v) => v !== undefined), okOn = on.filter((v) => v !== undefined);
    if (okOff.length && okOn.length) {
      overhead = median(okOn) / median(okOff) - 1;
      lines.push(`Diagnostics every ${diagEvery} steps (attention map, states and ‖∂L/∂h‖ of a probe pair; ${cores} threads, mean ms per step, ${rounds * 2} interleaved pairs of ${diagSteps} steps): ${fmt(median(okOn), 2)} ms on vs ${fmt(median(okOff), 2)} ms off → overhead ${(100 * overhead).toFixed(1)} %`);
    } else lines.push('note: the seq2seq diagnostics runs failed');
  }
  const allOverKeras = med(all) !== undefined && kerasMs ? med(all) / kerasMs : undefined;
  return { lines, summary: { one: med('ours/1'), all: med(all), keras: kerasMs, allOverKeras, diagOverhead: overhead } };
}
