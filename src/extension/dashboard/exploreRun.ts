// Where a dashboard's explorer requests are answered. A run that trains in this window: by its own
// trainer, between two steps, from the run's newest checkpoint (the explorer reads weights from the run
// folder, so "the run so far" means its last checkpoint, and the view says which step). Any other run: by
// the panel's engine session, a child kept for the panel's requests, so the run's data, weights and
// searched states stay loaded between them (a slice's states in a few hundred ms instead of a second for a
// fresh child). A trainer that ends before it answered (the run finished or was stopped meanwhile)
// leaves the request to the session. No vscode.

import type { ExplorerResult, WeightsChoice } from '../../shared/explorerProtocol';
import { type ExplorerQuery, withRun } from '../../shared/explorerQuery';
import type { EngineClient, EngineSession } from '../engine/engineClient';
import type { RequestOutcome } from '../engine/engineProcess';
import type { LiveJobs } from '../training/trainingJobs';
import type { PanelTranslate } from './panelTranslator';

/** UMAP of a large vocabulary takes a while; beyond this the child has hung and is killed. */
const EXPLORE_TIMEOUT_MS = 300_000;
/** A translation of one typed text takes a second or two (the weights' load); beyond this the child has hung. */
const TRANSLATE_TIMEOUT_MS = 60_000;

export interface ExploreAsk {
  runId: string;
  runDir: string;
  weights: WeightsChoice;
  query: ExplorerQuery;
}

export type ExploreOutcome = RequestOutcome<ExplorerResult>;

/** A panel's way to the engine for its explorer requests; dispose() ends its child. */
export interface PanelEngine {
  explore(ask: ExploreAsk, signal: AbortSignal): Promise<ExploreOutcome>;
  dispose(): void;
}

/** The panel's engine session answers its explorer requests and its "try it" translations (from the run folder's weights). */
export function panelEngine(engine: Pick<EngineClient, 'session'>, jobs: Pick<LiveJobs, 'trainer'>): PanelEngine & PanelTranslate {
  const session = engine.session();
  return {
    explore: (ask, signal) => exploreRun(session, jobs, ask, signal),
    translate: (request, signal) => session.request('translate', request, { signal, timeoutMs: TRANSLATE_TIMEOUT_MS }),
    dispose: () => session.dispose(),
  };
}

export async function exploreRun(session: Pick<EngineSession, 'request'>, jobs: Pick<LiveJobs, 'trainer'>, ask: ExploreAsk, signal: AbortSignal): Promise<ExploreOutcome> {
  const { query } = ask;
  const request = withRun(query, { runDir: ask.runDir, weights: ask.weights });
  const trainer = jobs.trainer(ask.runId);
  let outcome = trainer ? await trainer.request(query.kind, request, { signal }) : undefined;
  if (!outcome || (outcome.kind === 'failed' && outcome.problem === 'crashed' && !jobs.trainer(ask.runId))) {
    outcome = await session.request(query.kind, request, { signal, timeoutMs: EXPLORE_TIMEOUT_MS });
  }
  // the engine answered this kind (EngineProcess checks a reply's kind against its request's)
  return outcome.kind === 'done' ? { kind: 'done', result: { kind: query.kind, result: outcome.result } as ExplorerResult } : outcome;
}
