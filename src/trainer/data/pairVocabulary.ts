// One side's tokens of a pairs dataset: how its text is cut (char or word level) and the id of each token.
//
// Ids 0–3 are the specials of both sides: <pad> 0 (so a zero-filled batch is all padding),
// <s> 1 (the decoder's first input), </s> 2 (the decoder's last target), <unk> 3 (a token the
// training pairs do not hold). The rest follow in code-point order (char) or string order (word), as
// the text kind orders its vocabulary (text.ts). The source side carries <s> and </s> too: one
// layout for both sides, and ids that mean the same on both.
//
// Tokens. Text is NFC-normalised (an "é" typed as e + accent is the same token as the composed one)
// and, with `lowercase`, lower-cased. char: one token per code point, spaces included (as in the
// Keras character-level translation example). word: text.ts's WORD_TOKEN, runs of letters, marks and
// digits with inner apostrophes kept ("don't", "l'homme") and every other non-space character a
// token of its own, so "Hello, world!" is [Hello , world !]: the punctuation split of the Keras and
// PyTorch translation tutorials (which pad ?.!, with spaces and split on spaces). Space-separated
// phonemes "HH AH0 L OW1" are four word tokens.

import type { PairLevel } from '../../shared/pairsConfig';
import { joinWords, tokenizeWords, UNK } from './text';

export const PAD = '<pad>';
export const BOS = '<s>';
export const EOS = '</s>';
export const PAD_ID = 0;
export const BOS_ID = 1;
export const EOS_ID = 2;
export const PAIR_UNK_ID = 3;
export const PAIR_SPECIALS: readonly string[] = [PAD, BOS, EOS, UNK];

export interface PairVocabulary {
  level: PairLevel;
  lowercase: boolean;
  /** Token strings, index = id; the four specials first. */
  tokens: readonly string[];
  size: number;
  /** The tokens of `text` as this side cuts them (before they become ids). */
  tokenize(text: string): string[];
  /** Token ids of `text`, no <s> or </s> added; a token outside the vocabulary → <unk>. */
  encode(text: string): Int32Array;
  /** Id of one token, or <unk>. */
  idOf(token: string): number;
  /** The tokens of `ids` up to the first </s>, <pad> and <s> left out (what metrics compare). */
  tokensOf(ids: ArrayLike<number>): string[];
  /** Display text of `ids` up to the first </s>: chars joined, words spaced (no space before punctuation). */
  decode(ids: ArrayLike<number>): string;
}

/** The tokens of one side's text: NFC, optionally lower-cased, then cut at `level`. */
export function tokenizePairText(text: string, level: PairLevel, lowercase: boolean): string[] {
  const normal = text.normalize('NFC');
  if (level === 'word') return tokenizeWords(normal, lowercase);
  return Array.from(lowercase ? normal.toLowerCase() : normal);
}

/** A vocabulary of the specials followed by `tokens` (deduplicated and sorted here; specials among them are dropped). */
export function pairVocabulary(level: PairLevel, lowercase: boolean, tokens: Iterable<string>): PairVocabulary {
  const specials = new Set(PAIR_SPECIALS);
  const distinct = [...new Set(tokens)].filter((t) => !specials.has(t));
  const sorted = level === 'char'
    ? distinct.sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!)
    : distinct.sort();
  const all = [...PAIR_SPECIALS, ...sorted];
  const ids = new Map(all.map((token, id) => [token, id]));
  const idOf = (token: string) => ids.get(token) ?? PAIR_UNK_ID;
  const tokenize = (text: string) => tokenizePairText(text, level, lowercase);
  const tokensOf = (tokenIds: ArrayLike<number>): string[] => {
    const out: string[] = [];
    for (let i = 0; i < tokenIds.length; i++) {
      const id = tokenIds[i];
      if (id === EOS_ID) break;
      if (id === PAD_ID || id === BOS_ID) continue;
      out.push(all[id] ?? UNK);
    }
    return out;
  };
  return {
    level,
    lowercase,
    tokens: all,
    size: all.length,
    tokenize,
    encode: (text) => Int32Array.from(tokenize(text), idOf),
    idOf,
    tokensOf,
    decode(tokenIds) {
      const parts = tokensOf(tokenIds);
      // As text.ts shows an unknown character: the replacement character, not five letters.
      return level === 'char' ? parts.map((t) => (t === UNK ? '\uFFFD' : t)).join('') : joinWords(parts);
    },
  };
}
