/**
 * The movie map's view: the axis ranges a wheel zooms and a drag pans (chartjs-plugin-zoom would
 * do this, but it brings hammerjs for gestures the map does not use, and the whole job is the
 * two functions below), and the colour of each point by its bias or one genre.
 */

export interface Range {
  min: number;
  max: number;
}

/** Wheel: the range scaled by `factor` (< 1 zooms in) about `at`, which stays under the pointer. */
export function zoomRange(r: Range, at: number, factor: number): Range {
  return { min: at - (at - r.min) * factor, max: at + (r.max - at) * factor };
}

/** Drag: the range moved so the data under the pointer follows it by `pixels` of a `span`-pixel axis. */
export function panRange(r: Range, pixels: number, span: number): Range {
  const shift = (pixels / span) * (r.max - r.min);
  return { min: r.min - shift, max: r.max - shift };
}

/** The wheel's zoom factor: one notch (100 px of deltaY) zooms by 15 %. */
export const wheelFactor = (deltaY: number): number => Math.exp(deltaY * 0.0015);

export type Colouring = { by: 'none' } | { by: 'bias'; maxAbs: number } | { by: 'genre'; genre: string };

const BASE = 'rgb(31 111 235 / 45%)';
const MUTED = 'rgb(140 149 159 / 25%)';
const PICKED = 'rgb(207 34 46 / 75%)';

/**
 * A point's fill: by bias a diverging scale (blue below zero, red above, grey at zero, the
 * strongest |bias| on the map at full colour); by genre the genre's movies in red over grey.
 */
export function pointColour(c: Colouring, point: { bias: number | null; genres: readonly string[] }): string {
  if (c.by === 'genre') return point.genres.includes(c.genre) ? PICKED : MUTED;
  if (c.by === 'bias' && point.bias !== null && c.maxAbs > 0) {
    const t = Math.max(-1, Math.min(1, point.bias / c.maxAbs));
    const [r, g, b] = t < 0 ? [31, 111, 235] : [207, 34, 46];
    return `rgb(${r} ${g} ${b} / ${Math.round(15 + 70 * Math.abs(t))}%)`;
  }
  return BASE;
}

/** The genres on the map, most common first (ties by name), for the colour menu. */
export function genresOf(points: readonly { genres: readonly string[] }[]): string[] {
  const counts = new Map<string, number>();
  for (const p of points) for (const g of p.genres) counts.set(g, (counts.get(g) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([g]) => g);
}
