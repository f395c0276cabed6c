// The experiment gallery: the pure pieces (decay fit, SVG writers, results table) and a quick variant
// of each experiment that checks the direction of its result on a small budget, so an engine
// regression (initialisation, BPTT, clipping, attention, decoding) shows up here.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { fitGeometricDecay, gradientSpikes } from '../../src/gallery/analysis';
import type { RunResult } from '../../src/gallery/experiment';
import { selectExperiments } from '../../src/gallery/experiments';
import { renderHeatmap } from '../../src/gallery/heatmapFigure';
import { ADDING_BASELINE, decayOf } from '../../src/gallery/rnnExperiments';
import { reproduce, resolveConfig, STATE_FILE } from '../../src/gallery/reproduce';
import { figureRanges, renderLineChart } from '../../src/gallery/lineChart';
import { heatmapColor } from '../../src/shared/chart/svgHeatmap';
import { baselinesOf } from '../../src/shared/metrics';
import { byId, dataDir, galleryDir, quick, tmp } from './galleryRuns';

const finalLoss = (r: RunResult) => r.evals.at(-1)!.loss;

test('fitGeometricDecay recovers the rate of a geometric curve and ignores the last step', () => {
  const g = Array.from({ length: 40 }, (_, t) => 3 * 0.8 ** (39 - t));
  g[39] = 100; // the output's direct gradient
  const fit = fitGeometricDecay(g);
  assert.ok(Math.abs(fit.perStep - 0.8) < 1e-9, String(fit.perStep));
  assert.ok(Math.abs(fit.stepsPerDecade - Math.LN10 / -Math.log(0.8)) < 1e-6);
  assert.ok(fit.r2 > 0.999);
  assert.equal(fitGeometricDecay(new Array(10).fill(1)).stepsPerDecade, Infinity);
  assert.equal(gradientSpikes([1, 1, 1, 50, 1, NaN]), 2);
});

