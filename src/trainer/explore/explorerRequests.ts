// The engine's answers to the explorer's requests (explorerProtocol.ts): one function per kind, and
// `handleExplorerRequest`, which the trainer child calls with a request and an abort signal. States come
// from the run's saved weights on the wasm kernels (states.ts), so this works on finished runs and,
// between its checkpoints, on a live one. The last validation stream and the last searched states are
// kept, keyed by the weights' step, so a match after a match does not recompute the search range.

import type {
  EmbeddingRequest, EmbeddingResult, ExplorerInput, ExplorerRequest, ExplorerResult, LayerStates, MatchRequest, MatchResult,
  NeighboursRequest, NeighboursResult, StatesRequest, StatesResult, UnitFeaturesRequest, UnitFeaturesResult,
} from '../../shared/explorerProtocol';
import { assertNever } from '../../shared/protocol';
import { patternOf } from '../../shared/unitPattern';
import { paramLayout } from '../model';
import { nearestByCosine, pca2, searchTokens, umap2 } from './embedding';
import { ExplorerError, throwIfAborted } from './explorerError';
import { textFeatures } from './features';
import { findMatches } from './match';
import { loadRunWeights, type RunWeights } from './runWeights';
import { computeStates } from './states';
import { encodeText } from './textTokens';
import { rankUnits, type UnitMatrix } from './unitFinder';
import { type StreamSlice, validationStream, type ValidationStream } from './validationStream';

/** Longest input one request computes states for: 50 000 steps of a 2 × 256 LSTM with gates is ~1 GB. */
export const MAX_STEPS = 50_000;
/** What a match searches when the request names no range. */
export const DEFAULT_SEARCH = 20_000;

export async function handleExplorerRequest(request: ExplorerRequest, signal?: AbortSignal): Promise<ExplorerResult> {
  switch (request.kind) {
    case 'states': return { kind: 'states', result: await explorer.states(request.request, signal) };
    case 'unitFeatures': return { kind: 'unitFeatures', result: await explorer.unitFeatures(request.request, signal) };
    case 'match': return { kind: 'match', result: await explorer.match(request.request, signal) };
    case 'embedding': return { kind: 'embedding', result: await explorer.embedding(request.request, signal) };
    case 'neighbours': return { kind: 'neighbours', result: await explorer.neighbours(request.request) };
    default: return assertNever(request, 'explorer request');
  }
}

/** The explorer's answers, with what is worth keeping between two requests of one view. */
export class Explorer {
  private stream?: { key: string; stream: ValidationStream };
  private searched?: { key: string; slice: StreamSlice; layers: LayerStates[] };

  async states(r: StatesRequest, signal?: AbortSignal): Promise<StatesResult> {
    const run = await loadRunWeights(r.runDir, r.weights);
    const input = this.sequence(run, r.input);
    const layers = await computeStates(run.saved.spec, run.params, input.x, { gates: r.gates ?? true, signal });
    const { spec } = run.saved;
    return { weights: run.used, cell: spec.cell, hiddenSize: spec.hiddenSize, gateNames: run.meta.info.gateNames, layers, tokens: input.tokens, offsets: input.offsets, unknown: input.unknown };
  }

  async unitFeatures(r: UnitFeaturesRequest, signal?: AbortSignal): Promise<UnitFeaturesResult> {
    const run = await loadRunWeights(r.runDir, r.weights);
    const input = this.sequence(run, r.input);
    const layers = await computeStates(run.saved.spec, run.params, input.x, { gates: false, signal });
    const level = run.saved.config.data.kind === 'text' ? run.saved.config.data.level : 'char';
    const features = input.features ?? textFeatures(input.tokens, level);
    const matrices: UnitMatrix[] = layers.flatMap((s, layer) => [
      { layer, state: 'h' as const, data: s.h, hiddenSize: run.saved.spec.hiddenSize },
      ...(s.c ? [{ layer, state: 'c' as const, data: s.c, hiddenSize: run.saved.spec.hiddenSize }] : []),
    ]);
    const ranked = rankUnits(matrices, features, { top: r.top ?? 5, minAbsR: r.minAbsR ?? 0 });
    return { weights: run.used, features: ranked, tokens: input.tokens, offsets: input.offsets, unknown: input.unknown };
  }

  async match(r: MatchRequest, signal?: AbortSignal): Promise<MatchResult> {
    const run = await loadRunWeights(r.runDir, r.weights);
    const { spec } = run.saved;
    const { layer, state = 'h' } = r.selection;
    if (!(Number.isInteger(layer) && layer >= 0 && layer < spec.layers)) throw new ExplorerError('badInput', `The model has layers 0..${spec.layers - 1}; there is no layer ${layer}.`);
    if (state === 'c' && spec.cell !== 'lstm') throw new ExplorerError('badInput', `A ${spec.cell.toUpperCase()} has no cell state c; match on h.`);
    const selected = this.sequence(run, r.selection.input);
    if (!(Number.isInteger(r.t0) && Number.isInteger(r.t1) && 0 <= r.t0 && r.t0 <= r.t1 && r.t1 < selected.tokens.length)) {
      throw new ExplorerError('badInput', `The selected range ${r.t0}..${r.t1} is not inside the input's timesteps 0..${selected.tokens.length - 1}.`);
    }
    const selectedStates = (await computeStates(spec, run.params, selected.x, { gates: false, signal }))[layer][state]!;
    const pattern = patternOf(selectedStates, spec.hiddenSize, r.t0, r.t1, r.threshold, r.offBefore ?? false);

    const stream = this.validation(run);
    const range = r.search ?? { start: 0, length: Math.min(DEFAULT_SEARCH, stream.length) };
    const searched = await this.searchStates(run, range, signal);
    // the selection itself is no match when it was made in the searched range
    const sel = 'validationSlice' in r.selection.input ? r.selection.input.validationSlice.start : undefined;
    const exclude = sel === undefined ? undefined : { from: sel + r.t0 - range.start, to: sel + r.t1 - range.start };
    const found = findMatches(searched.layers[layer][state]!, spec.hiddenSize, pattern, {
      threshold: r.threshold, offBefore: r.offBefore ?? false, limit: r.limit ?? 50, ...(exclude && { exclude }),
    });
    const context = r.context ?? 10;
    const matches = found.map((m) => {
      const from = Math.max(0, m.start - context), to = Math.min(searched.slice.tokens.length, m.start + pattern.length + context);
      return { ...m, start: range.start + m.start, tokens: searched.slice.tokens.slice(from, to), matchFrom: m.start - from };
    });
    return { weights: run.used, pattern: pattern.units, length: pattern.length, searched: range, matches };
  }

