// The Seq2seq tab in headless Chromium (the harness page: the webview's CSP and a fake host that posts an
// encoder–decoder run's messages and answers the tab's `translate` requests): the tab only for
// encoder–decoder runs; the attention's tokens on both axes and the weight under the pointer in the
// readout; the step-through walking source (back to front with reverseSource), hand-over and decoder steps;
// the gradient charts; the "try it" box's request and its translation with attention. Last, a real run
// (trained here by the CLI, read from its folder as the panel's host reads it, translated by the engine's
// own function, traced) for the screenshot test-output/dashboard/seq2seq-real.png (docs/images/seq2seq.png).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { TranslateResult } from '../../src/shared/translation';
import type { RunView, WebviewToHost } from '../../src/shared/webviewProtocol';
import { nextFrames, outDir, root, type Session, skip, startSession } from './dashboardPage';
import { cellCenter, He, postFromHost, runView, S, seq2seqPage as openSeq2seqPage, snapshot, SOURCE, T, TARGET } from './seq2seqPage';

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

function translation(source: string, top: number): TranslateResult {
  const tokens = [...source];
  const reversed = [...tokens].reverse();
  const hyp = (text: string[], logProb: number) => ({
    text: text.join(''), tokens: text, logProb, score: logProb, finished: true,
    attention: [...text, '</s>'].map((_, t) => tokens.map((_, s) => (s === tokens.length - 1 - t ? 0.9 : 0.1 / Math.max(1, tokens.length - 1)))),
  });
  const hyps = [hyp(reversed, Math.log(0.93)), hyp([...reversed.slice(0, -1), 'x'], Math.log(0.004)), hyp(tokens, Math.log(2e-6))];
  return { runId: 'rev', step: 200, decoding: { method: top > 1 ? 'beam' : 'greedy', beamWidth: top, lengthPenalty: 0.6, maxLength: 20 }, translations: [{ source, sourceTokens: tokens, unknown: [], hypotheses: hyps.slice(0, top) }] };
}

/** A dashboard page showing the fake run on the Seq2seq tab; its `translate` requests land in `asked` and are answered. */
const seq2seqPage = (theme: 'dark' | 'light' = 'dark') => openSeq2seqPage(session, {
  theme,
  answer: (m) => (m.source === 'fail'
    ? { type: 'translateFailed', id: m.id, runId: m.runId, problem: 'noWeights', message: 'Run rev has no weights yet.' }
    : { type: 'translated', id: m.id, runId: m.runId, result: translation(m.source, m.top) }),
});

test('the Seq2seq tab is there for an encoder–decoder run only', { skip }, async () => {
  const page = await session.blank('dark');
  const text: RunView = { ...runView(), id: 'txt', info: { ...runView().info, id: 'txt', task: 'text', probeTargetTokens: undefined, errorRateName: undefined, probeTokens: ['a'] } };
  await postFromHost(page, { type: 'init', panelKind: 'run', runs: [text], pending: [] });
  await page.waitForSelector('#seqlab-dashboard[data-state="ready"]');
  assert.equal(await page.isVisible('vscode-tab-header.tab-seq2seq'), false);
  await postFromHost(page, { type: 'init', panelKind: 'run', runs: [runView()], pending: [] });
  await page.waitForSelector('vscode-tab-header.tab-seq2seq', { state: 'visible' });
  await page.close();
});

