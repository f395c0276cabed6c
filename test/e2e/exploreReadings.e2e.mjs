// End-to-end: the Explore tab's readings (issue 15, "explore what units do") in a real VS Code (code-server +
// headless chromium), checked against the states the engine computed for the run. A character LSTM is
// trained from the CodeLens; on its dashboard's Explore tab, over a slice of the validation data:
//  1. the units a person lists are the ones plotted, and the readout gives their states at a token;
//  2. the unit finder's r is Pearson's r of the unit's states with the feature (here: whitespace);
//  3. the embedding search finds a token, labels it on the map and lists its neighbours by cosine;
//  4. a one-timestep pattern's matches are exactly the positions where the states of the whole searched
//     validation text have the pattern's units on, with their scores, best first;
//  5. no Content Security Policy violation.
// (explore.e2e.mjs walks the same tab with a typed probe and a clicked match.)
// Screenshots: test-output/e2e/explore-readings-*.png
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fixtureWorkspace, importSource, pickOption, sequentialSteps, withWorkbench } from '../host/workbench.mjs';
import { defaultExtensionPath, repoRoot } from '../host/codeServer.mjs';

const extensionPath = defaultExtensionPath();
const isProbe = extensionPath.endsWith(path.join('test', 'host', 'probe'));

const { formatCount, formatNumber } = await importSource('src/shared/format.ts');

/** A char LSTM trained in a few seconds on one core. */
const charsConfig = {
  name: 'explore-readings',
  data: { kind: 'text', path: 'lighthouse.txt', level: 'char' },
  validationSplit: 0.2,
  model: { cell: 'lstm', hiddenSize: 64, embeddingSize: 16 },
  training: { maxSteps: 200, epochs: 1000, batchSize: 8, sequenceLength: 32, learningRate: 0.01, validateEvery: 100, threads: 1 },
  diagnostics: { every: 100 },
};
const H = charsConfig.model.hiddenSize;
const CSP_TEXT = /Content Security Policy/i;

