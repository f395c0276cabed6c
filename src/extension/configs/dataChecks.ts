// The data checks of a config in the editor: what `seqlab validate` reports after loading the data as
// `train` would (src/trainer/data/dataChecks.ts), so the editor shows `train`'s own messages.
// They need the data loaders, which stay out of the extension host (no trainer code in its bundle, and
// a 50 MB CSV takes ~30 s to load): the engine answers a `checkData` request on the editor's text in a
// child of the one EngineClient, which kills it when a newer text supersedes it (the request's
// AbortSignal). Results are kept per document for as long as what they depend on (the data settings,
// the data file's size and time) stays the same, so typing elsewhere in the config does not load the
// data again. No vscode.

import type { ExperimentConfig } from '../../shared/config';
import type { Issue } from '../../shared/configIssue';
import { type ConfigProblem, issuesInText } from '../../shared/configValidation';
import type { DataFileStat } from '../../shared/dataFileRules';
import type { EngineClient } from '../engine/engineClient';

/** Runs the data checks of `text`, the config at `configPath`; rejects with an AbortError when `signal` aborts. */
export type DataChecker = (text: string, configPath: string, signal: AbortSignal) => Promise<Issue[]>;

/** A 50 MB CSV, the loaders' largest, loads in ~30 s on a busy 2-core machine. */
const CHECK_TIMEOUT_MS = 180_000;

const abortError = (): Error => Object.assign(new Error('The data checks were superseded.'), { name: 'AbortError' });

/** The data checks of `seqlab validate`, answered by an engine child of `engine`. */
export function engineDataChecker(engine: Pick<EngineClient, 'request'>): DataChecker {
  return async (text, configPath, signal) => {
    const outcome = await engine.request('checkData', { configPath, text }, { signal, timeoutMs: CHECK_TIMEOUT_MS });
    switch (outcome.kind) {
      case 'done':
        return outcome.result.issues;
      case 'cancelled':
        throw abortError();
      case 'failed':
        // an internal failure's message is its stack: its first line says what went wrong
        throw new Error(outcome.message.split('\n')[0]);
    }
  };
}

/** What a config's data checks depend on: its data settings and where and what its data file is. */
export function dataCheckKey(configPath: string, config: ExperimentConfig, stat: DataFileStat | undefined): string {
  return JSON.stringify([configPath, config.data, config.validationSplit, config.training.sequenceLength, stat]);
}

/** The data checks of each open config, one run at a time per document, kept while their key holds. */
export class DataChecks {
  private readonly runs = new Map<string, { key: string; issues: Promise<Issue[]>; abort: AbortController }>();

  constructor(private readonly checker: DataChecker) {}

  /**
   * The data problems of `text` placed in it; undefined when a later call for the same document superseded
   * this one. A checker that fails gives one warning saying so.
   */
  async problems(document: string, text: string, configPath: string, key: string): Promise<ConfigProblem[] | undefined> {
    let run = this.runs.get(document);
    if (!run || run.key !== key) {
      run?.abort.abort();
      const abort = new AbortController();
      run = { key, abort, issues: this.checker(text, configPath, abort.signal) };
      this.runs.set(document, run);
    }
    const current = run;
    let issues: Issue[];
    try {
      issues = await current.issues;
    } catch (e) {
      if (current.abort.signal.aborted) return undefined;
      // a failed run is not kept: the next validation tries again
      if (this.runs.get(document) === current) this.runs.delete(document);
      issues = [{
        segments: ['data', 'kind'], anchor: 'value', severity: 'warning',
        message: `The data checks did not run: ${e instanceof Error ? e.message : String(e)}. \`seqlab validate\` runs them in a terminal.`,
      }];
    }
    // a newer text with other data settings, or the document's closing, aborts this run
    if (current.abort.signal.aborted) return undefined;
    return issuesInText(text, issues);
  }

  forget(document: string): void {
    this.runs.get(document)?.abort.abort();
    this.runs.delete(document);
  }

  dispose(): void {
    for (const run of this.runs.values()) run.abort.abort();
    this.runs.clear();
  }
}
