// The encoder–decoder experiments of the gallery (8–11): the pure pieces (anti-diagonal mass, exact match by
// source length) and a quick variant of each that checks the direction of its result on a small budget.
// A file of their own: together with the recurrent ones they outlast one file's time guard on a loaded machine.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { antiDiagonalMass, exactMatchOver } from '../../src/gallery/analysis';
import type { RunResult } from '../../src/gallery/experiment';
import { reproduce } from '../../src/gallery/reproduce';
import { attentionOf } from '../../src/gallery/seq2seqExperiments';
import type { EvalRecord } from '../../src/shared/metrics';
import { decodingScores } from '../../src/trainer/training/pairsEvaluation';
import { byId, galleryDir, quick, tmp } from './galleryRuns';

test('the anti-diagonal mass of an attention map and exact match pooled over source lengths', () => {
  // 3 source letters, 4 decoder steps (the last </s>): a perfect reversal, then a uniform map
  const perfect = [0, 0, 1, 0, 1, 0, 1, 0, 0, 1 / 3, 1 / 3, 1 / 3];
  const p = antiDiagonalMass(perfect, 4, 3);
  assert.equal(p.mass, 1);
  assert.ok(Math.abs(p.uniform - (2 / 3 + 1 + 2 / 3) / 3) < 1e-12, 'bands of 2, 3 and 2 of 3 columns');
  assert.ok(Math.abs(antiDiagonalMass(new Array(12).fill(1 / 3), 4, 3).mass - p.uniform) < 1e-12);
  assert.equal(antiDiagonalMass([0, 1, 1, 0, 0.5, 0.5], 3, 2, 0).mass, 1, 'width 0: the anti-diagonal cell only');
  assert.throws(() => antiDiagonalMass([1, 2], 2, 2), /not 2 × 2/);
  const byLength = [{ length: 5, pairs: 10, exactMatch: 1 }, { length: 6, pairs: 30, exactMatch: 0.5 }, { length: 12, pairs: 5, exactMatch: 0 }];
  assert.deepEqual(exactMatchOver(byLength, 5, 9), { pairs: 40, exactMatch: 0.625 });
  assert.ok(Number.isNaN(exactMatchOver(byLength, 7, 11).exactMatch));
});

test('the pairs evaluation records exact match per source length beside the pooled one', () => {
  const pair = (sourceLength: number, hypothesis: string[], reference: string[], finished = true) => ({ sourceLength, hypothesis, references: [reference], finished });
  const scores = decodingScores([pair(3, ['a'], ['a']), pair(5, ['b'], ['b']), pair(3, ['a'], ['b']), pair(5, ['b'], ['b'], false), pair(4, [], ['c'])], false);
  assert.equal(scores.exactMatch, 2 / 5);
  assert.deepEqual(scores.bySourceLength, [{ length: 3, pairs: 2, exactMatch: 0.5 }, { length: 4, pairs: 1, exactMatch: 0 }, { length: 5, pairs: 2, exactMatch: 0.5 }]);
});

const exactAt = (r: RunResult, step: number) => r.evals.find((e) => e.step === step)!.greedy!.exactMatch;

test('quick addition: the reversed source is ahead of the plain one in exact match at the same step', async () => {
  const { runs, outDir } = await quick(byId('8-addition'));
  const reversed = exactAt(runs.reversed, 1500), plain = exactAt(runs.plain, 1500);
  assert.ok(reversed > plain + 0.05, `exact match at step 1500: reversed ${reversed}, plain ${plain}`);
  assert.ok(runs.reversed.evals.every((e) => e.greedy && e.greedy.pairs > 0 && e.beam === undefined), 'greedy on every evaluation; the quick patch turns beam search off');
  assert.ok(fs.readFileSync(path.join(outDir, 'figures', '8-addition-exact-match.svg'), 'utf8').includes('>reversed<'));
});

test('quick reversal trick (copy, 8 letters, no attention): the reversed source trains faster, and the gradient reaches the first letter', async () => {
  const { runs, outcome } = await quick(byId('9-reversal'));
  const loss = (r: RunResult) => r.evals.at(-1)!.loss;
  assert.ok(loss(runs.reversed) < 0.9 * loss(runs.plain), `validation loss at step 600: reversed ${loss(runs.reversed)}, plain ${loss(runs.plain)}`);
  // ‖∂L/∂h_s‖ at initialisation: read in order, the first letter's state is the farthest from the decoder
  const g = (r: RunResult) => r.firstSnapshot!.arrays['enc.l0.dh'].data;
  const [plain, reversed] = [g(runs.plain), g(runs.reversed)];
  assert.equal(plain.length, 8);
  assert.ok(plain[0] < 0.5 * plain[7], `plain: ‖∂L/∂h_1‖ ${plain[0]}, ‖∂L/∂h_8‖ ${plain[7]}`);
  assert.ok(reversed[0] > 2 * reversed[7], `reversed: ‖∂L/∂h_1‖ ${reversed[0]}, ‖∂L/∂h_8‖ ${reversed[7]}`);
  const figure = outcome.kind === 'done' ? outcome.summary.figures.find((f) => f.file === '9-reversal-gradients.svg') : undefined;
  assert.ok(figure && 'chart' in figure && figure.chart.series.length === 4, 'both runs at initialisation and trained');
});

