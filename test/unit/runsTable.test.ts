// The runs table's pure parts: which columns show (settings that vary among the runs shown, results any
// run has), sorting, text and value filters, groups with their count and best result; the host's rows
// (settings flattened, the trained cell, results) and config diff; the webview's parallel coordinates
// (axes, positions, brushes, the line under the pointer); the sweep's jobs and progress line.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyDefaults } from '../../src/shared/configValidation';
import { distinctValues, filterRows, formatCell, groupRows, primaryMetric, type RunRow, sortRows, tableColumns, tableView, varyingSettings } from '../../src/shared/runsTable';
import { parseRunsTableMessage } from '../../src/shared/runsTableProtocol';
import { configDiffLines, configLabelIn, settingsOf, toRunRow } from '../../src/extension/runsTable/runRows';
import { planSweep, sweepProgressText } from '../../src/extension/commands/sweepPlan';
import type { RunSummary } from '../../src/runs/runReader';
import { scoresOf } from '../../src/runs/runResults';
import { axisScale, axisX, insideBrushes, lineReadout, nearestLine, parallelModel, position, sweepsIn, valueAt, yOf } from '../../webview/runsTable/parallelCoordinates';

let created = 0;
function row(id: string, settings: RunRow['settings'], metrics: RunRow['metrics'] = {}, extra: Partial<RunRow> = {}): RunRow {
  created++;
  return {
    id, label: id, config: 'tiny.seqlab.json', status: 'finished', step: 10, totalSteps: 10,
    createdAt: `2026-01-01T00:00:${String(created).padStart(2, '0')}Z`,
    settings: { name: 'tiny', 'model.layers': 1, ...settings }, metrics, ...extra,
  };
}

const rows = [
  row('a', { 'model.cell': 'lstm', 'training.learningRate': 0.001, 'model.hiddenSize': 64 }, { bestValidationLoss: 0.5, bestValidationStep: 8, finalTrainingLoss: 0.6, seconds: 12 }),
  row('b', { 'model.cell': 'gru', 'training.learningRate': 0.01, 'model.hiddenSize': 64 }, { bestValidationLoss: 0.3, bestValidationStep: 10, finalTrainingLoss: 0.35, accuracy: 0.9, seconds: 9 }),
  row('c', { 'model.cell': 'lstm', 'training.learningRate': 0.01, 'model.hiddenSize': 64 }, { bestValidationLoss: 0.2, bestValidationStep: 6, finalTrainingLoss: 0.25, accuracy: 0.95, seconds: 10 }),
  row('d', { 'model.cell': 'rnn', 'training.learningRate': 0.003, 'model.hiddenSize': 64 }, { finalTrainingLoss: 1.2, seconds: 3 }, { status: 'failed' }),
];

