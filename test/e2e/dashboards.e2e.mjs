// End-to-end: what a person reads off the dashboards (issue 15) in a real VS Code (code-server + headless
// chromium), checked against the run's own files. A character LSTM with 128 units is trained from the
// CodeLens, and on its dashboard:
//  1. the loss chart's readout at a validation step gives that step's raw value from metrics.jsonl, its
//     smoothed value (TensorBoard's EMA at the slider's weight) and the validation point in its own row;
//     validation has its own legend entry; the y axis says nats/char; Reset zoom shows and undoes a drag;
//  2. the hidden-state heatmap's pixels at known (unit, t) cells have the legend's colour for the value
//     diagnostics.bin holds there, h and c on a symmetric range from the data with the clipped share said,
//     gate f on 0…1; a clicked unit's row is outlined; sorting by activation at an out-of-range t says so;
//     the token strip stays in view while 128 rows scroll;
//  3. gradients: a numeric log legend over the run's ‖∂L_T/∂h_t‖, whole timesteps, subscripts drawn, the
//     readouts of ‖∂L_T/∂h_t‖ and of the gradient norm against diagnostics.bin and metrics.jsonl;
//  4. Compare Cells: toasts and legends name runs by config and cell; the gradients' shared scale spans
//     all three runs' ‖∂L_T/∂h_t‖;
//  5. a sweep's two runs compared: named by the swept value, not twice "sweep · LSTM"; the loss in MSE;
//  6. no Content Security Policy violation in any of it.
// The Explore tab's readings: exploreReadings.e2e.mjs.
// Screenshots: test-output/e2e/dashboards-*.png
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import {
  canvasPixel, canvasTexts, fixtureWorkspace, heatmapPlot, importSource, legendScaleOf, pickOption, sequentialSteps, withWorkbench,
} from '../host/workbench.mjs';
import { defaultExtensionPath, repoRoot } from '../host/codeServer.mjs';

const extensionPath = defaultExtensionPath();
const isProbe = extensionPath.endsWith(path.join('test', 'host', 'probe'));

// the product's own pure functions, to say what the views must show for the data the test reads
const { scaleColor } = await importSource('webview/model/colorScales.ts');
const { clipNote, clippedShare, logScaleOf, symmetricScale } = await importSource('webview/model/heatmapScales.ts');
const { emaSmooth } = await importSource('webview/model/smoothing.ts');
const { formatDuration, formatNumber } = await importSource('src/shared/format.ts');
const { readDiagnosticsIndex, readDiagnosticsSnapshot, readMetrics } = await importSource('src/runs/runReader.ts', { platform: 'node' });

/** A char LSTM with 128 units (rows that scroll) trained in a few seconds on one core: 200 steps, 5 snapshots. */
const charsConfig = {
  name: 'dash-chars',
  data: { kind: 'text', path: 'lighthouse.txt', level: 'char' },
  validationSplit: 0.2,
  model: { cell: 'lstm', hiddenSize: 128, embeddingSize: 16 },
  training: { maxSteps: 200, epochs: 1000, batchSize: 8, sequenceLength: 32, learningRate: 0.01, validateEvery: 50, threads: 1 },
  diagnostics: { every: 50 },
};
/** Two tiny runs that differ only in their hidden size. */
const sweepConfig = {
  name: 'dash-sweep',
  data: { kind: 'synthetic', task: 'adding', length: 8, samples: 64 },
  model: { cell: 'lstm', hiddenSize: 8 },
  training: { maxSteps: 20, batchSize: 8, validateEvery: 10, threads: 1 },
  diagnostics: { every: 10 },
  sweep: { parameters: { 'model.hiddenSize': [6, 12] } },
};
const T = charsConfig.training.sequenceLength;
const H = charsConfig.model.hiddenSize;
const LAST_STEP = charsConfig.training.maxSteps;
const CSP_TEXT = /Content Security Policy/i;
/** A run id as runWriter makes them: yyyymmdd-hhmmss-… */
const RUN_ID = /\d{8}-\d{6}-/;

