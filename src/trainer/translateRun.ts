// What a trained encoder–decoder writes for source texts: the run's weights (last or best) on the kernels'
// decoder, each source cut into tokens as the run's data cut them (its saved vocabularies), then greedy
// decoding, beam search (the run's decoding settings unless the request sets them) or sampling at a
// temperature. `seqlab translate` prints the result; the engine child answers the extension's `translate`
// request with it.

import type { BeamNode, DecodingStep, TranslateRequest, TranslateResult, Translation } from '../shared/translation';
import type { DecodingConfig } from '../shared/config';
import { fillDefaults, seqlabSchema } from '../shared/configSchema';
import { isSeq2seqSpec, type Seq2seqSpec } from '../shared/seq2seqSpec';
import type { PairSide, PairVocabularies } from '../runs/runFiles';
import { type LoadedWeights, readBestWeights, readWeights, type RunSummary } from '../runs/runReader';
import { resolveRun, RunReferenceError } from '../runs/runReference';
import { explainNoWeights } from '../runs/runContents';
import { PAIR_UNK_ID, pairVocabulary, type PairVocabulary } from './data/pairVocabulary';
import { RequestError } from './requestError';
import { Rng } from './rng';
import type { TraceNode, TracedStep } from './seq2seq/decodingTrace';
import { type BeamResult, decodingMaxLength, Seq2seqDecoder } from './seq2seq/seq2seqDecoder';

/** The schema's decoding defaults, for weights whose config has no decoding section. */
const defaultDecoding = (): DecodingConfig => fillDefaults(seqlabSchema.properties!.decoding, {}) as DecodingConfig;
/** The most hypotheses one request may ask for (the schema's largest beam). */
const MAX_BEAM = 64;

interface Seq2seqWeights {
  spec: Seq2seqSpec;
  pairs: PairVocabularies;
  params: Float32Array;
  step: number;
  decoding: DecodingConfig;
}

export async function translateRun(request: TranslateRequest): Promise<TranslateResult> {
  const run = await runOf(request);
  const w = await seq2seqWeights(run, request.weights ?? 'last');
  const plan = decodingPlan(request, w);
  const source = vocabularyOf(w.pairs.source, 'source', run.id), target = vocabularyOf(w.pairs.target, 'target', run.id);
  if (request.sources.length === 0) throw new RequestError('badInput', 'Give at least one source text to translate.');
  const rng = new Rng(request.seed ?? (Date.now() >>> 0));
  const translations = request.sources.map((text, i): Translation => {
    const tokens = source.tokenize(w.pairs.reverseSourceText ? Array.from(text).reverse().join('') : text);
    if (tokens.length === 0) throw new RequestError('badInput', `Source ${i + 1} (${JSON.stringify(text)}) has no ${source.level === 'word' ? 'words' : 'characters'} to read.`);
    const ids = Int32Array.from(tokens, (t) => source.idOf(t));
    const unknown = [...new Set(tokens.filter((_, k) => ids[k] === PAIR_UNK_ID))];
    const decoded = decode(w, ids, plan, rng);
    const name = (id: number) => target.tokens[id] ?? '<unk>';
    return {
      source: text,
      sourceTokens: tokens,
      unknown,
      hypotheses: decoded.hypotheses.slice(0, plan.top).map((h) => ({
        text: target.decode(h.tokens),
        tokens: target.tokensOf(h.tokens),
        logProb: h.logProb,
        score: h.score,
        finished: h.finished,
        ...(request.attention && { attention: h.attention.map((row) => Array.from(row)) }),
        ...(h.steps && { steps: h.steps.map((st) => namedStep(st, name)) }),
        ...(h.node !== undefined && { node: h.node }),
      })),
      ...(decoded.tree && { beamTree: decoded.tree.map((n, id) => namedNode(n, id, name)) }),
    };
  });
  const { method, beamWidth, lengthPenalty, maxLength, temperature } = plan;
  return { runId: run.id, step: w.step, decoding: { method, beamWidth, lengthPenalty, maxLength, ...(method === 'sample' && { temperature }) }, translations };
}

async function runOf(request: TranslateRequest): Promise<RunSummary> {
  try {
    return await resolveRun(request.runsDir, request.run);
  } catch (e) {
    if (e instanceof RunReferenceError) throw new RequestError('notFound', e.message);
    throw e;
  }
}