test('attention: target × source with both token strings on the axes, the weight under the pointer, a 0…1 legend', { skip }, async () => {
  const { page } = await seq2seqPage();
  const texts: string[] = await page.evaluate(() => window.__texts);
  for (const tok of [...SOURCE, '</s>']) assert.ok(texts.includes(tok), `token ${tok} drawn on an axis`);
  assert.ok(texts.includes('source token') && texts.includes('target (decoder step)'), 'both axes say what they hold');
  assert.equal(await page.getAttribute('#s2s-att-legend', 'data-lo'), '0');
  assert.equal(await page.getAttribute('#s2s-att-legend', 'data-hi'), '1');
  assert.equal(await page.textContent('#s2s-step-label'), 'step 200 (latest)');
  // decoder step 1 writes "t", which is source position 2
  const at = await cellCenter(page, '#s2s-att-canvas', 1, 2, T, S);
  await page.mouse.move(at.x, at.y);
  await page.waitForSelector('#s2s-att-readout .att-value');
  assert.equal(await page.textContent('#s2s-att-readout .att-value'), '0.85');
  assert.equal(await page.textContent('#s2s-att-readout .att-target'), '“t”');
  assert.equal(await page.textContent('#s2s-att-readout .att-source'), '“t”');
  const off = await cellCenter(page, '#s2s-att-canvas', 4, 3, T, S);
  await page.mouse.move(off.x, off.y);
  await page.waitForFunction(() => document.querySelector('#s2s-att-readout .att-value')?.textContent === '0.05');
  assert.match(await page.textContent('#s2s-att-readout') ?? '', /decoder step 4 writing “<\/s>” looks at source position 3 “s” with weight 0.05/);
  // the range of the data: 0 … 0.85
  await page.evaluate(() => { const s = document.querySelector('#s2s-att-range'); s.value = 'data'; s.dispatchEvent(new Event('change')); });
  await page.waitForFunction(() => document.querySelector('#s2s-att-legend').dataset.hi === '0.85');
  assert.match(await page.textContent('#s2s-att-legend .scale-caption') ?? '', /0…0.85 \(the largest weight\)/);
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  await page.close();
});

test('the snapshot slider: an older snapshot is asked of the host, and drawn when it comes', { skip }, async () => {
  const { page } = await seq2seqPage();
  await page.evaluate(() => { const s = document.querySelector('#s2s-step'); s.value = '0'; s.dispatchEvent(new Event('input')); });
  await page.waitForFunction(() => window.__posted.some((m: any) => m.type === 'requestSnapshot' && m.step === 100));
  await postFromHost(page, { type: 'diagnostics', runId: 'rev', snapshot: snapshot(100) });
  await page.waitForFunction(() => document.querySelector('#s2s-step-label').textContent === 'step 100');
  await page.close();
});

test('states on one time axis, and the step-through: source tokens, the hand-over, decoder steps', { skip }, async () => {
  const { page } = await seq2seqPage();
  const texts: string[] = await page.evaluate(() => window.__texts);
  assert.ok(texts.includes('⇒'), 'the hand-over column is labelled');
  assert.deepEqual(await page.locator('#s2s-walk-tokens .s2s-tok').allTextContents(), [...SOURCE, '⇒', ...TARGET]);
  // a cell of the encoder: position 2, unit 3 = 0.2 + 0.03; of the decoder: step 1, any unit = -0.1
  const enc = await cellCenter(page, '#s2s-states-canvas', 3, 2, He, S + 1 + T);
  await page.mouse.move(enc.x, enc.y);
  await page.waitForFunction(() => document.querySelector('#s2s-states-readout .tip-value')?.textContent === '0.23');
  assert.match(await page.textContent('#s2s-states-readout') ?? '', /unit 3 · encoder, source position 2 “t”/);
  const dec = await cellCenter(page, '#s2s-states-canvas', 0, S + 2, He, S + 1 + T);
  await page.mouse.move(dec.x, dec.y);
  await page.waitForFunction(() => document.querySelector('#s2s-states-readout .tip-value')?.textContent === '-0.1');
  const unitBeyondDecoder = await cellCenter(page, '#s2s-states-canvas', 5, S + 2, He, S + 1 + T);
  await page.mouse.move(unitBeyondDecoder.x, unitBeyondDecoder.y);
  await page.waitForFunction(() => document.querySelector('#s2s-states-readout .tip-value')?.textContent === 'no value');

  const stop = () => page.getAttribute('#s2s-walk-caption', 'data-stop');
  await page.click('#s2s-walk-next');
  assert.equal(await stop(), 'encode:0');
  assert.equal(await page.textContent('#s2s-walk-caption'), 'Encoder reads “c” (source position 0) → its state h_0');
  assert.equal(await page.textContent('#s2s-walk-tokens .s2s-tok.current'), 'c');
  for (let i = 1; i <= S; i++) await page.click('#s2s-walk-next');
  assert.equal(await stop(), 'handOver');
  await page.click('#s2s-walk-next');
  assert.equal(await stop(), 'decode:0');
  assert.equal(await page.textContent('#s2s-walk-caption'), 'Decoder step 0 reads “<s>” → state s_0 → emits “s”');
  // the source coloured by this step's attention: "s" (position 3) holds 0.85
  assert.equal(await page.getAttribute('#s2s-walk-tokens .s2s-tok[data-col="3"]', 'title'), 'attention 0.85');
  await page.click('#s2s-walk-back');
  assert.equal(await stop(), 'handOver');
  // play runs to the last decoder step by itself and stops there
  await page.click('#s2s-walk-play');
  await page.waitForFunction((last: string) => document.querySelector('#s2s-walk-caption').dataset.stop === last, `decode:${T - 1}`, { timeout: 30_000 });
  await page.waitForFunction(() => document.querySelector('#s2s-walk-play').textContent === '▶ Play');
  await page.close();
});

