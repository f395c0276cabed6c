// Command ids, setting keys, view ids and context keys of the extension. package.json's `contributes`
// must list exactly these (test/unit/extensionManifest.test.ts checks both directions). Pure: no vscode.

export const COMMANDS = {
  newExperiment: 'seqlab.newExperiment',
  train: 'seqlab.train',
  compareCells: 'seqlab.compareCells',
  compareAttention: 'seqlab.compareAttention',
  translate: 'seqlab.translate',
  stopRun: 'seqlab.stopRun',
  openDashboard: 'seqlab.openDashboard',
  generateSample: 'seqlab.generateSample',
  deleteRun: 'seqlab.deleteRun',
  revealRun: 'seqlab.revealRun',
  validateConfig: 'seqlab.validateConfig',
  showLog: 'seqlab.showLog',
  resumeRun: 'seqlab.resumeRun',
  repairRun: 'seqlab.repairRun',
  exportModel: 'seqlab.exportModel',
  installNativeBackend: 'seqlab.installNativeBackend',
  refresh: 'seqlab.refresh',
  openRunsTable: 'seqlab.openRunsTable',
} as const;

/** Registered but not contributed: hooks for the integration tests and diagnostics. */
export const INTERNAL_COMMANDS = {
  eventLoopLag: 'seqlab.internal.eventLoopLag',
  stats: 'seqlab.internal.stats',
  state: 'seqlab.internal.state',
  killTrainer: 'seqlab.internal.killTrainer',
} as const;

export const SETTINGS = {
  runsDirectory: 'seqlab.runsDirectory',
  maxConcurrentRuns: 'seqlab.maxConcurrentRuns',
  defaultBackend: 'seqlab.defaultBackend',
  diagnosticsInterval: 'seqlab.diagnosticsInterval',
  nativeBackendPackage: 'seqlab.nativeBackend.package',
} as const;

export const VIEW_CONTAINER = 'seqlab';
export const VIEWS = { experiments: 'seqlab.experiments' } as const;

export const CONTEXT_KEYS = {
  hasActiveRuns: 'seqlab.hasActiveRuns',
  hasRuns: 'seqlab.hasRuns',
  hasConfigs: 'seqlab.hasConfigs',
  /** A run that did not finish has a readable checkpoint (Resume in the palette). */
  hasResumableRuns: 'seqlab.hasResumableRuns',
  hasDamagedRuns: 'seqlab.hasDamagedRuns',
  /** An encoder–decoder run has weights to translate with (Translate… in the palette). */
  hasTranslatableRuns: 'seqlab.hasTranslatableRuns',
} as const;

export const CONFIG_GLOB = '**/*.seqlab.json';
export const CONFIG_EXCLUDE = '**/{node_modules,.git,.seqlab}/**';
export const DEFAULT_RUNS_DIRECTORY = '${workspaceFolder}/.seqlab/runs';
export const OUTPUT_CHANNEL = 'SeqLab';
