// End-to-end: the Explore tab as a person uses it in a real VS Code (code-server + headless chromium).
// A tiny character LM is trained from the fixture workspace (its CodeLens), its dashboard opened, and on
// the Explore tab: a typed probe's states plotted (the readout's values, ink on the plot), one timestep
// selected with a threshold just under its strongest unit (a pattern of at least that unit), its matches
// in the validation text listed and one opened, the interpretable-unit table, the embedding's labels and a
// token's neighbours. Every answer comes from the extension's engine. No CSP violation.
// Screenshots: test-output/e2e/explore-*.png
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { cspListener, fixtureWorkspace, withWorkbench } from '../host/workbench.mjs';
import { defaultExtensionPath, repoRoot } from '../host/codeServer.mjs';

const extensionPath = defaultExtensionPath();
const isProbe = extensionPath.endsWith(path.join('test', 'host', 'probe'));

/** A char LM small enough to train in seconds on one core, with validation text to search. */
const charConfig = {
  name: 'explore-chars',
  data: { kind: 'text', path: 'lighthouse.txt', level: 'char' },
  validationSplit: 0.2,
  model: { cell: 'lstm', hiddenSize: 32, embeddingSize: 16 },
  training: { maxSteps: 120, batchSize: 8, sequenceLength: 32, learningRate: 0.01, validateEvery: 60, threads: 1 },
  diagnostics: { every: 60 },
};

const PROBE = 'The keeper said "the light is lit" and went down.';
const CSP_TEXT = /Content Security Policy/i;

/** Pixels with alpha ≥ 128 on a canvas, and how many colours they have. */
function canvasInk(canvas) {
  const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let ink = 0;
  const colors = new Set();
  for (let i = 0; i < d.length; i += 4) {
    if (d[i + 3] < 128) continue;
    ink++;
    colors.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
  }
  return { ink, colors: colors.size };
}