test('quick attention vs none (reverse, 5–20 letters): attention holds at the longest sources, none does not, and its map is anti-diagonal', async () => {
  const { runs, outcome, outDir } = await quick(byId('10-attention'));
  const longest = (r: RunResult) => exactMatchOver(r.evals.at(-1)!.greedy!.bySourceLength!, 15, 20);
  const attended = longest(runs['additive attention']), none = longest(runs['no attention']);
  assert.ok(attended.pairs > 100, `validation pairs of 15–20 letters: ${attended.pairs}`);
  assert.ok(attended.exactMatch > 0.8, `attention, 15–20 letters: ${attended.exactMatch}`);
  assert.ok(none.exactMatch < attended.exactMatch - 0.5, `no attention, 15–20 letters: ${none.exactMatch}`);
  const map = attentionOf(runs['additive attention'])!;
  assert.equal(map.rows.at(-1), '</s>');
  const { mass, uniform } = antiDiagonalMass(map.att, map.rows.length, map.cols.length);
  assert.ok(mass > 0.8 && mass > 3 * uniform, `anti-diagonal mass ${mass}, uniform ${uniform}`);
  assert.equal(attentionOf(runs['no attention']), undefined, 'no map without attention');
  const rows = outcome.kind === 'done' ? outcome.summary.rows : [];
  assert.match(rows.find((r) => r.model === 'attention map of the probe pair')!.measured, /of each step's weight within ±1 of the anti-diagonal/);
  const svg = fs.readFileSync(path.join(outDir, 'figures', '10-attention-map.svg'), 'utf8');
  assert.equal((svg.match(/<rect x="[\d.]+" y="[\d.]+" width="16" height="16"/g) ?? []).length, map.rows.length * map.cols.length);
});

const cmudict = (() => {
  try {
    require.resolve('cmu-pronouncing-dictionary');
    return undefined;
  } catch {
    return 'the cmu-pronouncing-dictionary package is not installed (npm ci installs it as a devDependency): the G2P experiment cannot be checked';
  }
})();

test('quick G2P on the first 6000 CMU dictionary words: attention below a loose phoneme error rate and below the plain LSTM', { skip: cmudict }, async () => {
  const data = tmp();
  const made = spawnSync(process.execPath, [path.resolve(__dirname, '..', '..', 'scripts', 'fixtures', 'make-cmudict-g2p.mjs'), '--alternatives', 'keep', '--out', path.join(data, 'cmudict-g2p-all.tsv')], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  const exp = byId('11-g2p');
  const [outcome] = await reproduce({ outDir: tmp(), galleryDir, dataDir: data, quick: true, threads: 1, experiments: [exp] });
  assert.equal(outcome.kind, 'done', outcome.kind === 'failed' || outcome.kind === 'skipped' ? outcome.reason : outcome.kind);
  const runs = outcome.kind === 'done' ? Object.fromEntries(outcome.runs.map((r) => [r.key, r])) : {};
  const per = (r: RunResult, which: 'greedy' | 'beam') => (r.evals.at(-1) as EvalRecord)[which]!.tokenErrorRate;
  assert.equal(runs.lstm.info.errorRateName, 'PER');
  assert.ok(per(runs['lstm + attention'], 'greedy') < 0.65, `attention PER ${per(runs['lstm + attention'], 'greedy')}`);
  assert.ok(per(runs['lstm + attention'], 'greedy') < per(runs.lstm, 'greedy') - 0.1, `attention ${per(runs['lstm + attention'], 'greedy')}, lstm ${per(runs.lstm, 'greedy')}`);
  // beam search over the first 100 validation pairs: a word with two pronunciations there is scored once
  const beamWords = runs.lstm.evals.at(-1)!.beam!.pairs;
  assert.ok(beamWords > 80 && beamWords <= 100, `${beamWords} words`);
  const rows = outcome.kind === 'done' ? outcome.summary.rows.map((r) => r.model) : [];
  assert.deepEqual(rows, ['lstm, greedy', 'lstm, beam 5', 'lstm + attention, greedy', 'lstm + attention, beam 5']);
});
