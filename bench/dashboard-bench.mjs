// Dashboard speed (issue 15, "Speed"): builds, opens the webview bundle in headless Chromium (harness page,
// same CSP) and prints the three numbers the issue asks for, with what they are made of:
//   1. the first load of a 1 000 000-step run: the host reading the run's metrics into columns (the extension's
//      reader, on a run written by RunWriter: from metrics.steps.bin, and from metrics.jsonl alone as an older
//      SeqLab's run is read), and the webview taking the columns (posted as the host posts them) up to the
//      loss chart's first draw of all of them
//   2. panning 1 000 000 points: redraw work and frame time per frame
//   3. the states of a 2 000-token validation slice of a 2 × 128 LSTM, end to end: the engine (a panel's
//      session child, as the extension asks it: a fresh child, then the same child again) and the webview
//      (the answer posted, the unit plot drawn). Playwright's own transfer of the answer into the page is
//      not counted (it is not VS Code's postMessage); the webview's structured clone of it is.
// Also the heatmap redraw, the bundle size and CSP violations.  Run: node bench/dashboard-bench.mjs
// (--host-only: the host's read alone, no browser; --no-build: without building first)
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
if (!process.argv.includes('--child')) {
  if (!process.argv.includes('--no-build')) execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
  // the TypeScript sources (the metrics reader, the engine client, the trainer) run through tsx
  const r = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', '--import', 'tsx', fileURLToPath(import.meta.url), '--child', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

const { CHROMIUM, feedInPage, launchChromium, startHarness } = await import('./dashboardHarness.mjs');
const { metricColumnChunks } = await import('../src/runs/metricColumnsReader.ts');
const { readStepsFile } = await import('../src/runs/metricsStepsReader.ts');
const { RunWriter } = await import('../src/runs/runWriter.ts');
const { EngineClient } = await import('../src/extension/engine/engineClient.ts');
const { METRICS_CHUNK, STEP_FILE_CHUNK } = await import('../src/extension/dashboard/runViews.ts');
const { train } = await import('../src/trainer/training.ts');

if (!fs.existsSync(CHROMIUM)) {
  console.error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  process.exit(1);
}
const STEPS = 1_000_000;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-dashboard-bench-'));
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];

/**
 * A 1M-step run written by RunWriter (metrics.jsonl in loop.ts's key order, and metrics.steps.bin), losses as
 * float32 values widen, an evaluation every 25 000 steps and, as a live run flushes, a batch every 500 steps.
 */
function writeMetrics(runsDir) {
  const w = RunWriter.create(runsDir, { id: 'metrics-run', name: 'bench', configPath: '/bench.seqlab.json', cell: 'rnn', backend: 'wasm', device: 'bench', seed: 1, paramCount: 1, totalSteps: STEPS, dataSummary: '', task: 'text', gateNames: [] }, '{}');
  const f32 = new Float32Array(1);
  let batch = [];
  for (let s = 1; s <= STEPS; s++) {
    f32[0] = 4.2 * Math.exp(-s / 200_000) + 0.8 + 0.3 * Math.sin(s * 0.37);
    const loss = f32[0];
    f32[0] = 2 + 8 * Math.abs(Math.sin(s * 0.11));
    batch.push({ kind: 'step', step: s, epoch: Math.floor(s / 250_000), time: s * 0.0213, loss, gradNorm: f32[0], clipped: false, learningRate: 0.001 });
    if (s % 25_000 === 0) batch.push({ kind: 'eval', step: s, epoch: Math.floor(s / 250_000), time: s * 0.0213, loss: loss + 0.05 });
    if (batch.length >= 500) {
      w.appendMetrics(batch);
      batch = [];
    }
  }
  w.appendMetrics(batch);
  w.close();
  return w.dir;
}

/**
 * The host's read of the run's metrics into columns, as the dashboard asks for them: the median of 3, wall
 * time and this process's CPU time (which a loaded machine inflates less).
 */
async function hostRead(dir) {
  const times = [], cpu = [];
  let steps = 0;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now(), cpu0 = process.cpuUsage();
    steps = 0;
    for await (const c of metricColumnChunks(dir, METRICS_CHUNK, { stepFileChunk: STEP_FILE_CHUNK })) steps += c.steps.step.length;
    times.push(performance.now() - t0);
    const used = process.cpuUsage(cpu0);
    cpu.push((used.user + used.system) / 1000);
  }
  if (steps !== STEPS) throw new Error(`read ${steps} steps of ${STEPS}`);
  return { ms: median(times), cpuMs: median(cpu) };
}

