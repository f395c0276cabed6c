// Playwright helpers for end-to-end tests: a real VS Code workbench (code-server) in headless chromium,
// with the extension under test loaded, driven the way a person would (palette, CodeLens, tree, webview).
// Selectors are the ones that worked on VS Code 1.100 (see README.md).
import fs from 'node:fs';
import path from 'node:path';
import { buildSync } from 'esbuild';
import {
  copyWorkspace, defaultExtensionPath, launchChromium, remoteUri, repoRoot, startCodeServer, workbenchUrl,
} from './codeServer.mjs';

/** How long any single wait may take before the step counts as hung (never a speed expectation). */
export const HANG_GUARD_MS = 120_000;

export const e2eOutDir = path.join(repoRoot, 'test-output/e2e');
export const fixtureWorkspace = path.join(repoRoot, 'test/fixtures/workspace');

/**
 * Starts code-server, opens `workspace` (copied to a temp dir) in chromium and waits for the workbench.
 * The extension is loaded in development mode from `extensionPath` (default: the repo when built, else the
 * probe), or installed from `vsix`.
 * @param {string} [workspace]
 * With `workspaceTrust: true` the folder opens untrusted, in Restricted Mode (as runIntegration.mjs's untrusted
 * pass does; see codeServer.mjs untrustedSettings).
 * @param {{extensionPath?: string, vsix?: string, outDir?: string, settings?: object, env?: object, workspaceTrust?: boolean}} [opts]
 */
export async function openWorkbench(workspace = fixtureWorkspace, opts = {}) {
  const outDir = opts.outDir ?? e2eOutDir;
  fs.mkdirSync(outDir, { recursive: true });
  const folder = copyWorkspace(workspace);
  const server = await startCodeServer({ vsix: opts.vsix, settings: opts.settings, env: opts.env, workspaceTrust: opts.workspaceTrust });
  const extensionPath = opts.vsix ? undefined : path.resolve(opts.extensionPath ?? defaultExtensionPath());
  const browser = await launchChromium(server.home);
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  // Waits end when what they wait for happens; this bound only stops a hung step, on a loaded 2-core machine too.
  page.setDefaultTimeout(HANG_GUARD_MS);
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  // console messages of the workbench and of every frame in it (webviews included), e.g. CSP violations
  const consoleMessages = [];
  page.on('console', (m) => consoleMessages.push({ type: m.type(), text: m.text(), url: m.location()?.url ?? '' }));
  const payload = extensionPath
    ? [['extensionDevelopmentPath', remoteUri(server, extensionPath)], ['skipWelcome', 'true']]
    : undefined;
  const wb = new Workbench({ page, browser, server, folder, outDir, extensionPath, pageErrors, consoleMessages });
  try {
    await page.goto(workbenchUrl(server, folder, payload));
    await page.locator('.monaco-workbench').waitFor();
    // the explorer lists the workspace once the remote file system and the extension host are up
    const first = fs.readdirSync(folder).sort()[0];
    if (first) await page.locator('.explorer-folders-view .monaco-list-row', { hasText: first }).first().waitFor();
  } catch (e) {
    await wb.screenshot('open-failure.png').catch(() => {});
    await wb.close();
    throw e;
  }
  return wb;
}

/**
 * Installs a securitypolicyviolation listener in a webview document (once) and returns what it saw: run it
 * in the page with `locator.evaluate(cspListener)`, so it takes nothing from this module's scope.
 */
