// The extension's pure parts for encoder–decoder configs and runs: the "Sequence pairs (TSV)" template,
// checked as the editor checks it (parseConfig, the data file's head, the engine's data checks); the
// comparisons' variants, read back as the trainer reads a request.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { configLenses } from '../../src/extension/codeLens/lensModel';
import { planComparison, translatableIn } from '../../src/extension/commands/commandArgs';
import { COMMANDS } from '../../src/extension/constants';
import { translationReport, translationSummary } from '../../src/extension/engine/translationText';
import { runLabel as tableRunLabel } from '../../src/extension/runsTable/runRows';
import { isSeq2seqRun, runNode } from '../../src/extension/tree/runRows';
import type { Resumability } from '../../src/runs/resumability';
import type { RunMeta } from '../../src/runs/runFiles';
import type { RunSummary } from '../../src/runs/runReader';
import type { RunInfo } from '../../src/shared/metrics';
import type { RunStatus } from '../../src/shared/protocol';
import type { TranslateResult } from '../../src/shared/translation';
import { fileProblems } from '../../src/extension/configs/fileChecks';
import { pairsConfigDir, renderTemplate } from '../../src/extension/templates/templates';
import { type ComparisonKind, comparedAttentions, comparisonVariants } from '../../src/shared/comparisonVariants';
import { parseConfig } from '../../src/shared/configValidation';
import { seq2seqSides } from '../../src/shared/seq2seqConfig';
import { dataIssues } from '../../src/trainer/data/dataChecks';
import { loadConfigFile } from '../../src/trainer/training/runSetup';

const repo = path.resolve(__dirname, '../..');
const datesTsv = path.join(repo, 'examples/seq2seq/dates.tsv');
const pkg = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8'));

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

// A pairs config whose sides name their own cells: model.cell alone would leave them as they are.
const pairText = (model: string) => `{
  // dates to ISO
  "name": "dates",
  "data": { "kind": "pairs", "path": "dates.tsv" },
  "model": ${model},
  "training": { "maxSteps": 10 },
  "compare": ["rnn", "lstm", "gru"]
}
`;

