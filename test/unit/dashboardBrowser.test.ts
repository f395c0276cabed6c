// The dashboard bundle in headless Chromium, in a harness page with the webview's CSP and a fake
// acquireVsCodeApi: feed init + metrics + diagnostics, check that every chart drew data, that heatmap
// pixels carry the expected colours, and that the CSP saw no violation. Screenshots of every tab in the
// dark and light theme go to test-output/dashboard/.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
// @ts-expect-error plain .mjs helper shared with the benchmark
import { CHROMIUM, feedInPage, launchChromium, startHarness } from '../../bench/dashboardHarness.mjs';
import { recordsToColumns } from '../../src/shared/metricColumns';
import type { MetricRecord } from '../../src/shared/metrics';
import { diverging } from '../../webview/model/colorScales';

// these run inside the page (page.evaluate); the root tsconfig has no DOM lib
declare const window: any;
declare const document: any;

const root = path.resolve(__dirname, '../..');
const outDir = path.join(root, 'test-output/dashboard');
const skip = fs.existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (apt-get install -y chromium)`;

type Page = import('playwright-core').Page;
let harness: { url(theme?: string): string; close(): Promise<void> };
let browser: import('playwright-core').Browser;

before(async () => {
  if (skip) return;
  if (!fs.existsSync(path.join(root, 'dist/webview.js')) || process.env.SEQLAB_REBUILD) execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
  fs.mkdirSync(outDir, { recursive: true });
  harness = await startHarness();
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await harness?.close();
});

const T = 60;
const H = 24;

async function open(theme: 'dark' | 'light', nRuns: number): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 860 } });
  await page.goto(harness.url(theme));
  await page.waitForFunction(() => (window as any).__posted.some((m: any) => m.type === 'ready'));
  await page.evaluate(feedInPage, { nRuns, steps: 3000, T, H, cell: 'lstm' });
  await page.waitForSelector('#loss-chart canvas');
  await page.waitForTimeout(300);
  return page;
}

async function tab(page: Page, i: number): Promise<void> {
  await page.click(['.tab-loss', '.tab-hidden', '.tab-gradients', '.tab-output'][i]);
  await page.waitForTimeout(250);
}

/** Pixels of a canvas that differ from the most common colour (the background). */
async function inkPixels(page: Page, selector: string): Promise<number> {
  return page.evaluate((sel) => {
    const c = document.querySelector(sel);
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0) ink++;
    return ink;
  }, selector);
}

test('comparison dashboard draws every chart and heatmap under the CSP', { skip }, async () => {
  for (const theme of ['dark', 'light'] as const) {
    const page = await open(theme, 2);
    assert.equal(await page.locator('#run-header .run-row').count(), 2);
    assert.equal(await page.locator('#loss-legend .legend-entry').count(), 2);
    assert.ok((await inkPixels(page, '#loss-chart canvas')) > 2000, 'loss curves drawn');
    await page.screenshot({ path: path.join(outDir, `loss-${theme}.png`), fullPage: true });

    await page.click('#loss-legend .legend-entry[data-run-id="run-1"]');
    assert.equal(await page.getAttribute('#loss-legend .legend-entry[data-run-id="run-1"]', 'aria-pressed'), 'false');
    await page.click('#loss-legend .legend-entry[data-run-id="run-1"]');

    await checkExports(page, theme);

    await tab(page, 1);
    const probe = await page.evaluate(({ H }) => {
      const c = document.querySelector('#heatmap-canvas');
      const ctx = c.getContext('2d')!;
      const dpr = window.devicePixelRatio;
      const m = { left: 44, top: 6, right: 6, bottom: 34 };
      const w = c.width / dpr - m.left - m.right;
      const h = c.height / dpr - m.top - m.bottom;
      const at = (row: number) => [...ctx.getImageData(Math.round((m.left + w / 2) * dpr), Math.round((m.top + ((row + 0.5) * h) / H) * dpr), 1, 1).data.slice(0, 3)];
      return [at(0), at(1), at(2)];
    }, { H });
    assert.deepEqual(probe[0], diverging(-1), 'unit 0 is −1: dark blue');
    assert.deepEqual(probe[1], diverging(1), 'unit 1 is +1: dark red');
    assert.deepEqual(probe[2], diverging(0), 'unit 2 is 0: near white');
    const box = (await page.locator('#heatmap-canvas').boundingBox())!;
    await page.mouse.move(box.x + 44 + 30, box.y + 6 + 3);
    assert.match((await page.textContent('#heatmap-tooltip')) ?? '', /unit 0 · t \d+ · “.*” · -1/);
    await page.mouse.click(box.x + 44 + 30, box.y + 6 + 3);
    assert.equal(await page.locator('#unit-text .tok').count(), T);
    await page.screenshot({ path: path.join(outDir, `hidden-${theme}.png`), fullPage: true });

    // near the right and bottom edges of what is visible the tooltip flips to the other side of the pointer
    await page.setViewportSize({ width: 1100, height: Math.floor(box.y + box.height - 25) });
    await page.waitForTimeout(200);
    const box2 = (await page.locator('#heatmap-canvas').boundingBox())!;
    const pointer = { x: box2.x + box2.width - 6 - 3, y: box2.y + box2.height - 34 - 3 };
    await page.mouse.move(pointer.x, pointer.y);
    const tip = (await page.locator('#heatmap-tooltip').boundingBox())!;
    const view = page.viewportSize()!;
    assert.ok(tip.x + tip.width <= view.width && tip.x + tip.width < pointer.x, `tooltip flipped left: ${JSON.stringify(tip)} pointer ${JSON.stringify(pointer)}`);
    assert.ok(tip.y + tip.height <= view.height && tip.y + tip.height < pointer.y, `tooltip flipped up: ${JSON.stringify(tip)} viewport ${JSON.stringify(view)}`);
    await page.screenshot({ path: path.join(outDir, `hidden-tooltip-edge-${theme}.png`) });
    await page.setViewportSize({ width: 1100, height: 860 });

    await tab(page, 2);
    assert.ok((await inkPixels(page, '#grad-time-chart canvas')) > 1000, 'gradient-through-time curves drawn');
    assert.ok((await inkPixels(page, '#grad-norm-chart canvas')) > 1000, 'gradient norm drawn');
    assert.ok((await inkPixels(page, '#grad-heatmap')) > 1000, 'gradient heatmap drawn');
    assert.equal(await page.locator('#norms-table tbody tr').count(), 3);
    await page.screenshot({ path: path.join(outDir, `gradients-${theme}.png`), fullPage: true });
    // a comparison picks the gradient heatmap's run on the tab itself
    const heatPixels = () => page.evaluate(() => {
      const c = document.querySelector('#grad-heatmap');
      return Array.from(c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data as Uint8ClampedArray).join();
    });
    const before = await heatPixels();
    await page.evaluate(() => {
      const sel = document.querySelector('#grad-run');
      sel.value = 'run-1';
      sel.dispatchEvent(new Event('change'));
    });
    await page.waitForTimeout(100);
    assert.notEqual(await heatPixels(), before, 'gradient heatmap shows the other run');
    assert.equal(await page.evaluate(() => document.querySelector('#hs-run').value), 'run-0', 'the Hidden states run is left alone');

    await tab(page, 3);
    assert.equal(await page.locator('#samples .sample').count(), 1);
    await page.click('#generate-button');
    const posted = await page.evaluate(() => (window as any).__posted.filter((m: any) => m.type === 'generate'));
    assert.equal(posted.length, 1);
    await page.evaluate(() => window.postMessage({ type: 'generated', runId: 'run-0', prime: 'The ', temperature: 0.8, text: 'cat sat.' }, '*'));
    await page.waitForFunction(() => document.querySelector('#generated-text')!.textContent === 'The cat sat.');
    await page.screenshot({ path: path.join(outDir, `output-${theme}.png`), fullPage: true });

    // theme switch recreates the charts without a CSP violation
    await page.evaluate((t) => { document.body.className = t === 'dark' ? 'vscode-light' : 'vscode-dark'; }, theme);
    await tab(page, 0);
    assert.ok((await inkPixels(page, '#loss-chart canvas')) > 2000);
    assert.deepEqual(await page.evaluate(() => (window as any).__violations), []);
    assert.deepEqual((await page.evaluate(() => (window as any).__state)).runIds, ['run-0', 'run-1']);
    await page.close();
  }
});

/** PNG and SVG export of the loss chart: written to test-output/dashboard/, the SVG rendered to a PNG to look at. */
async function checkExports(page: Page, theme: string): Promise<void> {
  await page.click('#export-png');
  await page.click('#export-svg');
  const [png, svg] = await page.evaluate(() => ['png', 'svg'].map((f) => (window as any).__posted.filter((m: any) => m.type === 'export' && m.format === f).at(-1)));
  assert.equal(png.fileName, 'loss.png');
  assert.equal(svg.fileName, 'loss.svg');
  const pngBytes = Buffer.from(png.data.replace(/^data:image\/png;base64,/, ''), 'base64');
  fs.writeFileSync(path.join(outDir, `export-loss-${theme}.png`), pngBytes);
  const canvasHeight = await page.evaluate(() => document.querySelector('#loss-chart canvas').height);
  assert.ok(pngBytes.readUInt32BE(20) > canvasHeight + 40, 'the PNG has a title and legend above the plot');
  fs.writeFileSync(path.join(outDir, `export-loss-${theme}.svg`), svg.data);
  const parsed = await page.evaluate((text: string) => {
    const doc = new (window as any).DOMParser().parseFromString(text, 'image/svg+xml');
    return {
      error: doc.querySelector('parsererror')?.textContent ?? '',
      paths: [...doc.querySelectorAll('path.series-line')].map((p: any) => ({ label: p.getAttribute('data-label'), points: (p.getAttribute('d').match(/[ML]/g) ?? []).length })),
      legend: [...doc.querySelectorAll('.legend-entry text')].map((t: any) => t.textContent),
      vars: text.includes('var(--'),
    };
  }, svg.data);
  assert.equal(parsed.error, '');
  assert.equal(parsed.paths.length, 6, 'raw, train and validation of two runs');
  assert.deepEqual(parsed.legend, ['char-lstm · lstm', 'char-gru · gru']);
  assert.equal(parsed.vars, false, 'theme colours resolved');
  const raw = parsed.paths.find((p: any) => p.label.endsWith('raw'))!;
  assert.ok(raw.points > 100 && raw.points < 3000, `raw series downsampled as drawn: ${raw.points} points of 3000`);
  const view = await browser.newPage({ viewport: { width: 1100, height: 500 } });
  await view.goto('file://' + path.join(outDir, `export-loss-${theme}.svg`));
  await view.screenshot({ path: path.join(outDir, `export-loss-${theme}.svg.png`) });
  await view.close();
}

test('live header: steps/s and best validation loss follow a running run\'s records', { skip }, async () => {
  const page = await open('dark', 1);
  // 100 more steps at 25 steps/s, and an evaluation better than any before
  const recs: MetricRecord[] = [];
  for (let s = 3001; s <= 3100; s++) recs.push({ kind: 'step', step: s, epoch: 3, time: 60 + (s - 3000) * 0.04, loss: 1, gradNorm: 1, clipped: false, learningRate: 0.001 });
  recs.push({ kind: 'eval', step: 3100, epoch: 3, time: 64, loss: 0.123 });
  await page.evaluate((columns) => {
    const run = { id: 'run-0', colorIndex: 0, seconds: 60, snapshotSteps: [], status: { kind: 'running', pid: 1, step: 3000 },
      info: { id: 'run-0', name: 'char-lstm', configPath: '/x.seqlab.json', cell: 'lstm', backend: 'wasm', device: 'wasm', seed: 1, paramCount: 1, totalSteps: 9000, dataSummary: '', task: 'text', gateNames: [] } };
    window.postMessage({ type: 'runs', runs: [run], pending: [] }, '*');
    window.postMessage({ type: 'metrics', runId: 'run-0', columns }, '*');
  }, recordsToColumns(recs));
  await page.waitForFunction(() => document.querySelector('#run-header .fact-best-val .fact-value').textContent === '0.123');
  assert.equal(await page.textContent('#run-header .fact-steps-per-second .fact-value'), '25');
  assert.equal(await page.textContent('#run-header .status'), 'running · step 3100');
  assert.equal(await page.textContent('#run-header .fact-time .fact-value'), '1 min 04 s');
  await page.screenshot({ path: path.join(outDir, 'header-live-dark.png'), clip: { x: 0, y: 0, width: 1100, height: 80 } });
  assert.deepEqual(await page.evaluate(() => (window as any).__violations), []);
  await page.close();
});

test('single-run dashboard: header actions post validated messages', { skip }, async () => {
  const page = await open('dark', 1);
  await page.click('#run-header .action-reveal');
  await page.click('#run-header .action-stop');
  await page.click('#export-csv');
  const posted = await page.evaluate(() => (window as any).__posted.map((m: any) => m.type));
  assert.deepEqual(posted.filter((t: string) => t !== 'ready'), ['revealFolder', 'stop', 'export']);
  const csv = await page.evaluate(() => (window as any).__posted.find((m: any) => m.type === 'export').data as string);
  assert.ok(csv.startsWith('run,kind,step'));
  assert.ok(csv.split('\n').length > 3000);
  assert.deepEqual(await page.evaluate(() => (window as any).__violations), []);
  await page.close();
});

test('comparison with queued runs: queued rows from the start, each run joins in its slot and colour', { skip }, async () => {
  const page = await browser.newPage({ viewport: { width: 1100, height: 700 } });
  await page.goto(harness.url('dark'));
  await page.waitForFunction(() => (window as any).__posted.some((m: any) => m.type === 'ready'));
  await page.evaluate(() => {
    const view = (k: number, cell: string, status: unknown) => ({ id: `tiny-${cell}`, colorIndex: k, seconds: 1, snapshotSteps: [], status,
      info: { id: `tiny-${cell}`, name: 'tiny', configPath: '/ws/tiny.seqlab.json', cell, backend: 'wasm', device: 'wasm', seed: 1, paramCount: 10, totalSteps: 20, dataSummary: '', task: 'adding', gateNames: [] } });
    (window as any).__view = view;
    window.postMessage({ type: 'init', panelKind: 'comparison', runs: [view(0, 'rnn', { kind: 'running', pid: 1, step: 5 })], pending: [
      { key: 'job-2', name: 'tiny', cell: 'lstm', state: 'queued', position: 1, colorIndex: 1 },
      { key: 'job-3', name: 'tiny', cell: 'gru', state: 'queued', position: 2, colorIndex: 2 },
    ] }, '*');
  });
  await page.waitForSelector('#seqlab-dashboard[data-state="ready"]');
  const rows = () => page.locator('#run-header .run-row').evaluateAll((els: any[]) => els.map((e) => [e.getAttribute('data-run-id') ?? e.getAttribute('data-job-key'), e.querySelector('.status').textContent]));
  assert.deepEqual(await rows(), [['tiny-rnn', 'running · step 5'], ['job-2', 'queued · #1 in queue'], ['job-3', 'queued · #2 in queue']]);
  assert.equal(await page.locator('#loss-legend .legend-entry').count(), 1);
  await page.screenshot({ path: path.join(outDir, 'comparison-queued-dark.png'), clip: { x: 0, y: 0, width: 1100, height: 140 } });

  // the first run finished, the second started, the third waits; records of the new run may come first
  const recs = Array.from({ length: 10 }, (_, i): MetricRecord => ({ kind: 'step', step: i + 1, epoch: 0, time: i * 0.1, loss: 1 / (i + 1), gradNorm: 1, clipped: false, learningRate: 0.01 }));
  await page.evaluate((columns) => {
    const view = (window as any).__view;
    window.postMessage({ type: 'metrics', runId: 'tiny-lstm', columns }, '*');
    window.postMessage({ type: 'runs', runs: [view(0, 'rnn', { kind: 'finished', step: 20 }), view(1, 'lstm', { kind: 'running', pid: 2, step: 10 })], pending: [
      { key: 'job-3', name: 'tiny', cell: 'gru', state: 'starting', colorIndex: 2 },
    ] }, '*');
  }, recordsToColumns(recs));
  await page.waitForFunction(() => document.querySelectorAll('#loss-legend .legend-entry').length === 2);
  assert.deepEqual(await rows(), [['tiny-rnn', 'finished · 20 steps'], ['tiny-lstm', 'running · step 10'], ['job-3', 'starting…']]);
  assert.deepEqual(await page.locator('#loss-legend .legend-entry').evaluateAll((els: any[]) => els.map((e) => e.getAttribute('data-run-id'))), ['tiny-rnn', 'tiny-lstm']);
  await page.click('#run-header .run-row.pending .action-stop');
  assert.deepEqual(await page.evaluate(() => (window as any).__posted.filter((m: any) => m.type === 'stop')), [{ type: 'stop', runId: 'job-3' }]);
  assert.deepEqual(await page.evaluate(() => (window as any).__violations), []);
  await page.close();
});