test('a gallery figure: axes, log ticks, lines that break at gaps, references and a legend, ranges that fit the data', () => {
  const chart = {
    title: 'Loss <test>', xLabel: 'step', yLabel: 'MSE', yLog: true,
    series: [{ label: 'lstm', points: [[0, 1], [1, 0.1], [2, NaN], [3, 0.001]] as [number, number][] }, { label: 'rnn', points: [[0, 1], [3, 0.5]] as [number, number][], dashed: true }],
    references: [{ label: 'baseline', y: 0.04 }],
  };
  const svg = renderLineChart(chart);
  assert.match(svg, /<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.ok(svg.trimEnd().endsWith('</svg>'));
  assert.ok(svg.includes('Loss &lt;test&gt;'));
  for (const label of ['lstm', 'rnn', 'baseline', 'MSE (log scale)']) assert.ok(svg.includes(`>${label}<`), label);
  const paths = [...svg.matchAll(/<path class="series-line" data-label="([^"]+)" d="([^"]+)"[^>]*>/g)];
  assert.deepEqual(paths.map((m) => m[1]), ['lstm', 'rnn']);
  assert.equal((paths[0][2].match(/M/g) ?? []).length, 2, 'the NaN point starts a new segment');
  assert.match(paths[1][0], /stroke-dasharray="6 3"/);
  for (const tick of ['0.001', '0.01', '0.1', '1']) assert.ok(svg.includes(`>${tick}</text>`), `log tick ${tick}`);
  const { x, y } = figureRanges(chart);
  assert.deepEqual(x, [0, 3]);
  assert.ok(y[0] < 0.001 && y[0] > 0 && y[1] > 1, `log range padded around the data: ${y}`);
  assert.deepEqual(figureRanges({ ...chart, yLog: false, series: [{ label: 'flat', points: [[1, 2], [1, 2]] }], references: [] }), { x: [1, 2], y: [1.9, 2.1] });
});

test('quick adding problem (T = 30): LSTM ends below the RNN and below the 1/24 baseline', async () => {
  const { runs, outDir } = await quick(byId('1-adding'));
  assert.ok(finalLoss(runs.lstm) < 0.5 * ADDING_BASELINE, `lstm ${finalLoss(runs.lstm)}`);
  assert.ok(finalLoss(runs.lstm) < 0.5 * finalLoss(runs.rnn), `lstm ${finalLoss(runs.lstm)} rnn ${finalLoss(runs.rnn)}`);
  const md = fs.readFileSync(path.join(outDir, 'results.md'), 'utf8');
  assert.match(md, /\| 1 \| Adding problem, T = 100 \| lstm \|/);
  assert.ok(fs.readFileSync(path.join(outDir, 'figures', '1-adding-loss.svg'), 'utf8').includes('</svg>'));
});

test('a finished experiment is not retrained; results are read back from state.json', async () => {
  const exp = byId('4-vanishing');
  const first = await quick(exp);
  const state = JSON.parse(fs.readFileSync(path.join(first.outDir, STATE_FILE), 'utf8'));
  assert.deepEqual(Object.values(state.runs).map((r) => (r as { status: string }).status), ['finished', 'finished']);
  const before = fs.readdirSync(path.join(first.outDir, 'runs')).sort();
  const again = await quick(exp, {}, first.outDir);
  assert.deepEqual(fs.readdirSync(path.join(first.outDir, 'runs')).sort(), before);
  assert.equal(again.runs.rnn.runId, first.runs.rnn.runId);
  // a changed config is trained again, not read back
  const changed = await quick(exp, { 'training.maxSteps': 40 }, first.outDir);
  assert.notEqual(changed.runs.rnn.runId, first.runs.rnn.runId);
  assert.equal(changed.runs.rnn.steps.at(-1)!.step, 40);
});

test('an interrupted experiment resumes its run from the checkpoint', async () => {
  const exp = byId('1-adding');
  const outDir = tmp();
  let steps = 0;
  const [stopped] = await reproduce({
    outDir, galleryDir, dataDir, quick: true, threads: 1,
    experiments: [{ ...exp, quick: { ...exp.quick, 'training.maxSteps': 60 } }],
    shouldStop: () => steps >= 25,
    sink: () => ({ progress: (p) => (steps = p.step) }),
  });
  assert.equal(stopped.kind, 'stopped');
  const state = JSON.parse(fs.readFileSync(path.join(outDir, STATE_FILE), 'utf8'));
  const runId = state.runs['1-adding/lstm'].runId;
  assert.equal(state.runs['1-adding/lstm'].status, 'running');
  const { runs } = await quick(exp, { 'training.maxSteps': 60 }, outDir);
  assert.equal(runs.lstm.runId, runId);
  assert.equal(runs.lstm.steps.length, 60);
  assert.deepEqual(runs.lstm.steps.map((s) => s.step), Array.from({ length: 60 }, (_, i) => i + 1));
});

test('quick vanishing gradients: the RNN (radius 0.9) decays per step much faster than the LSTM on the same data', async () => {
  const { runs } = await quick(byId('4-vanishing'));
  const rnn = decayOf(runs.rnn.firstSnapshot)!, lstm = decayOf(runs.lstm.firstSnapshot)!;
  assert.ok(rnn.perStep < 0.9, `rnn ${rnn.perStep}`);
  assert.ok(lstm.perStep > rnn.perStep + 0.05, `rnn ${rnn.perStep} lstm ${lstm.perStep}`);
  const rnnEnd = decayOf(runs.rnn.lastSnapshot)!, lstmEnd = decayOf(runs.lstm.lastSnapshot)!;
  assert.ok(lstmEnd.perStep > rnnEnd.perStep, `after training: rnn ${rnnEnd.perStep} lstm ${lstmEnd.perStep}`);
});

test('quick exploding gradients: clipping keeps a radius-3 RNN finite where no clipping diverges', async () => {
  const { runs } = await quick(byId('5-exploding'), { 'training.maxSteps': 60 });
  assert.equal(runs.clipped.outcome.kind, 'finished');
  assert.ok(runs.clipped.steps.every((s) => Number.isFinite(s.loss)));
  assert.ok(Math.max(...runs.clipped.steps.map((s) => s.gradNorm)) > 1e4, 'the raw gradient does explode');
  assert.equal(runs.unclipped.outcome.kind, 'diverged');
});

test('quick copy memory (T = 10): the LSTM leaves the memoryless plateau, the RNN stays on it', async () => {
  const exp = byId('2-copy');
  const { runs } = await quick({ ...exp, runs: exp.runs.filter((r) => r.key.endsWith('T = 10')) });
  const lstm = runs['lstm, T = 10'], rnn = runs['rnn, T = 10'];
  const base = baselinesOf(lstm.info)[0].value;
  assert.ok(Math.abs(base - (10 * Math.log(8)) / 30) < 1e-12);
  assert.ok(finalLoss(lstm) < 0.8 * base, `lstm ${finalLoss(lstm)} baseline ${base}`);
  assert.ok(finalLoss(rnn) > 0.95 * base, `rnn ${finalLoss(rnn)} baseline ${base}`);
});

test('quick temporal order, 3 symbols (T = 20): LSTM classifies the X/Y pattern far above chance', async () => {
  // A tanh RNN with orthogonal init, Adam and clipping learns this too at T ≤ 50 (see examples/gallery/README.md),
  // so only the LSTM's side of the paper's result is asserted.
  const { runs } = await quick(byId('3-temporal-order'));
  const acc = runs['lstm, T = 50'].evals.at(-1)!.accuracy!;
  assert.ok(acc > 0.9, `lstm ${acc}`);
  assert.match(baselinesOf(runs['rnn, T = 100'].info)[0].label, /chance \(8 classes\)/);
});

test('a missing data file skips the experiment and says where to get it', async () => {
  const outDir = tmp();
  const [o] = await reproduce({ outDir, galleryDir, dataDir: path.join(outDir, 'nothing-here'), quick: true, experiments: [byId('7-forecast')] });
  assert.equal(o.kind, 'skipped');
  assert.match(o.kind === 'skipped' ? o.reason : '', /daily-min-temperatures\.csv is not in .*https:\/\//);
  assert.match(fs.readFileSync(path.join(outDir, 'results.md'), 'utf8'), /skipped: daily-min-temperatures\.csv/);
  // a file the data folder lacks is looked for in the next ones, in order
  const [first, second, third] = [tmp(), tmp(), tmp()];
  for (const d of [second, third]) fs.writeFileSync(path.join(d, 'daily-min-temperatures.csv'), '"Date","Temp"\n');
  const exp = byId('7-forecast');
  const config = resolveConfig(exp, exp.runs[0], { galleryDir, dataDir: first, moreDataDirs: [second, third], quick: true });
  assert.equal((config.data as { path: string }).path, path.join(second, 'daily-min-temperatures.csv'));
  const [skipped] = await reproduce({ outDir: tmp(), galleryDir, dataDir: first, moreDataDirs: [path.join(first, 'none')], quick: true, experiments: [exp] });
  assert.match(skipped.kind === 'skipped' ? skipped.reason : '', new RegExp(`is not in ${first} or ${path.join(first, 'none')}\\.`));
});

test('quick char LM on a generated play: every cell learns well below the unigram baseline, with samples at temperature 0.8', async () => {
  // ~40 000 characters of dialogue from a small grammar (a user's clone has no ../shared/data)
  let seed = 7;
  const pick = <X>(xs: X[]): X => xs[(seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % xs.length];
  const who = ['ROMEO', 'JULIET', 'NURSE', 'FRIAR LAURENCE'], verbs = ['love', 'fear', 'know', 'see', 'hear'], things = ['the night', 'thy face', 'my lord', 'the moon', 'this hand'];
  let play = '';
  while (play.length < 40_000) play += `${pick(who)}:\nI ${pick(verbs)} ${pick(things)}, and ${pick(things)} ${pick(verbs)}s me.\n\n`;
  const data = tmp();
  fs.writeFileSync(path.join(data, 'tinyshakespeare.txt'), play);
  const [outcome] = await reproduce({ outDir: tmp(), galleryDir, dataDir: data, quick: true, threads: 1, experiments: [{ ...byId('6-char-lm'), quick: { ...byId('6-char-lm').quick, 'training.maxSteps': 150, 'training.validateEvery': 50 } }] });
  assert.equal(outcome.kind, 'done', outcome.kind === 'failed' || outcome.kind === 'skipped' ? outcome.reason : '');
  for (const r of outcome.kind === 'done' ? outcome.runs : []) {
    const unigram = baselinesOf(r.info)[0].value;
    assert.ok(finalLoss(r) < unigram - 1, `${r.key}: ${finalLoss(r)} against the unigram baseline ${unigram}`);
    assert.ok(r.samples.some((x) => x.temperature === 0.8 && x.text.length > 0), `${r.key} has a sample at temperature 0.8`);
  }
});

test('quick forecast: the LSTM beats persistence on the daily minimum temperatures, and the table reports AR(p) too', { skip: !fs.existsSync(path.join(dataDir, 'daily-min-temperatures.csv')) && 'no ../shared/data' }, async () => {
  const { runs, outcome } = await quick(byId('7-forecast'));
  const summary = outcome.kind === 'done' ? outcome.summary : assert.fail('not done');
  const rmse = runs.lstm.evals.at(-1)!.rmse!;
  assert.ok(rmse < runs.lstm.persistenceRmse!, `lstm ${rmse} persistence ${runs.lstm.persistenceRmse}`);
  const [persistence, ar] = baselinesOf(runs.lstm.info);
  assert.equal(persistence.name, 'persistence');
  assert.match(ar.name!, /^AR\(\d+\)$/);
  // the table names both, whatever the outcome
  assert.deepEqual(summary.rows.map((r) => r.model), ['persistence', ar.name, 'lstm 32']);
  assert.match(summary.rows[2].measured, /final (beats|does not beat) persistence, (beats|does not beat) AR\(\d+\)/);
});

test('reproduce picks experiments by number or id prefix: 1 is the adding problem, not 10 or 11', () => {
  assert.deepEqual(selectExperiments(['1']).map((e) => e.id), ['1-adding']);
  assert.deepEqual(selectExperiments(['10', '11']).map((e) => e.id), ['10-attention', '11-g2p']);
  assert.deepEqual(selectExperiments(['4-vanish', '8-addition']).map((e) => e.id), ['4-vanishing', '8-addition']);
  assert.equal(selectExperiments([]).length, 11);
});

test('a gallery heatmap: one cell per value coloured from white to blue, token labels escaped, a colour bar, the value on hover', () => {
  const values = [1, 0, 0.5, NaN, 0.25, 2];
  const svg = renderHeatmap({ title: 'Attention <probe>', xLabel: 'source', yLabel: 'target', columns: ['a', '<b>', 'c'], rows: ['x', '</s>'], values, range: [0, 1] });
  assert.match(svg, /^<\?xml[^]*<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^]*<\/svg>\n$/);
  const cells = [...svg.matchAll(/<rect x="[\d.]+" y="[\d.]+" width="16" height="16" fill="(#[0-9a-f]{6})"><title>([^<]*)<\/title><\/rect>/g)];
  assert.equal(cells.length, 6);
  assert.deepEqual(cells.map((c) => c[1]), ['#0072b2', '#ffffff', '#80b9d9', '#bbbbbb', '#bfdcec', '#0072b2'], 'clamped above the range, grey where not finite');
  assert.equal(cells[1][2], 'x ← &lt;b&gt;: 0');
  assert.equal(cells[3][2], '&lt;/s&gt; ← a: –');
  for (const text of ['Attention &lt;probe&gt;', '>&lt;b&gt;</text>', '>&lt;/s&gt;</text>', '>1.00</text>', '>0</text>']) assert.ok(svg.includes(text), text);
  assert.equal(heatmapColor({ range: [0, 0], colors: { background: '', foreground: '', muted: '', low: '#000000', high: '#ffffff', missing: '#ff0000' } }, 3), '#808080', 'an empty range is its middle colour');
  assert.throws(() => renderHeatmap({ title: 't', xLabel: '', yLabel: '', columns: ['a'], rows: ['x', 'y'], values: [1], range: [0, 1] }), /1 values for 2 rows × 1 columns/);
});
