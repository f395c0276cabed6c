// The Hidden states and Gradients tabs of an encoder–decoder run, in Chromium on the built bundle: the
// layer menus list the encoder's layers per direction and the decoder's; the decoder's states run along its
// emitted target tokens (the tooltip names them); an encoder–decoder offers h only (its snapshot holds no c
// or gates); the Gradients tab draws ‖∂L/∂h_s‖ over source positions or ‖∂L/∂h_t‖ over decoder steps, with
// the value under the cursor. Needs `npm run build` and Chromium.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunView } from '../../src/shared/webviewProtocol';
import { formatNumber } from '../../src/shared/format';
import * as path from 'node:path';
import { heatmapPlot, nextFrames, outDir, readoutAt, type Session, skip, startSession, violations } from './dashboardPage';

declare const window: any;
declare const document: any;

type Page = import('playwright-core').Page;

let session: Session;
before(async () => {
  if (!skip) session = await startSession();
});
after(async () => {
  await session?.close();
});

const SOURCE = ['d', 'o', 'g'];
const TARGET = ['g', 'o', 'd', '</s>'];
const S = SOURCE.length, T = TARGET.length, He = 5, Hd = 6;

function runView(): RunView {
  return {
    id: 'bi', colorIndex: 0, seconds: 3, snapshotSteps: [50], status: { kind: 'finished', step: 50 },
    info: { id: 'bi', name: 'reverse-bi', configPath: '/ws/bi.seqlab.json', cell: 'lstm', backend: 'wasm', device: 'wasm', seed: 1, paramCount: 700, totalSteps: 50, dataSummary: 'reverse', task: 'reverse', gateNames: ['i', 'f', 'g', 'o'], probeTokens: SOURCE, probeTargetTokens: TARGET, errorRateName: 'CER' },
  };
}

// decoder state of unit u at step t: (t + 1) / 10 − u / 20; encoder directions ±0.1 per position
const decH = (t: number, u: number) => Math.fround((t + 1) / 10 - u / 20);
const ENC_DH = [0.002, 0.02, 0.2];
const DEC_DH = [0.4, 0.3, 0.2, 0.1];

function snapshot() {
  return {
    step: 50,
    arrays: {
      'enc.l0.fwd.h': { data: Array.from({ length: S * He }, (_, i) => Math.floor(i / He) / 10), shape: [S, He] },
      'enc.l0.bwd.h': { data: Array.from({ length: S * He }, (_, i) => -Math.floor(i / He) / 10), shape: [S, He] },
      'dec.l0.h': { data: Array.from({ length: T * Hd }, (_, i) => decH(Math.floor(i / Hd), i % Hd)), shape: [T, Hd] },
      'enc.l0.fwd.dh': { data: ENC_DH, shape: [S] },
      'enc.l0.bwd.dh': { data: ENC_DH.map((v) => v / 2), shape: [S] },
      'dec.l0.dh': { data: DEC_DH, shape: [T] },
    },
  };
}

async function page(): Promise<Page> {
  const p = await session.blank('dark', { width: 1100, height: 1400 });
  await p.evaluate((m: any) => window.postMessage(m, '*'), { type: 'init', panelKind: 'run', runs: [runView()], pending: [] });
  await p.evaluate((m: any) => {
    for (const a of Object.values(m.snapshot.arrays) as any[]) a.data = Float32Array.from(a.data);
    window.postMessage(m, '*');
  }, { type: 'diagnostics', runId: 'bi', snapshot: snapshot() });
  return p;
}

const optionTexts = (p: Page, id: string): Promise<string[]> => p.locator(`${id} vscode-option`).allTextContents().then((xs) => xs.map((x) => x.trim()));

async function choose(p: Page, id: string, value: string): Promise<void> {
  await p.evaluate(({ id, value }: { id: string; value: string }) => {
    const sel = document.querySelector(id);
    sel.value = value;
    sel.dispatchEvent(new Event('change'));
  }, { id, value });
  await nextFrames(p);
}

