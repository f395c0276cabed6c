// `seqlab translate` end to end on a tiny trained encoder–decoder (dist/cli.js, as a user runs it), and the
// engine's `translate` request (dist/trainer.js forked with IPC, as the extension asks it). Needs `npm run build`.

import assert from 'node:assert/strict';
import { fork, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import type { SampleRecord } from '../../src/shared/metrics';
import type { TrainerToHost } from '../../src/shared/protocol';
import type { TranslateResult } from '../../src/shared/translation';
import { readMetrics } from '../../src/runs/runReader';
import { train } from '../../src/trainer/training';

const root = path.resolve(__dirname, '..', '..');
const cli = path.join(root, 'dist', 'cli.js');
const built = fs.existsSync(cli);

const run = (args: string[], cwd: string, input?: string) => spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout: 120_000, ...(input !== undefined && { input }) });

describe('seqlab translate', { skip: !built && 'not built' }, () => {
  let dir = '', runsDir = '', samples: SampleRecord[] = [];

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-translate-'));
    runsDir = path.join(dir, 'runs');
    const configPath = path.join(dir, 'rev.seqlab.json');
    fs.writeFileSync(configPath, JSON.stringify({
      name: 'rev',
      data: { kind: 'synthetic-pairs', task: 'reverse', minLength: 3, maxLength: 5, alphabetSize: 6, samples: 2000 },
      model: { kind: 'seq2seq', cell: 'lstm', hiddenSize: 32, embeddingSize: 16 },
      // few steps: a half-trained model, whose beams differ from its greedy outputs
      training: { maxSteps: 60, batchSize: 32, learningRate: 0.01, validateEvery: 60, threads: 1 },
    }));
    const out = await train({ configPath, runsDir });
    samples = (await readMetrics(out.runDir!)).filter((m): m is SampleRecord => m.kind === 'sample');
  });

  test('--beam 1 is greedy decoding: it writes what the run\'s final evaluation wrote greedily, one line per source of --file', () => {
    assert.equal(samples.length, 4);
    const r = run(['translate', 'rev', '--file', '-', '--beam', '1', '--runs-dir', runsDir], dir, samples.map((s) => s.prime).join('\n') + '\n');
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.stdout.split('\n').slice(0, -1), samples.map((s) => s.text));
    const json = JSON.parse(run(['translate', 'rev', samples[0].prime, '--beam', '1', '--json', '--runs-dir', runsDir], dir).stdout) as TranslateResult;
    assert.deepEqual([json.decoding.method, json.decoding.beamWidth], ['greedy', 1]);
    assert.equal(json.translations[0].hypotheses[0].text, samples[0].text);
  });

  test('--top K lists K outputs of beam search, best first by score, with their log-probabilities', () => {
    const r = run(['translate', 'rev', 'abcde', '--top', '4', '--json', '--attention', '--runs-dir', runsDir], dir);
    assert.equal(r.status, 0, r.stderr);
    const result = JSON.parse(r.stdout) as TranslateResult;
    assert.deepEqual([result.decoding.method, result.decoding.beamWidth], ['beam', 5], 'the run\'s beamWidth 5 already holds 4');
    const [t] = result.translations;
    assert.deepEqual([t.source, t.sourceTokens, t.unknown], ['abcde', ['a', 'b', 'c', 'd', 'e'], []]);
    assert.equal(t.hypotheses.length, 4);
    assert.equal(new Set(t.hypotheses.map((h) => h.text)).size, 4, 'distinct hypotheses');
    for (let k = 1; k < 4; k++) assert.ok(t.hypotheses[k - 1].score >= t.hypotheses[k].score, `ranked by score: ${t.hypotheses.map((h) => h.score)}`);
    for (const h of t.hypotheses) {
      assert.ok(h.logProb < 0 && h.logProb <= h.score, `log p ${h.logProb}, score ${h.score}`);
      assert.equal(h.attention!.length, h.tokens.length + (h.finished ? 1 : 0));
      assert.ok(h.attention!.every((row) => row.length === 5 && Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-4));
    }
    const text = run(['translate', 'rev', 'abcde', '--top', '2', '--runs-dir', runsDir], dir);
    assert.match(text.stdout, /^abcde\n {2}1\. \S+\tlog p -\d+\.\d{4}, score -\d+\.\d{4}.*\n {2}2\. /);
  });

  test('--temperature draws outputs, the same ones for the same seed; unknown tokens are named', () => {
    const draw = (seed: string) => JSON.parse(run(['translate', 'rev', 'abcz', '--temperature', '1.5', '--top', '3', '--seed', seed, '--json', '--runs-dir', runsDir], dir).stdout) as TranslateResult;
    const a = draw('7'), b = draw('7');
    assert.deepEqual(a.translations, b.translations);
    assert.equal(a.decoding.method, 'sample');
    assert.deepEqual(a.translations[0].unknown, ['z']);
    const logProbs = a.translations[0].hypotheses.map((h) => h.logProb);
    assert.deepEqual(logProbs, [...logProbs].sort((x, y) => y - x));
    const warned = run(['translate', 'rev', 'abcz', '--runs-dir', runsDir], dir);
    assert.match(warned.stderr, /source 1: "z" not in the run's vocabulary \(read as <unk>\)/);
  });

  test('--steps K: each output\'s decoder steps with their K most probable tokens; with --json the steps and the beam\'s tree, results unchanged', () => {
    const json = (args: string[]) => {
      const r = run(['translate', 'rev', 'abcde', ...args, '--json', '--runs-dir', runsDir], dir);
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout) as TranslateResult;
    };
    const plain = json(['--top', '3']), traced = json(['--top', '3', '--steps', '4']);
    const [t] = traced.translations;
    assert.deepEqual(t.hypotheses.map(({ steps, node, ...h }) => h), plain.translations[0].hypotheses, 'the same hypotheses');
    assert.equal(plain.translations[0].beamTree, undefined, 'no tree unless asked');
    const tree = t.beamTree!;
    for (const h of t.hypotheses) {
      const emitted = h.finished ? [...h.tokens, '</s>'] : h.tokens;
      assert.deepEqual(h.steps!.map((st) => st.taken.token), emitted);
      assert.equal(h.steps!.reduce((sum, st) => sum + st.taken.logProb, 0), h.logProb, 'Σ log p of the taken tokens, to the bit');
      assert.ok(h.steps!.every((st) => st.candidates.length === 4 && st.candidates.reduce((p, c) => p + Math.exp(c.logProb), 0) <= 1 + 1e-6));
      const path: string[] = [];
      for (let n = h.node!; n > 0; n = tree[n].parent) path.unshift(tree[n].token);
      assert.deepEqual(path, emitted, 'its path in the tree');
      assert.deepEqual([tree[h.node!].logProb, tree[h.node!].score], [h.logProb, h.score]);
    }
    for (let d = 1; d <= Math.max(...tree.map((n) => n.depth)); d++) assert.ok(tree.filter((n) => n.depth === d && n.status !== 'pruned').length <= traced.decoding.beamWidth, `depth ${d}`);
    // greedy, as text: one line per step, the taken token (the most probable) first and in brackets
    const greedy = json(['--beam', '1', '--steps', '3']).translations[0].hypotheses[0];
    const text = run(['translate', 'rev', 'abcde', '--beam', '1', '--steps', '3', '--runs-dir', runsDir], dir);
    assert.equal(text.status, 0, text.stderr);
    const lines = text.stdout.split('\n').filter((l) => /^ +step \d+: /.test(l));
    assert.equal(lines.length, greedy.steps!.length);
    lines.forEach((line, i) => {
      const want = greedy.steps![i].candidates.map((c, k) => `${k === 0 ? '[' : ''}${c.token} ${(100 * Math.exp(c.logProb)).toFixed(1)}%${k === 0 ? ']' : ''}`).join('  ');
      assert.equal(line.trim(), `step ${i}: ${want}`);
    });
    assert.equal(run(['translate', 'rev', 'abcde', '--steps', '0', '--runs-dir', runsDir], dir).status, 2);
  });

  test('--file: blank lines at the end are the file\'s ending; a blank line inside is refused with its file and line', () => {
    const file = path.join(dir, 'sources.txt');
    fs.writeFileSync(file, `${samples[0].prime}\r\n${samples[1].prime}\r\n\r\n \n`);
    const ended = run(['translate', 'rev', '--file', file, '--beam', '1', '--runs-dir', runsDir], dir);
    assert.equal(ended.status, 0, ended.stderr);
    assert.deepEqual(ended.stdout.split('\n'), [samples[0].text, samples[1].text, '']);
    fs.writeFileSync(file, `${samples[0].prime}\n\n${samples[1].prime}\n`);
    const inside = run(['translate', 'rev', '--file', file, '--beam', '1', '--runs-dir', runsDir], dir);
    assert.equal(inside.status, 2);
    assert.equal(inside.stdout, '', 'nothing is translated when the lines would not line up');
    assert.match(inside.stderr, /sources\.txt:2: the line is blank/);
    const piped = run(['translate', 'rev', '--file', '-', '--runs-dir', runsDir], dir, `${samples[0].prime}\n \n${samples[1].prime}\n`);
    assert.match(piped.stderr, /^standard input:2: the line is blank/);
  });

  test('--file under the data files\' rules: Latin-1 and binary refused with the byte and what to do (exit 3); a BOM dropped', () => {
    const latin1 = path.join(dir, 'latin1.txt');
    fs.writeFileSync(latin1, Buffer.from(`${samples[0].prime}\ncaf\xe9\n`, 'latin1'));
    const e = run(['translate', 'rev', '--file', latin1, '--runs-dir', runsDir], dir);
    assert.equal(e.status, 3);
    assert.equal(e.stdout, '');
    assert.match(e.stderr, /latin1\.txt:2 \(byte \d+\): the file is not valid UTF-8: byte 0xe9 .*iconv -f latin1/);
    const binary = path.join(dir, 'binary.txt');
    fs.writeFileSync(binary, Buffer.from([0x61, 0x00, 0x62, 0x0a]));
    const b = run(['translate', 'rev', '--file', binary, '--runs-dir', runsDir], dir);
    assert.equal(b.status, 3);
    assert.match(b.stderr, /binary\.txt:1 \(byte 1\): the file looks binary: a NUL byte at byte offset 1\. Give --file a plain-text file/);
    const bom = run(['translate', 'rev', '--file', '-', '--beam', '1', '--runs-dir', runsDir], dir, `\ufeff${samples[0].prime}\n`);
    assert.equal(bom.status, 0, bom.stderr);
    assert.equal(bom.stderr, '', 'no <unk> warning for the BOM');
    assert.equal(bom.stdout, `${samples[0].text}\n`);
  });

  test('usage errors and runs that cannot translate exit with their codes', () => {
    const neither = run(['translate', 'rev', '--runs-dir', runsDir], dir);
    assert.equal(neither.status, 2);
    assert.match(neither.stderr, /needs a source text or --file/);
    const missing = run(['translate', 'nope', 'abc', '--runs-dir', runsDir], dir);
    assert.equal(missing.status, 4);
  });

  test('the engine answers a translate request as the CLI does', async () => {
    const child = fork(path.join(root, 'dist', 'trainer.js'), [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], execArgv: [] });
    const reply = await new Promise<TrainerToHost>((resolve) => {
      child.on('message', (m: TrainerToHost) => {
        if (m.type === 'ready') child.send({ type: 'request', id: 1, body: { kind: 'translate', request: { runsDir, run: 'rev', sources: [samples[1].prime], beam: 1 } } });
        else resolve(m);
      });
    });
    child.kill();
    assert.equal(reply.type, 'reply');
    assert.ok(reply.type === 'reply' && reply.body.kind === 'translate');
    assert.equal(reply.body.result.translations[0].hypotheses[0].text, samples[1].text);
  });
});
