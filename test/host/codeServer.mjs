// Starts a fresh code-server (real VS Code 1.100.3: workbench + Node extension host) for one test run.
// Everything it writes (user data, extensions, HOME) lives in a private temp dir; stop() kills the whole
// process group, because a disconnected tab otherwise keeps its extension host alive for hours.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const codeServerDir = process.env.SEQLAB_CODE_SERVER_DIR
  || path.join(os.homedir(), '.cache/seqlab', `code-server-${CODE_SERVER_VERSION}`);
export const codeServerBin = path.join(codeServerDir, 'node_modules/.bin/code-server');
export const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';

/** The repo itself once it is a built extension (package.json `main` exists), else the committed probe. */
export function defaultExtensionPath() {
  if (process.env.SEQLAB_EXTENSION_PATH) return path.resolve(process.env.SEQLAB_EXTENSION_PATH);
  const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  if (manifest.main && fs.existsSync(path.join(repoRoot, manifest.main))) return repoRoot;
  return path.join(repoRoot, 'test/host/probe');
}

/** Runs test/host/setup.sh unless code-server and chromium are already there. */
export function ensureSetup() {
  if (fs.existsSync(path.join(codeServerDir, '.seqlab-ok')) && fs.existsSync(chromiumPath)) return;
  const r = spawnSync('bash', [path.join(repoRoot, 'test/host/setup.sh')], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`test/host/setup.sh failed with ${r.status}`);
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const userSettings = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'security.workspace.trust.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'chat.commandCenter.enabled': false,
  'workbench.enableExperiments': false,
  'git.enabled': false,
};

/**
 * With these (and without --disable-workspace-trust) a folder opens untrusted, in Restricted Mode, with no
 * startup dialog: code-server 4.100.3's workbench reads `enableWorkspaceTrust: !args['disable-workspace-trust']`,
 * and a fresh user-data dir trusts no folder.
 */
export const untrustedSettings = {
  'security.workspace.trust.enabled': true,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.untrustedFiles': 'open',
  'security.workspace.trust.emptyWindow': false,
};

/**
 * @param {object} [opts]
 * @param {string} [opts.vsix]      install this .vsix into the private extensions dir before starting
 * @param {Record<string,string>} [opts.env]  extra env for the server and so for the extension host
 * @param {object} [opts.settings]  extra user settings
 * @param {number} [opts.port]      fixed port (default: a free one)
 * @param {boolean} [opts.workspaceTrust]  keep VS Code's workspace trust on (default: off, every folder trusted);
 *   with it on, a folder opens in Restricted Mode without asking (see untrustedSettings)
 * @returns {Promise<{url: string, authority: string, tmp: string, home: string, logFile: string, stop: () => Promise<void>}>}
 */
export async function startCodeServer(opts = {}) {
  if (!fs.existsSync(codeServerBin)) throw new Error(`code-server not found at ${codeServerBin}: run bash test/host/setup.sh`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-cs-'));
  const port = opts.port ?? await freePort();
  const authority = `127.0.0.1:${port}`;
  const home = path.join(tmp, 'home');
  const dataDir = path.join(tmp, 'data');
  const extDir = path.join(tmp, 'extensions');
  for (const d of [home, path.join(dataDir, 'User'), extDir]) fs.mkdirSync(d, { recursive: true });
  const config = path.join(tmp, 'config.yaml');
  // Always pass --config: without it code-server writes ~/.config/code-server/config.yaml with a password.
  fs.writeFileSync(config, `bind-addr: ${authority}\nauth: none\ncert: false\n`);
  const settings = { ...userSettings, ...(opts.workspaceTrust && untrustedSettings), ...opts.settings };
  fs.writeFileSync(path.join(dataDir, 'User/settings.json'), JSON.stringify(settings, null, 2));
  const env = {
    ...process.env, ...opts.env,
    HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), XDG_DATA_HOME: path.join(home, '.local/share'),
  };
  delete env.VSCODE_IPC_HOOK_CLI; // when started from a VS Code terminal, don't talk to that VS Code
  const common = ['--config', config, '--user-data-dir', dataDir, '--extensions-dir', extDir];
  if (opts.vsix) {
    const r = spawnSync(codeServerBin, [...common, '--install-extension', path.resolve(opts.vsix)], { env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`installing ${opts.vsix} failed:\n${r.stdout}\n${r.stderr}`);
  }
  const logFile = path.join(tmp, 'code-server.log');
  const logFd = fs.openSync(logFile, 'a');
  const child = spawn(codeServerBin, [...common, '--disable-telemetry', '--disable-update-check',
    ...(opts.workspaceTrust ? [] : ['--disable-workspace-trust']), '--disable-getting-started-override'],
  { detached: true, stdio: ['ignore', logFd, logFd], env });
  fs.closeSync(logFd);
  let exited = false;
  child.once('exit', () => { exited = true; });

  const stop = async () => {
    if (!exited) {
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
      const deadline = Date.now() + 5000;
      while (!exited && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      if (!exited) { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }
    }
  };
  const onExit = () => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } };
  process.once('exit', onExit);

  const url = `http://${authority}`;
  for (let i = 0; ; i++) {
    try { if ((await fetch(`${url}/healthz`)).ok) break; } catch { /* not up yet */ }
    if (exited || i > 240) {
      await stop();
      throw new Error(`code-server did not start; log:\n${fs.readFileSync(logFile, 'utf8').slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, authority, tmp, home, logFile, stop: async () => { process.off('exit', onExit); await stop(); } };
}

/** Copies a fixture workspace into a fresh temp dir, so runs never write into the repo. */
export function copyWorkspace(src, parent = os.tmpdir()) {
  const dest = fs.mkdtempSync(path.join(parent, 'seqlab-ws-'));
  fs.cpSync(src, dest, { recursive: true });
  return dest;
}

/** The URL that opens `folder`; with `payload` (dev mode / tests) when given. */
export function workbenchUrl(server, folder, payload) {
  const q = [`folder=${encodeURIComponent(folder)}`];
  if (payload) q.push(`payload=${encodeURIComponent(JSON.stringify(payload))}`);
  return `${server.url}/?${q.join('&')}`;
}

/** vscode-remote URI of a path on the server, as the payload parameter wants it. */
export const remoteUri = (server, p) => `vscode-remote://${server.authority}${p}`;

export const chromiumArgs = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Headless Debian chromium through playwright-core, with HOME in a temp dir (it writes crash reports there). */
export async function launchChromium(home) {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: chromiumPath, headless: true, args: chromiumArgs,
    env: { ...process.env, HOME: home },
  });
}
