// Which layers a run's diagnostic arrays hold, read from their names: a sequence model's `l{n}.<array>`, an
// encoder–decoder's `enc.l{n}[.fwd|.bwd].<array>` then `dec.l{n}.<array>` (metrics.ts DiagnosticsSnapshot).
// The Hidden states tab reads them from `h`, the Gradients tab from ‖∂L/∂h‖. Pure.

export interface NamedLayer {
  /** The arrays' common prefix: `l0`, `enc.l0.fwd`, `dec.l1`. */
  prefix: string;
  label: string;
  side: 'sequence' | 'encoder' | 'decoder';
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The layers among `names` holding a `sequence` array (a sequence model's) or a `seq2seq` array (an
 * encoder–decoder's), in order: sequence layers by number; else encoder layers (forward before backward), then decoder layers.
 */
export function layersIn(names: Iterable<string>, arrays: { sequence: string; seq2seq: string }): NamedLayer[] {
  const sequence = new RegExp(`^l(\\d+)\\.${escape(arrays.sequence)}$`);
  const seq2seq = new RegExp(`^(enc|dec)\\.l(\\d+)(?:\\.(fwd|bwd))?\\.${escape(arrays.seq2seq)}$`);
  const all = [...names];
  const layers: NamedLayer[] = all.map((k) => sequence.exec(k)).filter((m): m is RegExpExecArray => m !== null)
    .sort((a, b) => Number(a[1]) - Number(b[1]))
    .map((m) => ({ prefix: `l${m[1]}`, label: `layer ${m[1]}`, side: 'sequence' }));
  const rank = (m: RegExpExecArray) => (m[1] === 'enc' ? 0 : 1000) + Number(m[2]) * 2 + (m[3] === 'bwd' ? 1 : 0);
  const sides = all.map((k) => seq2seq.exec(k)).filter((m): m is RegExpExecArray => m !== null).sort((a, b) => rank(a) - rank(b));
  for (const m of sides) {
    const direction = m[3] ? ` (${m[3] === 'fwd' ? 'forward' : 'backward'})` : '';
    layers.push({ prefix: m[0].slice(0, m[0].length - arrays.seq2seq.length - 1), label: `${m[1] === 'enc' ? 'encoder' : 'decoder'} layer ${m[2]}${direction}`, side: m[1] === 'enc' ? 'encoder' : 'decoder' });
  }
  return layers;
}
