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

    await tab(page, 2);
    assert.ok((await inkPixels(page, '#grad-time-chart canvas')) > 1000, 'gradient-through-time curves drawn');
    assert.ok((await inkPixels(page, '#grad-norm-chart canvas')) > 1000, 'gradient norm drawn');
    assert.ok((await inkPixels(page, '#grad-heatmap')) > 1000, 'gradient heatmap drawn');
    assert.equal(await page.locator('#norms-table tbody tr').count(), 3);
    await page.screenshot({ path: path.join(outDir, `gradients-${theme}.png`), fullPage: true });

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
