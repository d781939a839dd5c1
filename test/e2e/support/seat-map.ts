import type { Page } from 'playwright-core';
import type { SessionLayout } from '../../../contracts/catalog';
import type { Api } from '../../../devstack/api-client';
import { placeLayout } from '../../../web/src/lib/seat-layout';

/** The seat map's accessible layer (role="application") and the live region naming its current seat. */
export const seatMap = (page: Page) => page.getByRole('application', { name: /Seat map/ });
export const currentSeat = (page: Page) => page.locator('#seat-map-current');

/** A session's layout as the app reads it (GET /api/v1/sessions/{id}/layout). */
export const sessionLayout = (api: Api, sessionId: string): Promise<SessionLayout> => api.expect(200, 'GET', `/api/v1/sessions/${sessionId}/layout`);

/** The layout's seats in its (and the availability's) order, with what each is. */
export const layoutSeats = (l: SessionLayout) =>
  l.sections.flatMap((s) => s.rows.flatMap((r) => r.seatIds.map((seatId, k) => ({ seatId, section: s.name, row: r.label, number: k + 1, tier: l.tiers[r.tier]!.name }))));

/**
 * Clicks a seat on the canvas where the app draws it: the same geometry
 * module (web/src/lib/seat-layout.ts) places it from the same layout, so a
 * wrong hit test fails here.
 */
export async function clickSeat(page: Page, api: Api, sessionId: string, seat: { section: string; row: string; number: number }) {
  const l = await sessionLayout(api, sessionId);
  const i = layoutSeats(l).findIndex((s) => s.section === seat.section && s.row === seat.row && s.number === seat.number);
  if (i < 0) throw new Error(`no seat ${JSON.stringify(seat)}`);
  const layout = placeLayout(l.sections);
  const canvas = seatMap(page).locator('canvas');
  // The scale the app chose, read from the canvas it sized (its CSS height is the hall's height in units × scale,
  // rounded up: off by under a pixel), so the test follows whatever fit the app applies.
  const box = (await canvas.boundingBox())!;
  const scale = box.height / layout.height;
  const offsetX = (box.width - layout.width * scale) / 2;
  await canvas.click({ position: { x: offsetX + layout.xs[i]! * scale, y: layout.ys[i]! * scale } });
}
