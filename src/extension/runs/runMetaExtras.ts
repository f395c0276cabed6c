// What newer trainers add to a run's meta.json besides the fields every run has: what ended it, its
// verdict against the task's baselines, and the size estimate made before training. Older runs (and runs
// of an older SeqLab) have none of them, and their shape may grow, so each is read defensively: a field
// that is missing or not understood gives nothing rather than a wrong sentence. Pure.

import type { RunMeta } from '../../runs/runFiles';
import { formatCount } from '../../shared/format';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
const count = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);

/** A sentence an object carries in one of the usual fields. */
const sentenceOf = (o: Record<string, unknown>): string | undefined => text(o.summary) ?? text(o.text) ?? text(o.message);

const PHASE_DOING: Record<string, string> = {
  data: 'loading the data',
  backend: 'starting the backend',
  init: 'initialising the weights',
  training: 'training',
  checkpoint: 'writing a checkpoint',
};

/** What ended the run, from meta.json's `end` ({ by, step, … }) or `endReason` (the same, or a sentence). */
export function endText(meta: RunMeta): string | undefined {
  const m = meta as RunMeta & { end?: unknown; endReason?: unknown };
  const end = m.end ?? m.endReason;
  if (text(end)) return text(end);
  if (!isObject(end)) return undefined;
  const step = count(end.step);
  const at = step !== undefined ? ` at step ${formatCount(step)}` : '';
  switch (end.by) {
    case 'epochs': {
      const epochs = count(end.epochs);
      return `all ${epochs !== undefined ? `${epochs} ` : ''}epochs done${at}`;
    }
    case 'maxSteps': {
      const max = count(end.maxSteps);
      return `step limit${max !== undefined ? ` ${formatCount(max)}` : ''} (${end.from === 'override' ? '--max-steps' : 'training.maxSteps'}) reached${at}`;
    }
    case 'stop':
      return `stopped on request${typeof end.phase === 'string' && PHASE_DOING[end.phase] ? ` while ${PHASE_DOING[end.phase]}` : ''}${at}`;
    case 'divergence':
      return `the loss diverged${at}`;
    default:
      return sentenceOf(end);
  }
}

/**
 * The run's verdict against the task's baselines, one sentence per line: meta.json's `verdict` as a sentence,
 * a list of them, or an object with a `summary` (and `lines`).
 */
export function verdictLines(meta: RunMeta): string[] {
  const v = (meta as RunMeta & { verdict?: unknown }).verdict;
  const one = (x: unknown): string[] => {
    if (text(x)) return [text(x)!];
    if (!isObject(x)) return [];
    const lines = Array.isArray(x.lines) ? x.lines.flatMap((l) => (text(l) ? [text(l)!] : [])) : [];
    const summary = sentenceOf(x);
    return summary ? [summary, ...lines] : lines;
  };
  return Array.isArray(v) ? v.flatMap(one) : one(v);
}

const megabytes = (bytes: number): string => (bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${Math.max(0.1, bytes / 1e6).toFixed(1)} MB`);

/** The size estimate made before training (meta.json's `estimate`, or the run info's): a sentence or its numbers. */
export function estimateText(meta: RunMeta): string | undefined {
  const e = (meta as RunMeta & { estimate?: unknown }).estimate ?? (meta.info as RunMeta['info'] & { estimate?: unknown }).estimate;
  if (text(e)) return text(e);
  if (!isObject(e)) return undefined;
  const said = sentenceOf(e);
  if (said) return said;
  const params = count(e.parameters) ?? count(e.params) ?? count(e.paramCount);
  const memory = count(e.memoryBytes);
  const checkpoint = count(e.checkpointBytes);
  const parts = [
    ...(params !== undefined ? [`${formatCount(params)} parameters`] : []),
    ...(memory !== undefined ? [`about ${megabytes(memory)} of memory`] : []),
    ...(checkpoint !== undefined ? [`${megabytes(checkpoint)} per checkpoint`] : []),
  ];
  return parts.length > 0 ? parts.join(', ') : undefined;
}