async function seq2seqWeights(run: RunSummary, which: 'last' | 'best'): Promise<Seq2seqWeights> {
  const loaded: LoadedWeights | undefined = which === 'best' ? await readBestWeights(run.dir) : await readWeights(run.dir);
  if (!loaded) {
    throw new RequestError('noWeights', which === 'best'
      ? `Run ${run.id} has no best weights yet: they are saved at each evaluation that improves the validation loss. Use the last weights.`
      : await explainNoWeights(run));
  }
  const { spec, pairs, config, step } = loaded.meta;
  if (!isSeq2seqSpec(spec) || !pairs) {
    throw new RequestError('unsupported', `Run ${run.id} is not an encoder–decoder (model.kind "seq2seq"); translate needs one. A text model writes text with: seqlab sample ${run.id}`);
  }
  return { spec, pairs, params: loaded.params, step, decoding: config.decoding ?? defaultDecoding() };
}

interface DecodingPlan {
  method: 'greedy' | 'beam' | 'sample';
  beamWidth: number;
  lengthPenalty: number;
  maxLength: number;
  temperature: number;
  top: number;
  /** Candidates recorded per step; 0: no trace. */
  trace: number;
}

function decodingPlan(r: TranslateRequest, w: Seq2seqWeights): DecodingPlan {
  const whole = (name: string, v: number | undefined, min: number) => {
    if (v !== undefined && !(Number.isInteger(v) && v >= min && v <= (name === 'max-length' ? 100_000 : MAX_BEAM))) {
      throw new RequestError('badInput', `--${name} must be a whole number from ${min} to ${name === 'max-length' ? 100_000 : MAX_BEAM} (got ${v}).`);
    }
  };
  whole('beam', r.beam, 1);
  whole('top', r.top, 1);
  whole('max-length', r.maxLength, 1);
  whole('steps', r.trace, 1);
  const temperature = r.temperature ?? 0;
  if (!(Number.isFinite(temperature) && temperature >= 0)) throw new RequestError('badInput', `--temperature must be 0 (search) or more (got ${r.temperature}).`);
  const top = r.top ?? 1;
  const maxLength = r.maxLength ?? decodingMaxLength(w.decoding.maxLength, w.pairs.targetSteps);
  const lengthPenalty = w.decoding.lengthPenalty;
  const trace = r.trace ?? 0;
  if (temperature > 0) return { method: 'sample', beamWidth: top, lengthPenalty, maxLength, temperature, top, trace };
  const beamWidth = Math.max(r.beam ?? w.decoding.beamWidth, top);
  return { method: beamWidth === 1 ? 'greedy' : 'beam', beamWidth, lengthPenalty, maxLength, temperature, top, trace };
}

function decode(w: Seq2seqWeights, source: Int32Array, plan: DecodingPlan, rng: Rng): BeamResult {
  const d = Seq2seqDecoder.create({ spec: w.spec, rows: plan.beamWidth, sourceLength: source.length });
  try {
    d.params().set(w.params);
    switch (plan.method) {
      case 'greedy': return { hypotheses: d.greedy(source, plan.maxLength, plan.trace) };
      case 'beam': return d.beamSearch(source, { maxLength: plan.maxLength, alpha: plan.lengthPenalty, trace: plan.trace });
      case 'sample': return { hypotheses: d.sample(source, { maxLength: plan.maxLength, temperature: plan.temperature, rng, trace: plan.trace }) };
    }
  } finally {
    d.dispose();
  }
}

/** One side's vocabulary as the run's data built it; the ids must come out as they were saved. */
function vocabularyOf(side: PairSide, which: string, runId: string): PairVocabulary {
  const v = pairVocabulary(side.level, side.lowercase, side.tokens);
  if (v.tokens.length !== side.tokens.length || v.tokens.some((t, i) => t !== side.tokens[i])) {
    throw new RequestError('unsupported', `Run ${runId}'s ${which} vocabulary was saved in an order this version does not rebuild; train the config again.`);
  }
  return v;
}

function namedStep(st: TracedStep, name: (id: number) => string): DecodingStep {
  return { candidates: st.candidates.map((c) => ({ token: name(c.id), logProb: c.logProb })), taken: { token: name(st.taken.id), logProb: st.taken.logProb, rank: st.taken.rank } };
}

function namedNode(n: TraceNode, id: number, name: (id: number) => string): BeamNode {
  return { id, parent: n.parent, depth: n.depth, token: n.parent < 0 ? '<s>' : name(n.token), tokenLogProb: n.tokenLogProb, rank: n.rank, logProb: n.logProb, score: n.score, status: n.status };
}
