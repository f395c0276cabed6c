// schemas/seqlab.schema.json against what the editor needs (descriptions, defaults, enum docs) and
// against src/shared/config.ts: a field added to one and not the other fails here (or in tsc, for
// the typed maximal configs below).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Ajv from 'ajv';
import {
  ATTENTION_KINDS, BACKEND_KINDS, CELL_KINDS, MODEL_KINDS, DATA_KINDS, DATE_HANDLINGS, LEARNING_RATE_SCHEDULES, MISSING_POLICIES, OPTIMIZER_KINDS, SYNTHETIC_TASKS, TEXT_LEVELS, TEXT_VALIDATION_FROM,
  type DataConfig, type DataKind, type ExperimentConfig,
} from '../../src/shared/config';
import { PAIR_FILE_FORMATS, PAIR_LEVELS, PAIR_TASKS } from '../../src/shared/pairsConfig';
import { seqlabSchema, type SchemaNode } from '../../src/shared/configSchema';
import { applyDefaults } from '../../src/shared/configValidation';
import { SWEEP_METHODS, SWEEP_SCALES } from '../../src/shared/sweep';

/** Every field present, optional ones included, so adding a field to ExperimentConfig breaks these literals in tsc. */
type Complete<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]-?: Complete<T[K]> } : T;

const decoding = { beamWidth: 3, lengthPenalty: 1, maxLength: 40, beamPairs: 50 };

const common = {
  validationSplit: 0.2,
  model: { kind: 'sequence', cell: 'gru', hiddenSize: 48, layers: 2, embeddingSize: 8, dropout: 0.1, forgetBias: 0.5, chronoInit: 0, recurrentSpectralRadius: 0.9 },
  training: {
    epochs: 3, maxSteps: 100, batchSize: 8, sequenceLength: 16, optimizer: 'sgd', learningRate: 0.1, learningRateSchedule: 'cosine', minLearningRate: 0.01, momentum: 0.5,
    clipping: { globalNorm: 1, value: 2 }, seed: 7, validateEvery: 10, checkpointEvery: 50, backend: 'wasm', threads: 2, bucketByLength: true,
  },
  diagnostics: {
    enabled: false, every: 5, probe: { text: 'ab', validationIndex: 1 }, hiddenStates: false, gates: false,
    gradients: false, weightNorms: false, sampleTemperatures: [0.7], sampleLength: 20,
  },
  compare: ['rnn', 'gru'],
  sweep: { method: 'random', parameters: { 'training.learningRate': { min: 1e-4, max: 1e-2, scale: 'log' }, 'model.hiddenSize': [32, 64] }, count: 4, seed: 2 },
  decoding,
} satisfies Omit<Complete<ExperimentConfig>, 'name' | 'data'>;

/** Every field of a seq2seq model section (a Complete<> of the union's other member). */
const seq2seqModel = {
  kind: 'seq2seq', cell: 'gru', hiddenSize: 48, layers: 2, embeddingSize: 8, forgetBias: 0.5,
  encoder: { cell: 'lstm', layers: 2, hiddenSize: 24, embeddingSize: 6, bidirectional: true },
  decoder: { cell: 'lstm', layers: 2, hiddenSize: 48, embeddingSize: 10 },
  attention: 'general', attentionSize: 16, inputFeeding: true, reverseSource: true, teacherForcing: 1, dropout: 0.3,
} satisfies Complete<Extract<ExperimentConfig['model'], { kind: 'seq2seq' }>>;

