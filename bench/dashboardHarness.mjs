// A plain HTML page that hosts the dashboard bundle the way a VS Code webview does: the same CSP
// (cspSource = this server's origin), a fake acquireVsCodeApi, and the theme's --vscode-* variables
// from a stylesheet. Used by bench/dashboard-bench.mjs and test/browser/dashboardBrowser.test.ts.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CHROMIUM = '/usr/bin/chromium';

const THEME_CSS = `
body.vscode-dark { --vscode-foreground: #cccccc; --vscode-descriptionForeground: #9d9d9d; --vscode-editor-background: #1f1f1f; --vscode-panel-border: #2b2b2b;
  --vscode-charts-blue: #3794ff; --vscode-charts-orange: #d18616; --vscode-charts-green: #89d185; --vscode-charts-purple: #b180d7; --vscode-charts-red: #f14c4c; --vscode-charts-yellow: #cca700;
  --vscode-button-background: #0078d4; --vscode-button-foreground: #ffffff; --vscode-badge-background: #616161; --vscode-badge-foreground: #f8f8f8; --vscode-focusBorder: #0078d4;
  --vscode-input-background: #313131; --vscode-input-foreground: #cccccc; --vscode-input-border: #3c3c3c; --vscode-font-family: system-ui, sans-serif; --vscode-font-size: 13px;
  --vscode-editor-font-family: monospace; --vscode-textCodeBlock-background: #2b2b2b; --vscode-panel-background: #181818; }
body.vscode-light { --vscode-foreground: #3b3b3b; --vscode-descriptionForeground: #717171; --vscode-editor-background: #ffffff; --vscode-panel-border: #e5e5e5;
  --vscode-charts-blue: #1a85ff; --vscode-charts-orange: #d18616; --vscode-charts-green: #388a34; --vscode-charts-purple: #652d90; --vscode-charts-red: #e51400; --vscode-charts-yellow: #bf8803;
  --vscode-button-background: #005fb8; --vscode-button-foreground: #ffffff; --vscode-badge-background: #cccccc; --vscode-badge-foreground: #3b3b3b; --vscode-focusBorder: #005fb8;
  --vscode-input-background: #ffffff; --vscode-input-foreground: #3b3b3b; --vscode-input-border: #cecece; --vscode-font-family: system-ui, sans-serif; --vscode-font-size: 13px;
  --vscode-editor-font-family: monospace; --vscode-textCodeBlock-background: #f3f3f3; --vscode-panel-background: #f8f8f8; }
body { margin: 0; }
`;

function page(origin, theme) {
  const nonce = 'harness' + Math.random().toString(36).slice(2);
  return `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${origin} data:; style-src ${origin}; font-src ${origin}; script-src 'nonce-${nonce}';">
<link rel="stylesheet" href="${origin}/theme.css"><link rel="stylesheet" href="${origin}/dist/webview.css"></head>
<body class="vscode-${theme}"><div id="seqlab-dashboard" class="dashboard" data-state="loading"></div>
<script nonce="${nonce}">
window.__violations = []; window.__posted = []; window.__state = undefined;
// tsx (esbuild keepNames) wraps functions that tests pass to page.evaluate in __name(...)
window.__name = (f) => f;
document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
window.acquireVsCodeApi = () => ({ postMessage: (m) => { window.__posted.push(m); window.__onPost?.(m); }, getState: () => window.__state, setState: (s) => { window.__state = s; } });
</script>
<script nonce="${nonce}" src="${origin}/dist/webview.js"></script></body></html>`;
}

export async function startHarness() {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const origin = `http://127.0.0.1:${server.address().port}`;
    if (url.pathname === '/' || url.pathname === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html' });
      return res.end(page(origin, url.searchParams.get('theme') ?? 'dark'));
    }
    if (url.pathname === '/theme.css') {
      res.writeHead(200, { 'content-type': 'text/css' });
      return res.end(THEME_CSS);
    }
    const file = path.join(root, url.pathname);
    if (!file.startsWith(path.join(root, 'dist')) || !fs.existsSync(file)) {
      res.writeHead(404);
      return res.end();
    }
    res.writeHead(200, { 'content-type': file.endsWith('.css') ? 'text/css' : 'text/javascript' });
    res.end(fs.readFileSync(file));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return { origin, url: (theme = 'dark') => `${origin}/?theme=${theme}`, close: () => new Promise((r) => server.close(r)) };
}

