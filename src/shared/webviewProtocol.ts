// The extension host <-> dashboard webview boundary (postMessage). The webview says `ready` before the
// host sends anything; the host replays what the panel missed while hidden. Messages from the webview
// are validated (`parseWebviewMessage`) before the host acts on them.

import type { CellKind } from './config';
import type { ExplorerResult, WeightsChoice } from './explorerProtocol';
import { type ExplorerQuery, parseExplorerQuery, parseWeightsChoice } from './explorerQuery';
import type { MetricColumns } from './metricColumns';
import type { DiagnosticsSnapshot, RunInfo } from './metrics';
import type { RequestProblem, RunStatus } from './protocol';
import type { TranslateResult } from './translation';

/** What a dashboard knows about one run besides its records. */
export interface RunView {
  id: string;
  info: RunInfo;
  status: RunStatus;
  /** Stable colour slot for this run in overlaid charts. */
  colorIndex: number;
  seconds: number;
  stepsPerSecond?: number;
  bestValidationLoss?: number;
  /** Steps that have a diagnostics snapshot on disk. */
  snapshotSteps: number[];
  /** Global-norm clipping threshold from the run's config snapshot (absent when clipping is off). */
  clipNorm?: number;
}

/**
 * A run of a comparison that has not started: queued behind seqlab.maxConcurrentRuns, or its trainer is
 * starting. It becomes a RunView (same colour) when its trainer announces the run.
 */
export interface PendingRunView {
  /** The host's job key; `stop` with it takes the job out of the queue. */
  key: string;
  name: string;
  cell?: CellKind;
  state: 'queued' | 'starting';
  /** 1-based place in the host's queue, while queued. */
  position?: number;
  colorIndex: number;
}

export type HostToWebview =
  | { type: 'init'; panelKind: 'run' | 'comparison'; runs: RunView[]; pending: PendingRunView[] }
  /** The panel's runs now, in order: runs may join (a queued one started) or leave (dequeued before it started). */
  | { type: 'runs'; runs: RunView[]; pending: PendingRunView[] }
  /** Records of a run, column by column (a disk read's chunk, or a live run's latest). */
  | { type: 'metrics'; runId: string; columns: MetricColumns }
  | { type: 'diagnostics'; runId: string; snapshot: DiagnosticsSnapshot }
  /** Gradients through time of every snapshot on disk (metrics.ts isGradientHistoryArray) of shape [steps.length, T]. */
  | { type: 'gradientHistory'; runId: string; steps: number[]; arrays: Record<string, { data: Float32Array; shape: number[] }> }
  /** `text` is what the model wrote after `prime` (the webview shows the prime, marked, before it). */
  | { type: 'generated'; runId: string; prime: string; temperature: number; text: string }
  | { type: 'error'; message: string }
  /** The engine's answer to the dashboard's `explore` request `id`. */
  | { type: 'explored'; id: number; runId: string; result: ExplorerResult }
  | { type: 'exploreFailed'; id: number; runId: string; problem: ExploreProblem; message: string }
  /** The engine's translation for the dashboard's `translate` request `id` (hypotheses with their attention). */
  | { type: 'translated'; id: number; runId: string; result: TranslateResult }
  | { type: 'translateFailed'; id: number; runId: string; problem: ExploreProblem; message: string };

/** Why an explore request got no answer: the engine's reasons, or what happened to its process. */
export type ExploreProblem = RequestProblem | 'crashed' | 'timedOut';

export type WebviewToHost =
  | { type: 'ready' }
  /** `runId` is a run id, or a pending run's job key. */
  | { type: 'stop'; runId: string }
  | { type: 'openConfig'; runId: string }
  | { type: 'revealFolder'; runId: string }
  | { type: 'requestSnapshot'; runId: string; step: number }
  | { type: 'generate'; runId: string; prime: string; temperature: number; length: number }
  | { type: 'export'; format: 'csv' | 'png' | 'svg'; fileName: string; data: string }
  | { type: 'log'; level: 'info' | 'error'; message: string }
  /** Ask the engine about a run of the panel (the explorer); the answer comes as `explored` or `exploreFailed`. */
  | { type: 'explore'; id: number; runId: string; weights: WeightsChoice; query: ExplorerQuery }
  /** The dashboard no longer wants the answer to `explore` request `id`. */
  | { type: 'cancelExplore'; id: number }
  /**
   * Translate `source` with an encoder–decoder run of the panel: beam 1 is greedy decoding; `top` hypotheses, best
   * first; with `steps` K, traced (each step's K most probable tokens, and the beam's tree: TranslateRequest.trace).
   */
  | { type: 'translate'; id: number; runId: string; source: string; beam: number; top: number; steps?: number };

/** The longest text the dashboard's "try it" box may send, and the most beams and hypotheses it may ask for (the engine's limit). */
export const TRANSLATE_LIMITS = { sourceLength: 2000, beam: 64 } as const;

const isString = (v: unknown): v is string => typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isId = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** Validate an untrusted message from a webview; undefined when it is not a well-formed WebviewToHost. */
export function parseWebviewMessage(m: unknown): WebviewToHost | undefined {
  if (typeof m !== 'object' || m === null) return undefined;
  const o = m as Record<string, unknown>;
  switch (o.type) {
    case 'ready':
      return { type: 'ready' };
    case 'stop':
    case 'openConfig':
    case 'revealFolder':
      return isString(o.runId) ? { type: o.type, runId: o.runId } : undefined;
    case 'requestSnapshot':
      return isString(o.runId) && isNumber(o.step) ? { type: 'requestSnapshot', runId: o.runId, step: o.step } : undefined;
    case 'generate':
      return isString(o.runId) && isString(o.prime) && o.prime.length <= 2000 && isNumber(o.temperature) && o.temperature >= 0 && o.temperature <= 10 && isNumber(o.length) && o.length >= 1 && o.length <= 5000
        ? { type: 'generate', runId: o.runId, prime: o.prime, temperature: o.temperature, length: Math.floor(o.length) }
        : undefined;
    case 'export':
      return (o.format === 'csv' || o.format === 'png' || o.format === 'svg') && isString(o.fileName) && isString(o.data) && !/[\\/]/.test(o.fileName)
        ? { type: 'export', format: o.format, fileName: o.fileName, data: o.data }
        : undefined;
    case 'log':
      return (o.level === 'info' || o.level === 'error') && isString(o.message) ? { type: 'log', level: o.level, message: o.message.slice(0, 4000) } : undefined;
    case 'explore': {
      const weights = parseWeightsChoice(o.weights);
      const query = parseExplorerQuery(o.query);
      return isId(o.id) && isString(o.runId) && weights !== undefined && query !== undefined ? { type: 'explore', id: o.id, runId: o.runId, weights, query } : undefined;
    }
    case 'cancelExplore':
      return isId(o.id) ? { type: 'cancelExplore', id: o.id } : undefined;
    case 'translate': {
      const whole = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= TRANSLATE_LIMITS.beam;
      return isId(o.id) && isString(o.runId) && isString(o.source) && o.source.length <= TRANSLATE_LIMITS.sourceLength && whole(o.beam) && whole(o.top) && (o.steps === undefined || whole(o.steps))
        ? { type: 'translate', id: o.id, runId: o.runId, source: o.source, beam: o.beam, top: o.top, ...(o.steps !== undefined && { steps: o.steps }) }
        : undefined;
    }
    default:
      return undefined;
  }
}
