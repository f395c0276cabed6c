// The pairs and synthetic-pairs branches of schemas/seqlab.schema.json against ajv and against
// src/shared/pairsConfig.ts, with examples/seq2seq validating and loading; and their cross-field checks.

import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import Ajv, { type ErrorObject } from 'ajv';
import { parse as parseJsonc } from 'jsonc-parser';
import { seqlabSchema, type SchemaNode, schemaValidator } from '../../src/shared/configSchema';
import { PAIR_FILE_FORMATS, PAIR_LEVELS, PAIR_TASKS, type PairDataConfig, type PairsDataConfig, type SyntheticPairsDataConfig } from '../../src/shared/pairsConfig';
import { pairDataIssues } from '../../src/shared/pairsConfigChecks';
import { loadPairsDataset } from '../../src/trainer/data/pairs';
import { loadSyntheticPairsDataset } from '../../src/trainer/data/pairTasks';

const PAIR_KINDS = ['pairs', 'synthetic-pairs'];
/** The data schema of the pairs kinds alone: seqlab.schema.json's `data` with only their branches. */
const fragment: SchemaNode = pairsPartOf(seqlabSchema.properties!.data);
const EDITOR_KEYWORDS = ['markdownDescription', 'enumDescriptions', 'defaultSnippets', 'allowComments', 'allowTrailingCommas'];
const examplesDir = resolve(__dirname, '../../examples/seq2seq');

/** ajv as src/shared/configSchema.ts sets it up (allowUnionTypes for the column fields). */
function compile(schema: object) {
  const ajv = new Ajv({ allErrors: true, strict: true, verbose: true, allowUnionTypes: true });
  ajv.addVocabulary(EDITOR_KEYWORDS);
  return ajv.compile(schema);
}
const validateData = compile(fragment);
const errorsOf = (data: unknown): ErrorObject[] => (validateData(data) ? [] : validateData.errors!.filter((e) => e.keyword !== 'if'));

function pairsPartOf(data: SchemaNode): SchemaNode {
  const kind = data.properties!.kind;
  return {
    type: 'object',
    required: ['kind'],
    properties: { kind: { ...kind, enum: PAIR_KINDS, enumDescriptions: PAIR_KINDS.map((k) => kind.enumDescriptions![kind.enum!.indexOf(k)]) } },
    defaultSnippets: data.defaultSnippets!.filter((s) => PAIR_KINDS.includes((s.body as { kind: string }).kind)),
    allOf: data.allOf!.filter((b) => PAIR_KINDS.includes(String(b.if.properties!.kind.const))),
  };
}

const branch = (kind: string) => fragment.allOf!.find((b) => b.if.properties!.kind.const === kind)!.then;

/** Defaults of the kind's branch for every key left out, as configSchema.ts's fillDefaults does. */
function withDefaults<T extends PairDataConfig = PairDataConfig>(data: { kind: PairDataConfig['kind'] } & Partial<Omit<T, 'kind'>>): T {
  const out: Record<string, unknown> = { ...data };
  for (const [key, s] of Object.entries(branch(data.kind).properties!)) if (!(key in out) && s.default !== undefined) out[key] = s.default;
  return out as T;
}

type Complete<T> = { [K in keyof T]-?: T[K] };
const maximalPairs: Complete<PairsDataConfig> = {
  kind: 'pairs', path: 'p.tsv', format: 'csv', sourceColumn: 'en', targetColumn: 2, header: true, sourceLevel: 'word', targetLevel: 'char',
  lowercase: true, maxSourceLength: 20, maxTargetLength: 30, maxPairs: 1000, skipMalformed: true, seed: 9,
};
const maximalTask: Complete<SyntheticPairsDataConfig> = {
  kind: 'synthetic-pairs', task: 'sort', digits: 4, reverseSource: true, minLength: 2, maxLength: 7, alphabetSize: 12, samples: 500, seed: 3,
};

