// How much of a drawn curve lies in a box: where the reference lines' labels go (charts/refLines.ts). Pure.

/** Length of the segment (ax, ay)–(bx, by) inside the box (Liang–Barsky clipping). */
export function lengthInside(ax: number, ay: number, bx: number, by: number, box: { x0: number; y0: number; x1: number; y1: number }): number {
  if (Math.max(ax, bx) < box.x0 || Math.min(ax, bx) > box.x1 || Math.max(ay, by) < box.y0 || Math.min(ay, by) > box.y1) return 0;
  const dx = bx - ax, dy = by - ay;
  let t0 = 0, t1 = 1;
  for (const [p, q] of [[-dx, ax - box.x0], [dx, box.x1 - ax], [-dy, ay - box.y0], [dy, box.y1 - ay]]) {
    if (p === 0) {
      if (q < 0) return 0;
      continue;
    }
    const t = q / p;
    if (p < 0) t0 = Math.max(t0, t);
    else t1 = Math.min(t1, t);
    if (t0 > t1) return 0;
  }
  return (t1 - t0) * Math.hypot(dx, dy);
}
