import { describe, expect, it } from 'vitest';
import { fitHall, neighbour, PITCH, placeHall, previewHall, seatAt, stackSections, type SeatPlace } from './seat-layout';

/** A hall's seats in layout order, rows lettered from A and numbered from 1. */
const hall = (sections: [string, number[]][]): SeatPlace[] =>
  sections.flatMap(([section, rows]) =>
    rows.flatMap((count, r) => Array.from({ length: count }, (_, n) => ({ section, row: String.fromCharCode(65 + r), number: n + 1 }))),
  );

describe('placeHall (the API layout’s positions)', () => {
  it('puts a row’s seats on one line, one pitch apart, from the row’s x, and rows a pitch per y', () => {
    const l = placeHall([{ name: 'A', rows: [{ x: 0, y: 0, seats: 4 }, { x: 1, y: 1, seats: 2 }] }]);
    expect(l.xs).toHaveLength(6);
    for (let i = 1; i < 4; i++) expect(l.xs[i]! - l.xs[i - 1]!).toBe(PITCH);
    expect(new Set(l.ys.slice(0, 4)).size).toBe(1);
    expect(l.xs[4]! - l.xs[0]!).toBe(PITCH);
    expect(l.ys[4]! - l.ys[0]!).toBe(PITCH);
  });

  it('keeps the API’s gaps between sections, with each section’s name above its rows and the stage above all', () => {
    const l = placeHall([
      { name: 'A', rows: [{ x: 0, y: 0, seats: 2 }] },
      { name: 'B', rows: [{ x: 0, y: 2, seats: 2 }] },
    ]);
    expect(l.ys[2]! - l.ys[0]!).toBe(2 * PITCH);
    const [a, b] = l.sections;
    expect(a!.name).toBe('A');
    // Each box starts a row above its first seats (the name's place) and ends below its last row.
    expect(a!.y).toBe(l.ys[0]! - 1.5 * PITCH);
    expect(a!.y + a!.height).toBeGreaterThan(l.ys[1]!);
    expect(b!.y).toBeGreaterThan(l.ys[0]!);
    expect(l.stage.y + l.stage.height).toBeLessThanOrEqual(a!.y);
  });

  it('keeps every seat inside the hall, and no two seats on one spot, at 5,000 seats', () => {
    const l = placeHall(stackSections(['A', 'B', 'C', 'D'].map((name) => ({ name, rows: Array<number>(25).fill(50) }))));
    expect(l.xs).toHaveLength(5000);
    const spots = new Set<string>();
    let outside = 0;
    for (let i = 0; i < 5000; i++) {
      if (!(l.xs[i]! > 0 && l.xs[i]! < l.width && l.ys[i]! > 0 && l.ys[i]! < l.height)) outside++;
      spots.add(`${l.xs[i]},${l.ys[i]}`);
    }
    expect(outside).toBe(0);
    expect(spots.size).toBe(5000);
  });

  it('draws an empty hall (standing areas only) without seats', () => {
    const l = placeHall([]);
    expect(l.xs).toHaveLength(0);
    expect(l.width).toBeGreaterThan(0);
    expect(l.lines).toEqual([]);
  });
});

describe('stackSections and previewHall (the organizer’s preview, placed as the catalog places a session)', () => {
  it('centres rows on the widest row and stacks sections one row apart', () => {
    expect(stackSections([{ name: 'A', rows: [5, 3] }, { name: 'B', rows: [4] }])).toEqual([
      { name: 'A', rows: [{ x: 0, y: 0, seats: 5 }, { x: 1, y: 1, seats: 3 }] },
      { name: 'B', rows: [{ x: 0.5, y: 3, seats: 4 }] },
    ]);
  });

  it('places the seats of a hall being drawn, in their order', () => {
    const seats = hall([['A', [6, 2]], ['B', [3]]]);
    const l = previewHall(seats);
    expect(l.xs).toHaveLength(11);
    // Row B of A (seats 6, 7) centred under row A (seats 0..5).
    expect((l.xs[6]! + l.xs[7]!) / 2).toBeCloseTo((l.xs[0]! + l.xs[5]!) / 2);
    expect(l.ys[6]! - l.ys[0]!).toBe(PITCH);
    expect(l.ys[8]! - l.ys[6]!).toBe(2 * PITCH);
    expect(l.sections.map((s) => s.name)).toEqual(['A', 'B']);
  });
});

describe('seatAt', () => {
  it('finds the seat under a point and nothing between seats', () => {
    const l = previewHall(hall([['A', [3]]]));
    expect(seatAt(l, l.xs[1]!, l.ys[1]!)).toBe(1);
    expect(seatAt(l, l.xs[1]! + 4, l.ys[1]! - 4)).toBe(1);
    expect(seatAt(l, 0, 0)).toBeUndefined();
  });
});

describe('neighbour', () => {
  const seats = hall([['A', [3, 5]], ['B', [3]]]);
  const l = previewHall(seats);

  it('moves along a row and stops at its ends', () => {
    expect(neighbour(l, 0, 'right')).toBe(1);
    expect(neighbour(l, 0, 'left')).toBe(0);
    expect(neighbour(l, 2, 'home')).toBe(0);
    expect(neighbour(l, 0, 'end')).toBe(2);
  });

  it('moves to the nearest seat of the next row down and back up, across the aisle between sections', () => {
    const below = neighbour(l, 1, 'down');
    expect(seats[below]).toMatchObject({ section: 'A', row: 'B', number: 3 });
    expect(neighbour(l, below, 'up')).toBe(1);
    expect(seats[neighbour(l, below, 'down')]).toMatchObject({ section: 'B', row: 'A', number: 2 });
  });

  it('crosses into a section beside it at the end of a row, where the layout puts sections side by side', () => {
    const side = placeHall([
      { name: 'L', rows: [{ x: 0, y: 0, seats: 3 }] },
      { name: 'R', rows: [{ x: 4, y: 0, seats: 3 }] },
    ]);
    expect(neighbour(side, 2, 'right')).toBe(3);
  });
});

describe('fitHall', () => {
  it('scales a wide hall down to the box and centres a small one at most 2.5x', () => {
    expect(fitHall({ width: 1000, height: 100 }, 500)).toEqual({ scale: 0.5, offsetX: 0 });
    expect(fitHall({ width: 100, height: 100 }, 1000)).toEqual({ scale: 2.5, offsetX: 375 });
  });

  it('draws a tall hall smaller to fit the height it is given, but never below one pixel per unit', () => {
    expect(fitHall({ width: 100, height: 400 }, 1000, 600)).toEqual({ scale: 1.5, offsetX: 425 });
    expect(fitHall({ width: 600, height: 1200 }, 1000, 600)).toEqual({ scale: 1, offsetX: 200 });
  });
});