describe('the pairs branches of seqlab.schema.json', () => {
  test('compiles in ajv\'s strict mode with allowUnionTypes, and only with it (sourceColumn is an integer or a name)', () => {
    assert.equal(typeof validateData, 'function');
    const strictOnly = new Ajv({ strict: true });
    strictOnly.addVocabulary(EDITOR_KEYWORDS);
    assert.throws(() => strictOnly.compile(fragment), /allowUnionTypes/);
  });

  test('every property described, defaulted unless required or left out on purpose; enums documented; no unknown keys', () => {
    const noDefault = new Set(['kind', 'path', 'task', 'header']);
    for (const b of fragment.allOf!) {
      assert.equal(b.then.additionalProperties, false);
      for (const [key, s] of Object.entries(b.then.properties!)) {
        assert.ok(s.description, `${key} has no description`);
        if (noDefault.has(key)) assert.equal(s.default, undefined, key);
        else assert.notEqual(s.default, undefined, `${key} has no default`);
        if (s.enum) assert.equal(s.enumDescriptions?.length, s.enum.length, key);
      }
    }
    assert.deepEqual(fragment.allOf!.map((b) => b.if.properties!.kind.const), fragment.properties!.kind.enum);
    assert.deepEqual(fragment.allOf!.map((b) => b.then.required), [['kind', 'path'], ['kind', 'task']]);
    assert.equal(fragment.properties!.kind.enumDescriptions!.length, 2);
  });

  test('the fields are those of PairsDataConfig and SyntheticPairsDataConfig; the enums are config.ts\'s constants', () => {
    assert.deepEqual(Object.keys(branch('pairs').properties!).sort(), Object.keys(maximalPairs).sort());
    assert.deepEqual(Object.keys(branch('synthetic-pairs').properties!).sort(), Object.keys(maximalTask).sort());
    assert.deepEqual(branch('pairs').properties!.format.enum, PAIR_FILE_FORMATS);
    assert.deepEqual(branch('pairs').properties!.sourceLevel.enum, PAIR_LEVELS);
    assert.deepEqual(branch('pairs').properties!.targetLevel.enum, PAIR_LEVELS);
    assert.deepEqual(branch('synthetic-pairs').properties!.task.enum, PAIR_TASKS);
    assert.deepEqual(errorsOf(maximalPairs), []);
    assert.deepEqual(errorsOf(maximalTask), []);
  });

  test('defaults alone make a complete, valid section: the Tatoeba layout, char level, no limits, seed 1', () => {
    const pairs = withDefaults<PairsDataConfig>({ kind: 'pairs', path: 'fra.txt' });
    assert.deepEqual(pairs, {
      kind: 'pairs', path: 'fra.txt', format: 'auto', sourceColumn: 0, targetColumn: 1, sourceLevel: 'char', targetLevel: 'char',
      lowercase: false, maxSourceLength: 0, maxTargetLength: 0, maxPairs: 0, skipMalformed: false, seed: 1,
    });
    const task = withDefaults<SyntheticPairsDataConfig>({ kind: 'synthetic-pairs', task: 'addition' });
    assert.deepEqual(task, { kind: 'synthetic-pairs', task: 'addition', digits: 3, reverseSource: false, minLength: 5, maxLength: 10, alphabetSize: 26, samples: 10000, seed: 1 });
    assert.deepEqual([...errorsOf(pairs), ...errorsOf(task)], []);
  });

  test('rejects what a user can get wrong, at the field', () => {
    const cases: [unknown, string, string][] = [
      [{ kind: 'pairs' }, 'required', ''],
      [{ kind: 'pairs', path: '' }, 'minLength', '/path'],
      [{ kind: 'pairs', path: 'p.tsv', sourceColumn: -1 }, 'minimum', '/sourceColumn'],
      [{ kind: 'pairs', path: 'p.tsv', sourceColumn: 1.5 }, 'type', '/sourceColumn'],
      [{ kind: 'pairs', path: 'p.tsv', targetColumn: '' }, 'minLength', '/targetColumn'],
      [{ kind: 'pairs', path: 'p.tsv', targetColumn: true }, 'type', '/targetColumn'],
      [{ kind: 'pairs', path: 'p.tsv', sourceLevel: 'phoneme' }, 'enum', '/sourceLevel'],
      [{ kind: 'pairs', path: 'p.tsv', format: 'xlsx' }, 'enum', '/format'],
      [{ kind: 'pairs', path: 'p.tsv', maxPairs: -5 }, 'minimum', '/maxPairs'],
      [{ kind: 'pairs', path: 'p.tsv', level: 'word' }, 'additionalProperties', ''],
      [{ kind: 'pairs', path: 'p.tsv', task: 'sort' }, 'additionalProperties', ''],
      [{ kind: 'synthetic-pairs' }, 'required', ''],
      [{ kind: 'synthetic-pairs', task: 'multiply' }, 'enum', '/task'],
      [{ kind: 'synthetic-pairs', task: 'addition', digits: 0 }, 'minimum', '/digits'],
      [{ kind: 'synthetic-pairs', task: 'addition', digits: 16 }, 'maximum', '/digits'],
      [{ kind: 'synthetic-pairs', task: 'sort', alphabetSize: 27 }, 'maximum', '/alphabetSize'],
      [{ kind: 'synthetic-pairs', task: 'sort', path: 'x.tsv' }, 'additionalProperties', ''],
      [{ kind: 'translation' }, 'enum', '/kind'],
    ];
    for (const [data, keyword, path] of cases) {
      const errors = errorsOf(data);
      assert.ok(errors.some((e) => e.keyword === keyword && e.instancePath === path), `${JSON.stringify(data)}: ${JSON.stringify(errors.map((e) => [e.keyword, e.instancePath]))}`);
    }
  });
});

