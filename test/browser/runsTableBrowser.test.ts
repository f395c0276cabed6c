// The runs table bundle in headless Chromium, in a page with the webview's CSP and a fake acquireVsCodeApi,
// fed rows as the host would: columns for what varies, sorting by a header click, a value filter, grouping
// with counts and best results, selection → the messages the host acts on, the config diff, and the sweep's
// parallel coordinates: the pixels where each run's line must cross, in its colour of the legend's scale,
// brushing and the readout under the pointer. No CSP violation. Screenshots go to test-output/runsTable/.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
// @ts-expect-error plain .mjs helper shared with the dashboard's browser test
import { CHROMIUM, launchChromium } from '../../bench/dashboardHarness.mjs';
import type { RunRow } from '../../src/shared/runsTable';
import { lookup, SEQUENTIAL_LUT } from '../../webview/model/colorScales';

// these run inside the page (page.evaluate); the root tsconfig has no DOM lib
declare const window: any;
declare const document: any;

const root = path.resolve(__dirname, '../..');
const outDir = path.join(root, 'test-output/runsTable');
const skip = fs.existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (apt-get install -y chromium)`;

type Page = import('playwright-core').Page;
let server: http.Server;
let origin: string;
let browser: import('playwright-core').Browser;

const THEME_CSS = `body { margin: 0; --vscode-foreground: #cccccc; --vscode-descriptionForeground: #9d9d9d; --vscode-editor-background: #1f1f1f;
  --vscode-panel-border: #2b2b2b; --vscode-button-background: #0078d4; --vscode-button-foreground: #ffffff; --vscode-badge-background: #616161;
  --vscode-badge-foreground: #f8f8f8; --vscode-focusBorder: #0078d4; --vscode-input-background: #313131; --vscode-input-foreground: #cccccc;
  --vscode-font-family: system-ui, sans-serif; --vscode-font-size: 13px; --vscode-editor-font-family: monospace; }`;

function page(nonce: string): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${origin} data:; style-src ${origin}; font-src ${origin}; script-src 'nonce-${nonce}';">
<link rel="stylesheet" href="${origin}/theme.css"><link rel="stylesheet" href="${origin}/dist/runsTable.css"></head>
<body class="vscode-dark"><div id="seqlab-runs" class="runs" data-state="loading"></div>
<script nonce="${nonce}">
window.__violations = []; window.__posted = []; window.__state = undefined;
window.__name = (f) => f;
document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => window.__state, setState: (s) => { window.__state = s; } });
</script>
<script nonce="${nonce}" src="${origin}/dist/runsTable.js"></script></body></html>`;
}

before(async () => {
  if (skip) return;
  if (!fs.existsSync(path.join(root, 'dist/runsTable.js')) || process.env.SEQLAB_REBUILD) execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
  fs.mkdirSync(outDir, { recursive: true });
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/') return res.writeHead(200, { 'content-type': 'text/html' }).end(page(`n${Math.random().toString(36).slice(2)}`));
    if (url.pathname === '/theme.css') return res.writeHead(200, { 'content-type': 'text/css' }).end(THEME_CSS);
    const file = path.join(root, url.pathname);
    if (!file.startsWith(path.join(root, 'dist')) || !fs.existsSync(file)) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': file.endsWith('.css') ? 'text/css' : 'text/javascript' }).end(fs.readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
});

const LOSSES = [0.4, 0.3, 0.2, 0.1];
/** Viridis at t ∈ [0, 1], from the dashboards' table. */
const sequential = (t: number) => lookup(SEQUENTIAL_LUT, Math.round(t * 255));
const GRID = [[0.001, 64], [0.001, 128], [0.01, 64], [0.01, 128]] as const;

