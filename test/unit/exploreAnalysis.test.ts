// The explorer's pure parts on hand-made inputs: text features, the unit finder, LSTMVis's match, the
// embedding maps and neighbours, and the text encoding against the text loader's own.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { textDataset } from '../../src/trainer/data/text';
import { nearestByCosine, pca2, searchTokens, symmetricEigen, umap2 } from '../../src/trainer/explore/embedding';
import { csvFeatures, textFeatures } from '../../src/trainer/explore/features';
import { patternOf } from '../../src/shared/unitPattern';
import { findMatches } from '../../src/trainer/explore/match';
import { encodeText } from '../../src/trainer/explore/textTokens';
import { correlateUnits, rankUnits } from '../../src/trainer/explore/unitFinder';
import { Rng } from '../../src/trainer/rng';

const feature = (tokens: string[], name: string, level: 'char' | 'word' = 'char') => Array.from(textFeatures(tokens, level).find((f) => f.name === name)!.values);
const chars = (s: string) => Array.from(s);

test('text features follow quotes, brackets, lines and words as a reader does', () => {
  const s = 'a "bc" (d[e])\nfg h';
  assert.deepEqual(feature(chars(s), 'inQuotes'), [0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual(feature(chars(s), 'bracketDepth'), [0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 2, 1, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual(feature(chars(s), 'inBrackets'), [0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual(feature(chars(s), 'linePosition'), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 0, 1, 2, 3, 4]);
  assert.deepEqual(feature(chars(s), 'afterNewline'), [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0]);
  assert.deepEqual(feature(chars('“x” "y'), 'inQuotes'), [1, 1, 0, 0, 1, 1]);
  // a closing bracket never drives the depth below zero
  assert.deepEqual(feature(chars(')(x'), 'bracketDepth'), [0, 1, 1]);
});

test('character classes and word positions, with the look-ahead to the word end', () => {
  const s = "Éte don't 42!";
  assert.deepEqual(feature(chars(s), 'vowel'), [1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual(feature(chars(s), 'consonant'), [0, 1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 0, 0]);
  assert.deepEqual(feature(chars(s), 'space'), [0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0]);
  assert.deepEqual(feature(chars(s), 'other'), [0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 1, 1]);
  assert.deepEqual(feature(chars(s), 'wordLengthSoFar'), [1, 2, 3, 0, 1, 2, 3, 4, 5, 0, 1, 2, 0]);
  assert.deepEqual(feature(chars(s), 'charsLeftInWord'), [2, 1, 0, 0, 4, 3, 2, 1, 0, 0, 1, 0, 0]);
  // multi-character tokens: the state after each token; word tokens are read with a space between them
  assert.deepEqual(feature(['ab', 'cd', ' ', 'e'], 'charsLeftInWord'), [2, 0, 0, 0]);
  assert.deepEqual(feature(['ab', 'cd', ' ', 'e'], 'wordLengthSoFar'), [2, 4, 0, 1]);
  assert.deepEqual(feature(['the', '"', 'cat', '"'], 'inQuotes', 'word'), [0, 1, 1, 0]);
  assert.deepEqual(feature(['the', 'cat'], 'wordLengthSoFar', 'word'), [3, 3]);
  assert.deepEqual(feature(['the', 'cat'], 'linePosition', 'word'), [3, 7]);
});

test('CSV features: each input column and the target at the row and horizon rows later', () => {
  const rows = Float32Array.from([1, 10, 2, 20, 3, 30]);
  const f = csvFeatures({ rows, featureNames: ['a', 'b'], targets: [{ name: 'y', atRow: Float32Array.from([NaN, 5, 6]), ahead: Float32Array.from([6, 7, NaN]) }], horizon: 1 });
  assert.deepEqual(f.map((x) => x.name), ['a', 'b', 'target y', 'target y +1']);
  assert.deepEqual(Array.from(f[1].values), [10, 20, 30]);
  assert.deepEqual(Array.from(f[3].values), [6, 7, NaN]);
});

/** States [T, H] of H units of noise, with `plant(t)` written into unit `u`. */
function noiseStates(T: number, H: number, seed: number, u?: number, plant?: (t: number, noise: number) => number): Float32Array {
  const rng = new Rng(seed);
  const s = Float32Array.from({ length: T * H }, () => Math.tanh(rng.normal()));
  if (u !== undefined && plant) for (let t = 0; t < T; t++) s[t * H + u] = plant(t, 0.05 * rng.normal());
  return s;
}

test('the unit finder finds a planted quote unit with r ≈ 1 and its sign', () => {
  const text = 'He said "keep the lamp lit" and left. "Ships," she wrote, "need light." Then silence.'.repeat(4);
  const tokens = chars(text);
  const quotes = feature(tokens, 'inQuotes');
  const T = tokens.length, H = 12;
  const h = noiseStates(T, H, 1, 3, (t, n) => 0.9 * quotes[t] - 0.4 + n);
  const c = noiseStates(T, H, 2, 7, (t, n) => -2 * quotes[t] + n);
  const ranking = rankUnits([{ layer: 0, state: 'h', data: h, hiddenSize: H }, { layer: 1, state: 'c', data: c, hiddenSize: H }], textFeatures(tokens), { top: 2, minAbsR: 0.5 });
  const inQuotes = ranking.find((f) => f.feature === 'inQuotes')!;
  assert.equal(inQuotes.units.length, 2);
  assert.deepEqual(inQuotes.units.map(({ layer, state, unit }) => ({ layer, state, unit })).sort((a, b) => a.layer - b.layer), [{ layer: 0, state: 'h', unit: 3 }, { layer: 1, state: 'c', unit: 7 }]);
  const r = Object.fromEntries(inQuotes.units.map((x) => [x.state, x.r]));
  assert.ok(r.h > 0.98, `planted h unit: r = ${r.h}`);
  assert.ok(r.c < -0.98, `planted negative c unit: r = ${r.c}`);
  // no noise unit clears minAbsR for a feature nothing was planted for
  assert.deepEqual(ranking.find((f) => f.feature === 'afterNewline')!.units, []);
  assert.equal(ranking.find((f) => f.feature === 'afterNewline')!.constant, true);
});

test('constant features and units give r = 0, never NaN; NaN positions are skipped', () => {
  const T = 6, H = 2;
  const data = Float32Array.from([1, 5, 2, 5, 3, 5, 4, 5, 5, 5, 6, 5]);   // unit 0 rises, unit 1 constant
  assert.deepEqual(Array.from(correlateUnits(data, H, new Float32Array(T).fill(2))), [0, 0]);
  const r = correlateUnits(data, H, Float32Array.from([NaN, 2, 3, 4, 5, NaN]));
  assert.ok(Math.abs(r[0] - 1) < 1e-12);
  assert.equal(r[1], 0);
  const ranking = rankUnits([{ layer: 0, state: 'h', data, hiddenSize: H }], [{ name: 'flat', description: '', values: new Float32Array(T) }], { top: 5, minAbsR: 0 });
  assert.deepEqual(ranking[0], { feature: 'flat', description: '', positions: T, constant: true, units: [] });
});

test('match finds the planted positions of a pattern, best first, and not the selection itself', () => {
  const T = 400, H = 16, L = 4, threshold = 0.5;
  const s = new Float32Array(T * H).fill(-0.5);
  const on = (start: number, units: number[]) => { for (let t = start; t < start + L; t++) for (const u of units) s[t * H + u] = 0.9; };
  on(10, [2, 5, 9]);           // the selection
  on(100, [2, 5, 9]);          // exact
  on(200, [2, 5, 9, 11]);      // exact plus one extra unit
  on(300, [2, 5]);             // incomplete
  for (let t = 50; t < 60; t++) for (const u of [2, 5, 9]) s[t * H + u] = 0.9;   // on for longer: on before it starts
  const pattern = patternOf(s, H, 10, 13, threshold, true);
  assert.deepEqual(pattern, { units: [2, 5, 9], length: 4 });
  const strict = findMatches(s, H, pattern, { threshold, offBefore: true, limit: 10, exclude: { from: 10, to: 13 } });
  // the long run matches where it turns on; ties go to the earlier window
  assert.deepEqual(strict.map((m) => [m.start, m.score, m.patternOn, m.extraOn]), [[50, 3, 3, 0], [100, 3, 3, 0], [200, 2, 3, 1]]);
  // without the left boundary the long run matches at every start, kept once where windows overlap
  const loose = findMatches(s, H, pattern, { threshold, offBefore: false, limit: 10, minOverlap: 2 / 3 });
  assert.deepEqual(loose.map((m) => m.start), [10, 50, 54, 100, 200, 300]);
  assert.deepEqual(findMatches(s, H, { units: [], length: 4 }, { threshold, offBefore: false, limit: 10 }), []);
  assert.throws(() => patternOf(s, H, 398, 400, threshold, false), /not inside the 400 timesteps/);
});

test('PCA recovers the axes of a known matrix, exactly and with fixed signs', () => {
  // points on a line along (3, 4)/5 with a little spread along (−4, 3)/5, in 2D embedded into 3D
  const rows: number[][] = [];
  for (let i = -5; i <= 5; i++) for (const j of [-1, 1]) rows.push([(3 * i - 4 * 0.1 * j) / 5, (4 * i + 3 * 0.1 * j) / 5, 2]);
  const E = Float32Array.from(rows.flat());
  const { points, explained } = pca2(E, rows.length, 3);
  const ySign = Math.sign(points[1 * 2 + 1]);
  rows.forEach((_, v) => {
    const i = Math.floor(v / 2) - 5, j = v % 2 === 0 ? -1 : 1;
    assert.ok(Math.abs(points[v * 2] - i) < 1e-5, `row ${v} x`);
    assert.ok(Math.abs(points[v * 2 + 1] - ySign * 0.1 * j) < 1e-5, `row ${v} y`);
  });
  const varX = 10, varY = 0.01;   // mean of i² over −5..5; 0.1²
  assert.ok(Math.abs(explained![0] - varX / (varX + varY)) < 1e-6);
  const { values } = symmetricEigen(Float64Array.from([2, 1, 0, 1, 2, 0, 0, 0, 5]), 3);
  assert.deepEqual(Array.from(values, (x) => Math.round(x * 1e9) / 1e9).sort(), [1, 3, 5]);
});

test('UMAP gives the same map for the same seed and another for another seed', async () => {
  const rng = new Rng(3);
  const V = 40, dim = 8;
  const E = Float32Array.from({ length: V * dim }, (_, i) => rng.normal() + (Math.floor(i / dim) < 20 ? 3 : -3) * (i % dim === 0 ? 1 : 0));
  const a = await umap2(E, V, dim, { seed: 7, neighbours: 10 });
  const b = await umap2(E, V, dim, { seed: 7, neighbours: 10 });
  const c = await umap2(E, V, dim, { seed: 8, neighbours: 10 });
  assert.equal(a.points.length, V * 2);
  assert.ok(a.points.every(Number.isFinite));
  assert.deepEqual(a.points, b.points);
  assert.notDeepEqual(a.points, c.points);
});

test('nearest tokens by cosine, and a token found by its text', () => {
  const tokens = ['<unk>', 'a', 'A', 'b', 'ab'];
  const E = Float32Array.from([0, 0, 1, 0, 2, 0.1, -0.1, 1, 1, 1]);
  const near = nearestByCosine(E, 5, 2, 1, 4);
  // the zero row has similarity 0 to everything
  assert.deepEqual(near.map((n) => n.id), [2, 4, 0, 3]);
  assert.ok(Math.abs(near[0].similarity - 2 / Math.hypot(2, 0.1)) < 1e-6);
  assert.equal(nearestByCosine(E, 5, 2, 0, 4).every((n) => n.similarity === 0), true);
  assert.deepEqual(searchTokens(tokens, 'a'), [1]);
  assert.deepEqual(searchTokens(tokens, 'B'), [3]);
  assert.deepEqual(searchTokens(tokens, 'un'), [0]);
  assert.deepEqual(searchTokens(tokens, 'zz'), []);
});

test('encodeText gives the text loader’s ids, with offsets into the text and the unknown tokens', () => {
  const corpus = 'The keeper "lit" the lamp.\r\nShips saw it; the keeper slept.\n'.repeat(6);
  const probe = 'The keeper’s lamp\r\nlit 🌊 "x"\rQ';
  for (const level of ['char', 'word'] as const) {
    const data = textDataset(corpus, { level, lowercase: level === 'word' }, { validationSplit: 0.1, sequenceLength: 8 });
    const mine = encodeText(probe, data.vocabulary, level, level === 'word');
    assert.deepEqual(mine.ids, data.encode(probe), level);
    mine.offsets.forEach((o, t) => assert.ok(probe.slice(o).toLowerCase().startsWith(mine.tokens[t] === '\n' ? '\r' : mine.tokens[t].toLowerCase()), `${level} token ${t}`));
  }
  const chars = encodeText('ab\r\nc🌊d', ['<unk>', '\n', 'a', 'b', 'c'], 'char', false);
  assert.deepEqual(chars.tokens, ['a', 'b', '\n', 'c', '🌊', 'd']);
  assert.deepEqual(Array.from(chars.offsets), [0, 1, 2, 4, 5, 7]);
  assert.deepEqual(Array.from(chars.unknown.positions), [4, 5]);
  assert.deepEqual(chars.unknown.tokens, ['🌊', 'd']);
});
