// Behaviour of src/shared/configValidation.ts: what a user sees for a good config, a broken one,
// and one that validates but sets something that has no effect.

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse as parseJsonc } from 'jsonc-parser';
import { ConfigError, applyDefaults, formatProblem, parseConfig, type ConfigProblem } from '../../src/shared/configValidation';
import { MAX_CONFIG_DEPTH } from '../../src/shared/configSource';
import { closestMatch, editDistance } from '../../src/shared/didYouMean';

const here = typeof __dirname !== 'undefined' ? __dirname : dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const examplesDir = join(root, 'examples');
const fixturesDir = join(root, 'test', 'fixtures', 'configs');

function parseFixture(name: string) {
  return parseConfig(readFileSync(join(fixturesDir, name), 'utf8'), name);
}

function errors(problems: ConfigProblem[]): ConfigProblem[] {
  return problems.filter((p) => p.severity === 'error');
}

function only(problems: ConfigProblem[]): ConfigProblem {
  assert.equal(problems.length, 1, `expected one problem, got:\n${problems.map((p) => formatProblem('x', p)).join('\n')}`);
  return problems[0];
}

describe('examples', () => {
  const examples = readdirSync(examplesDir).filter((f) => f.endsWith('.seqlab.json'));

  test('there is one per data kind and per synthetic task the brief names', () => {
    for (const name of ['adding-problem', 'copy-task', 'temporal-order', 'char-lm', 'forecast']) {
      assert.ok(examples.includes(`${name}.seqlab.json`), `${name}.seqlab.json is missing`);
    }
  });

  for (const file of examples) {
    test(`${file} validates without warnings and its data file exists`, () => {
      const path = join(examplesDir, file);
      const text = readFileSync(path, 'utf8');
      const { config, problems } = parseConfig(text, file);
      assert.deepEqual(problems.map((p) => formatProblem(file, p)), []);
      assert.ok(config);
      assert.equal(parseJsonc(text).$schema, '../schemas/seqlab.schema.json');
      if ('path' in config.data) {
        const dataPath = join(dirname(path), config.data.path);
        assert.ok(existsSync(dataPath), `${dataPath} does not exist`);
        assert.ok(readFileSync(dataPath).length < 8 * 1024, `${dataPath} is too big to commit as an example`);
      }
    });
  }
});

describe('defaults', () => {
  test('omitted settings are filled from the schema, given ones are kept', () => {
    const { config, problems } = parseConfig(
      '{ "$schema": "x.json", "name": "d", "data": { "kind": "text", "path": "c.txt" }, "model": { "hiddenSize": 16 } }',
      'd.seqlab.json',
    );
    assert.deepEqual(problems, []);
    assert.ok(config);
    assert.equal(config.model.hiddenSize, 16);
    assert.equal(config.model.cell, 'lstm');
    assert.equal(config.training.optimizer, 'adam');
    assert.equal(config.training.learningRate, 0.002);
    assert.equal(config.training.batchSize, 32);
    assert.equal(config.training.sequenceLength, 64);
    assert.deepEqual(config.training.clipping, { globalNorm: 5, value: 0 });
    assert.deepEqual(config.data, { kind: 'text', path: 'c.txt', level: 'char', lowercase: false, validationFrom: 'tail' });
    assert.deepEqual(config.diagnostics.probe, {});
    assert.equal(config.compare, undefined);
    assert.ok(!('$schema' in config), '$schema is editor-only and must not reach the trainer');
  });

  test('each data kind gets its own branch defaults and no other branch', () => {
    const csv = applyDefaults({ name: 'c', data: { kind: 'csv', path: 's.csv', targets: ['y'] } });
    assert.deepEqual(csv.data, {
      kind: 'csv', path: 's.csv', features: [], targets: ['y'], dateColumns: [], dateHandling: 'ignore',
      lookback: 32, horizon: 1, missing: 'error', delimiter: ',',
    });
    const synthetic = applyDefaults({ name: 's', data: { kind: 'synthetic', task: 'copy' } });
    assert.deepEqual(synthetic.data, { kind: 'synthetic', task: 'copy', length: 50, samples: 10000, seed: 1 });
  });

  test('defaults are copies: changing one config does not change the next', () => {
    const a = applyDefaults({ name: 'a', data: { kind: 'synthetic', task: 'sine' } });
    a.diagnostics.sampleTemperatures.push(9);
    const b = applyDefaults({ name: 'b', data: { kind: 'synthetic', task: 'sine' } });
    assert.deepEqual(b.diagnostics.sampleTemperatures, [0.5, 1]);
  });

  test('applyDefaults refuses an invalid config and says why', () => {
    assert.throws(
      () => applyDefaults({ name: 'x', data: { kind: 'csv', path: 'a.csv' } }),
      (e: unknown) => e instanceof ConfigError && /data\.targets/.test(e.message) && e.problems.length === 1,
    );
  });
});