describe('runs table model', () => {
  test('a column for each setting that varies among the rows shown, and for each result any has', () => {
    assert.deepEqual(varyingSettings(rows), ['model.cell', 'training.learningRate']);
    const keys = tableColumns(rows).map((c) => c.key);
    assert.deepEqual(keys, ['run', 'status', 'setting:model.cell', 'setting:training.learningRate', 'metric:bestValidationLoss', 'metric:bestValidationStep', 'metric:finalTrainingLoss', 'metric:accuracy', 'metric:seconds', 'created']);
    // among the LSTM runs only the learning rate varies
    const lstm = filterRows(rows, { text: '', valueFilters: { 'setting:model.cell': ['lstm'] } });
    assert.deepEqual(lstm.map((r) => r.id), ['a', 'c']);
    assert.deepEqual(varyingSettings(lstm), ['training.learningRate']);
    // ... but the filtered column stays, so its filter can be changed
    assert.ok(tableView(rows, { text: '', valueFilters: { 'setting:model.cell': ['lstm'] } }).columns.some((c) => c.key === 'setting:model.cell'));
    // a setting one run lacks varies; the config and sweep show only when runs differ in them
    const mixed = [...rows, row('e', { 'data.length': 20 }, {}, { config: 'other.seqlab.json' })];
    assert.ok(varyingSettings(mixed).includes('data.length'));
    assert.ok(tableColumns(mixed).some((c) => c.key === 'config'));
    assert.ok(!tableColumns(rows).some((c) => c.key === 'config' || c.key === 'sweep'));
  });

  test('sorting: numbers numerically, either way, rows without a value last; ties newest first', () => {
    const byLoss = sortRows(rows, { key: 'metric:bestValidationLoss', direction: 'asc' }).map((r) => r.id);
    assert.deepEqual(byLoss, ['c', 'b', 'a', 'd']);
    assert.deepEqual(sortRows(rows, { key: 'metric:bestValidationLoss', direction: 'desc' }).map((r) => r.id), ['a', 'b', 'c', 'd']);
    assert.deepEqual(sortRows(rows, { key: 'setting:training.learningRate', direction: 'asc' }).map((r) => r.id), ['a', 'd', 'c', 'b']);
    assert.deepEqual(sortRows(rows, undefined).map((r) => r.id), ['d', 'c', 'b', 'a']);
    const names = [row('x10', {}), row('x9', {})];
    assert.deepEqual(sortRows(names, { key: 'run', direction: 'asc' }).map((r) => r.id), ['x9', 'x10'], 'numbers inside names in numeric order');
  });

  test('filters: every word somewhere in the row; value filters by the shown value', () => {
    assert.deepEqual(filterRows(rows, { text: 'model.cell=lstm', valueFilters: {} }).map((r) => r.id), ['a', 'c']);
    assert.deepEqual(filterRows(rows, { text: 'LSTM 0.01', valueFilters: {} }).map((r) => r.id), ['c']);
    assert.deepEqual(filterRows(rows, { text: '', valueFilters: { status: ['failed'] } }).map((r) => r.id), ['d']);
    assert.deepEqual(filterRows(rows, { text: '', valueFilters: { 'metric:accuracy': ['90%'] } }).map((r) => r.id), ['b']);
    assert.deepEqual(distinctValues(rows, 'setting:model.cell'), [{ value: 'gru', count: 1 }, { value: 'lstm', count: 2 }, { value: 'rnn', count: 1 }]);
  });

  test('groups by any column: members, count and the best result, lower or higher as the result says', () => {
    const metric = primaryMetric(rows);
    assert.equal(metric, 'metric:bestValidationLoss');
    const groups = groupRows(sortRows(rows, { key: 'run', direction: 'asc' }), 'setting:model.cell', metric);
    assert.deepEqual(groups.map((g) => [g.value, g.rows.map((r) => r.id), g.best?.row.id]), [['lstm', ['a', 'c'], 'c'], ['gru', ['b'], 'b'], ['rnn', ['d'], undefined]]);
    const byAccuracy = groupRows(rows, 'status', 'metric:accuracy');
    assert.equal(byAccuracy[0].best?.row.id, 'c', 'higher accuracy is better');
    assert.equal(byAccuracy[0].best?.value, 0.95);
    const view = tableView(rows, { text: '', valueFilters: {}, groupBy: 'setting:model.cell', sort: { key: 'metric:bestValidationLoss', direction: 'asc' } });
    assert.deepEqual(view.groups!.map((g) => g.value), ['lstm', 'gru', 'rnn'], 'groups in the order of their best-sorted first row');
  });

  test('cells as shown: losses, percentages, times, settings', () => {
    assert.equal(formatCell('metric:bestValidationLoss', 0.043125), '0.0431');
    assert.equal(formatCell('metric:accuracy', 0.9512), '95.1%');
    assert.equal(formatCell('metric:seconds', 125), '2 min 05 s');
    assert.equal(formatCell('setting:training.learningRate', 0.003), '0.003');
    assert.equal(formatCell('created', '2026-01-02T03:04:05.678Z'), '2026-01-02 03:04');
    assert.equal(formatCell('metric:bestValidationLoss', undefined), '');
  });
});

