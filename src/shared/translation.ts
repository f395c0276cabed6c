// What `seqlab translate` and the engine's `translate` request (protocol.ts) are asked for and answer: an
// encoder–decoder run's outputs for source texts, by greedy decoding, beam search or sampling, each
// hypothesis with its log-probability and, on request, its attention over the source tokens and the trace of
// its decoding: each step's most probable tokens and, for beam search, the tree of what the beam expanded.

export interface TranslateRequest {
  runsDir: string;
  /** Run id, a unique part of it, a run folder, or a config for its latest run (runReference.ts). */
  run: string;
  /** Source texts, one translation each. */
  sources: string[];
  /** Beam width; 1 = greedy decoding. Default: the run's decoding.beamWidth. */
  beam?: number;
  /** Hypotheses returned per source, best first; beam search widens its beam to at least this many. Default 1. */
  top?: number;
  /** Above 0: draw `top` outputs token by token from the distribution at this temperature instead of searching. */
  temperature?: number;
  /** Seed of the sampling. */
  seed?: number;
  /** Most decoder steps; default the run's decoding.maxLength (0 there: twice its longest training target). */
  maxLength?: number;
  /** `last`: the final weights (the latest checkpoint while unfinished); `best`: the lowest validation loss. */
  weights?: 'last' | 'best';
  /** Return each hypothesis's attention rows (one per emitted token, over the source tokens). */
  attention?: boolean;
  /**
   * Trace the decoding with this many candidates per step (1–64): each hypothesis's `steps`, and for beam
   * search each translation's `beamTree`. Absent: nothing is recorded (and nothing costs).
   */
  trace?: number;
}

export interface TranslateResult {
  runId: string;
  /** The training step of the weights used. */
  step: number;
  decoding: { method: 'greedy' | 'beam' | 'sample'; beamWidth: number; lengthPenalty: number; maxLength: number; temperature?: number };
  translations: Translation[];
}

export interface Translation {
  source: string;
  /** The source as the encoder reads it, cut into the vocabulary's tokens. */
  sourceTokens: string[];
  /** Source tokens outside the vocabulary, read as <unk>. */
  unknown: string[];
  /** Best first: by score (beam search), or by log-probability (samples). */
  hypotheses: Hypothesis[];
  /**
   * With `trace` K, beam search: every hypothesis the beam expanded, parents before children, node 0 the
   * root. At each step each live hypothesis gets its K most probable extensions as nodes, and every
   * extension the beam took (kept or finished) besides. A hypothesis's `node` leads back to the root.
   */
  beamTree?: BeamNode[];
}

/** One decoder step of a hypothesis (with `trace` K). */
export interface DecodingStep {
  /** The K most probable next tokens (never <pad>), most probable first (ties: lower id first), with log p(token | source, prefix). */
  candidates: TokenLogProb[];
  /** The token the hypothesis took (</s> ends it), its log-probability and its rank among all tokens (0 = most probable; greedy decoding's is 0). */
  taken: TokenLogProb & { rank: number };
}

export interface TokenLogProb { token: string; logProb: number }

/** A node of the beam's tree: a prefix the beam looked at. */
export interface BeamNode {
  /** Its index in `beamTree`. */
  id: number;
  /** The node it extends by one token; -1 for the root. */
  parent: number;
  /** Tokens from the root: 0 for the root (<s>, nothing emitted), t + 1 for a token emitted at decoder step t. */
  depth: number;
  /** The token it adds to its parent's prefix ('<s>' for the root). */
  token: string;
  /** log p(token | source, parent's prefix). */
  tokenLogProb: number;
  /** The token's rank among the parent's extensions (0 = most probable). */
  rank: number;
  /** Cumulative: the parent's logProb + tokenLogProb (0 for the root). */
  logProb: number;
  /** What the beam ranks by: logProb / ((5 + depth) / 6)^lengthPenalty (depth counts </s>). */
  score: number;
  /** kept: a live hypothesis after its step; finished: ended with </s> and taken among the results; pruned: fell out of the beam. */
  status: 'kept' | 'finished' | 'pruned';
}

export interface Hypothesis {
  text: string;
  tokens: string[];
  /** Natural log of the probability of the tokens (and </s> when finished) given the source. */
  logProb: number;
  /** What beam search ranks by: logProb / ((5 + length) / 6)^lengthPenalty. */
  score: number;
  /** Ended with </s> within maxLength. */
  finished: boolean;
  /** With `attention`: [emitted tokens (</s> included when finished)][source tokens]. */
  attention?: number[][];
  /**
   * With `trace`: one step per emitted token (</s> included when finished). The taken tokens are `tokens` (and
   * </s>; an emitted <s>, which `tokens` leaves out, too); their log-probabilities, summed in order, are `logProb`.
   */
  steps?: DecodingStep[];
  /** With `trace`, beam search: the hypothesis's last node in the translation's `beamTree`. */
  node?: number;
}
