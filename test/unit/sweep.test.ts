// A config's sweep: its points (grid order; seeded random draws within their lists and ranges), the run
// labels, each run's config text, and the errors a wrong sweep gets in the editor and from `seqlab train`.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseConfig } from '../../src/shared/configValidation';
import { expandSweep, newSweepId, sweepLabel, sweepRuns, type SweepConfig } from '../../src/shared/sweep';
import { sweepPointText } from '../../src/shared/sweepPointConfig';
import { lookupSetting, sweepableSettings, sweepPointsOf } from '../../src/shared/sweepSettings';

const grid: SweepConfig = { method: 'grid', seed: 0, parameters: { 'training.learningRate': [0.001, 0.003, 0.01], 'model.hiddenSize': [64, 128] } };

describe('sweep expansion', () => {
  test('a grid trains every combination, the first parameter varying slowest', () => {
    const points = expandSweep(grid);
    assert.equal(points.length, 6);
    assert.deepEqual(points.slice(0, 3), [
      { 'training.learningRate': 0.001, 'model.hiddenSize': 64 },
      { 'training.learningRate': 0.001, 'model.hiddenSize': 128 },
      { 'training.learningRate': 0.003, 'model.hiddenSize': 64 },
    ]);
    assert.equal(new Set(points.map((p) => JSON.stringify(p))).size, 6, 'no combination twice');
  });

  test('random draws count points, the same for the same seed and others for another seed', () => {
    const sweep: SweepConfig = {
      method: 'random', count: 40, seed: 7,
      parameters: { 'training.learningRate': { min: 1e-4, max: 1e-1, scale: 'log' }, 'model.hiddenSize': { min: 16, max: 256, scale: 'linear' }, 'model.cell': ['rnn', 'lstm', 'gru'] },
    };
    const integer = (path: string) => path === 'model.hiddenSize';
    const a = expandSweep(sweep, integer);
    assert.equal(a.length, 40);
    assert.deepEqual(expandSweep(sweep, integer), a, 'reproducible');
    assert.notDeepEqual(expandSweep({ ...sweep, seed: 8 }, integer), a, 'another seed draws other runs');
    for (const p of a) {
      const lr = p['training.learningRate'] as number;
      assert.ok(lr >= 1e-4 && lr <= 1e-1, `lr ${lr} in range`);
      assert.equal(lr, Number(lr.toPrecision(4)), 'drawn floats keep 4 significant digits');
      const h = p['model.hiddenSize'] as number;
      assert.ok(Number.isInteger(h) && h >= 16 && h <= 256, `hidden ${h} is a whole number in range`);
      assert.ok(['rnn', 'lstm', 'gru'].includes(p['model.cell'] as string));
    }
    // log-uniform: about as many draws in each decade (1e-4..1e-3, 1e-3..1e-2, 1e-2..1e-1)
    const many = expandSweep({ ...sweep, count: 900 }, integer).map((p) => Math.floor(Math.log10(p['training.learningRate'] as number)));
    for (const decade of [-4, -3, -2]) {
      const n = many.filter((d) => d === decade).length;
      assert.ok(n > 240 && n < 360, `${n} of 900 draws in decade 1e${decade}`);
    }
    assert.equal(new Set(a.map((p) => p['model.cell'])).size, 3, 'every listed cell drawn');
  });

  test('whole-number settings are found in the schema (sweepPointsOf)', () => {
    const points = sweepPointsOf({ sweep: { method: 'random', count: 20, seed: 1, parameters: { 'model.hiddenSize': { min: 10, max: 20, scale: 'linear' }, 'model.dropout': { min: 0, max: 0.5, scale: 'linear' } } } });
    assert.ok(points.every((p) => Number.isInteger(p['model.hiddenSize'])));
    assert.ok(points.some((p) => !Number.isInteger(p['model.dropout'])), 'dropout is a number, not rounded');
  });

  test('runs are labelled by their values; ids are unique per start', () => {
    assert.equal(sweepLabel({ 'training.learningRate': 0.003, 'model.hiddenSize': 128 }), 'lr 0.003 · hidden 128');
    assert.equal(sweepLabel({ 'model.cell': 'gru', 'training.learningRate': 0.00012345 }), 'GRU · lr 0.000123');
    assert.equal(sweepLabel({ 'data.length': 50, 'training.optimizer': 'sgd' }), 'length 50 · opt sgd');
    const runs = sweepRuns('sweep-x', expandSweep(grid));
    assert.deepEqual(runs[5], { id: 'sweep-x', index: 5, count: 6, values: { 'training.learningRate': 0.01, 'model.hiddenSize': 128 }, label: 'lr 0.01 · hidden 128' });
    assert.match(newSweepId(new Date('2026-03-04T05:06:07Z'), () => 0.5), /^sweep-20260304-050607-8000$/);
  });
});

