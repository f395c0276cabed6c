// seqlab-decode.js: greedy decoding with an exported encoder–decoder (seq2seqTfjsExport.ts) in TensorFlow.js.
// It reads everything it needs from the models' metadata (seq2seqTfjsFormat.ts): how text becomes source
// ids, which tensors make the decoder's state, the target vocabulary, <s>, </s> and the length limit.
// The tokenizer and the joining of target words repeat pairVocabulary.ts's for a page that has no SeqLab;
// test/unit/exportSeq2seq.test.ts holds the two to the same results.
//
// Plain JavaScript kept as text, like gruCellScript.ts: the export tests decode with this same text.

import type * as TF from '@tensorflow/tfjs';
import type { Tf } from '../backends/tfjs/tfjsRuntime';
import { SEQ2SEQ_TFJS_FILES } from './seq2seqTfjsFormat';

export const SEQ2SEQ_DECODE_SCRIPT = String.raw`// Greedy decoding with a SeqLab encoder–decoder exported for TensorFlow.js (${SEQ2SEQ_TFJS_FILES.encoder} + ${SEQ2SEQ_TFJS_FILES.decoder}).
// In a page, after TensorFlow.js (and seqlab-gru.js for a GRU model): <script src="seqlab-decode.js"></script>, then
//   const translator = await seqlabDecode.load();            // or load('https://host/folder/')
//   const [out] = await translator.greedy(['some text']);    // out.text, out.tokens, out.attention, out.steps
// In Node: require('./seqlab-decode.js')(tf).translator(encoder, decoder) with models you loaded.
// The encoder runs once per batch of sources; the decoder runs once per target token, fed the token it chose last.
(function (root, define) {
  if (typeof module === 'object' && module.exports) module.exports = define;
  else root.seqlabDecode = define(root.tf);
})(this, function (tf) {
  'use strict';

  function tokenize(side, text) {
    let s = String(text).normalize('NFC');
    if (side.tokenizer.lowercase) s = s.toLowerCase();
    const tokens = side.tokenizer.level === 'word' ? (s.match(new RegExp(side.tokenizer.pattern, 'gu')) || []) : Array.from(s);
    return side.reverseText ? tokens.reverse() : tokens;
  }

  // char: as they are (<unk> shown as U+FFFD); word: a space between words, none before closing or after opening punctuation
  function join(side, tokens) {
    if (side.tokenizer.level === 'char') return tokens.map(function (t) { return t === '<unk>' ? '\uFFFD' : t; }).join('');
    let out = '', glue = false;
    for (const t of tokens) {
      if (out !== '' && !glue && !/^[.,;:!?%)\]}»”’]$/.test(t)) out += ' ';
      out += t;
      glue = /^[(\[{«“]$/.test(t);
    }
    return out;
  }

  function translator(encoder, decoder) {
    const meta = encoder.getUserDefinedMetadata();
    if (!meta || meta.format !== 'seqlab-tfjs-seq2seq') throw new Error('seqlab-decode.js: this is not the encoder of a SeqLab encoder–decoder export');
    const source = meta.source, target = meta.target;
    const sourceIndex = new Map(source.vocabulary.map(function (t, i) { return [t, i]; }));

    /** Source token ids of a text (a token outside the vocabulary becomes <unk>). */
    function sourceIds(text) {
      return tokenize(source, text).map(function (t) { return sourceIndex.has(t) ? sourceIndex.get(t) : source.unknownId; });
    }

    function named(names, out) {
      const list = Array.isArray(out) ? out : [out];
      const byName = {};
      names.forEach(function (n, i) { byName[n] = list[i]; });
      return byName;
    }

    /**
     * Greedy decoding of each source (a text, or an array of source ids): the most probable token at each step
     * until </s> or maxLength steps. One result per source: { text, tokens, ids, logProb, finished, source
     * (its tokens), attention ([step][source position], empty without attention), steps ([{ probabilities }]) }.
     */
    async function greedy(sources, options) {
      const maxLength = (options && options.maxLength) || target.maxLength;
      const rows = sources.map(function (s) { return typeof s === 'string' ? sourceIds(s) : Array.from(s); });
      rows.forEach(function (r, b) { if (r.length === 0) throw new Error('source ' + b + ' has no tokens'); });
      const B = rows.length, S = Math.max.apply(null, rows.map(function (r) { return r.length; }));
      const ids = new Int32Array(B * S);   // padded with <pad> = 0, which the encoder masks
      rows.forEach(function (r, b) { ids.set(r, b * S); });
      const sourceTensor = tf.tensor2d(ids, [B, S], 'int32');
      const held = named(meta.encoder.outputs, encoder.predict(sourceTensor));
      sourceTensor.dispose();
      const V = target.vocabulary.length;
      const results = rows.map(function (r) {
        return { text: '', tokens: [], ids: [], logProb: 0, finished: false, source: r.map(function (id) { return source.vocabulary[id]; }), attention: [], steps: [] };
      });
      const tokens = new Int32Array(B).fill(target.bosId);
      try {
        for (let t = 0; t < maxLength && results.some(function (x) { return !x.finished; }); t++) {
          const token = tf.tensor2d(tokens, [B, 1], 'int32');
          const inputs = meta.decoder.inputs.map(function (n) { return n === 'token' ? token : held[n]; });
          const out = named(meta.decoder.outputs, decoder.predict(inputs));
          token.dispose();
          const p = await out.probabilities.data();
          const a = out.attention ? await out.attention.data() : null;
          for (let b = 0; b < B; b++) {
            const x = results[b];
            if (x.finished) continue;
            const row = p.slice(b * V, (b + 1) * V);
            // <pad> (id 0) is never a candidate, as in SeqLab's own decoding
            let best = 1;
            for (let v = 2; v < V; v++) if (row[v] > row[best]) best = v;
            x.logProb += Math.log(row[best]);
            x.steps.push({ probabilities: row });
            if (a) x.attention.push(Array.from(a.slice(b * S, b * S + rows[b].length)));
            if (best === target.eosId) x.finished = true;
            else x.ids.push(best);
            tokens[b] = best;
          }
          out.probabilities.dispose();
          if (out.attention) out.attention.dispose();
          for (const n of meta.state) {
            held[n].dispose();
            held[n] = out[n + '_next'];
          }
        }
      } finally {
        for (const n of Object.keys(held)) held[n].dispose();
      }
      for (const x of results) {
        x.tokens = x.ids.map(function (id) { return target.vocabulary[id]; });
        x.text = join(target, x.tokens);
      }
      return results;
    }

    return { meta: meta, encoder: encoder, decoder: decoder, sourceIds: sourceIds, greedy: greedy };
  }

  /** Loads both models from a folder URL ('' = the page's own folder) and returns their translator. */
  async function load(base) {
    const prefix = base ? (base.endsWith('/') ? base : base + '/') : '';
    const models = await Promise.all([tf.loadLayersModel(prefix + '${SEQ2SEQ_TFJS_FILES.encoder}'), tf.loadLayersModel(prefix + '${SEQ2SEQ_TFJS_FILES.decoder}')]);
    return translator(models[0], models[1]);
  }

  return { load: load, translator: translator, tokenize: tokenize, join: join };
});
`;

export interface DecodedText {
  text: string;
  tokens: string[];
  ids: number[];
  logProb: number;
  finished: boolean;
  source: string[];
  attention: number[][];
  steps: { probabilities: Float32Array }[];
}

export interface Seq2seqTranslator {
  meta: unknown;
  sourceIds(text: string): number[];
  greedy(sources: (string | ArrayLike<number>)[], options?: { maxLength?: number }): Promise<DecodedText[]>;
}

export interface Seq2seqDecodeModule {
  load(base?: string): Promise<Seq2seqTranslator>;
  translator(encoder: TF.LayersModel, decoder: TF.LayersModel): Seq2seqTranslator;
  tokenize(side: { tokenizer: object; reverseText?: boolean }, text: string): string[];
  join(side: { tokenizer: object }, tokens: string[]): string;
}

/** Evaluates SEQ2SEQ_DECODE_SCRIPT as Node would require it. */
export function defineSeq2seqDecode(tf: Tf): Seq2seqDecodeModule {
  const module: { exports: unknown } = { exports: {} };
  new Function('module', SEQ2SEQ_DECODE_SCRIPT)(module);
  return (module.exports as (tf: Tf) => Seq2seqDecodeModule)(tf);
}
