// Simple features of the input at every timestep, to correlate units with (unitFinder.ts), after the
// quote, bracket and line-length cells Karpathy, Johnson & Fei-Fei (2015) found in a char LSTM.
//
// Text: each token's characters run through a small reader, and a feature's value at t is the reader's
// state after token t, what a unit can know once it has read the token: the opening quote is inside the
// quotes, the closing one is not. Character classes are of the token's last character. The word-end
// feature looks ahead (how many characters of the word are still to come): a unit that tracks it
// anticipates. Word-level tokens are read with a space before each (the loader dropped the whitespace), so
// there every token is a word of its own and the line features are constant: they rank nothing.
//
// CSV: each input feature at the row, the target at the row, and the target `horizon` rows later (what
// the model forecasts from a window ending at the row); NaN where the slice does not reach.

/** One value per timestep; NaN where the feature is not defined. */
export interface Feature {
  name: string;
  description: string;
  values: Float32Array;
}

const VOWELS = new Set('aeiouyAEIOUY');
const LETTER = /\p{L}/u;
const WORD_CHAR = /[\p{L}\p{M}\p{N}]/u;
const SPACE = /\s/u;
const OPENING = new Set('([{');
const CLOSING = new Set(')]}');

const TEXT_FEATURES: [string, string][] = [
  ['inQuotes', 'inside double quotes (straight " toggles; “ opens, ” closes)'],
  ['inBrackets', 'inside (), [] or {}'],
  ['bracketDepth', 'nesting depth of (), [] and {}'],
  ['linePosition', 'characters since the last newline'],
  ['afterNewline', 'the previous character is a newline'],
  ['vowel', 'a vowel (a e i o u y, either case, accents ignored)'],
  ['consonant', 'a letter that is not a vowel'],
  ['space', 'whitespace, newlines included'],
  ['other', 'neither a letter nor whitespace: digits, punctuation, symbols'],
  ['wordLengthSoFar', 'characters of the current word read so far (0 outside words)'],
  ['charsLeftInWord', 'characters of the current word still to come (looks ahead; 0 outside words)'],
];

export function textFeatures(tokens: readonly string[], level: 'char' | 'word' = 'char'): Feature[] {
  const T = tokens.length;
  const v = Object.fromEntries(TEXT_FEATURES.map(([name]) => [name, new Float32Array(T)])) as Record<string, Float32Array>;
  // token t continues a word that was running before it (for the look-ahead feature below)
  const continues = new Uint8Array(T);
  let inQuotes = false, depth = 0, column = 0, wordLength = 0, previous = '';
  tokens.forEach((token, t) => {
    const chars = Array.from(level === 'word' && t > 0 ? ' ' + token : token);
    const afterNewline = previous === '\n';
    const runningBefore = wordLength > 0;
    chars.forEach((ch, i) => {
      if (ch === '"') inQuotes = !inQuotes;
      else if (ch === '“') inQuotes = true;
      else if (ch === '”') inQuotes = false;
      if (OPENING.has(ch)) depth++;
      else if (CLOSING.has(ch)) depth = Math.max(0, depth - 1);
      column = ch === '\n' ? 0 : column + 1;
      wordLength = WORD_CHAR.test(ch) || (wordLength > 0 && isInnerApostrophe(ch)) ? wordLength + 1 : 0;
      previous = ch;
      if (i === 0) continues[t] = runningBefore && wordLength > 1 ? 1 : 0;
    });
    const last = chars[chars.length - 1] ?? '';
    v.inQuotes[t] = inQuotes ? 1 : 0;
    v.inBrackets[t] = depth > 0 ? 1 : 0;
    v.bracketDepth[t] = depth;
    v.linePosition[t] = column;
    v.afterNewline[t] = afterNewline ? 1 : 0;
    const letter = LETTER.test(last);
    const vowel = letter && VOWELS.has(last.normalize('NFD')[0]);
    v.vowel[t] = vowel ? 1 : 0;
    v.consonant[t] = letter && !vowel ? 1 : 0;
    v.space[t] = SPACE.test(last) ? 1 : 0;
    v.other[t] = !letter && !SPACE.test(last) ? 1 : 0;
    v.wordLengthSoFar[t] = wordLength;
  });
  // characters still to come in the word: from the end backwards, `ahead` counts the characters of the
  // tokens after t that continue t's word
  let ahead = 0;
  for (let t = T - 1; t >= 0; t--) {
    v.charsLeftInWord[t] = v.wordLengthSoFar[t] > 0 ? ahead : 0;
    ahead = continues[t] ? ahead + Array.from(tokens[t]).length : 0;
  }
  return TEXT_FEATURES.map(([name, description]) => ({ name, description, values: v[name] }));
}

/** An apostrophe after a word character stays in the word, as the word tokenizer keeps "don't" whole
 *  (a trailing one, "dogs'", counts too: the look-ahead would be needed to tell them apart). */
const isInnerApostrophe = (ch: string): boolean => ch === "'" || ch === '’';

export interface CsvColumns {
  /** z-scored input features, [T, F] (correlation does not care about the scaling). */
  rows: Float32Array;
  featureNames: readonly string[];
  /** Per target: its value at each row, and its value `horizon` rows later; NaN where unknown. */
  targets: readonly { name: string; atRow: Float32Array; ahead: Float32Array }[];
  horizon: number;
}

export function csvFeatures(c: CsvColumns): Feature[] {
  const F = c.featureNames.length, T = c.rows.length / F;
  const inputs = c.featureNames.map((name, f) => ({
    name,
    description: `input feature ${name} at the row`,
    values: Float32Array.from({ length: T }, (_, t) => c.rows[t * F + f]),
  }));
  const targets = c.targets.flatMap((target) => [
    { name: `target ${target.name}`, description: `target ${target.name} at the row`, values: target.atRow },
    { name: `target ${target.name} +${c.horizon}`, description: `target ${target.name} ${c.horizon} row(s) later: what the model forecasts from the row`, values: target.ahead },
  ]);
  return [...inputs, ...targets];
}