  async embedding(r: EmbeddingRequest, signal?: AbortSignal): Promise<EmbeddingResult> {
    const run = await loadRunWeights(r.runDir, r.weights);
    const { E, V, dim, tokens } = embeddingOf(run);
    if (r.method === 'pca') return { weights: run.used, method: 'pca', tokens, ...pca2(E, V, dim) };
    if (V < 3) throw new ExplorerError('unsupported', `UMAP needs at least 3 tokens; this vocabulary has ${V}. Use PCA.`);
    const map = await umap2(E, V, dim, { seed: r.seed ?? 42, neighbours: r.neighbours ?? 15, signal });
    throwIfAborted(signal);
    return { weights: run.used, method: 'umap', tokens, ...map };
  }

  async neighbours(r: NeighboursRequest): Promise<NeighboursResult> {
    const run = await loadRunWeights(r.runDir, r.weights);
    const { E, V, dim, tokens } = embeddingOf(run);
    const found = searchTokens(tokens, r.token);
    if (found.length === 0) throw new ExplorerError('badInput', `No token ${JSON.stringify(r.token)} in the vocabulary of ${V} tokens.`);
    const id = found[0];
    const neighbours = nearestByCosine(E, V, dim, id, r.k ?? 10).map((n) => ({ ...n, token: tokens[n.id] }));
    return { weights: run.used, id, token: tokens[id], neighbours };
  }

  /** The timesteps an input names, as the run's model reads them. */
  private sequence(run: RunWeights, input: ExplorerInput): StreamSlice {
    if ('text' in input) {
      const { config, vocabulary, spec } = run.saved;
      if (config.data.kind !== 'text' || !vocabulary || spec.input !== 'tokens') {
        const reads = config.data.kind === 'csv' ? 'rows of a CSV file' : config.data.kind === 'synthetic' ? `the synthetic task ${config.data.task}` : 'no text';
        throw new ExplorerError('unsupported', `Run ${run.meta.info.id} reads ${reads}, not text: explore a slice of its validation data instead.`);
      }
      if (input.text.length === 0) throw new ExplorerError('badInput', 'The text is empty: type some text to explore.');
      const encoded = encodeText(input.text, vocabulary, config.data.level, config.data.lowercase);
      if (encoded.ids.length === 0) throw new ExplorerError('badInput', 'The text holds no tokens this word-level model reads (only whitespace).');
      checkLength(encoded.ids.length);
      return { x: encoded.ids, tokens: encoded.tokens, offsets: encoded.offsets, unknown: encoded.unknown };
    }
    const { start, length } = input.validationSlice;
    const stream = this.validation(run);
    if (!(Number.isInteger(start) && Number.isInteger(length) && start >= 0 && length >= 1 && start + length <= stream.length)) {
      throw new ExplorerError('badInput', `The slice ${start}..${start + length - 1} is not inside the validation data's ${stream.length} timesteps (0..${stream.length - 1}).`);
    }
    checkLength(length);
    return stream.slice(start, length);
  }

  private validation(run: RunWeights): ValidationStream {
    // what the stream depends on: the run (its config and saved encoding do not change)
    const key = run.runDir;
    if (this.stream?.key !== key) this.stream = { key, stream: validationStream(run) };
    return this.stream.stream;
  }

  private async searchStates(run: RunWeights, range: { start: number; length: number }, signal?: AbortSignal): Promise<{ slice: StreamSlice; layers: LayerStates[] }> {
    const key = `${run.runDir}\n${run.used.kind}@${run.used.step}\n${range.start}+${range.length}`;
    if (this.searched?.key !== key) {
      const slice = this.sequence(run, { validationSlice: range });
      this.searched = { key, slice, layers: await computeStates(run.saved.spec, run.params, slice.x, { gates: false, signal }) };
    }
    return this.searched;
  }
}

const explorer = new Explorer();

function checkLength(steps: number): void {
  if (steps > MAX_STEPS) throw new ExplorerError('badInput', `${steps} timesteps is more than the explorer computes at once (${MAX_STEPS}); explore a shorter slice.`);
}

function embeddingOf(run: RunWeights): { E: Float32Array; V: number; dim: number; tokens: string[] } {
  const { spec, vocabulary } = run.saved;
  const layout = paramLayout(spec).find((p) => p.name === 'embedding');
  if (!layout) {
    throw new ExplorerError('unsupported', `Run ${run.meta.info.id} has no embedding: its model reads ${spec.inputSize} numeric features per step directly.`);
  }
  const [V, dim] = layout.shape;
  return { E: run.params.subarray(layout.offset, layout.offset + layout.size), V, dim, tokens: vocabulary ?? Array.from({ length: V }, (_, id) => String(id)) };
}