/** Writes `text` as a config and returns what the trainer makes of each planned job: its config and cells. */
function trainedAs(text: string, kind: ComparisonKind) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-compare-'));
  try {
    const configPath = path.join(dir, 'dates.seqlab.json');
    fs.writeFileSync(configPath, text);
    const { config, problems } = parseConfig(text, configPath);
    assert.ok(config, JSON.stringify(problems));
    const plan = comparisonVariants(config, kind);
    if (plan.kind === 'refused') return { plan, runs: [] };
    const jobs = planComparison(configPath, plan.variants, { defaultBackend: 'config', diagnosticsInterval: 0 }, 'sweep-test');
    const runs = jobs.map(({ request, title }) => {
      // the trainer's own reading of a request: the config file with the request's values, then its cell
      const loaded = loadConfigFile(configPath, request.sweep);
      const cell = request.cell ?? loaded.config.model.cell;
      assert.ok(loaded.config.model.kind === 'seq2seq');
      const issues = parseConfig(loaded.text, configPath).problems;
      return { title, sweep: request.sweep, sides: seq2seqSides(loaded.config.model, cell), attention: loaded.config.model.attention, issues };
    });
    return { plan, runs };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('Compare Cells on a pairs config changes encoder and decoder together, named sides included', () => {
  const named = trainedAs(pairText('{ "kind": "seq2seq", "encoder": { "cell": "gru", "bidirectional": true }, "decoder": { "cell": "gru" }, "attention": "additive" }'), 'cells');
  assert.equal(named.plan.kind === 'variants' && named.plan.title, 'RNN · LSTM · GRU');
  assert.deepEqual(named.runs.map((r) => [r.sides.encoder.cell, r.sides.decoder.cell]), [['rnn', 'rnn'], ['lstm', 'lstm'], ['gru', 'gru']]);
  assert.ok(named.runs.every((r) => r.sides.encoder.bidirectional && r.attention === 'additive'), 'only the cells change');
  assert.deepEqual(named.runs.flatMap((r) => r.issues), [], 'no warning that compare leaves named cells alone: it does not');
  assert.deepEqual(named.runs.map((r) => r.title), ['SeqLab: training dates · RNN', 'SeqLab: training dates · LSTM', 'SeqLab: training dates · GRU']);
  assert.ok(named.runs.every((r) => r.sweep?.id === 'sweep-test' && r.sweep.label === ''), 'recorded as one comparison; the cell names the run');

  const plain = trainedAs(pairText('{ "kind": "seq2seq", "attention": "none" }'), 'cells');
  assert.deepEqual(plain.runs.map((r) => [r.sides.encoder.cell, r.sides.decoder.cell]), [['rnn', 'rnn'], ['lstm', 'lstm'], ['gru', 'gru']]);
  assert.ok(plain.runs.every((r) => r.sweep === undefined), 'model.cell reaches both sides: nothing else to set');

  const oneSide = trainedAs(pairText('{ "kind": "seq2seq", "decoder": { "cell": "lstm" } }'), 'cells');
  assert.deepEqual(oneSide.runs.map((r) => [r.sides.encoder.cell, r.sides.decoder.cell]), [['rnn', 'rnn'], ['lstm', 'lstm'], ['gru', 'gru']]);
});

test('Compare Attention: none against additive (and the config\'s own), everything else as written; refused for sequence models', () => {
  const r = trainedAs(pairText('{ "kind": "seq2seq", "cell": "gru", "attention": "additive", "inputFeeding": true }'), 'attention');
  assert.equal(r.plan.kind === 'variants' && r.plan.title, 'attention none · additive');
  assert.deepEqual(r.runs.map((x) => x.attention), ['none', 'additive']);
  assert.deepEqual(r.runs.map((x) => x.title), ['SeqLab: training dates · attention none', 'SeqLab: training dates · attention additive']);
  assert.deepEqual(r.runs.map((x) => x.issues), [[], []], 'the run without attention drops input feeding rather than warn');
  assert.ok(r.runs.every((x) => x.sides.encoder.cell === 'gru' && x.sides.decoder.cell === 'gru'));
  assert.deepEqual(r.runs.map((x) => x.sweep?.label), ['attention none', 'attention additive']);

  const luong = trainedAs(pairText('{ "kind": "seq2seq", "attention": "general" }'), 'attention');
  assert.deepEqual(luong.runs.map((x) => x.attention), ['none', 'additive', 'general']);
  assert.deepEqual(comparedAttentions('none'), ['none', 'additive']);

  const { config } = parseConfig('{ "name": "adding", "data": { "kind": "synthetic", "task": "adding" } }', '/ws/a.seqlab.json');
  assert.ok(config);
  const refused = comparisonVariants(config, 'attention');
  assert.equal(refused.kind, 'refused');
  assert.match(refused.kind === 'refused' ? refused.message : '', /sequence model.*Compare Cells/);
  const cells = comparisonVariants(config, 'cells');
  assert.deepEqual(cells.kind === 'variants' && cells.variants, [{ cell: 'rnn', label: '' }, { cell: 'lstm', label: '' }, { cell: 'gru', label: '' }], 'a sequence model compares as before');
});

const seq2seqInfo = (over: Partial<RunInfo> = {}): RunInfo => ({
  id: 'r', name: 'dates', configPath: '/ws/dates.seqlab.json', cell: 'gru', backend: 'wasm', device: 'wasm simd', seed: 1,
  paramCount: 1234, totalSteps: 800, dataSummary: 'dates.tsv: 200 pairs', task: 'pairs', gateNames: [], errorRateName: 'CER', ...over,
});

function runOf(id: string, status: RunStatus, info: Partial<RunInfo> = {}): RunSummary {
  const meta = {
    version: 1, info: seq2seqInfo({ id, ...info }), status, createdAt: '2026-01-01T10:00:00Z', updatedAt: '2026-01-01T10:05:00Z',
    host: { hostname: 'h', platform: 'linux', arch: 'x64', cpus: 2, node: 'v20' }, seqlabVersion: '0.1.0', seconds: 300, bestValidationLoss: 0.21,
  } as RunMeta;
  return { id, dir: `/ws/.seqlab/runs/${id}`, meta, status };
}

test('tree: an encoder–decoder run shows its exact match, offers Translate, not Generate Sample', () => {
  const decoding = { pairs: 20, exactMatch: 0.85, tokenErrorRate: 0.031 };
  const finished = runNode(runOf('a', { kind: 'finished', step: 800 }), { decoding });
  assert.equal(finished.label, 'GRU · val 0.210 · exact 85 %');
  assert.equal(finished.contextValue, 'run.finished.seq2seq', 'not "run.finished": Generate Sample is offered on that one');
  assert.match(finished.tooltip, /greedy decoding \| exact 85 % · CER 3\\\.1 % on 20 validation pairs/);
  assert.equal(runNode(runOf('b', { kind: 'finished', step: 800 })).label, 'GRU · val 0.210', 'scores not read yet: the loss alone');
  const stopped = runNode(runOf('c', { kind: 'cancelled', step: 300 }), { resumability: { kind: 'resumable', step: 250, notes: [], next: 'resume' } });
  assert.equal(stopped.contextValue, 'run.cancelled.resumable.seq2seq');
  const compared = runNode(runOf('d', { kind: 'finished', step: 800 }, { sweep: { id: 's', index: 0, count: 2, values: { 'model.attention': 'none' }, label: 'attention none' } }), { decoding: { ...decoding, exactMatch: 1 } });
  assert.equal(compared.label, 'GRU · attention none · val 0.210 · exact 100.0 %');
  const cellsCompared = seq2seqInfo({ cell: 'lstm', sweep: { id: 's', index: 1, count: 3, values: { 'model.encoder.cell': 'lstm', 'model.decoder.cell': 'lstm' }, label: '' } });
  assert.equal(runNode(runOf('e', { kind: 'finished', step: 800 }, cellsCompared)).label, 'LSTM · val 0.210', 'a cell comparison\'s run is named by its cell');
  assert.equal(tableRunLabel(cellsCompared), 'dates · LSTM', 'in the runs table too');

  // the menus' clauses, as package.json writes them
  const menus = (pkg.contributes.menus['view/item/context'] as { command: string; when: string }[]);
  const offered = (command: string, contextValue: string) =>
    menus.filter((m) => m.command === command).some((m) => new RegExp(/viewItem =~ \/(.+?)\/( |$)/.exec(m.when)?.[1] ?? '$^').test(contextValue) || m.when.includes(`viewItem == ${contextValue}`));
  assert.ok(offered(COMMANDS.translate, finished.contextValue));
  assert.ok(offered(COMMANDS.translate, stopped.contextValue));
  assert.ok(!offered(COMMANDS.translate, 'run.finished'), 'a text model does not translate');
  assert.ok(!offered(COMMANDS.translate, 'run.interrupted.seq2seq'), 'no checkpoint, nothing to translate with');
  assert.ok(!offered(COMMANDS.generateSample, finished.contextValue));
  assert.ok(offered(COMMANDS.resumeRun, stopped.contextValue));
  assert.ok(offered(COMMANDS.deleteRun, stopped.contextValue) && offered(COMMANDS.deleteRun, finished.contextValue));

  const text = { ...runOf('t', { kind: 'finished', step: 5 }), meta: { ...runOf('t', { kind: 'finished', step: 5 }).meta, info: seq2seqInfo({ task: 'text', errorRateName: undefined }) } };
  assert.equal(isSeq2seqRun(text), false);
  assert.equal(isSeq2seqRun(runOf('s', { kind: 'finished', step: 5 }, { task: 'reverse', errorRateName: undefined })), true, 'a synthetic pair task');
  const catalog = { resumability: (id: string): Resumability | undefined => (id === 'c' ? { kind: 'resumable', step: 250, notes: [], next: 'resume' } : undefined) };
  const translatable = [runOf('a', { kind: 'finished', step: 800 }), runOf('c', { kind: 'cancelled', step: 300 }), runOf('i', { kind: 'interrupted', step: 3 }), text].filter(translatableIn(catalog));
  assert.deepEqual(translatable.map((r) => r.id), ['a', 'c']);
});

test('lenses: a pairs config offers Train, Compare Cells and Compare Attention', () => {
  const lenses = configLenses({ configPath: '/ws/dates.seqlab.json', errors: 0, compare: ['rnn', 'lstm', 'gru'], attention: 'additive', active: [], now: new Date() });
  assert.deepEqual(lenses.map((l) => [l.title, l.command]), [
    ['▶ Train', COMMANDS.train],
    ['Compare RNN · LSTM · GRU', COMMANDS.compareCells],
    ['Compare attention none · additive', COMMANDS.compareAttention],
  ]);
  assert.ok(!configLenses({ configPath: '/ws/a.seqlab.json', errors: 0, active: [], now: new Date() }).some((l) => l.command === COMMANDS.compareAttention), 'a sequence model has no attention');
});

test('translation text: the best output for the notification, every hypothesis with its log-probability for the output channel', () => {
  const result: TranslateResult = {
    runId: '20260101-100000-dates-gru-abcd',
    step: 800,
    decoding: { method: 'beam', beamWidth: 5, lengthPenalty: 0.6, maxLength: 24 },
    translations: [{
      source: '4 July 1999',
      sourceTokens: ['4', ' ', 'j', 'u', 'l', 'y', ' ', '1', '9', '9', '9'],
      unknown: [],
      hypotheses: [
        { text: '1999-07-04', tokens: [], logProb: -0.105, score: -0.05, finished: true },
        { text: '1999-07-14', tokens: [], logProb: -2.5, score: -1.2, finished: true },
        { text: '1999-07-1', tokens: [], logProb: -9.9, score: -5, finished: false },
      ],
    }],
  };
  assert.equal(translationSummary(result.translations[0]), '"4 July 1999" → "1999-07-04"');
  const report = translationReport(result, 'dates · GRU');
  assert.equal(report[0], '── Translate · dates · GRU (20260101-100000-dates-gru-abcd, weights of step 800; beam search, width 5, length penalty 0.6, at most 24 tokens) ──');
  assert.equal(report[2], '  1. "1999-07-04"   log p -0.105 (p 0.900, score -0.050)');
  assert.equal(report[3], '  2. "1999-07-14"   log p -2.500 (p 0.082, score -1.200)');
  assert.equal(report[4], '  3. "1999-07-1"   log p -9.900 (p 5.0e-5, score -5.000), cut off at the length limit');
  const unknown = { ...result.translations[0], source: '4 Juli 1999', unknown: ['ü'], hypotheses: [{ ...result.translations[0].hypotheses[2] }] };
  assert.equal(translationSummary(unknown), '"4 Juli 1999" → "1999-07-1" (cut off at the length limit) — not in the vocabulary: "ü"');
  assert.match(translationReport({ ...result, translations: [unknown] }, 'x').join('\n'), /not in the vocabulary \(read as <unk>\): "ü"/);
  assert.equal(translationSummary({ ...unknown, unknown: [], hypotheses: [] }), '"4 Juli 1999": the model wrote nothing');
});