function fakeRows(): RunRow[] {
  const base = { 'name': 'tiny', 'model.layers': 1, 'data.length': 20 };
  const sweepRows = GRID.map(([lr, hidden], i): RunRow => ({
    id: `run-s${i}`, label: `lr ${lr} · hidden ${hidden}`, config: 'tiny.seqlab.json', status: 'finished', step: 40, totalSteps: 40,
    createdAt: `2026-01-01T00:00:0${i}Z`,
    sweep: { id: 'sweep-20260101-000000-abcd', index: i, count: 4, values: { 'training.learningRate': lr, 'model.hiddenSize': hidden }, label: `lr ${lr} · hidden ${hidden}` },
    settings: { ...base, 'model.cell': 'lstm', 'training.learningRate': lr, 'model.hiddenSize': hidden },
    metrics: { bestValidationLoss: LOSSES[i], bestValidationStep: 30 + i, finalTrainingLoss: LOSSES[i] + 0.05, solved: 0.5 + i / 10, seconds: 10 + i, stepsPerSecond: 40 },
  }));
  const others = (['rnn', 'gru'] as const).map((cell, i): RunRow => ({
    id: `run-c${i}`, label: `compare · ${cell.toUpperCase()}`, config: 'compare.seqlab.json', status: i === 0 ? 'failed' : 'finished', step: 20, totalSteps: 40,
    createdAt: `2026-01-02T00:00:0${i}Z`,
    settings: { ...base, 'model.cell': cell, 'training.learningRate': 0.002, 'model.hiddenSize': 128 },
    metrics: { finalTrainingLoss: 0.9 + i, seconds: 5 },
  }));
  return [...sweepRows, ...others];
}

async function open(): Promise<Page> {
  const p = await browser.newPage({ viewport: { width: 1300, height: 900 } });
  await p.goto(`${origin}/`);
  await p.waitForFunction(() => window.__posted.some((m: any) => m.type === 'ready'));
  await p.evaluate((rows) => window.postMessage({ type: 'rows', rows }, '*'), fakeRows());
  await p.waitForSelector('#seqlab-runs[data-state="ready"]');
  return p;
}

const rowIds = (p: Page) => p.locator('#runs-table tr.run-row').evaluateAll((trs: any[]) => trs.map((tr) => tr.dataset.runId));
const posted = (p: Page, type: string) => p.evaluate((t) => window.__posted.filter((m: any) => m.type === t), type);

