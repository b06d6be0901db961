/**
 * Decluttered labels for the movie map: the most telling points are labelled first (largest
 * |bias|, else most rated), each only where its box overlaps no label already placed and stays
 * inside the plot. Greedy, as the Embedding Projector and most map renderers do; pure, so it is
 * tested without a canvas.
 */

export interface LabelCandidate {
  /** Pixel position of the point. */
  x: number;
  y: number;
  /** Box size of its text in pixels. */
  width: number;
  height: number;
  /** Higher is labelled first. */
  priority: number;
}

export interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** Gap between a point and its label, and kept between labels. */
const GAP = 4;

/** The placed labels' boxes by candidate index (right of the point, or left where that clips). */
export function placeLabels(candidates: readonly LabelCandidate[], area: Box, limit = Infinity): Map<number, Box> {
  const order = candidates.map((_, i) => i).sort((a, b) => candidates[b].priority - candidates[a].priority);
  const placed = new Map<number, Box>();
  for (const i of order) {
    if (placed.size >= limit) break;
    const c = candidates[i];
    if (c.x < area.left || c.x > area.right || c.y < area.top || c.y > area.bottom) continue;
    const top = c.y - c.height - GAP / 2;
    const sides: Box[] = [
      { left: c.x + GAP, top, right: c.x + GAP + c.width, bottom: top + c.height },
      { left: c.x - GAP - c.width, top, right: c.x - GAP, bottom: top + c.height },
    ];
    const box = sides.find((b) => inside(b, area) && ![...placed.values()].some((p) => overlaps(b, p)));
    if (box) placed.set(i, box);
  }
  return placed;
}

const inside = (b: Box, a: Box) => b.left >= a.left && b.right <= a.right && b.top >= a.top && b.bottom <= a.bottom;
export const overlaps = (a: Box, b: Box) =>
  a.left < b.right + GAP && b.left < a.right + GAP && a.top < b.bottom + GAP && b.top < a.bottom + GAP;
