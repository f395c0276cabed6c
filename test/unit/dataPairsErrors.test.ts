// Every way a pairs file can be wrong, and the message its owner gets: what, where (file and line),
// and what to do. No problem is passed over silently: skipped lines are counted.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolve } from 'node:path';
import { test } from 'node:test';
import type { PairsDataConfig } from '../../src/shared/pairsConfig';
import { parseConfig } from '../../src/shared/configValidation';
import { dataIssues } from '../../src/trainer/data/dataChecks';
import { DataError } from '../../src/trainer/data/dataError';
import { loadPairsDataset, pairsFromText } from '../../src/trainer/data/pairs';

const fixtures = resolve(__dirname, '../fixtures/data');
const FILE = '/data/pairs.tsv';
const config = (over: Partial<PairsDataConfig> = {}): PairsDataConfig => ({
  kind: 'pairs', path: 'pairs.tsv', format: 'auto', sourceColumn: 0, targetColumn: 1, sourceLevel: 'char', targetLevel: 'char',
  lowercase: false, maxSourceLength: 0, maxTargetLength: 0, maxPairs: 0, skipMalformed: false, seed: 1, ...over,
});

function dataError(fn: () => unknown): DataError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof DataError, `expected a DataError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a DataError');
}
const fromText = (text: string, over: Partial<PairsDataConfig> = {}, file = FILE, split = 0) => () => pairsFromText(text, config(over), split, file);
const fromFixture = (path: string, over: Partial<PairsDataConfig> = {}) => () => loadPairsDataset(config({ path, ...over }), { configDir: fixtures, validationSplit: 0 });

test('a line without the tab: file and line, the line itself, and both ways out', () => {
  const e = dataError(fromFixture('pairs-malformed.tsv'));
  assert.equal(e.file, resolve(fixtures, 'pairs-malformed.tsv'));
  assert.equal(e.line, 3);
  assert.equal(e.message, `${e.file}:3: the line has no tab: "no tab here". Separate source and target with a tab, or set "skipMalformed": true to skip such lines (they are counted).`);
});

test('an empty target, an empty source: their lines', () => {
  const target = dataError(fromText('ab\tba\nxy\t\n'));
  assert.deepEqual([target.file, target.line], [FILE, 2]);
  assert.match(target.message, /^\/data\/pairs\.tsv:2: the target of "xy" is empty\. Write the target text, or delete the line, or set "skipMalformed": true/);
  const source = dataError(fromText('ab\tba\n\n\tyx\n'));
  assert.deepEqual([source.line, source.problem], [3, 'the source is empty']);
  const csv = dataError(fromText('word,phonemes\ncat,\n', { sourceColumn: 'word', targetColumn: 'phonemes' }, '/data/g2p.csv'));
  assert.deepEqual([csv.line, csv.column], [2, 'phonemes']);
});

test('skipMalformed skips and counts each reason with its first line; the summary says so', () => {
  const ds = fromFixture('pairs-malformed.tsv', { skipMalformed: true })();
  assert.deepEqual(ds.counts.skipped, {
    missingColumn: { count: 1, firstLine: 3 },
    emptyTarget: { count: 1, firstLine: 4 },
    emptySource: { count: 1, firstLine: 5 },
  });
  assert.deepEqual([ds.counts.rows, ds.counts.wellFormed, ds.counts.pairs], [6, 3, 3]);
  assert.match(ds.describe(), /\(skipped 1 without the separator or a column, first at line 3; 1 with an empty source, first at line 5; 1 with an empty target, first at line 4\)/);
});

test('too few fields for a column past the second: the field count and the column needed', () => {
  const e = dataError(fromText('a\tb\tc\nd\te\n', { targetColumn: 2 }));
  assert.equal(e.line, 2);
  assert.equal(e.problem, 'the line has 2 fields; column 2 is needed');
  const named = dataError(fromText('w,p\nab\n', { sourceColumn: 'w', targetColumn: 'p' }, '/data/g2p.csv'));
  assert.equal(named.problem, 'the line has 1 field; column 1 ("p") is needed');
});

test('a column past the end of every line: said at the setting, with the columns the lines have', () => {
  const tatoeba = 'Hi.\tSalut.\tCC-BY 2.0 #1\nRun!\tCours !\tCC-BY 2.0 #2\n';
  for (const skipMalformed of [false, true]) {
    const e = dataError(fromText(tatoeba, { targetColumn: 5, skipMalformed }));
    assert.deepEqual([e.field, e.line], ['data.targetColumn', undefined]);
    assert.equal(e.message, '/data/pairs.tsv: data.targetColumn is 5, but no line has more than 3 fields (columns 0 to 2). Use a 0-based column index below 3.');
  }
  assert.equal(dataError(fromText(tatoeba, { sourceColumn: 3 })).field, 'data.sourceColumn');
  // a file without any tab is told so at its first line
  assert.equal(dataError(fromText('no tab\nnone here\n', { targetColumn: 4 })).line, 1);
});

test('a column name not in the header: did you mean, the header\'s columns, line 1', () => {
  const e = dataError(fromFixture('pairs-header.csv', { sourceColumn: 'word', targetColumn: 'phoneme' }));
  assert.deepEqual([e.line, e.column, e.field], [1, 'phoneme', 'data.targetColumn']);
  assert.match(e.message, /pairs-header\.csv:1: data\.targetColumn names column "phoneme", which the header does not have\. Did you mean "phonemes"\? The header's columns: "word", "phonemes", "note"\./);
  const far = dataError(fromFixture('pairs-header.csv', { sourceColumn: 'spelling' }));
  assert.doesNotMatch(far.message, /Did you mean/);
  // A tab-separated file read as CSV has one column, named after the whole first line.
  const tsv = dataError(fromText('word\tphonemes\ncat\tK AE1 T\n', { sourceColumn: 'word', targetColumn: 'phonemes' }, '/data/g2p.csv'));
  assert.match(tsv.message, /The header was read as one column: is the file tab-separated\? Set "format": "tsv"\./);
});

test('columns: an index past the header, a name without a header, a name the header holds twice', () => {
  const past = dataError(fromText('a,b\nx,y\n', { header: true, targetColumn: 2 }, '/data/p.csv'));
  assert.deepEqual([past.line, past.field], [1, 'data.targetColumn']);
  assert.match(past.problem, /data\.targetColumn is 2, but the header has 2 columns \("a", "b"\)/);
  const noHeader = dataError(fromText('a\tb\n', { header: false, sourceColumn: 'a' }));
  assert.match(noHeader.message, /data\.sourceColumn names column "a", but the file is read without a header row.*Set "header": true/);
  const twice = dataError(fromText('a,a,b\nx,y,z\n', { sourceColumn: 'a', targetColumn: 'b' }, '/data/p.csv'));
  assert.match(twice.message, /:1: the header names column "a" twice/);
});

test('no pair left after the length limits: how many each limit dropped and the shortest of each side', () => {
  const e = dataError(fromText('abcd\twxyz\nabc\tw\nab\tvwxyz\n', { maxSourceLength: 1, maxTargetLength: 3 }));
  assert.equal(e.field, 'data.maxSourceLength');
  assert.equal(e.message, '/data/pairs.tsv: no pair is left after the length limits: of 3 pairs, 3 have more than maxSourceLength 1 source characters (the shortest source has 2), and 2 more than maxTargetLength 3 target characters (the shortest target has 1). Raise data.maxSourceLength / data.maxTargetLength (0 = no limit).');
  const words = dataError(fromText('a b\tc d e\n', { sourceLevel: 'word', targetLevel: 'word', maxTargetLength: 2 }));
  assert.equal(words.field, 'data.maxTargetLength');
  assert.match(words.problem, /of 1 pair, 1 have more than maxTargetLength 2 target words \(the shortest target has 3\)$/);
});

test('nothing to read: an empty file, a header alone, every line malformed', () => {
  assert.match(dataError(fromText('\n\n')).message, /^\/data\/pairs\.tsv: the file holds no pairs: it is empty\. Write one pair per line: source<TAB>target\./);
  assert.match(dataError(fromText('w,p\n', { sourceColumn: 'w', targetColumn: 'p' }, '/data/p.csv')).problem, /only the header row/);
  const skipped = dataError(fromText('a\nb\n\tc\n', { skipMalformed: true }));
  assert.equal(skipped.problem, 'the file holds no well-formed pair: all 3 lines were skipped (2 without the separator or a column, first at line 1; 1 with an empty source, first at line 3)');
});

test('broken CSV quoting: the line of the open quote', () => {
  const e = dataError(fromText('w,p\n"cat,K AE1 T\ndog,D AO1 G\n', { sourceColumn: 'w', targetColumn: 'p' }, '/data/p.csv'));
  assert.equal(e.line, 2);
  assert.match(e.message, /p\.csv:2: a quoted field opened on this line is never closed \(the file ends inside it\)\. Close the quote\. .*a quote inside it is doubled/);
});

test('any other CSV syntax error: csv-parse\'s words, its line, and how quoting works', () => {
  const e = dataError(fromText('w,p\nok,fine\n"cat"x,K AE1 T\n', { sourceColumn: 'w', targetColumn: 'p' }, '/data/p.csv'));
  assert.equal(e.line, 3);
  assert.match(e.message, /^\/data\/p\.csv:3: the CSV cannot be parsed: Invalid Closing Quote.*Check the quoting on that line\. .*set "format": "tsv"\.$/);
});

test('the split needs pairs on both sides', () => {
  const few = dataError(fromText('a\tb\nc\td\n', {}, FILE, 0.1));
  assert.equal(few.field, 'validationSplit');
  assert.match(few.message, /2 pairs are too few to hold validationSplit 0\.1 of them out \(that rounds to none\)/);
  const same = dataError(fromText('go\tva\ngo\tmarche\ngo\tbouge\ngo\tfile\n', {}, FILE, 0.5));
  assert.match(same.message, /the 4 pairs have one source, so holding validationSplit 0\.5 out leaves no training pair/i);
});

test('not UTF-8, binary, missing: the shared data-file checks, with the byte and line', () => {
  const latin1 = dataError(fromFixture('latin1.txt'));
  assert.match(latin1.message, /is not valid UTF-8: byte 0x[0-9a-f]{2} at byte offset \d+ \(line \d+\).*iconv/);
  assert.ok(latin1.line !== undefined && latin1.offset !== undefined);
  const binary = dataError(fromFixture('binary.txt'));
  assert.match(binary.message, /looks binary: a NUL byte at byte offset \d+/);
  const missing = dataError(fromFixture('no-such-pairs.tsv'));
  assert.match(missing.message, /no-such-pairs\.tsv: file not found\. Check data\.path/);
});

test('a Tatoeba line whose first tab was lost: it trains as read, with a warning naming the line and what it became', () => {
  const attribution = (n: number) => `CC-BY 2.0 (France) Attribution: tatoeba.org #${n}`;
  const good = ['Go.\tVa !', 'Hi.\tSalut !', 'Run!\tCours !', 'Wow!\tÇa alors !', 'Fire!\tAu feu !'].map((l, i) => `${l}\t${attribution(i)}`);
  const lines = [...good.slice(0, 3), `Help! À l'aide !\t${attribution(9)}`, ...good.slice(3)];
  const data = pairsFromText(lines.join('\n') + '\n', config(), 0, FILE);
  assert.equal(data.counts.pairs, 6, 'nothing is dropped');
  assert.deepEqual(data.warnings, [
    'pairs.tsv: 1 line has 2 fields where 5 have 3 (first at line 4, read as source "Help! À l\'aide !" → target "CC-BY 2.0 (France) Attribution: tatoeba.…"). ' +
    'A separator lost there moves a later column into the pair: check pairs.tsv:4; the pairs are trained as read.',
  ]);
  // a file whose lines all have the columns they need, with or without a third, is not warned about
  assert.deepEqual(pairsFromText(good.join('\n'), config(), 0, FILE).warnings, []);
  assert.deepEqual(pairsFromText('a\tb\nc\td\te\n', config(), 0, FILE).warnings, [], 'most lines do not have the third field');

  // `seqlab validate` and the editor say the same, as a warning at data.path
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-short-'));
  fs.writeFileSync(path.join(dir, 'fra.txt'), lines.join('\n') + '\n');
  const configPath = path.join(dir, 'fra.seqlab.json');
  const { config: parsed } = parseConfig(JSON.stringify({ name: 'fra', data: { kind: 'pairs', path: 'fra.txt' }, model: { kind: 'seq2seq' } }), configPath);
  const issues = dataIssues(parsed!, configPath);
  assert.deepEqual(issues.map((i) => [i.segments.join('.'), i.severity]), [['data.path', 'warning']]);
  assert.match(issues[0].message, /^fra\.txt: 1 line has 2 fields where 5 have 3 \(first at line 4/);
});
