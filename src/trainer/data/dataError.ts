// The one error type of the data layer: something is wrong with the user's data file or with the
// `data` section of the config. The message is written for the person who owns the file: what is
// wrong, where (file:line, byte offset or config field), and what to do. The fields carry the same
// location for callers that point at it (an editor diagnostic, a CodeLens).
// Bugs in the caller (a batch index out of range) are RangeErrors, not DataErrors.

import { type DataErrorLocation, formatDataError } from '../../shared/dataFileRules';

export type { DataErrorLocation };

export class DataError extends Error {
  override readonly name = 'DataError';
  readonly file?: string;
  readonly line?: number;
  readonly offset?: number;
  readonly column?: string;
  readonly field?: string;
  /** What is wrong, without location or advice. */
  readonly problem: string;
  /** What the user can do about it. */
  readonly hint: string;

  constructor(problem: string, hint: string, where: DataErrorLocation = {}) {
    super(formatDataError(problem, hint, where));
    this.problem = problem;
    this.hint = hint;
    this.file = where.file;
    this.line = where.line;
    this.offset = where.offset;
    this.column = where.column;
    this.field = where.field;
  }
}