test('runs table: varying columns, sort by header click, value filter, groups, selection, config diff', { skip }, async () => {
  const p = await open();
  assert.deepEqual(await rowIds(p), ['run-c1', 'run-c0', 'run-s3', 'run-s2', 'run-s1', 'run-s0'], 'newest first');
  const headers = await p.locator('#runs-table th[data-key]').evaluateAll((ths: any[]) => ths.map((th) => th.dataset.key));
  assert.deepEqual(headers, [
    'run', 'status', 'config', 'sweep', 'setting:model.cell', 'setting:training.learningRate', 'setting:model.hiddenSize',
    'metric:bestValidationLoss', 'metric:bestValidationStep', 'metric:finalTrainingLoss', 'metric:solved', 'metric:seconds', 'metric:stepsPerSecond', 'created',
  ], 'name, layers and data.length are the same everywhere: no column');
  assert.equal(await p.textContent('#runs-count'), '6 of 6 runs');
  await p.screenshot({ path: path.join(outDir, 'table.png'), fullPage: true });

  // sort by a header click: best first, then the other way; runs without a value stay last
  const lossHeader = p.locator('th[data-key="metric:bestValidationLoss"] button.sort');
  await lossHeader.click();
  assert.equal(await p.getAttribute('th[data-key="metric:bestValidationLoss"]', 'aria-sort'), 'ascending');
  assert.deepEqual(await rowIds(p), ['run-s3', 'run-s2', 'run-s1', 'run-s0', 'run-c1', 'run-c0']);
  await lossHeader.click();
  assert.equal(await p.getAttribute('th[data-key="metric:bestValidationLoss"]', 'aria-sort'), 'descending');
  assert.deepEqual((await rowIds(p)).slice(0, 4), ['run-s0', 'run-s1', 'run-s2', 'run-s3']);
  assert.equal(await p.textContent('tr[data-run-id="run-s3"] td[data-key="metric:bestValidationLoss"]'), '0.100');
  assert.equal(await p.textContent('tr[data-run-id="run-s3"] td[data-key="metric:solved"]'), '80%');

  // the text filter, then a value filter from the column's menu
  await p.fill('#runs-filter', 'model.hiddenSize=128 lstm');
  assert.deepEqual((await rowIds(p)).sort(), ['run-s1', 'run-s3']);
  assert.equal(await p.textContent('#runs-count'), '2 of 6 runs');
  await p.fill('#runs-filter', '');
  await p.click('th[data-key="setting:model.cell"] button.col-filter');
  const choices = await p.locator('#value-filter input[data-value]').evaluateAll((xs: any[]) => xs.map((x) => x.dataset.value));
  assert.deepEqual(choices, ['gru', 'lstm', 'rnn']);
  await p.click('#value-filter input[data-value="rnn"]');
  assert.ok(!(await rowIds(p)).includes('run-c0'));
  assert.equal(await p.locator('#filter-chips .filter-chip[data-key="setting:model.cell"]').count(), 1);
  await p.click('#filter-chips .filter-chip[data-key="setting:model.cell"]');
  assert.equal((await rowIds(p)).length, 6);

  // group by the sweep: its group counts 4 runs and names its best; a group collapses
  await p.evaluate(() => {
    const sel = document.querySelector('#group-by');
    sel.value = 'sweep';
    sel.dispatchEvent(new Event('change'));
  });
  const groups = p.locator('tr.group-row');
  assert.equal(await groups.count(), 2);
  const sweepGroup = p.locator('tr.group-row[data-group="sweep-20260101-000000-abcd"]');
  assert.equal(await sweepGroup.locator('.group-count').textContent(), '4 runs');
  assert.equal(await sweepGroup.locator('.group-best').textContent(), 'lowest best val loss 0.100: lr 0.01 · hidden 128');
  await sweepGroup.locator('.group-toggle').click();
  assert.equal(await p.getAttribute('tr.group-row[data-group="sweep-20260101-000000-abcd"] .group-toggle', 'aria-expanded'), 'false');
  assert.deepEqual((await rowIds(p)).sort(), ['run-c0', 'run-c1']);
  await p.screenshot({ path: path.join(outDir, 'grouped.png'), fullPage: true });
  await p.click('tr.group-row[data-group="sweep-20260101-000000-abcd"] .group-toggle');
  assert.equal((await rowIds(p)).length, 6);

  // select two runs: Open in Dashboard and Compare Configs post what the host acts on
  assert.equal(await p.getAttribute('#open-dashboard', 'disabled'), '');
  await p.click('tr[data-run-id="run-s3"] input.select-run');
  await p.click('tr[data-run-id="run-c1"] td[data-key="status"]');
  assert.equal(await p.textContent('#selection-count'), '2 selected');
  assert.equal(await p.getAttribute('tr[data-run-id="run-c1"]', 'aria-selected'), 'true');
  await p.click('#open-dashboard');
  assert.deepEqual(await posted(p, 'openDashboard'), [{ type: 'openDashboard', runIds: ['run-s3', 'run-c1'] }]);
  await p.click('#compare-configs');
  assert.deepEqual(await posted(p, 'compareConfigs'), [{ type: 'compareConfigs', runIds: ['run-s3', 'run-c1'] }]);
  await p.evaluate(() => window.postMessage({
    type: 'configDiff', a: { id: 'run-s3', label: 'lr 0.01 · hidden 128' }, b: { id: 'run-c1', label: 'compare · GRU' },
    lines: [{ path: 'model.cell', a: '"lstm"', b: '"gru"' }, { path: 'training.learningRate', a: '0.01', b: '0.002' }],
  }, '*'));
  await p.waitForSelector('#config-diff:not([hidden])');
  assert.equal(await p.locator('#config-diff tr.diff-row').count(), 2);
  assert.equal(await p.textContent('#config-diff tr.diff-row[data-path="training.learningRate"] .diff-a'), '0.01');
  assert.equal(await p.textContent('#config-diff tr.diff-row[data-path="training.learningRate"] .diff-b'), '0.002');
  await p.screenshot({ path: path.join(outDir, 'config-diff.png'), fullPage: true });

  // the choices survive a reload of the webview (VS Code's webview state)
  const state = await p.evaluate(() => window.__state);
  assert.equal(state.query.groupBy, 'sweep');
  assert.deepEqual(state.selected, ['run-s3', 'run-c1']);
  assert.deepEqual(await p.evaluate(() => window.__violations), []);
  await p.close();
});

