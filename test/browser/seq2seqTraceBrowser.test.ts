// The "try it" box's decoding trace in headless Chromium (the harness page with the webview's CSP, a fake host
// whose answers the tests post): typing translates live, an answer to an older text is dropped, clearing the
// text clears the box; the candidates table shows each step's tokens and percentages as the trace has them,
// the taken one outlined, the exact log-probability under the pointer; the beam's tree has a node per entry
// of the trace, the pruned ones faded, the best hypothesis's path marked (another's when it is picked);
// greedy decoding has no tree.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { TranslateResult } from '../../src/shared/translation';
import { nextFrames, outDir, type Page, type Session, skip, startSession } from './dashboardPage';
import { postFromHost, seq2seqPage, type Translate } from './seq2seqPage';
import { tracedTranslation } from '../unit/seq2seqTraceCase';

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

/** The box's `n`th translate request, once it has posted it. */
async function askedFor(page: Page, n: number): Promise<Translate> {
  const handle = await page.waitForFunction((k: number) => window.__posted.filter((m: any) => m.type === 'translate')[k - 1], n);
  return (await handle.jsonValue()) as Translate;
}

const answer = (page: Page, m: Translate, result: TranslateResult) => postFromHost(page, { type: 'translated', id: m.id, runId: m.runId, result });

/** The table's columns as shown: per step, [token, percent, taken] of each cell, top to bottom. */
const tableCells = (page: Page): Promise<Array<Array<[string, string, boolean]>>> => page.evaluate(() => {
  const rows = [...document.querySelectorAll('#s2s-steps tbody tr')];
  const cols = document.querySelectorAll('#s2s-steps thead th').length - 1;
  return Array.from({ length: cols }, (_, c) => rows.map((r: any) => r.children[c + 1]).filter((td: any) => td.querySelector('.s2s-cand-token'))
    .map((td: any) => [td.querySelector('.s2s-cand-token').textContent, td.querySelector('.s2s-cand-p').textContent, td.classList.contains('taken')]));
});

const pathIds = (page: Page): Promise<number[]> => page.evaluate(() => [...document.querySelectorAll('#s2s-tree .bt-node.on-path')].map((g: any) => Number(g.dataset.id)).sort((a: number, b: number) => a - b));

