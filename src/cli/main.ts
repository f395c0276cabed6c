// `seqlab`: the command line on the same engine the extension uses.
// Exit codes: 0 success · 1 training failed (diverged, internal error) · 2 bad usage or invalid config ·
// 3 data error · 4 run (or its weights) not found · 130 cancelled with Ctrl-C.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { enableRelaxedSimd } from '../trainer/backends/wasm/wasmFlags';
import { BACKEND_KINDS, type BackendKind, CELL_KINDS, type CellKind } from '../shared/config';
import { formatProblem, parseConfig } from '../shared/configValidation';
import { SEQLAB_VERSION } from '../runs/runWriter';
import { TrainError } from '../trainer/errors';
import { train } from '../trainer/training';
import { outcomeText, ProgressView } from './progressView';
import { registerReproduce } from './reproduceCommand';
import { EXPORT_FORMATS, EXPORT_WEIGHTS, type ExportFormat, type ExportWeights } from '../shared/modelExport';
import { ExportError, exportRun } from '../trainer/export/exportRun';
import { printExport } from './exportView';
import { printRun, printRuns, sampleFromRun } from './runCommands';
import { resolveRun, RUN_REFERENCE_HELP, RunReferenceError } from '../runs/runReference';

enableRelaxedSimd();

export const EXIT = { ok: 0, failed: 1, usage: 2, data: 3, notFound: 4, cancelled: 130 } as const;

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
  .description('train the experiment of a *.seqlab.json config')
  .argument('<config>', 'path of the experiment config')
  .addOption(new Option('--backend <backend>', 'the backend to train on (default: the config\'s)').choices(BACKEND_KINDS))
  .option('--max-steps <n>', 'stop after this many optimizer steps', positiveInt)
  .addOption(new Option('--cell <cell>', 'override the config\'s cell').choices(CELL_KINDS))
  .option('--threads <n>', 'worker threads for the wasm backend (default: all cores)', positiveInt)
  .option('--resume <run>', `continue an interrupted run from its last checkpoint (${RUN_REFERENCE_HELP})`)
  .option(...runsDirOption)
  .option('--json', 'print one JSON line per event instead of a progress bar')
  .action(async (config: string, o: { backend?: BackendKind; maxSteps?: number; cell?: CellKind; threads?: number; resume?: string; runsDir: string; json?: boolean }) => {
    const resume = o.resume === undefined ? undefined : await resolveOrFail(path.resolve(o.runsDir), o.resume);
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
    const view = new ProgressView(Boolean(o.json) || !process.stderr.isTTY);
    try {
      const outcome = await train(
        {
          configPath: config,
          // a run given by its folder may live outside --runs-dir
          runsDir: resume ? path.dirname(resume.dir) : path.resolve(o.runsDir),
          ...(o.backend && { backend: o.backend }),
          ...(o.maxSteps && { maxSteps: o.maxSteps }),
          ...(o.cell && { cell: o.cell }),
          ...(o.threads && { threads: o.threads }),
          ...(resume && { resumeRunId: resume.id }),
        },
        view.sink(Boolean(o.json)),
        () => stop,
      );
      view.stop();
      process.stdout.write(outcomeText(outcome, view.plan));
      if (outcome.kind === 'cancelled') process.exit(EXIT.cancelled);
    } catch (e) {
      view.stop();
      if (e instanceof TrainError) fail(e.kind === 'config' ? EXIT.usage : e.kind === 'data' ? EXIT.data : EXIT.failed, e.message);
      throw e;
    }
  });

program
  .command('validate')
  .description('check a config against the schema and print its problems as file:line:col: message')
  .argument('<config...>', 'config files')
  .action((configs: string[]) => {
    let bad = 0;
    for (const file of configs) {
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch (e) {
        process.stderr.write(`${file}: cannot read (${(e as NodeJS.ErrnoException).code})\n`);
        bad++;
        continue;
      }
      const { problems } = parseConfig(text, file);
      for (const p of problems) process.stderr.write(formatProblem(file, p) + '\n');
      if (problems.some((p) => p.severity === 'error')) bad++;
      else process.stdout.write(`${file}: ok\n`);
    }
    process.exit(bad > 0 ? EXIT.usage : EXIT.ok);
  });

program
  .command('runs')
  .description('list runs, newest first')
  .option(...runsDirOption)
  .option('--json', 'print JSON')
  .action((o: { runsDir: string; json?: boolean }) => printRuns(path.resolve(o.runsDir), Boolean(o.json)));

const runArgument = ['<run>', RUN_REFERENCE_HELP] as const;

program
  .command('show')
  .description('show one run: status, timings, losses, samples')
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
    await guardAsync(() => sampleFromRun(path.resolve(o.runsDir), run, o));
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
    try {
      const result = await exportRun({ runsDir: path.resolve(o.runsDir), run, format: o.format, ...(o.out && { out: o.out }), weights: o.checkpoint, force: Boolean(o.force) });
      if (o.json) process.stdout.write(JSON.stringify(result) + '\n');
      else printExport(result);
    } catch (e) {
      if (e instanceof ExportError) fail(e.problem === 'outExists' ? EXIT.usage : e.problem === 'unsupported' ? EXIT.failed : EXIT.notFound, e.message);
      throw e;
    }
  });

function fail(code: number, message: string): never {
  process.stderr.write(message.endsWith('\n') ? message : message + '\n');
  process.exit(code);
}

async function resolveOrFail(runsDir: string, ref: string) {
  try {
    return await resolveRun(runsDir, ref);
  } catch (e) {
    if (e instanceof RunReferenceError) fail(EXIT.notFound, e.message);
    throw e;
  }
}

async function guardAsync(f: () => Promise<void>): Promise<void> {
  try {
    await f();
  } catch (e) {
    if (e instanceof TrainError) fail(e.kind === 'data' ? EXIT.data : EXIT.failed, e.message);
    fail(EXIT.notFound, e instanceof Error ? e.message : String(e));
  }
}

registerReproduce(program);

program.parseAsync(process.argv).catch((e: unknown) => {
  process.stderr.write(`seqlab: internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(EXIT.failed);
});