const maximal: Complete<ExperimentConfig>[] = [
  { name: 'max-text', data: { kind: 'text', path: 'c.txt', level: 'word', lowercase: true, validationFrom: 'blocks' }, ...common },
  {
    name: 'max-csv',
    data: {
      kind: 'csv', path: 's.csv', features: ['a'], targets: ['b'], dateColumns: ['d'], dateHandling: 'parse',
      lookback: 4, horizon: 2, missing: 'ffill', delimiter: ';',
    },
    ...common,
  },
  { name: 'max-synthetic', data: { kind: 'synthetic', task: 'mackey-glass', length: 30, samples: 200, seed: 3 }, ...common },
  {
    name: 'max-pairs',
    data: {
      kind: 'pairs', path: 'p.tsv', format: 'csv', sourceColumn: 'en', targetColumn: 2, header: true, sourceLevel: 'word', targetLevel: 'char',
      lowercase: true, maxSourceLength: 20, maxTargetLength: 30, maxPairs: 1000, skipMalformed: true, seed: 9,
    },
    ...common,
  },
  {
    name: 'max-synthetic-pairs',
    data: { kind: 'synthetic-pairs', task: 'sort', digits: 4, reverseSource: true, minLength: 2, maxLength: 7, alphabetSize: 12, samples: 500, seed: 3 },
    ...common,
    model: seq2seqModel,
  },
];

/** Properties that have no default on purpose: the user must give them, or leaving them out means something. */
const NO_DEFAULT = new Set([
  '$schema', 'name', 'data', 'data.kind', 'data.path', 'data.targets', 'data.task', 'data.header',
  'diagnostics.probe.text', 'diagnostics.probe.validationIndex', 'compare',
  'sweep', 'sweep.parameters', 'sweep.count',
  // a side's setting left out takes the model's own
  ...['encoder', 'decoder'].flatMap((side) => ['cell', 'layers', 'hiddenSize', 'embeddingSize'].map((key) => `model.${side}.${key}`)),
]);

interface PropertyEntry { path: string; schema: SchemaNode; parent: SchemaNode }

/** Every property the schema declares, with the if/then branches of data and model folded into `data` and `model`. */
function schemaProperties(node: SchemaNode = seqlabSchema, prefix = ''): PropertyEntry[] {
  const out: PropertyEntry[] = [];
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const path = prefix ? `${prefix}.${key}` : key;
    out.push({ path, schema: child, parent: node });
    out.push(...schemaProperties(child, path));
  }
  for (const branch of node.allOf ?? []) out.push(...schemaProperties(branch.then, prefix));
  return out;
}

/** Every schema object in the tree, branch conditions and array items included. */
function allSchemaNodes(node: SchemaNode = seqlabSchema): SchemaNode[] {
  const children = [
    ...Object.values(node.properties ?? {}),
    ...(node.allOf ?? []).flatMap((b) => [b.if, b.then]),
    ...(node.items ? [node.items] : []),
  ];
  return [node, ...children.flatMap((c) => allSchemaNodes(c))];
}

/** The enum of every property (`compare[]`: the items of compare), by property path; data's branches fold into
 *  `data`, so a key that two kinds declare (synthetic's and synthetic-pairs' `task`) has one enum per kind. */
function schemaEnums(): Record<string, unknown[][]> {
  const out: Record<string, unknown[][]> = {};
  const add = (at: string, values: unknown[]) => (out[at] ??= []).push(values);
  for (const { path, schema } of schemaProperties()) {
    if (schema.enum) add(path, schema.enum);
    if (schema.items?.enum) add(`${path}[]`, schema.items.enum);
  }
  return out;
}

function valuePaths(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    // its keys are setting paths, not fields of the config
    if (path === 'sweep.parameters') return [path];
    return [path, ...valuePaths(child, path)];
  });
}

