// The dashboard bundle in headless Chromium for the browser tests (dashboardBrowser, dashboardReadings):
// the harness page with the webview's CSP and a fake host, fake runs fed as the host posts them, and the
// small probes the tests share (a tab click, inked pixels, the text drawn on canvases).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
// @ts-expect-error plain .mjs helper shared with the benchmark
import { CHROMIUM, feedInPage, launchChromium, startHarness } from '../../bench/dashboardHarness.mjs';

// these run inside the page (page.evaluate); the root tsconfig has no DOM lib
declare const window: any;
declare const document: any;

export type Page = import('playwright-core').Page;
export const root = path.resolve(__dirname, '../..');
export const outDir = path.join(root, 'test-output/dashboard');
export const skip = fs.existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (apt-get install -y chromium)`;
export const T = 60;
export const H = 24;

export interface Session {
  browser: import('playwright-core').Browser;
  /** A bare dashboard page that said `ready`, recording the text its canvases draw; nothing fed yet. */
  blank(theme: 'dark' | 'light', viewport?: { width: number; height: number }): Promise<Page>;
  /** A dashboard fed `nRuns` text runs (3000 steps, a snapshot with T × H states, gradient history). */
  open(theme: 'dark' | 'light', nRuns: number, viewport?: { width: number; height: number }): Promise<Page>;
  close(): Promise<void>;
}

export async function startSession(): Promise<Session> {
  if (!fs.existsSync(path.join(root, 'dist/webview.js')) || process.env.SEQLAB_REBUILD) execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
  fs.mkdirSync(outDir, { recursive: true });
  const harness = await startHarness();
  const browser = await launchChromium();
  const blank = async (theme: 'dark' | 'light', viewport = { width: 1100, height: 860 }) => {
    const page = await browser.newPage({ viewport });
    await page.goto(harness.url(theme));
    await page.waitForFunction(() => window.__posted.some((m: any) => m.type === 'ready'));
    await page.evaluate(recordCanvasText);
    return page;
  };
  return {
    browser,
    blank,
    async open(theme, nRuns, viewport) {
      const page = await blank(theme, viewport);
      await page.evaluate(feedInPage, { nRuns, steps: 3000, T, H, cell: 'lstm' });
      await page.waitForSelector('#loss-chart canvas');
      await page.waitForFunction(() => document.querySelector('#loss-chart').dataset.xTicks);
      return page;
    },
    async close() {
      await browser.close();
      await harness.close();
    },
  };
}

/** Every string drawn with fillText on any canvas of the page, from now on (window.__texts). */
function recordCanvasText(): void {
  const w = window;
  w.__texts = [];
  const proto = w.CanvasRenderingContext2D.prototype;
  const fill = proto.fillText;
  proto.fillText = function (this: unknown, text: string, ...rest: unknown[]) {
    w.__texts.push(String(text));
    return fill.call(this, text, ...rest);
  };
}

export const clearTexts = (page: Page) => page.evaluate(() => { window.__texts.length = 0; });
export const drawnTexts = (page: Page): Promise<string[]> => page.evaluate(() => window.__texts.slice());

export async function tab(page: Page, i: number): Promise<void> {
  await page.click(['.tab-loss', '.tab-hidden', '.tab-gradients', '.tab-output'][i]);
  await page.waitForFunction((n: number) => document.querySelectorAll('vscode-tab-panel')[n]?.checkVisibility?.() ?? true, i);
  await page.evaluate(() => new Promise((r) => window.requestAnimationFrame(() => window.requestAnimationFrame(r))));
}

/** Pixels of a canvas with any ink. */
export async function inkPixels(page: Page, selector: string): Promise<number> {
  return page.evaluate((sel: string) => {
    const c = document.querySelector(sel);
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0) ink++;
    return ink;
  }, selector);
}

/** The readout of a line chart as rows of cell texts (swatch column left out), after pointing at (fx, fy) of its plot. */
export async function readoutAt(page: Page, chart: string, fx: number, fy = 0.5): Promise<string[][]> {
  const box = (await page.locator(`${chart} .u-over`).boundingBox())!;
  // from outside the chart, so that the pointer moves in even when it was there before
  await page.mouse.move(0, 0);
  await page.waitForSelector(`${chart} .readout[hidden]`, { state: 'attached' });
  await page.mouse.move(box.x + box.width * fx, box.y + box.height * fy);
  await page.waitForSelector(`${chart} .readout:not([hidden])`);
  return page.locator(`${chart} .readout tr`).evaluateAll((rows: any[]) => rows.map((r) => [...r.children].slice(1).map((c: any) => c.textContent)));
}

/** RGB of a CSS pixel of a canvas. */
export async function pixelAt(page: Page, selector: string, x: number, y: number): Promise<number[]> {
  return page.evaluate(({ sel, x, y }: { sel: string; x: number; y: number }) => {
    const c = document.querySelector(sel);
    const dpr = c.width / c.getBoundingClientRect().width;
    return [...c.getContext('2d').getImageData(Math.floor(x * dpr), Math.floor(y * dpr), 1, 1).data.slice(0, 3)];
  }, { sel: selector, x, y });
}

/** The plot area of a heatmap canvas (CSS pixels inside it), from its data-plot attribute. */
export async function heatmapPlot(page: Page, selector: string): Promise<{ left: number; top: number; width: number; height: number }> {
  const [left, top, width, height] = (await page.getAttribute(selector, 'data-plot'))!.split(',').map(Number);
  return { left, top, width, height };
}

export const violations = (page: Page): Promise<string[]> => page.evaluate(() => window.__violations);

/** Two animation frames: what a redraw the page scheduled needs to land. */
export const nextFrames = (page: Page): Promise<void> => page.evaluate(() => new Promise((r) => window.requestAnimationFrame(() => window.requestAnimationFrame(r))));
