// `seqlab validate` as a user meets it: the examples, the options (--no-data, --json, --stdin), exit
// codes, a config nested thousands deep, and data files outside the current directory and the config's
// folder (with `seqlab train`, which warns the same). Needs `npm run build` first.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { parseConfig, type ValidationReport } from '../../src/shared/configValidation';
import { MAX_CONFIG_DEPTH } from '../../src/shared/configSource';
import { outsideDataIssue } from '../../src/trainer/data/dataChecks';

const root = path.resolve(__dirname, '..', '..');
const cli = path.join(root, 'dist', 'cli.js');
const built = fs.existsSync(cli);

const run = (args: string[], cwd: string, input?: string) => spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout: 120_000, ...(input !== undefined && { input }) });

function tempDir(): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-validate-')));
}

function writeConfig(dir: string, name: string, config: object | string): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, typeof config === 'string' ? config : JSON.stringify(config, null, 2));
  return file;
}

/** A config whose `model` holds `depth` nested lists. */
const deepConfig = (depth: number) => `{ "name": "deep", "data": { "kind": "synthetic", "task": "adding" }, "model": ${'['.repeat(depth)}${']'.repeat(depth)} }`;

describe('seqlab validate', { skip: !built && 'not built' }, () => {
  test('every example says ok, the encoder–decoder ones included, and `train` trains them', () => {
    const examples = [
      ...fs.readdirSync(path.join(root, 'examples')).filter((f) => f.endsWith('.seqlab.json')).map((f) => path.join('examples', f)),
      ...fs.readdirSync(path.join(root, 'examples', 'seq2seq')).filter((f) => f.endsWith('.seqlab.json')).map((f) => path.join('examples', 'seq2seq', f)),
    ];
    assert.ok(examples.some((f) => f.includes('dates.seqlab.json')) && examples.some((f) => f.includes('addition.seqlab.json')));
    const v = run(['validate', ...examples], root);
    assert.equal(v.status, 0, v.stderr);
    assert.equal(v.stderr, '');
    assert.deepEqual(v.stdout.trim().split('\n'), examples.map((f) => `${f}: ok`));

    const runsDir = path.join(tempDir(), 'runs');
    const t = run(['train', path.join('examples', 'seq2seq', 'dates.seqlab.json'), '--runs-dir', runsDir, '--max-steps', '2', '--threads', '1'], root);
    assert.equal(t.status, 0, t.stderr);
    assert.match(t.stdout, /Finished 2 steps/);
  });

  test('--no-data checks the config alone; --json reports each problem with the check that found it; exit 2 wins over 3', () => {
    const dir = tempDir();
    const missing = writeConfig(dir, 'missing.seqlab.json', { name: 'm', data: { kind: 'text', path: 'nowhere.txt' } });
    const invalid = writeConfig(dir, 'invalid.seqlab.json', { name: 'i', data: { kind: 'synthetic', task: 'adding' }, model: { hiddenSise: 8 } });

    const schemaOnly = run(['validate', '--no-data', missing], dir);
    assert.equal(schemaOnly.status, 0, schemaOnly.stderr);
    assert.equal(schemaOnly.stdout, `${missing}: ok\n`);

    // a misspelt key does not hide the missing data file
    const typo = writeConfig(dir, 'typo.seqlab.json', { name: 't', data: { kind: 'text', path: 'nowhere.txt' }, trainig: { epochs: 2 } });
    const json = run(['validate', '--json', missing, invalid, typo], dir);
    assert.equal(json.status, 2);
    const reports = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as ValidationReport);
    assert.deepEqual(reports.map((r) => [r.file, r.problems.map((p) => [p.check, p.severity, p.path])]), [
      [missing, [['data', 'error', 'data.path']]],
      [invalid, [['config', 'error', 'model.hiddenSise']]],
      [typo, [['config', 'error', 'trainig'], ['data', 'error', 'data.path']]],
    ]);
    assert.match(reports[0].problems[0].message, /nowhere\.txt: file not found/);
    assert.equal(run(['validate', missing], dir).status, 3, 'data problems alone: the data error code, as train');
  });

  test('--stdin validates an unsaved text as the file it names (data paths from its folder)', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'c.txt'), 'to be or not to be '.repeat(40));
    const configPath = writeConfig(dir, 'sub/../s.seqlab.json', { name: 's', data: { kind: 'text', path: 'nowhere.txt' } });
    const text = JSON.stringify({ name: 's', data: { kind: 'text', path: 'c.txt' }, training: { sequenceLength: 16 } });
    const r = run(['validate', '--stdin', configPath], os.tmpdir(), text);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(run(['validate', '--stdin', configPath, configPath], dir, text).status, 2, 'one config only');
  });

  test(`a config nested 5 000 deep is an error with its place, exit 2, in validate, train and the editor (at most ${MAX_CONFIG_DEPTH} levels)`, () => {
    const dir = tempDir();
    const file = writeConfig(dir, 'deep.seqlab.json', deepConfig(5000));
    const message = /deep\.seqlab\.json:1:\d+: error: The config nests objects and lists 5001 levels deep, past the 64 that SeqLab reads .*Remove the extra \{ \} or \[ \] from here on\./;
    const v = run(['validate', file], dir);
    assert.equal(v.status, 2);
    assert.match(v.stderr, message);
    const t = run(['train', file, '--runs-dir', path.join(dir, 'runs')], dir);
    assert.equal(t.status, 2);
    assert.match(t.stderr, message);
    for (const output of [v.stderr, t.stderr]) assert.doesNotMatch(output, /RangeError|call stack|internal error|\n\s+at /);
    const editor = parseConfig(deepConfig(5000), file).problems;
    assert.equal(editor.length, 1);
    assert.equal(v.stderr.trim(), `${file}:${editor[0].line}:${editor[0].column}: error: ${editor[0].message}`);
    assert.equal(deepConfig(5000)[editor[0].offset], '[', 'at the bracket that goes one level too deep');
    assert.equal(editor[0].offset, deepConfig(5000).indexOf('[') + MAX_CONFIG_DEPTH - 1);
  });
});

