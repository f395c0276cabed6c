// What an export is asked for and what it wrote: the `export` request of the engine protocol
// (protocol.ts), and what `seqlab export --json` prints.

export const EXPORT_FORMATS = ['tfjs'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** `last`: the final weights (the latest checkpoint while a run is unfinished); `best`: the lowest validation loss. */
export const EXPORT_WEIGHTS = ['last', 'best'] as const;
export type ExportWeights = (typeof EXPORT_WEIGHTS)[number];

export interface ExportRequest {
  runsDir: string;
  /** Run id, a unique part of it, or a run folder. */
  run: string;
  format: ExportFormat;
  /** Output folder; default <run folder>/export/<format>. */
  out?: string;
  weights: ExportWeights;
  /** Replace the exported files in a non-empty output folder (other files stay). */
  force: boolean;
}

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