function summary(id: string, cell: 'lstm' | 'gru', sweep?: RunRow['sweep']): RunSummary {
  return {
    id, dir: `/runs/${id}`, status: { kind: 'finished', step: 40 },
    meta: {
      version: 1, createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:01:00Z', seconds: 3, seqlabVersion: '0', host: { hostname: '', platform: '', arch: '', cpus: 1, node: '' },
      status: { kind: 'finished', step: 40 },
      info: { id, name: 'tiny', configPath: '/ws/exp/tiny.seqlab.json', cell, backend: 'wasm', device: '', seed: 1, paramCount: 10, totalSteps: 40, dataSummary: '', task: 'synthetic', gateNames: [], ...(sweep && { sweep }) },
    },
  };
}

describe('runs table rows on the host', () => {
  const config = applyDefaults({ name: 'tiny', data: { kind: 'synthetic', task: 'adding', length: 20 }, model: { cell: 'lstm' }, compare: ['lstm', 'gru'], diagnostics: { sampleTemperatures: [0.2] } });

  test('settings flattened by path, lists as JSON, compare and sweep left out, the cell the run trained', () => {
    const s = settingsOf(config, 'gru');
    assert.equal(s['model.cell'], 'gru', 'Compare Cells trained GRU from a config that says LSTM');
    assert.equal(s['data.length'], 20);
    assert.equal(s['training.clipping.globalNorm'], 5);
    assert.equal(s['diagnostics.sampleTemperatures'], '[0.2]');
    assert.ok(!Object.keys(s).some((k) => k.startsWith('compare') || k.startsWith('sweep')));
  });

  test('a row names a sweep run by its values, else by experiment and cell, and carries its results', () => {
    const sweep = { id: 'sweep-1', index: 0, count: 2, values: { 'model.hiddenSize': 8 }, label: 'hidden 8' };
    const label = configLabelIn(['/ws']);
    const a = toRunRow(summary('r1', 'lstm', sweep), config, { seconds: 3, bestValidationLoss: 0.2, bestValidationStep: 30, finalScores: { solved: 0.5 } }, label);
    assert.equal(a.label, 'hidden 8');
    assert.equal(a.config, 'exp/tiny.seqlab.json');
    assert.deepEqual(a.metrics, { solved: 0.5, seconds: 3, bestValidationLoss: 0.2, bestValidationStep: 30 });
    assert.equal(a.sweep?.id, 'sweep-1');
    const b = toRunRow(summary('r2', 'gru'), undefined, { seconds: 1, finalScores: {} }, label);
    assert.equal(b.label, 'tiny · GRU');
    assert.deepEqual(b.settings, { 'model.cell': 'gru' }, 'a run without a usable snapshot still has its cell');
    assert.equal(configLabelIn(['/elsewhere'])('/ws/exp/tiny.seqlab.json'), 'tiny.seqlab.json');
    // a hand-edited meta.json whose sweep lacks its values: the row has no sweep rather than a broken one
    const broken = toRunRow(summary('r3', 'lstm', { id: 'sweep-1', label: 'x' } as RunRow['sweep']), config, { seconds: 1, finalScores: {} }, label);
    assert.equal(broken.sweep, undefined);
    assert.equal(broken.label, 'tiny · LSTM');
  });

  test('the config diff of two runs lists the settings that differ, with the cells each trained', () => {
    const other = applyDefaults({ name: 'tiny', data: { kind: 'synthetic', task: 'adding', length: 30 }, training: { learningRate: 0.01 } });
    const lines = configDiffLines({ config, cell: 'lstm' }, { config: other, cell: 'gru' });
    assert.deepEqual(lines.map((l) => l.path), ['data.length', 'diagnostics.sampleTemperatures', 'model.cell', 'training.learningRate']);
    assert.deepEqual(lines.find((l) => l.path === 'model.cell'), { path: 'model.cell', a: '"lstm"', b: '"gru"' });
    assert.deepEqual(configDiffLines({ config, cell: 'lstm' }, { config, cell: 'lstm' }), []);
  });

  test('the webview may only ask for known shapes', () => {
    assert.deepEqual(parseRunsTableMessage({ type: 'openDashboard', runIds: ['a', 'b'] }), { type: 'openDashboard', runIds: ['a', 'b'] });
    assert.equal(parseRunsTableMessage({ type: 'openDashboard', runIds: [] }), undefined);
    assert.equal(parseRunsTableMessage({ type: 'openDashboard', runIds: Array.from({ length: 13 }, (_, i) => `r${i}`) }), undefined);
    assert.equal(parseRunsTableMessage({ type: 'compareConfigs', runIds: ['a'] }), undefined);
    assert.deepEqual(parseRunsTableMessage({ type: 'compareConfigs', runIds: ['a', 'b'] }), { type: 'compareConfigs', runIds: ['a', 'b'] });
    assert.equal(parseRunsTableMessage({ type: 'rows' }), undefined);
  });
});