test('hidden states of an encoder–decoder: encoder layers per direction, then the decoder\'s states along its emitted tokens', { skip }, async () => {
  const p = await page();
  await p.click('.tab-hidden');
  await p.waitForSelector('#heatmap-canvas[data-plot]');
  assert.deepEqual(await optionTexts(p, '#hs-layer'), ['encoder layer 0 (forward)', 'encoder layer 0 (backward)', 'decoder layer 0']);
  assert.deepEqual(await optionTexts(p, '#hs-state'), ['h (hidden state)'], 'an LSTM encoder–decoder\'s snapshot holds h only: no c or gates offered');
  await choose(p, '#hs-layer', '2');
  await p.waitForFunction(() => document.querySelector('#heatmap-canvas').dataset.plot);
  const plot = await heatmapPlot(p, '#heatmap-canvas');
  const box = (await p.locator('#heatmap-canvas').boundingBox())!;
  for (const [u, t] of [[0, 0], [5, 3], [2, 1]]) {
    await p.mouse.move(box.x + plot.left + ((t + 0.5) * plot.width) / T, box.y + plot.top + ((u + 0.5) * plot.height) / Hd);
    await p.waitForSelector('#heatmap-tooltip:not([hidden])');
    assert.equal(await p.textContent('#heatmap-tooltip .tip-value'), formatNumber(decH(t, u)), `decoder unit ${u} at step ${t}`);
    assert.ok((await p.textContent('#heatmap-tooltip'))!.includes(`t ${t} · “${TARGET[t]}”`), `the tooltip names the token step ${t} emits: ${await p.textContent('#heatmap-tooltip')}`);
  }
  await p.screenshot({ path: path.join(outDir, 'seq2seq-hidden-decoder.png'), fullPage: true });
  assert.deepEqual(await violations(p), []);
  await p.close();
});

test('gradients of an encoder–decoder: ‖∂L/∂h_s‖ over source positions per encoder layer, ‖∂L/∂h_t‖ over decoder steps', { skip }, async () => {
  const p = await page();
  await p.click('.tab-gradients');
  await p.waitForFunction(() => document.querySelector('#grad-time-chart').dataset.xTicks);
  assert.deepEqual(await optionTexts(p, '#grad-layer'), ['encoder layer 0 (forward)', 'encoder layer 0 (backward)', 'decoder layer 0']);
  assert.match((await p.textContent('#grad-time-title'))!, /∂L\/∂h\s?s‖ against s, encoder layer 0 \(forward\)/);
  let rows = await readoutAt(p, '#grad-time-chart', 0.999);
  assert.deepEqual(rows[1].slice(1, 3), [formatNumber(ENC_DH[S - 1]), String(S - 1)], 'the last source position\'s gradient under the cursor');
  await choose(p, '#grad-layer', '2');
  await p.waitForFunction(() => /decoder/.test(document.querySelector('#grad-time-title').textContent));
  // a new axis title rebuilds the chart: wait for its plot
  await p.waitForSelector('#grad-time-chart .u-over', { state: 'visible' });
  await nextFrames(p);
  rows = await readoutAt(p, '#grad-time-chart', 0.001);
  assert.deepEqual(rows[1].slice(1, 3), [formatNumber(DEC_DH[0]), '0'], 'the first decoder step\'s gradient under the cursor');
  const xTicks = (await p.getAttribute('#grad-time-chart', 'data-x-ticks'))!.split('|');
  assert.ok(xTicks.every((x) => /^\d+$/.test(x) && Number(x) < T), `whole decoder steps on the x axis: ${xTicks}`);
  await p.screenshot({ path: path.join(outDir, 'seq2seq-gradients-decoder.png'), fullPage: true });
  assert.deepEqual(await violations(p), []);
  await p.close();
});

test('the layer chosen on one tab is the one the other tab\'s menu names when it is shown', { skip }, async () => {
  const p = await page();
  await p.click('.tab-hidden');
  await p.waitForSelector('#heatmap-canvas[data-plot]');
  await choose(p, '#hs-layer', '2');
  await p.click('.tab-gradients');
  await p.waitForFunction(() => /decoder/.test(document.querySelector('#grad-time-title').textContent));
  assert.equal(await p.evaluate(() => document.querySelector('#grad-layer').value), '2', 'the Gradients menu names the decoder layer its charts draw');
  await choose(p, '#grad-layer', '0');
  await p.click('.tab-hidden');
  await p.waitForFunction(() => document.querySelector('#hs-layer').value === '0');
  await p.close();
});
