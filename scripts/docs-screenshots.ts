// Regenerates the dashboard screenshots in docs/images from real runs: trains small configs with the CLI
// (one thread, a few seconds to a minute each), feeds each run folder to the dashboard bundle in headless
// Chromium as the extension host's panel does (init, metric columns, gradient history, latest snapshot;
// src/extension/dashboard/dashboardPanels.ts `load`), points at the charts so their readouts show, and
// saves the PNGs. `npm run docs:images`; `-- --runs-dir DIR` keeps the runs there and reuses those found.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generatedMessage } from '../src/extension/engine/sampleText';
import type { RunSummary } from '../src/runs/runReader';
import type { WebviewToHost } from '../src/shared/webviewProtocol';
import { nextFrames, type Page, type Session, startSession, tab } from '../test/browser/dashboardPage';

// these run inside the page (page.evaluate); the root tsconfig has no DOM lib
declare const window: any;
declare const document: any;

const root = path.resolve(__dirname, '..');
const images = path.join(root, 'docs/images');
const examples = path.join(root, 'examples');
const WIDTH = 1100;

/** The configs trained for the pictures, by name; each trained once per cell listed. */
const CONFIGS: Record<string, { cells: string[]; config: object }> = {
  // a char LM on the 4 KB story: long enough for the validation loss to bottom out and turn up
  'lighthouse-char': {
    cells: ['rnn', 'lstm', 'gru'],
    config: {
      name: 'lighthouse-char',
      data: { kind: 'text', path: path.join(examples, 'lighthouse.txt'), level: 'char' },
      validationSplit: 0.1,
      model: { hiddenSize: 64, embeddingSize: 16 },
      training: { epochs: 1000, maxSteps: 1500, batchSize: 16, sequenceLength: 48, learningRate: 0.005, clipping: { globalNorm: 5 }, validateEvery: 50 },
      diagnostics: { every: 100, probe: { text: 'The keeper climbed the stairs to the lamp, and the wind' }, sampleTemperatures: [0.6], sampleLength: 200 },
    },
  },
  // the adding problem at T = 50: the gated cells solve it in a few hundred steps, the RNN's gradients vanish
  adding: {
    cells: ['rnn', 'lstm', 'gru'],
    config: {
      name: 'adding',
      data: { kind: 'synthetic', task: 'adding', length: 50, samples: 10000 },
      model: { hiddenSize: 32, forgetBias: 1 },
      training: { maxSteps: 3000, batchSize: 32, learningRate: 0.003, clipping: { globalNorm: 1 }, validateEvery: 100 },
      diagnostics: { every: 100, probe: { validationIndex: 0 } },
    },
  },
  'daily-visitors': {
    cells: ['gru'],
    config: {
      name: 'daily-visitors',
      data: { kind: 'csv', path: path.join(examples, 'daily-visitors.csv'), features: ['visitors'], targets: ['visitors'], dateColumns: ['date'], dateHandling: 'parse', lookback: 28, horizon: 1 },
      validationSplit: 0.2,
      model: { hiddenSize: 32 },
      training: { epochs: 200, batchSize: 16, learningRate: 0.003, validateEvery: 25 },
      diagnostics: { every: 25, probe: { validationIndex: 0 } },
    },
  },
};

async function trainedRuns(runsDir: string): Promise<Map<string, RunSummary>> {
  const { listRuns } = await import('../src/runs/runReader');
  const key = (r: RunSummary) => `${r.meta.info.name}:${r.meta.info.cell}`;
  const have = new Map((await listRuns(runsDir)).filter((r) => r.status.kind === 'finished').map((r) => [key(r), r]));
  for (const [name, { cells, config }] of Object.entries(CONFIGS)) {
    const file = path.join(runsDir, `${name}.seqlab.json`);
    fs.writeFileSync(file, JSON.stringify(config, null, 2));
    for (const cell of cells) {
      if (have.has(`${name}:${cell}`)) continue;
      console.log(`training ${name} · ${cell}`);
      execFileSync(process.execPath, [path.join(root, 'dist/cli.js'), 'train', file, '--cell', cell, '--runs-dir', runsDir, '--threads', '1'], { cwd: runsDir, stdio: 'ignore' });
    }
  }
  return new Map((await listRuns(runsDir)).map((r) => [key(r), r]));
}

