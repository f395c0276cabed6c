// Labels that do not overlap: of many candidate boxes, keep the most important that fit, greedily (a
// box is kept when it overlaps none kept before it). A grid of cells holds the kept boxes, so each test
// looks at the boxes near it only and thousands of labels thin in a few milliseconds. Pure.

export interface LabelBox {
  id: number;
  /** Top-left corner and size, in pixels. */
  x: number;
  y: number;
  w: number;
  h: number;
  /** Higher first. */
  priority: number;
}

/** Ids of the boxes kept, in the order they were placed (highest priority first). */
export function thinLabels(boxes: readonly LabelBox[], cell = 48): number[] {
  const order = [...boxes].sort((a, b) => b.priority - a.priority || a.id - b.id);
  const grid = new Map<string, LabelBox[]>();
  const cells = (b: LabelBox): string[] => {
    const out: string[] = [];
    for (let cx = Math.floor(b.x / cell); cx <= Math.floor((b.x + b.w) / cell); cx++) {
      for (let cy = Math.floor(b.y / cell); cy <= Math.floor((b.y + b.h) / cell); cy++) out.push(`${cx},${cy}`);
    }
    return out;
  };
  const overlaps = (a: LabelBox, b: LabelBox) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
  const kept: number[] = [];
  for (const b of order) {
    const keys = cells(b);
    if (keys.some((k) => grid.get(k)?.some((o) => overlaps(b, o)))) continue;
    for (const k of keys) {
      const list = grid.get(k);
      if (list) list.push(b);
      else grid.set(k, [b]);
    }
    kept.push(b.id);
  }
  return kept;
}

/** A priority that is stable for an id and spread evenly (so thinning keeps labels all over a map, not
 *  those of the first ids): an integer hash (Wang's 32-bit mix) scaled to [0, 1). */
export function spreadPriority(id: number): number {
  let x = id >>> 0;
  x = (x ^ 61) ^ (x >>> 16);
  x = (x + (x << 3)) >>> 0;
  x ^= x >>> 4;
  x = Math.imul(x, 0x27d4eb2d) >>> 0;
  x ^= x >>> 15;
  return (x >>> 0) / 2 ** 32;
}
