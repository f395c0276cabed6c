// What `seqlab translate` and the engine's `translate` request (protocol.ts) are asked for and answer: an
// encoder–decoder run's outputs for source texts, by greedy decoding, beam search or sampling, each
// hypothesis with its log-probability and, on request, its attention over the source tokens.

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
}
