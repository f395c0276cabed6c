// Axis titles with subscripts, written as in TeX: `‖∂L_T/∂h_t‖` is ‖∂L, subscript T, /∂h, subscript t, ‖;
// `x_{t-1}` takes a group. The canvas charts draw the pieces with a smaller, lowered font and the SVG
// writer with <tspan>s, so no reader sees a raw underscore. Pure.

export interface LabelPiece {
  text: string;
  sub: boolean;
}

export function labelPieces(label: string): LabelPiece[] {
  const out: LabelPiece[] = [];
  const push = (text: string, sub: boolean) => {
    if (!text) return;
    const last = out[out.length - 1];
    if (last && last.sub === sub) last.text += text;
    else out.push({ text, sub });
  };
  let plain = '';
  for (let i = 0; i < label.length; i++) {
    const c = label[i];
    if (c !== '_' || i === label.length - 1) {
      plain += c;
      continue;
    }
    push(plain, false);
    plain = '';
    if (label[i + 1] === '{') {
      const end = label.indexOf('}', i + 2);
      const close = end < 0 ? label.length : end;
      push(label.slice(i + 2, close), true);
      i = close;
    } else {
      // one character (a code point: a subscript may be a letter outside the BMP)
      const ch = String.fromCodePoint(label.codePointAt(i + 1)!);
      push(ch, true);
      i += ch.length;
    }
  }
  push(plain, false);
  return out;
}

/** The label as one line of text without markup (for aria-labels and titles): subscripts run in. */
export const plainLabel = (label: string): string => labelPieces(label).map((p) => p.text).join('');
