// The extension host stays responsive during a training run: dashboards of a running run and of a long
// finished run (100 000 metric records on disk) open while the trainer streams metrics and snapshots.
//
// Two figures: the event-loop delay of the whole extension host (`seqlab.internal.eventLoopLag`), which
// in code-server also counts VS Code's own host work and the built-in extensions sharing the host; and
// the longest synchronous stretch inside SeqLab's own handlers (`seqlab.internal.stats`.hostWorkMaxMs).
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import { activateExtension, waitFor, workspaceFile } from './helpers';

interface State {
  runsDir: string;
  runs: { id: string; status: { kind: string } }[];
  active: unknown[];
}
interface Stats {
  eventLoopLagMaxMs: number;
  hostWorkMaxMs: number;
  hostWorkMaxLabel: string;
}
const state = (refresh = false) => vscode.commands.executeCommand<State>('seqlab.internal.state', refresh);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The target for the host; reported, not asserted: one postMessage's serialisation time jitters
 *  with the machine's load (65.7 ms seen once on a clean CI run), and speed targets belong to benchmarks. */
const LAG_TARGET_MS = 50;
/** What the test fails on: a regression to synchronous whole-file work (reading and parsing the 15 MB run
 *  in one go takes several hundred ms), not scheduling noise. */
const REGRESSION_CEILING_MS = 150;
const LONG_RUN_RECORDS = 100_000;

/** A copy of a finished run whose metrics.jsonl has LONG_RUN_RECORDS step records (about 15 MB). */
async function longRunFrom(runsDir: string, sourceId: string): Promise<string> {
  const id = `${sourceId}-long`;
  const dir = path.join(runsDir, id);
  await fsp.cp(path.join(runsDir, sourceId), dir, { recursive: true });
  // written by a child process, so its garbage is not collected on this host during the measurement
  const script = `
    const lines = [];
    for (let step = 1; step <= ${LONG_RUN_RECORDS}; step++)
      lines.push(JSON.stringify({ kind: 'step', step, epoch: Math.floor(step / 100), time: step / 50, loss: 1 / Math.sqrt(step), gradNorm: 0.5, clipped: false, learningRate: 0.001 }));
    require('fs').writeFileSync(process.argv[1], lines.join('\\n') + '\\n');`;
  await promisify(execFile)(process.execPath, ['-e', script, path.join(dir, 'metrics.jsonl')], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
  return id;
}

suite('Responsiveness of the extension host', function () {
  this.timeout(180_000);

  suiteSetup(async () => {
    await activateExtension();
  });

  test(`dashboards opened during a training run keep SeqLab's host work short (target ${LAG_TARGET_MS} ms, fails at ${REGRESSION_CEILING_MS} ms)`, async () => {
    const tiny = fs.readFileSync(workspaceFile('tiny.seqlab.json').fsPath, 'utf8');
    // a first run gives a run folder to copy into a long one
    const firstId = await vscode.commands.executeCommand<string>('seqlab.train', workspaceFile('tiny.seqlab.json').fsPath);
    assert.ok(firstId);
    const { runsDir } = await waitFor('the first run to finish', async () => {
      const s = await state(true);
      return s.runs.some((r) => r.id === firstId && r.status.kind === 'finished') && s.active.length === 0 ? s : undefined;
    }, 90_000);
    const longId = await longRunFrom(runsDir, firstId);

    const config = workspaceFile('lag.seqlab.json');
    fs.writeFileSync(config.fsPath, tiny.replace('"maxSteps": 20', '"maxSteps": 1000000, "epochs": 100000').replace('"name": "tiny"', '"name": "lag"').replace('"every": 10', '"every": 5'));
    await waitFor('the long run in the store', async () => (await state(true)).runs.some((r) => r.id === longId));
    // the lenses and diagnostics of the new config settle before the measurement starts
    await sleep(1000);

    await vscode.commands.executeCommand('seqlab.internal.eventLoopLag', true);
    const runId = await vscode.commands.executeCommand<string>('seqlab.train', config.fsPath);
    assert.ok(runId, 'Train returned no run id');
    try {
      await sleep(500);
      assert.deepEqual(await vscode.commands.executeCommand('seqlab.openDashboard', runId), [runId]);
      await sleep(1500);
      assert.deepEqual(await vscode.commands.executeCommand('seqlab.openDashboard', longId), [longId]);
      await sleep(3000);
      assert.ok((await state()).active.length > 0, 'the run ended before the measurement did');
    } finally {
      await vscode.commands.executeCommand('seqlab.stopRun', runId);
    }
    const lag = await vscode.commands.executeCommand<number>('seqlab.internal.eventLoopLag');
    const stats = await vscode.commands.executeCommand<Stats>('seqlab.internal.stats');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    console.log(`    event-loop lag of the whole extension host: max ${lag.toFixed(1)} ms`);
    console.log(`    longest synchronous work in SeqLab's handlers: ${stats.hostWorkMaxMs.toFixed(1)} ms (${stats.hostWorkMaxLabel || 'none'})`);
    assert.match(stats.hostWorkMaxLabel, /./, 'no SeqLab handler ran during the run');
    console.log(`    target ${LAG_TARGET_MS} ms: ${stats.hostWorkMaxMs < LAG_TARGET_MS ? 'met' : 'missed'}`);
    assert.ok(stats.hostWorkMaxMs < REGRESSION_CEILING_MS, `SeqLab held the event loop for ${stats.hostWorkMaxMs.toFixed(1)} ms in ${stats.hostWorkMaxLabel}`);
  });
});