/** hostRead with the step file and without it (an older SeqLab's run: metrics.jsonl parsed whole). */
async function hostReads(dir) {
  const withFile = await hostRead(dir);
  if (!(await readStepsFile(dir))) throw new Error('the step file was not used');
  const file = path.join(dir, 'metrics.steps.bin');
  fs.renameSync(file, file + '.away');
  const without = await hostRead(dir);
  fs.renameSync(file + '.away', file);
  return { withFile, without };
}

/** A 2 × 128 char LSTM trained a few steps on examples/lighthouse.txt repeated (explorer-bench's run). */
async function explorerRun() {
  const dir = path.join(tmp, 'lstm');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'corpus.txt'), fs.readFileSync(path.join(root, 'examples/lighthouse.txt'), 'utf8').repeat(16));
  fs.writeFileSync(path.join(dir, 'bench.seqlab.json'), JSON.stringify({
    name: 'explorer bench', data: { kind: 'text', path: 'corpus.txt', level: 'char' }, validationSplit: 0.1,
    model: { cell: 'lstm', hiddenSize: 128, layers: 2, embeddingSize: 32 },
    training: { maxSteps: 5, batchSize: 8, sequenceLength: 100, validateEvery: 5, threads: 1 }, diagnostics: { enabled: false },
  }));
  const out = await train({ configPath: path.join(dir, 'bench.seqlab.json'), runsDir: path.join(dir, 'runs') });
  const meta = JSON.parse(fs.readFileSync(path.join(out.runDir, 'meta.json'), 'utf8'));
  return { runDir: out.runDir, view: { id: meta.info.id, colorIndex: 0, seconds: 1, snapshotSteps: [], status: meta.status, info: meta.info } };
}

const metricsDir = writeMetrics(tmp);
const read = await hostReads(metricsDir);
const jsonlMb = (fs.statSync(path.join(metricsDir, 'metrics.jsonl')).size / 2 ** 20).toFixed(0);
const binMb = (fs.statSync(path.join(metricsDir, 'metrics.steps.bin')).size / 2 ** 20).toFixed(0);
const hostLine = `host reads the columns ${read.withFile.ms.toFixed(0)} ms with metrics.steps.bin (${binMb} MB; ${(read.withFile.ms / 500).toFixed(2)}× the 0.5 s target; CPU ${read.withFile.cpuMs.toFixed(0)} ms), ${read.without.ms.toFixed(0)} ms from metrics.jsonl alone (${jsonlMb} MB; ${(read.without.ms / 500).toFixed(2)}×; CPU ${read.without.cpuMs.toFixed(0)} ms)`;
if (process.argv.includes('--host-only')) {
  console.log(`1. first load, 1M-step run: ${hostLine} · load average ${os.loadavg()[0].toFixed(1)}`);
  fs.rmSync(tmp, { recursive: true, force: true });
  process.exit(0);
}
const lstm = await explorerRun();
const bundle = fs.statSync(path.join(root, 'dist/webview.js')).size;
const css = fs.statSync(path.join(root, 'dist/webview.css')).size;
const harness = await startHarness();
const browser = await launchChromium();
const client = new EngineClient({ trainerPath: path.join(root, 'dist/trainer.js') });
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  await page.goto(harness.url('dark'));
  await page.waitForFunction(() => window.__posted.some((m) => m.type === 'ready'));
  // the messages are made first (not timed), then posted as the host posts them
  // as the host posts a run read from its step file (runViews.ts STEP_FILE_CHUNK)
  await page.evaluate(feedInPage, { nRuns: 1, steps: STEPS, T: 1000, H: 512, cell: 'rnn', hold: true, chunk: STEP_FILE_CHUNK });
  const load = await page.evaluate(async (steps) => {
    const t0 = performance.now();
    for (const m of window.__feed) window.postMessage(m, '*');
    const drawnAll = () => {
      const xs = window.seqlabDashboard.lossChart.plot?.data?.[0];
      return xs && xs.length > 0 && xs[xs.length - 1] === steps;
    };
    while (!drawnAll()) await new Promise((r) => requestAnimationFrame(r));
    return performance.now() - t0;
  }, STEPS);
  const pan = await page.evaluate(async () => {
    const d = window.seqlabDashboard;
    const times = [];
    const frames = [];
    const span = 400_000;
    for (let i = 0; i < 120; i++) {
      const lo = (i * 5000) % 600_000;
      const t = performance.now();
      d.setLossRange(lo, lo + span);
      await new Promise((r) => requestAnimationFrame(r));
      frames.push(performance.now() - t);
      times.push(d.lossChart.lastFrameMs);
    }
    const full = [];
    for (let i = 0; i < 20; i++) { d.lossChart.setXRange(undefined); full.push(d.lossChart.flush()); await new Promise((r) => requestAnimationFrame(r)); }
    const q = (a, p) => [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(p * a.length))];
    return { workMedian: q(times, 0.5), workP95: q(times, 0.95), frameMedian: q(frames, 0.5), frameP95: q(frames, 0.95), fullMedian: q(full, 0.5) };
  });
  const heat = await page.evaluate(async () => {
    const d = window.seqlabDashboard;
    d.selectTab(1);
    await new Promise((r) => requestAnimationFrame(r));
    const times = [];
    for (let i = 0; i < 20; i++) { const t = performance.now(); d.redrawHeatmap(); times.push(performance.now() - t); }
    return { median: [...times].sort((a, b) => a - b)[10], max: Math.max(...times) };
  });
  const violations = await page.evaluate(() => window.__violations);
  const states = await statesEndToEnd(browser, lstm);
  console.log(`bundle: dist/webview.js ${(bundle / 1024).toFixed(1)} KB minified, dist/webview.css ${(css / 1024).toFixed(1)} KB · ${os.availableParallelism()} cores, load average ${os.loadavg()[0].toFixed(1)}`);
  console.log(`1. first load, 1M-step run: ${hostLine}; webview takes the columns to the first draw of all 1M points ${load.toFixed(0)} ms; together ${(read.withFile.ms + load).toFixed(0)} ms with the step file, ${(read.without.ms + load).toFixed(0)} ms without`);
  console.log(`2. pan 1M points (120 frames, 400k-step window): redraw work median ${pan.workMedian.toFixed(1)} ms, p95 ${pan.workP95.toFixed(1)} ms; frame median ${pan.frameMedian.toFixed(1)} ms, p95 ${pan.frameP95.toFixed(1)} ms; full-range redraw ${pan.fullMedian.toFixed(1)} ms`);
  console.log(`3. states, 2 000-token validation slice, 2 × 128 LSTM: engine ${states.cold.toFixed(0)} ms (fresh session child), ${states.warm.toFixed(0)} ms (same child again); webview post + plot ${states.webview.toFixed(0)} ms; end to end ${(states.cold + states.webview).toFixed(0)} ms first, ${(states.warm + states.webview).toFixed(0)} ms after`);
  console.log(`heatmap 512 units × 1000 timesteps (sort + pixels + draw): median ${heat.median.toFixed(1)} ms, max ${heat.max.toFixed(1)} ms`);
  const all = [...violations, ...states.violations];
  console.log(`CSP violations: ${all.length}${all.length ? ' ' + all.join('; ') : ''}`);
} finally {
  client.dispose();
  await browser.close();
  await harness.close();
  fs.rmSync(tmp, { recursive: true, force: true });
}

