// End-to-end: SeqLab as a person uses it in a real VS Code (code-server + headless chromium). One workbench
// is shared by the steps, in order: train from the CodeLens → tree + toast → dashboard from the palette
// (loss / hidden-state heatmap / gradients drawn, checked on canvas pixels) → a live run whose loss chart
// grows → Compare Cells on the long config (one run at a time: the comparison opens with two runs queued,
// which leave the queue from its header) → Compare Cells on the tiny config → light theme → Reload Window
// restores the panel. No CSP violation in any webview.
// Screenshots: test-output/e2e/seqlab-*.png
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { transformSync } from 'esbuild';
import { cspListener, fixtureWorkspace, sequentialSteps, withWorkbench } from '../host/workbench.mjs';
import { defaultExtensionPath, repoRoot } from '../host/codeServer.mjs';

const extensionPath = defaultExtensionPath();
const isProbe = extensionPath.endsWith(path.join('test', 'host', 'probe'));

// the dashboard's own colour scale (webview/model/colorScales.ts), to check heatmap pixels against it
const scales = await import(`data:text/javascript;base64,${Buffer.from(transformSync(
  fs.readFileSync(path.join(repoRoot, 'webview/model/colorScales.ts'), 'utf8'), { loader: 'ts', format: 'esm' }).code).toString('base64')}`);

/**
 * A longer training for the live step: ~170 steps/s on one core, so it runs for six minutes unless stopped (the
 * steps stop it from the dashboard; at 12 000 steps a loaded machine once finished it before its ■ Stop lens showed).
 */
const longConfig = {
  name: 'long',
  data: { kind: 'synthetic', task: 'adding', length: 40, samples: 512 },
  model: { cell: 'lstm', hiddenSize: 64 },
  training: { epochs: 5000, maxSteps: 60000, batchSize: 32, validateEvery: 200, threads: 1 },
  diagnostics: { every: 200 },
};

const CSP_TEXT = /Content Security Policy/i;

// ---------- functions evaluated inside the webview ----------

/** Ink inside the plot area (uPlot's .u-over box) of the chart in `root`: pixels with alpha ≥ 128. */
function plotInk(root) {
  const canvas = root.tagName === 'CANVAS' ? root : root.querySelector('canvas');
  if (!canvas || canvas.width === 0) return { ink: 0, area: 0, colors: 0 };
  const over = root.querySelector?.('.u-over');
  const cr = canvas.getBoundingClientRect();
  const or = over ? over.getBoundingClientRect() : cr;
  const sx = canvas.width / cr.width;
  const sy = canvas.height / cr.height;
  const x0 = Math.max(0, Math.round((or.left - cr.left) * sx));
  const y0 = Math.max(0, Math.round((or.top - cr.top) * sy));
  const w = Math.max(1, Math.min(canvas.width - x0, Math.round(or.width * sx)));
  const h = Math.max(1, Math.min(canvas.height - y0, Math.round(or.height * sy)));
  const d = canvas.getContext('2d').getImageData(x0, y0, w, h).data;
  let ink = 0;
  const colors = new Set();
  for (let i = 0; i < d.length; i += 4) {
    if (d[i + 3] >= 128) {
      ink++;
      colors.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
    }
  }
  return { ink, area: w * h, colors: colors.size };
}

