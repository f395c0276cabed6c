// Any text as a run's model reads it, with where each token stands in the text: the same tokens and ids as
// the text loader's `encode` (data/text.ts: code points after "\r\n" and "\r" become "\n"; or word tokens,
// lower-cased when the run's config says so), taken from the vocabulary saved with the weights, so it
// works when the corpus has changed or is gone. Tokens outside the vocabulary become `<unk>` and are listed.

import { UNK_ID, WORD_TOKEN } from '../data';

export interface EncodedText {
  ids: Int32Array;
  /** The source text of each token (a "\r\n" reads as "\n"; word tokens as the model saw them). */
  tokens: string[];
  /** UTF-16 offset of each token in the text. */
  offsets: Int32Array;
  unknown: { positions: Int32Array; tokens: string[] };
}

export function encodeText(text: string, vocabulary: readonly string[], level: 'char' | 'word', lowercase: boolean): EncodedText {
  const pieces = level === 'char' ? charPieces(text) : wordPieces(text, lowercase);
  const idOf = new Map(vocabulary.map((token, id) => [token, id]));
  const ids = new Int32Array(pieces.length);
  const unknownAt: number[] = [];
  const unknownTokens = new Set<string>();
  pieces.forEach((p, t) => {
    const id = idOf.get(p.token);
    // `<unk>` itself is no token of a text: a literal "<unk>" word reads as unknown too
    if (id === undefined || id === UNK_ID) {
      unknownAt.push(t);
      unknownTokens.add(p.token);
    }
    ids[t] = id ?? UNK_ID;
  });
  return {
    ids,
    tokens: pieces.map((p) => p.token),
    offsets: Int32Array.from(pieces, (p) => p.offset),
    unknown: { positions: Int32Array.from(unknownAt), tokens: [...unknownTokens] },
  };
}

interface Piece {
  token: string;
  offset: number;
}

function charPieces(text: string): Piece[] {
  const out: Piece[] = [];
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i)!;
    if (cp === 0x0d) {
      out.push({ token: '\n', offset: i });
      i += text[i + 1] === '\n' ? 2 : 1;
      continue;
    }
    out.push({ token: String.fromCodePoint(cp), offset: i });
    i += cp > 0xffff ? 2 : 1;
  }
  return out;
}

// Matched on the text as written (so offsets stay the text's), then lower-cased: lower-casing keeps letters
// letters, so it cuts the same tokens as the loader's lower-case-then-split.
function wordPieces(text: string, lowercase: boolean): Piece[] {
  return Array.from(text.matchAll(new RegExp(WORD_TOKEN.source, WORD_TOKEN.flags)), (m) => ({
    token: lowercase ? m[0].toLowerCase() : m[0],
    offset: m.index!,
  }));
}
