// What a person reads off the dashboards, in headless Chromium with fake host messages: the readout's
// values under the cursor, heatmap colours at known cells against the numeric legend, the clipping note,
// whole-number ticks and one tick format, subscripted axis titles, the loss chart's units, zoom and size,
// the hidden-state view with 128 units, and the task views of the adding problem and a CSV forecast.
// Screenshots go to test-output/dashboard/.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { formatDuration, formatNumber } from '../../src/shared/format';
import { type ColorScale, cssRgb, scaleColor } from '../../webview/model/colorScales';
import { clipNote, clippedShare, logScaleOf, stateScale } from '../../webview/model/heatmapScales';
import { clearTexts, drawnTexts, heatmapPlot, inkPixels, nextFrames, outDir, type Page, pixelAt, readoutAt, type Session, skip, startSession, T, tab, violations } from './dashboardPage';

// these run inside the page (page.evaluate); the root tsconfig has no DOM lib
declare const window: any;
declare const document: any;

let session: Session;
before(async () => {
  if (!skip) session = await startSession();
});
after(async () => {
  await session?.close();
});

interface FakeRun {
  id: string;
  task: string;
  cell?: 'rnn' | 'lstm' | 'gru';
  name?: string;
  probeTokens?: string[];
  baseline?: { value: number; metric: string; label: string };
  dataSummary?: string;
}

/** In the page: `init` with these runs, as the host sends it. */
function postInit({ runs, kind }: { runs: FakeRun[]; kind: string }): void {
  window.postMessage({ type: 'init', panelKind: kind, pending: [], runs: runs.map((r, k) => ({
    id: r.id, colorIndex: k, seconds: 100, snapshotSteps: [300], status: { kind: 'finished', step: 300 },
    info: { id: r.id, name: r.name ?? r.task, configPath: '/ws/x.seqlab.json', cell: r.cell ?? 'lstm', backend: 'wasm', device: 'wasm', seed: 1, paramCount: 10, totalSteps: 300,
      dataSummary: r.dataSummary ?? '', task: r.task, gateNames: (r.cell ?? 'lstm') === 'lstm' ? ['i', 'f', 'g', 'o'] : [], probeTokens: r.probeTokens, baseline: r.baseline },
  })) }, '*');
}

/** In the page: 300 steps with loss 3 − s/200 at 0.32 s a step, validation every 25 steps at 3.1 − s/200, in
 *  columns as the host sends them (src/shared/metricColumns.ts). */
function postLinearLoss({ runId, steps }: { runId: string; steps: number }): void {
  const col = (f: (s: number) => number, every = 1) => Float64Array.from({ length: Math.floor(steps / every) }, (_, i) => f((i + 1) * every));
  const stepColumns = { step: col((s) => s), epoch: col(() => 0), time: col((s) => s * 0.32), loss: col((s) => 3 - s / 200), gradNorm: col((s) => 1 + (s % 7) / 7), clipped: new Uint8Array(steps) };
  const evals = { step: col((s) => s, 25), epoch: col(() => 0, 25), time: col((s) => s * 0.32, 25), loss: col((s) => 3.1 - s / 200, 25), accuracy: col(() => NaN, 25) };
  window.postMessage({ type: 'metrics', runId, columns: { steps: stepColumns, evals, samples: [] } }, '*');
}

/** In the page: a snapshot of plain arrays (typed in the page). */
function postSnapshot({ runId, step, arrays }: { runId: string; step: number; arrays: Record<string, { data: number[]; shape: number[] }> }): void {
  const typed: Record<string, { data: Float32Array; shape: number[] }> = {};
  for (const [k, a] of Object.entries(arrays)) typed[k] = { data: Float32Array.from(a.data), shape: a.shape };
  window.postMessage({ type: 'diagnostics', runId, snapshot: { step, arrays: typed } }, '*');
}

