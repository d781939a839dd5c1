/**
 * Where each seat of a hall is drawn. The API places a session's seats
 * (GET /api/v1/sessions/{id}/layout, contracts/catalog.ts SessionLayout):
 * each row's first seat at (x, y) in seat pitches, its seats one pitch apart,
 * rows centred, sections stacked one row apart. This scales those positions
 * to layout units ("layout units"; the canvas scales them to pixels), adds a
 * stage across the top and puts each section's name in the row of space
 * above it, and prepares what hit tests and arrow keys need.
 */

/** A seat as the organizer's hall editor knows it, before the hall is on sale. */
export interface SeatPlace {
  section: string;
  row: string;
  number: number;
}

/** A row as the API places it: its first seat at (x, y), in seat pitches; its seats are the next `seats` of the layout order. */
export interface PlacedRow {
  x: number;
  y: number;
  seats: number;
}

export interface PlacedSection {
  name: string;
  rows: readonly PlacedRow[];
}

export interface SectionBox {
  name: string;
  /** Top-left corner and size, the section's label included. */
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface HallLayout {
  width: number;
  height: number;
  /** Seat i's centre is (xs[i], ys[i]). */
  xs: Float32Array;
  ys: Float32Array;
  /** Side of a seat's square. */
  seatSize: number;
  sections: SectionBox[];
  stage: { x: number; y: number; width: number; height: number };
  /** Seats on the same horizontal line (same y), left to right: arrow-key navigation. */
  lines: number[][];
  /** Line index of each seat. */
  lineOf: Int32Array;
}

/** Layout units per seat pitch (the API's unit). */
export const PITCH = 12;
const SEAT_SIZE = 10;
const STAGE_HEIGHT = 28;
const STAGE_GAP = 12;
const MARGIN = 12;

/** The hall drawn from the API's row positions; seats are numbered 0.. in the rows' order. */
export function placeHall(sections: readonly PlacedSection[]): HallLayout {
  const count = sections.reduce((n, s) => n + s.rows.reduce((m, r) => m + r.seats, 0), 0);
  const xs = new Float32Array(count);
  const ys = new Float32Array(count);

  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  for (const s of sections) {
    for (const r of s.rows) {
      minX = Math.min(minX, r.x);
      maxX = Math.max(maxX, r.x + r.seats);
      minY = Math.min(minY, r.y);
    }
  }
  if (minX === Infinity) [minX, maxX, minY] = [0, 0, 0];
  const inner = Math.max(PITCH * 4, (maxX - minX) * PITCH);
  const width = inner + 2 * MARGIN;
  const left = MARGIN + (inner - (maxX - minX) * PITCH) / 2 - minX * PITCH;
  // The first section's name takes a row above it, as the others take the row between sections.
  const top = MARGIN + STAGE_HEIGHT + STAGE_GAP + PITCH - minY * PITCH;
  const stage = { x: MARGIN + inner * 0.15, y: MARGIN, width: inner * 0.7, height: STAGE_HEIGHT };

  const boxes: SectionBox[] = [];
  let bottom = top + minY * PITCH;
  let i = 0;
  for (const s of sections) {
    if (!s.rows.length) continue;
    let sMinX = Infinity;
    let sMaxX = -Infinity;
    let sMinY = Infinity;
    let sMaxY = -Infinity;
    for (const r of s.rows) {
      const cy = top + (r.y + 0.5) * PITCH;
      for (let k = 0; k < r.seats; k++, i++) {
        xs[i] = left + (r.x + k + 0.5) * PITCH;
        ys[i] = cy;
      }
      sMinX = Math.min(sMinX, r.x);
      sMaxX = Math.max(sMaxX, r.x + r.seats);
      sMinY = Math.min(sMinY, r.y);
      sMaxY = Math.max(sMaxY, r.y + 1);
    }
    const y = top + (sMinY - 1) * PITCH;
    boxes.push({ name: s.name, x: left + sMinX * PITCH, y, width: (sMaxX - sMinX) * PITCH, height: (sMaxY - sMinY + 1) * PITCH });
    bottom = Math.max(bottom, top + sMaxY * PITCH);
  }
  const height = bottom + MARGIN;

  // Horizontal lines of seats, for arrow keys: seats sharing a y, by x.
  const byY = new Map<number, number[]>();
  for (let k = 0; k < count; k++) {
    const key = Math.round(ys[k]!);
    let line = byY.get(key);
    if (!line) byY.set(key, (line = []));
    line.push(k);
  }
  const lines = [...byY.entries()].sort(([a], [b]) => a - b).map(([, line]) => line.sort((a, b) => xs[a]! - xs[b]!));
  const lineOf = new Int32Array(count);
  lines.forEach((line, l) => line.forEach((k) => (lineOf[k] = l)));

  return { width, height, xs, ys, seatSize: SEAT_SIZE, sections: boxes, stage, lines, lineOf };
}

/** The hall of a session's layout as the API serves it (its sections' rows with their seat ids). */
export const placeLayout = (sections: readonly { name: string; rows: readonly { x: number; y: number; seatIds: readonly string[] }[] }[]): HallLayout =>
  placeHall(sections.map((s) => ({ name: s.name, rows: s.rows.map((r) => ({ x: r.x, y: r.y, seats: r.seatIds.length })) })));

/**
 * Rows of a hall that is not on sale yet, placed as the catalog places a
 * session's (services/catalog/seat-layout.ts, checked by
 * test/unit/web-seat-layout.test.ts): rows centred on the widest row,
 * sections stacked one row apart. The organizer's preview shows the hall as
 * buyers will see it.
 */
export function stackSections(sections: readonly { name: string; rows: readonly number[] }[]): PlacedSection[] {
  const width = Math.max(0, ...sections.flatMap((s) => s.rows));
  let y = 0;
  return sections.map((s) => {
    const rows = s.rows.map((seats) => ({ x: (width - seats) / 2, y: y++, seats }));
    y++; // the aisle between sections
    return { name: s.name, rows };
  });
}

/** The preview of a hall being drawn: its seats (in layout order, each row's numbered from 1) placed as a session's would be. */
export function previewHall(seats: readonly SeatPlace[]): HallLayout {
  const sections: { name: string; rows: number[] }[] = [];
  let lastRow: string | undefined;
  for (const seat of seats) {
    let section = sections.at(-1);
    if (section?.name !== seat.section) {
      sections.push((section = { name: seat.section, rows: [] }));
      lastRow = undefined;
    }
    if (seat.row !== lastRow) section.rows.push(0);
    lastRow = seat.row;
    section.rows[section.rows.length - 1]!++;
  }
  return placeHall(stackSections(sections));
}

/** Small halls are drawn larger, but not so large that a 20-seat hall fills a desktop screen. */
export const MAX_SCALE = 2.5;

/**
 * How a hall fits a box `cssWidth` pixels wide: pixels per layout unit, and
 * the left margin that centres it. A hall taller than `maxCssHeight` (the
 * API stacks sections, so halls run tall and narrow) is drawn smaller to
 * fit, but never below one pixel per unit: a stadium scrolls rather than
 * shrink its seats out of reach.
 */
export function fitHall(layout: Pick<HallLayout, 'width' | 'height'>, cssWidth: number, maxCssHeight = Infinity): { scale: number; offsetX: number } {
  const scale = Math.min(MAX_SCALE, cssWidth / layout.width, Math.max(1, maxCssHeight / layout.height));
  return { scale, offsetX: (cssWidth - layout.width * scale) / 2 };
}

/** The seat drawn at (x, y) in layout units, if any. */
export function seatAt(layout: HallLayout, x: number, y: number): number | undefined {
  const half = PITCH / 2;
  for (let i = 0; i < layout.xs.length; i++) {
    if (Math.abs(layout.xs[i]! - x) <= half && Math.abs(layout.ys[i]! - y) <= half) return i;
  }
  return undefined;
}

export type Direction = 'left' | 'right' | 'up' | 'down' | 'home' | 'end';

/**
 * The seat an arrow key moves to from seat `from`: along its line for
 * left/right (into a section beside it at a row's end, where sections sit
 * side by side), to the nearest seat of the line above or below for up/down.
 * Stays put at an edge.
 */
export function neighbour(layout: HallLayout, from: number, direction: Direction): number {
  const l = layout.lineOf[from]!;
  const line = layout.lines[l]!;
  const k = line.indexOf(from);
  switch (direction) {
    case 'left':
      return line[Math.max(0, k - 1)]!;
    case 'right':
      return line[Math.min(line.length - 1, k + 1)]!;
    case 'home':
      return line[0]!;
    case 'end':
      return line[line.length - 1]!;
    case 'up':
    case 'down': {
      const next = layout.lines[direction === 'up' ? l - 1 : l + 1];
      if (!next) return from;
      const x = layout.xs[from]!;
      let best = next[0]!;
      for (const i of next) if (Math.abs(layout.xs[i]! - x) < Math.abs(layout.xs[best]! - x)) best = i;
      return best;
    }
  }
}
