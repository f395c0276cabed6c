// What SeqLab: Translate… shows of the engine's answer (translation.ts's TranslateResult): one line for the
// notification, and a section of the output channel with every hypothesis, its log-probability and
// probability, the source's tokens and what of it the vocabulary does not know. Pure.

import type { Hypothesis, TranslateResult, Translation } from '../../shared/translation';

/** The most hypotheses Translate asks for: beam search widens its beam to at least this many. */
export const TRANSLATE_TOP = 5;
/** A translation that takes longer has hung: its child is killed and the user told. */
export const TRANSLATE_TIMEOUT_MS = 120_000;

const quote = (s: string): string => JSON.stringify(s);

function decodingWords(r: TranslateResult): string {
  const d = r.decoding;
  switch (d.method) {
    case 'greedy':
      return `greedy decoding, at most ${d.maxLength} tokens`;
    case 'beam':
      return `beam search, width ${d.beamWidth}, length penalty ${d.lengthPenalty}, at most ${d.maxLength} tokens`;
    case 'sample':
      return `sampling at temperature ${d.temperature ?? 1}, at most ${d.maxLength} tokens`;
  }
}

/** `"4 July 1999" → "1999-07-04"`, or what went wrong with it: the notification's line. */
export function translationSummary(t: Translation): string {
  const best = t.hypotheses[0];
  if (!best) return `${quote(t.source)}: the model wrote nothing`;
  const unfinished = best.finished ? '' : ' (cut off at the length limit)';
  const unknown = t.unknown.length > 0 ? ` — not in the vocabulary: ${t.unknown.map(quote).join(', ')}` : '';
  return `${quote(t.source)} → ${quote(best.text)}${unfinished}${unknown}`;
}

function hypothesisLine(h: Hypothesis, rank: number, beam: boolean): string {
  const p = Math.exp(h.logProb);
  const pText = p >= 0.001 ? p.toFixed(3) : p.toExponential(1);
  const score = beam ? `, score ${h.score.toFixed(3)}` : '';
  return `  ${rank}. ${quote(h.text)}   log p ${h.logProb.toFixed(3)} (p ${pText}${score})${h.finished ? '' : ', cut off at the length limit'}`;
}

/** The output channel's section: a heading naming the run and the weights, then each source and its hypotheses, best first. */
export function translationReport(r: TranslateResult, runTitle: string): string[] {
  const lines = [`── Translate · ${runTitle} (${r.runId}, weights of step ${r.step}; ${decodingWords(r)}) ──`];
  for (const t of r.translations) {
    lines.push(`source ${quote(t.source)}: ${t.sourceTokens.length} token${t.sourceTokens.length === 1 ? '' : 's'} ${t.sourceTokens.map(quote).join(' ')}`);
    if (t.unknown.length > 0) lines.push(`  not in the vocabulary (read as <unk>): ${t.unknown.map(quote).join(', ')}`);
    if (t.hypotheses.length === 0) lines.push('  (no output)');
    t.hypotheses.forEach((h, i) => lines.push(hypothesisLine(h, i + 1, r.decoding.method === 'beam')));
  }
  return lines;
}
