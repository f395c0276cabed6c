// Installing the optional native engine (@tensorflow/tfjs-node, or @tensorflow/tfjs-node-gpu where the setting
// names it) with npm in a child process: finding npm, its arguments, its output line by line, cancelling it
// (the whole process group: npm runs install scripts in processes of their own), checking in another child
// process that what was installed loads, and telling the known failures apart. The install goes to a staging
// folder that replaces the old one only once it works, so a failed reinstall leaves a working install in
// place. Node only, no vscode.

import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { asNativePackage, DEFAULT_NATIVE_SPEC, NATIVE_GPU_PACKAGE, NATIVE_PACKAGES, NATIVE_SPEC_ENV, type NativePackage, nativeShortName, packageInPrefix } from '../../shared/nativeEngine';

export type InstallFailure =
  | 'npmMissing'
  /** tfjs-node's install script could not download libtensorflow (no access to storage.googleapis.com). */
  | 'libtensorflowDownload'
  | 'registryUnreachable'
  /** npm succeeded but the package does not load (no addon built, a missing shared library). */
  | 'doesNotLoad'
  | 'npmFailed';

export type InstallOutcome =
  | { kind: 'installed'; dir: string; package: NativePackage; version: string; spec: string }
  | { kind: 'cancelled' }
  | { kind: 'failed'; failure: InstallFailure; message: string };

/** Written next to node_modules after a successful install. */
export interface InstallRecord {
  spec: string;
  version: string;
  installedAt: string;
}

export const RECORD_FILE = 'seqlab-native.json';

/** The package to install: the environment override, else the setting, else tfjs-node matching the bundled tfjs. */
export function nativeSpec(setting: string | undefined, env: NodeJS.ProcessEnv): string {
  return env[NATIVE_SPEC_ENV]?.trim() || setting?.trim() || DEFAULT_NATIVE_SPEC;
}

/**
 * The native package installed under the npm prefix: the first of NATIVE_PACKAGES (tfjs-node-gpu, then
 * tfjs-node) whose package.json is there, as the trainer's lookup (tfjsNodeLocation.ts) would pick it.
 */
export function nativePackageIn(prefix: string): { package: NativePackage; dir: string } | undefined {
  for (const pkg of NATIVE_PACKAGES) {
    const dir = path.join(prefix, ...packageInPrefix(pkg));
    if (fs.existsSync(path.join(dir, 'package.json'))) return { package: pkg, dir };
  }
  return undefined;
}

/** The installed package's folder under the prefix (tfjs-node-gpu first), or undefined when neither is there. */
export const packageDirIn = (prefix: string): string | undefined => nativePackageIn(prefix)?.dir;

