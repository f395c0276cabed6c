// Install Native Backend without VS Code: the package spec and npm's arguments, finding npm, telling the
// known failures apart on real npm output, and real `npm install` runs of the stand-in packages in
// test/fixtures/native-backend (with an unreachable registry: no network is needed), tfjs-node's and
// tfjs-node-gpu's. The trainer's own lookup (resolveTfjsNode) must find what the installer installed, and
// both sides must pick tfjs-node-gpu where both packages are in one prefix.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import {
  checkLoads, classifyNpmFailure, failureMessage, findOnPath, installNative, isGpuSpec, nativePackageIn, nativeSpec, npmInstallArgs, packageDirIn, readInstalled, RECORD_FILE,
} from '../../src/extension/nativeBackend/nativeInstall';
import {
  DEFAULT_NATIVE_SPEC, NATIVE_DIR_ENV, NATIVE_GPU_PACKAGE, NATIVE_PACKAGE, NATIVE_PACKAGE_VERSION, NATIVE_SPEC_ENV,
} from '../../src/shared/nativeEngine';
import { resolveTfjsNode } from '../../src/trainer/backends/tfjs/tfjsNodeLocation';
import { until } from './waitUntil';

const root = path.resolve(__dirname, '../..');
const fixtures = path.join(root, 'test/fixtures/native-backend');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const npm = findOnPath('npm');
const skip = !npm && 'npm is not on PATH';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-native-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Whether `pid` runs (a zombie does not: in a container nobody may reap an orphan). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return process.platform !== 'linux';
  }
}

/** npm with no registry to reach: whatever installs here needs no network. */
const offlineEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  ...process.env,
  npm_config_registry: 'http://127.0.0.1:9/',
  npm_config_cache: path.join(tmp, 'npm-cache'),
  SEQLAB_FIXTURE_INSTALL_MS: '0',
  ...extra,
});

test('the default package is tfjs-node at the version of the bundled tfjs; env beats setting beats default', () => {
  assert.equal(NATIVE_PACKAGE_VERSION, pkg.devDependencies['@tensorflow/tfjs']);
  assert.equal(DEFAULT_NATIVE_SPEC, `@tensorflow/tfjs-node@${pkg.devDependencies['@tensorflow/tfjs']}`);
  const setting = pkg.contributes.configuration.properties['seqlab.nativeBackend.package'];
  assert.equal(setting.default, '');
  assert.equal(setting.scope, 'machine', 'a workspace must not choose what gets installed');
  assert.ok(setting.markdownDescription.includes(DEFAULT_NATIVE_SPEC));
  // the GPU build is named in the setting, at the same version, with what it needs
  const gpuSpec = `${NATIVE_GPU_PACKAGE}@${pkg.devDependencies['@tensorflow/tfjs']}`;
  assert.ok(setting.markdownDescription.includes(gpuSpec), setting.markdownDescription);
  assert.match(setting.markdownDescription, /CUDA 11\.2 and cuDNN 8\.1/);
  assert.equal(nativeSpec(gpuSpec, {}), gpuSpec);
  assert.ok(isGpuSpec(gpuSpec) && isGpuSpec('/x/fixtures/tfjs-node-gpu') && !isGpuSpec(DEFAULT_NATIVE_SPEC));
  assert.equal(nativeSpec(undefined, {}), DEFAULT_NATIVE_SPEC);
  assert.equal(nativeSpec('  ', {}), DEFAULT_NATIVE_SPEC);
  assert.equal(nativeSpec('@tensorflow/tfjs-node@4.21.0', {}), '@tensorflow/tfjs-node@4.21.0');
  assert.equal(nativeSpec('@tensorflow/tfjs-node@4.21.0', { [NATIVE_SPEC_ENV]: '/x/fixture' }), '/x/fixture');
  const args = npmInstallArgs('/p', 'spec');
  assert.deepEqual(args.slice(0, 3), ['install', '--prefix', '/p']);
  assert.ok(args.includes('--no-save') && args.includes('--foreground-scripts'));
  assert.equal(args.at(-1), 'spec');
});