const legendScale = async (page: Page, sel: string): Promise<ColorScale> => {
  const d = await page.evaluate((s: string) => ({ ...document.querySelector(s).dataset }), sel);
  return { kind: d.kind, lo: Number(d.lo), hi: Number(d.hi) };
};
const ticks = (page: Page, chart: string, axis: 'x' | 'y'): Promise<string[]> =>
  page.evaluate(({ c, a }: { c: string; a: string }) => (document.querySelector(c).dataset[a === 'x' ? 'xTicks' : 'yTicks'] ?? '').split('|'), { c: chart, a: axis });
const decimals = (label: string) => (label.split('.')[1] ?? '').length;
/** Until the loss chart shows steps up to `last` (the records arrived) and drew them. */
async function lossDrawn(page: Page, last: number): Promise<void> {
  await page.waitForFunction((n: number) => window.seqlabDashboard.lossChart.xRange[1] === n && document.querySelector('#loss-chart').dataset.xTicks, last);
  await nextFrames(page);
}

test('loss chart: the readout gives each run\'s step, raw and smoothed value and wall time; validation has its own shade and entry', { skip }, async () => {
  const page = await session.blank('dark');
  await page.evaluate(postInit, { kind: 'run', runs: [{ id: 'char', task: 'text', name: 'char', dataSummary: 'tiny.txt: 2 000 chars, vocab 40', baseline: { value: 3.2, metric: 'xent', label: 'unigram (token frequencies, no context)' } }] });
  await page.evaluate(postLinearLoss, { runId: 'char', steps: 300 });
  await lossDrawn(page, 300);
  const rows = await readoutAt(page, '#loss-chart', 0.4);
  assert.deepEqual(rows[0], ['Run', 'Smoothed', 'Value', 'Step', 'Relative']);
  const [label, smoothed, value, step, relative] = rows[1];
  const n = Number(step.replace(/\s/g, ''));
  assert.equal(label, 'char');
  assert.ok(Math.abs(n - 120) <= 8, `the step under 40 % of the axis: ${n}`);
  assert.equal(value, formatNumber(3 - n / 200), 'the raw value of that step');
  assert.ok(Number(smoothed) > Number(value), `smoothed (0.6) lags a falling loss: ${smoothed} vs ${value}`);
  assert.equal(relative, formatDuration(n * 0.32), 'wall time since the start');
  const [vLabel, vSmoothed, vValue, vStep] = rows[2];
  assert.equal(vLabel, 'char · validation');
  assert.equal(vSmoothed, '–');
  assert.equal(Number(vStep) % 25, 0);
  assert.ok(Math.abs(Number(vStep) - n) <= 13);
  assert.equal(vValue, formatNumber(3.1 - Number(vStep) / 200));
  await page.screenshot({ path: path.join(outDir, 'loss-readout-dark.png') });

  // validation: its own legend entry, in a second shade of the run's colour, that switches it off
  const colours = await page.evaluate(() => ['.legend-entry .key-swatch', '.legend-validation .key-swatch'].map((s) => window.getComputedStyle(document.querySelector(s)).color));
  assert.ok(colours[0] && colours[0] !== colours[1], `validation shade ${colours[1]} differs from the run's ${colours[0]}`);
  await page.click('#loss-legend .legend-validation');
  assert.equal(await page.getAttribute('#loss-legend .legend-validation', 'aria-pressed'), 'false');
  assert.equal((await readoutAt(page, '#loss-chart', 0.4)).length, 2, 'no validation row once it is off');

  // whole steps on the x axis, one number format on the y axis, the unit and the baseline on the canvas
  assert.ok((await ticks(page, '#loss-chart', 'x')).every((t) => /^\d[\d ]*$/.test(t)));
  const y = await ticks(page, '#loss-chart', 'y');
  assert.ok(y.length >= 4 && new Set(y.map(decimals)).size === 1, `y ticks with the same decimals: ${y}`);
  const texts = await drawnTexts(page);
  assert.ok(texts.includes('loss (nats/char)'), 'the y axis in the run\'s unit');
  assert.ok(texts.includes('baseline: unigram (3.2)'));
  assert.deepEqual(await violations(page), []);
  await page.close();
});