describe("a sweep run's config", () => {
  const text = `{
  // the tiny experiment
  "name": "tiny",
  "data": { "kind": "synthetic", "task": "adding", "length": 20 },
  "model": { "cell": "lstm" },
  "sweep": {
    "parameters": { "training.learningRate": [0.001, 0.01], "model.hiddenSize": [8, 16], "data.length": [20, 30] }
  }
}
`;

  test('sets each value, keeps comments, drops the sweep, and validates', () => {
    const out = sweepPointText(text, { 'training.learningRate': 0.01, 'model.hiddenSize': 16, 'data.length': 30 });
    assert.match(out, /\/\/ the tiny experiment/);
    assert.doesNotMatch(out, /sweep/);
    const { config, problems } = parseConfig(out, 'x.seqlab.json');
    assert.deepEqual(problems, []);
    assert.equal(config!.training.learningRate, 0.01, 'a section the config left out is created');
    assert.equal(config!.model.hiddenSize, 16);
    assert.equal(config!.model.cell, 'lstm', 'the rest stays');
    assert.equal(config!.data.kind === 'synthetic' && config!.data.length, 30);
    assert.equal(config!.sweep, undefined);
  });

  test('the config with its sweep validates, with its defaults filled', () => {
    const { config, problems } = parseConfig(text, 'x.seqlab.json');
    assert.deepEqual(problems, []);
    assert.deepEqual(config!.sweep, { method: 'grid', seed: 0, parameters: { 'training.learningRate': [0.001, 0.01], 'model.hiddenSize': [8, 16], 'data.length': [20, 30] } });
    assert.equal(sweepPointsOf(config!).length, 8);
  });
});

