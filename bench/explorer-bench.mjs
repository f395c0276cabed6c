// Explorer speed (issue 15: "computing states for a 2 000-token slice of a 2 × 128 LSTM < 1 s"): trains a
// 2 × 128 char LSTM for a few steps on examples/lighthouse.txt repeated, then times the engine's answers on
// its validation data: the states of a 2 000-token slice (gates included), the unit finder over it, and a
// match searching 4 000 tokens. Prints the median of ROUNDS runs of each, in ms.  Run: node bench/explorer-bench.mjs
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ROUNDS = 5;

if (!process.argv.includes('--child')) {
  // the TypeScript sources run through tsx, with relaxed SIMD on as in the trainer
  const r = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', '--import', 'tsx', fileURLToPath(import.meta.url), '--child'], { cwd: root, stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

const { train } = await import('../src/trainer/training.ts');
const { handleExplorerRequest } = await import('../src/trainer/explore/explorerRequests.ts');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-explorer-bench-'));
fs.writeFileSync(path.join(dir, 'corpus.txt'), fs.readFileSync(path.join(root, 'examples/lighthouse.txt'), 'utf8').repeat(16));
fs.writeFileSync(path.join(dir, 'bench.seqlab.json'), JSON.stringify({
  name: 'explorer bench',
  data: { kind: 'text', path: 'corpus.txt', level: 'char' },
  validationSplit: 0.1,
  model: { cell: 'lstm', hiddenSize: 128, layers: 2, embeddingSize: 32 },
  training: { maxSteps: 5, batchSize: 8, sequenceLength: 100, validateEvery: 5, threads: 1 },
  diagnostics: { enabled: false },
}));
const out = await train({ configPath: path.join(dir, 'bench.seqlab.json'), runsDir: path.join(dir, 'runs') });
const ref = { runDir: out.runDir, weights: 'last' };

async function time(label, request) {
  const ms = [];
  let result;
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    result = (await handleExplorerRequest(request)).result;
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  console.log(`${label.padEnd(58)} median ${ms[ROUNDS >> 1].toFixed(0).padStart(5)} ms  (min ${ms[0].toFixed(0)}, max ${ms[ROUNDS - 1].toFixed(0)})`);
  return result;
}

console.log(`2 × 128 LSTM, embedding 32, ${os.availableParallelism()} cores, Node ${process.versions.node}`);
const slice = { validationSlice: { start: 0, length: 2000 } };
await time('states, 2 000-token validation slice (h, c, gates)', { kind: 'states', request: { ...ref, input: slice } });
await time('states, 2 000 typed characters (h, c, gates)', { kind: 'states', request: { ...ref, input: { text: fs.readFileSync(path.join(root, 'examples/lighthouse.txt'), 'utf8').slice(0, 2000) } } });
await time('unit finder, 2 000 tokens × 11 features × 512 units', { kind: 'unitFeatures', request: { ...ref, input: slice } });
await time('match, pattern of 3 steps, searching 4 000 tokens (kept)', { kind: 'match', request: { ...ref, selection: { input: slice, layer: 1 }, t0: 100, t1: 102, threshold: 0.3, search: { start: 0, length: 4000 } } });
await time('embedding, PCA of 67 × 32', { kind: 'embedding', request: { ...ref, method: 'pca' } });
await time('embedding, UMAP of 67 × 32', { kind: 'embedding', request: { ...ref, method: 'umap' } });
fs.rmSync(dir, { recursive: true, force: true });