describe('size', () => {
  test('a 50 MB config (one long string) is read like any other: its problem named with its place, no crash', () => {
    const text = `{ "name": "big", "data": { "kind": "synthetic", "task": "sine" },\n  "notes": "${'x'.repeat(50 << 20)}" }`;
    const p = only(parseConfig(text, 'big.seqlab.json').problems);
    assert.match(p.message, /^Unknown setting "notes" in the config\./);
    assert.equal(p.offset, text.indexOf('"notes"'));
  });
});

describe('nesting', () => {
  const nested = (depth: number, inner = '1') => `{ "name": "n", "data": { "kind": "synthetic", "task": "sine" }, "x": ${'['.repeat(depth - 1)}${inner}${']'.repeat(depth - 1)} }`;

  test('past MAX_CONFIG_DEPTH one error at the first bracket too deep, before anything recurses', () => {
    const text = nested(5000);
    const p = only(parseConfig(text, 'n.seqlab.json').problems);
    assert.equal(p.path, '');
    assert.equal(p.offset, text.indexOf('[') + MAX_CONFIG_DEPTH - 1);
    assert.match(p.message, /nests objects and lists 5000 levels deep, past the 64 that SeqLab reads/);
  });

  test('up to the limit the config is read as usual (here: an unknown key); brackets in strings and comments do not count', () => {
    assert.match(only(parseConfig(nested(MAX_CONFIG_DEPTH), 'n.seqlab.json').problems).message, /Unknown setting "x"/);
    assert.match(only(parseConfig(nested(MAX_CONFIG_DEPTH + 1), 'n.seqlab.json').problems).message, /65 levels deep/);
    const quoted = nested(2, `"${'['.repeat(500)}" /* ${'{'.repeat(500)} */`);
    assert.match(only(parseConfig(quoted, 'n.seqlab.json').problems).message, /Unknown setting "x"/);
  });
});

