// Install Native Backend inside a real VS Code, without the network: SEQLAB_NATIVE_BACKEND_PACKAGE names the
// stand-in packages of test/fixtures/native-backend, which npm installs the way it installs tfjs-node. The
// install lands in the extension's global storage, the next trainer gets SEQLAB_TFJS_NODE_DIR (and, on the
// tfjs backend, tries the stand-in from there), a reinstall that fails like an offline one keeps the install,
// and Remove takes it away.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import { activateExtension, extensionPath, extensionState, waitFor, workspaceFile } from './helpers';

const COMMAND = 'seqlab.installNativeBackend';
const SPEC_ENV = 'SEQLAB_NATIVE_BACKEND_PACKAGE';

type Result = { kind: string; dir?: string; version?: string; failure?: string; message?: string };
const native = () => extensionState();
const packageJsonIn = (dir: string) => path.join(dir, 'node_modules', '@tensorflow', 'tfjs-node', 'package.json');

suite('Install Native Backend', function () {
  this.timeout(180_000);
  const fixtures = () => path.join(extensionPath(), 'test', 'fixtures', 'native-backend');
  const previousSpec = process.env[SPEC_ENV];
  let installedDir = '';

  suiteSetup(async () => {
    await activateExtension();
  });

  suiteTeardown(async () => {
    if (previousSpec === undefined) delete process.env[SPEC_ENV];
    else process.env[SPEC_ENV] = previousSpec;
    await vscode.workspace.getConfiguration().update('seqlab.defaultBackend', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand(COMMAND, 'remove');
  });

  test('nothing is installed at first and trainers get no SEQLAB_TFJS_NODE_DIR from SeqLab', async () => {
    const state = await vscode.commands.executeCommand<Result>(COMMAND, 'status');
    assert.equal(state.kind, 'absent');
    assert.match(state.dir ?? '', /seqlab\.seqlab[\\/]native$/, 'in the global storage of the extension');
    assert.deepEqual((await native()).native.trainerEnv, {});
  });

  test('installs the package with npm into global storage, its output in the install log', async () => {
    // the extension host is this process: the command's npm sees this environment
    process.env[SPEC_ENV] = path.join(fixtures(), 'tfjs-node');
    const r = await vscode.commands.executeCommand<Result>(COMMAND, 'install');
    assert.equal(r.kind, 'installed', JSON.stringify(r));
    assert.equal(r.version, '4.22.0-seqlab-fixture');
    installedDir = r.dir!;
    assert.match(installedDir, /seqlab\.seqlab[\\/]native$/);
    assert.ok(fs.existsSync(packageJsonIn(installedDir)));
    assert.ok(!fs.lstatSync(path.dirname(packageJsonIn(installedDir))).isSymbolicLink(), 'a copy in global storage');
    const s = (await native()).native;
    assert.equal(s.state.kind, 'installed');
    assert.deepEqual(s.trainerEnv, { SEQLAB_TFJS_NODE_DIR: installedDir });
    const log = fs.readFileSync(s.logFile, 'utf8');
    assert.match(log, /install --prefix .*native\.partial .*--no-save/);
    assert.match(log, /SeqLab fixture: building the TensorFlow Node\.js binding/);
  });

  test('a run on the tfjs backend looks for tfjs-node in that folder', async () => {
    assert.ok(installedDir, 'installed by the previous test');
    await vscode.workspace.getConfiguration().update('seqlab.defaultBackend', 'tfjs', vscode.ConfigurationTarget.Workspace);
    const runId = await vscode.commands.executeCommand<string>('seqlab.train', workspaceFile('tiny.seqlab.json').fsPath);
    assert.ok(runId);
    const run = await waitFor('the run to end', async () => {
      const s = await extensionState(true);
      const r = s.runs.find((x) => x.id === runId);
      return r && r.status.kind !== 'running' && !s.active.length ? r : undefined;
    }, 120_000);
    const log = fs.readFileSync(path.join((await native()).runsDir ?? '', runId, 'trainer.log'), 'utf8');
    const entry = path.join(fs.realpathSync(installedDir), 'node_modules', '@tensorflow', 'tfjs-node', 'index.js');
    assert.ok(log.includes(`tfjs-node at ${entry} failed to load`), log);
    assert.match(log, /SeqLab test stand-in for @tensorflow\/tfjs-node/);
    // the stand-in is not TensorFlow: the run falls back to TensorFlow.js's wasm engine and finishes
    assert.equal(run.status.kind, 'finished', JSON.stringify(run.status));
    await vscode.workspace.getConfiguration().update('seqlab.defaultBackend', undefined, vscode.ConfigurationTarget.Workspace);
  });

  test('a reinstall that cannot download libtensorflow says so and keeps the working install', async () => {
    process.env[SPEC_ENV] = path.join(fixtures(), 'tfjs-node-offline');
    const r = await vscode.commands.executeCommand<Result>(COMMAND, 'install');
    assert.equal(r.kind, 'failed');
    assert.equal(r.failure, 'libtensorflowDownload');
    assert.match(r.message ?? '', /npm run setup:tfjs-node/);
    const s = (await native()).native;
    assert.equal(s.state.kind === 'installed' && s.state.version, '4.22.0-seqlab-fixture');
    assert.deepEqual(s.trainerEnv, { SEQLAB_TFJS_NODE_DIR: installedDir });
    assert.match(fs.readFileSync(s.logFile, 'utf8'), /\* Downloading libtensorflow/);
  });

  test('Remove takes it away; trainers get nothing from SeqLab again', async () => {
    const r = await vscode.commands.executeCommand<Result>(COMMAND, 'remove');
    assert.equal(r.kind, 'removed');
    assert.ok(!fs.existsSync(installedDir));
    const s = (await native()).native;
    assert.equal(s.state.kind, 'absent');
    assert.deepEqual(s.trainerEnv, {});
  });
});
