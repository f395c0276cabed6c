// `npm run bench:seq2seq`: the encoder–decoder rows of `npm run bench` alone (bench/seq2seqRows.mjs): a training
// step at issue 14's G2P-sized shape on our kernels (1 thread and all cores) against the same model in Keras,
// and what diagnostics every N steps add.
// usage: node bench/seq2seq.mjs [--quick] [--rounds=N] [--diag=N (diagnostics every N steps; 0 = skip)]
//        [--compare=<kernels folder> (other kernel builds in the same rounds, e.g. a copy of main's dist/kernels)]
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { seq2seqBench } from './seq2seqRows.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const quick = process.argv.includes('--quick');
const option = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=').slice(1).join('=');
const rounds = Number(option('rounds') ?? (quick ? 1 : 3));
const hasKeras = spawnSync('python3', ['-c', 'import tensorflow, keras'], { encoding: 'utf8' }).status === 0;
if (!hasKeras) console.log('Keras: skipped (Python TensorFlow not importable; `pip install tensorflow-cpu` to compare against it)');
const { lines, summary } = seq2seqBench({
  root, rounds, steps: quick ? 10 : 30, cores: os.availableParallelism(), hasKeras,
  diagEvery: Number(option('diag') ?? 10), diagSteps: quick ? 30 : 60, compare: option('compare'),
});
console.log(lines.join('\n'));
console.log('\nTargets (issue 14): seq2seq all cores ≤ 0.7× Keras · diagnostics ≤ 10 %');
const check = (name, ok) => console.log(`${ok === undefined ? '–' : ok ? '✓' : '✗'} ${name}`);
check('seq2seq all cores ≤ 0.7× Keras', summary.allOverKeras === undefined ? undefined : summary.allOverKeras <= 0.7);
check('seq2seq diagnostics ≤ 10 %', summary.diagOverhead === undefined ? undefined : summary.diagOverhead <= 0.1);
