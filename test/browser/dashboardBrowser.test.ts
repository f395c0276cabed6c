// The dashboard bundle in headless Chromium, in a harness page with the webview's CSP and a fake
// acquireVsCodeApi: feed init + metrics + diagnostics, check that every chart drew data, that heatmap
// pixels carry the expected colours, and that the CSP saw no violation. Screenshots of every tab in the
// dark and light theme go to test-output/dashboard/.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { recordsToColumns } from '../../src/shared/metricColumns';
import type { MetricRecord } from '../../src/shared/metrics';
import { type ColorScale, scaleColor } from '../../webview/model/colorScales';
import { H, heatmapPlot, inkPixels, nextFrames, outDir, type Page, type Session, skip, startSession, T, tab } from './dashboardPage';

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

const open = (theme: 'dark' | 'light', nRuns: number) => session.open(theme, nRuns);
const legendScale = async (page: Page, sel: string): Promise<ColorScale> => {
  const d = await page.evaluate((s: string) => ({ ...document.querySelector(s).dataset }), sel);
  return { kind: d.kind, lo: Number(d.lo), hi: Number(d.hi) };
};

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
    // known cells (harness): unit 0 is −1 at every t, unit 1 is +1, unit 2 is 0; colours on the legend's scale
    const scale = await legendScale(page, '#hs-legend');
    assert.equal(scale.kind, 'diverging');
    assert.equal(scale.lo, -scale.hi, 'centred on 0');
    const plot = await heatmapPlot(page, '#heatmap-canvas');
    const probe = await page.evaluate(({ H, plot }) => {
      const c = document.querySelector('#heatmap-canvas');
      const ctx = c.getContext('2d')!;
      const dpr = window.devicePixelRatio;
      const at = (row: number) => [...ctx.getImageData(Math.round((plot.left + plot.width / 2) * dpr), Math.round((plot.top + ((row + 0.5) * plot.height) / H) * dpr), 1, 1).data.slice(0, 3)];
      return [at(0), at(1), at(2)];
    }, { H, plot });
    assert.deepEqual(probe[0], scaleColor(scale, -1), 'unit 0 is −1');
    assert.deepEqual(probe[1], scaleColor(scale, 1), 'unit 1 is +1');
    assert.deepEqual(probe[2], scaleColor(scale, 0), 'unit 2 is 0: near white');
    const box = (await page.locator('#heatmap-canvas').boundingBox())!;
    await page.mouse.move(box.x + plot.left + 30, box.y + plot.top + 3);
    assert.match((await page.textContent('#heatmap-tooltip')) ?? '', /unit 0 · t \d+ · “.*” · -1/);
    await page.mouse.click(box.x + plot.left + 30, box.y + plot.top + 3);
    assert.equal(await page.locator('#unit-text .tok').count(), T);
    await page.screenshot({ path: path.join(outDir, `hidden-${theme}.png`), fullPage: true });

    // near the right and bottom edges of what is visible the tooltip flips to the other side of the pointer
    const view0 = { width: 1100, height: Math.floor(box.y + box.height - 25) };
    await page.setViewportSize(view0);
    await nextFrames(page);
    const box2 = (await page.locator('#heatmap-canvas').boundingBox())!;
    const pointer = { x: box2.x + plot.left + plot.width - 3, y: Math.min(box2.y + plot.top + plot.height, view0.height) - 3 };
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
    await nextFrames(page);
    assert.notEqual(await heatPixels(), before, 'gradient heatmap shows the other run');
    assert.equal(await page.evaluate(() => document.querySelector('#hs-run').value), 'run-0', 'the Hidden states run is left alone');

    await tab(page, 3);
    assert.equal(await page.locator('#samples .sample').count(), 2, 'a sample of each run');
    assert.deepEqual(await page.locator('#samples .run-samples .run-label').allTextContents(), ['char · LSTM', 'char · GRU'], 'each run labelled (config · cell)');
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
  assert.deepEqual(parsed.legend, ['char · LSTM', 'char · LSTM validation', 'char · GRU', 'char · GRU validation']);
  assert.equal(parsed.vars, false, 'theme colours resolved');
  const raw = parsed.paths.find((p: any) => p.label.endsWith('raw'))!;
  assert.ok(raw.points > 100 && raw.points < 3000, `raw series downsampled as drawn: ${raw.points} points of 3000`);
  const view = await session.browser.newPage({ viewport: { width: 1100, height: 500 } });
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

test('the runs posted again (a running run\'s status, a queued run\'s place) patch the header: unchanged buttons stay the same elements, so a click between mousedown and mouseup is not lost', { skip }, async () => {
  const page = await open('dark', 1);
  await page.evaluate(() => {
    const info = { id: 'run-0', name: 'char-lstm', configPath: '/x.seqlab.json', cell: 'lstm', backend: 'wasm', device: 'wasm', seed: 1, paramCount: 1, totalSteps: 9000, dataSummary: '', task: 'text', gateNames: [] };
    const post = (step: number, position: number) => window.postMessage({ type: 'runs', runs: [{ id: 'run-0', colorIndex: 0, seconds: step / 50, snapshotSteps: [], status: { kind: 'running', pid: 1, step }, info }],
      pending: [{ key: 'job-1', name: 'char-lstm', cell: 'gru', state: 'queued', position, colorIndex: 1 }] }, '*');
    (window as any).__postRuns = post;
    post(100, 1);
  });
  await page.waitForSelector('#run-header .run-row.pending');
  await page.evaluate(() => {
    const w = window as any;
    w.__buttons = [...document.querySelectorAll('#run-header vscode-button')];
    w.__postRuns(200, 1);
  });
  await page.waitForFunction(() => document.querySelector('#run-header .run-row .status').textContent === 'running · step 200');
  const same = await page.evaluate(() => {
    const w = window as any;
    const now = [...document.querySelectorAll('#run-header vscode-button')];
    return now.length === w.__buttons.length && now.every((b, i) => b === w.__buttons[i]);
  });
  assert.ok(same, 'the buttons are the elements they were');
  // a button whose state changed is a new one: the run finished, its Stop is disabled
  await page.evaluate(() => {
    const info = { id: 'run-0', name: 'char-lstm', configPath: '/x.seqlab.json', cell: 'lstm', backend: 'wasm', device: 'wasm', seed: 1, paramCount: 1, totalSteps: 9000, dataSummary: '', task: 'text', gateNames: [] };
    window.postMessage({ type: 'runs', runs: [{ id: 'run-0', colorIndex: 0, seconds: 9, snapshotSteps: [], status: { kind: 'finished', step: 9000 }, info }], pending: [] }, '*');
  });
  await page.waitForSelector('#run-header .run-row.status-finished');
  assert.equal(await page.locator('#run-header .run-row').count(), 1);
  assert.equal(await page.getAttribute('#run-header .run-row .action-stop', 'disabled'), '');
  assert.equal(await page.evaluate(() => (window as any).__buttons.includes(document.querySelector('#run-header .run-row .action-open-config'))), true, 'Open Config kept');
  await page.click('#run-header .action-open-config');
  await page.waitForFunction(() => (window as any).__posted.some((m: any) => m.type === 'openConfig' && m.runId === 'run-0'));
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
  const page = await session.blank('dark', { width: 1100, height: 700 });
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
