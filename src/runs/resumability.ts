// Whether a run can be resumed, and if not why not and what the user can do: one pure decision from the
// run's status and its checkpoint files, for `seqlab show`, `seqlab runs`, `train --resume` and the
// extension's tree, so none of them offers a resume that would fail.

import type { RunStatus } from '../shared/protocol';
import type { CheckpointFile } from './runReader';

/** What the user can do next, for a front end to render as a command or a button. */
export type ResumeNext = 'resume' | 'newRun' | 'repair' | 'none';

export type NotResumableReason = 'running' | 'finished' | 'noCheckpoint' | 'checkpointsUnreadable' | 'diverged' | 'damaged';

export type Resumability =
  | {
      kind: 'resumable';
      /** The step of the newest whole checkpoint, where training continues. */
      step: number;
      /** What the user should know first: newer checkpoints that are unreadable, steps to be trained again. */
      notes: string[];
      next: 'resume';
    }
  | { kind: 'notResumable'; reason: NotResumableReason; why: string; whatToDo: string; next: ResumeNext };

export interface ResumeFacts {
  status: RunStatus | { kind: 'damaged'; problem: string };
  checkpoints: readonly CheckpointFile[];
  /** training.checkpointEvery of the run's config when known (0: a checkpoint only when the run ends). */
  checkpointEvery?: number;
}

export function resumability({ status, checkpoints, checkpointEvery }: ResumeFacts): Resumability {
  const ckpts = checkpoints.filter((c) => c.kind === 'ckpt').sort((a, b) => b.step - a.step);
  const whole = ckpts.find((c) => c.problem === undefined);
  switch (status.kind) {
    case 'damaged':
      return notResumable('damaged', `its meta.json is unusable (${status.problem})`,
        `Rebuild meta.json from the run's other files (repair)${whole ? `; it can then be resumed from step ${whole.step}` : '; it has no readable checkpoint to resume from either'}.`, 'repair');
    case 'running':
      return notResumable('running', `it is still running (pid ${status.pid}, step ${status.step})`, 'Wait for it to finish, or stop it first.', 'none');
    case 'finished':
      return notResumable('finished', `it finished (step ${status.step})`,
        whole ? 'Nothing to resume. To train it further, resume it with a higher step limit (--max-steps).' : 'Nothing to resume.', 'none');
    case 'failed':
      if (status.failure === 'diverged') {
        const at = status.step !== undefined ? ` at step ${status.step}` : '';
        if (whole) {
          return notResumable('diverged', `it diverged${at}; resuming repeats the same steps with the same settings, so it would diverge again`,
            `Start a new run with a lower learning rate or gradient clipping (training.clipping.globalNorm). The checkpoint at step ${whole.step} is kept; export it or sample from it.`, 'newRun');
        }
        return noCheckpoint('it diverged', status.step, ckpts, checkpointEvery, 'Start a new run with a lower learning rate or gradient clipping (training.clipping.globalNorm).');
      }
      break;
    case 'interrupted':
    case 'cancelled':
      break;
    default: {
      const never: never = status;
      return never;
    }
  }
  if (!whole) {
    const stopped = status.kind === 'failed' ? `it failed (${status.failure})` : status.kind === 'cancelled' ? 'it was cancelled' : 'the trainer stopped without finishing (killed, or a second Ctrl-C)';
    return noCheckpoint(stopped, status.step, ckpts, checkpointEvery, 'Start a new run of its config; the metrics of this one stay readable.');
  }
  const notes = ckpts.filter((c) => c.step > whole.step).map((c) => `checkpoint ${c.step} is unreadable (${c.problem}), so the run resumes from step ${whole.step}`);
  const reached = status.step ?? whole.step;
  if (reached > whole.step) notes.push(`steps ${whole.step + 1}–${reached} were not checkpointed and are trained again`);
  return { kind: 'resumable', step: whole.step, notes, next: 'resume' };
}

function notResumable(reason: NotResumableReason, why: string, whatToDo: string, next: ResumeNext): Resumability {
  return { kind: 'notResumable', reason, why, whatToDo, next };
}

/** No whole checkpoint: none was written (and why none was due), or the ones there are unreadable. */
function noCheckpoint(stopped: string, step: number | undefined, ckpts: readonly CheckpointFile[], every: number | undefined, whatToDo: string): Resumability {
  const at = step !== undefined ? ` at step ${step}` : '';
  if (ckpts.length > 0) {
    const which = ckpts.map((c) => `checkpoint ${c.step}: ${c.problem}`).join('; ');
    return notResumable('checkpointsUnreadable', `${stopped}${at} and its checkpoints are unreadable (${which})`, whatToDo, 'newRun');
  }
  let due: string | undefined;
  if (every === 0) due = ' (training.checkpointEvery is 0: a checkpoint is written only when a run ends)';
  else if (every !== undefined && (step === undefined || step < every)) due = `, before its first checkpoint (due at step ${every})`;
  // with a checkpoint due before the step it reached, one was written and has been removed since
  const none = due !== undefined ? 'no checkpoint was written' : 'checkpoints/ holds no checkpoint';
  return notResumable('noCheckpoint', `${stopped}${at}${due ?? ''}; ${none}, so there are no weights to continue from`, whatToDo, 'newRun');
}

/** The sentence that refuses a resume, for an error message. */
export function resumeRefusal(runId: string, r: Extract<Resumability, { kind: 'notResumable' }>): string {
  return `Run ${runId} cannot be resumed: ${r.why}. ${r.whatToDo}`;
}
