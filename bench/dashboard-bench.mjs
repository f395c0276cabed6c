// Dashboard speed: builds, opens the webview bundle in headless Chromium (harness page, same CSP),
// feeds 1 000 000 loss points and a 512 × 1 000 heatmap, pans the loss chart programmatically and prints
// frame times, heatmap draw time and bundle size.  Run: node bench/dashboard-bench.mjs
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM, feedInPage, launchChromium, startHarness } from './dashboardHarness.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
if (!process.argv.includes('--no-build')) execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
if (!fs.existsSync(CHROMIUM)) {
  console.error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  process.exit(1);
}
const bundle = fs.statSync(path.join(root, 'dist/webview.js')).size;
const css = fs.statSync(path.join(root, 'dist/webview.css')).size;
const harness = await startHarness();
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  await page.goto(harness.url('dark'));
  await page.waitForFunction(() => window.__posted.some((m) => m.type === 'ready'));
  const t0 = Date.now();
  await page.evaluate(feedInPage, { nRuns: 1, steps: 1_000_000, T: 1000, H: 512, cell: 'rnn' });
  await page.waitForFunction(() => document.querySelector('#loss-chart canvas') !== null, null, { timeout: 120000 });
  const firstDraw = Date.now() - t0;
  const pan = await page.evaluate(async () => {
    const d = window.seqlabDashboard;
    const times = [];
    const frames = [];
    let lo = 0;
    const span = 400_000;
    for (let i = 0; i < 120; i++) {
      lo = (i * 5000) % 600_000;
      const t = performance.now();
      d.setLossRange(lo, lo + span);
      await new Promise((r) => requestAnimationFrame(r));
      frames.push(performance.now() - t);
      times.push(d.lossChart.lastFrameMs);
    }
    // full view (the whole million) as a user sees after a reset
    const full = [];
    for (let i = 0; i < 20; i++) { const t = performance.now(); d.lossChart.setXRange(undefined); full.push(d.lossChart.flush()); await new Promise((r) => requestAnimationFrame(r)); }
    const q = (a, p) => [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(p * a.length))];
    return { workMedian: q(times, 0.5), workP95: q(times, 0.95), frameMedian: q(frames, 0.5), frameP95: q(frames, 0.95), fullMedian: q(full, 0.5) };
  });
  const heat = await page.evaluate(async () => {
    const d = window.seqlabDashboard;
    d.selectTab(1);
    await new Promise((r) => requestAnimationFrame(r));
    await new Promise((r) => setTimeout(r, 50));
    const times = [];
    for (let i = 0; i < 20; i++) { const t = performance.now(); d.redrawHeatmap(); times.push(performance.now() - t); }
    return { median: [...times].sort((a, b) => a - b)[10], max: Math.max(...times) };
  });
  const violations = await page.evaluate(() => window.__violations);
  console.log(`bundle: dist/webview.js ${(bundle / 1024).toFixed(1)} KB minified, dist/webview.css ${(css / 1024).toFixed(1)} KB`);
  console.log(`1M-point loss series: feed + first draw ${firstDraw} ms; full-range redraw ${pan.fullMedian.toFixed(1)} ms`);
  console.log(`pan (120 frames, 400k-step window): redraw work median ${pan.workMedian.toFixed(1)} ms, p95 ${pan.workP95.toFixed(1)} ms; frame median ${pan.frameMedian.toFixed(1)} ms, p95 ${pan.frameP95.toFixed(1)} ms`);
  console.log(`heatmap 512 units × 1000 timesteps (sort + pixels + draw): median ${heat.median.toFixed(1)} ms, max ${heat.max.toFixed(1)} ms`);
  console.log(`CSP violations: ${violations.length}${violations.length ? ' ' + violations.join('; ') : ''}`);
} finally {
  await browser.close();
  await harness.close();
}
