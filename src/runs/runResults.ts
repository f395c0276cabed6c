// What a run achieved, as the runs table and `seqlab train`'s sweep summary show it: the best validation
// loss and its step, the final training loss, time and speed (all in meta.json), and the scores of the
// last evaluation (accuracy, solved, rmse, … from metrics.jsonl). The last evaluation is found by reading
// metrics.jsonl backwards from its end, so a run of a million steps costs a few kilobytes, not the file.

import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { EvalRecord } from '../shared/metrics';
import { RUN_FILES } from './runFiles';
import type { RunSummary } from './runReader';

export interface RunResults {
  bestValidationLoss?: number;
  bestValidationStep?: number;
  /** The training loss of the last step. */
  finalTrainingLoss?: number;
  seconds: number;
  stepsPerSecond?: number;
  /** The last evaluation's scores besides its loss (accuracy, solved, rmse, exactMatch, …), by field. */
  finalScores: Record<string, number>;
}

/** Fields of an evaluation record that are not scores. */
const NOT_SCORES = new Set(['kind', 'step', 'epoch', 'time', 'loss']);

const TAIL_CHUNK = 64 * 1024;
/** How far back the last evaluation is looked for: past this, the run's scores are left unknown. */
const TAIL_LIMIT = 16 * 1024 * 1024;

export async function readRunResults(run: RunSummary): Promise<RunResults> {
  const m = run.meta;
  // a run without a finite validation loss has no evaluation worth reading for
  const last = m.bestValidationLoss !== undefined ? await readLastEvaluation(run.dir).catch(() => undefined) : undefined;
  return {
    ...(m.bestValidationLoss !== undefined && { bestValidationLoss: m.bestValidationLoss }),
    ...(m.bestValidationStep !== undefined && { bestValidationStep: m.bestValidationStep }),
    ...(m.lastLoss !== undefined && Number.isFinite(m.lastLoss) && { finalTrainingLoss: m.lastLoss }),
    seconds: m.seconds,
    ...(m.stepsPerSecond !== undefined && { stepsPerSecond: m.stepsPerSecond }),
    finalScores: last ? scoresOf(last) : {},
  };
}

export function scoresOf(e: EvalRecord): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(e)) if (!NOT_SCORES.has(k) && typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  // an encoder–decoder's decoding scores sit one level down; greedy decoding's are the run's
  const g = e.greedy;
  if (g) {
    for (const [k, v] of [['exactMatch', g.exactMatch], ['tokenErrorRate', g.tokenErrorRate], ['bleu', g.bleu], ['chrF', g.chrF]] as const) {
      if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
    }
  }
  if (e.beam && Number.isFinite(e.beam.exactMatch)) out.beamExactMatch = e.beam.exactMatch;
  return out;
}

/** The last evaluation record of metrics.jsonl (a torn last line is skipped), or undefined. */
export async function readLastEvaluation(dir: string): Promise<EvalRecord | undefined> {
  let fh: fsp.FileHandle;
  try {
    fh = await fsp.open(path.join(dir, RUN_FILES.metrics), 'r');
  } catch {
    return undefined;
  }
  try {
    const size = (await fh.stat()).size;
    let end = size;
    // bytes of a line that started before the chunk read so far
    let carry = Buffer.alloc(0);
    while (end > 0 && size - end < TAIL_LIMIT) {
      const start = Math.max(0, end - TAIL_CHUNK);
      const chunk = Buffer.alloc(end - start);
      await fh.read(chunk, 0, chunk.length, start);
      const text = Buffer.concat([chunk, carry]);
      const lines = text.toString('utf8').split('\n');
      // the first piece may be the end of a line that starts in an earlier chunk, unless this chunk starts the file
      carry = start > 0 ? Buffer.from(lines.shift() ?? '', 'utf8') : Buffer.alloc(0);
      for (let i = lines.length - 1; i >= 0; i--) {
        const found = evaluationIn(lines[i]);
        if (found) return found;
      }
      end = start;
    }
    return undefined;
  } finally {
    await fh.close();
  }
}

function evaluationIn(line: string): EvalRecord | undefined {
  if (!line.includes('"eval"')) return undefined;
  try {
    const r = JSON.parse(line) as { kind?: unknown };
    return r.kind === 'eval' ? (r as EvalRecord) : undefined;
  } catch {
    return undefined;
  }
}
