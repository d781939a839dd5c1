/**
 * The organizer's hall editor works on a draft that is easy to type: per
 * section a name and its rows' seat counts ("10, 12, 14"), rows lettered
 * from A. This turns it into the API's layout (POST /api/v1/venues/{id}/halls)
 * or says, in words, what is wrong.
 */

export interface SectionDraft {
  name: string;
  /** Seats per row, front to back: "10, 12, 14" or "3x20" (three rows of 20). */
  rows: string;
}

export interface HallBody {
  name: string;
  sections: { name: string; rows: { label: string; seats: number }[] }[];
}

/** A, B, ... Z, AA, AB, ...: row labels as halls letter them. */
export function rowLabel(i: number): string {
  let s = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** "10, 12, 3x20" → [10, 12, 20, 20, 20]; an error message for anything else. */
export function parseRowCounts(text: string): number[] | string {
  const counts: number[] = [];
  for (const part of text.split(/[,\s]+/).filter(Boolean)) {
    const m = /^(?:(\d+)x)?(\d+)$/i.exec(part);
    if (!m) return `"${part}" is not a seat count (write e.g. "10, 12, 14" or "5x20")`;
    const seats = Number(m[2]);
    if (seats < 1 || seats > 500) return `a row has 1 to 500 seats, not ${seats}`;
    counts.push(...Array<number>(Number(m[1] ?? 1)).fill(seats));
  }
  if (!counts.length) return 'give at least one row';
  if (counts.length > 500) return 'a section has at most 500 rows';
  return counts;
}

export function hallBody(name: string, sections: readonly SectionDraft[]): { body: HallBody } | { errors: string[] } {
  const errors: string[] = [];
  if (!name.trim()) errors.push('The hall needs a name.');
  const names = new Set<string>();
  const out: HallBody['sections'] = [];
  sections.forEach((s, i) => {
    const label = s.name.trim() || `Section ${i + 1}`;
    if (!s.name.trim()) errors.push(`Section ${i + 1} needs a name.`);
    else if (names.has(label)) errors.push(`Two sections are called "${label}".`);
    names.add(label);
    const counts = parseRowCounts(s.rows);
    if (typeof counts === 'string') errors.push(`${label}: ${counts}.`);
    else out.push({ name: label, rows: counts.map((seats, r) => ({ label: rowLabel(r), seats })) });
  });
  if (!sections.length) errors.push('A hall needs at least one section.');
  return errors.length ? { errors } : { body: { name: name.trim(), sections: out } };
}

/** The seats a hall body describes, in layout order (for the live preview). */
export const seatsOf = (body: Pick<HallBody, 'sections'>) =>
  body.sections.flatMap((s) => s.rows.flatMap((r) => Array.from({ length: r.seats }, (_, n) => ({ section: s.name, row: r.label, number: n + 1 }))));