describe('sweep jobs from the extension', () => {
  test('one job per run of the sweep, one sweep id, the settings of the window applied', () => {
    const config = applyDefaults({ name: 'tiny', data: { kind: 'synthetic', task: 'adding' }, sweep: { parameters: { 'training.learningRate': [0.001, 0.01], 'model.hiddenSize': [8, 16] } } });
    const jobs = planSweep('/ws/tiny.seqlab.json', config, { defaultBackend: 'wasm', diagnosticsInterval: 5 }, 'sweep-x');
    assert.equal(jobs.length, 4);
    assert.deepEqual(jobs.map((j) => j.request.sweep?.label), ['lr 0.001 · hidden 8', 'lr 0.001 · hidden 16', 'lr 0.01 · hidden 8', 'lr 0.01 · hidden 16']);
    assert.ok(jobs.every((j) => j.request.sweep?.id === 'sweep-x' && j.request.backend === 'wasm' && j.request.diagnosticsEvery === 5 && j.request.configPath === '/ws/tiny.seqlab.json'));
    assert.equal(jobs[3].title, 'SeqLab: tiny sweep · lr 0.01 · hidden 16');
  });

  test('the one progress line of a sweep', () => {
    assert.equal(sweepProgressText([
      { state: 'finished', label: 'a' }, { state: 'running', label: 'lr 0.01', step: 30, totalSteps: 100 }, { state: 'queued', label: 'c' }, { state: 'failed', label: 'd' },
    ]), '2 of 4 done · running lr 0.01 (step 30/100) · 1 queued · 1 failed');
  });
});

