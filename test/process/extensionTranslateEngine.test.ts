// The dashboard's "try it" against the real engine (dist/trainer.js): a panel's translator asks the panel's
// engine session (panelEngine, one EngineClient child) for a tiny trained encoder–decoder's translation with
// attention, and posts it under the request id; a text model's run is refused in words; the same child
// answers both, and dispose ends it. Needs `npm run build`.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { panelEngine } from '../../src/extension/dashboard/exploreRun';
import { PanelTranslator } from '../../src/extension/dashboard/panelTranslator';
import { EngineClient } from '../../src/extension/engine/engineClient';
import type { HostToWebview } from '../../src/shared/webviewProtocol';
import { train } from '../../src/trainer/training';
import { until } from './waitUntil';

const root = path.resolve(__dirname, '../..');
const trainerPath = path.join(root, 'dist/trainer.js');
const skip = !fs.existsSync(trainerPath) && 'dist/trainer.js is not built';

async function trained(name: string, config: Record<string, unknown>, files: Record<string, string> = {}): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-translate-engine-'));
  for (const [f, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, f), text);
  const configPath = path.join(dir, `${name}.seqlab.json`);
  fs.writeFileSync(configPath, JSON.stringify({ name, validationSplit: 0.2, ...config }));
  const { runDir } = await train({ configPath, runsDir: path.join(dir, 'runs') });
  if (!runDir) throw new Error(`the training of ${name} wrote no run folder`);
  return runDir;
}

test('try it through the panel\'s engine session: a translation with attention under the request id; a text run refused; one child, ended by dispose', { skip }, async () => {
  const pairs = await trained('rev', {
    data: { kind: 'synthetic-pairs', task: 'reverse', minLength: 3, maxLength: 5, samples: 200 },
    model: { kind: 'seq2seq', cell: 'gru', hiddenSize: 8, embeddingSize: 4, attention: 'additive' },
    training: { maxSteps: 5, batchSize: 8, threads: 1 },
    diagnostics: { enabled: false },
  });
  const text = await trained('chars', {
    data: { kind: 'text', path: 'c.txt' },
    model: { cell: 'lstm', hiddenSize: 8, embeddingSize: 4 },
    training: { maxSteps: 3, batchSize: 4, sequenceLength: 8, threads: 1 },
    diagnostics: { enabled: false },
  }, { 'c.txt': 'the cat sat on the mat.\n'.repeat(20) });
  const client = new EngineClient({ trainerPath });
  const engine = panelEngine(client, { trainer: () => undefined });
  const posted: HostToWebview[] = [];
  const translator = new PanelTranslator(engine, (id) => ({ rev: pairs, chars: text })[id], (m) => posted.push(m));
  try {
    await translator.ask({ type: 'translate', id: 7, runId: 'rev', source: 'abcd', beam: 2, top: 2 });
    const reply = posted[0];
    assert.equal(reply.type, 'translated', JSON.stringify(reply));
    if (reply.type !== 'translated') return;
    assert.equal(reply.id, 7);
    const [tr] = reply.result.translations;
    assert.deepEqual(tr.sourceTokens, ['a', 'b', 'c', 'd']);
    assert.equal(tr.hypotheses.length, 2);
    assert.equal(reply.result.decoding.method, 'beam');
    for (const h of tr.hypotheses) {
      const rows = h.attention!;
      assert.equal(rows.length, h.tokens.length + (h.finished ? 1 : 0), 'a row per emitted token (</s> included when finished)');
      for (const row of rows) assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-4, 'each row is a distribution over the source');
    }
    await translator.ask({ type: 'translate', id: 8, runId: 'chars', source: 'abc', beam: 1, top: 1 });
    assert.deepEqual([posted[1].type, (posted[1] as { problem?: string }).problem], ['translateFailed', 'unsupported']);
    assert.match((posted[1] as { message: string }).message, /not an encoder–decoder/);
    assert.deepEqual(client.children().map((c) => c.purpose), ['session'], 'one session child answered both');
  } finally {
    translator.dispose();
    engine.dispose();
    await until(() => client.alive === 0, 'the session\'s child to end');
    client.dispose();
  }
});
