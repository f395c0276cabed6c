// Where a dashboard's explorer request is answered. A run that trains in this window: by its own trainer,
// between two steps, from the run's newest checkpoint (the explorer reads weights from the run folder, so
// "the run so far" means its last checkpoint, and the view says which step). Any other run: by an engine
// child of its own, which ends with the answer. A trainer that ends before it answered (the run finished
// or was stopped meanwhile) leaves the request to such a child. No vscode.

import type { ExplorerResult, WeightsChoice } from '../../shared/explorerProtocol';
import { type ExplorerQuery, withRun } from '../../shared/explorerQuery';
import type { EngineClient } from '../engine/engineClient';
import type { RequestOutcome } from '../engine/engineProcess';
import type { LiveJobs } from '../training/trainingJobs';

/** UMAP of a large vocabulary takes a while; beyond this the child has hung and is killed. */
const EXPLORE_TIMEOUT_MS = 300_000;

export interface ExploreAsk {
  runId: string;
  runDir: string;
  weights: WeightsChoice;
  query: ExplorerQuery;
}

export type ExploreOutcome = RequestOutcome<ExplorerResult>;

export async function exploreRun(engine: Pick<EngineClient, 'request'>, jobs: Pick<LiveJobs, 'trainer'>, ask: ExploreAsk, signal: AbortSignal): Promise<ExploreOutcome> {
  const { query } = ask;
  const request = withRun(query, { runDir: ask.runDir, weights: ask.weights });
  const trainer = jobs.trainer(ask.runId);
  let outcome = trainer ? await trainer.request(query.kind, request, { signal }) : undefined;
  if (!outcome || (outcome.kind === 'failed' && outcome.problem === 'crashed' && !jobs.trainer(ask.runId))) {
    outcome = await engine.request(query.kind, request, { signal, timeoutMs: EXPLORE_TIMEOUT_MS });
  }
  // the engine answered this kind (EngineProcess checks a reply's kind against its request's)
  return outcome.kind === 'done' ? { kind: 'done', result: { kind: query.kind, result: outcome.result } as ExplorerResult } : outcome;
}