test('loss chart: zoom refits the y axis (log too, with labels inside the range), Reset zoom, height of the window', { skip }, async () => {
  const page = await session.blank('light', { width: 1100, height: 860 });
  await page.evaluate(postInit, { kind: 'run', runs: [{ id: 'char', task: 'text', name: 'char' }] });
  await page.evaluate(postLinearLoss, { runId: 'char', steps: 300 });
  await lossDrawn(page, 300);
  const chartBox = async () => (await page.locator('#loss-chart canvas').boundingBox())!;
  const full = await chartBox();
  assert.ok(full.height > 400, `the chart takes the window's height: ${full.height} px`);
  assert.ok(860 - (full.y + full.height) < 90, `little empty space under it: ${860 - (full.y + full.height)} px`);
  assert.equal(await page.getAttribute('#reset-zoom', 'disabled'), '');

  const zoomTo = (lo: number, hi: number) => page.evaluate(([a, b]: number[]) => window.seqlabDashboard.setLossRange(a, b), [lo, hi]);
  await zoomTo(200, 300);
  const y = (await ticks(page, '#loss-chart', 'y')).map(Number);
  assert.ok(Math.min(...y) >= 1.4 && Math.max(...y) <= 2.1, `y refitted to the loss of steps 200…300 (1.5…2.0): ${y}`);
  assert.equal(await page.getAttribute('#reset-zoom', 'disabled'), null, 'Reset zoom offered once zoomed');

  await page.click('#log-y');
  await zoomTo(200, 300);
  await nextFrames(page);
  const logY = await ticks(page, '#loss-chart', 'y');
  assert.ok(logY.length >= 3, `log ticks inside a zoomed range: ${logY}`);
  assert.ok(logY.map(Number).every((v) => v >= 1.4 && v <= 2.1), `not snapped to whole decades: ${logY}`);
  assert.ok(logY.every((t) => !t.includes('e')) && new Set(logY.map(decimals)).size === 1, `one format inside one decade: ${logY}`);
  await page.screenshot({ path: path.join(outDir, 'loss-zoomed-log-light.png') });

  await page.click('#reset-zoom');
  await nextFrames(page);
  assert.equal(await page.getAttribute('#reset-zoom', 'disabled'), '');
  assert.deepEqual(await page.evaluate(() => window.seqlabDashboard.lossChart.xRange), [1, 300]);

  await page.setViewportSize({ width: 1100, height: 1060 });
  await page.waitForFunction((h0: number) => document.querySelector('#loss-chart canvas').getBoundingClientRect().height > h0 + 150, full.height);
  await page.close();
});

test('a short run: whole-number steps on the x axis, never 2.5', { skip }, async () => {
  const page = await session.blank('dark');
  await page.evaluate(postInit, { kind: 'run', runs: [{ id: 'tiny', task: 'adding', baseline: { value: 1 / 24, metric: 'mse', label: 'predict 0.5 (Hochreiter & Schmidhuber 1997)' } }] });
  await page.evaluate(postLinearLoss, { runId: 'tiny', steps: 7 });
  await lossDrawn(page, 7);
  const x = await ticks(page, '#loss-chart', 'x');
  assert.ok(x.length >= 3 && x.every((t) => /^\d+$/.test(t)), `integer step ticks: ${x}`);
  assert.ok((await drawnTexts(page)).includes('loss (MSE)'), 'a synthetic regression\'s loss is an MSE');
  // a log axis inside one decade: every linear label drawn (uPlot's own log filter would blank them and break)
  await page.click('#log-y');
  await page.evaluate(() => window.seqlabDashboard.setLossRange(2, 6));
  await page.waitForFunction(() => (document.querySelector('#loss-chart').dataset.yTicks ?? '').split('|').length >= 3);
  const logY = await ticks(page, '#loss-chart', 'y');
  assert.ok(logY.every((t) => /^\d\.\d\d$/.test(t) && Number(t) > 2.9 && Number(t) < 3.1), `linear labels around the zoomed loss: ${logY}`);
  assert.deepEqual(await page.evaluate(() => window.__posted.filter((m: any) => m.type === 'log')), [], 'no error in the page');
  await page.close();
});