test('with reverseSource the step-through walks the source as the encoder reads it, back to front, and says so', { skip }, async () => {
  const { page } = await openSeq2seqPage(session, { info: { reverseSource: true } });
  assert.match(await page.textContent('#s2s-walk-caption') ?? '', /4 source tokens as the encoder reads them, back to front \(reverseSource\)/);
  assert.deepEqual(await page.locator('#s2s-walk-tokens .s2s-tok').allTextContents(), [...SOURCE, '⇒', ...TARGET], 'the strip keeps the written order');
  const seen: Array<[string | null, string | null, string | null]> = [];
  for (let i = 0; i <= S + 1; i++) {
    await page.click('#s2s-walk-next');
    seen.push([await page.getAttribute('#s2s-walk-caption', 'data-stop'), await page.textContent('#s2s-walk-tokens .s2s-tok.current'), await page.getAttribute('#s2s-states-canvas', 'data-marked-cols')]);
  }
  assert.deepEqual(seen, [
    ['encode:3', 's', '3'], ['encode:2', 't', '2'], ['encode:1', 'a', '1'], ['encode:0', 'c', '0'], ['handOver', '⇒', '4'], ['decode:0', 's', '5'],
  ]);
  await page.click('#s2s-walk-first');
  assert.equal(await page.textContent('#s2s-walk-caption'), 'Encoder reads “s” (source position 3, read 1 of 4: it reads back to front) → its state h_3');
  for (let i = 0; i < S; i++) await page.click('#s2s-walk-next');
  assert.equal(await page.textContent('#s2s-walk-caption'), 'The encoder\'s final state h_0 is handed to the decoder as its initial state');
  await page.close();
});

test('gradient norms over source positions and decoder steps: labelled axes, log y over a wide range, a readout with tokens', { skip }, async () => {
  const { page } = await seq2seqPage();
  await page.waitForFunction(() => document.querySelector('#s2s-grad-enc').dataset.yTicks);
  const yTicks = (await page.getAttribute('#s2s-grad-enc', 'data-y-ticks'))!.split('|');
  assert.ok(yTicks.some((t) => /1e-4|0\.0001|10⁻⁴/.test(t)), `log ticks reach 1e-4: ${yTicks.join(' ')}`);
  await page.waitForFunction(() => document.querySelector('#s2s-grad-dec').dataset.yTicks);
  assert.ok(!(await page.getAttribute('#s2s-grad-dec', 'data-y-ticks'))!.includes('e-'), 'the decoder\'s norms (0.1 … 0.5) on a linear axis');
  const texts: string[] = await page.evaluate(() => window.__texts);
  for (const label of ['source position s', 'decoder step t']) assert.ok(texts.some((t) => t.includes(label)), `x axis "${label}"`);
  const box = (await page.locator('#s2s-grad-dec .u-over').boundingBox())!;
  await page.mouse.move(0, 0);
  await page.mouse.move(box.x + box.width * 0.999, box.y + box.height / 2);
  await page.waitForSelector('#s2s-grad-dec .readout:not([hidden])');
  const cells = await page.locator('#s2s-grad-dec .readout tr').evaluateAll((rows: any[]) => rows.map((r) => [...r.children].map((c: any) => c.textContent)));
  assert.ok(cells.some((row: string[]) => row.includes('0.1') && row.includes('“</s>”')), JSON.stringify(cells));
  await page.close();
});

