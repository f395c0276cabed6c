// `seqlab`: the command line on the same engine the extension uses. Exit codes: exitCodes.ts.

import * as path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { enableRelaxedSimd } from '../trainer/backends/wasm/wasmFlags';
import { BACKEND_KINDS, type BackendKind, CELL_KINDS, type CellKind } from '../shared/config';
import { SEQLAB_VERSION } from '../runs/runWriter';
import { WriteError } from '../runs/writeError';
import { TrainError } from '../trainer/errors';
import { loadConfigFile, train } from '../trainer/training';
import { outcomeText, ProgressView } from './progressView';
import { registerReproduce } from './reproduceCommand';
import { registerValidate, warnAboutDataPath } from './validateCommand';
import { EXPORT_FORMATS, EXPORT_WEIGHTS, type ExportFormat, type ExportWeights } from '../shared/modelExport';
import type { RequestProblem } from '../shared/protocol';
import { exportRun } from '../trainer/export/exportRun';
import { RequestError } from '../trainer/requestError';
import { sampleRun } from '../trainer/sampleRun';
import { printExport } from './exportView';
import { printRun, printRuns } from './runCommands';
import { RUN_REFERENCE_HELP } from '../runs/runReference';
import { prepareResume } from './resumeSetup';
import { EXIT, fail } from './exitCodes';
import { registerRepair } from './repairCommand';
import { trainComparison, trainSweep } from './sweepCommand';
import { COMPARISON_KINDS, type ComparisonKind } from '../shared/comparisonVariants';
import { registerTranslate } from './translateCommand';

enableRelaxedSimd();

// `seqlab runs | head`: the reader has closed the pipe. Node ignores SIGPIPE, so the next write would throw
// EPIPE with a stack; end quietly instead, as other command-line tools do. `train` replaces this with a stop
// after the current step, so the run keeps its checkpoint.
let onStdoutClosed = (): void => process.exit(EXIT.ok);
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
  onStdoutClosed();
});

const positiveInt = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
};
const nonNegativeNumber = (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number ≥ 0');
  return n;
};

const program = new Command('seqlab')
  .version(SEQLAB_VERSION)
  .description('Train RNN, LSTM and GRU models and look inside them.')
  .showHelpAfterError()
  .exitOverride((err) => process.exit(err.exitCode === 0 ? EXIT.ok : EXIT.usage));

const runsDirOption = ['--runs-dir <dir>', 'where runs are stored', path.join('.seqlab', 'runs')] as const;

program
  .command('train')
  .description('train the experiment of a *.seqlab.json config, or continue a run (--resume)')
  .argument('[config]', "path of the experiment config (with --resume: optional, the run's own config is used)")
  .addOption(new Option('--backend <backend>', 'the backend to train on (default: the config\'s)').choices(BACKEND_KINDS))
  .option('--max-steps <n>', 'stop after this many optimizer steps', positiveInt)
  .addOption(new Option('--cell <cell>', 'override the config\'s cell').choices(CELL_KINDS))
  .option('--threads <n>', 'worker threads for the wasm backend (default: all cores)', positiveInt)
  .option('--resume <run>', `continue a run from its last checkpoint with its own config and data (${RUN_REFERENCE_HELP})`)
  .option(...runsDirOption)
  .option('--json', 'print one JSON line per event instead of a progress bar')
  .option('--no-sweep', 'train the config alone, without the runs of its sweep')
  .addOption(new Option('--compare [kind]', 'train a comparison as the extension\'s Compare Cells (the config\'s `compare` cells, else RNN, LSTM and GRU) or Compare Attention does').choices(COMPARISON_KINDS))
  .action(async (config: string | undefined, o: { backend?: BackendKind; maxSteps?: number; cell?: CellKind; threads?: number; resume?: string; runsDir: string; json?: boolean; sweep: boolean; compare?: ComparisonKind | true }) => {
    const resume = o.resume === undefined ? undefined : await resumeOrFail(path.resolve(o.runsDir), o.resume, config, o.maxSteps);
    const configPath = resume?.configPath ?? config;
    if (configPath === undefined) fail(EXIT.usage, 'seqlab train needs a config (seqlab train <config>), or a run to continue (seqlab train --resume <run>).');
    if (!resume) warnAboutDataPath(configPath);
    if (o.compare && (resume || o.cell)) fail(EXIT.usage, `--compare trains one run per ${o.compare === 'attention' ? 'attention' : 'cell'}; it cannot be combined with ${resume ? '--resume' : '--cell'}.`);
    // Every phase checks `stop` between chunks of its work (trainer/training/phases.ts), so the first
    // signal is honoured within a chunk; the second quits at once.
    let stop = false;
    const onSignal = (name: string) => () => {
      if (stop) process.exit(EXIT.cancelled);
      stop = true;
      process.stderr.write(`\n${name}: stopping… (${name === 'SIGINT' ? 'Ctrl-C' : name} again to quit at once)\n`);
    };
    process.on('SIGINT', onSignal('SIGINT'));
    process.on('SIGTERM', onSignal('SIGTERM'));
    onStdoutClosed = () => {
      stop = true;
    };
    const view = new ProgressView(Boolean(o.json) || !process.stderr.isTTY);
    const request = {
      // a run given by its folder may live outside --runs-dir
      runsDir: resume ? path.dirname(resume.run.dir) : path.resolve(o.runsDir),
      ...(o.backend && { backend: o.backend }),
      ...(o.maxSteps && { maxSteps: o.maxSteps }),
      ...(o.cell && { cell: o.cell }),
      ...(o.threads && { threads: o.threads }),
    };
    try {
      const series = { request, json: Boolean(o.json), shouldStop: () => stop };
      if (o.compare) process.exit(await trainComparison(configPath, loadConfigFile(configPath).config, o.compare === true ? 'cells' : o.compare, series));
      const swept = !resume && o.sweep ? loadConfigFile(configPath).config : undefined;
      if (swept?.sweep) process.exit(await trainSweep(configPath, swept, series));
      const outcome = await train({ ...request, configPath, ...(resume && { resumeRunId: resume.run.id }) }, view.sink(Boolean(o.json)), () => stop);
      view.stop();
      // --json: stdout is JSON lines only, the outcome among them
      const text = outcomeText(outcome, view.plan);
      process.stdout.write(o.json ? JSON.stringify({ type: outcome.kind, ...outcome, text: text.trimEnd() }) + '\n' : text);
      if (outcome.kind === 'cancelled') process.exit(EXIT.cancelled);
    } catch (e) {
      view.stop();
      if (e instanceof TrainError) fail(e.kind === 'config' ? EXIT.usage : e.kind === 'data' ? EXIT.data : EXIT.failed, e.message);
      throw e;
    }
  });