/** An executable on PATH (with PATHEXT on Windows), like `which`. */
export function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string | undefined {
  const dirs = (env.PATH ?? env.Path ?? '').split(path.delimiter).filter(Boolean);
  const exts = platform === 'win32' ? (env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean) : [''];
  for (const dir of dirs) {
    for (const ext of exts) {
      const file = path.join(dir, name + ext);
      try {
        fs.accessSync(file, fs.constants.X_OK);
        if (fs.statSync(file).isFile()) return file;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/**
 * `--no-save`: the prefix's package.json stays as written. `--foreground-scripts`: the install script's
 * output (the libtensorflow download, the addon build) reaches the log as it happens. `--install-links`: a
 * local folder (the tests' stand-in) is copied, not linked. `--loglevel=http`: every download is a line.
 */
export function npmInstallArgs(prefix: string, spec: string): string[] {
  return ['install', '--prefix', prefix, '--no-save', '--no-audit', '--no-fund', '--no-update-notifier', '--foreground-scripts', '--install-links', '--loglevel=http', spec];
}

const NETWORK_ERROR = /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|SELF_SIGNED_CERT_IN_CHAIN|CERT_HAS_EXPIRED)\b/;

/** Which known failure npm's output shows (the whole output or its tail). */
export function classifyNpmFailure(output: readonly string[]): Exclude<InstallFailure, 'npmMissing' | 'doesNotLoad'> {
  const text = output.join('\n');
  if (/Downloading libtensorflow|libtensorflow-[\w.-]+\.tar\.gz/.test(text) && NETWORK_ERROR.test(text)) return 'libtensorflowDownload';
  if (/^npm (error|ERR!) (code|errno) /m.test(text) && NETWORK_ERROR.test(text)) return 'registryUnreachable';
  return 'npmFailed';
}

/** Whether a package spec asks for the CUDA build (a name, a versioned name, a tarball or folder named after it). */
export const isGpuSpec = (spec: string): boolean => spec.includes(nativeShortName(NATIVE_GPU_PACKAGE));

/** What the user is told, in one notification. */
export function failureMessage(failure: InstallFailure, detail: string, spec: string): string {
  switch (failure) {
    case 'npmMissing':
      return 'SeqLab: npm was not found on PATH. Installing the native engine needs Node.js with npm on the PATH that VS Code was started with.';
    case 'libtensorflowDownload':
      return `SeqLab: ${spec} was fetched, but its install script could not download libtensorflow from storage.googleapis.com (this machine seems to be offline or behind a firewall). In a SeqLab checkout, \`npm run setup:tfjs-node\` builds the native engine${isGpuSpec(spec) ? ' (tfjs-node, the CPU build: there is no offline build of tfjs-node-gpu)' : ''} without that download and SEQLAB_TFJS_NODE_DIR points SeqLab at it; see the README, "Optional: the native TensorFlow engine". The default WebAssembly kernels need none of this.`;
    case 'registryUnreachable':
      return `SeqLab: npm could not reach the package registry to install ${spec} (${detail}). Check the network or npm's proxy and registry settings.`;
    case 'doesNotLoad':
      return `SeqLab: ${spec} was installed but does not load (${detail}); the previous state is kept.`;
    case 'npmFailed':
      return `SeqLab: installing ${spec} failed (${detail}).`;
  }
}

export interface NpmRunOptions {
  npm: string;
  args: string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  onLine(line: string): void;
  signal?: AbortSignal;
  /** SIGTERM first; SIGKILL after this long. */
  killGraceMs?: number;
}

export interface NpmRunResult {
  code: number | null;
  cancelled: boolean;
  /** Up to the last 400 lines. */
  tail: string[];
  /** spawn error (e.g. ENOENT), when there was one. */
  error?: string;
}

const TAIL = 400;

/** Runs npm with its output split into lines; an abort kills npm and everything it started. */
export function runNpm(o: NpmRunOptions): Promise<NpmRunResult> {
  return new Promise((resolve) => {
    const tail: string[] = [];
    let error: string | undefined;
    let cancelled = false;
    const isWindows = process.platform === 'win32';
    // a .cmd needs a shell on Windows (Node refuses to spawn it directly)
    const shell = isWindows && /\.(cmd|bat)$/i.test(o.npm);
    const quote = (a: string) => (shell && /[\s"]/.test(a) ? `"${a.replace(/"/g, '\\"')}"` : a);
    const child = spawn(shell ? quote(o.npm) : o.npm, o.args.map(quote), {
      cwd: o.cwd,
      env: o.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // its own process group, so that cancelling reaches install scripts and node-gyp too
      detached: !isWindows,
      shell,
      windowsHide: true,
    });
    const line = (l: string) => {
      if (l.trim() === '') return;
      tail.push(l);
      if (tail.length > TAIL) tail.shift();
      o.onLine(l);
    };
    const splitter = () => {
      let rest = '';
      return {
        data: (chunk: Buffer) => {
          const parts = (rest + chunk.toString('utf8')).split(/\r\n|\n|\r/);
          rest = parts.pop() ?? '';
          parts.forEach(line);
        },
        end: () => {
          if (rest) line(rest);
          rest = '';
        },
      };
    };
    const out = splitter();
    const err = splitter();
    child.stdout?.on('data', out.data);
    child.stderr?.on('data', err.data);
    let killTimer: NodeJS.Timeout | undefined;
    const kill = (signal: NodeJS.Signals) => {
      try {
        if (!isWindows && child.pid) process.kill(-child.pid, signal);
        else child.kill(signal);
      } catch {
        // already gone
      }
    };
    const onAbort = () => {
      cancelled = true;
      kill('SIGTERM');
      killTimer = setTimeout(() => kill('SIGKILL'), o.killGraceMs ?? 3000);
    };
    if (o.signal?.aborted) onAbort();
    else o.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (e) => (error = e.message));
    child.on('close', (code) => {
      if (killTimer) clearTimeout(killTimer);
      o.signal?.removeEventListener('abort', onAbort);
      out.end();
      err.end();
      resolve({ code, cancelled, tail, ...(error !== undefined && { error }) });
    });
  });
}

export type LoadCheck = { ok: true; package: NativePackage; version: string } | { ok: false; message: string };

/**
 * Loads the installed package (tfjs-node-gpu first, as the trainer would) in a separate Node (the runtime the
 * trainer runs on: process.execPath, plain Node inside Electron) and asks for its backend: 'tensorflow' once
 * the addon and libtensorflow load.
 */
export function checkLoads(prefix: string, runtime = process.execPath, timeoutMs = 120_000): Promise<LoadCheck> {
  const found = nativePackageIn(prefix);
  if (!found) return Promise.resolve({ ok: false, message: `neither ${NATIVE_PACKAGES.join(' nor ')} is installed in ${prefix}` });
  const script = [
    'const path = require("path");',
    'const dir = process.argv[1];',
    'const { name, version } = require(path.join(dir, "package.json"));',
    'const tf = require(dir);',
    'const backend = typeof tf.getBackend === "function" ? tf.getBackend() : undefined;',
    'process.stdout.write("\\n" + JSON.stringify({ name, version, backend }) + "\\n");',
  ].join('\n');
  return new Promise((resolve) => {
    const child = spawn(runtime, ['-e', script, found.dir], {
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', TF_CPP_MIN_LOG_LEVEL: '2' },
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString('utf8')).slice(-4000)));
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ ok: false, message: e.message });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const last = stdout.trim().split('\n').at(-1) ?? '';
      try {
        const r = JSON.parse(last) as { name?: unknown; version?: unknown; backend?: unknown };
        if (typeof r.version !== 'string') throw new Error('no version');
        if (asNativePackage(r.name) !== found.package) return resolve({ ok: false, message: `${found.dir} holds ${JSON.stringify(r.name)}, not ${found.package}` });
        if (r.backend !== 'tensorflow') return resolve({ ok: false, message: `its backend is ${JSON.stringify(r.backend)}, not "tensorflow"` });
        return resolve({ ok: true, package: found.package, version: r.version });
      } catch {
        const why = stderr.split('\n').find((l) => /Error/.test(l))?.trim() ?? (signal ? `killed (${signal})` : `exit code ${code}`);
        resolve({ ok: false, message: why });
      }
    });
  });
}

/**
 * The installed package (tfjs-node-gpu first), its version and the install record, or undefined when
 * neither is installed at `prefix`.
 */
export async function readInstalled(prefix: string): Promise<{ package: NativePackage; version: string; record?: InstallRecord } | undefined> {
  const found = nativePackageIn(prefix);
  if (!found) return undefined;
  try {
    const pkg = JSON.parse(await fsp.readFile(path.join(found.dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
    if (asNativePackage(pkg.name) !== found.package || typeof pkg.version !== 'string') return undefined;
    const record = await fsp
      .readFile(path.join(prefix, RECORD_FILE), 'utf8')
      .then((t) => JSON.parse(t) as InstallRecord)
      .catch(() => undefined);
    return { package: found.package, version: pkg.version, ...(record && { record }) };
  } catch {
    return undefined;
  }
}

export interface InstallOptions {
  /** The folder that holds the install when it works (the trainer's SEQLAB_TFJS_NODE_DIR). */
  prefix: string;
  spec: string;
  npm: string;
  onLine(line: string): void;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  /** Default: checkLoads. */
  check?: (prefix: string) => Promise<LoadCheck>;
  now?: () => Date;
}

/** npm install into `<prefix>.partial`, check that it loads, then swap it in for `<prefix>`. */
export async function installNative(o: InstallOptions): Promise<InstallOutcome> {
  const staging = `${o.prefix}.partial`;
  await fsp.rm(staging, { recursive: true, force: true });
  await fsp.mkdir(staging, { recursive: true });
  // a manifest of its own, so npm treats the folder as the project root and nothing above it
  const manifest = { name: 'seqlab-native-engine', private: true, description: 'Optional native TensorFlow engine for SeqLab (Install Native Backend).' };
  await fsp.writeFile(path.join(staging, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
  const discard = () => fsp.rm(staging, { recursive: true, force: true });

  const args = npmInstallArgs(staging, o.spec);
  o.onLine(`$ ${o.npm} ${args.join(' ')}`);
  const r = await runNpm({ npm: o.npm, args, cwd: staging, ...(o.env && { env: o.env }), onLine: o.onLine, ...(o.signal && { signal: o.signal }) });
  if (r.cancelled) {
    await discard();
    return { kind: 'cancelled' };
  }
  if (r.code !== 0) {
    await discard();
    const failure = classifyNpmFailure(r.tail);
    const lastError = [...r.tail].reverse().find((l) => /^npm (error|ERR!) (code|errno) /.test(l))?.replace(/^npm (error|ERR!) /, '');
    const detail = r.error ?? (lastError ? `${lastError}, exit code ${r.code}` : `npm exited with code ${r.code}`);
    return { kind: 'failed', failure, message: failureMessage(failure, detail, o.spec) };
  }
  const loads = await (o.check ?? checkLoads)(staging);
  if (o.signal?.aborted) {
    await discard();
    return { kind: 'cancelled' };
  }
  if (!loads.ok) {
    o.onLine(`the installed package does not load: ${loads.message}`);
    await discard();
    return { kind: 'failed', failure: 'doesNotLoad', message: failureMessage('doesNotLoad', loads.message, o.spec) };
  }
  const record: InstallRecord = { spec: o.spec, version: loads.version, installedAt: (o.now?.() ?? new Date()).toISOString() };
  await fsp.writeFile(path.join(staging, RECORD_FILE), JSON.stringify(record, null, 2) + '\n');
  const old = `${o.prefix}.old`;
  await fsp.rm(old, { recursive: true, force: true });
  if (fs.existsSync(o.prefix)) await fsp.rename(o.prefix, old);
  await fsp.rename(staging, o.prefix);
  await fsp.rm(old, { recursive: true, force: true });
  return { kind: 'installed', dir: o.prefix, package: loads.package, version: loads.version, spec: o.spec };
}