describe('with the rest of seqlab.schema.json', () => {
  const validate = schemaValidator();

  test('examples/seq2seq validate, and so do the examples of the other kinds', () => {
    const ownExamples = readdirSync(examplesDir).filter((f) => f.endsWith('.seqlab.json'));
    assert.deepEqual(ownExamples.sort(), ['addition.seqlab.json', 'dates.seqlab.json', 'reverse.seqlab.json', 'sort.seqlab.json']);
    const others = readdirSync(resolve(examplesDir, '..')).filter((f) => f.endsWith('.seqlab.json')).map((f) => resolve(examplesDir, '..', f));
    for (const file of [...ownExamples.map((f) => join(examplesDir, f)), ...others]) {
      const config = parseJsonc(readFileSync(file, 'utf8'));
      assert.equal(validate(config), true, `${file}: ${JSON.stringify(validate.errors)}`);
    }
    const wrong = { name: 'x', data: { kind: 'pairs', path: 'p.tsv', digits: 3 } };
    assert.equal(validate(wrong), false, 'a task setting in a file section is still an unknown key');
  });

  test('the examples\' data loads: dates.tsv has 200 pairs, and every task generates', () => {
    for (const f of readdirSync(examplesDir).filter((name) => name.endsWith('.seqlab.json'))) {
      const config = parseJsonc(readFileSync(join(examplesDir, f), 'utf8')) as { data: { kind: PairDataConfig['kind'] }; validationSplit: number };
      const data = withDefaults(config.data);
      assert.deepEqual(pairDataIssues(data, (key) => key in config.data), [], f);
      const ds = data.kind === 'pairs'
        ? loadPairsDataset(data, { configDir: examplesDir, validationSplit: config.validationSplit })
        : loadSyntheticPairsDataset(data, { validationSplit: config.validationSplit });
      assert.ok(ds.trainSize > 0 && ds.validationSize > 0, f);
      if (data.kind === 'pairs') {
        assert.equal(ds.trainSize + ds.validationSize, 200);
        assert.match(ds.example('train', 0).target, /^\d{4}-\d{2}-\d{2}$/);
      }
    }
  });
});

describe('pairDataIssues', () => {
  const pairs = (over: Partial<PairsDataConfig>) => withDefaults<PairsDataConfig>({ kind: 'pairs', path: 'p.tsv', ...over });
  const task = (over: Partial<SyntheticPairsDataConfig>) => withDefaults<SyntheticPairsDataConfig>({ kind: 'synthetic-pairs', task: 'addition', ...over });
  const issues = (data: PairDataConfig, given: string[] = []) => pairDataIssues(data, (key) => given.includes(key));

  test('pairs: the same column twice, a name without a header, a quoted index', () => {
    assert.deepEqual(issues(pairs({})), []);
    assert.deepEqual(issues(pairs({ targetColumn: 0 })), [{
      field: 'targetColumn', severity: 'error',
      message: 'data.targetColumn is the same column as data.sourceColumn (0). Pick the column that holds the targets.',
    }]);
    const named = issues(pairs({ sourceColumn: 'word', header: false }));
    assert.deepEqual(named.map((i) => [i.field, i.severity]), [['sourceColumn', 'error']]);
    assert.match(named[0].message, /names a column \("word"\), but data\.header is false.*Set "header": true, or give the column's 0-based index\./);
    assert.deepEqual(issues(pairs({ sourceColumn: 'word', targetColumn: 'phonemes' })), []);
    const quoted = issues(pairs({ targetColumn: '1' }));
    assert.deepEqual(quoted.map((i) => [i.field, i.severity]), [['targetColumn', 'warning']]);
    assert.match(quoted[0].message, /is the string "1", which is read as a header name\. For the column at index 1, write 1 without quotes\./);
  });

  test('tasks: settings of another task are ignored (warned when written); minLength above maxLength', () => {
    assert.deepEqual(issues(task({}), []), []);
    const addition = issues(task({ minLength: 3 }), ['minLength', 'digits']);
    assert.deepEqual(addition, [{ field: 'minLength', severity: 'warning', message: 'data.minLength only applies to the reverse and sort tasks; the addition task ignores it. Remove it.' }]);
    const reverse = issues(task({ task: 'reverse', reverseSource: true }), ['reverseSource']);
    assert.deepEqual(reverse.map((i) => [i.field, i.severity]), [['reverseSource', 'warning']]);
    assert.match(reverse[0].message, /only applies to the addition task; the reverse task ignores it/);
    const lengths = issues(task({ task: 'sort', minLength: 9, maxLength: 4 }), ['minLength', 'maxLength']);
    assert.deepEqual(lengths, [{ field: 'minLength', severity: 'error', message: 'data.minLength (9) is above data.maxLength (4). Lower minLength or raise maxLength.' }]);
  });
});