test('sweep view: parallel coordinates cross each axis where the values say, coloured by the result; brushing; readout', { skip }, async () => {
  const p = await open();
  await p.click('vscode-tab-header.tab-sweep');
  await p.waitForFunction(() => window.seqlabRunsTable.parcoords().axes.length === 3);
  const layout = await p.evaluate(() => window.seqlabRunsTable.parcoords());
  assert.deepEqual(layout.axes.map((a: { label: string }) => a.label), ['lr', 'hidden', 'best val loss']);
  const { plot } = layout;
  const [, xHidden, xLoss] = layout.axes.map((a: { x: number }) => a.x);
  // expected positions, worked out here: hidden 64…128 linear, loss 0.1…0.4 linear (t = 0 at the bottom)
  const tHidden = (h: number) => (h - 64) / 64;
  const tLoss = (l: number) => (l - 0.1) / 0.3;
  const y = (t: number) => plot.top + (1 - t) * plot.height;
  /** A quarter of the way from the hidden axis to the loss axis on run i's line. */
  const probe = (i: number) => {
    const [t0, t1] = [tHidden(GRID[i][1]), tLoss(LOSSES[i])];
    return { x: xHidden + 0.25 * (xLoss - xHidden), y: y(t0 + 0.25 * (t1 - t0)) };
  };
  const pixel = (pt: { x: number; y: number }) => p.evaluate(({ x, y }) => {
    const c = document.querySelector('#parcoords');
    const r = c.getBoundingClientRect();
    return Array.from(c.getContext('2d').getImageData(Math.round(x * c.width / r.width), Math.round(y * c.height / r.height), 1, 1).data) as number[];
  }, pt);
  const near = (a: number[], b: readonly number[], tol: number) => a.slice(0, 3).every((v, k) => Math.abs(v - b[k]) <= tol);
  for (let i = 0; i < 4; i++) {
    const px = await pixel(probe(i));
    // viridis with the better end bright: a lower loss is lighter
    const expected = sequential(1 - tLoss(LOSSES[i]));
    assert.ok(px[3] > 100 && near(px, expected, 12), `run ${i}: pixel ${px} at its line, expected the colour ${expected} of loss ${LOSSES[i]}`);
  }
  // between the lines there is no ink
  const gap = await pixel({ x: xHidden + 0.25 * (xLoss - xHidden), y: y(0.5) });
  assert.ok(gap[3] < 60, `no line at the gap: ${gap}`);
  // the colour legend beside the loss axis: each value in its lines' colour, the lowest loss (bottom) brightest
  const legendX = plot.left + plot.width + 50 + 7;
  assert.ok(near(await pixel({ x: legendX, y: plot.top + 1 }), sequential(0), 6), 'legend top: the highest loss, dark');
  assert.ok(near(await pixel({ x: legendX, y: plot.top + plot.height - 1 }), sequential(1), 6), 'legend bottom: the lowest loss, bright');
  await p.screenshot({ path: path.join(outDir, 'sweep.png'), fullPage: true });

  // the readout: over a line its run and values; over an axis the value there
  const box = (await p.locator('#parcoords').boundingBox())!;
  const at1 = probe(1);
  await p.mouse.move(box.x + at1.x, box.y + at1.y);
  assert.equal(await p.textContent('#parcoords-tooltip'), 'lr 0.001 · hidden 128 · best val loss 0.300');
  await p.mouse.move(box.x + xLoss, box.y + y(0.5));
  assert.equal(await p.textContent('#parcoords-tooltip'), 'best val loss 0.25');

  // brush the lower half of the loss axis: the two best runs stay coloured, the others turn grey
  await p.mouse.move(box.x + xLoss, box.y + plot.top + plot.height + 2);
  await p.mouse.down();
  await p.mouse.move(box.x + xLoss, box.y + y(0.5), { steps: 5 });
  await p.mouse.up();
  // the brush is stored, and the chart redrawn with it, on the next animation frame
  await p.waitForFunction(() => window.seqlabRunsTable.parcoords().inside.length === 2 && document.querySelector('#sweep-summary .count')?.textContent.includes('inside'));
  assert.equal(await p.textContent('#sweep-summary .count'), '2 of 4 runs inside the brushes');
  assert.deepEqual((await p.evaluate(() => window.seqlabRunsTable.parcoords())).inside.sort(), ['run-s2', 'run-s3']);
  assert.ok(near(await pixel(probe(0)), [128, 128, 128], 12), 'the worst run is grey');
  assert.ok(near(await pixel(probe(3)), sequential(1), 12), 'the best run keeps its colour');
  await p.screenshot({ path: path.join(outDir, 'sweep-brushed.png'), fullPage: true });
  await p.click('#select-brushed');
  assert.deepEqual((await p.evaluate(() => window.__state)).selected.sort(), ['run-s2', 'run-s3']);
  // a click on the axis clears its brush
  await p.mouse.click(box.x + xLoss, box.y + y(0.8));
  await p.waitForFunction(() => window.seqlabRunsTable.parcoords().inside.length === 4 && document.querySelector('#sweep-summary .count')?.textContent.startsWith('4 runs'));
  assert.deepEqual(await p.evaluate(() => window.__violations), []);
  await p.close();
});
