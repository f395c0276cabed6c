// Which model kind trains each data kind, and which evaluation judges it: the one place that knows
// the kinds. A new data kind is its loader (src/trainer/data) and its evaluation file plus a case
// here; a new model kind is its task file (like sequenceTask.ts) plus the cases of the data kinds it
// trains (docs/training.md).

import { assertNever } from '../../shared/protocol';
import type { Dataset } from '../data';
import { TrainError } from '../errors';
import { csvKind } from './csvEvaluation';
import { sequenceTask } from './sequenceTask';
import { syntheticKind } from './syntheticEvaluation';
import type { AnyTask, TaskSetup } from './task';
import { textKind } from './textEvaluation';

/** The task that trains on `data`: its model built on a backend, its evaluation and its probe. */
export function buildTask(data: Dataset, setup: TaskSetup): Promise<AnyTask> {
  switch (data.kind) {
    case 'text': return sequenceTask(data, setup, textKind);
    case 'csv': return sequenceTask(data, setup, csvKind);
    case 'synthetic': return sequenceTask(data, setup, syntheticKind);
    // Source/target pairs train an encoder–decoder, a model kind of its own (issue 14), not yet here.
    case 'pairs': throw new TrainError('config', `Source/target pairs (data.kind "${setup.config.data.kind}", ${data.title}) train an encoder–decoder, which needs "model": { "kind": "seq2seq" }; this version of SeqLab has no seq2seq model yet, so it cannot train this config.`);
    default: return assertNever(data, 'data kind');
  }
}
