import type { Page } from 'playwright-core';
import type { Api } from '../../../devstack/api-client';
import { fitToWidth, layoutHall } from '../../../web/src/lib/seat-layout';

export interface MapSeat {
  seatId: string;
  section: string;
  row: string;
  number: number;
  tier: string;
  status: string;
}

/** The seat map's accessible layer (role="application") and the live region naming its current seat. */
export const seatMap = (page: Page) => page.getByRole('application', { name: /Seat map/ });
export const currentSeat = (page: Page) => page.locator('#seat-map-current');

/**
 * Clicks a seat on the canvas where the app draws it: the same geometry
 * module (web/src/lib/seat-layout.ts) places it, so a wrong hit test fails here.
 */
export async function clickSeat(page: Page, api: Api, sessionId: string, seat: Pick<MapSeat, 'section' | 'row' | 'number'>) {
  const map = await api.expect(200, 'GET', `/api/v1/sessions/${sessionId}/seat-map`);
  const seats = map.seats as MapSeat[];
  const i = seats.findIndex((s) => s.section === seat.section && s.row === seat.row && s.number === seat.number);
  if (i < 0) throw new Error(`no seat ${JSON.stringify(seat)}`);
  const layout = layoutHall(seats);
  const canvas = seatMap(page).locator('canvas');
  const box = (await canvas.boundingBox())!;
  const { scale, offsetX } = fitToWidth(layout, box.width);
  await canvas.click({ position: { x: offsetX + layout.xs[i]! * scale, y: layout.ys[i]! * scale } });
}
