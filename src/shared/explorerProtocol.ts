// The explorer's requests (issue 15, "explore what units do", after LSTMVis): the extension asks the engine
// child for the states of any text or of a slice of the validation data, the interpretable-unit ranking,
// LSTMVis's match and the embedding map, all from a run's saved weights. The trainer answers them in
// src/trainer/explore/explorerRequests.ts. Same shape as the engine's other requests (a map from kind to
// request and result), so the engine protocol can take these entries as they are.
// Typed arrays travel as such: Node IPC with 'advanced' serialization and webview postMessage both carry them.

import type { CellKind } from './config';

/** Which parameters of a run: the final ones (or the newest checkpoint's while it trains), the best
 *  validation loss's, or a kept checkpoint's. */
export type WeightsChoice = 'last' | 'best' | { checkpoint: number };

/** Any text (text runs), or tokens [start, start + length) of the validation stream: the validation
 *  windows of a text run one after another, or the validation rows of a CSV run. */
export type ExplorerInput = { text: string } | { validationSlice: { start: number; length: number } };

export interface RunWeightsRef {
  /** The run folder. */
  runDir: string;
  weights: WeightsChoice;
}

/** The weights that answered, so a view can say "states at step 1 500 (best)". */
export interface WeightsUsed {
  kind: 'final' | 'checkpoint' | 'best';
  step: number;
}

/** What of the input the model saw: one entry per timestep. */
export interface InputTokens {
  /** Display text of each token: the source characters or word (validation: the vocabulary's string;
   *  CSV: the row number in the validation part). */
  tokens: string[];
  /** Text input: UTF-16 offset of each token in the text. Validation slice: index in the validation stream. */
  offsets: Int32Array;
  /** Timesteps whose token is not in the run's vocabulary (fed as `<unk>`), and those tokens, distinct. */
  unknown: { positions: Int32Array; tokens: string[] };
}

export interface StatesRequest extends RunWeightsRef {
  input: ExplorerInput;
  /** Also return the gates (LSTM, GRU). Default true. */
  gates?: boolean;
}

/** One layer's states after each input token, row t = after token t. */
export interface LayerStates {
  /** [T, H] */
  h: Float32Array;
  /** LSTM cell state, [T, H]. */
  c?: Float32Array;
  /** Post-activation gates, [T, G·H] in `gateNames` order (LSTM i, f, g, o; GRU z, r, n). */
  gates?: Float32Array;
}

export interface StatesResult extends InputTokens {
  weights: WeightsUsed;
  cell: CellKind;
  hiddenSize: number;
  gateNames: string[];
  layers: LayerStates[];
}

/** Which state of which layer a unit is. */
export interface UnitRef {
  layer: number;
  state: 'h' | 'c';
  unit: number;
}

export interface UnitFeaturesRequest extends RunWeightsRef {
  input: ExplorerInput;
  /** Units listed per feature, best first. Default 5. */
  top?: number;
  /** Leave out units whose |r| is below this. Default 0. */
  minAbsR?: number;
}

export interface UnitCorrelation extends UnitRef {
  /** Pearson correlation of the unit with the feature over the positions where the feature is defined. */
  r: number;
}

export interface FeatureRanking {
  feature: string;
  description: string;
  /** Positions where the feature is defined (CSV targets are not at the ends of the slice). */
  positions: number;
  /** The feature does not vary over those positions: no unit correlates with it (units is empty). */
  constant: boolean;
  /** Best |r| first. */
  units: UnitCorrelation[];
}

export interface UnitFeaturesResult extends InputTokens {
  weights: WeightsUsed;
  features: FeatureRanking[];
}

export interface MatchRequest extends RunWeightsRef {
  /** Where the range was selected: the input whose states hold the pattern, and the state to read. */
  selection: { input: ExplorerInput; layer: number; state?: 'h' | 'c' };
  /** Selected timesteps t0..t1, both included. */
  t0: number;
  t1: number;
  /** A unit is on at t when its state is ≥ threshold. */
  threshold: number;
  /** Pattern units must also be off just before the range (LSTMVis's left boundary), here and in a match. */
  offBefore?: boolean;
  /** Validation stream range searched. Default: its first 20 000 tokens. */
  search?: { start: number; length: number };
  /** Matches returned, best first. Default 50. */
  limit?: number;
  /** Tokens of context on each side of a match. Default 10. */
  context?: number;
}

export interface MatchPosition {
  /** First timestep of the match in the validation stream; the match spans the selection's length. */
  start: number;
  /** patternOn − extraOn. */
  score: number;
  /** Pattern units on over the whole match. */
  patternOn: number;
  /** Units outside the pattern on over the whole match. */
  extraOn: number;
  /** The match with `context` tokens around it; the match is tokens[matchFrom, matchFrom + length). */
  tokens: string[];
  matchFrom: number;
}

export interface MatchResult {
  weights: WeightsUsed;
  /** Units of the selected layer and state that are on over the whole selection. */
  pattern: number[];
  length: number;
  searched: { start: number; length: number };
  matches: MatchPosition[];
}

export interface EmbeddingRequest extends RunWeightsRef {
  method: 'pca' | 'umap';
  /** UMAP's random seed; the same seed gives the same map. Default 42. */
  seed?: number;
  /** UMAP neighbourhood size. Default 15 (fewer when the vocabulary is small). */
  neighbours?: number;
}

export interface EmbeddingResult {
  weights: WeightsUsed;
  method: 'pca' | 'umap';
  /** Token of each row of the embedding matrix (the vocabulary, `<unk>` first). */
  tokens: string[];
  /** [V, 2] */
  points: Float32Array;
  /** PCA: fraction of the variance along each axis. */
  explained?: [number, number];
}

export interface NeighboursRequest extends RunWeightsRef {
  /** A token as written (exact, then case-insensitive). */
  token: string;
  /** Default 10. */
  k?: number;
}

export interface Neighbour {
  id: number;
  token: string;
  /** Cosine similarity of the embedding rows. */
  similarity: number;
}

export interface NeighboursResult {
  weights: WeightsUsed;
  id: number;
  token: string;
  neighbours: Neighbour[];
}

export interface ExplorerRequests {
  states: { request: StatesRequest; result: StatesResult };
  unitFeatures: { request: UnitFeaturesRequest; result: UnitFeaturesResult };
  match: { request: MatchRequest; result: MatchResult };
  embedding: { request: EmbeddingRequest; result: EmbeddingResult };
  neighbours: { request: NeighboursRequest; result: NeighboursResult };
}
export type ExplorerRequestKind = keyof ExplorerRequests;
export type ExplorerRequest = { [K in ExplorerRequestKind]: { kind: K; request: ExplorerRequests[K]['request'] } }[ExplorerRequestKind];
export type ExplorerResult = { [K in ExplorerRequestKind]: { kind: K; result: ExplorerRequests[K]['result'] } }[ExplorerRequestKind];

/** Why an explorer request failed (the names of the engine protocol's request problems, plus `cancelled`). */
export type ExplorerProblem = 'notFound' | 'noWeights' | 'unsupported' | 'badInput' | 'cancelled';