test('hidden states: c on a symmetric range from the data, the clipping note, pixels and tooltip agree with the legend; gates on 0…1', { skip }, async () => {
  const page = await session.open('dark', 1);
  // a cell state of ±1.2 with 12 cells far out (−4.1 and +4.0): the 99th percentile leaves them clipped
  const Hc = 24;
  const c = Array.from({ length: T * Hc }, (_, i) => Math.sin((i % Hc) + Math.floor(i / Hc) * 0.3) * 1.2);
  for (let t = 0; t < 6; t++) {
    c[t * Hc + 5] = 4.0;
    c[t * Hc + 6] = -4.1;
  }
  const h = Array.from({ length: T * Hc }, (_, i) => Math.tanh(c[i]));
  const gates = Array.from({ length: T * 4 * Hc }, (_, i) => 0.5 + 0.5 * Math.sin(i * 0.01));
  await page.evaluate(postSnapshot, { runId: 'run-0', step: 400, arrays: { 'l0.h': { data: h, shape: [T, Hc] }, 'l0.c': { data: c, shape: [T, Hc] }, 'l0.gates': { data: gates, shape: [T, 4 * Hc] } } });
  await tab(page, 1);
  await page.evaluate(() => {
    const sel = document.querySelector('#hs-state');
    sel.value = 'c';
    sel.dispatchEvent(new Event('change'));
  });
  await nextFrames(page);
  const want = stateScale('c', ['i', 'f', 'g', 'o'], Float32Array.from(c), 99);
  const scale = await legendScale(page, '#hs-legend');
  assert.deepEqual(scale, want.scale, 'the legend shows the scale of the data');
  assert.ok(scale.hi > 1 && scale.hi < 1.3, `±${scale.hi}: not the fixed ±1, not stretched to the outliers`);
  assert.equal(await page.textContent('#hs-legend .scale-caption'), want.caption);
  assert.equal(await page.textContent('#hs-legend .scale-clip'), clipNote(clippedShare(Float32Array.from(c), scale), scale));
  assert.match((await page.textContent('#hs-legend .scale-clip'))!, /^0\.8 % of cells beyond ±1\.2, drawn at the ends$/);
  const legendTicks = await page.locator('#hs-legend .scale-tick').allTextContents();
  assert.deepEqual([legendTicks[0], legendTicks.at(-1)], ['-1.2', '1.2'], 'the range at the ends');
  assert.ok(legendTicks.includes('0') && legendTicks.length >= 3, `${legendTicks}`);

  const plot = await heatmapPlot(page, '#heatmap-canvas');
  const cell = (u: number, t: number) => ({ x: plot.left + ((t + 0.5) * plot.width) / T, y: plot.top + ((u + 0.5) * plot.height) / Hc });
  for (const [u, t] of [[5, 0], [6, 2], [3, 20], [10, 40], [0, 59]]) {
    const at = cell(u, t);
    const px = await pixelAt(page, '#heatmap-canvas', at.x, at.y);
    assert.deepEqual(px, scaleColor(scale, c[t * Hc + u]), `unit ${u} at t ${t} (${c[t * Hc + u]}) in the legend's colour`);
    const box = (await page.locator('#heatmap-canvas').boundingBox())!;
    await page.mouse.move(box.x + at.x, box.y + at.y);
    assert.equal(await page.textContent('#heatmap-tooltip .tip-value'), formatNumber(c[t * Hc + u]), 'the tooltip reads the cell');
    const swatch = await page.evaluate(() => window.getComputedStyle(document.querySelector('#heatmap-tooltip .tip-swatch')).backgroundColor);
    assert.equal(swatch, cssRgb(px as [number, number, number]), 'the tooltip\'s swatch is the pixel\'s colour');
  }
  assert.match((await page.textContent('#heatmap-tooltip'))!, /unit 0 · t 59/);
  await page.screenshot({ path: path.join(outDir, 'hidden-cell-state-clipped-dark.png') });

  await page.evaluate(() => {
    const sel = document.querySelector('#hs-range');
    sel.value = '100';
    sel.dispatchEvent(new Event('change'));
  });
  await nextFrames(page);
  assert.deepEqual(await legendScale(page, '#hs-legend'), { kind: 'diverging', lo: -4.1, hi: 4.1 });
  assert.equal(await page.isVisible('#hs-legend .scale-clip'), false, 'nothing clipped at max |c|');

  await page.evaluate(() => {
    const sel = document.querySelector('#hs-state');
    sel.value = 'gate:1';
    sel.dispatchEvent(new Event('change'));
  });
  await nextFrames(page);
  assert.deepEqual(await legendScale(page, '#hs-legend'), { kind: 'sequential', lo: 0, hi: 1 }, 'the forget gate is a sigmoid: 0…1');
  assert.deepEqual(await page.locator('#hs-legend .scale-tick').allTextContents(), ['0', '0.25', '0.5', '0.75', '1']);
  assert.deepEqual(await violations(page), []);
  await page.close();
});