test('npm is looked up on PATH like a shell would', () => {
  const bin = path.join(tmp, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  fs.writeFileSync(path.join(bin, 'npm'), '#!/bin/sh\n', { mode: 0o755 });
  fs.writeFileSync(path.join(bin, 'npx'), '#!/bin/sh\n', { mode: 0o644 });
  assert.equal(findOnPath('npm', { PATH: ['/nonexistent', bin].join(path.delimiter) }, 'linux'), path.join(bin, 'npm'));
  assert.equal(findOnPath('npx', { PATH: bin }, 'linux'), undefined, 'not executable');
  assert.equal(findOnPath('npm', { PATH: '' }, 'linux'), undefined);
  assert.equal(findOnPath('npm', {}, 'linux'), undefined);
});

test('known failures: the libtensorflow download (offline), the registry, anything else', () => {
  const offline = fs.readFileSync(path.join(fixtures, 'npm-offline-libtensorflow.log'), 'utf8').split('\n');
  const registry = fs.readFileSync(path.join(fixtures, 'npm-offline-registry.log'), 'utf8').split('\n');
  assert.equal(classifyNpmFailure(offline), 'libtensorflowDownload');
  assert.equal(classifyNpmFailure(registry), 'registryUnreachable');
  assert.equal(classifyNpmFailure(['npm error code E404', 'npm error 404 Not Found - GET https://registry.npmjs.org/@tensorflow%2ftfjs-nod']), 'npmFailed');
  assert.equal(classifyNpmFailure(['gyp ERR! build error', 'npm error code 1']), 'npmFailed');
  const msg = failureMessage('libtensorflowDownload', '', DEFAULT_NATIVE_SPEC);
  assert.match(msg, /libtensorflow/);
  assert.match(msg, /npm run setup:tfjs-node/);
  assert.match(msg, /README/);
  assert.doesNotMatch(msg, /tfjs-node-gpu/);
  assert.match(failureMessage('libtensorflowDownload', '', `${NATIVE_GPU_PACKAGE}@4.22.0`), /no offline build of tfjs-node-gpu/);
  assert.match(failureMessage('npmMissing', '', DEFAULT_NATIVE_SPEC), /npm was not found on PATH/);
});

test('installs the stand-in into the prefix with npm, offline; the trainer finds it there', { skip }, async () => {
  const prefix = path.join(tmp, 'native');
  const lines: string[] = [];
  const spec = path.join(fixtures, 'tfjs-node');
  const outcome = await installNative({ prefix, spec, npm: npm!, env: offlineEnv(), onLine: (l) => lines.push(l), now: () => new Date('2026-11-25T12:00:00Z') });
  assert.deepEqual(outcome, { kind: 'installed', dir: prefix, package: NATIVE_PACKAGE, version: '4.22.0-seqlab-fixture', spec });
  // a copy, not a link into the repository
  assert.equal(packageDirIn(prefix), path.join(prefix, 'node_modules', '@tensorflow', 'tfjs-node'));
  assert.ok(fs.lstatSync(packageDirIn(prefix)!).isDirectory());
  assert.ok(lines.some((l) => l.includes('SeqLab fixture: building the TensorFlow Node.js binding')), 'the install script streamed its stdout');
  assert.ok(lines.some((l) => l.includes('install script on stderr')), 'and its stderr');
  assert.ok(lines.some((l) => l.includes('SeqLab fixture: done')), 'and its last line, which the cancel test looks for');
  assert.ok(lines[0].startsWith(`$ ${npm} install --prefix ${prefix}.partial`), lines[0]);
  assert.ok(!fs.existsSync(`${prefix}.partial`));
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(prefix, RECORD_FILE), 'utf8')), { spec, version: '4.22.0-seqlab-fixture', installedAt: '2026-11-25T12:00:00.000Z' });
  assert.deepEqual(await readInstalled(prefix), { package: NATIVE_PACKAGE, version: '4.22.0-seqlab-fixture', record: { spec, version: '4.22.0-seqlab-fixture', installedAt: '2026-11-25T12:00:00.000Z' } });
  // the trainer's side of the contract: SEQLAB_TFJS_NODE_DIR = the prefix
  assert.deepEqual(resolveTfjsNode({ [NATIVE_DIR_ENV]: prefix }), { package: NATIVE_PACKAGE, path: fs.realpathSync(path.join(packageDirIn(prefix)!, 'index.js')) });
});

test('installs the tfjs-node-gpu stand-in the same way; installer and trainer both find it', { skip }, async () => {
  const prefix = path.join(tmp, 'native-gpu');
  const spec = path.join(fixtures, 'tfjs-node-gpu');
  const outcome = await installNative({ prefix, spec, npm: npm!, env: offlineEnv(), onLine: () => undefined, now: () => new Date('2026-11-25T12:00:00Z') });
  assert.deepEqual(outcome, { kind: 'installed', dir: prefix, package: NATIVE_GPU_PACKAGE, version: '4.22.0-seqlab-fixture', spec });
  const gpuDir = path.join(prefix, 'node_modules', '@tensorflow', 'tfjs-node-gpu');
  assert.ok(!fs.existsSync(path.join(prefix, 'node_modules', '@tensorflow', 'tfjs-node')), 'only the GPU stand-in is there');
  assert.equal(packageDirIn(prefix), gpuDir);
  const record = { spec, version: '4.22.0-seqlab-fixture', installedAt: '2026-11-25T12:00:00.000Z' };
  assert.deepEqual(await readInstalled(prefix), { package: NATIVE_GPU_PACKAGE, version: '4.22.0-seqlab-fixture', record });
  assert.deepEqual(await checkLoads(prefix), { ok: true, package: NATIVE_GPU_PACKAGE, version: '4.22.0-seqlab-fixture' });
  assert.deepEqual(resolveTfjsNode({ [NATIVE_DIR_ENV]: prefix }), { package: NATIVE_GPU_PACKAGE, path: fs.realpathSync(path.join(gpuDir, 'index.js')) });
});