/** The engine's answer for a 2 000-token slice (a session's fresh child, then warm), and the webview's plot of it. */
async function statesEndToEnd(browser, run) {
  const request = { runDir: run.runDir, weights: 'last', input: { validationSlice: { start: 0, length: 2000 } }, gates: false };
  const session = client.session();
  const timed = async () => {
    const t0 = performance.now();
    const o = await session.request('states', request);
    if (o.kind !== 'done') throw new Error(`states: ${o.kind === 'failed' ? o.message : o.kind}`);
    return { ms: performance.now() - t0, result: o.result };
  };
  const cold = await timed();
  const warm = [];
  for (let i = 0; i < 3; i++) warm.push((await timed()).ms);
  session.dispose();
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  await page.goto(harness.url('dark'));
  await page.waitForFunction(() => window.__posted.some((m) => m.type === 'ready'));
  await page.evaluate((r) => window.postMessage({ type: 'init', panelKind: 'run', runs: [r], pending: [] }, '*'), run.view);
  await page.click('.tab-explore');
  await page.evaluate(() => { document.querySelector('#ex-mode').value = 'slice'; document.querySelector('#ex-mode').dispatchEvent(new Event('change')); });
  await page.click('#ex-run');
  const asked = await page.evaluate(() => window.__posted.filter((m) => m.type === 'explore').at(-1));
  // the answer into the page first (Playwright's transfer), then timed: posted, taken, plotted
  await page.evaluate((reply) => { window.__reply = reply; }, { type: 'explored', id: asked.id, runId: asked.runId, result: { kind: 'states', result: cold.result } });
  const webview = await page.evaluate(async () => {
    const t0 = performance.now();
    window.postMessage(window.__reply, '*');
    // the tab draws the plot as it takes the answer; the frame after it is on screen
    while (!document.querySelector('#ex-units-why').textContent.startsWith('Plotted')) await new Promise((r) => requestAnimationFrame(r));
    await new Promise((r) => requestAnimationFrame(r));
    return performance.now() - t0;
  });
  const violations = await page.evaluate(() => window.__violations);
  await page.close();
  return { cold: cold.ms, warm: median(warm), webview, violations };
}