test('try it: the typed text goes to the host as a translate request; the hypotheses with probabilities and the attention come back', { skip }, async () => {
  const { page, asked } = await seq2seqPage('light');
  await page.fill('#s2s-try-text input', 'dog');
  await page.evaluate(() => { for (const [id, v] of [['#s2s-try-beam', '3'], ['#s2s-try-top', '3']]) { const s = document.querySelector(id); s.value = v; s.dispatchEvent(new Event('change')); } });
  await page.click('#s2s-try-go');
  await page.waitForSelector('#s2s-try-status[data-state="done"]');
  // typing and each changed setting ask again (the box translates live); the answer shown is the last one's
  assert.ok(asked.every((m) => m.source === 'dog' && m.runId === 'rev'));
  assert.deepEqual((({ beam, top }) => ({ beam, top }))(asked.at(-1)!), { beam: 3, top: 3 });
  assert.deepEqual(await page.locator('#s2s-try-result .s2s-hyp-text').allTextContents(), ['god', 'gox', 'dog']);
  assert.match(await page.textContent('#s2s-try-result .s2s-hyp[data-rank="0"]') ?? '', /p = 0\.93/);
  assert.match(await page.textContent('#s2s-try-result .s2s-hyp[data-rank="2"]') ?? '', /p = 2\.0e-6/);
  assert.match(await page.textContent('#s2s-try-status') ?? '', /beam search, width 3 · weights of step 200 · 3 source tokens/);
  // its attention: "g" (step 0) looks at "g" (position 2)
  await page.waitForSelector('#s2s-try-att-canvas[data-plot]');
  const at = await cellCenter(page, '#s2s-try-att-canvas', 0, 2, 4, 3);
  await page.mouse.move(at.x, at.y);
  await page.waitForSelector('#s2s-try-att-readout .att-value');
  assert.equal(await page.textContent('#s2s-try-att-readout .att-value'), '0.9');
  assert.equal(await page.textContent('#s2s-try-att-readout .att-target'), '“g”');
  await page.screenshot({ path: path.join(outDir, 'seq2seq-try-light.png'), fullPage: true });
  // an engine failure says why; greedy asks for one hypothesis
  await page.fill('#s2s-try-text input', 'fail');
  await page.evaluate(() => { const s = document.querySelector('#s2s-try-beam'); s.value = '1'; s.dispatchEvent(new Event('change')); });
  await page.press('#s2s-try-text input', 'Enter');
  await page.waitForSelector('#s2s-try-status[data-state="failed"]');
  assert.equal(await page.textContent('#s2s-try-status'), 'Run rev has no weights yet.');
  assert.deepEqual({ source: asked.at(-1)!.source, beam: asked.at(-1)!.beam, top: asked.at(-1)!.top }, { source: 'fail', beam: 1, top: 1 });
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  await page.close();
});

