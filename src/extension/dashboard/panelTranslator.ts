// A dashboard's "try it" translations (the Seq2seq tab): each `translate` message of the webview is asked of
// the engine (`translate`, with the attention of each hypothesis and the trace the message asks for) for an encoder–decoder run of the panel,
// and its answer posted back under the message's id. A newer request replaces the one in flight (the
// webview drops its answer anyway); closing the panel cancels it. No vscode.
import * as path from 'node:path';
import type { TranslateRequest, TranslateResult } from '../../shared/translation';
import type { HostToWebview, WebviewToHost } from '../../shared/webviewProtocol';
import type { RequestOutcome } from '../engine/engineProcess';

type TranslateMessage = Extract<WebviewToHost, { type: 'translate' }>;

/** Where the panel's translations are answered (the panel's engine session, exploreRun.ts). */
export interface PanelTranslate {
  translate(request: TranslateRequest, signal: AbortSignal): Promise<RequestOutcome<TranslateResult>>;
}

export class PanelTranslator {
  private inFlight: AbortController | undefined;

  constructor(
    private readonly engine: PanelTranslate,
    /** The folder of a run of the panel; undefined for any other id. */
    private readonly runDirOf: (runId: string) => string | undefined,
    private readonly post: (msg: HostToWebview) => unknown,
  ) {}

  /** Whether a request waits for its answer (the tests' check that a closed panel leaves none). */
  get pending(): boolean {
    return this.inFlight !== undefined;
  }

  async ask(msg: TranslateMessage): Promise<void> {
    const { id, runId } = msg;
    const runDir = this.runDirOf(runId);
    if (!runDir) {
      this.post({ type: 'translateFailed', id, runId, problem: 'notFound', message: `Run ${runId} is not shown in this dashboard.` });
      return;
    }
    this.inFlight?.abort();
    const abort = (this.inFlight = new AbortController());
    // a run folder names its run whatever the runs folder is; the folder above it is where it lives
    const request: TranslateRequest = { runsDir: path.dirname(runDir), run: runDir, sources: [msg.source], beam: msg.beam, top: msg.top, attention: true, ...(msg.steps && { trace: msg.steps }) };
    let outcome: RequestOutcome<TranslateResult>;
    try {
      outcome = await this.engine.translate(request, abort.signal);
    } catch (e) {
      outcome = { kind: 'failed', problem: 'internal', message: e instanceof Error ? e.message : String(e) };
    } finally {
      if (this.inFlight === abort) this.inFlight = undefined;
    }
    switch (outcome.kind) {
      case 'done':
        this.post({ type: 'translated', id, runId, result: outcome.result });
        break;
      case 'failed':
        this.post({ type: 'translateFailed', id, runId, problem: outcome.problem, message: outcome.message });
        break;
      case 'cancelled':
        // replaced by a newer request, or the panel closed: nobody waits for this answer
        break;
    }
  }

  dispose(): void {
    this.inFlight?.abort();
    this.inFlight = undefined;
  }
}
