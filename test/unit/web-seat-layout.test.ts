import { randomUUID } from 'node:crypto';
import { sessionLayout, type PlacedSeat } from '../../services/catalog/seat-layout';
import { stackSections } from '../../web/src/lib/seat-layout';

/**
 * The organizer's preview (web/src/lib/seat-layout.ts stackSections) places a
 * hall's rows as the catalog places a session's layout
 * (services/catalog/seat-layout.ts), so the preview is what buyers will see.
 */
describe("the web app's hall preview against the catalog's session layout", () => {
  it('gives every row the position the catalog gives it', () => {
    const hall = [
      { name: 'Stalls', rows: [10, 12, 14, 14] },
      { name: 'Circle', rows: [7, 20] },
      { name: 'Box', rows: [3] },
    ];
    const price = { amount: '10.00', currency: 'EUR' };
    const seats: PlacedSeat[] = hall.flatMap((s) =>
      s.rows.flatMap((count, r) => Array.from({ length: count }, (_, k) => ({ seatId: randomUUID(), section: s.name, row: `R${r + 1}`, number: k + 1, tier: 'Normal', price }))),
    );
    const catalog = sessionLayout(randomUUID(), seats, []);
    const preview = stackSections(hall);
    expect(preview).toEqual(catalog.sections.map((s) => ({ name: s.name, rows: s.rows.map((r) => ({ x: r.x, y: r.y, seats: r.seatIds.length })) })));
  });
});