test('the Loss tab: exact match, CER and token accuracy per evaluation under the loss chart, with a readout', { skip }, async () => {
  const page = await session.blank('dark');
  await postFromHost(page, { type: 'init', panelKind: 'run', runs: [runView()], pending: [] });
  await page.evaluate(() => {
    const f = (xs: number[]) => Float64Array.from(xs);
    const steps = f([1, 50, 100, 150, 200]);
    window.postMessage({ type: 'metrics', runId: 'rev', columns: {
      steps: { step: steps, epoch: f([0, 0, 0, 1, 1]), time: f([0.1, 1, 2, 3, 4]), loss: f([3, 2, 1, 0.5, 0.2]), gradNorm: f([1, 1, 1, 1, 1]), clipped: new Uint8Array(5) },
      evals: { step: f([100, 200]), epoch: f([0, 1]), time: f([2, 4]), loss: f([1.1, 0.3]), accuracy: f([0.6, 0.95]), exactMatch: f([0.25, 0.875]), errorRate: f([0.4, 0.031]) },
      samples: [] } }, '*');
  });
  await page.waitForSelector('#scores-section:not([hidden])');
  await page.waitForFunction(() => document.querySelector('#scores-chart').dataset.xTicks);
  const box = (await page.locator('#scores-chart .u-over').boundingBox())!;
  await page.mouse.move(0, 0);
  await page.mouse.move(box.x + box.width - 2, box.y + box.height / 2);
  await page.waitForSelector('#scores-chart .readout:not([hidden])');
  const head = await page.locator('#scores-chart .readout th').allTextContents();
  assert.ok(head.includes('CER') && head.includes('Exact match'), head.join(' | '));
  const cells = await page.locator('#scores-chart .readout td').allTextContents();
  for (const v of ['87.5 %', '3.1 %', '95.0 %', '200']) assert.ok(cells.includes(v), `${v} in ${cells.join(' | ')}`);
  // the key: each score's name and dash (as drawn), a toggle that hides it for every run
  assert.deepEqual(await page.locator('#scores-key .legend-entry').allTextContents(), ['Exact match', 'CER', 'Token acc.']);
  assert.deepEqual(await page.locator('#scores-key line').evaluateAll((ls) => ls.map((l) => l.getAttribute('stroke-dasharray'))), [null, '6 3', '2 3']);
  const shown = () => page.getAttribute('#scores-chart', 'data-shown');
  assert.equal(await shown(), 'reverse exact match|reverse CER|reverse token accuracy');
  await page.locator('#scores-section').screenshot({ path: path.join(outDir, 'seq2seq-scores-dark.png') });
  await page.click('#scores-key [data-score="errorRate"]');
  await page.waitForFunction(() => document.querySelector('#scores-chart').dataset.shown === 'reverse exact match|reverse token accuracy');
  assert.equal(await page.getAttribute('#scores-key [data-score="errorRate"]', 'aria-pressed'), 'false');
  await page.click('#scores-key [data-score="errorRate"]');
  await page.waitForFunction(() => document.querySelector('#scores-chart').dataset.shown === 'reverse exact match|reverse CER|reverse token accuracy');
  // a text run has no decoding scores: no section
  await postFromHost(page, { type: 'init', panelKind: 'run', runs: [{ ...runView(), id: 'txt', info: { ...runView().info, id: 'txt', errorRateName: undefined, probeTargetTokens: undefined } }], pending: [] });
  await page.waitForSelector('#scores-section[hidden]', { state: 'attached' });
  await page.close();
});

test('the Loss tab: a word-level run adds BLEU and chrF (0–100) to the scores and their readout', { skip }, async () => {
  const page = await session.blank('dark');
  await postFromHost(page, { type: 'init', panelKind: 'run', runs: [{ ...runView(), info: { ...runView().info, errorRateName: 'PER' } }], pending: [] });
  await page.evaluate(() => {
    const f = (xs: number[]) => Float64Array.from(xs);
    const steps = f([1, 100, 200]);
    window.postMessage({ type: 'metrics', runId: 'rev', columns: {
      steps: { step: steps, epoch: f([0, 0, 1]), time: f([0.1, 2, 4]), loss: f([3, 1, 0.2]), gradNorm: f([1, 1, 1]), clipped: new Uint8Array(3) },
      evals: { step: f([100, 200]), epoch: f([0, 1]), time: f([2, 4]), loss: f([1.1, 0.3]), accuracy: f([0.6, 0.95]), exactMatch: f([0.25, 0.5]), errorRate: f([0.4, 0.2]), bleu: f([12.25, 38.5]), chrF: f([30, 61.75]) },
      samples: [] } }, '*');
  });
  await page.waitForSelector('#scores-section:not([hidden])');
  await page.waitForFunction(() => document.querySelector('#scores-chart').dataset.yTicks);
  // the y axis runs to 100: BLEU and chrF share it with the fractions shown as percent
  const yTicks = (await page.getAttribute('#scores-chart', 'data-y-ticks'))!.split('|').map(Number);
  assert.ok(Math.max(...yTicks) >= 60, `y ticks reach the chrF of 61.75: ${yTicks}`);
  const box = (await page.locator('#scores-chart .u-over').boundingBox())!;
  await page.mouse.move(0, 0);
  await page.mouse.move(box.x + box.width - 2, box.y + box.height / 2);
  await page.waitForSelector('#scores-chart .readout:not([hidden])');
  const head = await page.locator('#scores-chart .readout th').allTextContents();
  for (const c of ['Exact match', 'PER', 'BLEU', 'chrF']) assert.ok(head.includes(c), `${c} in ${head.join(' | ')}`);
  const cells = await page.locator('#scores-chart .readout td').allTextContents();
  for (const v of ['50.0 %', '20.0 %', '38.5', '61.8', '200']) assert.ok(cells.includes(v), `${v} in ${cells.join(' | ')}`);
  await page.close();
});

