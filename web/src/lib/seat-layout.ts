/**
 * Where each seat of a hall is drawn, computed in the browser from what every
 * seat carries (section, row, number), so the API never has to send
 * coordinates. Units are abstract ("layout units"); the canvas scales them.
 *
 * The picture: a stage across the top, then the sections in layout order,
 * packed left to right into bands no wider than MAX_BAND_WIDTH, each band
 * centred. Inside a section, rows go top to bottom in layout order and each
 * row is centred, so rows of different lengths make the familiar fan.
 */

export interface SeatPlace {
  section: string;
  row: string;
  number: number;
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

export const PITCH = 12;
const SEAT_SIZE = 10;
const LABEL = 16;
const SECTION_GAP = 24;
const STAGE_HEIGHT = 28;
const MARGIN = 12;
const MAX_BAND_WIDTH = 960;

interface SectionPlan {
  name: string;
  rows: number[][]; // seat indices per row, in seat order
  width: number;
  height: number;
}

/** Sections and rows in first-appearance order (the layout's order). */
function plan(seats: readonly SeatPlace[]): SectionPlan[] {
  const sections = new Map<string, Map<string, number[]>>();
  seats.forEach((s, i) => {
    let rows = sections.get(s.section);
    if (!rows) sections.set(s.section, (rows = new Map()));
    let row = rows.get(s.row);
    if (!row) rows.set(s.row, (row = []));
    row.push(i);
  });
  return [...sections].map(([name, rows]) => {
    const list = [...rows.values()].map((r) => r.sort((a, b) => seats[a]!.number - seats[b]!.number));
    const widest = Math.max(...list.map((r) => r.length));
    return { name, rows: list, width: widest * PITCH, height: LABEL + list.length * PITCH };
  });
}

export function layoutHall(seats: readonly SeatPlace[]): HallLayout {
  const xs = new Float32Array(seats.length);
  const ys = new Float32Array(seats.length);
  const sections = plan(seats);

  // Pack sections into bands.
  const bands: SectionPlan[][] = [];
  let band: SectionPlan[] = [];
  let bandWidth = 0;
  for (const s of sections) {
    const added = band.length ? bandWidth + SECTION_GAP + s.width : s.width;
    if (band.length && added > MAX_BAND_WIDTH) {
      bands.push(band);
      band = [];
      bandWidth = 0;
    }
    bandWidth = band.length ? bandWidth + SECTION_GAP + s.width : s.width;
    band.push(s);
  }
  if (band.length) bands.push(band);
  const widthOf = (b: SectionPlan[]) => b.reduce((w, s) => w + s.width, 0) + SECTION_GAP * (b.length - 1);
  const inner = Math.max(PITCH * 4, ...bands.map(widthOf));
  const width = inner + 2 * MARGIN;

  const boxes: SectionBox[] = [];
  const stage = { x: MARGIN + inner * 0.15, y: MARGIN, width: inner * 0.7, height: STAGE_HEIGHT };
  let y = MARGIN + STAGE_HEIGHT + SECTION_GAP;
  for (const b of bands) {
    let x = MARGIN + (inner - widthOf(b)) / 2;
    for (const s of b) {
      boxes.push({ name: s.name, x, y, width: s.width, height: s.height });
      s.rows.forEach((row, r) => {
        const left = x + (s.width - row.length * PITCH) / 2;
        const cy = y + LABEL + r * PITCH + PITCH / 2;
        row.forEach((seat, k) => {
          xs[seat] = left + k * PITCH + PITCH / 2;
          ys[seat] = cy;
        });
      });
      x += s.width + SECTION_GAP;
    }
    y += Math.max(...b.map((s) => s.height)) + SECTION_GAP;
  }
  const height = y - SECTION_GAP + MARGIN;

  // Horizontal lines of seats, for arrow keys: seats sharing a y, by x.
  const byY = new Map<number, number[]>();
  for (let i = 0; i < seats.length; i++) {
    const key = Math.round(ys[i]!);
    let line = byY.get(key);
    if (!line) byY.set(key, (line = []));
    line.push(i);
  }
  const lines = [...byY.entries()].sort(([a], [b]) => a - b).map(([, line]) => line.sort((a, b) => xs[a]! - xs[b]!));
  const lineOf = new Int32Array(seats.length);
  lines.forEach((line, l) => line.forEach((i) => (lineOf[i] = l)));

  return { width, height, xs, ys, seatSize: SEAT_SIZE, sections: boxes, stage, lines, lineOf };
}

/** Small halls are drawn larger, but not so large that a 20-seat hall fills a desktop screen. */
export const MAX_SCALE = 2.5;

/** How a hall fits a box `cssWidth` pixels wide: pixels per layout unit, and the left margin that centres it. */
export function fitToWidth(layout: Pick<HallLayout, 'width'>, cssWidth: number): { scale: number; offsetX: number } {
  const scale = Math.min(MAX_SCALE, cssWidth / layout.width);
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
 * left/right (into the next section of the band at a row's end), to the
 * nearest seat of the line above or below for up/down. Stays put at an edge.
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