describe('problems point at the right place', () => {
  test('missing data points at the root object', () => {
    const { config, problems } = parseFixture('missing-data.seqlab.json');
    assert.equal(config, undefined);
    const p = only(problems);
    assert.equal(p.path, 'data');
    assert.deepEqual([p.line, p.column], [3, 1]);
    assert.match(p.message, /needs "data"/);
    assert.match(p.message, /"kind": "synthetic"/, 'the message shows what to add');
  });

  test('an unknown key gets a did-you-mean at the key', () => {
    const p = only(parseFixture('unknown-key.seqlab.json').problems);
    assert.equal(p.path, 'model.hiddenSise');
    assert.deepEqual([p.line, p.column, p.length], [6, 5, '"hiddenSise"'.length]);
    assert.match(p.message, /did you mean "hiddenSize"\?/i);
    assert.equal(p.suggestion, '"hiddenSize"');
  });

  test('an unknown key with no near match lists what is allowed, or says where it belongs', () => {
    const far = only(parseConfig('{ "name": "x", "data": { "kind": "synthetic", "task": "sine" }, "model": { "colour": 1 } }', 'a.seqlab.json').problems);
    assert.match(far.message, /Allowed here: kind, cell, hiddenSize, layers/);
    const misplaced = only(parseConfig('{ "name": "x", "data": { "kind": "synthetic", "task": "sine" }, "learningRate": 0.1 }', 'a.seqlab.json').problems);
    assert.match(misplaced.message, /belongs in training/);
  });

  test('a wrong enum value lists the choices', () => {
    const p = only(parseFixture('bad-enum.seqlab.json').problems);
    assert.equal(p.path, 'training.backend');
    assert.deepEqual([p.line, p.column], [4, 28]);
    assert.match(p.message, /"wasm", "tfjs", "auto"/);
    assert.match(p.message, /got "gpu"/);
  });

  test('a misspelt enum value gets a suggestion', () => {
    const p = only(parseConfig('{ "name": "x", "data": { "kind": "synthetic", "task": "sine" }, "model": { "cell": "LSTM" } }', 'a.seqlab.json').problems);
    assert.match(p.message, /Did you mean "lstm"\?/);
    assert.equal(p.suggestion, '"lstm"');
  });

  test('a negative learning rate names the range and what to do', () => {
    const p = only(parseFixture('negative-learning-rate.seqlab.json').problems);
    assert.equal(p.path, 'training.learningRate');
    assert.deepEqual([p.line, p.column, p.length], [6, 21, 2]);
    assert.match(p.message, /^training\.learningRate must be > 0\b.*\(got -1\)\. Set a positive number such as 0\.002\.$/);
  });

  test('a number in quotes is a type error with a fix', () => {
    const p = only(parseConfig('{ "name": "x", "data": { "kind": "synthetic", "task": "sine" }, "training": { "batchSize": "64" } }', 'a.seqlab.json').problems);
    assert.match(p.message, /training\.batchSize must be a whole number \(got the string "64"\)\. Remove the quotes/);
    assert.equal(p.suggestion, '64');
  });

  test('a value of the wrong type gets one message, not one per failed rule', () => {
    const p = only(parseConfig('{ "name": "x", "data": { "kind": 3 } }', 'a.seqlab.json').problems);
    assert.match(p.message, /data\.kind must be a string/);
  });

  test('a missing comma is a syntax error at the next property', () => {
    const { config, problems } = parseFixture('missing-comma.seqlab.json');
    assert.equal(config, undefined);
    const p = only(problems);
    assert.deepEqual([p.line, p.column], [4, 3]);
    assert.match(p.message, /expected a comma/);
  });

  test('text after the closing brace is a syntax error where it starts', () => {
    const p = only(parseFixture('trailing-garbage.seqlab.json').problems);
    assert.deepEqual([p.line, p.column], [5, 1]);
    assert.match(p.message, /after the end of the config object/);
  });

  test('single quotes get a hint', () => {
    const p = only(parseConfig("{ 'name': 'x' }", 'a.seqlab.json').problems);
    assert.match(p.message, /double quotes/);
  });

  test('an empty file says so', () => {
    const p = only(parseConfig('  // nothing yet\n', 'a.seqlab.json').problems);
    assert.match(p.message, /empty/);
    assert.deepEqual([p.line, p.column], [1, 1]);
  });

  test('a repeated key is an error at the second occurrence', () => {
    const p = only(parseConfig('{ "name": "a",\n  "name": "b", "data": { "kind": "synthetic", "task": "sine" } }', 'a.seqlab.json').problems);
    assert.deepEqual([p.line, p.column], [2, 3]);
    assert.match(p.message, /"name" appears more than once/);
  });

  test('JSONC comments and trailing commas are accepted', () => {
    const { config, problems } = parseFixture('comments.seqlab.json');
    assert.deepEqual(problems, []);
    assert.equal(config?.model.hiddenSize, 32);
    assert.equal(config?.data.kind, 'synthetic');
  });

  test('a byte-order mark at the start is accepted', () => {
    const text = `\uFEFF${readFileSync(join(fixturesDir, 'comments.seqlab.json'), 'utf8')}`;
    assert.deepEqual(parseConfig(text, 'bom.seqlab.json').problems, []);
  });

  test('lines and columns count CRLF line ends once', () => {
    const text = readFileSync(join(fixturesDir, 'unknown-key.seqlab.json'), 'utf8').replace(/\n/g, '\r\n');
    const p = only(parseConfig(text, 'crlf.seqlab.json').problems);
    assert.deepEqual([p.line, p.column], [6, 5]);
  });
});