test('a real run: trained by the CLI, read from its folder, translated by the engine (screenshot)', { skip }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-s2s-'));
  const config = path.join(dir, 'reverse.seqlab.json');
  fs.writeFileSync(config, JSON.stringify({
    name: 'reverse',
    data: { kind: 'synthetic-pairs', task: 'reverse', minLength: 7, maxLength: 9, samples: 4000 },
    validationSplit: 0.1,
    model: { kind: 'seq2seq', cell: 'gru', hiddenSize: 32, embeddingSize: 16, attention: 'additive' },
    training: { maxSteps: 800, batchSize: 32, learningRate: 0.01, validateEvery: 200 },
    decoding: { beamWidth: 3, beamPairs: 50 },
    diagnostics: { every: 200 },
  }));
  execFileSync(process.execPath, [path.join(root, 'dist/cli.js'), 'train', config, '--runs-dir', path.join(dir, 'runs'), '--threads', '1'], { cwd: dir, stdio: 'ignore' });
  const { listRuns } = await import('../../src/runs/runReader');
  const { toRunView, readSnapshot, runMetricColumns } = await import('../../src/extension/dashboard/runViews');
  const { translateRun } = await import('../../src/trainer/translateRun');
  const [run] = await listRuns(path.join(dir, 'runs'));
  const view = await toRunView(run, 0);
  const page = await session.blank('dark', { width: 1000, height: 1500 });
  const answers = new Map<number, TranslateResult>();
  await page.exposeBinding('__seqlabHost', async (_source: unknown, m: WebviewToHost) => {
    if (m.type !== 'translate') return;
    const result = await translateRun({ runsDir: path.join(dir, 'runs'), run: run.dir, sources: [m.source], beam: m.beam, top: m.top, attention: true, ...(m.steps && { trace: m.steps }) });
    answers.set(m.id, result);
    await page.evaluate((r: unknown) => window.postMessage(r, '*'), { type: 'translated', id: m.id, runId: m.runId, result });
  });
  await page.evaluate(() => { window.__onPost = (m: unknown) => window.__seqlabHost(m); });
  await page.evaluate((m: unknown) => window.postMessage(m, '*'), { type: 'init', panelKind: 'run', runs: [view], pending: [] });
  for await (const columns of runMetricColumns(run)) await page.evaluate((m: unknown) => window.postMessage(m, '*'), { type: 'metrics', runId: run.id, columns });
  const snap = (await readSnapshot(run))!;
  await page.evaluate((m: unknown) => window.postMessage(m, '*'), { type: 'diagnostics', runId: run.id, snapshot: snap });
  await page.click('.tab-seq2seq');
  await page.waitForSelector('#s2s-att-canvas[data-plot]');
  for (let i = 0; i <= (view.info.probeTokens?.length ?? 0) + 2; i++) await page.click('#s2s-walk-next');
  await page.fill('#s2s-try-text input', 'language');
  await page.evaluate(() => { for (const [id, v] of [['#s2s-try-beam', '3'], ['#s2s-try-top', '3']]) { const s = document.querySelector(id); s.value = v; s.dispatchEvent(new Event('change')); } });
  await page.click('#s2s-try-go');
  await page.waitForSelector('#s2s-try-status[data-state="done"]', { timeout: 60_000 });
  assert.equal(await page.textContent('#s2s-try-result .s2s-hyp[data-rank="0"] .s2s-hyp-text'), 'egaugnal', 'the trained model reverses what it is given');
  // the engine's trace as drawn: the best hypothesis's steps in the table, a node per entry of the tree, its path marked
  const shown = answers.get(await page.evaluate(() => window.__posted.filter((m: any) => m.type === 'translate').at(-1).id))!.translations[0];
  const best = shown.hypotheses[0];
  assert.deepEqual(await page.locator('#s2s-steps tbody td.taken .s2s-cand-token').allTextContents(), best.finished ? [...best.tokens, '</s>'] : best.tokens);
  assert.equal(await page.locator('#s2s-tree .bt-node').count(), shown.beamTree!.length);
  const bestPath: number[] = [];
  for (let n = best.node!; n >= 0; n = shown.beamTree![n].parent) bestPath.unshift(n);
  assert.deepEqual(await page.locator('#s2s-tree .bt-node.on-path').evaluateAll((gs: any[]) => gs.map((g) => Number(g.dataset.id)).sort((a, b) => a - b)), bestPath);
  await nextFrames(page);
  await page.screenshot({ path: path.join(outDir, 'seq2seq-real.png'), fullPage: true });
  await page.click('.tab-loss');
  await page.waitForSelector('#scores-section:not([hidden])');
  await page.waitForFunction(() => document.querySelector('#scores-chart').dataset.yTicks);
  await page.screenshot({ path: path.join(outDir, 'seq2seq-real-loss.png'), fullPage: true });
  await page.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the Output tab of an encoder–decoder: every validation pair of an evaluation, source → output and the target where it erred; no Generate', { skip }, async () => {
  const page = await session.blank('dark');
  await postFromHost(page, { type: 'init', panelKind: 'run', runs: [runView()], pending: [] });
  const sample = (prime: string, text: string, reference: string, beam?: string) => ({ kind: 'sample', step: 200, temperature: 0, prime, text, reference, ...(beam !== undefined && { beam }) });
  await page.evaluate((samples: unknown[]) => {
    const f = (xs: number[]) => Float64Array.from(xs);
    window.postMessage({ type: 'metrics', runId: 'rev', columns: {
      steps: { step: f([1, 200]), epoch: f([0, 1]), time: f([0.1, 4]), loss: f([3, 0.2]), gradNorm: f([1, 1]), clipped: new Uint8Array(2) },
      evals: { step: f([200]), epoch: f([1]), time: f([4]), loss: f([0.3]), accuracy: f([0.95]) },
      samples } }, '*');
  }, [sample('abc', 'cba', 'cba', 'cba'), sample('dog', 'gdo', 'god', 'god'), sample('xyz', 'zyx', 'zyx')]);
  await page.click('.tab-output');
  await page.waitForSelector('#samples .sample');
  const texts = (await page.locator('#samples .sample-text').allTextContents()).map((t) => t.trim());
  assert.deepEqual(texts, ['abc → cba ✓', 'dog → gdo\n  target: god\n  beam search: god ✓', 'xyz → zyx ✓'], 'one entry per pair decoded at step 200');
  assert.equal(await page.isVisible('#generate-button'), false, 'an encoder–decoder writes for a source; it continues no prime');
  await page.close();
});