describe('parallel coordinates', () => {
  const sweep = (id: string, values: Record<string, number | string>) => ({ id, index: 0, count: 4, values, label: Object.values(values).join(' ') });
  const swept = [
    row('s1', {}, { bestValidationLoss: 0.4 }, { sweep: sweep('sw', { 'training.learningRate': 0.001, 'model.cell': 'lstm' }) }),
    row('s2', {}, { bestValidationLoss: 0.1 }, { sweep: sweep('sw', { 'training.learningRate': 0.01, 'model.cell': 'lstm' }) }),
    row('s3', {}, { bestValidationLoss: 0.2 }, { sweep: sweep('sw', { 'training.learningRate': 0.003, 'model.cell': 'gru' }) }),
    row('s4', {}, {}, { sweep: sweep('sw', { 'training.learningRate': 0.1, 'model.cell': 'gru' }) }),
    row('other', {}, { bestValidationLoss: 9 }),
  ];

  test('axes: log when positive values span a decade, linear otherwise, categories evenly spaced', () => {
    assert.deepEqual(axisScale([0.001, 0.1, undefined]), { kind: 'log', lo: 0.001, hi: 0.1 });
    assert.deepEqual(axisScale([64, 128]), { kind: 'linear', lo: 64, hi: 128 });
    assert.deepEqual(axisScale(['lstm', 'gru', 'rnn']), { kind: 'category', values: ['gru', 'lstm', 'rnn'] });
    assert.equal(position({ kind: 'log', lo: 0.001, hi: 0.1 }, 0.01), 0.5);
    assert.equal(position({ kind: 'linear', lo: 64, hi: 128 }, 96), 0.5);
    assert.equal(position({ kind: 'category', values: ['gru', 'lstm'] }, 'lstm'), 0.9);
    assert.equal(valueAt({ kind: 'log', lo: 0.001, hi: 0.1 }, 0.5), '0.01');
    assert.equal(valueAt({ kind: 'category', values: ['gru', 'lstm', 'rnn'] }, 0.45), 'lstm');
  });

  test("one axis per swept setting and the result's; a line per run of the sweep", () => {
    assert.deepEqual(sweepsIn(swept), [{ id: 'sw', count: 4, config: 'tiny.seqlab.json' }]);
    const m = parallelModel(swept, 'sw', 'metric:bestValidationLoss');
    assert.deepEqual(m.axes.map((a) => [a.key, a.label, a.scale.kind]), [['setting:training.learningRate', 'lr', 'log'], ['setting:model.cell', 'cell', 'category'], ['metric:bestValidationLoss', 'best val loss', 'linear']]);
    assert.deepEqual(m.lines.map((l) => l.runId), ['s1', 's2', 's3', 's4']);
    const s2 = m.lines[1];
    assert.deepEqual(s2.ts.map((t) => Number(t!.toFixed(6))), [0.5, 0.9, 0], 'lr 0.01 halfway up 0.001…0.1 on a log axis');
    assert.equal(m.lines[3].ts[2], undefined, 'a run without the result has no point on its axis');
    assert.equal(lineReadout(m, s2), 'lr 0.01 · cell lstm · best val loss 0.100');
  });

  test('brushes keep the lines inside every brushed range; the pointer finds the nearest line', () => {
    const m = parallelModel(swept, 'sw', 'metric:bestValidationLoss');
    const inside = (b: Record<string, [number, number]>) => m.lines.filter((l) => insideBrushes(m, l, b)).map((l) => l.runId);
    assert.deepEqual(inside({}), ['s1', 's2', 's3', 's4']);
    assert.deepEqual(inside({ 'metric:bestValidationLoss': [0, 0.5] }), ['s2', 's3'], 'the lowest losses; s4 has none');
    assert.deepEqual(inside({ 'metric:bestValidationLoss': [0, 0.5], 'setting:model.cell': [0.5, 1] }), ['s2']);
    const plot = { left: 0, top: 0, width: 200, height: 100 };
    // halfway between the lr axis and the cell axis on s2's segment
    const x = (axisX(plot, 0, 3) + axisX(plot, 1, 3)) / 2;
    const y = (yOf(plot, 0.5) + yOf(plot, 0.9)) / 2;
    assert.equal(nearestLine(m, plot, x, y, 4)?.runId, 's2');
    assert.equal(nearestLine(m, plot, x, y + 40, 4), undefined);
  });
});

test('an encoder–decoder run\'s results: greedy decoding\'s exact match, error rate, BLEU and chrF and beam\'s exact match become columns, better in the right direction', () => {
  const scores = scoresOf({ kind: 'eval', step: 500, epoch: 2, time: 9, loss: 0.4, accuracy: 0.91,
    greedy: { pairs: 200, exactMatch: 0.62, tokenErrorRate: 0.081, bleu: 44.25, chrF: 63.5 }, beam: { pairs: 50, exactMatch: 0.66, tokenErrorRate: 0.07, beamWidth: 5 } });
  assert.deepEqual(scores, { accuracy: 0.91, exactMatch: 0.62, tokenErrorRate: 0.081, bleu: 44.25, chrF: 63.5, beamExactMatch: 0.66 });
  assert.deepEqual(scoresOf({ kind: 'eval', step: 1, epoch: 0, time: 1, loss: 1, greedy: { pairs: 4, exactMatch: 0.5, tokenErrorRate: 0.25 } }), { exactMatch: 0.5, tokenErrorRate: 0.25 }, 'character targets have no BLEU');
  const two = [row('p', { 'model.attention': 'none' }, { exactMatch: 0.5, tokenErrorRate: 0.2, bleu: 30 }), row('q', { 'model.attention': 'additive' }, { exactMatch: 0.62, tokenErrorRate: 0.081, bleu: 44.25 })];
  const cols = tableColumns(two);
  const label = (key: string) => cols.find((c) => c.key === key);
  assert.equal(label('metric:tokenErrorRate')?.label, 'token error rate');
  assert.equal(label('metric:tokenErrorRate')?.better, 'lower');
  assert.equal(label('metric:bleu')?.better, 'higher');
  assert.equal(formatCell('metric:bleu', two[1].metrics.bleu), '44.3');
  assert.equal(formatCell('metric:tokenErrorRate', two[1].metrics.tokenErrorRate), '8.1%');
});
