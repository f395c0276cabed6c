// Export Model's engine in the extension host: an `export` request answered by a dist/trainer.js child
// (the host never loads tensor code), its typed result, a failure's problem and message passed on, a
// cancelled export's process killed. Needs `npm run build` first.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { EngineClient } from '../../src/extension/engine/engineClient';
import type { ExportRequest } from '../../src/shared/modelExport';
import { train } from '../../src/trainer/training';

const root = path.resolve(__dirname, '../..');
const trainerPath = path.join(root, 'dist/trainer.js');
const skip = !fs.existsSync(path.join(root, 'dist/tfjs.js')) && 'dist/trainer.js and dist/tfjs.js are not built';

async function trainedRun(): Promise<{ runsDir: string; runDir: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-exporter-'));
  const configPath = path.join(dir, 'tiny.seqlab.json');
  fs.writeFileSync(configPath, JSON.stringify({
    name: 'tiny',
    data: { kind: 'synthetic', task: 'copy', length: 4, samples: 64 },
    model: { cell: 'lstm', hiddenSize: 8, embeddingSize: 4 },
    training: { maxSteps: 3, batchSize: 8, validateEvery: 3, threads: 1 },
    diagnostics: { enabled: false },
  }));
  const runsDir = path.join(dir, 'runs');
  const out = await train({ configPath, runsDir });
  return { runsDir, runDir: out.runDir! };
}

test('an export reports its files; a second one without force fails with the engine\'s problem and message', { skip }, async () => {
  const { runsDir, runDir } = await trainedRun();
  const engine = new EngineClient({ trainerPath });
  const job: ExportRequest = { run: runDir, runsDir, format: 'tfjs', weights: 'last', force: false };
  const first = await engine.request('export', job);
  assert.equal(first.kind, 'done', JSON.stringify(first));
  if (first.kind !== 'done') return;
  assert.equal(first.result.step, 3);
  assert.equal(first.result.modelJson, path.join(runDir, 'export', 'tfjs', 'model.json'));
  assert.ok(first.result.files.every((f) => fs.statSync(f.path).size === f.bytes));
  const second = await engine.request('export', job);
  assert.equal(second.kind === 'failed' && second.problem, 'outExists');
  assert.match((second as { message: string }).message, /already holds .* Pass --force/);
  assert.equal((await engine.request('export', { ...job, force: true })).kind, 'done');
  assert.equal((await engine.request('export', { ...job, weights: 'best', force: true })).kind, 'done');
  assert.equal(engine.started, 4, 'one engine child per request');
});

test('a cancelled export kills its process and reports cancelled; a missing engine is a failure that says why', { skip }, async () => {
  const { runsDir, runDir } = await trainedRun();
  const engine = new EngineClient({ trainerPath });
  const abort = new AbortController();
  const pending = engine.request('export', { run: runDir, runsDir, format: 'tfjs', weights: 'last', force: false }, { signal: abort.signal });
  abort.abort();
  assert.deepEqual(await pending, { kind: 'cancelled' });
  assert.equal(engine.alive, 0);
  const missing = await new EngineClient({ trainerPath: path.join(root, 'no-such-trainer.js') }).request('export', { run: runDir, runsDir, format: 'tfjs', weights: 'last', force: false });
  assert.equal(missing.kind === 'failed' && missing.problem, 'crashed');
  assert.match((missing as { message: string }).message, /exited with code 1 before it answered the export request\. Last output: .*Cannot find module/);
});
