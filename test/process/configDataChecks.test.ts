// One set of checks: for every data problem that `train` refuses, `seqlab validate`, the editor's
// diagnostics (parseConfig, then fileChecks.ts, then the data checks through the engine's `checkData`
// request, as ConfigDiagnostics runs them) and `seqlab train` report the same message, at the config setting it is
// about. Needs `npm run build` first (the test command does it).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { dataCheckKey, DataChecks, engineDataChecker } from '../../src/extension/configs/dataChecks';
import { EngineClient } from '../../src/extension/engine/engineClient';
import { fileProblems } from '../../src/extension/configs/fileChecks';
import type { ConfigProblem } from '../../src/shared/configValidation';
import { parseConfig } from '../../src/shared/configValidation';
import { loadDataset } from '../../src/trainer/data';
import { dataIssues } from '../../src/trainer/data/dataChecks';

const root = path.resolve(__dirname, '..', '..');
const cli = path.join(root, 'dist', 'cli.js');
const trainer = path.join(root, 'dist', 'trainer.js');
const built = fs.existsSync(cli) && fs.existsSync(trainer);

function workspace(config: object, files: Record<string, string> = {}): { dir: string; configPath: string; text: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-checks-'));
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
  const configPath = path.join(dir, 'e.seqlab.json');
  const text = JSON.stringify(config, null, 2);
  fs.writeFileSync(configPath, text);
  return { dir, configPath, text };
}

const run = (args: string[], cwd: string) => spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });

/** `seqlab validate`'s errors: exit code, and each as [line:col, message]. */
function validateSays(ws: { dir: string; configPath: string }): { status: number | null; errors: [string, string][] } {
  const r = run(['validate', ws.configPath], ws.dir);
  const errors = [...r.stderr.matchAll(/^.*?e\.seqlab\.json:(\d+:\d+): error: (.*)$/gm)].map((m): [string, string] => [m[1], m[2]]);
  return { status: r.status, errors };
}

/** What the editor shows, in the order ConfigDiagnostics finds it. */
async function editorSays(ws: { configPath: string; text: string }): Promise<ConfigProblem[]> {
  const { config, problems } = parseConfig(ws.text, ws.configPath);
  if (!config) return problems;
  const file = await fileProblems(ws.text, ws.configPath, config);
  if (file.problems.length > 0) return [...problems, ...file.problems];
  const engine = new EngineClient({ trainerPath: trainer });
  try {
    const checks = new DataChecks(engineDataChecker(engine));
    const data = await checks.problems('doc', ws.text, ws.configPath, dataCheckKey(ws.configPath, config, file.stat));
    return [...problems, ...(data ?? [])];
  } finally {
    engine.dispose();
  }
}

/** `seqlab train`'s refusal: exit code and stderr. */
function trainSays(ws: { dir: string; configPath: string }): { status: number | null; stderr: string } {
  const r = run(['train', ws.configPath, '--runs-dir', path.join(ws.dir, 'runs')], ws.dir);
  // the progress lines that announce each phase ("loading data: …") are not part of the message
  const message = r.stderr.split('\n').filter((line) => !/^(loading data|starting the backend): .*…$/.test(line)).join('\n');
  return { status: r.status, stderr: message.trim() };
}

/** The three agree on one error: its message (train's whole stderr), at `field` (its text in the config). */
async function sameEverywhere(ws: ReturnType<typeof workspace>, expected: RegExp, fieldText: string): Promise<string> {
  const validate = validateSays(ws);
  const editor = (await editorSays(ws)).filter((p) => p.severity === 'error');
  const train = trainSays(ws);
  assert.equal(train.status, 3, train.stderr);
  assert.match(train.stderr, expected);
  assert.equal(validate.status, 3);
  assert.deepEqual(validate.errors.map(([, m]) => m), [train.stderr], 'validate and train');
  assert.deepEqual(editor.map((p) => p.message), [train.stderr], 'the editor and train');
  const [p] = editor;
  assert.equal(validate.errors[0][0], `${p.line}:${p.column}`, 'validate and the editor point at the same place');
  assert.equal(ws.text.slice(p.offset, p.offset + p.length), fieldText);
  assert.equal(fs.existsSync(path.join(ws.dir, 'runs')), false, 'train refused before it made a run folder');
  return train.stderr;
}

