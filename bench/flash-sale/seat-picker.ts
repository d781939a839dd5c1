/**
 * How a buyer chooses: n adjacent seats (same section and row, consecutive
 * numbers) that the seat map shows available and the buyer has not seen
 * refused, in the front section if they aim there (falling back to the whole
 * hall when the front has no such run).
 */
import { FRONT } from './sale-setup';

export interface MapSeat {
  seatId: string;
  section: string;
  row: string;
  number: number;
  status: string;
}

/** A seat map's seats grouped into rows ordered by seat number (computed once per map). */
export interface RowIndex {
  rows: { front: boolean; seats: MapSeat[] }[];
}

export function indexRows(seats: MapSeat[]): RowIndex {
  const byRow = new Map<string, MapSeat[]>();
  for (const s of seats) {
    const k = `${s.section}\n${s.row}`;
    let list = byRow.get(k);
    if (!list) byRow.set(k, (list = []));
    list.push(s);
  }
  return {
    rows: [...byRow.values()].map((list) => ({ front: list[0]!.section === FRONT, seats: list.sort((a, b) => a.number - b.number) })),
  };
}

/** A deterministic PRNG (mulberry32), so a run's choices can be repeated with --seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n adjacent free seats chosen at random, or undefined when the map has no such run. */
export function pickAdjacent(index: RowIndex, n: number, aimAtFront: boolean, refused: Set<string>, random: () => number): string[] | undefined {
  const free = (s: MapSeat) => s.status === 'available' && !refused.has(s.seatId);
  const runs = (frontOnly: boolean) => {
    const starts: { row: MapSeat[]; i: number }[] = [];
    for (const { front, seats } of index.rows) {
      if (frontOnly && !front) continue;
      let run = 0;
      for (let i = 0; i < seats.length; i++) {
        const adjacent = i > 0 && seats[i]!.number === seats[i - 1]!.number + 1;
        run = free(seats[i]!) ? (adjacent ? run + 1 : 1) : 0;
        if (run >= n) starts.push({ row: seats, i: i - n + 1 });
      }
    }
    return starts;
  };
  let candidates = aimAtFront ? runs(true) : [];
  if (candidates.length === 0) candidates = runs(false);
  if (candidates.length === 0) return undefined;
  const { row, i } = candidates[Math.floor(random() * candidates.length)]!;
  return row.slice(i, i + n).map((s) => s.seatId);
}
