import { describe, expect, it } from 'vitest';
import { type LabelCandidate, overlaps, placeLabels } from './map-labels.ts';
import { genresOf, panRange, pointColour, wheelFactor, zoomRange } from './map-view.ts';

const area = { left: 0, top: 0, right: 400, bottom: 300 };
const label = (x: number, y: number, priority: number, width = 60): LabelCandidate => ({ x, y, width, height: 12, priority });

// Issue 16 item 7: the map's labels overlapped (every extreme labelled wherever it fell).
describe('decluttered map labels', () => {
  it('labels the highest priority first and drops a label that would overlap a placed one', () => {
    // 0's label fits neither right (1's label is there) nor left (2's is).
    const placed = placeLabels([label(100, 100, 1), label(105, 102, 5), label(30, 101, 4), label(300, 200, 2)], area);
    expect([...placed.keys()].sort()).toEqual([1, 2, 3]);
    const boxes = [...placed.values()];
    expect(overlaps(boxes[0], boxes[1]) || overlaps(boxes[1], boxes[2])).toBe(false);
    // Alone, a point whose right side is taken is labelled on its left.
    expect(placeLabels([label(100, 100, 1), label(105, 102, 5)], area).get(0)!.right).toBeLessThan(100);
  });

  it('puts a label left of a point near the right edge, and skips points outside the plot', () => {
    const placed = placeLabels([label(390, 100, 1), label(500, 100, 9), label(-5, 50, 9)], area);
    expect([...placed.keys()]).toEqual([0]);
    expect(placed.get(0)!.right).toBeLessThan(390);
  });

  it('never places two overlapping labels among many crowded points, and respects the limit', () => {
    const many = Array.from({ length: 300 }, (_, i) => label((i * 37) % 400, (i * 53) % 300, i % 17));
    const boxes = [...placeLabels(many, area).values()];
    expect(boxes.length).toBeGreaterThan(5);
    for (let a = 0; a < boxes.length; a++) for (let b = a + 1; b < boxes.length; b++) expect(overlaps(boxes[a], boxes[b])).toBe(false);
    expect(placeLabels(many, area, 3).size).toBe(3);
  });
});

describe('zoom, pan and colour of the map', () => {
  it('zooms about the pointer (the value under it stays) and pans with the drag', () => {
    const r = zoomRange({ min: -2, max: 2 }, 1, 0.5);
    expect(r).toEqual({ min: -0.5, max: 1.5 });
    expect(wheelFactor(-100)).toBeLessThan(1); // wheel up zooms in
    expect(wheelFactor(100)).toBeCloseTo(1 / wheelFactor(-100), 12);
    // Dragging right by a quarter of the axis moves the view left by a quarter of the range.
    expect(panRange({ min: 0, max: 4 }, 100, 400)).toEqual({ min: -1, max: 3 });
  });

  it('colours by bias on a diverging scale and by one genre over grey', () => {
    const bias = { by: 'bias', maxAbs: 2 } as const;
    expect(pointColour(bias, { bias: -2, genres: [] })).toBe('rgb(31 111 235 / 85%)');
    expect(pointColour(bias, { bias: 1, genres: [] })).toBe('rgb(207 34 46 / 50%)');
    expect(pointColour(bias, { bias: null, genres: [] })).toBe('rgb(31 111 235 / 45%)');
    const horror = { by: 'genre', genre: 'Horror' } as const;
    expect(pointColour(horror, { bias: 0, genres: ['Horror', 'Thriller'] })).not.toBe(pointColour(horror, { bias: 0, genres: ['Comedy'] }));
    expect(genresOf([{ genres: ['Drama', 'War'] }, { genres: ['Drama'] }, { genres: [] }])).toEqual(['Drama', 'War']);
  });
});