/** A dashboard page fed `runs` as the panel's host feeds it; it answers snapshot requests from the run folders and Generate with `seqlab sample`. */
async function dashboard(session: Session, runs: RunSummary[], height: number): Promise<Page> {
  const { toRunView, readSnapshot, readGradientHistory, runMetricColumns } = await import('../src/extension/dashboard/runViews');
  const page = await session.blank('dark', { width: WIDTH, height });
  const post = (m: unknown) => page.evaluate((msg: unknown) => window.postMessage(msg, '*'), m);
  await page.exposeBinding('__seqlabHost', async (_source: unknown, m: WebviewToHost) => {
    const run = runs.find((r) => 'runId' in m && r.id === m.runId);
    if (!run) return;
    if (m.type === 'requestSnapshot') {
      const snapshot = await readSnapshot(run, m.step);
      if (snapshot) await post({ type: 'diagnostics', runId: m.runId, snapshot });
    } else if (m.type === 'generate') {
      const ask = { runId: m.runId, prime: m.prime, temperature: m.temperature, length: m.length };
      const text = execFileSync(process.execPath, [path.join(root, 'dist/cli.js'), 'sample', run.dir, '--prime', m.prime, '--temperature', String(m.temperature), '--length', String(m.length), '--seed', '1'], { encoding: 'utf8' });
      await post(generatedMessage(ask, text.replace(/\n$/, '')));
    }
  });
  await page.evaluate(() => { window.__onPost = (m: unknown) => window.__seqlabHost(m); });
  const views = await Promise.all(runs.map((r, i) => toRunView(r, i)));
  await post({ type: 'init', panelKind: runs.length > 1 ? 'comparison' : 'run', runs: views, pending: [] });
  for (const run of runs) {
    for await (const columns of runMetricColumns(run)) await post({ type: 'metrics', runId: run.id, columns });
    const history = await readGradientHistory(run);
    if (history.steps.length > 0) await post({ type: 'gradientHistory', runId: run.id, ...history });
    const snapshot = await readSnapshot(run);
    if (snapshot) await post({ type: 'diagnostics', runId: run.id, snapshot });
  }
  await page.waitForFunction(() => document.querySelector('#loss-chart')?.dataset.xTicks);
  await nextFrames(page);
  return page;
}

/** Point at (fx, fy) of a chart's plot so that its readout follows. */
async function pointAt(page: Page, chart: string, fx: number, fy = 0.5): Promise<void> {
  const box = (await page.locator(`${chart} .u-over`).boundingBox())!;
  await page.mouse.move(0, 0);
  await page.mouse.move(box.x + box.width * fx, box.y + box.height * fy);
  await page.waitForSelector(`${chart} .readout:not([hidden])`);
}

/** Set a vscode-single-select as a person's pick does (its change event). */
async function choose(page: Page, selector: string, value: string): Promise<void> {
  await page.evaluate(({ sel, v }: { sel: string; v: string }) => {
    const s = document.querySelector(sel);
    s.value = v;
    s.dispatchEvent(new Event('change'));
  }, { sel: selector, v: value });
  await nextFrames(page);
}

/** The page from its top down to the bottom of `last` (plus a margin), at most `maxHeight` pixels. */
async function shoot(page: Page, name: string, last: string, maxHeight = Infinity): Promise<void> {
  const box = (await page.locator(last).boundingBox())!;
  const file = path.join(images, name);
  await page.screenshot({ path: file, fullPage: true, clip: { x: 0, y: 0, width: WIDTH, height: Math.min(maxHeight, Math.ceil(box.y + box.height + 16)) } });
  console.log(`${path.relative(root, file)}: ${(fs.statSync(file).size / 1024).toFixed(0)} KB`);
}

