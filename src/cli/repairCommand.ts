// `seqlab repair <run>`: rebuilds the meta.json of a damaged run from its other files (src/runs'
// planRepair and applyRepair) and prints what it rebuilt from what. Deletes nothing.

import * as path from 'node:path';
import type { Command } from 'commander';
import { applyRepair, checkRepair } from '../runs/runRepair';
import { resolveRunFolder, RUN_REFERENCE_HELP, RunReferenceError } from '../runs/runReference';
import { EXIT, fail } from './exitCodes';
import { RUN_FILES } from '../runs/runFiles';
import { repairLines, repairReport } from './runFolderView';

export function registerRepair(program: Command, runsDirOption: readonly [string, string, string]): void {
  program
    .command('repair')
    .description("rebuild a damaged run's meta.json from its config snapshot, metrics and checkpoints (the damaged file is kept)")
    .argument('<run>', `the damaged run: its id, a unique part of it, or its folder (${RUN_REFERENCE_HELP})`)
    .option('--config <file>', 'the config file the run was started from (found by content when not given); its data paths resolve against its folder')
    .option('--dry-run', 'say what would be rebuilt, write nothing')
    .option(...runsDirOption)
    .option('--json', 'print the plan (and what was written) as JSON')
    .action(async (ref: string, o: { config?: string; dryRun?: boolean; runsDir: string; json?: boolean }) => {
      let folder;
      try {
        folder = await resolveRunFolder(path.resolve(o.runsDir), ref);
      } catch (e) {
        if (e instanceof RunReferenceError) fail(EXIT.notFound, e.message);
        throw e;
      }
      const plan = await checkRepair(folder, { ...(o.config && { config: o.config }), searchIn: [process.cwd()] });
      if (plan.kind === 'notNeeded') {
        const { run } = plan;
        if (o.json) process.stdout.write(JSON.stringify({ kind: 'notNeeded', id: run.id, dir: run.dir, status: run.status }) + '\n');
        else process.stdout.write(`Run ${run.id} needs no repair: its ${RUN_FILES.meta} is readable (status ${run.status.kind}). Nothing was written.\n`);
        return;
      }
      if (plan.kind === 'impossible') {
        if (o.json) process.stdout.write(JSON.stringify(plan) + '\n');
        fail(EXIT.notFound, `Run ${plan.id} (${plan.dir}): ${plan.problem}.\n${repairLines(plan).join('\n')}`);
      }
      const done = o.dryRun ? undefined : applyRepair(plan);
      if (o.json) process.stdout.write(JSON.stringify({ ...plan, ...(done && { done }) }, null, 2) + '\n');
      else process.stdout.write(repairReport(plan, done).join('\n') + '\n');
    });
}
