// The editor's data checks (src/extension/configs/dataChecks.ts): one run per document while what they
// depend on stays the same, placed in whatever the text is now; a newer key supersedes and kills the
// older run; a checker that fails says so instead of saying nothing. The checker is the engine's
// `checkData` request (engineDataChecker), in a child of the one EngineClient.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { type DataChecker, dataCheckKey, DataChecks, engineDataChecker } from '../../src/extension/configs/dataChecks';
import { EngineClient, type EngineOutcome, type RequestOptions } from '../../src/extension/engine/engineClient';
import { dataIssues } from '../../src/trainer/data/dataChecks';
import type { Issue } from '../../src/shared/configIssue';
import { parseConfig } from '../../src/shared/configValidation';

const lookbackIssue: Issue = { segments: ['data', 'lookback'], anchor: 'value', severity: 'error', message: 'v.csv: 40 usable data rows; lookback 60 needs more.' };

/** A checker whose runs the test settles by hand, recording what it was asked and whether it was aborted. */
function manualChecker() {
  const calls: { text: string; signal: AbortSignal; settle: (issues: Issue[] | Error) => void }[] = [];
  const checker: DataChecker = (text, _configPath, signal) => new Promise((resolve, reject) => {
    signal.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' })));
    calls.push({ text, signal, settle: (r) => (r instanceof Error ? reject(r) : resolve(r)) });
  });
  return { checker, calls };
}

const config = (lookback: number, extra = '') => `{\n  "name": "c",${extra}\n  "data": { "kind": "csv", "path": "v.csv", "targets": ["y"], "lookback": ${lookback} }\n}`;
const keyOf = (text: string) => dataCheckKey('/ws/c.seqlab.json', parseConfig(text, '/ws/c.seqlab.json').config!, { isFile: true, size: 100, mtimeMs: 1 });

test('the same data settings run the checks once; each text gets the problems placed in it', async () => {
  const { checker, calls } = manualChecker();
  const checks = new DataChecks(checker);
  const first = config(60);
  const pending = checks.problems('doc', first, '/ws/c.seqlab.json', keyOf(first));
  calls[0].settle([lookbackIssue]);
  const [p] = (await pending)!;
  assert.equal(first.slice(p.offset, p.offset + p.length), '60');
  const otherSplit = config(60, '\n  "validationSplit": 0.2,');
  assert.notEqual(keyOf(otherSplit), keyOf(first), 'validationSplit is part of the key');
  // a line added above: same key, no new run, the problem moves with its setting
  const sameData = config(60, '\n  // a comment');
  const [moved] = (await checks.problems('doc', sameData, '/ws/c.seqlab.json', keyOf(sameData)))!;
  assert.equal(calls.length, 1);
  assert.equal(moved.line, 4);
  assert.equal(sameData.slice(moved.offset, moved.offset + moved.length), '60');
  checks.dispose();
});

test('a change of the data settings aborts the older run, whose caller gets nothing; the newer one answers', async () => {
  const { checker, calls } = manualChecker();
  const checks = new DataChecks(checker);
  const older = checks.problems('doc', config(60), '/ws/c.seqlab.json', keyOf(config(60)));
  const newer = checks.problems('doc', config(3), '/ws/c.seqlab.json', keyOf(config(3)));
  assert.equal(calls.length, 2);
  assert.equal(calls[0].signal.aborted, true);
  assert.equal(await older, undefined);
  calls[1].settle([]);
  assert.deepEqual(await newer, []);
  checks.forget('doc');
  checks.dispose();
});

test('a checker that fails gives one warning on data.kind, and the next validation tries again', async () => {
  const { checker, calls } = manualChecker();
  const checks = new DataChecks(checker);
  const text = config(60);
  const failed = checks.problems('doc', text, '/ws/c.seqlab.json', keyOf(text));
  calls[0].settle(new Error('spawn node ENOENT'));
  const [warning] = (await failed)!;
  assert.equal(warning.severity, 'warning');
  assert.equal(warning.path, 'data.kind');
  assert.match(warning.message, /^The data checks did not run: spawn node ENOENT\. `seqlab validate` runs them in a terminal\.$/);
  const again = checks.problems('doc', text, '/ws/c.seqlab.json', keyOf(text));
  assert.equal(calls.length, 2);
  calls[1].settle([lookbackIssue]);
  assert.equal((await again)![0].message, lookbackIssue.message);
  checks.dispose();
});

const root = path.resolve(__dirname, '../..');
const trainerPath = path.join(root, 'dist/trainer.js');

test('engineDataChecker: the engine answers `checkData` with the issues `seqlab validate` finds', { skip: !fs.existsSync(trainerPath) && 'dist/trainer.js is not built' }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-checkdata-'));
  fs.writeFileSync(path.join(dir, 'v.csv'), 'date,visitors\n' + Array.from({ length: 20 }, (_, i) => `2024-01-${String(i + 1).padStart(2, '0')},${i}`).join('\n') + '\n');
  const configPath = path.join(dir, 'c.seqlab.json');
  const text = JSON.stringify({ name: 'c', data: { kind: 'csv', path: 'v.csv', targets: ['vistors'], dateColumns: ['date'] } });
  const engine = new EngineClient({ trainerPath });
  try {
    const issues = await engineDataChecker(engine)(text, configPath, new AbortController().signal);
    assert.deepEqual(issues, dataIssues(parseConfig(text, configPath).config!, configPath));
    assert.equal(issues.length, 1);
    assert.match(issues[0].message, /data\.targets names column "vistors".*Did you mean "visitors"\?/);
    assert.deepEqual(await engineDataChecker(engine)('{ "name": ', configPath, new AbortController().signal), [], 'a text that is no config has no data checks');
    // an aborted check starts no child
    const started = engine.started;
    const aborted = AbortSignal.abort();
    await assert.rejects(engineDataChecker(engine)(text, configPath, aborted), { name: 'AbortError' });
    assert.equal(engine.started, started);
  } finally {
    engine.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('engineDataChecker: the signal goes to the request; a cancelled request rejects as aborted, a failed one with its first line', async () => {
  const asked: { kind: string; signal?: AbortSignal }[] = [];
  const answers: EngineOutcome<'checkData'>[] = [{ kind: 'cancelled' }, { kind: 'failed', problem: 'internal', message: 'RangeError: too deep\n    at load (x.js:1:1)' }];
  const engine = {
    request: (async (kind: string, _request: unknown, options?: RequestOptions) => {
      asked.push({ kind, ...(options?.signal && { signal: options.signal }) });
      return answers.shift();
    }) as EngineClient['request'],
  };
  const check = engineDataChecker(engine);
  const abort = new AbortController();
  await assert.rejects(check('{}', '/ws/c.seqlab.json', abort.signal), { name: 'AbortError' });
  assert.equal(asked[0].kind, 'checkData');
  assert.equal(asked[0].signal, abort.signal);
  await assert.rejects(check('{}', '/ws/c.seqlab.json', abort.signal), { message: 'RangeError: too deep' });
});