test('gradients: a numeric log legend, pixels on its scale, one range shared by the runs on request; subscripted titles', { skip }, async () => {
  const page = await session.open('dark', 2);
  await clearTexts(page);
  await tab(page, 2);
  // the harness: ‖∂L_T/∂h_t‖ at snapshot s of run k is (0.9 + 0.02 s + 0.02 k)^(T−1−t)
  const dh = (k: number, s: number, t: number) => Math.fround(Math.pow(0.9 + 0.02 * s + 0.02 * (k % 3), T - 1 - t));
  const history = (k: number) => [Float32Array.from({ length: 4 * T }, (_, i) => dh(k, Math.floor(i / T), i % T))];
  const own = logScaleOf(history(0))!;
  assert.deepEqual(await legendScale(page, '#grad-legend'), own);
  assert.deepEqual(await page.locator('#grad-legend .scale-tick').allTextContents(), ['0.001', '0.01', '0.1', '1']);
  assert.match((await page.textContent('#grad-legend .scale-caption'))!, /log scale: this run’s own range \(char · LSTM\)/);
  const plot = await heatmapPlot(page, '#grad-heatmap');
  for (const [s, t] of [[0, 0], [0, 30], [3, 10], [2, 59]]) {
    const px = await pixelAt(page, '#grad-heatmap', plot.left + ((t + 0.5) * plot.width) / T, plot.top + ((s + 0.5) * plot.height) / 4);
    assert.deepEqual(px, scaleColor(own, dh(0, s, t)), `snapshot ${s}, t ${t}`);
  }
  await page.evaluate(() => {
    const sel = document.querySelector('#grad-scale');
    sel.value = 'shared';
    sel.dispatchEvent(new Event('change'));
  });
  await nextFrames(page);
  const shared = logScaleOf([...history(0), ...history(1)])!;
  assert.deepEqual(await legendScale(page, '#grad-legend'), shared);
  assert.match((await page.textContent('#grad-legend .scale-caption'))!, /one range shared by 2 runs/);

  // integer timesteps and steps; ‖∂L_T/∂h_t‖ with subscripts, no underscore anywhere on a canvas
  assert.ok((await ticks(page, '#grad-time-chart', 'x')).every((t) => /^\d+$/.test(t)));
  assert.ok((await ticks(page, '#grad-norm-chart', 'x')).every((t) => /^\d[\d ]*$/.test(t)));
  const texts = await drawnTexts(page);
  assert.ok(texts.includes('‖∂L') && texts.includes('/∂h'), 'the title in pieces around its subscripts');
  assert.deepEqual(texts.filter((s) => s.includes('_')), [], 'no raw underscore drawn');
  const rows = await readoutAt(page, '#grad-time-chart', 0.5);
  assert.deepEqual(rows[0], ['Run (latest snapshot)', 'Value', 't', 'Step', 'Relative']);
  assert.deepEqual(rows.slice(1).map((r) => r[0]), ['char · LSTM', 'char · GRU']);
  const t = Number(rows[1][2]);
  assert.equal(rows[1][1], formatNumber(dh(0, 3, t)), 'the latest snapshot\'s value at that t');
  const norm = await readoutAt(page, '#grad-norm-chart', 0.5);
  assert.deepEqual(norm[0], ['Run', 'Smoothed', 'Value', 'Step', 'Relative']);
  await page.screenshot({ path: path.join(outDir, 'gradients-readout-dark.png'), fullPage: true });
  await page.close();
});