export function cspListener() {
  const w = window;
  if (!w.__seqlabCsp) {
    w.__seqlabCsp = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__seqlabCsp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample ?? ''}`));
  }
  return w.__seqlabCsp.slice();
}

/**
 * Records every string drawn with fillText on any canvas of a webview document from now on (window.__seqlabTexts),
 * and returns what it recorded so far: run it with `locator.evaluate(canvasTexts)`, like cspListener. Axis titles
 * and tick labels are drawn on canvases, so this is how a test reads them.
 */
export function canvasTexts() {
  const w = window;
  if (!w.__seqlabTexts) {
    w.__seqlabTexts = [];
    const proto = w.CanvasRenderingContext2D.prototype;
    const fill = proto.fillText;
    proto.fillText = function (text, ...rest) {
      w.__seqlabTexts.push(String(text));
      return fill.call(this, text, ...rest);
    };
  }
  return w.__seqlabTexts.slice();
}

/** RGB of the CSS pixel (x, y) of a canvas: run it with `canvas.evaluate(canvasPixel, [x, y])`. */
export function canvasPixel(canvas, [x, y]) {
  const dpr = canvas.width / canvas.getBoundingClientRect().width;
  return [...canvas.getContext('2d').getImageData(Math.floor(x * dpr), Math.floor(y * dpr), 1, 1).data.slice(0, 3)];
}

/** The colour scale a dashboard's legend shows (its data-kind, data-lo, data-hi): `legend.evaluate(legendScaleOf)`. */
export function legendScaleOf(legend) {
  return { kind: legend.dataset.kind, lo: Number(legend.dataset.lo), hi: Number(legend.dataset.hi) };
}

/** The plot area of a heatmap canvas, CSS pixels inside it (its data-plot attribute). */
export async function heatmapPlot(canvas) {
  const [left, top, width, height] = (await canvas.getAttribute('data-plot')).split(',').map(Number);
  return { left, top, width, height };
}

/**
 * A module of the repo (TypeScript, with its imports bundled) loaded into the test, so that a test computes what
 * a view should show with the product's own pure functions (colour scales, smoothing, number formats) or reads a
 * run folder with its readers, from data the test reads itself.
 */
export async function importSource(relPath, { platform = 'neutral' } = {}) {
  const out = buildSync({
    entryPoints: [path.join(repoRoot, relPath)], bundle: true, format: 'esm', platform, write: false, logLevel: 'error',
    ...(platform === 'neutral' && { mainFields: ['module', 'main'] }),
  });
  return import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`);
}

/**
 * Sets a <vscode-single-select> (the dashboards' drop-downs) to `value` as picking an option does: its value,
 * then the change event the view listens to.
 */
export async function pickOption(select, value) {
  await select.evaluate((el, v) => {
    if (![...el.querySelectorAll('vscode-option')].some((o) => o.value === v)) throw new Error(`no option ${v} in #${el.id}`);
    el.value = v;
    el.dispatchEvent(new Event('change'));
  }, value);
}

/**
 * Subtests of one workbench that run in order: once one fails, the rest are skipped (they build on it), and
 * the failing one leaves a screenshot `<prefix>-failure-<n>.png`.
 */
export function sequentialSteps(t, wb, prefix) {
  let failed;
  let n = 0;
  return (name, fn) => t.test(name, async (st) => {
    const i = ++n;
    if (failed) return st.skip(`after the failure of "${failed}"`);
    try {
      await fn();
    } catch (e) {
      failed = name;
      await wb.screenshot(`${prefix}-failure-${i}`).catch(() => {});
      throw e;
    }
  });
}

/** Opens a workbench, runs `fn`, saves `<name>-failure.png` if it throws, always cleans up. */
export async function withWorkbench(name, opts, fn) {
  const wb = await openWorkbench(opts.workspace, opts);
  try {
    await fn(wb);
  } catch (e) {
    await wb.screenshot(`${name}-failure.png`).catch(() => {});
    // VS Code's own logs (extension host, file watcher, remote agent) and code-server's, for what the page cannot show
    const logs = path.join(wb.server.tmp, 'data', 'logs');
    if (fs.existsSync(logs)) fs.cpSync(logs, path.join(wb.outDir, `${name}-failure-logs`), { recursive: true });
    if (fs.existsSync(wb.server.logFile)) fs.copyFileSync(wb.server.logFile, path.join(wb.outDir, `${name}-failure-code-server.log`));
    throw e;
  } finally {
    await wb.close();
  }
}

export class Workbench {
  constructor({ page, browser, server, folder, outDir, extensionPath, pageErrors, consoleMessages }) {
    Object.assign(this, { page, browser, server, folder, outDir, extensionPath, pageErrors, consoleMessages });
  }