registerValidate(program);

program
  .command('runs')
  .description('list runs, newest first, then damaged run folders; say how to resume runs that did not finish')
  .option(...runsDirOption)
  .option('--json', 'print JSON')
  .action((o: { runsDir: string; json?: boolean }) => printRuns(path.resolve(o.runsDir), Boolean(o.json)));

const runArgument = ['<run>', RUN_REFERENCE_HELP] as const;

program
  .command('show')
  .description('show one run: status, timings, losses, samples, how to resume it; of a damaged run, what it still holds')
  .argument(...runArgument)
  .option(...runsDirOption)
  .option('--json', 'print JSON')
  .action((run: string, o: { runsDir: string; json?: boolean }) => guardAsync(() => printRun(path.resolve(o.runsDir), run, Boolean(o.json))));

program
  .command('sample')
  .description('generate text from a trained text model')
  .argument(...runArgument)
  .option('--prime <text>', 'text to start from', '\n')
  .option('--length <n>', 'tokens to generate', positiveInt, 300)
  .option('--temperature <t>', 'sampling temperature (0 = greedy)', nonNegativeNumber, 0.8)
  .option('--seed <n>', 'random seed', positiveInt)
  .option(...runsDirOption)
  .action(async (run: string, o: { runsDir: string; prime: string; length: number; temperature: number; seed?: number }) => {
    const { text } = await answered(sampleRun({ runsDir: path.resolve(o.runsDir), run, prime: o.prime, length: o.length, temperature: o.temperature, ...(o.seed !== undefined && { seed: o.seed }) }));
    process.stdout.write(text + '\n');
  });

program
  .command('export')
  .description('write a run\'s trained network for another runtime: tfjs = a tf.LayersModel (model.json + weights) for TensorFlow.js')
  .argument(...runArgument)
  .addOption(new Option('--format <format>', 'what to write').choices(EXPORT_FORMATS).default('tfjs'))
  .option('--out <dir>', 'folder to write (default: <run folder>/export/<format>)')
  .addOption(new Option('--checkpoint <which>', 'last: the final weights (the latest checkpoint while unfinished); best: the lowest validation loss').choices(EXPORT_WEIGHTS).default('last'))
  .option('--force', 'replace an earlier export in a folder that is not empty')
  .option(...runsDirOption)
  .option('--json', 'print the result as one JSON object')
  .action(async (run: string, o: { format: ExportFormat; out?: string; checkpoint: ExportWeights; force?: boolean; runsDir: string; json?: boolean }) => {
    const result = await answered(exportRun({ runsDir: path.resolve(o.runsDir), run, format: o.format, ...(o.out && { out: o.out }), weights: o.checkpoint, force: Boolean(o.force) }));
    if (o.json) process.stdout.write(JSON.stringify(result) + '\n');
    else printExport(result);
  });

async function resumeOrFail(runsDir: string, ref: string, config: string | undefined, maxSteps: number | undefined) {
  const setup = await prepareResume(runsDir, ref, config, maxSteps);
  if (setup.kind === 'refused') fail(EXIT[setup.exit], setup.message);
  for (const w of setup.warnings) process.stderr.write(`warning: ${w}\n`);
  return setup;
}

async function guardAsync(f: () => Promise<void>): Promise<void> {
  try {
    await f();
  } catch (e) {
    if (e instanceof TrainError) fail(e.kind === 'data' ? EXIT.data : EXIT.failed, e.message);
    fail(EXIT.notFound, e instanceof Error ? e.message : String(e));
  }
}

const REQUEST_EXIT: Record<RequestProblem, number> = {
  notFound: EXIT.notFound,
  noWeights: EXIT.notFound,
  outExists: EXIT.usage,
  badInput: EXIT.usage,
  unsupported: EXIT.failed,
  internal: EXIT.failed,
};

/** The answer of an engine request (the same functions the extension's engine child calls), or its exit. */
async function answered<T>(pending: Promise<T>): Promise<T> {
  try {
    return await pending;
  } catch (e) {
    if (e instanceof RequestError) fail(REQUEST_EXIT[e.problem], e.message);
    throw e;
  }
}

registerTranslate(program, runsDirOption, answered);
registerReproduce(program);
registerRepair(program, runsDirOption);

program.parseAsync(process.argv).catch((e: unknown) => {
  // a refused write (a full disk) says which file and why; a stack would add nothing
  if (e instanceof WriteError) fail(EXIT.failed, e.message);
  process.stderr.write(`seqlab: internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(EXIT.failed);
});
