// The encoder–decoder's model section: what the schema fills in, how each side takes the model's
// settings, and the checks across fields that name the settings to change.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Seq2seqModelConfig } from '../../src/shared/config';
import { parseConfig } from '../../src/shared/configValidation';
import { seq2seqSides } from '../../src/shared/seq2seqConfig';

const pairs = { kind: 'synthetic-pairs', task: 'reverse' };

function check(config: object) {
  const { config: parsed, problems } = parseConfig(JSON.stringify({ name: 's', ...config }), 's.seqlab.json');
  return { parsed, problems: problems.map((p) => ({ path: p.path, severity: p.severity, message: p.message })) };
}

describe('model.kind "seq2seq"', () => {
  test('a bare seq2seq section gets the encoder–decoder defaults and the decoding defaults', () => {
    const { parsed, problems } = check({ data: pairs, model: { kind: 'seq2seq' } });
    assert.deepEqual(problems, []);
    assert.deepEqual(parsed!.model, {
      kind: 'seq2seq', cell: 'lstm', hiddenSize: 128, layers: 1, embeddingSize: 32, forgetBias: 1,
      encoder: { bidirectional: false }, decoder: {},
      attention: 'additive', attentionSize: 0, inputFeeding: false, reverseSource: false, teacherForcing: 1, dropout: 0,
    });
    assert.deepEqual(parsed!.decoding, { beamWidth: 5, lengthPenalty: 0.6, maxLength: 0, beamPairs: 200 });
  });

  test('a model section without kind is a sequence model, as every config before model kinds', () => {
    const { parsed, problems } = check({ data: { kind: 'synthetic', task: 'adding' }, model: { hiddenSize: 8 } });
    assert.deepEqual(problems, []);
    assert.equal(parsed!.model.kind, 'sequence');
    assert.equal(parsed!.model.kind === 'sequence' && parsed!.model.dropout, 0);
  });

  test('each side takes the model\'s settings unless it names its own; a compared cell replaces model.cell only', () => {
    const { parsed } = check({ data: pairs, model: { kind: 'seq2seq', cell: 'gru', hiddenSize: 64, encoder: { hiddenSize: 32, bidirectional: true }, decoder: { cell: 'lstm' } } });
    const model = parsed!.model as Seq2seqModelConfig;
    assert.deepEqual(seq2seqSides(model), {
      encoder: { cell: 'gru', layers: 1, hiddenSize: 32, embeddingSize: 32, bidirectional: true },
      decoder: { cell: 'lstm', layers: 1, hiddenSize: 64, embeddingSize: 32 },
    });
    assert.deepEqual([seq2seqSides(model, 'rnn').encoder.cell, seq2seqSides(model, 'rnn').decoder.cell], ['rnn', 'lstm']);
  });

  test('pairs data needs a seq2seq model, and a seq2seq model needs pairs data', () => {
    const noKind = check({ data: pairs, model: { hiddenSize: 16 } });
    assert.equal(noKind.parsed, undefined);
    assert.deepEqual(noKind.problems.map((p) => [p.path, p.severity]), [['model.kind', 'error']]);
    assert.match(noKind.problems[0].message, /data\.kind "synthetic-pairs" holds source\/target pairs.*"model": \{ "kind": "seq2seq" \}/);
    const noModel = check({ data: { kind: 'pairs', path: 'p.tsv' } });
    assert.deepEqual(noModel.problems.map((p) => p.path), ['model.kind']);
    const text = check({ data: { kind: 'text', path: 'c.txt' }, model: { kind: 'seq2seq' } });
    assert.deepEqual(text.problems.map((p) => [p.path, p.severity]), [['model.kind', 'error']]);
    assert.match(text.problems[0].message, /for source\/target pairs, but data\.kind is "text"\. Use "pairs" or "synthetic-pairs" data/);
  });

  test('dot attention needs the encoder\'s output width to equal the decoder\'s hidden size, naming the fields that set them', () => {
    const bi = check({ data: pairs, model: { kind: 'seq2seq', attention: 'dot', hiddenSize: 64, encoder: { bidirectional: true } } });
    assert.deepEqual(bi.problems.map((p) => [p.path, p.severity]), [['model.attention', 'error']]);
    assert.match(bi.problems[0].message, /encoder's output width \(2 × model\.hiddenSize = 128, as the encoder is bidirectional\) must equal model\.hiddenSize \(64\)/);
    const sides = check({ data: pairs, model: { kind: 'seq2seq', attention: 'dot', encoder: { hiddenSize: 32 }, decoder: { hiddenSize: 48 } } });
    assert.match(sides.problems[0].message, /\(model\.encoder\.hiddenSize = 32\) must equal model\.decoder\.hiddenSize \(48\).*use "general" or "additive"/);
    const fits = check({ data: pairs, model: { kind: 'seq2seq', attention: 'dot', encoder: { hiddenSize: 32, bidirectional: true }, decoder: { hiddenSize: 64 } } });
    assert.deepEqual(fits.problems, []);
  });

  test('the decoder needs as many layers as the encoder', () => {
    const { problems } = check({ data: pairs, model: { kind: 'seq2seq', layers: 2, decoder: { layers: 1 } } });
    assert.deepEqual(problems.map((p) => [p.path, p.severity]), [['model.decoder.layers', 'error']]);
    assert.match(problems[0].message, /model\.decoder\.layers \(1\) must equal model\.layers \(2\): decoder layer l starts from encoder layer l's final state/);
  });

  test('teacherForcing below 1 (scheduled sampling) is refused with what to do', () => {
    const { problems } = check({ data: pairs, model: { kind: 'seq2seq', teacherForcing: 0.5 } });
    assert.deepEqual(problems.map((p) => [p.path, p.severity]), [['model.teacherForcing', 'error']]);
    assert.match(problems[0].message, /scheduled sampling.*only 1 \(teacher forcing\) trains\. Set it to 1/);
  });

  test('the tfjs backend is refused, naming wasm', () => {
    const { problems } = check({ data: pairs, model: { kind: 'seq2seq' }, training: { backend: 'tfjs' } });
    assert.deepEqual(problems.map((p) => [p.path, p.severity]), [['training.backend', 'error']]);
    assert.match(problems[0].message, /wasm kernels only.*"backend": "wasm"/);
    assert.deepEqual(check({ data: pairs, model: { kind: 'seq2seq' }, training: { backend: 'auto' } }).problems, []);
  });

  test('sequence-model settings are unknown in a seq2seq section, and the reverse', () => {
    const chrono = check({ data: pairs, model: { kind: 'seq2seq', chronoInit: 20 } });
    assert.deepEqual(chrono.problems.map((p) => [p.path, p.severity]), [['model.chronoInit', 'error']]);
    assert.equal(chrono.problems[0].message, 'Unknown setting "chronoInit" in model (kind "seq2seq"). It is a setting of sequence models only.');
    assert.deepEqual(check({ data: pairs, model: { kind: 'seq2seq', dropout: 0.2 } }).problems, [], 'both kinds have dropout');
    const attention = check({ data: { kind: 'synthetic', task: 'adding' }, model: { attention: 'dot' } });
    assert.deepEqual(attention.problems.map((p) => [p.path, p.severity]), [['model.attention', 'error']]);
    assert.equal(attention.problems[0].message, 'Unknown setting "attention" in model. It is a setting of seq2seq models only.');
    const side = check({ data: pairs, model: { kind: 'seq2seq', decoder: { bidirectional: true } } });
    assert.deepEqual(side.problems.map((p) => p.path), ['model.decoder.bidirectional']);
  });

  test('settings that another setting makes useless are warnings', () => {
    const { parsed, problems } = check({
      data: { kind: 'synthetic-pairs', task: 'addition', reverseSource: true },
      model: { kind: 'seq2seq', cell: 'gru', attention: 'none', attentionSize: 16, inputFeeding: true, reverseSource: true, forgetBias: 2 },
    });
    assert.ok(parsed);
    // in the order of their place in the text
    assert.deepEqual(problems.map((p) => [p.path, p.severity]), [
      ['model.attentionSize', 'warning'], ['model.inputFeeding', 'warning'], ['model.reverseSource', 'warning'], ['model.forgetBias', 'warning'],
    ]);
    assert.match(problems.find((p) => p.path === 'model.reverseSource')!.message, /both reverse the source, so together the encoder reads it in its written order/);
    const decoding = check({ data: { kind: 'synthetic', task: 'adding' }, decoding: { beamWidth: 3 } });
    assert.deepEqual(decoding.problems.map((p) => [p.path, p.severity]), [['decoding', 'warning']]);
  });
});

