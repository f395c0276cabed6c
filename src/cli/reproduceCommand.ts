// `seqlab reproduce`: trains the experiment gallery (examples/gallery/) headless and writes
// results.md and SVG figures. Resumable: run it again after Ctrl-C and it continues where it stopped.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { EXPERIMENTS, selectExperiments } from '../gallery/experiments';
import { reproduce } from '../gallery/reproduce';
import { formatLoss } from '../shared/format';

const positiveInt = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`expected a positive integer, got '${v}'`);
  return n;
};

/** The gallery's configs: examples/gallery next to the package (dist/cli.js → ../examples/gallery) or under the current folder. */
function defaultGalleryDir(): string {
  const candidates = [path.resolve(__dirname, '..', 'examples', 'gallery'), path.resolve(__dirname, '..', '..', 'examples', 'gallery'), path.resolve('examples', 'gallery')];
  return candidates.find((d) => fs.existsSync(d)) ?? candidates[candidates.length - 1];
}

export function registerReproduce(program: Command): void {
  program
    .command('reproduce')
    .description(`train the experiment gallery and write results.md + SVG figures (experiments: ${EXPERIMENTS.map((e) => e.id).join(', ')})`)
    .argument('[experiments...]', 'only these experiments, by number or id (default: all)')
    .option('--quick', 'small budgets: a smoke check that shows the direction of each result in minutes')
    .option('--out <dir>', 'results folder (default: .seqlab/gallery, or .seqlab/gallery-quick with --quick)')
    .option('--data-dir <dir>', 'folder with the data files (tinyshakespeare.txt, daily-min-temperatures.csv, cmudict-g2p-all.tsv; default: ../shared/data when it exists, then data)')
    .option('--gallery <dir>', 'folder of the gallery configs (default: examples/gallery)')
    .option('--threads <n>', 'worker threads for the wasm backend (default: all cores)', positiveInt)
    .action(async (selectors: string[], o: { quick?: boolean; out?: string; dataDir?: string; gallery?: string; threads?: number }) => {
      const experiments = selectExperiments(selectors);
      if (experiments.length === 0) {
        process.stderr.write(`No experiment matches ${selectors.join(', ')}. Experiments: ${EXPERIMENTS.map((e) => e.id).join(', ')}\n`);
        process.exit(2);
      }
      const quick = Boolean(o.quick);
      const outDir = path.resolve(o.out ?? path.join('.seqlab', quick ? 'gallery-quick' : 'gallery'));
      // by default ../shared/data when it exists, then data/ for what it lacks (the G2P file is generated there)
      const shared = o.dataDir === undefined && fs.existsSync(path.join('..', 'shared', 'data'));
      const dataDir = path.resolve(o.dataDir ?? (shared ? path.join('..', 'shared', 'data') : 'data'));
      const moreDataDirs = shared ? [path.resolve('data')] : [];
      let stop = false;
      process.on('SIGINT', () => {
        if (stop) process.exit(130);
        stop = true;
        process.stderr.write('\nStopping after this step (a checkpoint is kept; run again to resume)… Ctrl-C again to quit at once.\n');
      });
      process.on('SIGTERM', () => (stop = true));
      let lastProgress = 0;
      try {
        const outcomes = await reproduce({
          outDir, dataDir, moreDataDirs, quick, experiments,
          galleryDir: path.resolve(o.gallery ?? defaultGalleryDir()),
          ...(o.threads && { threads: o.threads }),
          log: (line) => process.stderr.write(line + '\n'),
          shouldStop: () => stop,
          sink: (exp, run) => ({
            progress: (p) => {
              const now = Date.now();
              if (now - lastProgress < 10_000 && p.step !== p.totalSteps) return;
              lastProgress = now;
              process.stderr.write(`  ${exp.id}/${run.key}: step ${p.step}/${p.totalSteps}, loss ${formatLoss(p.loss)}, ${p.stepsPerSecond.toFixed(1)} steps/s\n`);
            },
          }),
        });
        process.stdout.write(`Results: ${path.join(outDir, 'results.md')}\n`);
        if (outcomes.some((x) => x.kind === 'stopped')) process.exit(130);
        process.exit(outcomes.some((x) => x.kind === 'failed') ? 1 : 0);
      } catch (e) {
        process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
        process.exit(1);
      }
    });
}
