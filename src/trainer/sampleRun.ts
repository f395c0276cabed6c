// Text from a trained character or word model: the run's last weights on the wasm backend, the prime fed
// token by token, then `length` tokens drawn at the temperature (sampling.ts). `seqlab sample` prints the
// result; the engine child answers the extension's `sample` request with it.

import type { SampleRequest, SampleResult } from '../shared/protocol';
import { isSequenceWeights, readWeights, type RunSummary } from '../runs/runReader';
import { resolveRun, RunReferenceError } from '../runs/runReference';
import { explainNoWeights } from '../runs/runContents';
import { createBackend } from './backends/createBackend';
import { UNK } from './data';
import { RequestError } from './requestError';
import { Rng } from './rng';
import { sampleTokens } from './sampling';

export async function sampleRun(request: SampleRequest): Promise<SampleResult> {
  let run: RunSummary;
  try {
    run = await resolveRun(request.runsDir, request.run);
  } catch (e) {
    if (e instanceof RunReferenceError) throw new RequestError('notFound', e.message);
    throw e;
  }
  const weights = await readWeights(run.dir);
  if (!weights) throw new RequestError('noWeights', await explainNoWeights(run));
  if (!isSequenceWeights(weights)) throw new RequestError('unsupported', `Run ${run.id} is an encoder–decoder; it writes a target for a source: seqlab translate ${run.id} "<source text>".`);
  const vocab = weights.meta.vocabulary;
  if (!vocab || weights.meta.spec.input !== 'tokens' || weights.meta.spec.head !== 'every') {
    throw new RequestError('unsupported', `Run ${run.id} is not a text model; sampling needs a character or word language model.`);
  }
  const index = new Map(vocab.map((t, i) => [t, i]));
  const level = weights.meta.config.data.kind === 'text' ? weights.meta.config.data.level : 'char';
  const primeTokens = level === 'word' ? request.prime.split(/\s+/).filter(Boolean) : Array.from(request.prime);
  const ids = primeTokens.filter((t) => index.has(t)).map((t) => index.get(t)!);
  if (ids.length === 0) throw new RequestError('badInput', `None of the prime's tokens is in the model's vocabulary (${vocab.length} tokens).`);
  const { backend } = await createBackend('wasm', { spec: weights.meta.spec, batch: 1, steps: 1, threads: 1 });
  try {
    backend.setParams(weights.params);
    const out = sampleTokens(backend.stepper(), ids, request.length, request.temperature, new Rng(request.seed ?? Date.now() >>> 0), vocab.indexOf(UNK));
    const sep = level === 'word' ? ' ' : '';
    return { runId: run.id, text: request.prime + sep + out.map((id) => vocab[id]).join(sep) };
  } finally {
    await backend.dispose();
  }
}
