// What the dashboards need from the rest of the extension: the runs on disk, the live jobs, samples, the
// explorer's answers and translations.
// The dashboards never start processes or watch folders themselves.
import type { RunCatalog } from '../runs/runsOnDisk';
import type { LiveJobs } from '../training/trainingJobs';
import type { SampleAsk } from '../engine/sampleText';
import type { PanelEngine } from './exploreRun';
import type { PanelTranslate } from './panelTranslator';

export interface RunSource {
  runs: RunCatalog;
  jobs: LiveJobs;
  /** The prime and the text that follows it from the run's weights; undefined when `signal` cancelled it. */
  sample(ask: SampleAsk, signal: AbortSignal): Promise<string | undefined>;
  /** A panel's way to the engine for its explorer requests and translations (exploreRun.ts), ended with the panel. */
  panelEngine(): PanelEngine & PanelTranslate;
}
