// A problem found in a config, before it has a source position: the path of the offending value, what
// to underline, the message. The validation steps (schemaMessages, crossFieldChecks, configSource)
// produce these; parseConfig (configValidation.ts) places them in the text.

export type Segment = string | number;

export interface Issue {
  /** Path of the offending value (for `required`: of the missing property). */
  segments: Segment[];
  /** What to underline: the value, the property's key, or the enclosing object (missing properties). */
  anchor: 'value' | 'key' | 'object';
  message: string;
  severity: 'error' | 'warning';
  suggestion?: string;
  /** An exact source range, when the path alone cannot find it (a repeated key). */
  range?: { offset: number; length: number };
}

/** ['training', 'clipping', 'value'] -> 'training.clipping.value'; list indexes as [i]. */
export function pathLabel(segments: Segment[]): string {
  return segments.reduce<string>((label, s) => (typeof s === 'number' ? `${label}[${s}]` : label ? `${label}.${s}` : s), '');
}

/** 'training.clipping.value' -> ['training', 'clipping', 'value']; 'compare[1]' -> ['compare', 1]: pathLabel's inverse. */
export function segmentsOf(label: string): Segment[] {
  if (label === '') return [];
  return label.split('.').flatMap((part) => {
    const [key, ...indexes] = part.split('[');
    return [...(key ? [key] : []), ...indexes.map((i) => Number(i.slice(0, -1)))];
  });
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