describe('sweep validation', () => {
  const withSweep = (sweep: unknown, extra: Record<string, unknown> = {}) =>
    JSON.stringify({ name: 'm', data: { kind: 'synthetic', task: 'adding' }, ...extra, sweep }, null, 2);
  const errors = (sweep: unknown, extra?: Record<string, unknown>) => {
    const text = withSweep(sweep, extra);
    return parseConfig(text, 'm.seqlab.json').problems.map((p) => ({ ...p, at: text.slice(p.offset, p.offset + p.length) }));
  };

  test('a path that is no setting gets "did you mean", placed on the key', () => {
    const [p] = errors({ parameters: { 'training.learningrate': [0.1] } });
    assert.equal(p.severity, 'error');
    assert.match(p.message, /"training\.learningrate" is not a setting\. Did you mean "training\.learningRate"\?/);
    assert.equal(p.at, '"training.learningrate"');
    assert.equal(p.suggestion, '"training.learningRate"');
    assert.match(errors({ parameters: { 'model.hidenSize': [8] } })[0].message, /Did you mean "model\.hiddenSize"/);
    assert.match(errors({ parameters: { hiddenSize: [8] } })[0].message, /Did you mean "model\.hiddenSize"/);
    assert.match(errors({ parameters: { lr: [0.1] } })[0].message, /Did you mean "training\.learningRate"/);
    assert.match(errors({ parameters: { 'model.learningRate': [0.1] } })[0].message, /Did you mean "training\.learningRate"/);
    assert.match(errors({ parameters: { 'zzz.qqq': [1] } })[0].message, /is not a setting\. Name a setting by its path/);
  });

  test("data's settings are those of the config's kind", () => {
    assert.deepEqual(errors({ parameters: { 'data.length': [20, 40] } }), []);
    const [p] = errors({ parameters: { 'data.lookback': [4] } });
    assert.match(p.message, /"data\.lookback" is not a setting of synthetic data/);
    assert.ok(sweepableSettings({ data: { kind: 'csv' } }).includes('data.lookback'));
    assert.ok(!sweepableSettings({ data: { kind: 'synthetic' } }).includes('data.lookback'));
  });

  test('groups, lists and fixed settings cannot be swept, each with what to do instead', () => {
    assert.match(errors({ parameters: { 'training.clipping': [1] } })[0].message, /group of settings; sweep one of them: "training\.clipping\.globalNorm"/);
    assert.match(errors({ parameters: { 'diagnostics.sampleTemperatures': [1] } })[0].message, /is a list/);
    assert.match(errors({ parameters: { name: ['a', 'b'] } })[0].message, /"name" cannot be swept/);
    assert.match(errors({ parameters: { compare: ['rnn'] } })[0].message, /sweep "model\.cell" instead/);
    assert.equal(lookupSetting({}, 'data.kind').kind, 'fixed');
  });

  test('each value must be a valid value of its setting: the schema says why, on that value', () => {
    const [p] = errors({ parameters: { 'training.learningRate': [0.01, 0, 0.1] } });
    assert.match(p.message, /^In the sweep: training\.learningRate must be > 0 and <= 10 \(got 0\)/);
    assert.equal(p.at, '0');
    const [q] = errors({ parameters: { 'model.hiddenSize': [64, '128'] } });
    assert.match(q.message, /model\.hiddenSize must be a whole number .*Remove the quotes: 128/);
    assert.equal(q.at, '"128"');
    assert.equal(q.suggestion, '128');
    assert.match(errors({ parameters: { 'model.cell': ['lstm', 'lsmt'] } })[0].message, /must be one of "rnn", "lstm", "gru" \(got "lsmt"\)\. Did you mean "lstm"\?/);
  });

  test('ranges: only in random sweeps, only for numbers, min below max, log above 0; random needs count', () => {
    assert.match(errors({ parameters: { 'training.learningRate': { min: 0.001, max: 0.1 } } })[0].message, /"method": "grid" needs a list of values, e\.g\. \[0\.001, 0\.1\]/);
    assert.match(errors({ method: 'random', count: 2, parameters: { 'model.cell': { min: 1, max: 2 } } })[0].message, /model\.cell is not a number/);
    assert.match(errors({ method: 'random', count: 2, parameters: { 'model.dropout': { min: 0.5, max: 0.1 } } })[0].message, /max \(0\.1\) must be above min \(0\.5\)/);
    assert.match(errors({ method: 'random', count: 2, parameters: { 'training.learningRate': { min: 0, max: 0.1, scale: 'log' } } })[0].message, /log scale needs min > 0/);
    assert.match(errors({ method: 'random', count: 2, parameters: { 'model.dropout': { min: 0.1, max: 1.5 } } })[0].message, /In the sweep's range: model\.dropout must be/);
    const [c] = errors({ method: 'random', parameters: { 'model.dropout': [0, 0.1] } });
    assert.match(c.message, /needs "count" with "method": "random"/);
    const [w] = parseConfig(withSweep({ count: 3, parameters: { 'model.dropout': [0, 0.1] } }, { model: { layers: 2 } }), 'm.seqlab.json').problems;
    assert.equal(w.severity, 'warning');
    assert.match(w.message, /sweep\.count is ignored by a grid, which trains every combination \(2 runs\)/);
  });

  test('the schema checks the sweep section itself', () => {
    assert.match(errors({ parameters: { 'model.hiddenSize': [] } })[0].message, /must list at least 1 item/);
    assert.match(errors({ parameters: { 'model.hiddenSize': [8, 8] } })[0].message, /lists 8 more than once/);
    assert.match(errors({ method: 'grdi', parameters: { 'model.hiddenSize': [8] } })[0].message, /Did you mean "grid"/);
    assert.match(errors({ method: 'random', count: 2, parameters: { 'model.dropout': { min: 0, max: 0.5, scael: 'log' } } })[0].message, /Unknown setting "scael".*Did you mean "scale"/);
    assert.match(errors({ params: {} })[0].message, /Unknown setting "params" in sweep\. Did you mean "parameters"\?|sweep needs "parameters"/);
    assert.match(errors({ parameters: {} })[0].message, /names no setting to vary/);
  });

  test('a misspelt key elsewhere does not hide the sweep\'s problems or the cross-field ones', () => {
    const found = errors({ parameters: { 'training.learningrate': [0.1] } }, { trainig: { epochs: 2 }, training: { learningRate: 0.001, learningRateSchedule: 'cosine', minLearningRate: 0.01 } });
    assert.deepEqual(found.map((p) => p.at).sort(), ['"trainig"', '"training.learningrate"', '0.01']);
    assert.match(found.find((p) => p.at === '"trainig"')!.message, /Unknown setting "trainig" in the config\. Did you mean "training"\?/);
    assert.match(found.find((p) => p.at === '"training.learningrate"')!.message, /Did you mean "training\.learningRate"/);
    assert.match(found.find((p) => p.at === '0.01')!.message, /training\.minLearningRate \(0\.01\) is above training\.learningRate \(0\.001\)/);
    // another kind of schema error still stops the checks that need a whole config (their values are unknown)
    const typed = errors({ parameters: { 'training.learningrate': [0.1] } }, { trainig: {}, training: { epochs: 'two' } });
    assert.deepEqual(typed.map((p) => p.path).sort(), ['trainig', 'training.epochs']);
    // the config without its typos goes to the data checks only when nothing else is wrong
    const typoOnly = parseConfig(JSON.stringify({ name: 'm', data: { kind: 'text', path: 'a.txt' }, trainig: {}, model: { hiddenSise: 8 } }), 'm.seqlab.json');
    assert.equal(typoOnly.config, undefined);
    assert.equal(typoOnly.rest?.data.kind === 'text' && typoOnly.rest.data.path, 'a.txt');
    assert.equal(typoOnly.rest?.model.hiddenSize, 128, 'the misspelt hidden size is not taken');
    assert.equal(parseConfig(withSweep({ parameters: { 'training.learningrate': [0.1] } }, { trainig: {} }), 'm.seqlab.json').rest, undefined, 'a sweep error stops them');
  });

  test("a run that the cross-field checks would refuse is named by its values", () => {
    const [p] = errors({ parameters: { 'training.learningRate': [0.001, 0.1] } }, { training: { learningRate: 0.05, learningRateSchedule: 'cosine', minLearningRate: 0.01 } });
    assert.match(p.message, /The sweep's run "lr 0.001" would not train: training\.minLearningRate \(0\.01\) is above training\.learningRate \(0\.001\)/);
  });
});