const weather = ['date,visitors,temperature', ...Array.from({ length: 40 }, (_, i) => `2024-01-${String((i % 28) + 1).padStart(2, '0')},${100 + i},${(i % 7) + 0.5}`)].join('\n') + '\n';

describe('validate, the editor and train report the same data problem', { skip: !built && 'not built' }, () => {
  test('a missing data file, at data.path', async () => {
    const ws = workspace({ name: 'e', data: { kind: 'text', path: 'nowhere.txt' } });
    await sameEverywhere(ws, /nowhere\.txt: file not found\. Check data\.path \("nowhere\.txt"\)/, '"nowhere.txt"');
  });

  test('a CSV column that the header lacks, with did-you-mean, at its place in data.targets', async () => {
    const ws = workspace({ name: 'e', data: { kind: 'csv', path: 'v.csv', targets: ['vistors'], dateColumns: ['date'] } }, { 'v.csv': weather });
    await sameEverywhere(ws, /v\.csv:1: data\.targets names column "vistors", which the header does not have\. Did you mean "visitors"\? Available columns: "date", "visitors", "temperature"\./, '"vistors"');
  });

  test('a lookback longer than the data, at data.lookback', async () => {
    const ws = workspace({ name: 'e', data: { kind: 'csv', path: 'v.csv', targets: ['visitors'], dateColumns: ['date'], lookback: 60 } }, { 'v.csv': weather });
    await sameEverywhere(ws, /40 usable data rows; lookback 60 \+ horizon 1 needs 61 rows .* \(the training part has 36 and the validation part has 4, with validationSplit 0\.1\)/, '60');
  });

  test('a validation split too small for one window, naming the validation part and its size', async () => {
    const ws = workspace({ name: 'e', data: { kind: 'csv', path: 'v.csv', targets: ['visitors'], dateColumns: ['date'], lookback: 10 }, validationSplit: 0.1 }, { 'v.csv': weather });
    const message = await sameEverywhere(ws, /\(the validation part has 4, with validationSplit 0\.1\)\. .*or raise validationSplit\./, '10');
    assert.doesNotMatch(message, /training part has/);
  });

  test('a sequence length longer than the validation tail of a text names that part and the numbers', async () => {
    const ws = workspace({ name: 'e', data: { kind: 'text', path: 'c.txt' }, training: { sequenceLength: 200 } }, { 'c.txt': 'a'.repeat(1000) });
    const message = await sameEverywhere(ws, /c\.txt: the corpus has 1 000 characters; with sequenceLength 200 and validationSplit 0\.1 it needs at least 2 001 \(the validation tail must hold one window of 201 and has 100\)\. Use a longer text or lower training\.sequenceLength to 99 or less, or raise validationSplit\./, '200');
    assert.doesNotMatch(message, /training part/);
  });

  test('a sequence length longer than the whole text names both parts', async () => {
    const ws = workspace({ name: 'e', data: { kind: 'text', path: 'c.txt' }, training: { sequenceLength: 950 } }, { 'c.txt': 'a'.repeat(1000) });
    await sameEverywhere(ws, /the training part and the validation tail must each hold one window of 951; they have 900 and 100/, '950');
  });

  test('pairs: a line without the separator, with its line', async () => {
    const ws = workspace({ name: 'e', data: { kind: 'pairs', path: 'p.tsv' }, model: { kind: 'seq2seq' } }, { 'p.tsv': 'Go.\tVa !\nHi. Salut !\nRun!\tCours !\n' });
    await sameEverywhere(ws, /p\.tsv:2: the line has no tab: "Hi\. Salut !"\. Separate source and target with a tab, or set "skipMalformed": true/, '"p.tsv"');
  });

  test('pairs: a column that the header lacks, with did-you-mean, at data.targetColumn', async () => {
    const ws = workspace({ name: 'e', data: { kind: 'pairs', path: 'g.csv', sourceColumn: 'word', targetColumn: 'phonems' }, model: { kind: 'seq2seq' } }, { 'g.csv': 'word,phonemes\nhello,HH AH L OW\ncat,K AE T\n' });
    await sameEverywhere(ws, /g\.csv:1: data\.targetColumn names column "phonems", which the header does not have\. Did you mean "phonemes"\?/, '"phonems"');
  });

  test('pairs: nothing left after the length filter, at the limit that dropped most', async () => {
    const ws = workspace({ name: 'e', data: { kind: 'pairs', path: 'p.tsv', maxSourceLength: 2 }, model: { kind: 'seq2seq' } }, { 'p.tsv': 'Go.\tVa !\nHi.\tSalut !\nRun!\tCours !\n' });
    await sameEverywhere(ws, /no pair is left after the length limits: of 3 pairs, 3 have more than maxSourceLength 2 source characters \(the shortest source has 3\)/, '2');
  });

  test('pairs: too few pairs for the validation split', async () => {
    const ws = workspace({ name: 'e', data: { kind: 'pairs', path: 'p.tsv' }, model: { kind: 'seq2seq' }, validationSplit: 0.1 }, { 'p.tsv': 'Go.\tVa !\nHi.\tSalut !\nRun!\tCours !\n' });
    await sameEverywhere(ws, /3 pairs are too few to hold validationSplit 0\.1 of them out \(that rounds to none\)/, '0.1');
  });
});

