// Which model kind trains each data kind, and which evaluation judges it: the one place that knows
// the kinds. A new data kind is its loader (src/trainer/data) and its evaluation file plus a case
// here; a new model kind is its task file (like sequenceTask.ts) plus the cases of the data kinds it
// trains (docs/training.md).

import { assertNever } from '../../shared/protocol';
import type { Dataset } from '../data';
import { csvKind } from './csvEvaluation';
import { pairsKind } from './pairsEvaluation';
import { seq2seqTask } from './seq2seqTask';
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
    // a file of pairs and a generated pair task are both `kind: 'pairs'` datasets
    case 'pairs': return seq2seqTask(data, setup, pairsKind);
    default: return assertNever(data, 'data kind');
  }
}