describe('the data union', () => {
  test('csv without targets is an error at the data object', () => {
    const p = only(parseFixture('csv-without-targets.seqlab.json').problems);
    assert.equal(p.path, 'data.targets');
    assert.deepEqual([p.line, p.column], [3, 11]);
    assert.match(p.message, /"csv"\) needs "targets"/);
  });

  test('only the branch chosen by kind is reported', () => {
    const { problems } = parseFixture('csv-with-other-branches-keys.seqlab.json');
    assert.deepEqual(
      problems.map((p) => p.path),
      ['data.targets', 'data.level', 'data.task', 'data.lookback'],
      problems.map((p) => p.message).join('\n'),
    );
    assert.match(problems[1].message, /setting of text data only/);
    assert.match(problems[2].message, /setting of synthetic and synthetic-pairs data only/);
    assert.ok(!problems.some((p) => /must match|oneOf|"then"/.test(p.message)), 'no schema-machinery wording');
  });

  test('data without kind gives one message about kind', () => {
    const p = only(parseFixture('data-without-kind.seqlab.json').problems);
    assert.equal(p.path, 'data.kind');
    assert.match(p.message, /needs "kind", one of "text", "csv", "synthetic"/);
  });

  test('an unknown kind gives one message listing the kinds', () => {
    const p = only(parseConfig('{ "name": "x", "data": { "kind": "json", "path": "a.json" } }', 'a.seqlab.json').problems);
    assert.equal(p.path, 'data.kind');
    assert.match(p.message, /"text", "csv", "synthetic", "pairs", "synthetic-pairs" \(got "json"\)/);
  });
});