test('the Loss tab: the decoding scores\' y-axis title fits on its chart (it was cut off at the top)', { skip }, async () => {
  const page = await session.blank('dark', { width: 1100, height: 860 });
  // where each text drawn on a canvas runs, vertically, in the canvas's pixels (rotated axis titles run along y)
  await page.evaluate(() => {
    window.__extents = [];
    const proto = window.CanvasRenderingContext2D.prototype;
    const fill = proto.fillText;
    proto.fillText = function (text: string, x: number, y: number, ...rest: unknown[]) {
      const w = this.measureText(text).width;
      const [x0, x1] = this.textAlign === 'center' ? [x - w / 2, x + w / 2] : this.textAlign === 'right' || this.textAlign === 'end' ? [x - w, x] : [x, x + w];
      const t = this.getTransform();
      const ys = [x0, x1].map((px) => t.b * px + t.d * y + t.f);
      window.__extents.push({ text: String(text), top: Math.min(...ys), bottom: Math.max(...ys), height: this.canvas.height, id: this.canvas.closest('[id]')?.id });
      return fill.call(this, text, x, y, ...rest);
    };
  });
  await postFromHost(page, { type: 'init', panelKind: 'run', runs: [{ ...runView(), info: { ...runView().info, errorRateName: 'PER' } }], pending: [] });
  await page.evaluate(() => {
    const f = (xs: number[]) => Float64Array.from(xs);
    window.postMessage({ type: 'metrics', runId: 'rev', columns: {
      steps: { step: f([1, 100, 200]), epoch: f([0, 0, 1]), time: f([0.1, 2, 4]), loss: f([3, 1, 0.2]), gradNorm: f([1, 1, 1]), clipped: new Uint8Array(3) },
      evals: { step: f([100, 200]), epoch: f([0, 1]), time: f([2, 4]), loss: f([1.1, 0.3]), accuracy: f([0.6, 0.95]), exactMatch: f([0.25, 0.5]), errorRate: f([0.4, 0.2]), bleu: f([12.25, 38.5]), chrF: f([30, 61.75]) },
      samples: [] } }, '*');
  });
  await page.waitForSelector('#scores-section:not([hidden])');
  await page.waitForFunction(() => document.querySelector('#scores-chart').dataset.yTicks);
  const titles = await page.evaluate(() => window.__extents.filter((e: any) => e.id === 'scores-chart' && /BLEU/.test(e.text)));
  assert.ok(titles.length > 0, 'the y-axis title is drawn');
  for (const e of titles) assert.ok(e.top >= 0 && e.bottom <= e.height, `"${e.text}" runs from y ${Math.round(e.top)} to ${Math.round(e.bottom)} on a canvas ${e.height} px high`);
  await page.close();
});