test('hidden states with 128 units: the token axis stays in view, a clicked unit is outlined and plotted, an out-of-range t is an error', { skip }, async () => {
  const page = await session.blank('dark', { width: 1100, height: 760 });
  const tokens = Array.from('The quick brown fox jumps over the lazy dog. '.repeat(2)).slice(0, T);
  await page.evaluate(postInit, { kind: 'run', runs: [{ id: 'wide', task: 'text', probeTokens: tokens }] });
  const Hw = 128;
  const hw = Array.from({ length: T * Hw }, (_, i) => Math.tanh(Math.sin((i % Hw) * 0.37 + Math.floor(i / Hw) * 0.11) * 2));
  await page.evaluate(postSnapshot, { runId: 'wide', step: 300, arrays: { 'l0.h': { data: hw, shape: [T, Hw] } } });
  await tab(page, 1);
  const rowsBox = (await page.locator('#heatmap-canvas').boundingBox())!;
  const scrollBox = (await page.locator('.heatmap-scroll.bounded').boundingBox())!;
  const axisBox = (await page.locator('#heatmap-canvas-axis').boundingBox())!;
  assert.ok(rowsBox.height > scrollBox.height + 100, `128 rows (${rowsBox.height} px) scroll in a box of ${scrollBox.height} px`);
  assert.ok(axisBox.y + axisBox.height <= 760, `the token axis is in view: bottom at ${axisBox.y + axisBox.height}`);
  assert.ok(Math.abs(axisBox.y - (scrollBox.y + scrollBox.height)) < 2, 'right under the rows');

  const plot = await heatmapPlot(page, '#heatmap-canvas');
  const rowY = (r: number) => rowsBox.y + plot.top + ((r + 0.5) * plot.height) / Hw;
  await clearTexts(page);
  await page.mouse.click(rowsBox.x + plot.left + 40, rowY(5));
  await page.waitForSelector('#unit-chart canvas');
  assert.ok((await drawnTexts(page)).includes('▸ 5'), 'the clicked row is marked');
  assert.equal(await page.textContent('#unit-text .unit-title'), 'Unit 5 (h, layer 0)');
  await page.waitForFunction(() => (document.querySelector('#unit-chart').dataset.xTicks ?? '').split('|').length >= 3);
  assert.ok((await inkPixels(page, '#unit-chart canvas')) > 500, 'the unit over time');
  assert.ok((await ticks(page, '#unit-chart', 'x')).every((t) => /^\d+$/.test(t)));
  await page.screenshot({ path: path.join(outDir, 'hidden-128-units-dark.png') });

  const setSort = async (t: string) => {
    await page.evaluate(() => {
      const sel = document.querySelector('#hs-sort');
      sel.value = 'activation';
      sel.dispatchEvent(new Event('change'));
    });
    await page.fill('#hs-sort-t', t);
    await page.dispatchEvent('#hs-sort-t', 'change');
    await nextFrames(page);
  };
  const unitAtTop = async () => {
    // the error line above the heatmap moves it: measure again
    const now = (await page.locator('#heatmap-canvas').boundingBox())!;
    await page.mouse.move(now.x + plot.left + 40, now.y + plot.top + 1);
    return Number(/unit (\d+)/.exec((await page.textContent('#heatmap-tooltip'))!)![1]);
  };
  await setSort('75');
  assert.equal(await page.getAttribute('#hs-sort-t', 'aria-invalid'), 'true');
  assert.equal(await page.textContent('#hs-sort-t-error'), 't = 75 is outside 0…59 (the probe has 60 timesteps); units stay in index order.');
  assert.equal(await unitAtTop(), 0, 'not sorted by a clamped t = 59');
  await page.screenshot({ path: path.join(outDir, 'hidden-sort-t-error-dark.png'), clip: { x: 0, y: 0, width: 1100, height: 300 } });
  await setSort('12');
  assert.equal(await page.isVisible('#hs-sort-t-error'), false);
  const at12 = Array.from({ length: Hw }, (_, u) => Math.fround(hw[12 * Hw + u]));
  assert.equal(await unitAtTop(), at12.indexOf(Math.max(...at12)), 'the unit most active at t = 12 on top');
  await page.close();
});

