// Generate Sample and the dashboards' Generate: text from a run's weights, computed by an engine child
// (the extension host holds no tensor code). No vscode.

import type { HostToWebview } from '../../shared/webviewProtocol';
import type { RunCatalog } from '../runs/runsOnDisk';
import type { EngineClient } from './engineClient';

/** A sample that takes longer has hung: its child is killed and the user told. */
const SAMPLE_TIMEOUT_MS = 120_000;

export interface SampleAsk {
  runId: string;
  prime: string;
  temperature: number;
  /** Tokens to generate (at least 1). */
  length: number;
}

/** The prime and what follows it; undefined when `signal` cancelled it. Throws with the engine's message. */
export async function sampleText(engine: Pick<EngineClient, 'request'>, runs: Pick<RunCatalog, 'runsDir' | 'getRun'>, ask: SampleAsk, signal?: AbortSignal): Promise<string | undefined> {
  const run = runs.getRun(ask.runId);
  const runsDir = runs.runsDir();
  if (!run || !runsDir) throw new Error(`Run ${ask.runId} not found.`);
  const request = { runsDir, run: run.dir, prime: ask.prime, temperature: ask.temperature, length: Math.max(1, Math.floor(ask.length)) };
  const outcome = await engine.request('sample', request, { ...(signal && { signal }), timeoutMs: SAMPLE_TIMEOUT_MS });
  switch (outcome.kind) {
    case 'done':
      return outcome.result.text;
    case 'cancelled':
      return undefined;
    case 'failed':
      throw new Error(outcome.message);
  }
}

/**
 * The dashboard's `generated` message for a sample: the webview shows the prime (marked) and then `text`,
 * so `text` is what the model wrote after the prime. The engine's text starts with the prime
 * (SampleResult); sent whole, the dashboard showed the prime twice ("The The …").
 */
export function generatedMessage(ask: SampleAsk, text: string): Extract<HostToWebview, { type: 'generated' }> {
  const continuation = text.startsWith(ask.prime) ? text.slice(ask.prime.length) : text;
  return { type: 'generated', runId: ask.runId, prime: ask.prime, temperature: ask.temperature, text: continuation };
}