test('the attention map of word targets: each row label starts right of the rotated "target (decoder step)" title', { skip }, async () => {
  const words = ['seven', 'hundred', 'seventeen', 'eighty', '</s>'];
  const { page } = await openSeq2seqPage(session, { info: { probeTargetTokens: words } });
  // where each text drawn on the attention canvas starts and ends across (labels are drawn unrotated, right-aligned)
  await page.evaluate(() => {
    window.__spans = [];
    const proto = window.CanvasRenderingContext2D.prototype;
    const fill = proto.fillText;
    proto.fillText = function (text: string, x: number, y: number, ...rest: unknown[]) {
      const t = this.getTransform();
      if (this.canvas.id === 's2s-att-canvas') window.__spans.push({ text: String(text), align: this.textAlign, x: t.a * x + t.c * y + t.e, w: this.measureText(text).width * t.a, rotated: t.b !== 0 });
      return fill.call(this, text, x, y, ...rest);
    };
  });
  // a walk stop outlines a row: its label is drawn bold with a ▸, the widest it gets
  await page.click('#s2s-walk-next');
  await page.click('#s2s-walk-next');
  await page.waitForFunction(() => window.__spans.some((s: any) => s.rotated));
  const spans = await page.evaluate(() => window.__spans);
  const title = spans.find((s: any) => s.rotated && /target/.test(s.text));
  assert.ok(title, 'the row title is drawn');
  for (const s of spans.filter((x: any) => !x.rotated && x.align === 'right' && words.some((w) => x.text.endsWith(w))))
    assert.ok(s.x - s.w > title.x + 1, `"${s.text}" starts at x ${Math.round(s.x - s.w)}, under the title's baseline at x ${Math.round(title.x)}`);
  await page.close();
});
