// scripts/fixtures/make-cmudict-g2p.mjs: the CMU Pronouncing Dictionary as word<TAB>phonemes pairs,
// and those pairs through the pairs loader (characters → phoneme words), as the gallery reads them.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { pairsFromText } from '../../src/trainer/data/pairs';

const script = resolve(__dirname, '../../scripts/fixtures/make-cmudict-g2p.mjs');

interface G2p {
  lines: string[];
  alternates: number;
  nonLetter: string[];
  sameWithoutStress: number;
}
const loadScript = () => import(script) as Promise<{ g2pLines: (d: Record<string, string>, o?: { stress?: string; alternatives?: string }) => G2p }>;

test('first pronunciation only, letters a–z only, stress digits stripped or kept, comments dropped', async () => {
  const { g2pLines } = await loadScript();
  const dictionary = {
    "'bout": 'B AW1 T',
    a: 'AH0',
    'a(2)': 'EY1',
    'a.d.': 'EY2 D IY1',
    aalborg: 'AO1 L B AO0 R G # place, danish',
    'zsa-zsa': 'Z AA1 Z AA2',
    "zurich's": 'Z UH1 R IH0 K S',
  };
  const stripped = g2pLines(dictionary);
  assert.deepEqual(stripped.lines, ['a\tAH', 'aalborg\tAO L B AO R G']);
  assert.equal(stripped.alternates, 1);
  assert.deepEqual(stripped.nonLetter, ["'bout", 'a.d.', 'zsa-zsa', "zurich's"]);
  assert.deepEqual(g2pLines(dictionary, { stress: 'keep' }).lines, ['a\tAH0', 'aalborg\tAO1 L B AO0 R G']);
  assert.throws(() => g2pLines(dictionary, { stress: 'some' }), /--stress must be "strip" or "keep"/);
  // every pronunciation, a line each; one that differs from another in stress alone is written once
  const all = g2pLines({ ...dictionary, abstract: 'AE0 B S T R AE1 K T', 'abstract(2)': 'AE1 B S T R AE2 K T', 'abstract(3)': 'AH0 B S T R AE1 K T', "a.d.(2)": 'EY1 D' }, { alternatives: 'keep' });
  assert.deepEqual(all.lines, ['a\tAH', 'a\tEY', 'aalborg\tAO L B AO R G', 'abstract\tAE B S T R AE K T', 'abstract\tAH B S T R AE K T']);
  assert.equal(all.sameWithoutStress, 1);
  assert.deepEqual(g2pLines({ a: 'AH0', 'a(2)': 'AH1' }, { alternatives: 'keep', stress: 'keep' }).lines, ['a\tAH0', 'a\tAH1']);
  assert.throws(() => g2pLines(dictionary, { alternatives: 'all' }), /--alternatives must be "drop" or "keep"/);
});

test('the real dictionary: ~117 000 words, 39 phonemes without stress, loaded as char → word pairs', () => {
  const out = mkdtempSync(join(tmpdir(), 'seqlab-g2p-'));
  try {
    const file = join(out, 'cmudict-g2p.tsv');
    const run = spawnSync(process.execPath, [script, '--out', file], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const [wrote, alternates, nonLetter] = run.stdout.trim().split('\n');
    const words = Number(/^wrote (\d+) words/.exec(wrote)![1]);
    assert.ok(words > 110_000 && words < 130_000, wrote);
    assert.match(alternates, /^skipped \d+ alternative pronunciations \(the first of each word is kept\)$/);
    assert.match(nonLetter, /^skipped \d+ words with characters other than a-z, e\.g\. 'bout/);

    const text = readFileSync(file, 'utf8');
    const lines = text.trimEnd().split('\n');
    assert.equal(lines.length, words);
    assert.ok(lines.every((l) => /^[a-z]+\t[A-Z]+( [A-Z]+)*$/.test(l)), 'word<TAB>space-separated phonemes, no digits');
    assert.equal(new Set(lines.flatMap((l) => l.split('\t')[1].split(' '))).size, 39);
    assert.ok(lines.includes('hello\tHH AH L OW'), 'the first of "hello"\'s two pronunciations');

    const ds = pairsFromText(text, {
      kind: 'pairs', path: file, format: 'auto', sourceColumn: 0, targetColumn: 1, sourceLevel: 'char', targetLevel: 'word',
      lowercase: false, maxSourceLength: 0, maxTargetLength: 0, maxPairs: 0, skipMalformed: false, seed: 1,
    }, 0.1, file);
    assert.equal(ds.counts.pairs, words);
    assert.equal(ds.validationSize, Math.round(words * 0.1), 'every word is its own source: the split is exact');
    assert.equal(ds.sourceVocabulary.size, 4 + 26);
    assert.equal(ds.targetVocabulary.size, 4 + 39);
    const hello = ds.targetVocabulary.encode('HH AH L OW');
    assert.equal(ds.targetVocabulary.decode(hello), 'HH AH L OW');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