describe('dataIssues', () => {
  test('every CSV column the header lacks at once, each at its place, in the loader\'s words', () => {
    const ws = workspace({}, { 'v.csv': `\n${weather}` });
    const data = { kind: 'csv', path: 'v.csv', targets: ['visitors', 'vistors'], features: ['Temperature', 'temperature'], dateColumns: ['dat'], dateHandling: 'ignore', lookback: 4, horizon: 1, missing: 'error', delimiter: ',' } as const;
    const config = parseConfig(JSON.stringify({ name: 'e', data }), ws.configPath).config!;
    const issues = dataIssues(config, ws.configPath);
    assert.deepEqual(issues.map((i) => i.segments), [['data', 'targets', 1], ['data', 'features', 0], ['data', 'dateColumns', 0]]);
    // the loader stops at the first; the header's line (2, after a blank line) is the file's
    const loaderSays = (() => {
      try {
        loadDataset(config.data, { configDir: ws.dir, validationSplit: 0.1, sequenceLength: 1 });
      } catch (e) {
        return (e as Error).message;
      }
    })();
    assert.equal(issues[0].message, loaderSays);
    assert.match(issues[0].message, /v\.csv:2: data\.targets names column "vistors"/);
    assert.match(issues[1].message, /data\.features names column "Temperature".*Did you mean "temperature"\?/);
    assert.match(issues[2].message, /data\.dateColumns names column "dat".*Did you mean "date"\?/);
  });

  test('data that loads has no issues; generated data is checked by generating it', () => {
    const ws = workspace({}, { 'v.csv': weather });
    const ok = parseConfig(JSON.stringify({ name: 'e', data: { kind: 'csv', path: 'v.csv', targets: ['visitors'], dateColumns: ['date'], lookback: 3 } }), ws.configPath).config!;
    assert.deepEqual(dataIssues(ok, ws.configPath), []);
    // two sources ("a", "b") that seed 3 both puts into training: no validation pair can be drawn
    const data = { kind: 'synthetic-pairs', task: 'reverse', alphabetSize: 2, minLength: 1, maxLength: 1, samples: 10, seed: 3 };
    const tiny = parseConfig(JSON.stringify({ name: 'e', data, model: { kind: 'seq2seq' }, validationSplit: 0.1 }), ws.configPath).config!;
    const [issue, ...more] = dataIssues(tiny, ws.configPath);
    assert.deepEqual(more, []);
    assert.deepEqual([issue.segments, issue.severity], [['data', 'task'], 'error']);
    assert.match(issue.message, /too few distinct sources to keep validation sources out of training/);
    assert.deepEqual(dataIssues(parseConfig(JSON.stringify({ name: 'e', data: { ...data, seed: 1 }, model: { kind: 'seq2seq' }, validationSplit: 0.1 }), ws.configPath).config!, ws.configPath), []);
  });
});
