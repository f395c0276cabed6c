// The extension host <-> `seqlab export --json` boundary. The host runs dist/cli.js in a child process (it
// never loads tensor code) and reads one ExportResult from its stdout; a failure is a non-zero exit code
// with the message on stderr.

export const EXPORT_FORMATS = ['tfjs'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** `last`: the final weights (the latest checkpoint while a run is unfinished); `best`: the lowest validation loss. */
export const EXPORT_WEIGHTS = ['last', 'best'] as const;
export type ExportWeights = (typeof EXPORT_WEIGHTS)[number];

export interface ExportedFile {
  path: string;
  bytes: number;
  /** What the file holds, for the CLI's listing. */
  what: string;
}

export interface ExportResult {
  runId: string;
  format: ExportFormat;
  weights: ExportWeights;
  /** The training step the exported weights are from. */
  step: number;
  /** Absolute folder written. */
  dir: string;
  /** Absolute path of model.json (what tf.loadLayersModel is given). */
  modelJson: string;
  files: ExportedFile[];
  /** The lines of a web page that load and use this model. */
  usage: string;
}