describe('seqlab.schema.json', () => {
  test('is a valid draft-07 schema that ajv compiles in strict mode', () => {
    const ajv = new Ajv({ strict: true, allowUnionTypes: true });
    ajv.addVocabulary(['markdownDescription', 'enumDescriptions', 'defaultSnippets', 'allowComments', 'allowTrailingCommas']);
    assert.equal(ajv.validateSchema(seqlabSchema), true, ajv.errorsText());
    assert.doesNotThrow(() => ajv.compile(seqlabSchema));
  });

  test('every property has a description, and a default unless it is required or optional on purpose', () => {
    for (const { path, schema, parent } of schemaProperties()) {
      assert.ok(schema.description, `${path} has no description`);
      const key = path.split('.').pop()!;
      if (parent.required?.includes(key)) {
        assert.equal(schema.default, undefined, `${path} is required and has a default`);
      } else if (NO_DEFAULT.has(path)) {
        assert.equal(schema.default, undefined, `${path} is listed as having no default but has one`);
      } else {
        assert.notEqual(schema.default, undefined, `${path} has no default`);
      }
    }
  });

  test('objects default to {} so their children hold the defaults, written once', () => {
    for (const { path, schema } of schemaProperties()) {
      if (schema.type === 'object' && schema.default !== undefined) assert.deepEqual(schema.default, {}, path);
    }
  });

  test('every enum has one enumDescription per choice', () => {
    const enums = allSchemaNodes().filter((n) => n.enum);
    assert.ok(enums.length >= 9, `found only ${enums.length} enums`);
    for (const node of enums) {
      assert.equal(node.enumDescriptions?.length, node.enum!.length, `enum ${JSON.stringify(node.enum)}`);
      for (const d of node.enumDescriptions!) assert.ok(d.length > 0);
    }
  });

  test('objects reject unknown properties; data and model do so in each of their branches', () => {
    const unions = [seqlabSchema.properties!.data, seqlabSchema.properties!.model];
    const branchConditions = new Set(unions.flatMap((u) => u.allOf!.map((b) => b.if)));
    for (const node of allSchemaNodes()) {
      if (!node.properties || branchConditions.has(node)) continue;
      if (unions.includes(node)) {
        assert.ok(node.allOf!.every((b) => b.then.additionalProperties === false));
      } else {
        assert.equal(node.additionalProperties, false, `properties ${Object.keys(node.properties).join(', ')}`);
      }
    }
  });

  test('one data branch per kind, each with everything the kind cannot do without', () => {
    const data = seqlabSchema.properties!.data;
    assert.deepEqual(data.allOf!.map((b) => b.if.properties!.kind.const), data.properties!.kind.enum);
    const required = Object.fromEntries(data.allOf!.map((b) => [String(b.then.properties!.kind.const), b.then.required]));
    assert.deepEqual(required, { text: ['kind', 'path'], csv: ['kind', 'path', 'targets'], synthetic: ['kind', 'task'], pairs: ['kind', 'path'], 'synthetic-pairs': ['kind', 'task'] });
    assert.deepEqual(seqlabSchema.required, ['name', 'data']);
  });

  test('one model branch per kind; only seq2seq needs kind written, as a model without one is a sequence model', () => {
    const model = seqlabSchema.properties!.model;
    assert.deepEqual(model.allOf!.map((b) => b.if.properties!.kind.const), model.properties!.kind.enum);
    assert.deepEqual(model.allOf!.map((b) => b.if.required), [undefined, ['kind']]);
    assert.equal(model.properties!.kind.default, 'sequence');
  });

  test('every enum of the schema is the const list of config.ts that its type derives from', () => {
    const expected: Record<string, (readonly string[])[]> = {
      'data.kind': [DATA_KINDS],
      'data.level': [TEXT_LEVELS],
      'data.validationFrom': [TEXT_VALIDATION_FROM],
      'data.dateHandling': [DATE_HANDLINGS],
      'data.missing': [MISSING_POLICIES],
      'data.task': [SYNTHETIC_TASKS, PAIR_TASKS],
      'data.format': [PAIR_FILE_FORMATS],
      'data.sourceLevel': [PAIR_LEVELS],
      'data.targetLevel': [PAIR_LEVELS],
      'model.kind': [MODEL_KINDS],
      'model.cell': [CELL_KINDS, CELL_KINDS],
      'model.encoder.cell': [CELL_KINDS],
      'model.decoder.cell': [CELL_KINDS],
      'model.attention': [ATTENTION_KINDS],
      'training.optimizer': [OPTIMIZER_KINDS],
      'training.learningRateSchedule': [LEARNING_RATE_SCHEDULES],
      'training.backend': [BACKEND_KINDS],
      'compare[]': [CELL_KINDS],
      'sweep.method': [SWEEP_METHODS],
    };
    const found = schemaEnums();
    assert.deepEqual(Object.keys(found).sort(), Object.keys(expected).sort(), 'an enum in the schema without its list in config.ts, or the reverse');
    for (const [at, values] of Object.entries(found)) assert.deepEqual(values, expected[at], at);
    // DataConfig's discriminants are DATA_KINDS, no more and no fewer (a type error otherwise)
    const kinds: Record<DataConfig['kind'], true> & Record<DataKind, true> = { text: true, csv: true, synthetic: true, pairs: true, 'synthetic-pairs': true };
    assert.deepEqual(Object.keys(kinds), [...DATA_KINDS]);
  });

  test('the property paths of the schema are the fields of ExperimentConfig', () => {
    const fromSchema = new Set(schemaProperties().map((e) => e.path).filter((p) => p !== '$schema'));
    const fromType = new Set(maximal.flatMap((c) => valuePaths(c)));
    assert.deepEqual([...fromSchema].filter((p) => !fromType.has(p)), [], 'in the schema but not in ExperimentConfig');
    assert.deepEqual([...fromType].filter((p) => !fromSchema.has(p)), [], 'in ExperimentConfig but not in the schema');
  });

  test('a config that sets every field validates and comes back unchanged', () => {
    for (const config of maximal) assert.deepEqual(applyDefaults(config), config);
  });

  test('defaults alone give a valid config with every defaulted field, for each data kind', () => {
    const seq2seqOnly = new Set(valuePaths({ model: seq2seqModel }).filter((p) => !valuePaths({ model: common.model }).includes(p)));
    const minimal = [
      { name: 'm', data: { kind: 'text', path: 'c.txt' } },
      { name: 'm', data: { kind: 'csv', path: 's.csv', targets: ['y'] } },
      { name: 'm', data: { kind: 'synthetic', task: 'adding' } },
      { name: 'm', data: { kind: 'pairs', path: 'p.tsv' } },
      { name: 'm', data: { kind: 'synthetic-pairs', task: 'reverse' } },
    ];
    for (const raw of minimal) {
      const filled = applyDefaults(raw);
      assert.deepEqual(applyDefaults(filled), filled, 'the filled config validates');
      const expected = schemaProperties()
        .filter((e) => e.schema.default !== undefined)
        .map((e) => e.path)
        // data's settings are those of its kind; the sweep section is optional; a branch's defaults only where
        // that branch applies (the sequence model for these minimal configs)
        .filter((p) => !(p.startsWith('data.') || p.startsWith('sweep.')) || valuePaths(filled).includes(p))
        .filter((p) => !seq2seqOnly.has(p));
      for (const path of expected) assert.ok(valuePaths(filled).includes(path), `${path} was not filled for ${raw.data.kind}`);
    }
  });

  test('sweep.parameters takes any setting path: a list, or a range whose scale enum is SWEEP_SCALES and defaults to linear', () => {
    const value = seqlabSchema.properties!.sweep.properties!.parameters.additionalProperties as SchemaNode;
    assert.deepEqual(value.properties!.scale.enum, [...SWEEP_SCALES]);
    assert.equal(value.properties!.scale.enumDescriptions!.length, SWEEP_SCALES.length);
    const c = applyDefaults({ name: 'm', data: { kind: 'synthetic', task: 'adding' }, sweep: { method: 'random', count: 2, parameters: { 'training.learningRate': { min: 0.001, max: 0.1 }, 'model.cell': ['rnn', 'gru'] } } });
    assert.deepEqual(c.sweep, { method: 'random', count: 2, seed: 0, parameters: { 'training.learningRate': { min: 0.001, max: 0.1, scale: 'linear' }, 'model.cell': ['rnn', 'gru'] } });
  });

  test('sensible first-run defaults', () => {
    const c = applyDefaults({ name: 'm', data: { kind: 'synthetic', task: 'adding' } });
    assert.equal(c.model.hiddenSize, 128);
    assert.equal(c.training.optimizer, 'adam');
    assert.equal(c.training.learningRate, 2e-3);
    assert.equal(c.training.batchSize, 32);
    assert.equal(c.training.sequenceLength, 64);
    assert.equal(c.training.clipping.globalNorm, 5);
  });
});
