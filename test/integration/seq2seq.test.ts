// An encoder–decoder in the real extension: Compare Attention trains a pairs config without attention and
// with it; the tree shows the runs by what differs, as seq2seq rows (Translate offered) with their exact
// match; Translate answers a source text through the engine, and says clearly when the run cannot.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import type { RunNode, TreeNode } from '../../src/extension/tree/treeModel';
import type { TranslateResult } from '../../src/shared/translation';
import { activateExtension, extensionState, waitFor, workspaceFile } from './helpers';

const flatten = (nodes: readonly TreeNode[]): TreeNode[] => nodes.flatMap((n) => [n, ...(n.kind === 'folder' || n.kind === 'config' ? flatten(n.children) : [])]);

const CONFIG = `{
  // reverse 3 to 5 letters of a–d: trains in a second
  "name": "reverse-tiny",
  "data": { "kind": "synthetic-pairs", "task": "reverse", "minLength": 3, "maxLength": 5, "alphabetSize": 4, "samples": 400 },
  "validationSplit": 0.1,
  "model": { "kind": "seq2seq", "cell": "gru", "hiddenSize": 16, "embeddingSize": 8, "attention": "additive" },
  "training": { "maxSteps": 30, "batchSize": 16, "learningRate": 0.01, "validateEvery": 15 },
  "decoding": { "beamWidth": 3, "beamPairs": 10 },
  "diagnostics": { "every": 15 }
}
`;

suite('Encoder–decoder: Compare Attention, the tree, Translate', function () {
  this.timeout(120_000);
  const config = workspaceFile('reverse-tiny.seqlab.json').fsPath;
  let ids: string[] = [];
  let runsDir = '';

  suiteSetup(async () => {
    await activateExtension();
    fs.writeFileSync(config, CONFIG);
  });

  suiteTeardown(async () => {
    fs.rmSync(config, { force: true });
    for (const id of ids) if (runsDir) fs.rmSync(path.join(runsDir, id), { recursive: true, force: true });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Compare Attention trains none and additive; the tree names them so and offers Translate', async () => {
    ids = await vscode.commands.executeCommand<string[]>('seqlab.compareAttention', config);
    assert.equal(ids.length, 2, JSON.stringify(ids));
    const s = await waitFor('both runs to finish', async () => {
      const st = await extensionState(true);
      return ids.every((id) => st.runs.some((r) => r.id === id && r.status.kind === 'finished')) && st.active.length === 0 ? st : undefined;
    }, 90_000);
    runsDir = s.runsDir!;
    const rows = await waitFor('the rows with their exact match', async () => {
      const found = flatten((await extensionState(true)).tree).filter((n): n is RunNode => n.kind === 'run' && ids.includes(n.runId));
      return found.length === 2 && found.every((r) => / · exact \d/.test(r.label)) ? found : undefined;
    });
    const byId = (id: string) => rows.find((r) => r.runId === id)!;
    assert.match(byId(ids[0]).label, /^GRU · attention none · val \S+ · exact \d/);
    assert.match(byId(ids[1]).label, /^GRU · attention additive · val /);
    assert.ok(rows.every((r) => r.contextValue === 'run.finished.seq2seq'), JSON.stringify(rows.map((r) => r.contextValue)));
  });

  test('Translate answers a source through the engine; an empty source is refused with the engine\'s reason', async () => {
    assert.equal(ids.length, 2, 'the comparison ran');
    const result = await vscode.commands.executeCommand<TranslateResult | undefined>('seqlab.translate', ids[1], 'abcd');
    assert.ok(result, 'no result');
    assert.equal(result.runId, ids[1]);
    const [t] = result.translations;
    assert.deepEqual(t.sourceTokens, ['a', 'b', 'c', 'd']);
    assert.ok(t.hypotheses.length >= 2, 'beam alternatives come back');
    assert.ok(t.hypotheses.every((h) => h.logProb <= 0 && /^[a-d]*$/.test(h.text)), JSON.stringify(t.hypotheses));

    const before = (await extensionState()).engine.started;
    const refused = await vscode.commands.executeCommand<TranslateResult | undefined>('seqlab.translate', ids[0], '');
    assert.equal(refused, undefined, 'an empty source is the engine\'s error, shown, not a result');
    assert.equal((await extensionState()).engine.started, before + 1, 'the engine was asked (and refused)');
  });
});