  get quickInput() { return this.page.locator('.quick-input-widget .quick-input-box input'); }

  /**
   * Runs a command through the palette by its full title ("SeqLab: Validate Config"). Commands appear
   * only once the workbench and the extension host are ready, so finding the row is retried; it clicks the
   * row rather than pressing Enter (Enter sometimes went to a different picker). The click itself is never
   * repeated: after it, it waits until the palette has handed over, i.e. the quick input is hidden or shows
   * something other than the typed command. A command may open a quick pick of its own at once (SeqLab: Open
   * Dashboard without a run, Preferences: Color Theme), which replaces the palette without it ever being
   * hidden; with `picker: true` it also waits for that pick's rows (pick one with `quickPickRow`).
   */
  async runCommand(title, { timeout = HANG_GUARD_MS, picker = false } = {}) {
    const typed = '>' + title;
    const row = this.quickPickRow(title);
    await this.openPalette(typed, row, { timeout });
    await row.click();
    await this.page.waitForFunction((text) => {
      const widget = document.querySelector('.quick-input-widget');
      const input = widget?.querySelector('.quick-input-box input');
      return !widget || !input || getComputedStyle(widget).display === 'none' || input.value !== text;
    }, typed);
    if (picker) {
      await this.quickInput.waitFor({ state: 'visible' });
      await this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row').first().waitFor({ state: 'visible' });
    }
  }