test('the adding problem: positions 1…50 with the flagged pair marked; independent examples as points with a legend and RMSE', { skip }, async () => {
  const page = await session.blank('dark');
  const positions = Array.from({ length: 50 }, (_, i) => String(i + 1));
  await page.evaluate(postInit, { kind: 'run', runs: [{ id: 'add', task: 'adding', probeTokens: positions, baseline: { value: 1 / 24, metric: 'mse', label: 'predict 0.5 (Hochreiter & Schmidhuber 1997)' } }] });
  await page.evaluate(postLinearLoss, { runId: 'add', steps: 300 });
  const H8 = 8;
  const input = Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? Math.sin(i) : i === 2 * 3 + 1 || i === 2 * 17 + 1 ? 1 : 0));
  const n = 120;
  const actual = Array.from({ length: n }, (_, i) => 0.5 + 0.4 * Math.sin(i * 1.7));
  const pred = actual.map((a, i) => a + 0.05 * Math.cos(i));
  await page.evaluate(postSnapshot, { runId: 'add', step: 300, arrays: {
    'l0.h': { data: Array.from({ length: 50 * H8 }, (_, i) => Math.sin(i * 0.1)), shape: [50, H8] },
    'l0.dhLast': { data: Array.from({ length: 50 }, (_, t) => 0.9 ** (49 - t)), shape: [50] },
    'probe.input': { data: input, shape: [50, 2] },
    'forecast.actual': { data: actual, shape: [n] }, 'forecast.pred': { data: pred, shape: [n] }, 'forecast.baseline': { data: actual.map(() => 0.5), shape: [n] },
  } });
  await tab(page, 1);
  const texts = await drawnTexts(page);
  assert.ok(texts.includes('position') && !texts.some((t) => t.includes('token')), 'the axis counts positions');
  const plot = await heatmapPlot(page, '#heatmap-canvas');
  const box = (await page.locator('#heatmap-canvas').boundingBox())!;
  await page.mouse.move(box.x + plot.left + ((3 + 0.5) * plot.width) / 50, box.y + plot.top + 4);
  assert.match((await page.textContent('#heatmap-tooltip'))!, /^unit 0 · position 4 \(marked\) · /);
  assert.equal(await page.textContent('#marked-hint'), '▲ positions 4 and 18: the inputs the probe marks (the target is the sum of the numbers there).');
  await page.screenshot({ path: path.join(outDir, 'adding-hidden-dark.png') });

  await clearTexts(page);
  await tab(page, 2);
  const gradTexts = await drawnTexts(page);
  assert.ok(gradTexts.includes('marked 4') && gradTexts.includes('marked 18'), 'the flagged positions on ‖∂L/∂h‖ against t');
  assert.ok((await ticks(page, '#grad-time-chart', 'x')).every((t) => /^\d+$/.test(t) && Number(t) >= 1), 'positions from 1');

  await clearTexts(page);
  await tab(page, 3);
  assert.match((await page.textContent('#forecast-title'))!, /independent validation examples/);
  const legend = await page.locator('#forecast-legend .legend-key').allTextContents();
  const rmse = (p: number[]) => Math.sqrt(p.reduce((s, v, i) => s + (Math.fround(v) - Math.fround(actual[i])) ** 2, 0) / n);
  assert.deepEqual(legend, ['perfect: predicted = actual', `predicted RMSE ${formatNumber(rmse(pred), 3)}`, `baseline: predict 0.5 RMSE ${formatNumber(rmse(actual.map(() => 0.5)), 3)}`]);
  await page.waitForFunction(() => (document.querySelector('#forecast-chart').dataset.xTicks ?? '').split('|').length >= 3);
  assert.ok((await drawnTexts(page)).includes('actual value (data units)'));
  const rows = await readoutAt(page, '#forecast-chart', 0.5);
  assert.deepEqual(rows.map((r) => r[0]), [rows[0][0], 'actual', 'predicted', 'baseline: predict 0.5']);
  assert.match(rows[0][0], /^Example \d+$/);
  await page.screenshot({ path: path.join(outDir, 'adding-output-dark.png'), fullPage: true });
  assert.deepEqual(await violations(page), []);
  await page.close();
});

