// Where a hover tooltip goes: below right of the pointer, flipped to the left or above it when it
// would cross the right or bottom edge of what is visible, and never past the top or left edge.

export interface Placement {
  left: number;
  top: number;
}

/**
 * `pointer` and `bounds` in the same coordinates (client pixels); `bounds` is the visible area the
 * tooltip must stay inside. Returns the tooltip's top-left corner in those coordinates.
 */
export function tooltipPlacement(
  pointer: { x: number; y: number },
  size: { width: number; height: number },
  bounds: { left: number; top: number; right: number; bottom: number },
  gap = 12,
): Placement {
  let left = pointer.x + gap;
  if (left + size.width > bounds.right) left = pointer.x - gap - size.width;
  let top = pointer.y + gap;
  if (top + size.height > bounds.bottom) top = pointer.y - gap - size.height;
  return { left: Math.max(bounds.left, left), top: Math.max(bounds.top, top) };
}