test('try it translates as you type; the answer to an older text is dropped; the beam\'s steps and tree are drawn from the trace', { skip }, async () => {
  const { page } = await seq2seqPage(session, { theme: 'dark' });
  await page.evaluate(() => { const s = document.querySelector('#s2s-try-beam'); s.value = '3'; s.dispatchEvent(new Event('change')); });
  // typing alone asks (no button, no Enter), with the candidates per step
  await page.fill('#s2s-try-text input', 'ab');
  const first = await askedFor(page, 1);
  assert.deepEqual([first.source, first.beam, first.steps], ['ab', 3, 3]);
  await page.fill('#s2s-try-text input', 'abb');
  const second = await askedFor(page, 2);
  assert.equal(second.source, 'abb');
  const result = tracedTranslation('abb', 'beam');
  await answer(page, second, result);
  await page.waitForSelector('#s2s-try-status[data-state="done"]');
  await answer(page, first, tracedTranslation('ab', 'greedy'));
  await nextFrames(page);
  assert.match(await page.textContent('#s2s-try-status') ?? '', /beam search, width 2 · weights of step 200 · 3 source tokens/, 'the older text\'s answer changed nothing');
  assert.deepEqual(await page.locator('#s2s-try-result .s2s-hyp-text').allTextContents(), ['ab', 'b']);

  // the table: one column per step of the best hypothesis, its cells the trace's candidates
  const [best, other] = result.translations[0].hypotheses;
  const want = best.steps!.map((st) => st.candidates.map((c, i): [string, string, boolean] => [c.token, `${(100 * Math.exp(c.logProb)).toFixed(1)} %`, i === st.taken.rank]));
  assert.deepEqual(await tableCells(page), want);
  assert.deepEqual(await page.locator('#s2s-steps thead th[data-step]').allTextContents(), ['step 0', 'step 1', 'step 2']);
  await page.hover('#s2s-steps tbody tr:nth-child(2) td:nth-child(2)');
  assert.equal(await page.textContent('#s2s-steps-readout'), `step 0, rank 2: “b” log p = ${Math.log(0.3)} (p = 0.3)`);

  // the tree: a node per entry, pruned ones faded, the finals marked, the best one's path
  const tree = result.translations[0].beamTree!;
  assert.equal(await page.locator('#s2s-tree .bt-node').count(), tree.length);
  assert.equal(await page.locator('#s2s-tree .bt-edge').count(), tree.length - 1);
  assert.equal(await page.locator('#s2s-tree .bt-node.pruned').count(), tree.filter((n) => n.status === 'pruned').length);
  assert.deepEqual(await page.locator('#s2s-tree .bt-node[data-final]').evaluateAll((gs: any[]) => gs.map((g) => [Number(g.dataset.id), Number(g.dataset.final)]).sort((a, b) => a[0] - b[0])), [[7, 1], [10, 0]]);
  const bestPath: number[] = [];
  for (let n = best.node!; n >= 0; n = tree[n].parent) bestPath.unshift(n);
  assert.deepEqual(await pathIds(page), bestPath);
  const opacity = (sel: string) => page.$eval(sel, (g: any) => Number(window.getComputedStyle(g).opacity));
  assert.ok(await opacity('#s2s-tree .bt-node[data-id="3"]') < 0.5 && await opacity('#s2s-tree .bt-node[data-id="4"]') === 1, 'pruned nodes faded');
  await page.hover('#s2s-tree .bt-node[data-id="4"] rect');
  await page.waitForFunction(() => document.querySelector('#s2s-tree-readout').textContent.startsWith('step 1'));
  assert.match(await page.textContent('#s2s-tree-readout') ?? '', /step 1 “b” \(rank 1, log p -0\.3567\): cumulative log p -0\.8675, score -0\.8675, kept in the beam/);
  await page.screenshot({ path: path.join(outDir, 'seq2seq-trace.png'), fullPage: true });

  // picking the second hypothesis shows its steps and its path
  await page.click('#s2s-try-result .s2s-hyp[data-rank="1"]');
  assert.deepEqual((await tableCells(page)).map((col) => col.find((c) => c[2])![0]), other.steps!.map((st) => st.taken.token));
  assert.deepEqual(await pathIds(page), [0, 2, 7]);
  // clearing the text clears the box
  await page.fill('#s2s-try-text input', '');
  await page.waitForSelector('#s2s-try-status[data-state="idle"]');
  assert.deepEqual([await page.locator('#s2s-try-result li').count(), await page.isVisible('#s2s-steps'), await page.isVisible('#s2s-tree')], [0, false, false]);
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  await page.close();
});

test('greedy decoding: its steps, each taking the most probable token, and no tree', { skip }, async () => {
  const { page, asked } = await seq2seqPage(session, { theme: 'light', answer: (m) => ({ type: 'translated', id: m.id, runId: m.runId, result: tracedTranslation(m.source, 'greedy') }) });
  await page.fill('#s2s-try-text input', 'ab');
  await page.press('#s2s-try-text input', 'Enter');
  await page.waitForSelector('#s2s-try-status[data-state="done"]');
  assert.equal(asked.at(-1)!.beam, 1);
  const cells = await tableCells(page);
  assert.equal(cells.length, 3);
  assert.ok(cells.every((col) => col[0][2] && col.filter((c) => c[2]).length === 1), 'the first candidate taken at every step');
  assert.equal(await page.isVisible('#s2s-steps'), true);
  assert.equal(await page.locator('#s2s-tree').count(), 0);
  assert.equal(await page.isVisible('.s2s-tree-wrap'), false);
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  await page.close();
});