test('Explore: plotted units, the unit finder\'s r, the embedding search and match positions against the run\'s states', { skip: isProbe && 'needs the real extension (npm run build)', timeout: 900_000 }, async (t) => {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-e2e-explore-readings-'));
  fs.cpSync(fixtureWorkspace, ws, { recursive: true });
  fs.copyFileSync(path.join(repoRoot, 'examples/lighthouse.txt'), path.join(ws, 'lighthouse.txt'));
  fs.writeFileSync(path.join(ws, 'explore-readings.seqlab.json'), JSON.stringify(charsConfig, null, 2));
  try {
    await withWorkbench('explore-readings', { extensionPath, workspace: ws, settings: { 'workbench.colorTheme': 'Default Dark Modern' } }, async (wb) => {
      const shot = (name) => wb.screenshot(`explore-readings-${name}`);
      const step = sequentialSteps(t, wb, 'explore-readings');
      const view = () => wb.visibleWebview();

      await step('1. train a char LSTM from the CodeLens; its dashboard\'s Explore tab', async () => {
        await wb.openFile('explore-readings.seqlab.json');
        await wb.clickCodeLens('▶ Train');
        await wb.waitForNotification(/SeqLab: explore-readings · LSTM finished/);
        await wb.clearNotifications();
        await wb.clickCodeLens('Dashboard');
        const v = view();
        await v.locator('#seqlab-dashboard[data-state="ready"]').waitFor();
        await wb.collectCsp();
        await v.locator('vscode-tab-header.tab-explore').click();
        await v.locator('vscode-tab-panel.tab-explore-panel').waitFor({ state: 'visible' });
      });

      await step('2. listed units plotted with their values; the unit finder\'s r; the embedding search', async () => {
        const v = view();
        await pickOption(v.locator('#ex-mode'), 'slice');
        await v.locator('#ex-start').fill('0');
        await v.locator('#ex-start').dispatchEvent('change');
        await v.locator('#ex-length').fill('400');
        await v.locator('#ex-length').dispatchEvent('change');
        await v.locator('#ex-run').click();
        await v.locator('#ex-status[data-state="done"]').waitFor();
        assert.match(await v.locator('#ex-status').innerText(), /^400 tokens · states of step 200, final weights/);
        const lines = v.locator('#ex-lines-canvas');
        // the units a person lists are the ones plotted, and the readout gives their values
        await pickOption(v.locator('#ex-rank'), 'listed');
        const field = v.locator('#ex-units');
        await field.evaluate((el) => { el.value = '5, 17'; el.dispatchEvent(new Event('change')); });
        await v.locator('#ex-units-why', { hasText: 'Plotted: units 5, 17.' }).waitFor();
        const at = 9;
        const box = await lines.boundingBox();
        const xOf = (tt) => lines.evaluate((c, tt) => window.seqlabDashboard.explore.lines.columnCenter(tt) - c.getBoundingClientRect().left, tt);
        await lines.hover({ position: { x: await xOf(at), y: box.height / 3 } });
        await v.locator('#ex-readout .ex-readout-head', { hasText: `t ${at} (validation token ${at})` }).waitFor();
        const readings = await v.locator('#ex-readout .ex-reading').evaluateAll((els) => els.map((e) => [Number(e.dataset.unit), e.querySelector('b').textContent]));
        const want = await lines.evaluate((_, at) => {
          const d = window.seqlabDashboard.explore.lines.data;
          return { H: d.H, values: [5, 17].map((u) => d.values[at * d.H + u]) };
        }, at);
        assert.equal(want.H, H);
        assert.deepEqual(readings.sort((a, b) => a[0] - b[0]), [[5, formatNumber(want.values[0], 3)], [17, formatNumber(want.values[1], 3)]]);
        await shot('01-listed-units');

        // the unit finder over the same slice: the r it lists is Pearson's r of the unit with the feature
        await v.locator('#ex-find-units').click();
        await v.locator('#ex-features-status[data-state="done"]').waitFor();
        const chip = v.locator('#ex-features tr[data-feature="space"] .unit-chip[data-state="h"][data-layer="0"]').first();
        const listed = { unit: Number(await chip.getAttribute('data-unit')), r: Number(await chip.getAttribute('data-r')) };
        const r = await lines.evaluate((_, u) => {
          const d = window.seqlabDashboard.explore.lines.data;
          const f = d.tokens.map((tok) => (/\s/u.test([...tok].at(-1) ?? '') ? 1 : 0));
          const x = Array.from({ length: d.T }, (_, t) => d.values[t * d.H + u]);
          const mean = (a) => a.reduce((s, y) => s + y, 0) / a.length;
          const mf = mean(f), mx = mean(x);
          let sxf = 0, sxx = 0, sff = 0;
          for (let t = 0; t < d.T; t++) { sxf += (x[t] - mx) * (f[t] - mf); sxx += (x[t] - mx) ** 2; sff += (f[t] - mf) ** 2; }
          return sxf / Math.sqrt(sxx * sff);
        }, listed.unit);
        assert.ok(Math.abs(r - listed.r) < 1e-4, `unit ${listed.unit} against "space": listed r ${listed.r}, from the states ${r}`);
        assert.equal(await chip.locator('.unit-chip-r').innerText(), `r ${formatNumber(listed.r, 2)}`);
        assert.ok(await v.locator('#ex-features tbody tr').count() >= 5, 'the features listed');
        await chip.click();
        await v.locator('#ex-units-why', { hasText: `Plotted: units ${listed.unit}.` }).waitFor();
        await v.locator('section.ex-features').scrollIntoViewIfNeeded();
        await shot('02-unit-finder');

        // the embedding: a token searched is found, picked on the map, its neighbours by cosine listed
        await v.locator('#ex-embed-run').click();
        await v.locator('#ex-embed-status[data-state="done"]').waitFor();
        await v.locator('#ex-embed-search input').fill('k');
        await v.locator('#ex-embed-find').click();
        await v.locator('#ex-neighbours-status[data-state="done"]').waitFor();
        const said = await v.locator('#ex-neighbours-status').innerText();
        const id = Number(/^Nearest to “k” \(token (\d+)\)/.exec(said)?.[1]);
        assert.ok(Number.isInteger(id), said);
        const map = v.locator('#ex-embedding-canvas');
        await map.scrollIntoViewIfNeeded();
        await wb.until(async () => (await map.evaluate(() => window.seqlabDashboard.explore.map.labelled.ids)).includes(id), 'the found token labelled on the map');
        const cosines = (await v.locator('#ex-neighbours li .num').allInnerTexts()).map((s) => Number(s.replace('cos ', '')));
        assert.ok(cosines.length >= 5 && cosines.every((c, i) => i === 0 || c <= cosines[i - 1]), `neighbours, most similar first: ${cosines}`);
        await shot('03-embedding');
        await wb.collectCsp();
      });

      await step('3. a one-timestep pattern\'s matches are where the run\'s states have its units on', async () => {
        const v = view();
        const lines = v.locator('#ex-lines-canvas');
        await lines.scrollIntoViewIfNeeded();
        // the states of the whole validation text the match searches: its range is in the match's status
        await pickOption(v.locator('#ex-rank'), 'variance');
        const box = await lines.boundingBox();
        const xOf = (tt) => lines.evaluate((c, tt) => window.seqlabDashboard.explore.lines.columnCenter(tt) - c.getBoundingClientRect().left, tt);
        const setThreshold = async (x) => {
          await v.locator('#ex-threshold').fill(String(x));
          await v.locator('#ex-threshold').dispatchEvent('change');
        };
        // every unit is on above −2 (h is a tanh): a pattern, so the status names the range searched
        await setThreshold(-2);
        await lines.click({ position: { x: await xOf(3), y: box.height / 3 } });
        await v.locator('#ex-pattern', { hasText: `Selected t 3–3` }).waitFor();
        await v.locator('#ex-match').click();
        await v.locator('#ex-match-status[data-state="done"]').waitFor();
        const range = /in validation tokens 0–([\d ]+)/.exec(await v.locator('#ex-match-status').innerText());
        assert.ok(range, await v.locator('#ex-match-status').innerText());
        const searched = Number(range[1].replace(/\s/g, '')) + 1;
        await v.locator('#ex-length').fill(String(searched));
        await v.locator('#ex-length').dispatchEvent('change');
        await v.locator('#ex-run').click();
        await v.locator('#ex-status[data-state="done"]', { hasText: `${formatCount(searched)} tokens` }).waitFor();

        // one timestep, a threshold just under its strongest plotted unit
        const at = 21;
        await lines.hover({ position: { x: await xOf(at), y: box.height / 3 } });
        await v.locator('#ex-readout .ex-readout-head', { hasText: `t ${at} ` }).waitFor();
        const top = Number(await v.locator('#ex-readout .ex-reading b').first().innerText());
        const threshold = Number((top - 0.05).toFixed(3));
        await setThreshold(threshold);
        await lines.click({ position: { x: await xOf(at), y: box.height / 3 } });
        await v.locator('#ex-pattern', { hasText: `Selected t ${at}–${at}` }).waitFor();

        // what the states say: the pattern's units are those on at `at`; a match is another position where
        // they are all on, scored by the pattern units on minus the others on, best first (ties: earliest)
        const expected = await lines.evaluate((_, { at, threshold, limit }) => {
          const d = window.seqlabDashboard.explore.lines.data;
          const on = (t, u) => d.values[t * d.H + u] >= threshold;
          const pattern = [];
          for (let u = 0; u < d.H; u++) if (on(at, u)) pattern.push(u);
          const found = [];
          for (let t = 0; t < d.T; t++) {
            if (t === at || !pattern.every((u) => on(t, u))) continue;
            let extra = 0;
            for (let u = 0; u < d.H; u++) if (on(t, u) && !pattern.includes(u)) extra++;
            found.push({ start: t, score: pattern.length - extra });
          }
          found.sort((a, b) => b.score - a.score || a.start - b.start);
          return { pattern, matches: found.slice(0, limit), T: d.T };
        }, { at, threshold, limit: 30 });
        assert.equal(expected.T, searched, 'the states of the whole searched range');
        assert.ok(expected.pattern.length >= 1 && expected.pattern.length < H, `a pattern at t ${at}: ${expected.pattern}`);
        assert.match(await v.locator('#ex-pattern').innerText(), new RegExp(`: ${expected.pattern.length} unit\\(s\\) of h on throughout: ${expected.pattern.slice(0, 24).join(', ')}`));
        await v.locator('#ex-match').click();
        // the answer to this request (the earlier one's pattern was every unit)
        await v.locator('#ex-match-status[data-state="done"]', { hasText: `Pattern: ${expected.pattern.length} unit(s) on over 1 timestep(s) (${expected.pattern.slice(0, 16).join(', ')}` }).waitFor();
        const shown = await v.locator('#ex-matches .ex-match').evaluateAll((els) => els.map((e) => ({ start: Number(e.dataset.start), score: Number(/score (-?\d+)/.exec(e.textContent)[1]) })));
        assert.ok(expected.matches.length >= 1, 'the states have the pattern elsewhere');
        assert.deepEqual(shown, expected.matches, 'the match positions and scores are the states\'');
        const first = v.locator('#ex-matches .ex-match').first();
        const context = await first.locator('mark').innerText();
        const token = await lines.evaluate((_, s) => window.seqlabDashboard.explore.lines.data.tokens[s], expected.matches[0].start);
        assert.equal(context, token === '\n' ? '⏎' : token, 'the marked token is the one at the match');
        await first.scrollIntoViewIfNeeded();
        await shot('04-matches');
        await wb.collectCsp();
      });


      await step('4. no Content Security Policy violation', async () => {
        await wb.collectCsp();
        assert.deepEqual(wb.cspSeen ?? [], [], 'securitypolicyviolation events in the dashboard');
        assert.deepEqual(wb.consoleMessages.filter((m) => CSP_TEXT.test(m.text)).map((m) => `${m.url}: ${m.text}`), [], 'CSP errors in the console');
      });
    });
  } finally {
    fs.rmSync(ws, { recursive: true, force: true });
  }
});