async function main(): Promise<void> {
  const at = process.argv.indexOf('--runs-dir');
  const runsDir = at > 0 ? path.resolve(process.argv[at + 1]) : fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-docs-'));
  fs.mkdirSync(runsDir, { recursive: true });
  const runs = await trainedRuns(runsDir);
  const pick = (name: string, ...cells: string[]) => cells.map((c) => {
    const run = runs.get(`${name}:${c}`);
    if (!run) throw new Error(`No finished run of ${name} · ${c} in ${runsDir}: train it with \`node dist/cli.js train ${path.join(runsDir, `${name}.seqlab.json`)} --cell ${c} --runs-dir ${runsDir}\` to see why.`);
    return run;
  });
  const session = await startSession();
  try {
    // compare.png: three cells on the adding problem, their headers and loss curves against "predict 0.5"
    let page = await dashboard(session, pick('adding', 'rnn', 'lstm', 'gru'), 900);
    await page.click('#log-y');
    await nextFrames(page);
    await shoot(page, 'compare.png', '#loss-chart + .hint');
    await page.close();

    // loss.png: the char LM's three cells with the readout under the pointer, validation markers, unigram baseline
    page = await dashboard(session, pick('lighthouse-char', 'rnn', 'lstm', 'gru'), 900);
    await pointAt(page, '#loss-chart', 0.3, 0.5);
    await shoot(page, 'loss.png', '#loss-chart + .hint');
    await page.close();

    // hidden.png: the LSTM's cell states over the probe text, with the legend and a cell's tooltip
    page = await dashboard(session, pick('lighthouse-char', 'lstm'), 900);
    await tab(page, 1);
    await choose(page, '#hs-state', 'c');
    const [left, top, width, height] = (await page.getAttribute('#heatmap-canvas', 'data-plot'))!.split(',').map(Number);
    const canvas = (await page.locator('#heatmap-canvas').boundingBox())!;
    const cell = (fx: number, fy: number) => [canvas.x + left + width * fx, canvas.y + top + height * fy] as const;
    // units by variance: the busiest on top, the first of them outlined, the probe coloured by it and its line under the map
    await choose(page, '#hs-sort', 'variance');
    await page.mouse.click(...cell(0.5, 0.01));
    await page.waitForSelector('#unit-chart:not([hidden])');
    await page.mouse.move(...cell(0.42, 0.55));
    await page.waitForSelector('#heatmap-tooltip:not([hidden])');
    await shoot(page, 'hidden.png', '#unit-chart');
    // samples.png: Generate from the last weights (as `seqlab sample`), then the samples taken at evaluations
    await tab(page, 3);
    await page.fill('#generate-prime input', 'The keeper ');
    await page.fill('#generate-temperature', '0.6');
    await page.click('#generate-button');
    await page.waitForFunction(() => document.querySelector('#generated-text')?.textContent.length > 40);
    await shoot(page, 'samples.png', '#samples', 900);
    await page.close();

    // gradients.png: RNN and LSTM on the adding problem, the RNN's history on a scale shared with the LSTM
    page = await dashboard(session, pick('adding', 'rnn', 'lstm'), 1100);
    await tab(page, 2);
    await choose(page, '#grad-run', runs.get('adding:rnn')!.id);
    await choose(page, '#grad-scale', 'shared');
    // the readout at the first marked position (6 of 1…50)
    await pointAt(page, '#grad-time-chart', 5 / 49, 0.5);
    await shoot(page, 'gradients.png', '.tab-gradients-panel .heatmap-frame');
    await page.close();

    // output.png: the forecast against the actual visitors and the baselines
    page = await dashboard(session, pick('daily-visitors', 'gru'), 900);
    await tab(page, 3);
    await page.waitForSelector('#forecast-chart:not([hidden]) .u-over');
    await pointAt(page, '#forecast-chart', 0.6, 0.5);
    await shoot(page, 'output.png', '#forecast-chart');
    await page.close();
  } finally {
    await session.close();
    if (at < 0) fs.rmSync(runsDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
