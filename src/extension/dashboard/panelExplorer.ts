// A dashboard's explorer requests (the Explore tab): each `explore` message of the webview is asked of the
// engine for a run of the panel, and its answer posted back under the message's id. The webview cancels a
// request it replaced; closing the panel cancels every one in flight and ends the panel's engine child.
// No vscode.

import type { HostToWebview, WebviewToHost } from '../../shared/webviewProtocol';
import type { ExploreOutcome, PanelEngine } from './exploreRun';

type ExploreMessage = Extract<WebviewToHost, { type: 'explore' }>;

export class PanelExplorer {
  private readonly inFlight = new Map<number, AbortController>();

  constructor(
    private readonly engine: PanelEngine,
    /** The folder of a run of the panel; undefined for any other id. */
    private readonly runDirOf: (runId: string) => string | undefined,
    private readonly post: (msg: HostToWebview) => unknown,
  ) {}

  /** Requests not answered yet (the tests' check that a closed panel leaves none). */
  get pending(): number {
    return this.inFlight.size;
  }

  async ask(msg: ExploreMessage): Promise<void> {
    const { id, runId } = msg;
    const runDir = this.runDirOf(runId);
    if (!runDir) {
      this.post({ type: 'exploreFailed', id, runId, problem: 'notFound', message: `Run ${runId} is not shown in this dashboard.` });
      return;
    }
    const abort = new AbortController();
    this.inFlight.get(id)?.abort();
    this.inFlight.set(id, abort);
    let outcome: ExploreOutcome;
    try {
      outcome = await this.engine.explore({ runId, runDir, weights: msg.weights, query: msg.query }, abort.signal);
    } catch (e) {
      outcome = { kind: 'failed', problem: 'internal', message: e instanceof Error ? e.message : String(e) };
    } finally {
      if (this.inFlight.get(id) === abort) this.inFlight.delete(id);
    }
    switch (outcome.kind) {
      case 'done':
        this.post({ type: 'explored', id, runId, result: outcome.result });
        break;
      case 'failed':
        this.post({ type: 'exploreFailed', id, runId, problem: outcome.problem, message: outcome.message });
        break;
      case 'cancelled':
        // the webview gave up on it, or the panel closed: nobody waits for an answer
        break;
    }
  }

  cancel(id: number): void {
    this.inFlight.get(id)?.abort();
    this.inFlight.delete(id);
  }

  dispose(): void {
    for (const a of this.inFlight.values()) a.abort();
    this.inFlight.clear();
    this.engine.dispose();
  }
}