describe('checks across fields', () => {
  test('settings that have no effect are warnings, and the config is still returned', () => {
    const { config, problems } = parseFixture('ignored-settings.seqlab.json');
    assert.ok(config);
    assert.deepEqual(problems.map((p) => [p.severity, p.path]), [
      ['warning', 'model.dropout'],
      ['warning', 'training.momentum'],
    ]);
    assert.match(problems[1].message, /ignored by adam/);
  });

  test('a date column cannot also be a target', () => {
    const { config, problems } = parseFixture('csv-date-as-target.seqlab.json');
    assert.equal(config, undefined);
    const p = only(errors(problems));
    assert.equal(p.path, 'data.targets[0]');
    assert.deepEqual([p.line, p.column], [6, 17]);
    assert.match(p.message, /"date" is listed in data\.dateColumns/);
  });

  test('minLearningRate: ignored by the constant schedule, and not above learningRate for cosine', () => {
    const parse = (training: string) =>
      parseConfig(`{ "name": "x", "data": { "kind": "synthetic", "task": "adding" }, "training": ${training} }`, 'a.seqlab.json').problems;
    assert.deepEqual(parse('{ "learningRateSchedule": "cosine", "minLearningRate": 0.0001 }'), []);
    const ignored = only(parse('{ "minLearningRate": 0.0001 }'));
    assert.deepEqual([ignored.severity, ignored.path], ['warning', 'training.minLearningRate']);
    const above = only(parse('{ "learningRateSchedule": "cosine", "learningRate": 0.001, "minLearningRate": 0.01 }'));
    assert.deepEqual([above.severity, above.path], ['error', 'training.minLearningRate']);
    assert.match(above.message, /above training\.learningRate \(0\.001\)/);
  });

  test('chronoInit: ignored for other cells, overrides forgetBias, and needs a range of at least 3', () => {
    const parse = (model: string, extra = '') =>
      parseConfig(`{ "name": "x", "data": { "kind": "synthetic", "task": "adding" }, "model": ${model}${extra} }`, 'a.seqlab.json').problems;
    assert.deepEqual(parse('{ "cell": "lstm", "chronoInit": 100 }'), []);
    assert.match(only(parse('{ "cell": "gru", "chronoInit": 100 }')).message, /model\.chronoInit only applies to LSTM cells; this experiment trains gru/);
    const both = only(parse('{ "cell": "lstm", "chronoInit": 100, "forgetBias": 2 }'));
    assert.deepEqual([both.severity, both.path], ['warning', 'model.forgetBias']);
    const tiny = only(parse('{ "cell": "lstm", "chronoInit": 2 }'));
    assert.deepEqual([tiny.severity, tiny.path], ['error', 'model.chronoInit']);
    assert.match(tiny.message, /0 \(off\) or at least 3/);
  });

  test('a probe index beyond the synthetic validation set is a warning', () => {
    const { problems } = parseConfig(
      '{ "name": "x", "data": { "kind": "synthetic", "task": "adding", "samples": 100 }, "validationSplit": 0.1, "diagnostics": { "probe": { "validationIndex": 10 } } }',
      'a.seqlab.json',
    );
    const p = only(problems);
    assert.equal(p.severity, 'warning');
    assert.match(p.message, /past the last of the 10 validation examples/);
  });

  test('a synthetic task shorter than its generator allows is an error at data.length', () => {
    const { config, problems } = parseConfig('{ "name": "x", "data": { "kind": "synthetic", "task": "temporal-order", "length": 8 } }', 'a.seqlab.json');
    assert.equal(config, undefined);
    const p = only(problems);
    assert.equal(p.path, 'data.length');
    assert.match(p.message, />= 10 for the temporal-order task \(got 8\)/);
  });

  test('pairs data: its own cross-field checks, at their fields; a column is an index or a name', () => {
    const config = (data: object) => JSON.stringify({ name: 'p', data, model: { kind: 'seq2seq' } });
    const named = parseConfig(config({ kind: 'pairs', path: 'g2p.csv', header: false, sourceColumn: 'word' }), 'p.seqlab.json').problems;
    assert.deepEqual(named.map((p) => [p.path, p.severity]), [['data.sourceColumn', 'error']]);
    const fraction = only(parseConfig(config({ kind: 'pairs', path: 'g2p.csv', targetColumn: 1.5 }), 'p.seqlab.json').problems);
    assert.equal(fraction.message, 'data.targetColumn must be a whole number or a string in double quotes (got 1.5).');
    const ignored = parseConfig(config({ kind: 'synthetic-pairs', task: 'addition', maxLength: 9 }), 'p.seqlab.json');
    assert.ok(ignored.config);
    assert.deepEqual(ignored.problems.map((p) => [p.path, p.severity]), [['data.maxLength', 'warning']]);
    const embedding = parseConfig(JSON.stringify({ name: 'p', data: { kind: 'synthetic-pairs', task: 'sort' }, model: { kind: 'seq2seq', embeddingSize: 8 }, training: { sequenceLength: 9 } }), 'p.seqlab.json');
    assert.deepEqual(embedding.problems.map((p) => p.path), ['training.sequenceLength'], 'pairs are tokens: an embedding size applies');
    assert.match(embedding.problems[0].message, /pairs have their own lengths \(data\.maxSourceLength, data\.maxTargetLength\)/);
  });

  test('a file name that VS Code will not recognise is a warning', () => {
    const { config, problems } = parseConfig('{ "name": "x", "data": { "kind": "synthetic", "task": "sine" } }', 'dir/exp.json');
    assert.ok(config);
    assert.match(only(problems).message, /Rename it to exp\.seqlab\.json/);
  });
});

describe('formatProblem', () => {
  test('prints file:line:column: severity: message', () => {
    const p = only(parseFixture('negative-learning-rate.seqlab.json').problems);
    assert.equal(
      formatProblem('path/x.seqlab.json', p),
      'path/x.seqlab.json:6:21: error: training.learningRate must be > 0 and <= 10 (got -1). Set a positive number such as 0.002.',
    );
  });
});

describe('did you mean', () => {
  test('edit distance counts insertions, deletions, substitutions and adjacent swaps', () => {
    assert.equal(editDistance('hiddenSise', 'hiddenSize'), 1);
    assert.equal(editDistance('hiddneSize', 'hiddenSize'), 1);
    assert.equal(editDistance('layer', 'layers'), 1);
    assert.equal(editDistance('', 'abc'), 3);
    assert.equal(editDistance('kitten', 'sitting'), 3);
  });

  test('suggests only near matches', () => {
    assert.equal(closestMatch('learningrate', ['learningRate', 'momentum']), 'learningRate');
    assert.equal(closestMatch('epoch', ['epochs', 'maxSteps']), 'epochs');
    assert.equal(closestMatch('colour', ['cell', 'hiddenSize', 'layers']), undefined);
  });
});
