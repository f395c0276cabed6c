// `seqlab translate <run> "source"` (or --file, one source per line): what a trained encoder–decoder writes
// for each source, by the run's decoding (greedy with --beam 1, beam search, or sampling at --temperature),
// through translateRun, the function the engine child answers the extension's `translate` request with.
// --steps K shows how each output came about: every decoder step's K most probable tokens.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { contentProblem, formatDataError } from '../shared/dataFileRules';
import { tokenLabel } from '../shared/format';
import type { DecodingStep, Hypothesis, TranslateResult, Translation } from '../shared/translation';
import { RUN_REFERENCE_HELP } from '../runs/runReference';
import { translateRun } from '../trainer/translateRun';
import { EXIT, fail } from './exitCodes';

interface TranslateOptions {
  file?: string;
  beam?: number;
  top?: number;
  temperature?: number;
  seed?: number;
  maxLength?: number;
  checkpoint: 'last' | 'best';
  attention?: boolean;
  steps?: number;
  runsDir: string;
  json?: boolean;
}

const wholeNumber = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
};
const temperature = (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number ≥ 0');
  return n;
};

export function registerTranslate(program: Command, runsDirOption: readonly [string, string, string], answered: <T>(p: Promise<T>) => Promise<T>): void {
  program
    .command('translate')
    .description('write what a trained encoder–decoder (model.kind "seq2seq") outputs for source texts')
    .argument('<run>', RUN_REFERENCE_HELP)
    .argument('[source]', 'the source text (or --file)')
    .option('--file <file>', 'translate each line of this file (one source per line; "-" reads standard input)')
    .option('--beam <k>', "beam width; 1 = greedy decoding (default: the run's decoding.beamWidth)", wholeNumber)
    .option('--top <k>', 'print the k best outputs of each source with their log-probabilities (beam search widens to k)', wholeNumber)
    .option('--temperature <t>', 'draw outputs token by token at this temperature instead of searching (with --top: that many draws)', temperature)
    .option('--seed <n>', 'random seed of --temperature sampling', wholeNumber)
    .option('--max-length <n>', "most decoder steps (default: the run's decoding.maxLength)", wholeNumber)
    .addOption(new Option('--checkpoint <which>', 'last: the final weights (the latest checkpoint while unfinished); best: the lowest validation loss').choices(['last', 'best']).default('last'))
    .option('--attention', 'with --json: each output\'s attention rows over the source tokens')
    .option('--steps <k>', 'print each decoder step\'s k most probable tokens with their probabilities, the one taken marked (with --json: each output\'s steps, and the beam\'s tree)', wholeNumber)
    .option(...runsDirOption)
    .option('--json', 'print the result as one JSON object')
    .action(async (run: string, source: string | undefined, o: TranslateOptions) => {
      const sources = sourcesOf(source, o.file);
      const result = await answered(translateRun({
        runsDir: path.resolve(o.runsDir), run, sources, weights: o.checkpoint,
        ...(o.beam !== undefined && { beam: o.beam }),
        ...(o.top !== undefined && { top: o.top }),
        ...(o.temperature !== undefined && { temperature: o.temperature }),
        ...(o.seed !== undefined && { seed: o.seed }),
        ...(o.maxLength !== undefined && { maxLength: o.maxLength }),
        ...(o.attention && { attention: true }),
        ...(o.steps !== undefined && { trace: o.steps }),
      }));
      if (o.json) process.stdout.write(JSON.stringify(result) + '\n');
      else printTranslations(result, o.top !== undefined || o.steps !== undefined);
    });
}

function sourcesOf(source: string | undefined, file: string | undefined): string[] {
  if ((source === undefined) === (file === undefined)) fail(EXIT.usage, 'seqlab translate needs a source text or --file <file> (one source per line), not both.');
  if (source !== undefined) return [source];
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file === '-' ? 0 : file!);
  } catch (e) {
    fail(EXIT.notFound, `${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? e}).`);
  }
  const name = file === '-' ? 'standard input' : file!;
  // the data files' rules: a Latin-1 é read as U+FFFD would reach the model as <unk> with no word of why
  const bad = contentProblem(name, bytes);
  if (bad) {
    const binary = bad.where.offset !== undefined && bytes[bad.where.offset] === 0;
    fail(EXIT.data, formatDataError(bad.problem, binary ? 'Give --file a plain-text file (UTF-8), one source per line' : bad.hint, bad.where));
  }
  const lines = new TextDecoder('utf-8').decode(bytes).split(/\r?\n/);
  // blank lines at the end are the file's ending, not sources; one inside would shift every output after it
  while (lines.length > 0 && lines.at(-1)!.trim() === '') lines.pop();
  const blank = lines.findIndex((line) => line.trim() === '');
  if (blank >= 0) {
    fail(EXIT.usage, `${name}:${blank + 1}: the line is blank; --file reads one source per line and writes one output per line. Delete the blank line (or put a source on it).`);
  }
  return lines;
}

/** One output per line, in source order; with --top or --steps, each source's outputs ranked with their log-probabilities (and steps). */
function printTranslations(r: TranslateResult, ranked: boolean): void {
  r.translations.forEach((t, i) => {
    if (t.unknown.length > 0) process.stderr.write(`warning: source ${i + 1}: ${t.unknown.map((u) => JSON.stringify(u)).join(', ')} not in the run's vocabulary (read as <unk>)\n`);
    if (!ranked) {
      process.stdout.write(t.hypotheses[0].text + '\n');
      return;
    }
    process.stdout.write(`${t.source}\n`);
    t.hypotheses.forEach((h, k) => {
      const unfinished = h.finished ? '' : ' (no </s> within --max-length)';
      process.stdout.write(`  ${k + 1}. ${h.text}\tlog p ${h.logProb.toFixed(4)}${r.decoding.method === 'beam' ? `, score ${h.score.toFixed(4)}` : ''}${unfinished}\n`);
      if (h.steps) process.stdout.write(stepLines(h).map((line) => `       ${line}\n`).join(''));
    });
    if (t.beamTree) process.stdout.write(`  beam tree: ${treeSummary(t)} (--json lists its nodes)\n`);
  });
}

const percent = (logProb: number): string => `${(100 * Math.exp(logProb)).toFixed(1)}%`;

/** One line per decoder step: its candidates with probabilities, the taken one in [brackets] (or named after them when it was not among them). */
function stepLines(h: Hypothesis): string[] {
  return h.steps!.map((st: DecodingStep, t) => {
    const cands = st.candidates.map((c, i) => (i === st.taken.rank ? `[${tokenLabel(c.token)} ${percent(c.logProb)}]` : `${tokenLabel(c.token)} ${percent(c.logProb)}`));
    const outside = st.taken.rank >= st.candidates.length ? `  → took ${tokenLabel(st.taken.token)} ${percent(st.taken.logProb)} (rank ${st.taken.rank + 1})` : '';
    return `step ${t}: ${cands.join('  ')}${outside}`;
  });
}

function treeSummary(t: Translation): string {
  const tree = t.beamTree!;
  const count = (s: string) => tree.filter((n) => n.status === s).length;
  return `${tree.length} nodes over ${Math.max(...tree.map((n) => n.depth))} steps: ${count('kept') - 1} kept, ${count('finished')} finished, ${count('pruned')} pruned`;
}
