// Export Model's engine in the extension host: `seqlab export --json` (dist/cli.js) in a child process,
// its result parsed, a failure's message passed on, a cancelled export's process killed.
// Needs `npm run build` first.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { ModelExporter } from '../../src/extension/export/modelExporter';
import { train } from '../../src/trainer/training';

const root = path.resolve(__dirname, '../..');
const cli = path.join(root, 'dist/cli.js');
const skip = !fs.existsSync(path.join(root, 'dist/tfjs.js')) && 'dist/cli.js and dist/tfjs.js are not built';

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

test('an export reports its files; a second one without force fails with the message of the CLI', { skip }, async () => {
  const { runsDir, runDir } = await trainedRun();
  const exporter = new ModelExporter(cli);
  const job = { runDir, runsDir, format: 'tfjs' as const, weights: 'last' as const, force: false };
  const first = await exporter.export(job);
  assert.equal(first.kind, 'exported', JSON.stringify(first));
  if (first.kind !== 'exported') return;
  assert.equal(first.result.step, 3);
  assert.equal(first.result.modelJson, path.join(runDir, 'export', 'tfjs', 'model.json'));
  assert.ok(first.result.files.every((f) => fs.statSync(f.path).size === f.bytes));
  const second = await exporter.export(job);
  assert.deepEqual(second.kind, 'failed');
  assert.match((second as { message: string }).message, /already holds .* Pass --force/);
  assert.equal((await exporter.export({ ...job, force: true })).kind, 'exported');
  assert.equal((await exporter.export({ ...job, weights: 'best', force: true })).kind, 'exported');
});

test('a cancelled export kills its process and reports cancelled', { skip }, async () => {
  const { runsDir, runDir } = await trainedRun();
  const exporter = new ModelExporter(cli);
  const abort = new AbortController();
  const pending = exporter.export({ runDir, runsDir, format: 'tfjs', weights: 'last', force: false }, abort.signal);
  abort.abort();
  assert.deepEqual(await pending, { kind: 'cancelled' });
  const missing = await new ModelExporter(path.join(root, 'no-such-cli.js')).export({ runDir, runsDir, format: 'tfjs', weights: 'last', force: false });
  assert.equal(missing.kind, 'failed');
});
