// Before `seqlab train --resume <run>` starts the trainer: the run the reference names, refused with the
// reason when it cannot be resumed, and warnings when the config given beside it differs from the run's
// own or its data file changed since it started. The resume itself trains the run's config snapshot.

import { type ResumeCheck, checkResume } from '../runs/resumeCheck';
import { resumeRefusal } from '../runs/resumability';
import { readResumability } from '../runs/runContents';
import type { RunSummary } from '../runs/runReader';
import { resolveRun, RunReferenceError } from '../runs/runReference';
import { nextCommand } from './runFolderView';

export type ResumeSetup =
  | ({ kind: 'ok'; run: RunSummary } & ResumeCheck)
  /** `notFound`: no such run, or no weights to resume from; `usage`: it is running, or resumes would repeat a divergence. */
  | { kind: 'refused'; exit: 'notFound' | 'usage'; message: string };

/** `maxSteps`: the --max-steps given; a finished run resumes only to a step limit above the step it reached. */
export async function prepareResume(runsDir: string, ref: string, config: string | undefined, maxSteps?: number): Promise<ResumeSetup> {
  let run: RunSummary;
  try {
    run = await resolveRun(runsDir, ref);
  } catch (e) {
    if (e instanceof RunReferenceError) return { kind: 'refused', exit: 'notFound', message: e.message };
    throw e;
  }
  const r = await readResumability(run.dir);
  // a finished run resumes to train further with a higher --max-steps
  if (r.kind === 'notResumable' && r.reason !== 'finished') {
    const command = nextCommand(run.id, r, run.meta.info.configPath);
    const exit = r.reason === 'running' || r.reason === 'diverged' ? 'usage' : 'notFound';
    return { kind: 'refused', exit, message: `${resumeRefusal(run.id, r)}${command ? ` (${command})` : ''}` };
  }
  if (run.status.kind === 'finished' && (maxSteps === undefined || maxSteps <= run.status.step)) {
    const reached = run.status.step;
    const asked = maxSteps === undefined ? 'Nothing to resume' : `--max-steps ${maxSteps} is not above it, so there is nothing to train`;
    // a resume keeps the run's config, whose epochs still bound it: a higher step limit would not train it further
    const end = run.meta.end;
    const further = end?.by === 'epochs'
      ? `its ${end.epochs} epochs are done, and a resume keeps its config: to train longer, start a new run with more training.epochs (seqlab train ${run.meta.info.configPath})`
      : `to train it further, give a higher step limit: seqlab train --resume ${run.id} --max-steps ${reached * 2}`;
    return { kind: 'refused', exit: 'usage', message: `Run ${run.id} finished at step ${reached}. ${asked}; ${further}.` };
  }
  return { kind: 'ok', run, ...(await checkResume(run, config)) };
}
