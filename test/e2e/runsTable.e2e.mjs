// End-to-end: the runs table and a sweep in a real VS Code (code-server + headless chromium), as a person
// uses them: Train on a config with a 2-run sweep (one progress notification, one message at the end) and
// on the tiny config → the message's "Runs Table" opens the table on the sweep's config → clear that filter
// → sort by the best validation loss (header click) → group by sweep → select the sweep's two runs → Open
// in Dashboard shows a comparison of both → Compare Configs shows the one setting they differ in → the Sweep
// tab draws the parallel coordinates. No CSP violation in any webview.
// Screenshots: test-output/e2e/runs-table-*.png
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { cspListener, fixtureWorkspace, withWorkbench } from '../host/workbench.mjs';
import { defaultExtensionPath } from '../host/codeServer.mjs';

const extensionPath = defaultExtensionPath();
const isProbe = extensionPath.endsWith(path.join('test', 'host', 'probe'));

/** The fixture's tiny config with a sweep over the hidden size: two runs of 20 steps. */
const sweepConfig = {
  name: 'sweep',
  data: { kind: 'synthetic', task: 'adding', length: 8, samples: 64 },
  model: { cell: 'lstm', hiddenSize: 8 },
  training: { maxSteps: 20, batchSize: 8, validateEvery: 10, threads: 1 },
  diagnostics: { every: 10 },
  sweep: { parameters: { 'model.hiddenSize': [6, 12] } },
};

const CSP_TEXT = /Content Security Policy/i;