test('where both packages are in one prefix, the installer and the trainer pick tfjs-node-gpu', { skip }, async () => {
  const prefix = path.join(tmp, 'native-both');
  // the two installs of the tests above, side by side
  fs.cpSync(path.join(tmp, 'native'), prefix, { recursive: true });
  fs.cpSync(path.join(tmp, 'native-gpu', 'node_modules', '@tensorflow', 'tfjs-node-gpu'), path.join(prefix, 'node_modules', '@tensorflow', 'tfjs-node-gpu'), { recursive: true });
  const gpuDir = path.join(prefix, 'node_modules', '@tensorflow', 'tfjs-node-gpu');
  assert.deepEqual(nativePackageIn(prefix), { package: NATIVE_GPU_PACKAGE, dir: gpuDir });
  assert.equal((await readInstalled(prefix))?.package, NATIVE_GPU_PACKAGE);
  assert.deepEqual(await checkLoads(prefix), { ok: true, package: NATIVE_GPU_PACKAGE, version: '4.22.0-seqlab-fixture' });
  assert.equal(resolveTfjsNode({ [NATIVE_DIR_ENV]: prefix })?.package, NATIVE_GPU_PACKAGE);
  // without it, tfjs-node again (the trainer's side of this is in tfjsNode.test.ts: Node caches a resolution per process)
  fs.rmSync(gpuDir, { recursive: true });
  assert.deepEqual(nativePackageIn(prefix), { package: NATIVE_PACKAGE, dir: path.join(prefix, 'node_modules', '@tensorflow', 'tfjs-node') });
  assert.equal((await readInstalled(prefix))?.package, NATIVE_PACKAGE);
  assert.deepEqual(await checkLoads(prefix), { ok: true, package: NATIVE_PACKAGE, version: '4.22.0-seqlab-fixture' });
});

test('a reinstall that fails offline keeps the working install, and says why', { skip }, async () => {
  const prefix = path.join(tmp, 'native');
  assert.ok(await readInstalled(prefix), 'the previous test installed the stand-in');
  const lines: string[] = [];
  const outcome = await installNative({ prefix, spec: path.join(fixtures, 'tfjs-node-offline'), npm: npm!, env: offlineEnv(), onLine: (l) => lines.push(l) });
  assert.equal(outcome.kind, 'failed');
  assert.equal(outcome.kind === 'failed' && outcome.failure, 'libtensorflowDownload', lines.join('\n'));
  assert.match(outcome.kind === 'failed' ? outcome.message : '', /npm run setup:tfjs-node/);
  assert.ok(lines.some((l) => l.includes('* Downloading libtensorflow')));
  assert.equal((await readInstalled(prefix))?.version, '4.22.0-seqlab-fixture');
  assert.ok(!fs.existsSync(`${prefix}.partial`));
});

test('a package that installs but does not load is refused', { skip }, async () => {
  const prefix = path.join(tmp, 'native-noload');
  const outcome = await installNative({ prefix, spec: path.join(fixtures, 'tfjs-node'), npm: npm!, env: offlineEnv(), onLine: () => undefined, check: async () => ({ ok: false, message: 'libtensorflow.so.2: cannot open shared object file' }) });
  assert.equal(outcome.kind === 'failed' && outcome.failure, 'doesNotLoad');
  assert.equal(await readInstalled(prefix), undefined);
  // the real check on the stand-in: loads, backend 'tensorflow'
  assert.deepEqual(await checkLoads(path.join(tmp, 'native')), { ok: true, package: NATIVE_PACKAGE, version: '4.22.0-seqlab-fixture' });
  assert.equal((await checkLoads(path.join(tmp, 'nothing-here'))).ok, false);
  assert.equal(packageDirIn(path.join(tmp, 'nothing-here')), undefined);
});

test('cancelling ends npm and its install script, and changes nothing', { skip }, async () => {
  const prefix = path.join(tmp, 'native-cancel');
  const pidFile = path.join(tmp, 'script.pid');
  const abort = new AbortController();
  const lines: string[] = [];
  const done = installNative({
    prefix,
    spec: path.join(fixtures, 'tfjs-node'),
    npm: npm!,
    // long enough that only a cancel that waited for the script would see it finish
    env: offlineEnv({ SEQLAB_FIXTURE_INSTALL_MS: '60000', SEQLAB_FIXTURE_PID_FILE: pidFile }),
    onLine: (l) => {
      lines.push(l);
      if (l.includes('install script on stderr')) abort.abort();
    },
    signal: abort.signal,
  });
  assert.deepEqual(await done, { kind: 'cancelled' });
  // the script prints its last line when it ends by itself: the cancel did not wait for it
  assert.ok(!lines.some((l) => l.includes('SeqLab fixture: done')), 'did not wait for the install script');
  const pid = Number(fs.readFileSync(pidFile, 'utf8'));
  // the script is npm's child, not ours: no exit event reaches this process, so watch its pid
  await until(() => !running(pid), 'the install script to be gone');
  assert.ok(!fs.existsSync(prefix) && !fs.existsSync(`${prefix}.partial`));
});
