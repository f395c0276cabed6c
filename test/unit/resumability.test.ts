// resumability(): a resume is offered only from a whole checkpoint; otherwise the reason names what
// happened (stopped before the first checkpoint, diverged, checkpoints unreadable, damaged) and what to do.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resumability, type Resumability } from '../../src/runs/resumability';
import type { CheckpointFile } from '../../src/runs/runReader';

const ckpt = (step: number, problem?: string): CheckpointFile => ({ kind: 'ckpt', step, ...(problem && { problem }) });
const best = (step: number): CheckpointFile => ({ kind: 'best', step });

function notResumable(r: Resumability): Extract<Resumability, { kind: 'notResumable' }> {
  assert.equal(r.kind, 'notResumable', JSON.stringify(r));
  return r as Extract<Resumability, { kind: 'notResumable' }>;
}

test('an interrupted run with a whole checkpoint resumes from it, and says which steps are trained again', () => {
  const r = resumability({ status: { kind: 'interrupted', step: 60 }, checkpoints: [ckpt(25), ckpt(50), best(25)], checkpointEvery: 25 });
  assert.deepEqual(r, { kind: 'resumable', step: 50, notes: ['steps 51–60 were not checkpointed and are trained again'], next: 'resume' });
});

test('a torn newest checkpoint is skipped with a note: the run resumes from the one before', () => {
  const r = resumability({ status: { kind: 'cancelled', step: 50 }, checkpoints: [ckpt(25), ckpt(50, 'its .bin holds 10 of 60 floats')] });
  assert.equal(r.kind, 'resumable');
  assert.equal(r.kind === 'resumable' && r.step, 25);
  assert.match(r.kind === 'resumable' ? r.notes.join('\n') : '', /checkpoint 50 is unreadable \(its \.bin holds 10 of 60 floats\), so the run resumes from step 25/);
});

test('stopped before its first checkpoint: not resumable, says when the checkpoint was due and to start a new run', () => {
  const r = notResumable(resumability({ status: { kind: 'interrupted', step: 40 }, checkpoints: [best(25)], checkpointEvery: 100 }));
  assert.equal(r.reason, 'noCheckpoint');
  assert.equal(r.next, 'newRun');
  assert.match(r.why, /^the trainer stopped without finishing \(killed, or a second Ctrl-C\) at step 40, before its first checkpoint \(due at step 100\); no checkpoint was written/);
  assert.match(r.whatToDo, /Start a new run of its config/);
  const atEnd = notResumable(resumability({ status: { kind: 'interrupted', step: 40 }, checkpoints: [], checkpointEvery: 0 }));
  assert.match(atEnd.why, /training\.checkpointEvery is 0: a checkpoint is written only when a run ends/);
  const removed = notResumable(resumability({ status: { kind: 'interrupted', step: 400 }, checkpoints: [], checkpointEvery: 100 }));
  assert.match(removed.why, /checkpoints\/ holds no checkpoint/);
});

test('diverged before its first checkpoint: the step it diverged at, and a lower learning rate', () => {
  const r = notResumable(resumability({ status: { kind: 'failed', failure: 'diverged', message: 'NaN', step: 9 }, checkpoints: [], checkpointEvery: 100 }));
  assert.equal(r.reason, 'noCheckpoint');
  assert.match(r.why, /^it diverged at step 9, before its first checkpoint \(due at step 100\)/);
  assert.match(r.whatToDo, /lower learning rate or gradient clipping/);
});

test('diverged after a checkpoint: not offered (the same steps would diverge again), the checkpoint is kept', () => {
  const r = notResumable(resumability({ status: { kind: 'failed', failure: 'diverged', message: 'NaN', step: 130 }, checkpoints: [ckpt(100)] }));
  assert.equal(r.reason, 'diverged');
  assert.match(r.why, /diverged at step 130; resuming repeats the same steps with the same settings/);
  assert.match(r.whatToDo, /The checkpoint at step 100 is kept; export it or sample from it/);
});

test('checkpoints that are all unreadable are named with what is wrong with each', () => {
  const r = notResumable(resumability({ status: { kind: 'interrupted', step: 50 }, checkpoints: [ckpt(25, 'its .json is not valid JSON'), ckpt(50, 'its .bin is missing')] }));
  assert.equal(r.reason, 'checkpointsUnreadable');
  assert.match(r.why, /checkpoint 50: its \.bin is missing; checkpoint 25: its \.json is not valid JSON/);
});

test('a failure other than divergence resumes from its checkpoint (a crash does not repeat itself)', () => {
  assert.equal(resumability({ status: { kind: 'failed', failure: 'internal', message: 'boom', step: 30 }, checkpoints: [ckpt(25)] }).kind, 'resumable');
});

test('running, finished and damaged runs are not offered a resume, each with its own next step', () => {
  const running = notResumable(resumability({ status: { kind: 'running', pid: 42, step: 7 }, checkpoints: [ckpt(5)] }));
  assert.deepEqual([running.reason, running.next], ['running', 'none']);
  assert.match(running.why, /still running \(pid 42, step 7\)/);
  const finished = notResumable(resumability({ status: { kind: 'finished', step: 50 }, checkpoints: [ckpt(50)] }));
  assert.deepEqual([finished.reason, finished.next], ['finished', 'none']);
  assert.match(finished.whatToDo, /--max-steps/);
  const damaged = notResumable(resumability({ status: { kind: 'damaged', problem: 'meta.json is empty' }, checkpoints: [ckpt(50)] }));
  assert.deepEqual([damaged.reason, damaged.next], ['damaged', 'repair']);
  assert.match(damaged.why, /meta\.json is unusable \(meta\.json is empty\)/);
  assert.match(damaged.whatToDo, /repair.*resumed from step 50/);
  assert.match(notResumable(resumability({ status: { kind: 'damaged', problem: 'x' }, checkpoints: [] })).whatToDo, /no readable checkpoint to resume from either/);
});