test('SeqLab: train, dashboards, live run, comparison, theme, reload', { skip: isProbe && 'needs the real extension (npm run build)', timeout: 900_000 }, async (t) => {
  // the fixture workspace plus a longer config for the live step
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-e2e-src-'));
  fs.cpSync(fixtureWorkspace, ws, { recursive: true });
  fs.writeFileSync(path.join(ws, 'long.seqlab.json'), JSON.stringify(longConfig, null, 2));
  const cspSeen = []; // violations reported by the in-webview listeners, collected before each webview goes away

  try {
    // start dark, so that step 6 can switch to a light theme
    const settings = { 'workbench.colorTheme': 'Default Dark Modern', 'seqlab.maxConcurrentRuns': 1 };
    await withWorkbench('seqlab', { extensionPath, workspace: ws, settings }, async (wb) => {
      const page = wb.page;
      const shot = (name) => wb.screenshot(`seqlab-${name}`);
      /** The visible dashboard webview (hidden webviews are destroyed, but be explicit). */
      const view = () => page.frameLocator('iframe.webview.ready >> visible=true').frameLocator('iframe#active-frame');
      /** Brings an open editor to the front by its tab (keys may go to a focused webview), else Quick Open. */
      const showFile = async (name) => {
        const tab = page.locator('.tabs-container .tab', { hasText: name }).first();
        if (await tab.count()) {
          await tab.click();
          await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor();
        } else {
          await wb.openFile(name);
        }
      };
      const collectCsp = async () => {
        const seen = await view().locator('body').evaluate(cspListener).catch(() => []);
        for (const v of seen) if (!cspSeen.includes(v)) cspSeen.push(v);
      };
      /** Waits for a dashboard showing exactly `ids`, installs the CSP listener, returns the frame. */
      const dashboardOf = async (ids) => {
        const v = view();
        await v.locator('#seqlab-dashboard[data-state="ready"]').waitFor();
        await v.locator('body').evaluate(cspListener);
        for (const id of ids) await v.locator(`#run-header .run-row[data-run-id="${id}"]`).waitFor();
        assert.equal(await v.locator('#run-header .run-row').count(), ids.length, 'one header row per run');
        return v;
      };
      const selectTab = async (v, cls) => {
        await v.locator(`vscode-tab-header.${cls}`).click();
        await v.locator(`vscode-tab-panel.${cls}-panel`).waitFor({ state: 'visible' });
      };
      const ink = (v, sel) => v.locator(sel).evaluate(plotInk);
      /** Waits until the chart `sel` has at least `min` inked pixels in its plot area. */
      const waitForInk = (v, sel, min) => wb.until(async () => {
        const r = await ink(v, sel);
        return r.ink >= min && r;
      }, `${min} inked pixels in ${sel}`);

      /** A subtest that is skipped once an earlier one failed, with a screenshot when it fails. */
      const step = sequentialSteps(t, wb, 'seqlab');

      let runId;
      let compareIds;
      await step('1. train from the CodeLens: tree row turns finished, toast, palette command', async () => {
        await wb.openFile('tiny.seqlab.json');
        await wb.clickCodeLens('▶ Train');
        // the toast names the run as a person does, by its config and cell
        const toast = await wb.waitForNotification(/SeqLab: tiny · LSTM finished/);
        assert.match(toast, /best validation loss \d/);

        // show the SeqLab side bar (clicking the icon of the visible container would hide it)
        const icon = wb.activityIcon('SeqLab');
        if (!(await icon.locator('xpath=..').getAttribute('class')).includes('checked')) await icon.click();
        const rows = page.locator('.part.sidebar .monaco-list-row[role="treeitem"]');
        const configRow = rows.filter({ has: page.locator('.label-name', { hasText: /^tiny$/ }) }).first();
        await configRow.waitFor();
        assert.match(await configRow.innerText(), /1 run/);
        if ((await configRow.getAttribute('aria-expanded')) !== 'true') await configRow.locator('.monaco-tl-twistie').click();
        const runRow = rows.filter({ has: page.locator('.codicon-pass') }).filter({ hasText: 'LSTM' }).first();
        await runRow.waitFor();
        assert.match(await runRow.locator('.label-name').innerText(), /^LSTM · val \d/);
        // the lens of the config now offers the dashboard of the latest run
        await wb.codeLens('Dashboard').waitFor();
        await shot('01-trained-tree-toast');
        await wb.clearNotifications();

        // without a run argument the command asks which runs to show, in a picker that replaces the palette
        await wb.runCommand('SeqLab: Open Dashboard', { picker: true });
        const pick = wb.quickPickRow('tiny · LSTM');
        await pick.waitFor();
        await pick.click(); // multi-select: tick it, then accept
        await page.keyboard.press('Enter');
        await page.locator('.tabs-container .tab.active', { hasText: 'SeqLab: tiny · LSTM' }).waitFor();
        await view().locator('#run-header .run-row').first().waitFor();
        runId = await view().locator('#run-header .run-row').first().getAttribute('data-run-id');
        assert.match(runId, /tiny-lstm/);
        await dashboardOf([runId]);
      });

      await step('2. run dashboard: loss, hidden-state heatmap and gradients drew data', async () => {
        const v = await dashboardOf([runId]);
        assert.equal(await v.locator('.run-row .status').innerText(), 'finished · 20 steps');
        const legend = v.locator('#loss-legend .legend-entry');
        assert.equal(await legend.count(), 1);
        assert.equal(await legend.first().getAttribute('data-run-id'), runId);
        const loss = await waitForInk(v, '#loss-chart', 30);
        assert.ok(loss.ink >= 30, `loss plot area has ${loss.ink} inked pixels of ${loss.area}`);
        await shot('02-dashboard-loss');

        await selectTab(v, 'tab-hidden');
        const canvas = v.locator('#heatmap-canvas');
        await canvas.waitFor({ state: 'visible' });
        const box = await canvas.boundingBox();
        // hover cells, read the value the tooltip gives, compare the pixel under the pointer with the colour
        // the legend's scale gives that value (h: diverging around 0 over a range from the data)
        const scale = await v.locator('#hs-legend').evaluate((el) => ({ kind: el.dataset.kind, lo: Number(el.dataset.lo), hi: Number(el.dataset.hi) }));
        assert.equal(scale.kind, 'diverging', `h on a diverging scale: ${JSON.stringify(scale)}`);
        assert.ok(scale.hi > 0 && scale.lo === -scale.hi, `centred on 0: ${JSON.stringify(scale)}`);
        assert.ok((await v.locator('#hs-legend .scale-tick').count()) >= 3, 'a numeric legend');
        let matched = 0;
        const mismatches = [];
        const values = [];
        for (const fx of [0.3, 0.45, 0.6, 0.75, 0.9]) {
          for (const fy of [0.25, 0.4, 0.55, 0.7]) {
            const x = Math.round(box.width * fx);
            const y = Math.round(box.height * fy);
            await canvas.hover({ position: { x, y } });
            const tip = v.locator('#heatmap-tooltip');
            if (!(await tip.isVisible())) continue;
            const value = Number(await tip.locator('.tip-value').innerText());
            if (!Number.isFinite(value)) continue;
            const px = await canvas.evaluate((c, [cx, cy]) => {
              const r = c.getBoundingClientRect();
              return Array.from(c.getContext('2d').getImageData(Math.floor(cx * c.width / r.width), Math.floor(cy * c.height / r.height), 1, 1).data);
            }, [x, y]);
            const want = scales.scaleColor(scale, value);
            values.push(value);
            if (want.every((c, i) => Math.abs(c - px[i]) <= 8)) matched++;
            else mismatches.push(`v=${value} want ${want} got ${px.slice(0, 3)}`);
          }
        }
        assert.ok(matched >= 4, `heatmap pixels matching the legend's scale: ${matched}; ${mismatches.join('; ')}`);
        assert.deepEqual(mismatches, []);
        assert.ok(new Set(values).size >= 3, `heatmap values under the pointer: ${values}`);
        const heat = await canvas.evaluate(plotInk);
        assert.ok(heat.colors >= 8, `heatmap has ${heat.colors} distinct colours`);
        await shot('03-dashboard-hidden');

        await selectTab(v, 'tab-gradients');
        const gradTime = await waitForInk(v, '#grad-time-chart', 20);
        assert.ok(gradTime.ink >= 20, `gradients-through-time chart: ${gradTime.ink} inked pixels`);
        const gradHeat = await v.locator('#grad-heatmap').evaluate(plotInk);
        assert.ok(gradHeat.colors >= 4, `gradient heatmap has ${gradHeat.colors} distinct colours`);
        await shot('04-dashboard-gradients');
        await selectTab(v, 'tab-loss');
        await collectCsp();
      });

      await step('3. live run: the loss chart grows while training', async () => {
        await showFile('long.seqlab.json');
        await wb.clickCodeLens('▶ Train');
        await wb.codeLens('■ Stop').waitFor();
        await wb.clickCodeLens('Dashboard');
        const v = view();
        const row = v.locator('#run-header .run-row.status-running');
        await row.waitFor();
        const liveId = await row.getAttribute('data-run-id');
        assert.match(liveId, /long-lstm/);
        await dashboardOf([liveId]);
        const sample = async () => ({
          // the last step on the x axis (the number of drawn points is not monotonic: min/max downsampling)
          lastX: await v.locator('body').evaluate(() => { const xs = window.seqlabDashboard.lossChart.plot?.data?.[0]; return xs && xs.length > 0 ? xs[xs.length - 1] : 0; }),
          step: Number((await row.locator('.status').innerText()).match(/step (\d+)/)?.[1] ?? 0),
          ...(await ink(v, '#loss-chart')),
        });
        await waitForInk(v, '#loss-chart', 10);
        const a = await sample();
        await shot('05-live-first');
        // the next validation point (every 200 steps) extends the chart
        const b = await wb.until(async () => {
          const s = await sample();
          return s.lastX > a.lastX && s.step > a.step && s;
        }, `the live loss chart to grow past step ${a.lastX}`);
        await shot('06-live-later');
        assert.ok(b.lastX > a.lastX, `last step on the loss chart ${a.lastX} → ${b.lastX}`);
        assert.ok(b.step > a.step, `header step ${a.step} → ${b.step}`);
        assert.ok(a.ink > 0 && b.ink > 0, `loss ink ${a.ink} → ${b.ink}`);
        // stop it from the dashboard
        await row.locator('.action-stop').click();
        await v.locator(`#run-header .run-row.status-cancelled[data-run-id="${liveId}"]`).waitFor();
        assert.match(await v.locator('.run-row .status').innerText(), /^stopped at step \d+/);
        await collectCsp();
      });

      await step('4. Compare Cells, one run at a time: the comparison opens at once, queued runs shown as queued', async () => {
        await showFile('long.seqlab.json');
        await wb.runCommand('SeqLab: Compare Cells (RNN · LSTM · GRU)');
        await page.locator('.tabs-container .tab.active', { hasText: 'Compare 3 runs' }).waitFor();
        const v = view();
        await v.locator('#seqlab-dashboard[data-state="ready"]').waitFor();
        await v.locator('body').evaluate(cspListener);
        // the first run joins while the other two wait (a long run each: they stay queued)
        await v.locator('#run-header .run-row.status-running').waitFor();
        const pending = v.locator('#run-header .run-row.pending');
        assert.equal(await v.locator('#run-header .run-row').count(), 3);
        assert.deepEqual(await pending.locator('.status').allInnerTexts(), ['queued · #1 in queue', 'queued · #2 in queue']);
        assert.deepEqual(await pending.locator('.badge').allInnerTexts(), ['LSTM', 'GRU']);
        assert.equal(await v.locator('#loss-legend .legend-entry').count(), 1, 'only started runs are plotted');
        await shot('07-compare-queued');
        // out of the queue from the header, then stop the running one
        await pending.first().locator('.action-stop').click();
        await v.locator('#run-header .run-row.pending >> nth=1').waitFor({ state: 'detached' });
        assert.deepEqual(await pending.locator('.status').allInnerTexts(), ['queued · #1 in queue']);
        await pending.first().locator('.action-stop').click();
        await pending.first().waitFor({ state: 'detached' });
        await v.locator('#run-header .run-row.status-running .action-stop').click();
        await v.locator('#run-header .run-row.status-cancelled').waitFor();
        assert.equal(await v.locator('#run-header .run-row').count(), 1);
        await page.locator('.tabs-container .tab.active', { hasText: 'Compare 1 run' }).waitFor();
        await collectCsp();
        await wb.runCommand('View: Close Editor');
        await page.locator('.tabs-container .tab', { hasText: 'Compare 1 run' }).waitFor({ state: 'detached' });
      });

      await step('5. Compare Cells: a comparison dashboard with RNN, LSTM and GRU', async () => {
        await showFile('tiny.seqlab.json');
        await wb.runCommand('SeqLab: Compare Cells (RNN · LSTM · GRU)');
        const v = view();
        await page.locator('.tabs-container .tab.active', { hasText: 'Compare 3 runs' }).waitFor();
        await v.locator('#seqlab-dashboard[data-state="ready"]').waitFor();
        const legend = v.locator('#loss-legend .legend-entry');
        await v.locator('#loss-legend .legend-entry >> nth=2').waitFor();
        assert.equal(await legend.count(), 3);
        const ids = await legend.evaluateAll((els) => els.map((e) => e.getAttribute('data-run-id')));
        assert.deepEqual(ids.map((id) => id.match(/tiny-(\w+)-/)?.[1]).sort(), ['gru', 'lstm', 'rnn']);
        await dashboardOf(ids);
        await v.locator('#run-header .run-row.status-finished >> nth=2').waitFor();
        const loss = await waitForInk(v, '#loss-chart', 60);
        assert.ok(loss.ink >= 60, `comparison loss plot: ${loss.ink} inked pixels`);
        assert.ok(loss.colors >= 3, `comparison loss plot: ${loss.colors} colours`);
        await shot('08-compare');
        await collectCsp();
        compareIds = ids;
      });

      /** The colour most of the loss chart's screenshot has: the plot background. */
      const chartBackground = async (v) => {
        const img = await wb.decodePng(await v.locator('#loss-chart').screenshot());
        const counts = new Map();
        for (let i = 0; i < img.data.length; i += 4) {
          const k = `${img.data[i]},${img.data[i + 1]},${img.data[i + 2]}`;
          counts.set(k, (counts.get(k) ?? 0) + 1);
        }
        return [...counts.entries()].sort((x, y) => y[1] - x[1])[0][0].split(',').map(Number);
      };
      const lum = ([r, g, b]) => (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;

      await step('6. theme switch: the dashboard follows a light theme', async () => {
        const v = view();
        const before = await chartBackground(v);
        const beforeInk = await ink(v, '#loss-chart');
        assert.ok(lum(before) < 0.3, `dark plot background ${before}`);
        await wb.runCommand('Preferences: Color Theme', { picker: true });
        const row = wb.quickPickRow('Light Modern');
        await row.waitFor();
        await row.click();
        await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
        await v.locator('body.vscode-light').waitFor();
        await v.locator('#seqlab-dashboard[data-state="ready"]').waitFor();
        // the workbench took the theme (class `vs` = light) and the webview followed it
        assert.match(await page.locator('.monaco-workbench').getAttribute('class'), /\bvs\b.*light_modern/);
        const after = await wb.until(async () => {
          const bg = await chartBackground(v);
          return lum(bg) > 0.7 && bg;
        }, `a light plot background (was ${before})`);
        assert.ok(lum(after) > 0.7, `light plot background ${after} (was ${before})`);
        const afterInk = await waitForInk(v, '#loss-chart', 60);
        assert.ok(afterInk.ink >= 60, `loss plot redrawn after the theme change: ${afterInk.ink} (was ${beforeInk.ink})`);
        await shot('09-light-theme');
        await collectCsp();
      });

      await step('7. Reload Window restores the comparison dashboard', async () => {
        const ids = compareIds;
        assert.ok(ids, 'step 5 ran');
        await wb.runCommand('Developer: Reload Window').catch(() => {}); // the page navigates away under it
        await page.locator('.monaco-workbench').waitFor();
        await page.locator('.tabs-container .tab', { hasText: 'Compare 3 runs' }).waitFor();
        const v = await dashboardOf(ids);
        assert.deepEqual((await v.locator('#loss-legend .legend-entry').evaluateAll((els) => els.map((e) => e.getAttribute('data-run-id')))).sort(), [...ids].sort());
        const loss = await waitForInk(v, '#loss-chart', 60);
        assert.ok(loss.ink >= 60, `restored loss plot: ${loss.ink} inked pixels`);
        await v.locator('body.vscode-light').waitFor(); // the theme survived too
        await shot('10-after-reload');
        await collectCsp();
      });

      await step('8. no Content Security Policy violation in any webview', async () => {
        const fromConsole = wb.consoleMessages.filter((m) => CSP_TEXT.test(m.text));
        assert.deepEqual(cspSeen, [], 'securitypolicyviolation events in the dashboards');
        assert.deepEqual(fromConsole.map((m) => `${m.url}: ${m.text}`), [], 'CSP errors in the console');
        // positive control: a forbidden inline <style> must be seen by both the listener and the console
        const v = view();
        await v.locator('body').evaluate(() => { const s = document.createElement('style'); s.textContent = 'body{}'; document.head.append(s); });
        await wb.until(async () => (await v.locator('body').evaluate(cspListener)).some((s) => s.startsWith('style-src')), 'the listener to see the provoked violation');
        await wb.until(() => wb.consoleMessages.some((m) => CSP_TEXT.test(m.text)), 'the console to report the provoked violation');
      });
    });
  } finally {
    fs.rmSync(ws, { recursive: true, force: true });
  }
});