test('Explore: a typed probe\'s units, a pattern\'s matches, interpretable units, the embedding', { skip: isProbe && 'needs the real extension (npm run build)', timeout: 900_000 }, async () => {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-e2e-explore-'));
  fs.cpSync(fixtureWorkspace, ws, { recursive: true });
  fs.copyFileSync(path.join(repoRoot, 'examples/lighthouse.txt'), path.join(ws, 'lighthouse.txt'));
  fs.writeFileSync(path.join(ws, 'explore-chars.seqlab.json'), JSON.stringify(charConfig, null, 2));
  try {
    await withWorkbench('explore', { extensionPath, workspace: ws, settings: { 'workbench.colorTheme': 'Default Dark Modern' } }, async (wb) => {
      const { page } = wb;
      const shot = (name) => wb.screenshot(`explore-${name}`);
      const view = () => page.frameLocator('iframe.webview.ready >> visible=true').frameLocator('iframe#active-frame');

      await wb.openFile('explore-chars.seqlab.json');
      await wb.clickCodeLens('▶ Train');
      await wb.waitForNotification(/SeqLab: explore-chars · LSTM finished/);
      await wb.clearNotifications();
      await wb.clickCodeLens('Dashboard');
      const v = view();
      await v.locator('#seqlab-dashboard[data-state="ready"]').waitFor();
      await v.locator('body').evaluate(cspListener);
      await v.locator('vscode-tab-header.tab-explore').click();
      await v.locator('vscode-tab-panel.tab-explore-panel').waitFor({ state: 'visible' });

      // a typed probe
      await v.locator('#ex-text textarea').fill(PROBE);
      await v.locator('#ex-run').click();
      await v.locator('#ex-status[data-state="done"]').waitFor();
      assert.match(await v.locator('#ex-status').innerText(), new RegExp(`^${PROBE.length} tokens · states of step 120, final weights`));
      const canvas = v.locator('#ex-lines-canvas');
      const ink = await canvas.evaluate(canvasInk);
      assert.ok(ink.ink > 2000 && ink.colors >= 8, `unit lines drawn: ${JSON.stringify(ink)}`);
      // the readout at a timestep: the token and every plotted unit's value
      const box = await canvas.boundingBox();
      const xOf = async (t) => box.x + (await canvas.evaluate((c, t) => window.seqlabDashboard.explore.lines.columnCenter(t) - c.getBoundingClientRect().left, t));
      const T = PROBE.indexOf('light');
      await page.mouse.move(await xOf(T), box.y + box.height / 3);
      assert.equal(await v.locator('#ex-readout .ex-readout-head').innerText(), `t ${T} · “l”`);
      const readings = await v.locator('#ex-readout .ex-reading').evaluateAll((els) => els.map((e) => ({ unit: Number(e.dataset.unit), value: Number(e.querySelector('b').textContent) })));
      assert.equal(readings.length, 8, 'the 8 units of largest variance');
      assert.ok(readings.every((r) => Number.isFinite(r.value) && Math.abs(r.value) <= 1), `h values in −1…1: ${JSON.stringify(readings)}`);
      await shot('01-units');

      // one timestep, a threshold a little under its strongest unit: the pattern holds that unit (and the
      // same letter elsewhere in the validation text, read the same way, turns it on again)
      const top = readings[0];
      await v.locator('#ex-threshold').fill(String(Number((top.value - 0.05).toFixed(3))));
      await v.locator('#ex-threshold').dispatchEvent('change');
      await page.mouse.click(await xOf(T), box.y + box.height / 3);
      const pattern = await v.locator('#ex-pattern').innerText();
      assert.match(pattern, new RegExp(`^Selected t ${T}–${T} \\(“l”\\): \\d+ unit\\(s\\) of h on throughout: .*\\b${top.unit}\\b`));
      await v.locator('#ex-match').click();
      await v.locator('#ex-match-status[data-state="done"]').waitFor();
      assert.match(await v.locator('#ex-match-status').innerText(), /^Pattern: \d+ unit\(s\) on over 1 timestep\(s\)/);
      const matches = v.locator('#ex-matches .ex-match');
      assert.ok((await matches.count()) >= 1, 'the pattern is found in the validation text');
      assert.equal((await matches.first().locator('mark').innerText()).length, 1, 'the matched token is marked');
      await shot('02-matches');
      const start = Number(await matches.first().getAttribute('data-start'));
      await matches.first().click();
      await v.locator('#ex-status[data-state="done"]').waitFor();
      await v.locator('#ex-pattern', { hasText: /^Selected t \d+–\d+/ }).waitFor();
      assert.match(await v.locator('#ex-readout .ex-readout-head').innerText(), new RegExp(`\\(validation token ${start}\\)`));
      await shot('03-match-opened');

      // interpretable units of the slice shown
      await v.locator('#ex-find-units').click();
      await v.locator('#ex-features-status[data-state="done"]').waitFor();
      assert.equal(await v.locator('#ex-features tbody tr').count(), 11, 'the 11 text features');
      const best = await v.locator('#ex-features tbody tr').first().locator('.unit-chip').first();
      const unit = await best.getAttribute('data-unit');
      await best.click();
      assert.equal(await v.locator('#ex-units-why').innerText(), `Plotted: units ${unit}.`);
      await v.locator('section.ex-features').scrollIntoViewIfNeeded();
      await shot('04-units-table');

      // the embedding, a token's neighbours
      await v.locator('#ex-embed-run').click();
      await v.locator('#ex-embed-status[data-state="done"]').waitFor();
      const map = v.locator('#ex-embedding-canvas');
      await map.scrollIntoViewIfNeeded();
      const labelled = await map.evaluate(() => window.seqlabDashboard.explore.map.labelled);
      assert.ok(labelled.inView >= 20 && labelled.shown >= 10, `labels: ${JSON.stringify(labelled)}`);
      await v.locator('#ex-embed-search input').fill('e');
      await v.locator('#ex-embed-find').click();
      await v.locator('#ex-neighbours-status[data-state="done"]').waitFor();
      assert.match(await v.locator('#ex-neighbours-status').innerText(), /^Nearest to “e”/);
      assert.equal(await v.locator('#ex-neighbours li').count(), 12);
      await shot('05-embedding');

      const seen = await v.locator('body').evaluate(cspListener);
      assert.deepEqual(seen, [], 'securitypolicyviolation events');
      assert.deepEqual(wb.consoleMessages.filter((m) => CSP_TEXT.test(m.text)).map((m) => m.text), [], 'CSP errors in the console');
    });
  } finally {
    fs.rmSync(ws, { recursive: true, force: true });
  }
});
