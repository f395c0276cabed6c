// Runs the mocha suite test/integration/**/*.test.ts inside a real VS Code extension host (code-server),
// the stand-in for @vscode/test-electron's runTests() on machines without a desktop VS Code.
//
//   node test/host/runIntegration.mjs [--extension PATH] [--workspace DIR] [--grep TEXT] [--keep] [--verbose]
//                                     [--trusted | --untrusted]
//
// Two passes, each with its own code-server, one after the other: the trusted pass (workspace trust off, as
// before) runs every test file except restricted*.test.ts; the untrusted pass opens the workspace in
// Restricted Mode (workspace trust on, startup prompt never, see codeServer.mjs untrustedSettings) and runs
// only restricted*.test.ts. --trusted / --untrusted run one pass alone.
//
// 1. esbuild bundles index.ts + the tests into test-output/integration/suite.js (vscode, mocha external);
// 2. a fresh code-server starts (test/host/codeServer.mjs);
// 3. headless chromium opens the workbench with ?payload=[extensionDevelopmentPath, extensionTestsPath];
//    VS Code runs suite.js's run() in the extension host and reports through window.codeAutomationLog /
//    codeAutomationExit, which this script exposes to the page. The exit code is the extension host's.
// --extension defaults to the repo root when package.json's `main` is built, else test/host/probe.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  copyWorkspace, defaultExtensionPath, ensureSetup, launchChromium, remoteUri, repoRoot, startCodeServer, workbenchUrl,
} from './codeServer.mjs';

const { values: args } = parseArgs({
  options: {
    extension: { type: 'string' },
    workspace: { type: 'string', default: path.join(repoRoot, 'test/fixtures/workspace') },
    grep: { type: 'string' },
    keep: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
    trusted: { type: 'boolean', default: false },
    untrusted: { type: 'boolean', default: false },
    timeout: { type: 'string', default: process.env.SEQLAB_INTEGRATION_TIMEOUT_MS ?? '600000' },
  },
});
const outDir = path.join(repoRoot, 'test-output/integration');
const t0 = Date.now();
const lap = (m) => console.log(`[integration ${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);

/** Test files for the untrusted (Restricted Mode) pass; every other *.test.ts runs in the trusted pass. */
const isRestrictedTest = (file) => /^restricted\b.*\.test\.ts$/.test(path.basename(file));

const passes = [
  { name: 'trusted', workspaceTrust: false, suffix: '', select: (f) => !isRestrictedTest(f) },
  { name: 'untrusted', workspaceTrust: true, suffix: '-untrusted', select: isRestrictedTest },
];

function findTests(dir) {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.test.ts'))
    .map((e) => path.join(e.parentPath ?? e.path, e.name))
    .sort();
}

/**
 * @param {typeof passes[number]} pass
 * @param {{grep?: string}} options  handed to runTests() in index.ts
 */
async function bundleSuite(pass, options) {
  const testDir = path.join(repoRoot, 'test/integration');
  const tests = findTests(testDir).filter(pass.select);
  if (tests.length === 0) return { tests, suite: undefined };
  const suite = path.join(outDir, `suite${pass.suffix}.js`);
  // index.ts's runTests() calls loadTests after mocha's pre-require; esbuild turns each require() of an
  // ES module into a lazy initialiser, so the test files run only then.
  const entry = [
    `const { runTests } = require(${JSON.stringify(path.join(testDir, 'index.ts'))});`,
    `exports.run = () => runTests(() => { ${tests.map((t) => `require(${JSON.stringify(t)});`).join(' ')} }, ${JSON.stringify(options)});`,
  ].join('\n');
  await esbuild.build({
    absWorkingDir: repoRoot,
    stdin: { contents: entry, resolveDir: testDir, sourcefile: 'suite.js', loader: 'js' },
    outfile: suite,
    bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: false, // the extension host's own Error.prepareStackTrace ignores source maps; lines point into suite.js
    external: ['vscode', 'mocha'], // vscode comes from the host; mocha resolves from the repo's node_modules
    logLevel: 'warning',
  });
  return { tests, suite };
}

// The workbench's own console lines, which arrive through the same channel as the tests' output
// (shown with --verbose). open-vsx: the extension gallery, unreachable offline and irrelevant here.
const workbenchNoise = /^(Resolving connection token|Resolved connection token|Creating a socket|Updating additional builtin|\[Service Worker\]|ChatSessionStore)|open-vsx\.org/;

async function main() {
  const extensionPath = path.resolve(args.extension ?? defaultExtensionPath());
  ensureSetup();
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const selected = passes.filter((p) => (!args.trusted && !args.untrusted) || args[p.name]);
  let ran = 0;
  let exitCode = 0;
  for (const pass of selected) {
    const { tests, suite } = await bundleSuite(pass, { grep: args.grep });
    if (!suite) {
      lap(`${pass.name} pass: no test files, skipped`);
      continue;
    }
    ran++;
    lap(`${pass.name} pass: bundled ${tests.length} test file(s); extension under test: ${path.relative(repoRoot, extensionPath) || '.'}`);
    const code = await runPass(pass, extensionPath, suite);
    if (code !== 0) exitCode = code;
  }
  if (ran === 0) throw new Error(`no *.test.ts under test/integration for the ${selected.map((p) => p.name).join(' and ')} pass`);
  process.exitCode = exitCode;
}

/** One code-server + chromium + extension-host test run; resolves the extension host's exit code. */
async function runPass(pass, extensionPath, suite) {
  const workspace = copyWorkspace(path.resolve(args.workspace));
  const server = await startCodeServer({ workspaceTrust: pass.workspaceTrust });
  lap(`${pass.name} pass: code-server up at ${server.url}, workspace ${workspace}`);
  let exitCode = 1;
  let browser;
  let page;
  try {
    browser = await launchChromium(server.home);
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    let finish;
    const finished = new Promise((resolve) => { finish = resolve; });
    // VS Code calls these on automated windows: the test run's console output, then the exit code
    await page.exposeFunction('codeAutomationLog', (_type, logArgs) => {
      const parts = Array.isArray(logArgs) ? logArgs : [logArgs];
      if (args.verbose || !workbenchNoise.test(String(parts[0]))) console.log(...parts);
    });
    await page.exposeFunction('codeAutomationExit', (code) => finish(code));
    page.on('pageerror', (e) => console.log('[pageerror]', e.message));
    await page.goto(workbenchUrl(server, workspace, [
      ['extensionDevelopmentPath', remoteUri(server, extensionPath)],
      ['extensionTestsPath', remoteUri(server, suite)],
      ['skipWelcome', 'true'],
    ]));
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no result after ${args.timeout} ms`)), Number(args.timeout));
    });
    exitCode = await Promise.race([finished, timeout]).finally(() => clearTimeout(timer));
    lap(`${pass.name} pass: extension host exited with code ${exitCode}`);
  } catch (e) {
    console.error('runner error:', e.message);
    exitCode = 1;
  } finally {
    if (exitCode !== 0) {
      const shot = path.join(outDir, `failure${pass.suffix}.png`);
      if (page) await page.screenshot({ path: shot }).then(() => console.log('screenshot:', shot)).catch(() => {});
      const log = path.join(outDir, `code-server${pass.suffix}.log`);
      fs.copyFileSync(server.logFile, log);
      console.log('code-server log:', log, '(--keep keeps the temp dirs)');
    }
    await browser?.close();
    await server.stop();
    if (args.keep) console.log('kept', server.tmp, workspace);
    else for (const d of [server.tmp, workspace]) fs.rmSync(d, { recursive: true, force: true });
  }
  return exitCode;
}

await main();
