// The summary table `seqlab train` prints after a sweep or a comparison: its score columns carry the runs
// table's labels and units (src/shared/runsTable.ts), not the evaluation record's field names.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sweepSummary, type SweepRunOutcome } from '../../src/cli/sweepCommand';

const outcome = (index: number, attention: string, finalScores: Record<string, number>): SweepRunOutcome => ({
  kind: 'finished',
  run: { id: 'cmp-1', index, count: 2, values: { 'model.attention': attention }, label: `attention ${attention}` },
  runId: `run-${attention}`,
  results: { bestValidationLoss: index === 0 ? 0.64 : 0.047, bestValidationStep: 200, finalTrainingLoss: 0.4, seconds: 1, finalScores },
});

test('an encoder–decoder comparison: scores headed by their names, rates as percentages', () => {
  const scores = (exact: number) => ({ accuracy: 0.755, exactMatch: exact, tokenErrorRate: 0.367, bleu: 18.7, chrF: 56.7, beamExactMatch: 0.1 });
  const lines = sweepSummary([outcome(0, 'none', scores(0.125)), outcome(1, 'additive', scores(1))]).split('\n');
  const head = lines[0].split(/ {2,}/);
  assert.deepEqual(head.slice(6, 12), ['ACCURACY', 'EXACT MATCH', 'TOKEN ERROR RATE', 'BLEU', 'CHRF', 'EXACT MATCH (BEAM)']);
  const row = lines[1].split(/ {2,}/);
  assert.deepEqual(row.slice(6, 12), ['75.5%', '12.5%', '36.7%', '18.7', '56.7', '10%']);
  assert.match(lines[2], /^2\*/);
});
