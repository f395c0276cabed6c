// The config of one run of a sweep, as text: the config's own JSONC with each swept setting set and the
// `sweep` section removed, comments and layout kept, so the run folder's config.seqlab.json trains that
// run alone. Pure.

import { applyEdits, type JSONPath, modify } from 'jsonc-parser';
import { settingSegments, type SweepPoint } from './sweep';

/** `text`: the JSONC of the config that declares the sweep. */
export function sweepPointText(text: string, point: SweepPoint): string {
  const formattingOptions = { insertSpaces: true, tabSize: 2, eol: text.includes('\r\n') ? '\r\n' : '\n' };
  const set = (t: string, path: JSONPath, value: unknown) => applyEdits(t, modify(t, path, value, { formattingOptions }));
  let out = set(text, ['sweep'], undefined);
  for (const [path, value] of Object.entries(point)) out = set(out, settingSegments(path), value);
  return out;
}