describe('a data file outside the current directory and the config\'s folder', () => {
  const text = (dataPath: string) => ({ name: 'o', data: { kind: 'text', path: dataPath }, training: { sequenceLength: 1000 } });

  test('validate and train warn with the resolved path (train then goes on to its own refusal)', { skip: !built && 'not built' }, () => {
    const project = tempDir();
    const elsewhere = tempDir();
    fs.writeFileSync(path.join(elsewhere, 'secret.txt'), 'abc '.repeat(30));
    const configPath = writeConfig(project, 'e.seqlab.json', text(path.relative(project, path.join(elsewhere, 'secret.txt'))));
    const warning = new RegExp(`e\\.seqlab\\.json:\\d+:\\d+: warning: data\\.path reads ${path.join(elsewhere, 'secret.txt').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}, outside the current directory and the config's folder\\.`);
    const v = run(['validate', configPath], project);
    assert.match(v.stderr, warning);
    assert.equal(v.status, 3, 'the warning does not hide the data problem');
    const t = run(['train', configPath, '--runs-dir', path.join(project, 'runs')], project);
    assert.match(t.stderr, warning);
    assert.equal(t.status, 3);
  });

  test('"outside" is under neither the current directory nor the config\'s folder, through symbolic links', () => {
    const cwd = tempDir();
    const configPath = path.join(cwd, 'configs', 'e.seqlab.json');
    const data = (p: string) => ({ kind: 'text', path: p, level: 'char', lowercase: false, validationFrom: 'tail' }) as const;
    assert.equal(outsideDataIssue(data('c.txt'), configPath, [cwd]), undefined, 'the config\'s folder');
    assert.equal(outsideDataIssue(data('../data/c.txt'), configPath, [cwd]), undefined, 'the current directory');
    const outside = outsideDataIssue(data('../../../../../../../../etc/passwd'), configPath, [cwd]);
    assert.deepEqual(outside && [outside.segments, outside.severity], [['data', 'path'], 'warning']);
    assert.match(outside!.message, /^data\.path reads \/etc\/passwd, outside/);
    assert.match(outsideDataIssue(data('/etc/hosts'), configPath, [cwd])!.message, /reads \/etc\/hosts,/);
    assert.equal(outsideDataIssue({ kind: 'synthetic', task: 'adding', length: 10, samples: 10, seed: 1 }, configPath, []), undefined);

    fs.mkdirSync(path.dirname(configPath));
    const target = tempDir();
    fs.writeFileSync(path.join(target, 'real.txt'), 'x');
    fs.symlinkSync(path.join(target, 'real.txt'), path.join(cwd, 'configs', 'link.txt'));
    const linked = outsideDataIssue(data('link.txt'), configPath, [cwd]);
    assert.match(linked!.message, new RegExp(`reads ${path.join(cwd, 'configs', 'link.txt')} \\(a link to ${path.join(target, 'real.txt')}\\), outside`));
  });
});
