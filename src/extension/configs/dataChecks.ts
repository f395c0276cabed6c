// The data checks of a config in the editor: what `seqlab validate` reports after loading the data as
// `train` would (src/trainer/data/dataChecks.ts), so the editor shows `train`'s own messages.
// They need the data loaders, which stay out of the extension host (no trainer code in its bundle, and
// a 50 MB CSV takes ~30 s to load): a child process of the built CLI runs them on the editor's text
// (`dist/cli.js validate --json --stdin <config>`) and is killed when a newer text supersedes it. Once
// the engine client's requests are on main this becomes one of them. Results are kept per document for
// as long as what they depend on (the data settings, the data file's size and time) stays the same,
// so typing elsewhere in the config does not load the data again. No vscode.

import { execFile } from 'node:child_process';
import type { ExperimentConfig } from '../../shared/config';
import { type Issue, segmentsOf } from '../../shared/configIssue';
import { type ConfigProblem, issuesInText, type ValidationReport } from '../../shared/configValidation';
import type { DataFileStat } from '../../shared/dataFileRules';

/** Runs the data checks of `text`, the config at `configPath`; rejects with an AbortError when `signal` aborts. */
export type DataChecker = (text: string, configPath: string, signal: AbortSignal) => Promise<Issue[]>;

/** A 50 MB CSV, the loaders' largest, loads in ~30 s on a busy 2-core machine. */
const CHECK_TIMEOUT_MS = 180_000;

/** The data checks of `seqlab validate`, run by the built CLI at `cliPath` with Node (ELECTRON_RUN_AS_NODE in VS Code). */
export function cliDataChecker(cliPath: string): DataChecker {
  return (text, configPath, signal) => new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [cliPath, 'validate', '--json', '--stdin', configPath],
      { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, signal, timeout: CHECK_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        // exit codes 2 and 3 are answers (problems found), not failures
        const code = (err as { code?: unknown } | null)?.code;
        if (err && !(code === 2 || code === 3)) return reject(signal.aborted ? err : new Error(stderr.trim() || err.message));
        try {
          const report = JSON.parse(stdout) as ValidationReport;
          resolve(report.problems.filter((p) => p.check === 'data').map((p) => ({ segments: segmentsOf(p.path), anchor: 'value', message: p.message, severity: p.severity })));
        } catch {
          reject(new Error(`seqlab validate answered no report: ${stderr.trim() || stdout.slice(0, 200)}`));
        }
      },
    );
    child.stdin?.end(text);
  });
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
