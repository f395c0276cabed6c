// The Explore tab in headless Chromium (the harness page: the webview's CSP, a fake host that answers the
// tab's `explore` messages with planted data): the probe's states plotted with the tokens under them and
// the values under the cursor in the readout; a dragged range's pattern, its matches listed and a match
// opened; the unit finder's table and its one-click plot; the embedding's labels and neighbours; errors
// and a CSV run's limits said in words; no CSP violation. Screenshots: test-output/dashboard/explore-*.png.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
// @ts-expect-error plain .mjs helper shared with the benchmark
import { CHROMIUM, launchChromium, serveExplore, startHarness } from '../../bench/dashboardHarness.mjs';
import type { ExplorerInput, ExplorerResult, FeatureRanking, StatesResult } from '../../src/shared/explorerProtocol';
import type { HostToWebview, RunView, WebviewToHost } from '../../src/shared/webviewProtocol';

// these run inside the page (page.evaluate); the root tsconfig has no DOM lib
declare const window: any;
declare const document: any;
declare const CanvasRenderingContext2D: any;

type Page = import('playwright-core').Page;
type Explore = Extract<WebviewToHost, { type: 'explore' }>;
const root = path.resolve(__dirname, '../..');
const outDir = path.join(root, 'test-output/dashboard');
const skip = fs.existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (apt-get install -y chromium)`;

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

const PROBE = 'He said "yes" and left.\n';
const H = 8;
const weights = { kind: 'final' as const, step: 120 };

function runView(task = 'text'): RunView {
  return {
    id: 'run-x', colorIndex: 0, seconds: 30, snapshotSteps: [], status: { kind: 'finished', step: 120 },
    info: { id: 'run-x', name: 'quotes', configPath: '/ws/quotes.seqlab.json', cell: 'lstm', backend: 'wasm', device: 'wasm', seed: 1, paramCount: 100, totalSteps: 120, dataSummary: '', task, gateNames: ['i', 'f', 'g', 'o'], probeTokens: [...PROBE] },
  };
}

/** The planted states: unit 3 of layer 0 is 0.9 inside double quotes and −0.5 outside; unit 5 swings; the rest rest near 0. */
function plantedStates(input: ExplorerInput): StatesResult {
  const tokens = 'text' in input ? [...input.text] : Array.from({ length: input.validationSlice.length }, (_, t) => 'ab"cd"ef'[(input.validationSlice.start + t) % 8]);
  const T = tokens.length;
  const h = new Float32Array(T * H);
  let inside = false;
  tokens.forEach((tok, t) => {
    if (tok === '"') inside = !inside;
    for (let u = 0; u < H; u++) h[t * H + u] = 0.01 * u;
    h[t * H + 3] = inside ? 0.9 : -0.5;
    h[t * H + 5] = Math.sin(t);
  });
  const layer = { h, c: h.map((v) => 2 * v) };
  const start = 'validationSlice' in input ? input.validationSlice.start : 0;
  return { weights, cell: 'lstm', hiddenSize: H, gateNames: ['i', 'f', 'g', 'o'], layers: [layer, { h: new Float32Array(T * H), c: new Float32Array(T * H) }], tokens, offsets: Int32Array.from({ length: T }, (_, t) => start + t), unknown: { positions: new Int32Array(0), tokens: [] } };
}

const FEATURES: FeatureRanking[] = [
  { feature: 'vowel', description: 'a vowel', positions: 24, constant: false, units: [{ layer: 1, state: 'c', unit: 2, r: 0.41 }] },
  { feature: 'inQuotes', description: 'inside double quotes', positions: 24, constant: false, units: [{ layer: 0, state: 'h', unit: 3, r: 0.97 }, { layer: 0, state: 'c', unit: 3, r: 0.97 }, { layer: 1, state: 'h', unit: 6, r: -0.52 }] },
  { feature: 'bracketDepth', description: 'nesting depth', positions: 24, constant: true, units: [] },
];

const TOKENS = ['<unk>', ' ', '"', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', '\n'];

/** The fake host: each query answered from the planted data (the match: two positions), or refused as the engine would. */
function answer(m: Explore, asked: Explore[]): HostToWebview {
  asked.push(m);
  const q = m.query;
  const ok = (result: ExplorerResult): HostToWebview => ({ type: 'explored', id: m.id, runId: m.runId, result });
  switch (q.kind) {
    case 'states':
      return ok({ kind: 'states', result: plantedStates(q.request.input) });
    case 'unitFeatures':
      return ok({ kind: 'unitFeatures', result: { ...plantedStates(q.request.input), features: FEATURES } });
    case 'match':
      return ok({ kind: 'match', result: { weights, pattern: [3], length: q.request.t1 - q.request.t0 + 1, searched: { start: 0, length: 20_000 },
        matches: [
          { start: 120, score: 1, patternOn: 1, extraOn: 0, tokens: [...'said "no" ok'], matchFrom: 5 },
          { start: 480, score: 0, patternOn: 1, extraOn: 1, tokens: [...'a "maybe"'], matchFrom: 2 },
        ] } });
    case 'embedding':
      if (m.runId === 'csv') return { type: 'exploreFailed', id: m.id, runId: m.runId, problem: 'unsupported', message: 'Run csv has no embedding.' };
      return ok({ kind: 'embedding', result: { weights, method: 'pca', tokens: TOKENS, explained: [0.42, 0.2], points: Float32Array.from(TOKENS.flatMap((_, i) => [Math.cos(i) * (1 + i / 10), Math.sin(i) * (1 + i / 10)])) } });
    case 'neighbours': {
      const id = TOKENS.indexOf(q.request.token);
      if (id < 0) return { type: 'exploreFailed', id: m.id, runId: m.runId, problem: 'badInput', message: `No token "${q.request.token}" in the vocabulary of 30 tokens.` };
      return ok({ kind: 'neighbours', result: { weights, id, token: TOKENS[id], neighbours: [1, 2, 3].map((d) => ({ id: (id + d) % 30, token: TOKENS[(id + d) % 30], similarity: 1 - d / 10 })) } });
    }
  }
}

async function explorePage(run: RunView, theme = 'dark'): Promise<{ page: Page; asked: Explore[] }> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  await page.goto(harness.url(theme));
  const asked: Explore[] = [];
  await serveExplore(page, (m: Explore) => answer(m, asked));
  await page.waitForFunction(() => window.__posted.some((m: any) => m.type === 'ready'));
  await page.evaluate(() => {
    // every string the canvases draw, to find the tokens under the x axis
    window.__texts = [];
    const fill = CanvasRenderingContext2D.prototype.fillText;
    CanvasRenderingContext2D.prototype.fillText = function (this: unknown, text: string, ...rest: number[]) {
      window.__texts.push(String(text));
      return fill.call(this, text, ...(rest as [number, number]));
    };
  });
  await page.evaluate((r) => window.postMessage({ type: 'init', panelKind: 'run', runs: [r], pending: [] }, '*'), run);
  await page.click('.tab-explore');
  return { page, asked };
}

const done = (page: Page, status: string) => page.waitForSelector(`${status}[data-state="done"]`);
/** Client coordinates of the middle of timestep t's column in the unit plot. */
const column = (page: Page, t: number) => page.evaluate((t) => window.seqlabDashboard.explore.lines.columnCenter(t), t);

test('probe → states: units plotted over the tokens, the values under the cursor in the readout', { skip }, async () => {
  const { page, asked } = await explorePage(runView());
  await page.click('#ex-run');
  await done(page, '#ex-status');
  assert.deepEqual(asked[0].query, { kind: 'states', request: { input: { text: PROBE }, gates: false } }, 'the run\'s own probe by default');
  assert.equal(asked[0].weights, 'last');
  assert.equal(await page.textContent('#ex-status'), `${PROBE.length} tokens · states of step 120, final weights`);
  const texts: string[] = await page.evaluate(() => window.__texts);
  for (const tok of ['H', '"', 'y', '␣', '⏎']) assert.ok(texts.includes(tok), `token ${tok} drawn under the axis`);
  assert.ok(texts.includes('h · layer 0'), 'the y axis says what it plots');
  // by variance: unit 5 (sine) and 3 (quotes) lead
  assert.match(await page.textContent('#ex-units-why') ?? '', /8 units of largest variance/);
  // t 10 is the e of "yes": unit 3 on
  const box = (await page.locator('#ex-lines-canvas').boundingBox())!;
  await page.mouse.move(await column(page, 10), box.y + box.height / 2);
  assert.equal(await page.textContent('#ex-readout .ex-readout-head'), 't 10 · “e”');
  assert.equal(await page.textContent('#ex-readout .ex-reading[data-unit="3"] b'), '0.9');
  assert.equal(await page.textContent('#ex-readout .ex-reading[data-unit="5"] b'), String(Number(Math.fround(Math.sin(10)).toPrecision(3))));
  // the units I list: exactly those, in the readout too
  await page.evaluate(() => { const s = document.querySelector('#ex-rank'); s.value = 'listed'; s.dispatchEvent(new Event('change')); });
  await page.evaluate(() => {
    const field = document.querySelector('#ex-units');
    field.value = '3, 7';
    field.dispatchEvent(new Event('change'));
  });
  await page.mouse.move(await column(page, 2), box.y + box.height / 2);
  assert.deepEqual(await page.locator('#ex-readout .ex-reading').evaluateAll((els: any[]) => els.map((e) => e.dataset.unit)), ['7', '3']);
  assert.equal(await page.textContent('#ex-units-why'), 'Plotted: units 3, 7.');
  await page.screenshot({ path: path.join(outDir, 'explore-units-dark.png'), fullPage: true });
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  await page.close();
});

test('a dragged range makes the pattern; its matches are listed with context and one opens in the plot', { skip }, async () => {
  const { page, asked } = await explorePage(runView());
  await page.click('#ex-run');
  await done(page, '#ex-status');
  // drag over “yes” (t 9..11): unit 3 alone is ≥ 0.5 throughout
  const box = (await page.locator('#ex-lines-canvas').boundingBox())!;
  await page.mouse.move(await column(page, 9), box.y + 80);
  await page.mouse.down();
  await page.mouse.move(await column(page, 11), box.y + 80, { steps: 4 });
  await page.mouse.up();
  assert.equal(await page.textContent('#ex-pattern'), 'Selected t 9–11 (“yes”): 1 unit(s) of h on throughout: 3.');
  await page.click('#ex-match');
  await done(page, '#ex-match-status');
  const match = asked.at(-1)!.query;
  assert.deepEqual(match, { kind: 'match', request: { selection: { input: { text: PROBE }, layer: 0, state: 'h' }, t0: 9, t1: 11, threshold: 0.5, offBefore: false, limit: 30, context: 14 } });
  assert.deepEqual(await page.locator('#ex-matches .ex-match').evaluateAll((els: any[]) => els.map((e) => e.dataset.start)), ['120', '480']);
  assert.deepEqual(await page.locator('#ex-matches mark').allTextContents(), ['"no', '"ma']);
  assert.match(await page.textContent('#ex-matches .ex-match') ?? '', /#1 · token 120 · score 1 \(1 of 1 pattern units on, 0 others\)said "no" ok/);
  await page.screenshot({ path: path.join(outDir, 'explore-matches-dark.png'), fullPage: true });
  // open the second: the validation slice around it, the match selected
  await page.click('#ex-matches .ex-match[data-start="480"]');
  await page.waitForFunction(() => document.querySelector('#ex-pattern').textContent.startsWith('Selected t 40–42'));
  assert.deepEqual(asked.at(-1)!.query, { kind: 'states', request: { input: { validationSlice: { start: 440, length: 83 } }, gates: false } });
  const texts: string[] = await page.evaluate(() => window.__texts);
  assert.ok(texts.includes('480'), 'the token axis counts positions in the validation data');
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  await page.close();
});

test('the unit finder: features × best units with r, strongest first; one click plots a unit', { skip }, async () => {
  const { page, asked } = await explorePage(runView(), 'light');
  await page.click('#ex-run');
  await done(page, '#ex-status');
  await page.click('#ex-find-units');
  await done(page, '#ex-features-status');
  assert.deepEqual(asked.at(-1)!.query, { kind: 'unitFeatures', request: { input: { text: PROBE }, top: 64 } });
  assert.deepEqual(await page.locator('#ex-features tbody tr').evaluateAll((els: any[]) => els.map((e) => e.dataset.feature)), ['inQuotes', 'vowel', 'bracketDepth']);
  assert.deepEqual(await page.locator('#ex-features tr[data-feature="inQuotes"] .unit-chip').allTextContents(), ['L0 h 3r 0.97', 'L0 c 3r 0.97', 'L1 h 6r -0.52']);
  assert.match(await page.textContent('#ex-features tr[data-feature="bracketDepth"]') ?? '', /constant in this text/);
  assert.equal(await page.locator('#ex-features .unit-chip.strong').count(), 2, '|r| ≥ 0.8 marked');
  await page.click('#ex-features tr[data-feature="inQuotes"] .unit-chip[data-state="c"]');
  assert.equal(await page.textContent('#ex-units-why'), 'Plotted: units 3.');
  assert.equal(await page.evaluate(() => document.querySelector('#ex-state').value), 'c');
  // ranked by a feature: the units of the shown layer and state that the finder put first
  await page.evaluate(() => { const s = document.querySelector('#ex-rank'); s.value = 'feature'; s.dispatchEvent(new Event('change')); });
  await page.evaluate(() => { const s = document.querySelector('#ex-feature'); s.value = 'inQuotes'; s.dispatchEvent(new Event('change')); });
  assert.equal(await page.textContent('#ex-units-why'), 'Plotted: the units of layer 0 c that correlate most with inQuotes.');
  await page.screenshot({ path: path.join(outDir, 'explore-features-light.png'), fullPage: true });
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  await page.close();
});

test('the embedding: points labelled with their tokens, numeric axes; a click or a search lists the neighbours', { skip }, async () => {
  const { page, asked } = await explorePage(runView());
  await page.click('#ex-embed-run');
  await done(page, '#ex-embed-status');
  assert.deepEqual(asked.at(-1)!.query, { kind: 'embedding', request: { method: 'pca' } });
  const labelled = await page.evaluate(() => window.seqlabDashboard.explore.map.labelled);
  assert.equal(labelled.inView, 30);
  assert.ok(labelled.shown >= 20, `${labelled.shown} labels drawn`);
  const texts: string[] = await page.evaluate(() => window.__texts);
  assert.ok(texts.includes('PC 1 · 42% of the variance') && texts.includes('PC 2 · 20% of the variance'), 'axes with their share of the variance');
  for (const id of labelled.ids) assert.ok(texts.includes(({ ' ': '␣', '\n': '⏎' } as Record<string, string>)[TOKENS[id]] ?? TOKENS[id]), `label of token ${id} drawn`);
  assert.match(await page.textContent('#ex-embed-hint') ?? '', /^Labels: (all 30|\d+ of 30) tokens in view/);
  await page.locator('#ex-embedding-canvas').scrollIntoViewIfNeeded();
  const p = await page.evaluate(() => window.seqlabDashboard.explore.map.pointAt(12));
  await page.mouse.move(p.x, p.y);
  assert.match(await page.textContent('#ex-embedding-tooltip') ?? '', /^“j” · token 12 · \(/);
  await page.mouse.click(p.x, p.y);
  await done(page, '#ex-neighbours-status');
  assert.deepEqual(asked.at(-1)!.query, { kind: 'neighbours', request: { token: 'j', k: 12 } });
  assert.deepEqual(await page.locator('#ex-neighbours li').allTextContents(), ['1.kcos 0.9', '2.lcos 0.8', '3.mcos 0.7']);
  const after = await page.evaluate(() => window.seqlabDashboard.explore.map.labelled.ids);
  for (const id of [12, 13, 14, 15]) assert.ok(after.includes(id), `the picked token and its neighbours are labelled (${id})`);
  await page.screenshot({ path: path.join(outDir, 'explore-embedding-dark.png'), fullPage: true });
  // a search for a token the vocabulary lacks: the engine's words
  await page.evaluate(() => { const f = document.querySelector('#ex-embed-search'); f.value = 'zebra'; });
  await page.click('#ex-embed-find');
  await page.waitForSelector('#ex-neighbours-status[data-state="failed"]');
  assert.equal(await page.textContent('#ex-neighbours-status'), 'No token "zebra" in the vocabulary of 30 tokens.');
  assert.ok(await page.evaluate(() => document.querySelector('#ex-neighbours-status').classList.contains('status-error')));
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  await page.close();
});

test('a CSV run: slices of its validation rows only, features are its columns, no embedding', { skip }, async () => {
  const run = { ...runView('csv'), id: 'csv', info: { ...runView('csv').info, id: 'csv', probeTokens: [] } };
  const { page, asked } = await explorePage(run);
  assert.match(await page.textContent('#ex-probe-note') ?? '', /CSV runs read rows, not text/);
  assert.equal(await page.evaluate(() => document.querySelector('#ex-mode').value), 'slice');
  assert.equal(await page.locator('#ex-text').isVisible(), false);
  await page.fill('#ex-start', '16');
  await page.dispatchEvent('#ex-start', 'change');
  await page.click('#ex-run');
  await done(page, '#ex-status');
  assert.deepEqual(asked[0].query, { kind: 'states', request: { input: { validationSlice: { start: 16, length: 2000 } }, gates: false } });
  assert.match(await page.textContent('.ex-features .hint') ?? '', /CSV runs: the features are the input columns and the targets/);
  assert.equal(await page.textContent('#ex-embed-none'), 'This run has no embedding: a CSV run’s model reads the numeric columns of each row directly.');
  assert.equal(await page.evaluate(() => document.querySelector('#ex-embed-run').hasAttribute('disabled')), true);
  await page.screenshot({ path: path.join(outDir, 'explore-csv-dark.png'), fullPage: true });
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  await page.close();
});
