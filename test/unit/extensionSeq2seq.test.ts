// The extension's pure parts for encoder–decoder configs and runs: the "Sequence pairs (TSV)" template,
// checked as the editor checks it (parseConfig, the data file's head, the engine's data checks).

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { fileProblems } from '../../src/extension/configs/fileChecks';
import { pairsConfigDir, renderTemplate } from '../../src/extension/templates/templates';
import { parseConfig } from '../../src/shared/configValidation';
import { seq2seqSides } from '../../src/shared/seq2seqConfig';
import { dataIssues } from '../../src/trainer/data/dataChecks';

const repo = path.resolve(__dirname, '../..');
const datesTsv = path.join(repo, 'examples/seq2seq/dates.tsv');

test('pairs template: an LSTM encoder–decoder with additive attention on the picked file, valid as the editor checks it', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-pairs-template-'));
  try {
    const configDir = path.join(dir, 'experiments');
    fs.mkdirSync(configDir);
    const dataFile = path.join(dir, 'data', 'dates.tsv');
    fs.mkdirSync(path.dirname(dataFile));
    fs.copyFileSync(datesTsv, dataFile);
    const configPath = path.join(configDir, 'dates.seqlab.json');
    const rendered = renderTemplate({ id: 'pairs', dataPath: path.relative(configDir, dataFile), level: 'char' }, undefined, 'dates');
    fs.writeFileSync(configPath, rendered.text);

    const { config, problems } = parseConfig(rendered.text, configPath);
    assert.deepEqual(problems, []);
    assert.ok(config && config.data.kind === 'pairs' && config.model.kind === 'seq2seq');
    assert.equal(config.data.path, '../data/dates.tsv', 'relative to the config, with forward slashes');
    assert.deepEqual([config.data.sourceLevel, config.data.targetLevel], ['char', 'char']);
    const { encoder, decoder } = seq2seqSides(config.model);
    assert.deepEqual([encoder.cell, decoder.cell, config.model.attention], ['lstm', 'lstm', 'additive']);
    assert.deepEqual((await fileProblems(rendered.text, configPath, config)).problems, []);
    assert.deepEqual(dataIssues(config, configPath), [], 'the data checks train would run pass on the picked file');

    // a file that is not there is the editor's problem at data.path, not a silent "ok"
    const moved = renderTemplate({ id: 'pairs', dataPath: 'nowhere.tsv', level: 'word' }, undefined, 'moved');
    const parsed = parseConfig(moved.text, configPath);
    assert.ok(parsed.config);
    const missing = (await fileProblems(moved.text, configPath, parsed.config)).problems;
    assert.equal(missing.length, 1);
    assert.match(missing[0].message, /nowhere\.tsv/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('pairs template: the config goes next to a workspace file, else into the workspace root', () => {
  const ws = path.join(path.sep, 'ws');
  assert.equal(pairsConfigDir(path.join(ws, 'data', 'fra.txt'), [ws], ws), path.join(ws, 'data'));
  assert.equal(pairsConfigDir(path.join(path.sep, 'downloads', 'fra.txt'), [ws], ws), ws);
});