test('a CSV forecast: windows of one series in time order, in the data\'s units; the loss in z-score MSE', { skip }, async () => {
  const page = await session.blank('light');
  await page.evaluate(postInit, { kind: 'run', runs: [{ id: 'csv', task: 'csv', baseline: { value: 0.4, metric: 'mse', label: 'persistence (repeat the last observed value; RMSE visitors 12.3)' } }] });
  await page.evaluate(postLinearLoss, { runId: 'csv', steps: 300 });
  await lossDrawn(page, 300);
  const n = 200;
  const actual = Array.from({ length: n }, (_, i) => 100 + 30 * Math.sin(i / 9));
  await page.evaluate(postSnapshot, { runId: 'csv', step: 300, arrays: {
    'forecast.actual': { data: actual, shape: [n] }, 'forecast.pred': { data: actual.map((a, i) => a + 4 * Math.sin(i)), shape: [n] },
    'forecast.baseline': { data: actual.map((_, i) => actual[Math.max(0, i - 1)]), shape: [n] },
  } });
  await lossDrawn(page, 300);
  const texts = await drawnTexts(page);
  assert.ok(texts.includes('loss (MSE (z-scores))'));
  assert.ok(texts.includes('baseline: persistence (0.4)'), 'the loss axis\' baseline in the loss\' units, not "RMSE visitors"');
  await tab(page, 3);
  assert.match((await page.textContent('#forecast-title'))!, /time order, in the data’s units/);
  assert.deepEqual((await page.locator('#forecast-legend .legend-key').allTextContents()).map((t) => t.replace(/ RMSE .*/, '')), ['actual', 'predicted', 'baseline: persistence']);
  await page.waitForFunction(() => (document.querySelector('#forecast-chart').dataset.xTicks ?? '').split('|').length >= 3);
  assert.ok((await ticks(page, '#forecast-chart', 'x')).every((t) => /^\d+$/.test(t)), 'windows are counted');
  await page.screenshot({ path: path.join(outDir, 'csv-output-light.png'), fullPage: true });
  await page.close();
});