export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-chromium-'));
  return chromium.launch({
    executablePath: CHROMIUM,
    env: { ...process.env, HOME: home },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Runs in the page: fake runs, metric columns and snapshots posted as the host would. With `hold`, the
 *  messages are made but kept in window.__feed (the bench times their posting apart from their making). */
export function feedInPage({ nRuns, steps, T, H, cell, hold = false, chunk = 262144 }) {
  const feed = [];
  const post = (m) => (hold ? feed.push(m) : window.postMessage(m, '*'));
  const gateNames = cell === 'lstm' ? ['i', 'f', 'g', 'o'] : cell === 'gru' ? ['z', 'r', 'n'] : [];
  const tokens = Array.from('The quick brown fox jumps over the lazy dog. '.repeat(Math.ceil(T / 45))).slice(0, T);
  const runs = Array.from({ length: nRuns }, (_, k) => ({
    id: `run-${k}`, colorIndex: k, seconds: 125 + k, stepsPerSecond: 41.5, bestValidationLoss: 1.234 + k / 10, snapshotSteps: [0, 100, 200, 300],
    clipNorm: 5, status: k === 0 ? { kind: 'running', pid: 1, step: steps } : { kind: 'finished', step: steps },
    info: { id: `run-${k}`, name: `char-${['lstm', 'gru', 'rnn'][k % 3]}`, configPath: '/x.seqlab.json', cell: ['lstm', 'gru', 'rnn'][k % 3], backend: 'wasm', device: 'wasm simd · 4 threads', seed: 1, paramCount: 1000,
      totalSteps: steps, dataSummary: '', task: 'text', gateNames: k === 0 ? gateNames : [], probeTokens: tokens, baseline: { value: 3.2, metric: 'xent', label: 'unigram' } },
  }));
  post({ type: 'init', panelKind: nRuns > 1 ? 'comparison' : 'run', runs, pending: [] });
  // metrics as the host posts them: columns (src/shared/metricColumns.ts), `chunk` steps a message
  // (the host's METRICS_CHUNK or STEP_FILE_CHUNK, src/extension/dashboard/runViews.ts)
  const CHUNK = chunk;
  for (let k = 0; k < nRuns; k++) {
    let seed = 12345 + k;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const evalEvery = Math.max(1, Math.floor(steps / 40));
    for (let from = 1; from <= steps; from += CHUNK) {
      const n = Math.min(CHUNK, steps - from + 1);
      const c = { step: new Float64Array(n), epoch: new Float64Array(n), time: new Float64Array(n), loss: new Float64Array(n), gradNorm: new Float64Array(n), clipped: new Uint8Array(n) };
      const ev = { step: [], epoch: [], time: [], loss: [], accuracy: [] };
      for (let i = 0; i < n; i++) {
        const s = from + i;
        const loss = 4.2 * Math.exp(-s / (steps / 5)) + 0.8 + 0.1 * k + 0.3 * (rnd() - 0.5) + (s === Math.floor(steps / 2) ? 3 : 0);
        c.step[i] = s; c.epoch[i] = Math.floor(s / (steps / 4)); c.time[i] = s * 0.02; c.loss[i] = loss; c.gradNorm[i] = 2 + 8 * rnd() * Math.exp(-s / steps);
        if (s % evalEvery === 0) { ev.step.push(s); ev.epoch.push(c.epoch[i]); ev.time.push(s * 0.02); ev.loss.push(loss + 0.05); ev.accuracy.push(NaN); }
      }
      const evals = Object.fromEntries(Object.entries(ev).map(([key, a]) => [key, Float64Array.from(a)]));
      const samples = from + n > steps ? [{ kind: 'sample', step: steps, temperature: 0.8, prime: 'The ', text: 'quick brown fox said hello to the lazy dog.' }] : [];
      post({ type: 'metrics', runId: `run-${k}`, columns: { steps: c, evals, samples } });
    }
    const hidden = new Float32Array(T * H);
    for (let t = 0; t < T; t++) for (let u = 0; u < H; u++) hidden[t * H + u] = Math.tanh(Math.sin(u * 0.37 + t * 0.11) * 2);
    // known cells: unit 0 is -1 at every t, unit 1 is +1, unit 2 is 0
    for (let t = 0; t < T; t++) { hidden[t * H] = -1; hidden[t * H + 1] = 1; hidden[t * H + 2] = 0; }
    const G = Math.max(1, gateNames.length);
    const gates = new Float32Array(T * G * H).map((_, i) => Math.sin(i * 0.01));
    const histSteps = [0, 100, 200, 300];
    const dh = new Float32Array(histSteps.length * T);
    for (let s = 0; s < histSteps.length; s++) for (let t = 0; t < T; t++) dh[s * T + t] = Math.pow(0.9 + 0.02 * s + 0.02 * (k % 3), T - 1 - t);
    post({ type: 'gradientHistory', runId: `run-${k}`, steps: histSteps, arrays: { 'l0.dhLast': { data: dh, shape: [histSteps.length, T] } } });
    const arrays = { 'l0.h': { data: hidden, shape: [T, H] }, 'l0.dhLast': { data: dh.slice(3 * T), shape: [T] } };
    if (k === 0 && gateNames.length) { arrays['l0.gates'] = { data: gates, shape: [T, G * H] }; arrays['l0.c'] = { data: hidden.map((v) => v * 1.5), shape: [T, H] }; }
    post({ type: 'diagnostics', runId: `run-${k}`, snapshot: { step: 300, arrays, weightNorms: { 'l0.Wx': 2.1, 'l0.Wh': 15.9, 'head.Wy': 1.4 }, gradNorms: { 'l0.Wx': 0.07, 'l0.Wh': 0.3, 'head.Wy': 0.2 } } });
  }
  if (hold) window.__feed = feed;
}

/**
 * Answers the page's `explore` messages as the extension host's panel does, with `answer(message)` (an
 * engine, or a test's fake) returning the `explored` / `exploreFailed` reply. Call before the page posts any.
 */
export async function serveExplore(page, answer) {
  await page.exposeBinding('__seqlabHost', async (_source, m) => {
    if (m.type !== 'explore') return;
    const reply = await answer(m);
    const t = performance.now();
    if (reply) await page.evaluate((r) => window.postMessage(r, "*"), reply);
    if (process.env.SEQLAB_HARNESS_TRACE) console.log("harness: reply posted in", (performance.now() - t).toFixed(0), "ms");
  });
  await page.evaluate(() => {
    window.__onPost = (m) => window.__seqlabHost(m);
  });
}
