import { describe, expect, it } from 'vitest';
import { fitToWidth, layoutHall, neighbour, PITCH, seatAt, type SeatPlace } from './seat-layout';

const hall = (sections: [string, number[]][]): SeatPlace[] =>
  sections.flatMap(([section, rows]) =>
    rows.flatMap((count, r) => Array.from({ length: count }, (_, n) => ({ section, row: String.fromCharCode(65 + r), number: n + 1 }))),
  );

describe('layoutHall', () => {
  it('puts seats of a row on one line, left to right by number, one pitch apart', () => {
    const seats = hall([['A', [4]]]);
    const l = layoutHall(seats);
    expect(new Set(l.ys).size).toBe(1);
    for (let i = 1; i < 4; i++) expect(l.xs[i]! - l.xs[i - 1]!).toBe(PITCH);
  });

  it('centres a shorter row under a longer one', () => {
    const l = layoutHall(hall([['A', [6, 2]]]));
    const rowA = (l.xs[0]! + l.xs[5]!) / 2;
    const rowB = (l.xs[6]! + l.xs[7]!) / 2;
    expect(rowB).toBeCloseTo(rowA);
    expect(l.ys[6]).toBeGreaterThan(l.ys[0]!);
  });

  it('orders seats by number even when they arrive out of order', () => {
    const seats: SeatPlace[] = [3, 1, 2].map((number) => ({ section: 'A', row: 'A', number }));
    const l = layoutHall(seats);
    expect(l.xs[1]).toBeLessThan(l.xs[2]!);
    expect(l.xs[2]).toBeLessThan(l.xs[0]!);
  });

  it('packs narrow sections side by side and wraps wide ones into bands', () => {
    const narrow = layoutHall(hall([['L', [5]], ['R', [5]]]));
    expect(narrow.sections[0]!.y).toBe(narrow.sections[1]!.y);
    expect(narrow.sections[1]!.x).toBeGreaterThan(narrow.sections[0]!.x + narrow.sections[0]!.width);
    const wide = layoutHall(hall([['L', [60]], ['R', [60]]]));
    expect(wide.sections[1]!.y).toBeGreaterThan(wide.sections[0]!.y);
  });

  it('keeps every seat inside the hall, and no two seats on one spot, at 5,000 seats', () => {
    const seats = hall([['A', Array(25).fill(50)], ['B', Array(25).fill(50)], ['C', Array(25).fill(50)], ['D', Array(25).fill(50)]]);
    expect(seats).toHaveLength(5000);
    const l = layoutHall(seats);
    const spots = new Set<string>();
    let outside = 0;
    for (let i = 0; i < seats.length; i++) {
      if (!(l.xs[i]! > 0 && l.xs[i]! < l.width && l.ys[i]! > 0 && l.ys[i]! < l.height)) outside++;
      spots.add(`${l.xs[i]},${l.ys[i]}`);
    }
    expect(outside).toBe(0);
    expect(spots.size).toBe(5000);
  });
});

describe('seatAt', () => {
  it('finds the seat under a point and nothing between sections', () => {
    const l = layoutHall(hall([['A', [3]]]));
    expect(seatAt(l, l.xs[1]!, l.ys[1]!)).toBe(1);
    expect(seatAt(l, l.xs[1]! + 4, l.ys[1]! - 4)).toBe(1);
    expect(seatAt(l, 0, 0)).toBeUndefined();
  });
});

describe('neighbour', () => {
  const seats = hall([['A', [3, 5]], ['B', [3]]]);
  const l = layoutHall(seats);

  it('moves along a row and stops at its ends', () => {
    expect(neighbour(l, 0, 'right')).toBe(1);
    expect(neighbour(l, 0, 'left')).toBe(0);
    expect(neighbour(l, 2, 'home')).toBe(0);
  });

  it('moves to the nearest seat of the next row down and back up', () => {
    const below = neighbour(l, 1, 'down');
    expect(seats[below]).toMatchObject({ section: 'A', row: 'B', number: 3 });
    expect(neighbour(l, below, 'up')).toBe(1);
  });

  it('crosses into the next section side by side at the end of a row', () => {
    // A's first row and B's only row share a line: B sits to A's right.
    expect(seats[neighbour(l, 2, 'right')]).toMatchObject({ section: 'B', number: 1 });
  });
});

describe('fitToWidth', () => {
  it('scales a wide hall down to the box and centres a small one at most 2.5x', () => {
    expect(fitToWidth({ width: 1000 }, 500)).toEqual({ scale: 0.5, offsetX: 0 });
    expect(fitToWidth({ width: 100 }, 1000)).toEqual({ scale: 2.5, offsetX: 375 });
  });
});