test('runs table: a sweep trained from the editor, sorted, grouped, two runs overlaid in the dashboard', { skip: isProbe && 'needs the real extension (npm run build)', timeout: 600_000 }, async (t) => {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-e2e-table-'));
  fs.cpSync(fixtureWorkspace, ws, { recursive: true });
  fs.writeFileSync(path.join(ws, 'sweep.seqlab.json'), JSON.stringify(sweepConfig, null, 2));
  const cspSeen = [];
  try {
    await withWorkbench('runs-table', { extensionPath, workspace: ws, settings: { 'workbench.colorTheme': 'Default Dark Modern', 'seqlab.maxConcurrentRuns': 1 } }, async (wb) => {
      const page = wb.page;
      const shot = (name) => wb.screenshot(`runs-table-${name}`);
      const view = () => page.frameLocator('iframe.webview.ready >> visible=true').frameLocator('iframe#active-frame');
      const collectCsp = async () => {
        const seen = await view().locator('body').evaluate(cspListener).catch(() => []);
        for (const v of seen) if (!cspSeen.includes(v)) cspSeen.push(v);
      };
      const showTab = async (text) => {
        await page.locator('.tabs-container .tab', { hasText: text }).first().click();
        await page.locator('.tabs-container .tab.active', { hasText: text }).waitFor();
      };
      let failed;
      const step = (name, fn) => t.test(name, async (st) => {
        if (failed) return st.skip(`after the failure of "${failed}"`);
        try {
          await fn();
        } catch (e) {
          failed = name;
          await shot(`failure-${name.split('.')[0]}`).catch(() => {});
          throw e;
        }
      });

      let sweepIds;
      let tinyId;
      const table = () => view();
      const rowIds = () => table().locator('#runs-table tr.run-row').evaluateAll((trs) => trs.map((tr) => tr.dataset.runId));

      await step('1. Train a sweep config: its runs queue; one message at the end names the best run, none per run', async () => {
        await wb.openFile('tiny.seqlab.json');
        await wb.clickCodeLens('▶ Train');
        // the toast names the run by its config and cell; its id is the run folder's name
        await wb.waitForNotification(/SeqLab: tiny · LSTM finished/);
        [tinyId] = fs.readdirSync(path.join(wb.folder, '.seqlab', 'runs')).filter((d) => /-tiny-lstm-/.test(d));
        assert.ok(tinyId, 'the tiny run folder');
        await wb.clearNotifications();
        await wb.openFile('sweep.seqlab.json');
        await wb.clickCodeLens('▶ Train');
        // the sweep's one progress notification (not asserted: two 20-step runs may end before it is seen)
        await shot('01-sweep-progress');
        const done = await wb.waitForNotification(/SeqLab: sweep of sweep finished, 2 of 2 runs trained; best hidden \d+ \(val \d/);
        const perRun = (await wb.notifications()).filter((n) => / finished/.test(n) && !/sweep of /.test(n));
        assert.deepEqual(perRun, [], 'no message per run of the sweep');
        await shot('02-sweep-finished');
        const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'sweep of sweep finished' }).first();
        await toast.locator('.monaco-button', { hasText: 'Runs Table' }).click();
        assert.ok(done);
      });

      await step('2. the table opened on the sweep config shows its two runs; cleared, every run of the workspace', async () => {
        await page.locator('.tabs-container .tab.active', { hasText: 'SeqLab: Runs' }).waitFor();
        const v = table();
        await v.locator('#seqlab-runs[data-state="ready"]').waitFor();
        await v.locator('body').evaluate(cspListener);
        await v.locator('#filter-chips .filter-chip[data-key="config"]').waitFor();
        await wb.until(async () => (await rowIds()).length === 2, 'the two runs of the sweep');
        sweepIds = await rowIds();
        assert.deepEqual((await v.locator('#runs-table tr.run-row td[data-key="run"]').allInnerTexts()).sort(), ['hidden 12', 'hidden 6']);
        await v.locator('#filter-chips .filter-chip[data-key="config"]').click();
        await wb.until(async () => (await rowIds()).length === 3, 'all three runs');
        const headers = await v.locator('#runs-table th[data-key]').evaluateAll((ths) => ths.map((th) => th.dataset.key));
        for (const key of ['config', 'sweep', 'setting:name', 'setting:model.hiddenSize', 'metric:bestValidationLoss', 'metric:finalTrainingLoss']) assert.ok(headers.includes(key), `column ${key} in ${headers}`);
        assert.ok(!headers.includes('setting:model.cell'), 'every run is an LSTM: no cell column');
        assert.deepEqual(await v.locator(`tr.run-row[data-run-id="${tinyId}"] td[data-key="setting:model.hiddenSize"]`).allInnerTexts(), ['8']);
        await shot('03-table');
      });

      await step('3. sort by the best validation loss, then group by sweep', async () => {
        const v = table();
        await v.locator('th[data-key="metric:bestValidationLoss"] button.sort').click();
        assert.equal(await v.locator('th[data-key="metric:bestValidationLoss"]').getAttribute('aria-sort'), 'ascending');
        const losses = (await v.locator('#runs-table tr.run-row td[data-key="metric:bestValidationLoss"]').allInnerTexts()).map(Number);
        assert.deepEqual(losses, [...losses].sort((a, b) => a - b), `ascending: ${losses}`);
        await v.locator('#group-by').evaluate((sel) => {
          sel.value = 'sweep';
          sel.dispatchEvent(new Event('change'));
        });
        await v.locator('tr.group-row >> nth=1').waitFor();
        const sweepGroup = v.locator('tr.group-row').filter({ hasText: 'sweep = sweep-' });
        assert.equal(await sweepGroup.locator('.group-count').innerText(), '2 runs');
        assert.match(await sweepGroup.locator('.group-best').innerText(), /^lowest best val loss \d[\d.]*: hidden (6|12)$/);
        await shot('04-sorted-grouped');
      });

      await step('4. select the sweep\'s two runs: Open in Dashboard overlays both; Compare Configs names what differs', async () => {
        const v = table();
        await v.locator('tr.group-row').filter({ hasText: 'sweep = sweep-' }).locator('input.select-group').click();
        assert.equal(await v.locator('#selection-count').innerText(), '2 selected');
        await v.locator('#compare-configs').click();
        await v.locator('#config-diff:not([hidden])').waitFor();
        assert.deepEqual(await v.locator('#config-diff tr.diff-row').evaluateAll((trs) => trs.map((tr) => tr.dataset.path)), ['model.hiddenSize']);
        await shot('05-config-diff');
        await collectCsp();
        await v.locator('#open-dashboard').click();
        await page.locator('.tabs-container .tab.active', { hasText: 'Compare 2 runs' }).waitFor();
        const d = view();
        await d.locator('#seqlab-dashboard[data-state="ready"]').waitFor();
        await d.locator('body').evaluate(cspListener);
        for (const id of sweepIds) await d.locator(`#run-header .run-row[data-run-id="${id}"]`).waitFor();
        assert.equal(await d.locator('#run-header .run-row').count(), 2);
        await d.locator('#loss-legend .legend-entry >> nth=1').waitFor();
        await shot('06-dashboard-of-two');
        await collectCsp();
      });

      await step('5. the Sweep tab draws the parallel coordinates of the sweep', async () => {
        await showTab('SeqLab: Runs');
        const v = table();
        await v.locator('#seqlab-runs[data-state="ready"]').waitFor();
        await v.locator('vscode-tab-header.tab-sweep').click();
        await v.locator('canvas#parcoords').waitFor({ state: 'visible' });
        const layout = await wb.until(async () => {
          const l = await v.locator('body').evaluate(() => window.seqlabRunsTable.parcoords());
          return l.axes.length === 2 && l;
        }, 'the axes of the sweep: hidden, best val loss');
        assert.deepEqual(layout.axes.map((a) => a.label), ['hidden', 'best val loss']);
        const ink = await v.locator('canvas#parcoords').evaluate((c) => {
          const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          const colours = new Set();
          for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 200) colours.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
          return colours.size;
        });
        assert.ok(ink > 20, `the chart drew lines, axes and a legend: ${ink} colours`);
        await shot('07-sweep-parallel-coordinates');
        await collectCsp();
      });

      await step('6. no Content Security Policy violation in any webview', async () => {
        assert.deepEqual(cspSeen, [], 'securitypolicyviolation events in the webviews');
        assert.deepEqual(wb.consoleMessages.filter((m) => CSP_TEXT.test(m.text)).map((m) => `${m.url}: ${m.text}`), [], 'CSP errors in the console');
      });
    });
  } finally {
    fs.rmSync(ws, { recursive: true, force: true });
  }
});