test('dashboards: readouts, colours and matches against the run\'s files; names; no CSP violation', { skip: isProbe && 'needs the real extension (npm run build)', timeout: 900_000 }, async (t) => {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-e2e-dash-'));
  fs.cpSync(fixtureWorkspace, ws, { recursive: true });
  fs.copyFileSync(path.join(repoRoot, 'examples/lighthouse.txt'), path.join(ws, 'lighthouse.txt'));
  fs.writeFileSync(path.join(ws, 'dash-chars.seqlab.json'), JSON.stringify(charsConfig, null, 2));
  fs.writeFileSync(path.join(ws, 'dash-sweep.seqlab.json'), JSON.stringify(sweepConfig, null, 2));
  for (const f of ['tiny-csv.seqlab.json', 'visitors.csv']) fs.copyFileSync(path.join(repoRoot, 'test/fixtures/workspace', f), path.join(ws, f));
  try {
    const settings = { 'workbench.colorTheme': 'Default Dark Modern', 'seqlab.maxConcurrentRuns': 1 };
    await withWorkbench('dashboards', { extensionPath, workspace: ws, settings }, async (wb) => {
      const { page } = wb;
      const shot = (name) => wb.screenshot(`dashboards-${name}`);
      const step = sequentialSteps(t, wb, 'dashboards');
      const runsDir = path.join(wb.folder, '.seqlab', 'runs');
      const view = () => wb.visibleWebview();
      const selectTab = async (v, cls) => {
        await v.locator(`vscode-tab-header.${cls}`).click();
        await v.locator(`vscode-tab-panel.${cls}-panel`).waitFor({ state: 'visible' });
      };
      /** The latest snapshot in the run folder, as diagnostics.bin holds it. */
      const latestSnapshot = async (dir) => {
        const index = await readDiagnosticsIndex(dir);
        return readDiagnosticsSnapshot(dir, index.at(-1));
      };
      /** Every snapshot's ‖∂L_T/∂h_t‖ of layer 0 in the run folder. */
      const dhHistory = async (dir) => {
        const index = await readDiagnosticsIndex(dir);
        return Promise.all(index.map(async (e) => (await readDiagnosticsSnapshot(dir, e, (n) => n === 'l0.dhLast')).arrays['l0.dhLast'].data));
      };
      const legendScale = (v, sel) => v.locator(sel).evaluate(legendScaleOf);
      const readoutAt = (v, chart, x) => wb.readoutAt(v.locator(chart), x);
      const ticksOf = async (v, chart, axis) => (await v.locator(chart).getAttribute(axis === 'x' ? 'data-x-ticks' : 'data-y-ticks') ?? '').split('|');

      let runId;
      let runDir;
      await step('1. train a char LSTM from the CodeLens; the toast names it by config and cell; its dashboard', async () => {
        await wb.openFile('dash-chars.seqlab.json');
        await wb.clickCodeLens('▶ Train');
        const toast = await wb.waitForNotification(/SeqLab: dash-chars · LSTM finished/);
        assert.doesNotMatch(toast, RUN_ID, 'no run id in the toast');
        await wb.clearNotifications();
        await wb.clickCodeLens('Dashboard');
        await page.locator('.tabs-container .tab.active', { hasText: 'SeqLab: dash-chars · LSTM' }).waitFor();
        const v = view();
        await v.locator('#seqlab-dashboard[data-state="ready"]').waitFor();
        await wb.collectCsp();
        await v.locator('body').evaluate(canvasTexts);
        runId = await v.locator('#run-header .run-row').first().getAttribute('data-run-id');
        runDir = path.join(runsDir, runId);
        assert.ok(fs.existsSync(path.join(runDir, 'metrics.jsonl')), `${runDir} holds the run`);
        await v.locator('#run-header .run-row.status-finished').waitFor();
      });

      await step('2. loss: the readout at a validation step reads metrics.jsonl; validation entry; nats/char; Reset zoom', async () => {
        const v = view();
        const records = await readMetrics(runDir);
        const steps = records.filter((r) => r.kind === 'step');
        const evals = records.filter((r) => r.kind === 'eval');
        assert.equal(steps.at(-1).step, LAST_STEP);
        await wb.until(async () => (await v.locator('body').evaluate(() => window.seqlabDashboard.lossChart.xRange[1])) === LAST_STEP, `the loss chart to reach step ${LAST_STEP}`);
        await v.locator('#loss-chart[data-x-ticks]').waitFor({ state: 'attached' });
        const weight = Number(await v.locator('#smoothing').inputValue());
        const smoothed = emaSmooth(steps.map((r) => r.loss), weight);
        const at = evals[1].step; // a step with a validation point
        const i = steps.findIndex((r) => r.step === at);

        const over = v.locator('#loss-chart .u-over');
        const xOf = (s) => over.evaluate((_, s) => window.seqlabDashboard.lossChart.plot.valToPos(s, 'x'), s);
        const box = await over.boundingBox();
        const rows = await readoutAt(v, '#loss-chart', await xOf(at));
        assert.deepEqual(rows[0], ['Run', 'Smoothed', 'Value', 'Step', 'Relative']);
        assert.deepEqual(rows[1], ['dash-chars', formatNumber(smoothed[i]), formatNumber(steps[i].loss), String(at), formatDuration(steps[i].time)],
          `the training row at step ${at}: raw ${steps[i].loss}, smoothed (${weight}) ${smoothed[i]}`);
        const ev = evals[1];
        assert.deepEqual(rows[2], ['dash-chars · validation', '–', formatNumber(ev.loss), String(at), formatDuration(ev.time)], 'the validation point in its own row');
        assert.equal(rows.length, 3);
        await shot('01-loss-readout');

        // validation: its own legend entry, which switches its row off
        const validation = v.locator('#loss-legend .legend-validation');
        assert.equal(await validation.innerText(), 'validation');
        assert.equal(await validation.getAttribute('aria-pressed'), 'true');
        // the y axis in the run's unit (axis titles are drawn on the canvas: redraw it with the recorder on)
        await v.locator('body').evaluate(() => { window.__seqlabTexts.length = 0; });
        await v.locator('#log-y').click();
        await v.locator('#log-y').click();
        await wb.until(async () => (await v.locator('body').evaluate(canvasTexts)).includes('loss (nats/char)'), 'the loss axis title "loss (nats/char)"');
        assert.ok((await ticksOf(v, '#loss-chart', 'x')).every((x) => /^\d[\d ]*$/.test(x)), 'whole steps on the x axis');

        // Reset zoom: in view, off until a drag zooms in, then back to every step
        const reset = v.locator('#reset-zoom');
        const resetBox = await reset.boundingBox();
        assert.ok(resetBox && resetBox.y >= 0 && resetBox.y + resetBox.height <= page.viewportSize().height, 'Reset zoom is in view');
        assert.equal(await reset.getAttribute('disabled'), '');
        await over.hover({ position: { x: await xOf(50), y: box.height / 2 } });
        await page.mouse.down();
        await over.hover({ position: { x: await xOf(150), y: box.height / 2 } });
        await page.mouse.up();
        await v.locator('#reset-zoom:not([disabled])').waitFor();
        const zoomed = await v.locator('body').evaluate(() => window.seqlabDashboard.lossChart.xRange);
        assert.ok(Math.abs(zoomed[0] - 50) < 3 && Math.abs(zoomed[1] - 150) < 3, `zoomed to steps 50…150: ${zoomed}`);
        await shot('02-loss-zoomed');
        await reset.click();
        await v.locator('#reset-zoom[disabled]').waitFor();
        assert.deepEqual(await v.locator('body').evaluate(() => window.seqlabDashboard.lossChart.xRange), [1, LAST_STEP]);
        await wb.collectCsp();
      });

      await step('3. hidden states: pixels at known cells in the legend\'s colour for diagnostics.bin\'s values; ranges from the data; clipped share; gates on 0…1', async () => {
        const v = view();
        const snap = await latestSnapshot(runDir);
        assert.equal(snap.step, LAST_STEP);
        await selectTab(v, 'tab-hidden');
        assert.equal(await v.locator('#snapshot-label').innerText(), `step ${LAST_STEP} (latest)`);
        const canvas = v.locator('#heatmap-canvas');
        await canvas.waitFor({ state: 'visible' });
        const cells = [[0, 0], [3, 7], [9, 31], [40, 16], [77, 3], [127, 25]];

        /** The legend for `values` at the 99th percentile, and the pixels of `cells` against it. */
        const checkState = async (state, values, want) => {
          await pickOption(v.locator('#hs-state'), state);
          await wb.until(async () => JSON.stringify(await legendScale(v, '#hs-legend')) === JSON.stringify(want), `the ${state} legend on ${JSON.stringify(want)}`);
          const plot = await heatmapPlot(canvas);
          for (const [u, tt] of cells) {
            const at = [plot.left + ((tt + 0.5) * plot.width) / T, plot.top + ((u + 0.5) * plot.height) / H];
            const px = await canvas.evaluate(canvasPixel, at);
            assert.deepEqual(px, scaleColor(want, values[tt * H + u]), `${state}, unit ${u} at t ${tt} (${values[tt * H + u]}) in the legend's colour`);
          }
          const ticks = await v.locator('#hs-legend .scale-tick').allInnerTexts();
          assert.ok(ticks.length >= 3 && ticks.every((x) => Number.isFinite(Number(x))), `a numeric legend: ${ticks}`);
          return ticks;
        };

        const h = snap.arrays['l0.h'].data;
        const hScale = symmetricScale(h, 99);
        await checkState('h', h, hScale);
        // hover the cells in view: the tooltip reads the value diagnostics.bin holds
        const plot = await heatmapPlot(canvas);
        for (const [u, tt] of cells.slice(0, 3)) {
          await canvas.hover({ position: { x: plot.left + ((tt + 0.5) * plot.width) / T, y: plot.top + ((u + 0.5) * plot.height) / H } });
          await v.locator('#heatmap-tooltip .tip-value', { hasText: formatNumber(h[tt * H + u]) }).waitFor();
          assert.match(await v.locator('#heatmap-tooltip').innerText(), new RegExp(`^unit ${u} · t ${tt} · `));
        }
        const hNote = clipNote(clippedShare(h, hScale), hScale);

        const c = snap.arrays['l0.c'].data;
        const cScale = symmetricScale(c, 99);
        assert.ok(cScale.lo === -cScale.hi && cScale.hi > 1, `c on a symmetric range from the data, not ±1: ${JSON.stringify(cScale)}`);
        const cTicks = await checkState('c', c, cScale);
        assert.deepEqual([cTicks[0], cTicks.at(-1)].map(Number).sort((a, b) => a - b), [cScale.lo, cScale.hi], 'the range at the legend\'s ends');
        const cNote = clipNote(clippedShare(c, cScale), cScale);
        assert.ok(cNote, 'the 99th percentile leaves some of c beyond the range');
        assert.equal(await v.locator('#hs-legend .scale-clip').innerText(), cNote);
        await shot('03-hidden-c-clipped');
        // max |c|: nothing clipped, no note
        await pickOption(v.locator('#hs-range'), '100');
        const cMax = symmetricScale(c, 100);
        await wb.until(async () => (await legendScale(v, '#hs-legend')).hi === cMax.hi, `the c legend on ±${cMax.hi}`);
        await v.locator('#hs-legend .scale-clip').waitFor({ state: 'hidden' });
        await pickOption(v.locator('#hs-range'), '99');

        // gate f (a sigmoid): 0…1, not half of a ±1 scale
        const gates = snap.arrays['l0.gates'].data;
        const f = Float32Array.from({ length: T * H }, (_, i) => gates[Math.floor(i / H) * 4 * H + H + (i % H)]);
        const fTicks = await checkState('gate:1', f, { kind: 'sequential', lo: 0, hi: 1 });
        assert.deepEqual(fTicks, ['0', '0.25', '0.5', '0.75', '1']);

        // h again: the clip note as the data says
        await pickOption(v.locator('#hs-state'), 'h');
        await wb.until(async () => JSON.stringify(await legendScale(v, '#hs-legend')) === JSON.stringify(hScale), 'the h legend again');
        assert.equal(await v.locator('#hs-legend .scale-clip').isVisible(), hNote !== undefined);
        if (hNote) assert.equal(await v.locator('#hs-legend .scale-clip').innerText(), hNote);
        await wb.collectCsp();
      });

      await step('4. hidden states: a clicked unit\'s row is outlined; an out-of-range t says so; the token strip stays in view', async () => {
        const v = view();
        const snap = await latestSnapshot(runDir);
        const h = snap.arrays['l0.h'].data;
        const canvas = v.locator('#heatmap-canvas');
        const plot = await heatmapPlot(canvas);
        const unit = 4;
        const rowY = plot.top + ((unit + 0.5) * plot.height) / H;
        // left of the rows, where the outline's edge goes and no label reaches
        const edge = [plot.left - 1, rowY];
        const before = await canvas.evaluate(canvasPixel, edge);
        await v.locator('body').evaluate(() => { window.__seqlabTexts.length = 0; });
        await canvas.click({ position: { x: plot.left + 40, y: rowY } });
        await v.locator('#unit-text .unit-title', { hasText: `Unit ${unit} (h, layer 0)` }).waitFor();
        const after = await canvas.evaluate(canvasPixel, edge);
        assert.notDeepEqual(after, before, `the row of unit ${unit} is outlined (${before} → ${after})`);
        assert.ok((await v.locator('body').evaluate(canvasTexts)).includes(`▸ ${unit}`), 'its label is marked');
        // the probe coloured by the unit: each token's background is the legend's colour of its value
        const scale = await legendScale(v, '#hs-legend');
        const tokenColours = await v.locator('#unit-text .tok').evaluateAll((els) => els.map((e) => getComputedStyle(e).backgroundColor));
        assert.equal(tokenColours.length, T);
        for (const tt of [0, 13, T - 1]) {
          const [r, g, b] = scaleColor(scale, h[tt * H + unit]);
          assert.equal(tokenColours[tt], `rgb(${r}, ${g}, ${b})`, `token ${tt} in the colour of unit ${unit}'s value there`);
        }
        await v.locator('#unit-chart canvas').waitFor();
        await shot('04-unit-outlined');

        // sort by activation at t: out of range is an error and the units keep their order; in range sorts
        const topUnit = async () => {
          const now = await heatmapPlot(canvas);
          await v.locator('.heatmap-scroll.bounded').evaluate((el) => { el.scrollTop = 0; });
          await canvas.hover({ position: { x: now.left + 40, y: now.top + 1 } });
          return Number(/^unit (\d+)/.exec(await v.locator('#heatmap-tooltip').innerText())[1]);
        };
        await pickOption(v.locator('#hs-sort'), 'activation');
        await v.locator('#hs-sort-t').fill(String(T + 8));
        await v.locator('#hs-sort-t').dispatchEvent('change');
        await v.locator('#hs-sort-t-error:not([hidden])').waitFor();
        assert.equal(await v.locator('#hs-sort-t-error').innerText(), `t = ${T + 8} is outside 0…${T - 1} (the probe has ${T} timesteps); units stay in index order.`);
        assert.equal(await v.locator('#hs-sort-t').getAttribute('aria-invalid'), 'true');
        assert.equal(await topUnit(), 0, 'not sorted by a clamped t');
        await shot('05-sort-t-error');
        const at = 12;
        await v.locator('#hs-sort-t').fill(String(at));
        await v.locator('#hs-sort-t').dispatchEvent('change');
        await v.locator('#hs-sort-t-error').waitFor({ state: 'hidden' });
        const row = Array.from({ length: H }, (_, u) => h[at * H + u]);
        assert.equal(await topUnit(), row.indexOf(Math.max(...row)), `the unit most active at t ${at} on top`);
        await pickOption(v.locator('#hs-sort'), 'none');

        // 128 rows scroll in their box; the token strip under them stays in view
        const scroller = v.locator('.heatmap-scroll.bounded');
        const rowsHeight = (await canvas.boundingBox()).height;
        const boxHeight = (await scroller.boundingBox()).height;
        assert.ok(rowsHeight > boxHeight + 50, `${H} rows (${rowsHeight} px) scroll in a box of ${boxHeight} px`);
        const axis = v.locator('#heatmap-canvas-axis');
        const inView = () => axis.evaluate((el) => {
          const r = el.getBoundingClientRect();
          const box = el.previousElementSibling.getBoundingClientRect();
          return { top: r.top, bottom: r.bottom, innerHeight: window.innerHeight, underRows: Math.abs(r.top - box.bottom) < 2 };
        });
        await scroller.evaluate((el) => { el.scrollTop = el.scrollHeight; });
        await wb.until(async () => (await scroller.evaluate((el) => el.scrollTop)) > 0, 'the rows to scroll');
        const scrolled = await inView();
        assert.ok(scrolled.top >= 0 && scrolled.bottom <= scrolled.innerHeight && scrolled.underRows, `the token strip in view, under the rows: ${JSON.stringify(scrolled)}`);
        const labels = await v.locator('body').evaluate(canvasTexts);
        assert.ok(labels.includes('probe token (timestep t)'), 'the strip has its title');
        await shot('06-rows-scrolled');
        await scroller.evaluate((el) => { el.scrollTop = 0; });
        await wb.collectCsp();
      });

      await step('5. gradients: a numeric log legend over the run\'s ‖∂L_T/∂h_t‖; whole timesteps; subscripts drawn; readouts from the files', async () => {
        const v = view();
        await v.locator('body').evaluate(() => { window.__seqlabTexts.length = 0; });
        await selectTab(v, 'tab-gradients');
        const want = logScaleOf(await dhHistory(runDir));
        await wb.until(async () => JSON.stringify(await legendScale(v, '#grad-legend')) === JSON.stringify(want), `the gradients legend on ${JSON.stringify(want)}`);
        const ticks = await v.locator('#grad-legend .scale-tick').allInnerTexts();
        assert.ok(ticks.length >= 2 && ticks.every((x) => Number(x) > 0), `numbers on the log legend: ${ticks}`);
        assert.deepEqual([Number(ticks[0]), Number(ticks.at(-1))], [want.lo, want.hi], 'its ends are the range');
        assert.match(await v.locator('#grad-legend .scale-caption').innerText(), /log scale: this run’s range/);
        await v.locator('#grad-time-chart[data-x-ticks]').waitFor({ state: 'attached' });
        const x = await ticksOf(v, '#grad-time-chart', 'x');
        assert.ok(x.length >= 3 && x.every((s) => /^\d+$/.test(s)), `whole timesteps: ${x}`);
        const texts = await wb.until(async () => {
          const all = await v.locator('body').evaluate(canvasTexts);
          return all.includes('‖∂L') && all;
        }, 'the title ‖∂L_T/∂h_t‖ drawn');
        assert.ok(texts.includes('/∂h'), 'drawn in pieces around its subscripts');
        assert.deepEqual(texts.filter((s) => s.includes('_')), [], 'no raw underscore drawn');
        assert.equal(await v.locator('#grad-legend .scale-caption sub').count(), 2, 'subscripts in the legend caption');

        // the readouts: ‖∂L_T/∂h_t‖ of the latest snapshot at the t under the pointer, and the global gradient
        // norm's raw and smoothed value at the step under it, as the run's files have them
        const latest = await latestSnapshot(runDir);
        const dh = latest.arrays['l0.dhLast'].data;
        const timeBox = await v.locator('#grad-time-chart .u-over').boundingBox();
        const rows = await readoutAt(v, '#grad-time-chart', timeBox.width * 0.4);
        assert.deepEqual(rows[0], ['Run (latest snapshot)', 'Value', 't', 'Step', 'Relative']);
        const tt = Number(rows[1][2]);
        assert.ok(Number.isInteger(tt) && tt > 0 && tt < T - 1, `a timestep: ${rows[1]}`);
        assert.deepEqual(rows[1].slice(0, 4), ['dash-chars', formatNumber(dh[tt]), String(tt), String(latest.step)], `‖∂L_T/∂h_t‖ at t ${tt} of step ${latest.step}: ${dh[tt]}`);
        const steps = (await readMetrics(runDir)).filter((r) => r.kind === 'step');
        const smoothedNorm = emaSmooth(steps.map((r) => r.gradNorm), Number(await v.locator('#smoothing').inputValue()));
        const normBox = await v.locator('#grad-norm-chart .u-over').boundingBox();
        await v.locator('#grad-norm-chart').scrollIntoViewIfNeeded();
        const norm = await readoutAt(v, '#grad-norm-chart', normBox.width * 0.6);
        assert.deepEqual(norm[0], ['Run', 'Smoothed', 'Value', 'Step', 'Relative']);
        const i = steps.findIndex((r) => String(r.step) === norm[1][3]);
        assert.ok(i > 0, `a step of the run: ${norm[1]}`);
        assert.deepEqual(norm[1], ['dash-chars', formatNumber(smoothedNorm[i]), formatNumber(steps[i].gradNorm), String(steps[i].step), formatDuration(steps[i].time)], `the gradient norm at step ${steps[i].step}`);
        await shot('07-gradients');
        await wb.collectCsp();
      });

      let compareIds;
      await step('6. Compare Cells: named by config and cell in toasts, header and legend; the gradients\' shared scale spans the runs', async () => {
        await page.locator('.tabs-container .tab', { hasText: 'dash-chars.seqlab.json' }).first().click();
        await page.locator('.tabs-container .tab.active', { hasText: 'dash-chars.seqlab.json' }).waitFor();
        await wb.runCommand('SeqLab: Compare Cells (RNN · LSTM · GRU)');
        const summary = await wb.waitForNotification(/SeqLab: dash-chars compared/);
        assert.match(summary, /RNN val \d\S* · LSTM val \d\S* · GRU val \d/);
        assert.doesNotMatch(summary, RUN_ID, 'no run id in the toast');
        await page.locator('.tabs-container .tab.active', { hasText: 'Compare 3 runs' }).waitFor();
        const v = view();
        await v.locator('#seqlab-dashboard[data-state="ready"]').waitFor();
        await wb.collectCsp();
        await v.locator('#run-header .run-row.status-finished >> nth=2').waitFor();
        compareIds = await v.locator('#run-header .run-row').evaluateAll((els) => els.map((e) => e.dataset.runId));
        const badges = await v.locator('#run-header .run-row .badge').allInnerTexts();
        assert.deepEqual(badges, ['RNN', 'LSTM', 'GRU']);
        await v.locator('#loss-legend .legend-entry >> nth=2').waitFor();
        const names = await v.locator('#loss-legend .legend-entry').allInnerTexts();
        assert.equal(new Set(names).size, 3, `three names: ${names}`);
        names.forEach((n, i) => assert.match(n, new RegExp(`^dash-chars · ${badges[i]}$`, 'i'), 'config · cell'));
        assert.ok(names.every((n) => !RUN_ID.test(n)));

        await wb.clearNotifications();
        await selectTab(v, 'tab-gradients');
        const histories = await Promise.all(compareIds.map((id) => dhHistory(path.join(runsDir, id))));
        const owns = histories.map((x) => logScaleOf(x));
        const shared = logScaleOf(histories.flat());
        const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
        const legendIs = (want, what) => wb.until(async () => same(await legendScale(v, '#grad-legend'), want), `${what}: ${JSON.stringify(want)}`);
        await legendIs(owns[0], 'the first run\'s own range');
        assert.equal(await v.locator('#grad-legend .scale-caption').innerText(), '‖∂LT/∂ht‖, log scale: this run’s own range (dash-chars · RNN)');
        // a run whose own range is narrower than the three together: the shared option widens its legend
        const k = owns.findIndex((o) => !same(o, shared));
        assert.ok(k >= 0, `the runs' ranges differ: ${JSON.stringify(owns)}`);
        await pickOption(v.locator('#grad-run'), compareIds[k]);
        await legendIs(owns[k], `the ${badges[k]}'s own range`);
        await pickOption(v.locator('#grad-scale'), 'shared');
        await legendIs(shared, 'one range shared by the runs');
        assert.match(await v.locator('#grad-legend .scale-caption').innerText(), /one range shared by 3 runs$/);
        // the same range whichever run the heatmap shows
        await pickOption(v.locator('#grad-run'), compareIds[(k + 1) % 3]);
        await legendIs(shared, 'the shared range for another run too');
        await pickOption(v.locator('#grad-scale'), 'run');
        await legendIs(owns[(k + 1) % 3], 'that run\'s own range again');
        await shot('12-compare-gradients');
        await wb.collectCsp();
      });

      await step('7. a sweep\'s two runs compared: named by the swept value; the adding problem\'s loss axis in MSE and its flagged positions marked', async () => {
        await wb.openFile('dash-sweep.seqlab.json');
        await wb.clickCodeLens('▶ Train');
        await wb.waitForNotification(/SeqLab: sweep of dash-sweep finished, 2 of 2 runs trained; best hidden (6|12) \(val \d/);
        await wb.clearNotifications();
        await wb.runCommand('SeqLab: Open Dashboard', { picker: true });
        // a click can land while the list still lays out on a loaded machine: each is checked against the
        // count of selected picks, and repeated only when the count did not follow it within 3 s
        const count = page.locator('.quick-input-widget .quick-input-count');
        for (const [k, hidden] of [6, 12].entries()) {
          const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: `hidden ${hidden}` }).first();
          await row.waitFor();
          assert.doesNotMatch(await row.innerText(), RUN_ID, 'the pick names the run, not its id');
          const selected = count.filter({ hasText: `${k + 1} Selected` });
          await wb.until(async () => {
            if (await selected.count()) return true;
            await row.click();
            return selected.waitFor({ timeout: 3000 }).then(() => true, () => false);
          }, `${k + 1} run(s) picked`);
        }
        await page.keyboard.press('Enter');
        await page.locator('.tabs-container .tab.active', { hasText: 'Compare 2 runs' }).waitFor();
        const v = view();
        await v.locator('#seqlab-dashboard[data-state="ready"]').waitFor();
        await wb.collectCsp();
        await v.locator('#loss-legend .legend-entry >> nth=1').waitFor();
        const names = await v.locator('#loss-legend .legend-entry').allInnerTexts();
        assert.deepEqual([...names].sort(), ['dash-sweep · LSTM · hidden 12', 'dash-sweep · LSTM · hidden 6'], 'the legend names what differs');
        const header = await v.locator('#run-header .run-row .run-name').allInnerTexts();
        assert.equal(new Set(header).size, 2, `two header names: ${header}`);
        assert.ok(header.every((n) => /hidden (6|12)/.test(n)), `the header names the swept value: ${header}`);
        // the adding problem's loss is an MSE: the y axis says so (its runs list their baselines)
        await v.locator('body').evaluate(canvasTexts);
        await v.locator('#log-y').click();
        await v.locator('#log-y').click();
        await wb.until(async () => (await v.locator('body').evaluate(canvasTexts)).includes('loss (MSE)'), 'the loss axis title "loss (MSE)"');
        await wb.collectCsp();
        await shot('13-sweep-compared');
        // the adding problem's two flagged positions, where the probe's input marks them (diagnostics.bin's
        // probe.input: value, marker): outlined on the Hidden states heatmap, dashed on ‖∂L_T/∂h_t‖ (1-based)
        await selectTab(v, 'tab-hidden');
        const shownRun = await v.locator('#hs-run').evaluate((el) => el.value);
        const input = (await latestSnapshot(path.join(runsDir, shownRun))).arrays['probe.input'].data;
        const flagged = [];
        for (let t = 0; t < input.length / 2; t++) if (input[t * 2 + 1] > 0.5) flagged.push(t);
        assert.equal(flagged.length, 2, `the probe flags two positions: ${flagged}`);
        await wb.until(async () => (await v.locator('#heatmap-canvas').getAttribute('data-marked-cols')) === flagged.join(','), `the heatmap outlines columns ${flagged}`);
        await selectTab(v, 'tab-gradients');
        await wb.until(async () => {
          const texts = await v.locator('body').evaluate(canvasTexts);
          return flagged.every((t) => texts.includes(`marked ${t + 1}`));
        }, `dashed lines "marked ${flagged.map((t) => t + 1)}" on the gradients chart`);
        await shot('14-sweep-marked');
      });

      await step('8. a CSV forecast: the Output tab\'s legend names actual, predicted and the baselines with their RMSE in the data\'s units; the loss axis in z-score MSE', async () => {
        await wb.openFile('tiny-csv.seqlab.json');
        await wb.clickCodeLens('▶ Train');
        await wb.waitForNotification(/SeqLab: tiny-csv · GRU finished/);
        await wb.clearNotifications();
        await wb.clickCodeLens('Dashboard');
        await page.locator('.tabs-container .tab.active', { hasText: 'SeqLab: tiny-csv · GRU' }).waitFor();
        const v = view();
        await v.locator('#seqlab-dashboard[data-state="ready"]').waitFor();
        await v.locator('#run-header .run-row.status-finished').waitFor();
        const csvRun = await v.locator('#run-header .run-row').first().getAttribute('data-run-id');
        await v.locator('body').evaluate(canvasTexts);
        await v.locator('#log-y').click();
        await v.locator('#log-y').click();
        await wb.until(async () => (await v.locator('body').evaluate(canvasTexts)).includes('loss (MSE (z-scores))'), 'the loss axis title "loss (MSE (z-scores))"');
        await selectTab(v, 'tab-output');
        // the legend is drawn again when the snapshot with the baselines arrives
        await v.locator('#forecast-legend .legend-key[data-series="baseline"] >> nth=0').waitFor();
        assert.match(await v.locator('#forecast-title').innerText(), /time order, in the data’s units/);
        const keys = (await v.locator('#forecast-legend .legend-key').allTextContents()).map((k) => k.replace(/\s+/g, ' ').trim());
        assert.deepEqual(keys.slice(0, 3).map((k) => k.replace(/ RMSE .*/, '').trim()), ['actual', 'predicted', 'baseline: persistence'], `the legend: ${keys}`);
        // the prediction's RMSE is the one diagnostics.bin's forecast arrays give, in visitors
        const f = (await latestSnapshot(path.join(runsDir, csvRun))).arrays;
        const actual = f['forecast.actual'].data, pred = f['forecast.pred'].data;
        const rmse = Math.sqrt(actual.reduce((sum, a, i) => sum + (pred[i] - a) ** 2, 0) / actual.length);
        assert.equal(keys[1].trim(), `predicted RMSE ${formatNumber(rmse, 3)}`);
        // the validation windows are counted: whole ticks, even for the two windows of this short split
        const xTicks = await ticksOf(v, '#forecast-chart', 'x');
        assert.ok(xTicks.length >= 2 && xTicks.every((x) => /^\d+$/.test(x)), `whole windows on the x axis: ${xTicks}`);
        await shot('15-csv-forecast');
        await wb.collectCsp();
      });

      await step('9. Reload Window: the restored dashboard is named by config and cell again, not by its run id', async () => {
        await wb.runCommand('Developer: Reload Window').catch(() => {}); // the page navigates away under it
        await page.locator('.monaco-workbench').waitFor();
        await page.locator('.tabs-container .tab', { hasText: 'SeqLab: tiny-csv · GRU' }).waitFor();
        assert.equal(await page.locator('.tabs-container .tab', { hasText: RUN_ID }).count(), 0, 'no tab titled by a run id');
        await shot('16-after-reload');
      });

      await step('10. no Content Security Policy violation in any webview', async () => {
        assert.deepEqual(wb.cspSeen ?? [], [], 'securitypolicyviolation events in the dashboards');
        assert.deepEqual(wb.consoleMessages.filter((m) => CSP_TEXT.test(m.text)).map((m) => `${m.url}: ${m.text}`), [], 'CSP errors in the console');
      });
    });
  } finally {
    fs.rmSync(ws, { recursive: true, force: true });
  }
});
