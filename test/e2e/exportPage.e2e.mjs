// End-to-end: the lines `seqlab export --format tfjs` prints (and the README shows) run in a real browser.
// A tiny text run per cell is trained and exported with dist/cli.js; a page made of exactly those lines
// (TensorFlow.js from node_modules instead of the CDN: the test machine is offline) is served next to the
// export and opened in headless chromium; the next character it prints must be the one `seqlab sample
// --temperature 0` (SeqLab's wasm engine, greedy) generates after the same prompt. No code-server needed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { chromiumPath, launchChromium, repoRoot } from '../host/codeServer.mjs';

const cli = path.join(repoRoot, 'dist', 'cli.js');
const tfjs = path.join(repoRoot, 'node_modules', '@tensorflow', 'tfjs', 'dist', 'tf.min.js');
const missing = [cli, tfjs, chromiumPath].filter((f) => !fs.existsSync(f));

function seqlab(args, cwd) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, `seqlab ${args.join(' ')}:\n${r.stderr}`);
  return r.stdout;
}

/** The export folder, plus the page at / and tf.min.js at the CDN's file name. */
async function serve(dir, page) {
  const server = http.createServer((req, res) => {
    const name = path.basename(new URL(req.url, 'http://localhost').pathname);
    const file = name === '' ? undefined : name === 'tf.min.js' ? tfjs : path.join(dir, name);
    if (!file) return res.writeHead(200, { 'content-type': 'text/html' }).end(page);
    fs.readFile(file, (err, data) => res.writeHead(err ? 404 : 200, { 'content-type': file.endsWith('.js') ? 'text/javascript' : 'application/octet-stream' }).end(err ? undefined : data));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((resolve) => { server.close(resolve); server.closeAllConnections(); }) };
}

for (const cell of ['gru', 'lstm']) {
  test(`the exported ${cell.toUpperCase()} runs in a browser from the printed lines and predicts what the run predicts`, { skip: missing.length > 0 && `missing ${missing.join(', ')}`, timeout: 600_000 }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-export-page-'));
    fs.copyFileSync(path.join(repoRoot, 'test', 'fixtures', 'data', 'corpus.txt'), path.join(dir, 'corpus.txt'));
    fs.writeFileSync(path.join(dir, 'page.seqlab.json'), JSON.stringify({
      name: `page ${cell}`,
      data: { kind: 'text', path: 'corpus.txt' },
      model: { cell, hiddenSize: 16, embeddingSize: 8 },
      training: { maxSteps: 30, batchSize: 8, sequenceLength: 16, learningRate: 0.02, threads: 1 },
      diagnostics: { enabled: false },
    }));
    seqlab(['train', 'page.seqlab.json'], dir);
    const result = JSON.parse(seqlab(['export', `page-${cell}`, '--format', 'tfjs', '--json'], dir));
    const expected = [...seqlab(['sample', `page-${cell}`, '--prime', 'The ', '--length', '1', '--temperature', '0'], dir).replace(/\n$/, '')].at(-1);

    assert.match(result.usage, /tf\.loadLayersModel\('model\.json'\)/);
    const page = `<!doctype html><meta charset="utf-8"><body>\n${result.usage.replace(/https:\/\/cdn\.jsdelivr\.net\/\S+\/tf\.min\.js/, 'tf.min.js')}\n</body>`;
    const server = await serve(result.dir, page);
    const browser = await launchChromium(dir);
    try {
      const tab = await browser.newPage();
      const errors = [];
      tab.on('pageerror', (e) => errors.push(e.message));
      const printed = new Promise((resolve) => tab.on('console', (m) => m.type() === 'log' && resolve(m.text())));
      await tab.goto(server.url);
      let timer;
      const silent = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`nothing printed; page errors: ${errors.join(' | ')}`)), 60_000)));
      const next = await Promise.race([printed, silent]).finally(() => clearTimeout(timer));
      assert.deepEqual(errors, []);
      console.log(`# ${cell}: the page predicts ${JSON.stringify(next)} after "The ", seqlab sample ${JSON.stringify(expected)}`);
      assert.equal(next, expected);
    } finally {
      await browser.close();
      await server.close();
    }
  });
}