  /**
   * Polls `probe` (sync or async) until it returns a truthy value and returns that value. For conditions no
   * DOM event announces (pixels on a canvas, a counter that grows). The timeout only keeps a hung step from
   * hanging CI; it is no guess at how fast the machine is.
   */
  async until(probe, what = 'a condition', { timeout = HANG_GUARD_MS } = {}) {
    const deadline = Date.now() + timeout;
    let last;
    for (;;) {
      try {
        last = await probe();
        if (last) return last;
      } catch (e) {
        last = e;
      }
      if (Date.now() > deadline) throw new Error(`still waiting for ${what} after ${timeout / 1000} s (last: ${last})`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /**
   * Opens the palette, types `typed` and waits for `row` to show. F1 is sometimes swallowed while an editor or
   * picker is still taking focus, and commands appear only once the extension host is ready: retried until then.
   */
  async openPalette(typed, row, { timeout = HANG_GUARD_MS } = {}) {
    const deadline = Date.now() + timeout;
    for (;;) {
      try {
        await this.page.keyboard.press('Escape');
        await this.page.keyboard.press('F1');
        await this.quickInput.waitFor({ state: 'visible', timeout: 5_000 });
        // the palette can close again under it (focus taken by a starting extension host): a short wait, then retry
        await this.quickInput.fill(typed, { timeout: 5_000 });
        await row.waitFor({ state: 'visible', timeout: 5_000 });
        return;
      } catch (e) {
        if (Date.now() > deadline) throw new Error(`"${typed}" did not show ${row} in the palette: ${e.message}`);
      }
    }
  }

  /** A row of the open quick pick whose label is exactly `label`. */
  quickPickRow(label) {
    return this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }) }).first();
  }

  /** Opens a workspace file through Quick Open and waits for its tab. */
  async openFile(name) {
    await this.page.keyboard.press('Escape');
    await this.page.keyboard.press('Control+P');
    await this.quickInput.waitFor({ state: 'visible' });
    await this.quickInput.fill(name);
    await this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
    await this.page.keyboard.press('Enter');
    await this.page.locator('.tabs-container .tab.active', { hasText: name }).waitFor();
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  }

  /** The CodeLens link with this text in the visible editor. */
  codeLens(text) {
    return this.page.locator('.monaco-editor .codelens-decoration a', { hasText: text }).first();
  }

  async clickCodeLens(text, { timeout = HANG_GUARD_MS } = {}) {
    const lens = this.codeLens(text);
    await lens.waitFor({ timeout });
    await lens.click();
  }

  /** A row of a tree view in the side bar (match on the visible text; aria-label is the tooltip). */
  treeRow(text) {
    return this.page.locator('.part.sidebar .monaco-list-row[role="treeitem"]').filter({ hasText: text }).first();
  }

  /** An activity bar icon by its container title (e.g. "SeqLab"). */
  activityIcon(title) {
    return this.page.locator(`.activitybar .action-item a[aria-label^="${title}"]`).first();
  }

  /** The DOM of the active webview (panel or view): two nested iframes. */
  webviewFrame() {
    return this.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  }

  /** The DOM of the visible webview (a dashboard or the runs table); hidden webviews are destroyed, but be explicit. */
  visibleWebview() {
    return this.page.frameLocator('iframe.webview.ready >> visible=true').frameLocator('iframe#active-frame');
  }

  /**
   * Installs the CSP listener in the visible webview and adds what it has seen to `cspSeen`: call it on every
   * webview a test opens, before it goes away (a closed webview takes its events with it).
   */
  async collectCsp() {
    this.cspSeen ??= [];
    const seen = await this.visibleWebview().locator('body').evaluate(cspListener).catch(() => []);
    for (const v of seen) if (!this.cspSeen.includes(v)) this.cspSeen.push(v);
    return this.cspSeen;
  }

  /**
   * The readout table of a line chart (a locator of its root) with the pointer `x` CSS pixels into its plot, as
   * rows of cell texts without the swatch. The pointer comes from outside, so the readout is drawn anew.
   */
  async readoutAt(chart, x) {
    const over = chart.locator('.u-over');
    const box = await over.boundingBox();
    await this.page.mouse.move(0, 0);
    await over.hover({ position: { x, y: box.height / 2 } });
    const readout = chart.locator('.readout:not([hidden])');
    await readout.waitFor();
    return readout.locator('tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].slice(1).map((c) => c.textContent)));
  }

  /**
   * Decodes a PNG (e.g. from `locator.screenshot()`) in a scratch page of the same browser and returns
   * `{ width, height, data }` with RGBA bytes, so tests can check what was actually painted.
   */
  async decodePng(png) {
    const scratch = await this.browser.newPage();
    try {
      const { width, height, data } = await scratch.evaluate(async (b64) => {
        const img = new Image();
        img.src = `data:image/png;base64,${b64}`;
        await img.decode();
        const c = document.createElement('canvas');
        c.width = img.width;
        c.height = img.height;
        const ctx = c.getContext('2d');
        ctx.drawImage(img, 0, 0);
        return { width: c.width, height: c.height, data: Array.from(ctx.getImageData(0, 0, c.width, c.height).data) };
      }, Buffer.from(png).toString('base64'));
      return { width, height, data: Uint8Array.from(data) };
    } finally {
      await scratch.close();
    }
  }

  /** Texts of the notification toasts on screen now. */
  async notifications() {
    return this.page.locator('.notifications-toasts .notification-toast').allInnerTexts();
  }

  /** Waits for a toast containing `text` (string or RegExp) and returns its full text. */
  async waitForNotification(text, { timeout = HANG_GUARD_MS } = {}) {
    const toast = this.page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
    await toast.waitFor({ state: 'visible', timeout });
    return toast.innerText();
  }

  /** Waits until `locator` is inside the viewport and has stopped moving (toasts slide in), e.g. before a screenshot. */
  async settled(locator) {
    let last;
    await this.until(async () => {
      const box = await locator.boundingBox();
      const view = this.page.viewportSize();
      const still = box && last && box.y === last.y && box.y + box.height <= view.height;
      last = box;
      return still;
    }, 'a notification to stop moving');
  }

  async clearNotifications() {
    await this.runCommand('Notifications: Clear All Notifications');
  }

  /** Saves a PNG under test-output/e2e/ and returns its path. */
  async screenshot(name) {
    const file = path.join(this.outDir, name.endsWith('.png') ? name : `${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  async close() {
    await this.browser.close().catch(() => {});
    await this.server.stop();
    fs.rmSync(this.folder, { recursive: true, force: true });
    fs.rmSync(this.server.tmp, { recursive: true, force: true });
  }
}

const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
